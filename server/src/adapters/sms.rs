//! The SMS gateway: an interface, a development sink and an HTTP provider adapter.
//!
//! Every message is written to the outbox table whatever the provider, so what was sent is
//! always reproducible from the records. The dev sink sends nothing: the message is logged
//! and, in demo mode, shown at /dev/inbox.

use crate::config::Secret;
use crate::store::{self, Db};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("SMS provider refused or failed: {0}")]
    Provider(String),
    #[error("storage: {0}")]
    Store(#[from] sqlx::Error),
}

#[async_trait::async_trait]
pub trait SmsGateway: Send + Sync + 'static {
    /// The provider's name, stored with each message.
    fn name(&self) -> &'static str;
    /// Hands one message to the provider; returns its reference for the message.
    async fn deliver(&self, phone: &str, text: &str) -> Result<Option<String>, SmsError>;
    /// Whether a successful [`SmsGateway::deliver`] means the message reached the phone (a
    /// delivery report), not only that the provider accepted it. Only then does a service by
    /// text message to a designated number count as arrived (在线诉讼规则 art. 31).
    fn confirms_delivery(&self) -> bool {
        false
    }
    /// The development sink: what it "sends" is read back from the outbox (the demo's
    /// /dev/inbox, the tests), so sign-in codes are kept there in full. A real gateway has
    /// delivered them: the outbox keeps them blanked out.
    fn is_dev_sink(&self) -> bool {
        false
    }
}

/// Development sink: logs the message; the outbox row is the "delivery".
pub struct DevSink;

#[async_trait::async_trait]
impl SmsGateway for DevSink {
    fn name(&self) -> &'static str {
        "dev"
    }
    async fn deliver(&self, phone: &str, text: &str) -> Result<Option<String>, SmsError> {
        // Never the text in the log: it may hold a sign-in code.
        let masked = app::rules::ids::Mobile::parse(phone).map(|m| m.masked()).unwrap_or_default();
        tracing::info!(to = %masked, chars = text.chars().count(), "dev SMS sink: kept in the outbox");
        Ok(None)
    }
    /// The dev inbox is the phone: what is in the outbox has arrived.
    fn confirms_delivery(&self) -> bool {
        true
    }
    fn is_dev_sink(&self) -> bool {
        true
    }
}

/// A generic HTTP provider: `POST {url}` with `Authorization: Bearer {key}` and JSON
/// `{"to": "13812345678", "text": "..."}`; any 2xx is accepted and the JSON field `id`, if
/// present, is kept as the provider's reference. Adapters for specific vendors implement
/// [`SmsGateway`] the same way.
pub struct HttpGateway {
    client: reqwest::Client,
    url: String,
    key: Secret,
}

impl HttpGateway {
    pub fn new(url: String, key: Secret) -> HttpGateway {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        HttpGateway { client, url, key }
    }
}

#[async_trait::async_trait]
impl SmsGateway for HttpGateway {
    fn name(&self) -> &'static str {
        "http"
    }
    async fn deliver(&self, phone: &str, text: &str) -> Result<Option<String>, SmsError> {
        let res = self
            .client
            .post(&self.url)
            .bearer_auth(self.key.expose())
            .json(&serde_json::json!({ "to": phone, "text": text }))
            .send()
            .await
            .map_err(|e| SmsError::Provider(e.to_string()))?;
        if !res.status().is_success() {
            return Err(SmsError::Provider(format!("HTTP {}", res.status())));
        }
        let body: serde_json::Value = res.json().await.unwrap_or(serde_json::Value::Null);
        Ok(body.get("id").and_then(|v| v.as_str()).map(str::to_string))
    }
}

/// One text message to send.
pub struct Outgoing<'a> {
    pub phone: &'a str,
    /// The text, starting with the court's name in 【】.
    pub text: &'a str,
    /// A secret inside `text` (a sign-in code): sent, but never stored in clear.
    pub secret: Option<&'a str>,
    pub purpose: &'a str,
    /// The case it is about, if any (the public check page shows its number).
    pub case_id: Option<i64>,
    /// The court that sends it.
    pub court_id: Option<i64>,
    pub now: i64,
}

/// What became of a message.
#[derive(Clone, Debug)]
pub struct Sent {
    /// The code printed in it, checked on the public page /check.
    pub check_code: String,
    /// The gateway reports it delivered to the phone ([`SmsGateway::confirms_delivery`]).
    pub delivered: bool,
}

/// Sends through the gateway and records the message and its outcome in the outbox.
///
/// Every court message ends with a check code (DOMAIN.md §5: court SMS is often taken for
/// fraud): anyone can enter it on the public page `/check` to see that this court sent it,
/// when, and about which case.
pub async fn send(db: &Db, gateway: &dyn SmsGateway, m: Outgoing<'_>) -> Result<Sent, SmsError> {
    let check_code = crate::adapters::crypto::check_code();
    let body = format!("{}查验码{check_code}（可在掌上法庭“短信查验”核对真伪）", m.text);
    let outcome = gateway.deliver(m.phone, &body).await;
    let (status, reference) = match &outcome {
        Ok(r) => ("sent", r.clone()),
        Err(_) => ("failed", None),
    };
    let stored = match m.secret.filter(|code| !code.is_empty() && !gateway.is_dev_sink()) {
        Some(code) => body.replace(code, &"*".repeat(code.len())),
        None => body.clone(),
    };
    store::sms::insert(
        db,
        store::sms::NewSms {
            phone: m.phone,
            body: &stored,
            purpose: m.purpose,
            provider: gateway.name(),
            status,
            provider_ref: reference.as_deref(),
            check_code: &check_code,
            case_id: m.case_id,
            court_id: m.court_id,
            now: m.now,
        },
    )
    .await?;
    outcome.map(|_| Sent { check_code, delivered: gateway.confirms_delivery() })
}
