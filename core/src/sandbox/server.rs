//! Starting and stopping the sandbox: its own thread and tokio runtime, so it works from plain
//! threads, from inside another runtime (napi, `#[tokio::test]`) and from Python.

use super::options::SandboxOptions;
use super::routes::{dispatch, unix_now, Shared};
use super::seed;
use super::stats::Stats;
use crate::error::Error;
use serde_json::{json, Value};
use std::future::IntoFuture as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::watch;

/// How long in-flight requests may run on after `stop` before they are cut.
const GRACE: Duration = Duration::from_secs(2);

/// A running Graph API simulator. Dropping it stops it.
pub struct Sandbox {
    url: String,
    access_token: String,
    app_secret: String,
    ig_user_id: String,
    seed: u64,
    shutdown: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("url", &self.url)
            .field("ig_user_id", &self.ig_user_id)
            .field("seed", &self.seed)
            .field("running", &self.thread.is_some())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Bind the port, start serving on a dedicated thread and return once it accepts connections.
    pub fn start(opts: SandboxOptions) -> Result<Sandbox, Error> {
        opts.validate()?;
        let ip: IpAddr = opts
            .host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .or_else(|_| {
                use std::net::ToSocketAddrs as _;
                // Prefer IPv4 for names like `localhost`: more clients reach 127.0.0.1.
                let addrs: Vec<SocketAddr> = (opts.host.as_str(), opts.port)
                    .to_socket_addrs()
                    .map(Iterator::collect)
                    .unwrap_or_default();
                addrs
                    .iter()
                    .find(|a| a.is_ipv4())
                    .or(addrs.first())
                    .map(|a| a.ip())
                    .ok_or(())
            })
            .map_err(|_| {
                Error::invalid_params(format!(
                    "sandbox options: host: cannot resolve '{}'",
                    opts.host
                ))
            })?;
        let listener = TcpListener::bind(SocketAddr::new(ip, opts.port)).map_err(|e| {
            Error::transport(
                format!("sandbox: cannot bind {}:{}: {e}", opts.host, opts.port),
                false,
            )
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|e| Error::internal(format!("sandbox: cannot configure the listener: {e}")))?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::internal(format!("sandbox: no local address: {e}")))?;
        let url = format!(
            "http://{}",
            SocketAddr::new(connectable(local.ip()), local.port())
        );

        let world = seed::build(opts.seed, opts.media_count, unix_now());
        let access_token = world.token.clone();
        let app_secret = world.app_secret.clone();
        let ig_user_id = world
            .accounts
            .first()
            .map(|a| a.user.id.clone())
            .unwrap_or_default();
        let info = info_value(&url, &access_token, &app_secret, &ig_user_id, opts.seed);
        let shared = Arc::new(Shared {
            seed: opts.seed,
            media_count: opts.media_count,
            latency: opts.latency,
            require_proof: opts.require_appsecret_proof,
            url: url.clone(),
            ig_user_id: ig_user_id.clone(),
            info,
            world: Mutex::new(world),
            stats: Mutex::new(Stats::default()),
        });

        let (tx, rx) = watch::channel(false);
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), Error>>();
        let thread = std::thread::Builder::new()
            .name("ig-sandbox".into())
            .spawn(move || serve(listener, shared, rx, ready_tx))
            .map_err(|e| Error::internal(format!("sandbox: cannot spawn its thread: {e}")))?;
        let ready = ready_rx.recv().unwrap_or_else(|_| {
            Err(Error::internal(
                "sandbox: server thread ended before it was ready",
            ))
        });
        if let Err(e) = ready {
            let _ = thread.join();
            return Err(e);
        }
        Ok(Sandbox {
            url,
            access_token,
            app_secret,
            ig_user_id,
            seed: opts.seed,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// Base URL, `http://127.0.0.1:PORT` (no trailing slash, no version).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The one valid access token (deterministic from the seed).
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The app secret for `appsecret_proof` and webhook signatures (deterministic from the seed).
    pub fn app_secret(&self) -> &str {
        &self.app_secret
    }

    /// The IG professional account id (17 digits, `1784...`).
    pub fn ig_user_id(&self) -> &str {
        &self.ig_user_id
    }

    /// `{"url","access_token","app_secret","ig_user_id","seed"}`.
    pub fn info_json(&self) -> Value {
        info_value(
            &self.url,
            &self.access_token,
            &self.app_secret,
            &self.ig_user_id,
            self.seed,
        )
    }

    /// Stop serving and join the server thread. Idempotent.
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}

fn info_value(url: &str, token: &str, secret: &str, ig: &str, seed: u64) -> Value {
    json!({"url": url, "access_token": token, "app_secret": secret, "ig_user_id": ig, "seed": seed})
}

/// A wildcard bind address is reachable through loopback.
fn connectable(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v) if v.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v) if v.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    }
}

fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    rx: watch::Receiver<bool>,
    ready: mpsc::Sender<Result<(), Error>>,
) {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ig-sandbox-worker")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(Error::internal(format!(
                "sandbox: cannot build its runtime: {e}"
            ))));
            return;
        }
    };
    rt.block_on(async move {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                let _ = ready.send(Err(Error::internal(format!(
                    "sandbox: cannot adopt the listener: {e}"
                ))));
                return;
            }
        };
        let app = axum::Router::new().fallback(dispatch).with_state(shared);
        let mut graceful_rx = rx.clone();
        let server = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = graceful_rx.wait_for(|stop| *stop).await;
            })
            .into_future();
        let mut deadline_rx = rx;
        let deadline = async move {
            let _ = deadline_rx.wait_for(|stop| *stop).await;
            tokio::time::sleep(GRACE).await;
        };
        let _ = ready.send(Ok(()));
        tokio::select! {
            _ = server => {}
            _ = deadline => {}
        }
    });
    rt.shutdown_timeout(Duration::from_millis(200));
}
