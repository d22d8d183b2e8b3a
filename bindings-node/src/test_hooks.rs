//! Test hooks (feature `test-hooks`, never in what ships): panics inside the entry-point
//! guards, to prove a panic becomes an `internal` error scrubbed of the client's secrets
//! instead of aborting Node.
// napi registers these for the addon only; a `cargo test` build of the lib sees them unused.
#![cfg_attr(test, allow(dead_code))]

use crate::{guard_async, guard_client, guard_sync, throw, NativeClient};
use instagram_graph as ig;
use napi::bindgen_prelude::{ClassInstance, PromiseRaw};
use napi::Env;
use napi_derive::napi;

fn explode(client: Option<&ig::Client>) -> ig::Result<serde_json::Value> {
    match client {
        None => panic!("deliberate panic (test hook)"),
        Some(c) => panic!(
            "deliberate panic (test hook) quoting {}",
            c.secrets().join(" ")
        ),
    }
}

/// Panic inside a synchronous entry point; with `client`, the message quotes its secrets.
#[napi(js_name = "__panicForTests")]
pub fn panic_for_tests(client: Option<ClassInstance<'_, NativeClient>>) -> napi::Result<String> {
    let result = match client.as_deref() {
        None => guard_sync("__panicForTests", &[], || explode(None)),
        Some(c) => guard_client("__panicForTests", &c.inner, || explode(Some(&c.inner))),
    };
    result.map(|v| v.to_string()).map_err(throw)
}

/// The same inside an async entry point (resolves to an error envelope).
#[napi(js_name = "__panicForTestsAsync", ts_return_type = "Promise<string>")]
pub fn panic_for_tests_async<'env>(
    env: &'env Env,
    client: Option<ClassInstance<'env, NativeClient>>,
) -> napi::Result<PromiseRaw<'env, String>> {
    let core = client.as_deref().map(|c| c.inner.clone());
    env.spawn_future(async move {
        let quoted = core.clone();
        Ok(guard_async("__panicForTestsAsync", core, async move {
            tokio::task::yield_now().await;
            explode(quoted.as_ref())
        })
        .await)
    })
}
