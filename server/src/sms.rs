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
}

/// Development sink: logs the message; the outbox row is the "delivery".
pub struct DevSink;

#[async_trait::async_trait]
impl SmsGateway for DevSink {
    fn name(&self) -> &'static str {
        "dev"
    }
    async fn deliver(&self, phone: &str, text: &str) -> Result<Option<String>, SmsError> {
        let masked = app::rules::ids::Mobile::parse(phone).map(|m| m.masked()).unwrap_or_default();
        tracing::info!(to = %masked, "dev SMS sink: {text}");
        Ok(None)
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

/// Sends through the gateway and records the message and its outcome in the outbox.
pub async fn send(
    db: &Db,
    gateway: &dyn SmsGateway,
    phone: &str,
    text: &str,
    purpose: &str,
    now: i64,
) -> Result<(), SmsError> {
    let outcome = gateway.deliver(phone, text).await;
    let (status, reference) = match &outcome {
        Ok(r) => ("sent", r.clone()),
        Err(_) => ("failed", None),
    };
    store::sms::insert(
        db,
        store::sms::NewSms {
            phone,
            body: text,
            purpose,
            provider: gateway.name(),
            status,
            provider_ref: reference.as_deref(),
            now,
        },
    )
    .await?;
    outcome.map(|_| ())
}
