//! Starting and stopping the sandbox: its own thread and tokio runtime, so it works from plain
//! threads, from inside another runtime (napi, `#[tokio::test]`) and from Python.
//!
//! Connections are served one by one with hyper (the router is axum's) so that the
//! `connection_reset` fault can drop a connection without answering.

use crate::clock::Clock;
use crate::error::Error;
use crate::faults::Faults;
use crate::options::SandboxOptions;
use crate::routes::{dispatch, Kill, Shared};
use crate::seed;
use crate::stats::Stats;
use crate::webhooks::Hooks;
use axum::extract::Request;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::watch;
use tower_service::Service as _;

/// Name prefix of the sandbox's runtime threads.
const WORKER_NAME: &str = "ig-sandbox-worker";
/// Longest a blocking `simulate` waits (retries of `wait: "all"` at the largest settings fit).
const JOB_LIMIT: Duration = Duration::from_secs(30 * 60);

/// How long in-flight requests may run on after `stop` before they are cut.
const GRACE: Duration = Duration::from_secs(2);

/// What a started sandbox tells its users (all deterministic from the seed, except the URL).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Info {
    url: String,
    access_token: String,
    facebook_access_token: String,
    page_access_token: String,
    app_id: String,
    app_secret: String,
    ig_user_id: String,
    ig_app_scoped_id: String,
    page_id: String,
    unlinked_page_id: String,
    facebook_user_id: String,
    app_access_token: String,
    seed: u64,
    /// Seeded messaging ids (`messaging` of the info JSON; keys fixed by the issue).
    messaging: Value,
    /// Ids of the content fixtures (`content` in the info JSON, see `content::info`).
    content: Value,
}

impl Info {
    fn to_json(&self) -> Value {
        json!({
            "url": self.url,
            "access_token": self.access_token,
            "facebook_access_token": self.facebook_access_token,
            "page_access_token": self.page_access_token,
            "app_id": self.app_id,
            "app_secret": self.app_secret,
            "ig_user_id": self.ig_user_id,
            "ig_app_scoped_id": self.ig_app_scoped_id,
            "page_id": self.page_id,
            "unlinked_page_id": self.unlinked_page_id,
            "facebook_user_id": self.facebook_user_id,
            "app_access_token": self.app_access_token,
            "seed": self.seed,
            "messaging": self.messaging,
            "content": self.content,
        })
    }
}

/// A running Graph API simulator. Dropping it stops it.
pub struct Sandbox {
    info: Info,
    shared: Arc<Shared>,
    /// The server's runtime, where `simulate` runs its deliveries.
    runtime: tokio::runtime::Handle,
    shutdown: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the tokens or the app secret.
        f.debug_struct("Sandbox")
            .field("url", &self.info.url)
            .field("ig_user_id", &self.info.ig_user_id)
            .field("page_id", &self.info.page_id)
            .field("seed", &self.info.seed)
            .field("running", &self.thread.is_some())
            .finish_non_exhaustive()
    }
}

fn resolve_host(opts: &SandboxOptions) -> Result<IpAddr, Error> {
    opts.host
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
            Error::invalid_options(format!(
                "sandbox options: host: cannot resolve '{}'",
                opts.host
            ))
        })
}

