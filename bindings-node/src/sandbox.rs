//! The Graph API simulator (crate `instagram-graph-sandbox`), for tests and demos without Meta.

use crate::{envelope, guard_sync, parse_json, throw};
use instagram_graph as ig;
use instagram_graph_sandbox as sbx;
use napi_derive::napi;
use std::sync::{Arc, Mutex};

/// The sandbox's own errors become the core's typed errors, so JS sees the same classes.
fn to_ig(e: sbx::Error) -> ig::Error {
    match e.kind {
        sbx::ErrorKind::InvalidOptions => ig::Error::invalid_params(e.message),
        _ => ig::Error::internal(e.message),
    }
}

/// A running Graph API sandbox; stops on `stop()` or when garbage-collected.
#[napi]
pub struct NativeSandbox {
    // Shared with the blocking thread of `simulate`, which delivers while JS runs on.
    inner: Arc<Mutex<Option<sbx::Sandbox>>>,
    url: String,
    access_token: String,
    facebook_access_token: String,
    page_access_token: String,
    app_id: String,
    app_secret: String,
    ig_user_id: String,
    page_id: String,
    info: String,
}

/// Start a sandbox from JSON options (snake_case keys); throws an envelope on bad options.
#[napi]
pub fn start_sandbox(options_json: String) -> napi::Result<NativeSandbox> {
    guard_sync("startSandbox", &[], || {
        let options = parse_json("sandbox options", &options_json)?;
        let options = sbx::SandboxOptions::from_json(&options).map_err(to_ig)?;
        let sb = sbx::Sandbox::start(options).map_err(to_ig)?;
        Ok(NativeSandbox {
            url: sb.url().to_string(),
            access_token: sb.access_token().to_string(),
            facebook_access_token: sb.facebook_access_token().to_string(),
            page_access_token: sb.page_access_token().to_string(),
            app_id: sb.app_id().to_string(),
            app_secret: sb.app_secret().to_string(),
            ig_user_id: sb.ig_user_id().to_string(),
            page_id: sb.page_id().to_string(),
            info: sb.info_json().to_string(),
            inner: Arc::new(Mutex::new(Some(sb))),
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

    /// Instagram Login token (`IGAA…`) of the demo account.
    #[napi(getter)]
    pub fn access_token(&self) -> String {
        self.access_token.clone()
    }

    /// Facebook Login user token (`EAA…`) of the user who manages the Pages.
    #[napi(getter)]
    pub fn facebook_access_token(&self) -> String {
        self.facebook_access_token.clone()
    }

    /// Page token of the Page linked to the demo account.
    #[napi(getter)]
    pub fn page_access_token(&self) -> String {
        self.page_access_token.clone()
    }

    /// App id (numeric string), the OAuth `client_id`.
    #[napi(getter)]
    pub fn app_id(&self) -> String {
        self.app_id.clone()
    }

    /// App secret the sandbox checks `appsecret_proof` and `client_secret` against.
    #[napi(getter)]
    pub fn app_secret(&self) -> String {
        self.app_secret.clone()
    }

    /// IG professional account id of the demo account.
    #[napi(getter)]
    pub fn ig_user_id(&self) -> String {
        self.ig_user_id.clone()
    }

    /// Id of the Facebook Page linked to the demo account.
    #[napi(getter)]
    pub fn page_id(&self) -> String {
        self.page_id.clone()
    }

    /// Everything the sandbox says about itself, as JSON.
    #[napi(getter)]
    pub fn info(&self) -> String {
        self.info.clone()
    }

    /// Simulate activity and deliver it as signed webhooks (`POST /_sandbox/webhooks/simulate`
    /// with `spec_json` as its body); resolves to an envelope of what the endpoint answers.
    /// The delivery blocks (it waits for the callbacks' answers), so it runs on a blocking
    /// thread: the JavaScript thread stays free to serve a callback in the same process.
    #[napi]
    pub async fn simulate(&self, spec_json: String) -> String {
        let inner = self.inner.clone();
        let app_secret = self.app_secret.clone();
        let joined = tokio::task::spawn_blocking(move || {
            guard_sync("sandbox.simulate", &[&app_secret], || {
                let spec = parse_json("sandbox.simulate: spec", &spec_json)?;
                let guard = match inner.lock() {
                    Ok(g) => g,
                    Err(poisoned) => poisoned.into_inner(),
                };
                let Some(sb) = guard.as_ref() else {
                    return Err(ig::Error::invalid_params(
                        "sandbox.simulate: the sandbox is stopped",
                    ));
                };
                sb.simulate(&spec).map_err(to_ig)
            })
        })
        .await;
        envelope(joined.unwrap_or_else(|e| {
            Err(ig::Error::internal(format!(
                "sandbox.simulate: the delivery thread failed: {e}"
            )))
        }))
    }

    /// Stop serving; idempotent. Resolves once the server thread is gone, which a background
    /// thread waits for, so the JavaScript thread never blocks.
    #[napi]
    pub async fn stop(&self) -> napi::Result<()> {
        let taken = match self.inner.lock() {
            Ok(mut g) => g.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let Some(mut sb) = taken else {
            return Ok(());
        };
        sb.signal_stop();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("ig-sandbox-stop".into())
            .spawn(move || {
                sb.stop();
                let _ = tx.send(());
            });
        if spawned.is_ok() {
            // A dropped sender (the join panicked) still means the server is gone.
            let _ = rx.await;
        }
        Ok(())
    }
}
