//! A tiny webhook receiver for the tests: records every request it gets and answers the
//! handshake and the deliveries as its plan says. It runs on its own thread and runtime, so a
//! test may block its own thread (`Sandbox::simulate`) without starving the receiver.

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// How the receiver answers `GET ?hub.challenge=…`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handshake {
    /// 200 with the challenge (what Meta wants).
    Echo,
    /// 200 with another body.
    Wrong,
    /// This status with the challenge as body.
    Status(u16),
}

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn q(&self, k: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    pub fn h(&self, k: &str) -> Option<&str> {
        self.headers.get(k).and_then(|v| v.to_str().ok())
    }
}

struct Plan {
    handshake: Handshake,
    /// Statuses for the next POSTs; 200 once empty.
    posts: VecDeque<u16>,
}

struct State {
    seen: Mutex<Vec<Seen>>,
    plan: Mutex<Plan>,
}

/// A running receiver; dropping it stops it.
pub struct Hook {
    pub url: String,
    state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hook {
    pub fn start(handshake: Handshake) -> Hook {
        let state = Arc::new(State {
            seen: Mutex::new(Vec::new()),
            plan: Mutex::new(Plan {
                handshake,
                posts: VecDeque::new(),
            }),
        });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        let st = Arc::clone(&state);
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                url_tx
                    .send(format!(
                        "http://{}/hooks/ig?app=sbx",
                        l.local_addr().unwrap()
                    ))
                    .unwrap();
                let app =
                    axum::Router::new().fallback(move |req: Request| answer(Arc::clone(&st), req));
                axum::serve(l, app)
                    .with_graceful_shutdown(async move {
                        let _ = rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        Hook {
            url: url_rx.recv().unwrap(),
            state,
            stop: Some(tx),
            thread: Some(thread),
        }
    }

    /// Answer the next POSTs with these statuses (then 200).
    pub fn plan_posts(&self, statuses: &[u16]) {
        self.state.plan.lock().unwrap().posts = statuses.iter().copied().collect();
    }

    pub fn set_handshake(&self, h: Handshake) {
        self.state.plan.lock().unwrap().handshake = h;
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    pub fn posts(&self) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.method == "POST")
            .collect()
    }

    pub fn clear(&self) {
        self.state.seen.lock().unwrap().clear();
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn answer(st: Arc<State>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body: Bytes = axum::body::to_bytes(body, 64 << 20)
        .await
        .unwrap_or_default();
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let seen = Seen {
        method: parts.method.to_string(),
        query: query.clone(),
        headers: parts.headers.clone(),
        body: body.to_vec(),
    };
    st.seen.lock().unwrap().push(seen);
    let challenge = query
        .iter()
        .find(|(k, _)| k == "hub.challenge")
        .map(|(_, v)| v.clone());
    if parts.method == "GET" {
        let h = st.plan.lock().unwrap().handshake;
        let c = challenge.unwrap_or_default();
        return match h {
            Handshake::Echo => (StatusCode::OK, c).into_response(),
            Handshake::Wrong => (StatusCode::OK, format!("{c}x")).into_response(),
            Handshake::Status(s) => (StatusCode::from_u16(s).unwrap(), c).into_response(),
        };
    }
    let s = st.plan.lock().unwrap().posts.pop_front().unwrap_or(200);
    (StatusCode::from_u16(s).unwrap(), "ok").into_response()
}
