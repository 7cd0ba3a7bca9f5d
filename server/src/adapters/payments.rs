//! Payment providers, behind one interface, and the built-in sandbox provider.
//!
//! A provider takes an order and gives a checkout page; it later tells us the outcome with
//! signed, asynchronous notifications (retried, sometimes duplicated, in any order) and
//! answers order-status queries. Our side (`services::payments`) verifies every
//! notification and applies each payment exactly once.
//!
//! A real provider (WeChat Pay, Alipay, UnionPay) implements [`PaymentProvider`] with its
//! merchant id, its API key or certificate, its notification signature scheme (verified in
//! `verify`), and its order query API; its checkout is its own page or app.

use crate::store::{self, Db};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;

/// Notifications older or newer than this (seconds) are refused: a replay from long ago is
/// not a payment.
pub const TIMESTAMP_WINDOW_SECS: i64 = 300;

/// What a provider reports in a notification, once its signature is verified.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Notification {
    pub notify_id: String,
    pub out_trade_no: String,
    pub trade_no: String,
    pub amount_fen: i64,
    /// `SUCCESS`, `FAILED` or `CLOSED`.
    pub status: String,
    pub timestamp: i64,
    /// Set on a refund's notification: our refund number (`trade_no` is then the provider's
    /// refund number, `amount_fen` the refund's amount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_refund_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderStatus {
    Pending,
    Paid { trade_no: String, amount_fen: i64 },
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundStatus {
    /// Accepted, the money is on its way back.
    Processing,
    Refunded {
        refund_no: String,
    },
    Failed,
    /// The provider has no such refund (never reached it).
    Unknown,
}

/// A refund of (part of) a paid order, back through the channel it was paid by.
pub struct RefundRequest {
    pub out_trade_no: String,
    pub out_refund_no: String,
    pub amount_fen: i64,
    /// What the order was paid in full (providers check a refund against it).
    pub order_total_fen: i64,
    pub notify_url: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("missing or malformed signature")]
    NoSignature,
    #[error("signature does not match")]
    BadSignature,
    #[error("timestamp outside the accepted window")]
    Stale,
    #[error("body is not a notification: {0}")]
    Malformed(String),
}

#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    /// Registers the order with the provider; returns the checkout page to send the payer to.
    async fn create_checkout(&self, o: &CheckoutRequest) -> Result<String, anyhow_like::Error>;
    /// Asks the provider what became of an order (for late or lost notifications).
    async fn query(&self, out_trade_no: &str) -> Result<ProviderStatus, anyhow_like::Error>;
    /// Asks for a refund; returns the provider's refund number once it accepted it. The same
    /// `out_refund_no` is one refund, however often it is sent.
    async fn refund(&self, r: &RefundRequest) -> Result<String, anyhow_like::Error>;
    /// Asks the provider what became of a refund.
    async fn query_refund(&self, out_refund_no: &str) -> Result<RefundStatus, anyhow_like::Error>;
    /// Closes an unpaid order at the provider, so it can never be paid (a second tab, a new
    /// amount). Closing an order that is already closed is not an error.
    async fn close(&self, out_trade_no: &str) -> Result<(), anyhow_like::Error>;
    /// Checks a notification's signature and timestamp (from its HTTP headers, names in lower
    /// case) and decrypts it where the provider encrypts; returns what it says.
    fn verify(&self, headers: &NotifyHeaders, body: &[u8], now: i64) -> Result<Notification, VerifyError>;
}

pub struct CheckoutRequest {
    pub out_trade_no: String,
    pub amount_fen: i64,
    pub description: String,
    pub notify_url: String,
    pub return_url: String,
    /// The payer's address (a phone's browser checkout asks for it: WeChat Pay H5's
    /// `scene_info.payer_client_ip`).
    pub payer_ip: String,
}

/// A notification's HTTP headers by lower-case name: what a door hands an adapter (no http
/// type below the doors).
pub type NotifyHeaders = std::collections::BTreeMap<String, String>;

/// A small error type for gateway calls (no extra dependency).
pub mod anyhow_like {
    #[derive(Debug, thiserror::Error)]
    #[error("{0}")]
    pub struct Error(pub String);
    impl From<sqlx::Error> for Error {
        fn from(e: sqlx::Error) -> Self {
            Error(e.to_string())
        }
    }
}

type HmacSha256 = Hmac<Sha256>;