impl Sandbox {
    /// Bind the port, start serving on a dedicated thread and return once it accepts connections.
    pub fn start(opts: SandboxOptions) -> Result<Sandbox, Error> {
        opts.validate()?;
        let ip = resolve_host(&opts)?;
        let listener = TcpListener::bind(SocketAddr::new(ip, opts.port)).map_err(|e| {
            Error::bind(format!(
                "sandbox: cannot bind {}:{}: {e}",
                opts.host, opts.port
            ))
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

        let clock = Clock::default();
        let world = seed::build(opts.seed, opts.media_count, opts.bulk_comments, clock.now());
        let linked = world.page_of_account(0);
        let info = Info {
            url: url.clone(),
            access_token: world.ig_token.clone(),
            facebook_access_token: world.fb_token.clone(),
            page_access_token: linked.map(|p| p.access_token.clone()).unwrap_or_default(),
            app_id: world.app.id.clone(),
            app_secret: world.app.secret.clone(),
            ig_user_id: world
                .accounts
                .first()
                .map(|a| a.user.id.clone())
                .unwrap_or_default(),
            ig_app_scoped_id: world
                .accounts
                .first()
                .map(|a| a.user.scoped_id.clone())
                .unwrap_or_default(),
            page_id: linked.map(|p| p.id.clone()).unwrap_or_default(),
            unlinked_page_id: world
                .pages
                .iter()
                .find(|p| p.account.is_none())
                .map(|p| p.id.clone())
                .unwrap_or_default(),
            facebook_user_id: world.fb_user.id.clone(),
            app_access_token: crate::webhooks::subscriptions::app_access_token(&world),
            seed: opts.seed,
            messaging: crate::messaging::info(&world),
            content: crate::content::info(&world),
        };
        // Callbacks are usually local test servers: no proxy from the environment, no redirects.
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::internal(format!("sandbox: cannot build its HTTP client: {e}")))?;
        let shared = Arc::new(Shared {
            seed: opts.seed,
            media_count: opts.media_count,
            bulk_comments: opts.bulk_comments,
            latency: opts.latency,
            require_proof: opts.require_appsecret_proof,
            usage_start: u64::from(opts.usage_start_percent),
            url: url.clone(),
            info: info.to_json(),
            world: Mutex::new(world),
            stats: Mutex::new(Stats::default()),
            clock: Mutex::new(clock),
            faults: Mutex::new(Faults::new(opts.faults.clone())),
            hooks: Mutex::new(Hooks::new(opts.webhooks.clone())),
            webhook_defaults: opts.webhooks.clone(),
            http,
        });

        let (tx, rx) = watch::channel(false);
        let (ready_tx, ready_rx) = mpsc::channel::<Result<tokio::runtime::Handle, Error>>();
        let served = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("ig-sandbox".into())
            .spawn(move || serve(listener, served, rx, ready_tx))
            .map_err(|e| Error::internal(format!("sandbox: cannot spawn its thread: {e}")))?;
        let ready = ready_rx.recv().unwrap_or_else(|_| {
            Err(Error::internal(
                "sandbox: server thread ended before it was ready",
            ))
        });
        let runtime = match ready {
            Ok(h) => h,
            Err(e) => {
                let _ = thread.join();
                return Err(e);
            }
        };
        Ok(Sandbox {
            info,
            shared,
            runtime,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// Base URL, `http://127.0.0.1:PORT` (no trailing slash, no version). Both hosts'
    /// paths are served here; the token family decides which host's rules apply.
    pub fn url(&self) -> &str {
        &self.info.url
    }

    /// The Instagram Login token (`IGAA…`, long-lived) of the demo account.
    pub fn access_token(&self) -> &str {
        &self.info.access_token
    }

    /// The Facebook Login user token (`EAA…`, long-lived) of the user managing the Pages.
    pub fn facebook_access_token(&self) -> &str {
        &self.info.facebook_access_token
    }

    /// The Page token (`EAA…`, never expires) of the Page linked to the demo account.
    pub fn page_access_token(&self) -> &str {
        &self.info.page_access_token
    }

    /// The app id (numeric string), the `client_id` of the OAuth endpoints.
    pub fn app_id(&self) -> &str {
        &self.info.app_id
    }

    /// The app secret for `appsecret_proof`, `client_secret` and webhook signatures.
    pub fn app_secret(&self) -> &str {
        &self.info.app_secret
    }

    /// The IG professional account id (17 digits, `1784...`), used in paths and webhooks.
    pub fn ig_user_id(&self) -> &str {
        &self.info.ig_user_id
    }

    /// The id of the Facebook Page linked to the demo account.
    pub fn page_id(&self) -> &str {
        &self.info.page_id
    }

    /// The seed of the demo data.
    pub fn seed(&self) -> u64 {
        self.info.seed
    }

    /// Everything above (and the ids of the Facebook user, the unlinked Page and the app-scoped
    /// Instagram id, and the seeded messaging ids under `messaging`) as one JSON object with
    /// snake_case keys: what the command prints.
    pub fn info_json(&self) -> Value {
        self.info.to_json()
    }

    /// The app access token (`{app-id}|…`, what `grant_type=client_credentials` issues) for
    /// `/{app-id}/subscriptions`; `{app-id}|{app-secret}` works too.
    pub fn app_access_token(&self) -> &str {
        &self.info.app_access_token
    }

    /// Simulate activity on the demo account and deliver it as webhooks, like
    /// `POST /_sandbox/webhooks/simulate` with `spec` as its body (`{"event":"message",...}`).
    /// Returns what the endpoint answers: `{"deliveries":[...],"body":"<bytes sent>",...}`.
    ///
    /// Blocking. The work runs on the sandbox's own runtime and this thread waits on a plain
    /// channel, so it works from any thread, also one inside another tokio runtime (prefer
    /// `block_in_place` or `spawn_blocking` there so that runtime's worker is not held); only
    /// the sandbox's own worker threads are refused, as waiting there could deadlock.
    pub fn simulate(&self, spec: &Value) -> Result<Value, Error> {
        let Value::Object(spec) = spec else {
            return Err(Error::invalid_options(
                "simulate: expected an object like {\"event\": \"message\"}",
            ));
        };
        let spec = spec.clone();
        self.run(move |sh| async move { crate::webhooks::admin::simulate(&sh, &spec).await })?
            .map_err(Error::invalid_options)
    }

    /// Every delivery attempt so far, like `GET /_sandbox/webhooks/deliveries`.
    pub fn deliveries(&self) -> Value {
        crate::webhooks::admin::deliveries(&self.shared)
    }

    /// Run `job` on the sandbox's runtime and wait for its result.
    fn run<T, F, Fut>(&self, job: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(Arc<Shared>) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = T> + Send + 'static,
    {
        if std::thread::current()
            .name()
            .is_some_and(|n| n.starts_with(WORKER_NAME))
        {
            return Err(Error::internal(
                "sandbox: simulate cannot be called from the sandbox's own threads",
            ));
        }
        if self.thread.is_none() {
            return Err(Error::internal("sandbox: stopped"));
        }
        let (tx, rx) = mpsc::channel();
        let sh = Arc::clone(&self.shared);
        self.runtime.spawn(async move {
            let _ = tx.send(job(sh).await);
        });
        // The job ends by itself (every request has a timeout); the bound only guards
        // against a runtime that went away while we waited.
        rx.recv_timeout(JOB_LIMIT)
            .map_err(|_| Error::internal("sandbox: stopped before the simulation finished"))
    }

    /// Tell the server to stop without waiting for it (never blocks). `stop` then joins.
    pub fn signal_stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
    }

    /// Stop serving and join the server thread (at most about two seconds). Idempotent.
    pub fn stop(&mut self) {
        self.signal_stop();
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
    ready: mpsc::Sender<Result<tokio::runtime::Handle, Error>>,
) {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(WORKER_NAME)
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
        let _ = ready.send(Ok(tokio::runtime::Handle::current()));
        accept_loop(listener, app, rx).await;
    });
    rt.shutdown_timeout(Duration::from_millis(200));
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    mut stop: watch::Receiver<bool>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    conns.spawn(connection(stream, app.clone(), stop.clone()));
                }
                // Out of descriptors and the like: pause instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = stopped(&mut stop) => break,
        }
    }
    drop(listener);
    let drain = async { while conns.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(GRACE, drain).await;
    conns.abort_all();
}

/// Resolves once stop was signalled (or the sender is gone); drops the watch guard itself so
/// the caller's future stays `Send`.
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// Serve one connection until it ends, the `connection_reset` fault pulls its switch, or the
/// sandbox stops (then idle keep-alive connections close at once, busy ones finish).
async fn connection(
    stream: tokio::net::TcpStream,
    app: axum::Router,
    mut stop: watch::Receiver<bool>,
) {
    let kill = Kill::default();
    let switch = kill.clone();
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(switch.clone());
        let mut app = app.clone();
        async move { app.call(req.map(axum::body::Body::new) as Request).await }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = kill.0.notified() => {}
        _ = stopped(&mut stop) => {
            conn.as_mut().graceful_shutdown();
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = kill.0.notified() => {}
            }
        }
    }
}
