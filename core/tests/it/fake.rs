//! A scripted Graph stand-in: answers queued responses in order and records every request.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Raw request body (form posts of the OAuth code exchange).
    pub body: String,
    pub content_type: Option<String>,
}

impl Seen {
    pub fn q(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The body decoded as `application/x-www-form-urlencoded` pairs.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.body.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
}

/// A queued answer: status, headers, body.
type Scripted = (u16, Vec<(String, String)>, String);

#[derive(Clone, Default)]
struct State {
    script: Arc<Mutex<VecDeque<Scripted>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

pub struct Fake {
    pub url: String,
    state: State,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl Fake {
    pub async fn start() -> Fake {
        let state = State::default();
        let st = state.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, h: HeaderMap, b: Bytes| {
                let st = st.clone();
                async move {
                    let query = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
                        .map(|(k, v)| (k.into_owned(), v.into_owned()))
                        .collect();
                    st.seen.lock().unwrap().push(Seen {
                        method: method.to_string(),
                        path: uri.path().to_owned(),
                        query,
                        body: String::from_utf8_lossy(&b).into_owned(),
                        content_type: h
                            .get("content-type")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_owned),
                    });
                    let next = st.script.lock().unwrap().pop_front();
                    let (status, headers, body) = next.unwrap_or((
                        500,
                        vec![],
                        r#"{"error":{"message":"script exhausted","code":1}}"#.into(),
                    ));
                    let mut resp = (StatusCode::from_u16(status).unwrap(), body).into_response();
                    resp.headers_mut()
                        .insert("content-type", "application/json".parse().unwrap());
                    for (k, v) in headers {
                        resp.headers_mut().insert(
                            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                            v.parse().unwrap(),
                        );
                    }
                    resp
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    rx.await.ok();
                })
                .await
                .ok();
        });
        Fake {
            url,
            state,
            _shutdown: tx,
        }
    }

    pub fn push(&self, status: u16, body: Value) -> &Self {
        self.push_with_headers(status, &[], body)
    }

    pub fn push_with_headers(&self, status: u16, headers: &[(&str, &str)], body: Value) -> &Self {
        let hs = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.state
            .script
            .lock()
            .unwrap()
            .push_back((status, hs, body.to_string()));
        self
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }
}

pub fn client(url: &str, extra: Value) -> instagram_graph::Client {
    let mut cfg = serde_json::json!({"access_token": "TOKEN-abc123", "base_url": url, "app_secret": "APPSECRET-xyz"});
    if let (Some(o), Some(e)) = (cfg.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    instagram_graph::Client::from_json(&cfg).unwrap()
}