pub fn sign(key: &[u8], body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn verify_signature(key: &[u8], body: &[u8], signature: &str) -> bool {
    let Ok(sig) = hex::decode(signature) else { return false };
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(body);
    mac.verify_slice(&sig).is_ok() // constant time
}

/// The sandbox: behaves like a real provider — its own checkout page (pay / cancel / fail),
/// its own book, signed notifications sent over HTTP to our callback, retried on a schedule
/// until acknowledged, sometimes duplicated and arriving out of order — but no money moves.
pub struct Sandbox {
    db: Db,
    key: Vec<u8>,
    /// Where the sandbox's pages are served (this server, `/sandbox-pay/...`).
    pub base_url: std::sync::RwLock<String>,
    client: reqwest::Client,
    /// Seconds between delivery attempts; the sandbox gives up after the last.
    pub retry_schedule: Vec<u64>,
}

pub const SANDBOX_SIGNATURE_HEADER: &str = "x-sandbox-signature";

impl Sandbox {
    pub fn new(db: Db, key: Vec<u8>) -> Arc<Sandbox> {
        Arc::new(Sandbox {
            db,
            key,
            base_url: std::sync::RwLock::new(String::new()),
            client: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("http client"),
            retry_schedule: vec![0, 1, 2, 5, 10, 30, 60, 300],
        })
    }

    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// The payer pressed pay, cancel or fail on the checkout page. Returns where to send the
    /// browser back to, or None for an unknown order.
    pub async fn finish(
        self: &Arc<Self>,
        trade_no: &str,
        action: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        let Some(order) = store::fees::sandbox_by_trade_no(&self.db, trade_no).await? else {
            return Ok(None);
        };
        let status = match action {
            "pay" => "paid",
            "cancel" => "cancelled",
            _ => "failed",
        };
        if store::fees::sandbox_finish(&self.db, trade_no, status, crate::adapters::clock::now()).await? {
            let wire = match status {
                "paid" => "SUCCESS",
                "cancelled" => "CLOSED",
                _ => "FAILED",
            };
            let (this, paid) = (self.clone(), order.clone());
            self.spawn_notifications(order.notify_url.clone(), move || this.notification(&paid, wire));
        }
        Ok(Some(order.return_url))
    }

    pub async fn order(&self, trade_no: &str) -> Result<Option<store::fees::SandboxOrderRow>, sqlx::Error> {
        store::fees::sandbox_by_trade_no(&self.db, trade_no).await
    }

    /// Sends the outcome the way real providers do: at once, then again on the schedule until
    /// acknowledged; now and then twice at the same time, and now and then a second delivery
    /// under a new notification id.
    fn spawn_notifications(self: &Arc<Self>, url: String, make: impl Fn() -> Notification + Send + 'static) {
        use rand::Rng;
        let (duplicate, second_id) = {
            let mut rng = rand::rng();
            (rng.random_bool(0.3), rng.random_bool(0.3))
        };
        let this = self.clone();
        tokio::spawn(async move {
            let note = make();
            if duplicate {
                let (a, b, u) = (this.clone(), note.clone(), url.clone());
                tokio::spawn(async move { a.deliver(&u, &b).await });
            }
            this.deliver(&url, &note).await;
            if second_id {
                this.deliver(&url, &make()).await;
            }
        });
    }

    pub fn notification(&self, order: &store::fees::SandboxOrderRow, status: &str) -> Notification {
        Notification {
            notify_id: crate::adapters::crypto::random_token()[..32].to_string(),
            out_trade_no: order.out_trade_no.clone(),
            trade_no: order.trade_no.clone(),
            amount_fen: order.amount_fen,
            status: status.to_string(),
            timestamp: crate::adapters::clock::now(),
            out_refund_no: None,
        }
    }

    pub fn refund_notification(refund: &store::fees::SandboxRefundRow, status: &str) -> Notification {
        Notification {
            notify_id: crate::adapters::crypto::random_token()[..32].to_string(),
            out_trade_no: refund.out_trade_no.clone(),
            trade_no: refund.refund_no.clone(),
            amount_fen: refund.amount_fen,
            status: status.to_string(),
            timestamp: crate::adapters::clock::now(),
            out_refund_no: Some(refund.out_refund_no.clone()),
        }
    }

    /// The bank's side of a refund, played from the sandbox console: it arrived (`success`)
    /// or bounced (`fail`). False for an unknown or already finished refund.
    pub async fn finish_refund(self: &Arc<Self>, refund_no: &str, action: &str) -> Result<bool, sqlx::Error> {
        let Some(refund) = store::fees::sandbox_refund_by_no(&self.db, refund_no).await? else {
            return Ok(false);
        };
        let (status, wire) = if action == "success" { ("success", "SUCCESS") } else { ("failed", "FAILED") };
        if !store::fees::sandbox_refund_finish(&self.db, refund_no, status, crate::adapters::clock::now())
            .await?
        {
            return Ok(false);
        }
        let url = refund.notify_url.clone();
        self.spawn_notifications(url, move || Sandbox::refund_notification(&refund, wire));
        Ok(true)
    }

    pub async fn refunds_in_progress(&self) -> Result<Vec<store::fees::SandboxRefundRow>, sqlx::Error> {
        store::fees::sandbox_refunds_processing(&self.db).await
    }

    /// One notification, retried until the merchant answers 2xx with `SUCCESS`.
    async fn deliver(&self, url: &str, note: &Notification) {
        let body = serde_json::to_vec(note).expect("a notification serialises");
        let signature = sign(&self.key, &body);
        for wait in &self.retry_schedule {
            tokio::time::sleep(Duration::from_secs(*wait)).await;
            let res = self
                .client
                .post(url)
                .header("content-type", "application/json")
                .header(SANDBOX_SIGNATURE_HEADER, &signature)
                .body(body.clone())
                .send()
                .await;
            match res {
                Ok(r) => {
                    let status = r.status();
                    if status.is_success() && r.text().await.is_ok_and(|t| t.contains("SUCCESS")) {
                        return;
                    }
                    tracing::info!(%status, "sandbox notification not acknowledged; will retry");
                }
                Err(e) => tracing::info!(error = %e, "sandbox notification not delivered; will retry"),
            }
        }
        tracing::warn!(out_trade_no = %note.out_trade_no, "sandbox gave up delivering a notification");
    }
}

#[async_trait::async_trait]
impl PaymentProvider for Arc<Sandbox> {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    async fn create_checkout(&self, o: &CheckoutRequest) -> Result<String, anyhow_like::Error> {
        let row = store::fees::SandboxOrderRow {
            trade_no: format!("SBX{}", &crate::adapters::crypto::random_token()[..20]),
            out_trade_no: o.out_trade_no.clone(),
            amount_fen: o.amount_fen,
            notify_url: o.notify_url.clone(),
            return_url: o.return_url.clone(),
            description: o.description.clone(),
            status: "created".into(),
        };
        let row = store::fees::sandbox_create(&self.db, &row, crate::adapters::clock::now()).await?;
        let base = self.base_url.read().unwrap_or_else(|e| e.into_inner()).clone();
        Ok(format!("{base}/sandbox-pay/checkout/{}", row.trade_no))
    }

    async fn query(&self, out_trade_no: &str) -> Result<ProviderStatus, anyhow_like::Error> {
        Ok(match store::fees::sandbox_by_out_trade_no(&self.db, out_trade_no).await? {
            None => ProviderStatus::Closed,
            Some(o) => match o.status.as_str() {
                "paid" => ProviderStatus::Paid { trade_no: o.trade_no, amount_fen: o.amount_fen },
                "created" => ProviderStatus::Pending,
                _ => ProviderStatus::Closed,
            },
        })
    }

    async fn refund(&self, r: &RefundRequest) -> Result<String, anyhow_like::Error> {
        let row = store::fees::SandboxRefundRow {
            refund_no: format!("SBR{}", &crate::adapters::crypto::random_token()[..20]),
            out_refund_no: r.out_refund_no.clone(),
            trade_no: String::new(),
            out_trade_no: r.out_trade_no.clone(),
            amount_fen: r.amount_fen,
            notify_url: r.notify_url.clone(),
            status: "processing".into(),
            created_at: 0,
        };
        match store::fees::sandbox_refund_create(&self.db, &row, crate::adapters::clock::now()).await? {
            Ok(accepted) => Ok(accepted.refund_no),
            Err(refusal) => Err(anyhow_like::Error(format!("sandbox refused the refund: {refusal:?}"))),
        }
    }

    async fn query_refund(&self, out_refund_no: &str) -> Result<RefundStatus, anyhow_like::Error> {
        Ok(match store::fees::sandbox_refund_by_out_no(&self.db, out_refund_no).await? {
            None => RefundStatus::Unknown,
            Some(r) => match r.status.as_str() {
                "success" => RefundStatus::Refunded { refund_no: r.refund_no },
                "failed" => RefundStatus::Failed,
                _ => RefundStatus::Processing,
            },
        })
    }

    async fn close(&self, out_trade_no: &str) -> Result<(), anyhow_like::Error> {
        if let Some(o) = store::fees::sandbox_by_out_trade_no(&self.db, out_trade_no).await? {
            if o.status == "created" {
                store::fees::sandbox_finish(
                    &self.db,
                    &o.trade_no,
                    "cancelled",
                    crate::adapters::clock::now(),
                )
                .await?;
            }
        }
        Ok(())
    }

    fn verify(&self, headers: &NotifyHeaders, body: &[u8], now: i64) -> Result<Notification, VerifyError> {
        let signature = headers.get(SANDBOX_SIGNATURE_HEADER).ok_or(VerifyError::NoSignature)?;
        if !verify_signature(&self.key, body, signature) {
            return Err(VerifyError::BadSignature);
        }
        let note: Notification =
            serde_json::from_slice(body).map_err(|e| VerifyError::Malformed(e.to_string()))?;
        if (now - note.timestamp).abs() > TIMESTAMP_WINDOW_SECS {
            return Err(VerifyError::Stale);
        }
        Ok(note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_covers_every_byte() {
        let key = b"k";
        let body = br#"{"a":1}"#;
        let s = sign(key, body);
        assert!(verify_signature(key, body, &s));
        assert!(!verify_signature(key, br#"{"a":2}"#, &s));
        assert!(!verify_signature(b"other", body, &s));
        assert!(!verify_signature(key, body, "zz"));
    }
}
