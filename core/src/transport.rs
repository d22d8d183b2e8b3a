//! The only code that sends HTTP. Adds credentials, classifies Graph errors, reads usage
//! headers, retries idempotent requests, and strips credentials from what it returns.
//!
//! Retry, pacing and fault handling all plug in here (`send`), so operations never see them.

use crate::config::ClientConfig;
use crate::error::{Error, Result, TransportFailure};
use crate::flow::ReportCell;
use crate::headers::GraphHeaders;
use crate::pacing::Pacer;
use crate::redact::{self, Secret};
use crate::request::{removed, Body, Credential, GraphRequest, Host, Method, Place, SecretValue};
use crate::retry::{decide, jitter01, Attempts, Decision, RetryPolicy};
use crate::usage::Usage;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};
use url::Url;

/// HTTP transport bound to one configuration.
#[derive(Debug)]
pub struct Transport {
    http: reqwest::Client,
    base: Url,
    /// Explicit base URL (sandbox, proxy): every host maps onto it.
    overridden: bool,
    version: String,
    /// The client's token; swapped by a refresh (the old one stays in `learnt` for scrubbing).
    token: RwLock<Secret>,
    app_id: Option<String>,
    app_secret: Option<Secret>,
    policy: RetryPolicy,
    pacer: Pacer,
    /// Secrets learnt while running (Page tokens), scrubbed like the configured ones.
    learnt: Mutex<Vec<Secret>>,
}

