//! Webhooks as Meta delivers them (graph-api.md §3): app and account subscriptions, simulated
//! activity turned into signed POSTs to the subscribed callback, retries, duplicates and the
//! record of every attempt.
//!
//! * [`subscriptions`]: `/{app-id}/subscriptions`, `/me/subscribed_apps`, `/{page-id}/subscribed_apps`
//! * [`events`]: the payload of each simulated kind, and what it changes in the world
//! * [`deliver`]: signing, sending, backoff, the delivery log
//! * [`echoes`]: the `is_echo` deliveries of messages sent through the Send API
//! * [`admin`]: the `/_sandbox/webhooks/...` endpoints
//! * [`meta_json`]: the exact bytes (escaped unicode, `\/`)

pub(crate) mod admin;
pub(crate) mod deliver;
pub(crate) mod echoes;
pub(crate) mod events;
pub(crate) mod meta_json;
pub(crate) mod subscriptions;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Delivery settings: options of `start`, command flags and `POST /_sandbox/webhooks/config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookOptions {
    /// Retries after a failed first attempt (non-2xx or no answer); 0 = one attempt only.
    pub retries: u32,
    /// Wait before the first retry; each later retry waits twice as long (real time).
    pub backoff_ms: u64,
    /// Also send the legacy `X-Hub-Signature: sha1=…` header (Messenger-platform webhooks do).
    pub sha1: bool,
    /// How long one attempt (and the subscription handshake) may take; Meta gives up after 20 s.
    pub timeout_ms: u64,
}

/// Largest `retries` accepted.
pub const MAX_RETRIES: u32 = 20;
/// Largest `backoff_ms` accepted (one minute).
pub const MAX_BACKOFF_MS: u64 = 60_000;
/// Largest `timeout_ms` accepted.
pub const MAX_TIMEOUT_MS: u64 = 120_000;

impl Default for WebhookOptions {
    fn default() -> Self {
        // Small on purpose: tests see a retry sequence (100, 200, 400 ms) within a second.
        WebhookOptions {
            retries: 3,
            backoff_ms: 100,
            sha1: true,
            timeout_ms: 20_000,
        }
    }
}

impl WebhookOptions {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "retries": self.retries,
            "backoff_ms": self.backoff_ms,
            "sha1": self.sha1,
            "timeout_ms": self.timeout_ms,
        })
    }

    /// Apply `{"retries","backoff_ms","sha1","timeout_ms"}` (absent keys unchanged); the error
    /// names the key.
    pub(crate) fn apply_json(&mut self, m: &serde_json::Map<String, Value>) -> Result<(), String> {
        let uint = |k: &str, v: &Value, max: u64| -> Result<u64, String> {
            v.as_u64()
                .filter(|n| *n <= max)
                .ok_or_else(|| format!("{k}: expected an integer between 0 and {max}"))
        };
        for (k, v) in m {
            match k.as_str() {
                "retries" => self.retries = uint(k, v, u64::from(MAX_RETRIES))? as u32,
                "backoff_ms" => self.backoff_ms = uint(k, v, MAX_BACKOFF_MS)?,
                "timeout_ms" => {
                    let t = uint(k, v, MAX_TIMEOUT_MS)?;
                    if t == 0 {
                        return Err(format!("{k}: must be at least 1"));
                    }
                    self.timeout_ms = t;
                }
                "sha1" => {
                    self.sha1 = v
                        .as_bool()
                        .ok_or_else(|| format!("{k}: expected a boolean"))?
                }
                other => {
                    return Err(format!(
                        "{}: unknown option (retries, backoff_ms, sha1, timeout_ms)",
                        other.chars().take(40).collect::<String>()
                    ))
                }
            }
        }
        Ok(())
    }
}

/// One app-level subscription (one per object, as at Meta).
#[derive(Debug, Clone)]
pub(crate) struct AppSub {
    pub object: String,
    pub callback_url: String,
    /// Kept to redo the handshake on update; never shown.
    pub verify_token: String,
    /// `(name, version)`: the Graph version of the request that subscribed the field.
    pub fields: Vec<(String, String)>,
    pub include_values: bool,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DState {
    /// Not answered with 2xx yet; retries are scheduled.
    Retrying,
    Delivered,
    /// Every attempt failed.
    Failed,
}

impl DState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DState::Retrying => "retrying",
            DState::Delivered => "delivered",
            DState::Failed => "failed",
        }
    }
}

/// One attempt to POST a delivery.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    pub n: u32,
    pub status: Option<u16>,
    pub error: Option<String>,
    /// Unix milliseconds on the virtual clock.
    pub at_ms: i64,
}

/// One POST Meta would make: the body bytes, their headers and the attempts so far.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub id: String,
    pub url: String,
    pub body: Arc<str>,
    pub headers: Vec<(String, String)>,
    pub event: String,
    pub field: String,
    /// The delivery whose bytes this one repeats (`duplicates`, `redeliver`).
    pub repeats: Option<String>,
    pub state: DState,
    pub attempts: Vec<Attempt>,
}

impl Delivery {
    pub(crate) fn summary(&self) -> Value {
        let last = self.attempts.last();
        let mut v = json!({
            "id": self.id,
            "callback_url": self.url,
            "state": self.state.as_str(),
            "status": last.and_then(|a| a.status),
            "attempts": self.attempts.len(),
            "event": self.event,
            "field": self.field,
        });
        if let Some(e) = last.and_then(|a| a.error.clone()) {
            v["error"] = json!(e);
        }
        if let Some(r) = &self.repeats {
            v["repeats"] = json!(r);
        }
        v
    }
}

/// All webhook state of one sandbox (cleared by `POST /_sandbox/reset`).
#[derive(Debug, Default)]
pub(crate) struct Hooks {
    pub app_subs: Vec<AppSub>,
    /// Instagram Login: `subscribed_fields` per account index.
    pub ig_subs: BTreeMap<usize, Vec<String>>,
    /// Facebook Login: `subscribed_fields` per Page index.
    pub page_subs: BTreeMap<usize, Vec<String>>,
    pub deliveries: Vec<Delivery>,
    pub config: WebhookOptions,
    /// Bumped by reset so retries of an earlier life stop.
    pub generation: u64,
    /// Deliveries and handshakes made so far (ids and challenges derive from these).
    pub minted: u64,
}

impl Hooks {
    pub(crate) fn new(config: WebhookOptions) -> Self {
        Hooks {
            config,
            ..Default::default()
        }
    }

    /// Back to no subscriptions and no deliveries, with `config` as the settings.
    pub(crate) fn reset(&mut self, config: WebhookOptions) {
        let generation = self.generation + 1;
        *self = Hooks::new(config);
        self.generation = generation;
    }

    pub(crate) fn app_sub(&self, object: &str) -> Option<&AppSub> {
        self.app_subs.iter().find(|s| s.object == object)
    }

    pub(crate) fn delivery_mut(&mut self, id: &str) -> Option<&mut Delivery> {
        self.deliveries.iter_mut().find(|d| d.id == id)
    }
}
