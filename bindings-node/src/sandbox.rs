//! The embedded sandbox, for tests and demos without Meta.

use crate::{guard_sync, parse_json, throw};
use instagram_graph as ig;
use napi_derive::napi;

/// A running embedded Graph API sandbox; stops on `stop()` or when garbage-collected.
#[napi]
pub struct NativeSandbox {
    inner: std::sync::Mutex<Option<ig::sandbox::Sandbox>>,
    url: String,
    access_token: String,
    app_secret: String,
    ig_user_id: String,
    info: String,
}

/// Start a sandbox from JSON options (snake_case keys); throws an envelope on bad options.
#[napi]
pub fn start_sandbox(options_json: String) -> napi::Result<NativeSandbox> {
    guard_sync("startSandbox", &[], || {
        let options = parse_json("sandbox options", &options_json)?;
        let sb = ig::sandbox::Sandbox::start(ig::sandbox::SandboxOptions::from_json(&options)?)?;
        Ok(NativeSandbox {
            url: sb.url().to_string(),
            access_token: sb.access_token().to_string(),
            app_secret: sb.app_secret().to_string(),
            ig_user_id: sb.ig_user_id().to_string(),
            info: sb.info_json().to_string(),
            inner: std::sync::Mutex::new(Some(sb)),
        })
    })
    .map_err(throw)
}

#[napi]
impl NativeSandbox {
    /// Base URL to give the client (`http://127.0.0.1:PORT`).
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Access token of the demo account.
    #[napi(getter)]
    pub fn access_token(&self) -> String {
        self.access_token.clone()
    }

    /// App secret the sandbox checks `appsecret_proof` against.
    #[napi(getter)]
    pub fn app_secret(&self) -> String {
        self.app_secret.clone()
    }

    /// IG user id of the demo account.
    #[napi(getter)]
    pub fn ig_user_id(&self) -> String {
        self.ig_user_id.clone()
    }

    /// Everything the sandbox says about itself, as JSON.
    #[napi(getter)]
    pub fn info(&self) -> String {
        self.info.clone()
    }

    /// Stop serving; idempotent.
    #[napi]
    pub fn stop(&self) -> napi::Result<()> {
        guard_sync("sandbox stop", &[], || {
            let taken = match self.inner.lock() {
                Ok(mut g) => g.take(),
                Err(poisoned) => poisoned.into_inner().take(),
            };
            if let Some(mut sb) = taken {
                sb.stop();
            }
            Ok(())
        })
        .map_err(throw)
    }
}