/// `appsecret_proof`: lowercase hex HMAC-SHA256 of the access token keyed by the app secret.
pub fn appsecret_proof(access_token: &str, app_secret: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(app_secret.as_bytes())
        .expect("HMAC takes any key length");
    mac.update(access_token.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Meta's production hosts other than the login flavour's Graph host.
const UPLOAD_HOST: &str = "https://rupload.facebook.com";
const INSTAGRAM_OAUTH_HOST: &str = "https://api.instagram.com";

impl Transport {
    /// Build the HTTP client for `cfg`.
    pub fn new(cfg: &ClientConfig) -> Result<Self> {
        let base = Url::parse(cfg.effective_base_url())
            .map_err(|e| Error::invalid_params(format!("client config: base_url: {e}")))?;
        let http = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.connect_timeout)
            .user_agent(concat!("instagram-graph/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                Error::transport(
                    format!("cannot build HTTP client: {}", e.without_url()),
                    false,
                )
            })?;
        Ok(Transport {
            http,
            base,
            overridden: cfg.base_url.is_some(),
            version: cfg.api_version.clone(),
            token: RwLock::new(cfg.access_token.clone()),
            app_id: cfg.app_id.clone(),
            app_secret: cfg.app_secret.clone(),
            policy: cfg.retry.clone(),
            pacer: Pacer::new(&cfg.retry),
            learnt: Mutex::new(Vec::new()),
        })
    }

    /// Usage readings from Meta's headers, if any answer carried them.
    pub fn usage(&self) -> Option<Usage> {
        let u = self.pacer.snapshot();
        (!u.is_empty()).then_some(u)
    }

    /// Scrub `secret` from everything from now on (a Page token just looked up).
    pub(crate) fn add_secret(&self, secret: &str) {
        if let Ok(mut l) = self.learnt.lock() {
            if !l.iter().any(|s| s.expose() == secret) {
                l.push(Secret::new(secret));
            }
        }
    }

    /// The client's current access token.
    pub(crate) fn token(&self) -> Secret {
        match self.token.read() {
            Ok(t) => t.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Swap the client's token (after a refresh). The old token and its proof stay scrubbed:
    /// requests already in flight, and errors quoting them, still carry the old one.
    pub(crate) fn set_token(&self, new: Secret) {
        let old = self.token();
        self.add_secret(old.expose());
        if let Some(s) = &self.app_secret {
            self.add_secret(&appsecret_proof(old.expose(), s.expose()));
        }
        match self.token.write() {
            Ok(mut t) => *t = new,
            Err(poisoned) => *poisoned.into_inner() = new,
        }
    }

    /// Every secret this transport knows, raw.
    pub fn secrets(&self) -> Vec<String> {
        let token = self.token();
        let mut out = vec![token.expose().to_owned()];
        if let Some(s) = &self.app_secret {
            out.push(s.expose().to_owned());
            if let Some(id) = &self.app_id {
                out.push(format!("{id}|{}", s.expose()));
            }
            out.push(appsecret_proof(token.expose(), s.expose()));
        }
        if let Ok(l) = self.learnt.lock() {
            out.extend(l.iter().map(|s| s.expose().to_owned()));
        }
        out
    }

    /// Send an operation's request (with retries when `idempotent`). `page_token` is the
    /// resolved token of a [`Credential::Page`] or [`Credential::LinkedPage`] request.
    pub(crate) async fn send(
        &self,
        req: &GraphRequest,
        idempotent: bool,
        page_token: Option<&Secret>,
        report: &ReportCell,
    ) -> Result<Value> {
        if let Some(why) = removed::violation(req) {
            return Err(Error::internal(format!("{}: {why}", req.describe())));
        }
        let url = self.url_for(req.host, &req.path)?;
        let mut query = req.query.clone();
        let mut extra_secrets: Vec<String> = Vec::new();
        if let Credential::Token(t) = &req.credential {
            extra_secrets.push(t.expose().to_owned());
        }
        self.add_credential(&req.credential, page_token, &mut query, &mut extra_secrets)?;
        let body = self.fill_secrets(req, &mut query, &mut extra_secrets)?;
        let out = self
            .send_with_retry(
                req.method,
                url,
                &query,
                &req.headers,
                body.as_ref().or(req.body.as_ref()),
                idempotent,
                report,
            )
            .await;
        out.map_err(|e| {
            let extra: Vec<&str> = extra_secrets.iter().map(String::as_str).collect();
            e.scrub(&extra)
        })
    }

    /// Put the request's secret params in place; returns the body when form fields were added.
    fn fill_secrets(
        &self,
        req: &GraphRequest,
        query: &mut Vec<(String, String)>,
        extra_secrets: &mut Vec<String>,
    ) -> Result<Option<Body>> {
        let mut form: Option<Vec<(String, String)>> = None;
        for (place, key, value) in &req.secrets {
            let raw = match value {
                SecretValue::AccessToken => self.token().expose().to_owned(),
                SecretValue::AppSecret => match &self.app_secret {
                    Some(s) => s.expose().to_owned(),
                    None => {
                        return Err(Error::invalid_params(format!(
                            "client config: app_secret is needed for {} ({key})",
                            req.describe()
                        )))
                    }
                },
                SecretValue::Given(s) => s.expose().to_owned(),
            };
            extra_secrets.push(raw.clone());
            match place {
                Place::Query => query.push((key.clone(), raw)),
                Place::Form => {
                    let pairs = form.get_or_insert_with(|| match &req.body {
                        Some(Body::Form(p)) => p.clone(),
                        _ => Vec::new(),
                    });
                    pairs.push((key.clone(), raw));
                }
            }
        }
        if form.is_some() && matches!(req.body, Some(Body::Json(_) | Body::Binary { .. })) {
            return Err(Error::internal(format!(
                "{}: secret form fields on a non-form body",
                req.describe()
            )));
        }
        Ok(form.map(Body::Form))
    }

    fn add_credential(
        &self,
        credential: &Credential,
        page_token: Option<&Secret>,
        query: &mut Vec<(String, String)>,
        extra_secrets: &mut Vec<String>,
    ) -> Result<()> {
        let mut with_token = |token: &str, query: &mut Vec<(String, String)>| {
            query.push(("access_token".into(), token.to_owned()));
            if let Some(s) = &self.app_secret {
                let proof = appsecret_proof(token, s.expose());
                extra_secrets.push(proof.clone());
                query.push(("appsecret_proof".into(), proof));
            }
        };
        match credential {
            Credential::User => with_token(self.token().expose(), query),
            Credential::Page(page) => {
                let t = page_token.ok_or_else(|| {
                    Error::internal(format!("Page {page}: token was not resolved"))
                })?;
                with_token(t.expose(), query);
            }
            Credential::LinkedPage => {
                let t = page_token
                    .ok_or_else(|| Error::internal("the linked Page's token was not resolved"))?;
                with_token(t.expose(), query);
            }
            Credential::Token(t) => with_token(t.expose(), query),
            Credential::App => {
                let (Some(id), Some(secret)) = (&self.app_id, &self.app_secret) else {
                    return Err(Error::invalid_params(
                        "client config: app_id and app_secret are both needed for app-token calls (debug_token)",
                    ));
                };
                query.push(("access_token".into(), format!("{id}|{}", secret.expose())));
            }
            Credential::None => {}
        }
        Ok(())
    }

    /// Follow a `paging.next` URL. Only its path and query are used, against our own base URL,
    /// so a token is never sent to a host we were not configured for.
    pub(crate) async fn send_next(&self, next: &str, report: &ReportCell) -> Result<Value> {
        let parsed = Url::parse(next)
            .map_err(|e| Error::transport(format!("invalid paging.next URL: {e}"), false))?;
        let path = parsed.path();
        if !path.starts_with("/v") || path.contains("..") {
            return Err(Error::transport(
                "paging.next URL has an unexpected path",
                false,
            ));
        }
        let mut url = self.base.clone();
        let base_path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base_path}{path}"));
        let mut query: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(k, _)| !redact::SECRET_PARAMS.contains(&k.as_ref()))
            .filter(|(k, _)| !removed::QUERY_KEYS.contains(&k.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        self.add_credential(&Credential::User, None, &mut query, &mut Vec::new())?;
        self.send_with_retry(Method::Get, url, &query, &[], None, true, report)
            .await
    }

    fn url_for(&self, host: Host, segments: &[String]) -> Result<Url> {
        let mut url = match (host, self.overridden) {
            (Host::Upload, false) => Url::parse(UPLOAD_HOST),
            (Host::InstagramOAuth, false) => Url::parse(INSTAGRAM_OAUTH_HOST),
            _ => Ok(self.base.clone()),
        }
        .map_err(|e| Error::internal(format!("host URL: {e}")))?;
        {
            let mut p = url
                .path_segments_mut()
                .map_err(|_| Error::invalid_params("client config: base_url cannot be a base"))?;
            p.pop_if_empty();
            match host {
                Host::Graph => {
                    p.push(&self.version);
                }
                Host::Upload => {
                    p.push("ig-api-upload").push(&self.version);
                }
                Host::GraphRoot | Host::InstagramOAuth => {}
            }
            for s in segments {
                p.push(s);
            }
        }
        Ok(url)
    }

    #[allow(clippy::too_many_arguments)]
    async fn send_with_retry(
        &self,
        method: Method,
        url: Url,
        query: &[(String, String)],
        headers: &[(String, String)],
        body: Option<&Body>,
        idempotent: bool,
        report: &ReportCell,
    ) -> Result<Value> {
        let mut a = Attempts::default();
        loop {
            // Pacing: near a usage high-water mark, wait before sending rather than hitting the
            // wall; a wait beyond the budget is not slept but surfaces as a rate-limit error.
            while let Some(d) = self
                .policy
                .enabled
                .then(|| self.pacer.wait_before(Instant::now()))
                .flatten()
            {
                if a.waited.saturating_add(d) > self.policy.max_total_wait {
                    report.add(0, 0, Duration::ZERO);
                    return Err(Error::paced(d));
                }
                tokio::time::sleep(d).await;
                a.record_wait(d);
                report.add(0, 0, d);
            }
            let permit = self.pacer.permit().await;
            a.record_attempt();
            let result = self.send_once(method, &url, query, headers, body).await;
            drop(permit);
            report.add(1, u32::from(a.attempts > 1), Duration::ZERO);
            let err = match result {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match decide(
                &self.policy,
                &err,
                a.attempts,
                a.waited,
                idempotent,
                jitter01(),
            ) {
                Decision::Retry { after } => {
                    tokio::time::sleep(after).await;
                    a.record_retry(after);
                    report.add(0, 0, after);
                }
                Decision::GiveUp => return Err(err),
            }
        }
    }

    async fn send_once(
        &self,
        method: Method,
        url: &Url,
        query: &[(String, String)],
        headers: &[(String, String)],
        body: Option<&Body>,
    ) -> Result<Value> {
        let mut rb = match method {
            Method::Get => self.http.get(url.clone()),
            Method::Post => self.http.post(url.clone()),
            Method::Delete => self.http.delete(url.clone()),
        };
        rb = rb.query(query);
        for (k, v) in headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        rb = match body {
            Some(Body::Form(pairs)) => rb.form(pairs),
            Some(Body::Json(v)) => rb.json(v),
            Some(Body::Binary { content_type, data }) => rb
                .header(reqwest::header::CONTENT_TYPE, content_type.as_str())
                .body(data.clone()),
            None => rb,
        };
        let resp = rb.send().await.map_err(|e| self.transport_error(e))?;
        let status = resp.status().as_u16();
        let h = GraphHeaders::from_header_map(resp.headers());
        // Every answer, errors included, carries the newest reading (and ends a pacing probe).
        self.pacer.observe(
            h.app_usage.as_deref(),
            h.business_usage.as_deref(),
            h.ad_account_usage.as_deref(),
            Instant::now(),
        );
        let bytes = resp.bytes().await.map_err(|e| self.transport_error(e))?;
        let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
        let is_error = !(200..300).contains(&status)
            || parsed
                .as_ref()
                .is_some_and(|v| v.get("error").is_some_and(|e| !e.is_null()));
        if is_error {
            return Err(self.scrub(Error::from_response(status, &bytes, &h, SystemTime::now())));
        }
        let Some(mut value) = parsed else {
            // A 2xx that is not JSON: usually a body cut short in transit.
            return Err(self.scrub(Error::transport_failure(
                format!(
                    "Graph answered HTTP {status} with a body that is not JSON ({} bytes)",
                    bytes.len()
                ),
                TransportFailure::Body,
            )));
        };
        // `null` is a documented answer: the caption add-on edges (`poll_attachment`,
        // `prompt_response`) return it for a media without that add-on. Paged walks still
        // refuse it (paging.rs checks each page's shape).
        if !value.is_object() && !value.is_null() {
            return Err(Error::unexpected_response(
                status,
                "Graph answered with JSON that is not an object",
            ));
        }
        redact::strip_paging_urls(&mut value);
        Ok(value)
    }

    fn transport_error(&self, e: reqwest::Error) -> Error {
        // Connect first: a connect timeout is also a timeout, and only a connect failure proves
        // the request never reached Meta.
        let (failure, what) = if e.is_connect() {
            (TransportFailure::Connect, "cannot connect")
        } else if e.is_timeout() {
            (TransportFailure::Timeout, "request timed out")
        } else if e.is_body() || e.is_decode() {
            (TransportFailure::Body, "response body failed")
        } else if e.is_request() {
            (TransportFailure::Reset, "request failed")
        } else {
            (TransportFailure::Other, "request failed")
        };
        // without_url: reqwest would otherwise print the URL, which carries the token.
        self.scrub(Error::transport_failure(
            format!("{what}: {}", error_chain(&e.without_url())),
            failure,
        ))
    }

    fn scrub(&self, e: Error) -> Error {
        let owned = self.secrets();
        let secrets: Vec<&str> = owned.iter().map(String::as_str).collect();
        e.scrub(&secrets)
    }
}

/// The error and its causes, joined: reqwest's own text ("builder error", "error sending
/// request") hides the reason in its source chain.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    let mut depth = 0;
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
        depth += 1;
        if depth > 8 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_matches_known_vector() {
        // python: hmac.new(b"secret", b"token", hashlib.sha256).hexdigest()
        assert_eq!(
            appsecret_proof("token", "secret"),
            "e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a"
        );
    }
}
