//! WeChat Pay API v3 for a direct merchant (直连商户), H5 payment: the payer pays on WeChat
//! Pay's page in their phone's browser and comes back to the fee page.
//!
//! The protocol (pay.weixin.qq.com/doc/v3/merchant, 直连商户):
//! - every request is signed with the merchant's API private key, SHA256-with-RSA, in the
//!   `Authorization: WECHATPAY2-SHA256-RSA2048 ...` header (签名生成);
//! - every answer and every notification is signed by WeChat Pay with the platform key —
//!   a platform certificate (平台证书) or a WeChat Pay public key (微信支付公钥) — named in
//!   `Wechatpay-Serial`; we check it before believing anything in it (签名验证);
//! - a notification's `resource` is encrypted with the APIv3 key, AES-256-GCM
//!   (证书和回调报文解密).
//!
//! Endpoints: H5 下单 `POST /v3/pay/transactions/h5`, 查询订单 `GET
//! /v3/pay/transactions/out-trade-no/{no}`, 关闭订单 `POST .../{no}/close`, 申请退款 `POST
//! /v3/refund/domestic/refunds`, 查询单笔退款 `GET /v3/refund/domestic/refunds/{no}`.

use crate::adapters::payments::{
    anyhow_like::Error, CheckoutRequest, Notification, NotifyHeaders, PaymentProvider, ProviderStatus,
    RefundRequest, RefundStatus, VerifyError, TIMESTAMP_WINDOW_SECS,
};
use crate::config::WechatPayConfig;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{RandomizedSigner, SignatureEncoding, Verifier};
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;
use std::sync::Arc;
use std::time::Duration;

/// The provider's name: in notify URLs (`/api/v1/payments/notify/wechatpay`) and on orders.
pub const NAME: &str = "wechatpay";

/// The authorization scheme of API v3 (签名生成).
pub const SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";

/// WeChat Pay's `description` is at most 127 (商品描述, string[1,127]); cut in bytes, which
/// is the stricter reading for Chinese text.
const DESCRIPTION_MAX_BYTES: usize = 127;

/// The string a request signature covers (签名串): method, path with query, timestamp, nonce,
/// body (empty for GET), each ended by a newline.
pub fn request_message(
    method: &str,
    path_and_query: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> String {
    format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n")
}

/// The string WeChat Pay's signature on an answer or a notification covers (验签名串).
pub fn answer_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(timestamp.len() + nonce.len() + body.len() + 3);
    for part in [timestamp.as_bytes(), b"\n", nonce.as_bytes(), b"\n", body, b"\n"] {
        m.extend_from_slice(part);
    }
    m
}

/// The `Authorization` header of a request.
pub fn authorization(mchid: &str, nonce: &str, signature: &str, timestamp: i64, serial_no: &str) -> String {
    format!(
        "{SCHEME} mchid=\"{mchid}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{serial_no}\""
    )
}

/// base64(SHA256-with-RSA, PKCS#1 v1.5). The signature is deterministic; the random numbers
/// only blind the private-key operation, so its timing says nothing about the key.
pub fn sign(key: &SigningKey<Sha256>, message: &[u8]) -> String {
    let signature = key.sign_with_rng(&mut rsa::rand_core::OsRng, message);
    BASE64.encode(signature.to_bytes())
}

/// A notification's encrypted `resource` (证书和回调报文解密).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Resource {
    pub algorithm: String,
    pub ciphertext: String,
    #[serde(default)]
    pub associated_data: String,
    pub nonce: String,
    #[serde(default)]
    pub original_type: String,
}

/// AEAD_AES_256_GCM: the APIv3 key as key, the resource's 12-character nonce, its
/// associated data, over the base64 ciphertext with the 16-byte tag at its end. A changed
/// byte anywhere fails the tag.
pub fn decrypt_resource(key: &Aes256Gcm, r: &Resource) -> Result<Vec<u8>, String> {
    if r.algorithm != "AEAD_AES_256_GCM" {
        return Err(format!("unknown algorithm {}", r.algorithm));
    }
    if r.nonce.len() != 12 {
        return Err("the nonce is not 12 bytes".into());
    }
    let ciphertext = BASE64.decode(r.ciphertext.trim()).map_err(|e| format!("ciphertext: {e}"))?;
    key.decrypt(
        Nonce::from_slice(r.nonce.as_bytes()),
        Payload { msg: &ciphertext, aad: r.associated_data.as_bytes() },
    )
    .map_err(|_| "the resource does not decrypt with our APIv3 key".to_string())
}

#[derive(Deserialize)]
struct NotifyBody {
    id: String,
    event_type: String,
    resource: Resource,
}

#[derive(Deserialize)]
struct Amount {
    total: i64,
}

/// A transaction, decrypted from a notification or answered to a query (查询订单).
#[derive(Deserialize)]
struct Transaction {
    #[serde(default)]
    mchid: String,
    #[serde(default)]
    out_trade_no: String,
    #[serde(default)]
    transaction_id: String,
    trade_state: String,
    amount: Option<Amount>,
}

#[derive(Deserialize)]
struct RefundAmount {
    refund: i64,
}

/// A refund, decrypted from a notification (退款结果通知).
#[derive(Deserialize)]
struct RefundResult {
    mchid: String,
    out_trade_no: String,
    out_refund_no: String,
    refund_id: String,
    refund_status: String,
    amount: RefundAmount,
}

/// A refund as the refund API answers it (申请退款, 查询单笔退款).
#[derive(Deserialize)]
struct RefundAnswer {
    refund_id: String,
    #[serde(default)]
    out_refund_no: String,
    status: String,
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// WeChat Pay's answer, its signature checked.
enum Answer {
    /// 2xx, signed by the platform key.
    Done(Vec<u8>),
    /// Not 2xx: the error's code and message, and whether it was signed. WeChat Pay signs the
    /// answers to requests whose signature it accepted; an unsigned refusal (401 SIGN_ERROR)
    /// may still be read for the log, but never changes what we believe about an order.
    Refused { status: u16, code: String, message: String, signed: bool },
}

fn refused(status: u16, code: &str, message: &str) -> Error {
    Error(format!("WeChat Pay answered {status} {code}: {message}"))
}

/// Our order and refund numbers go into URL paths as they are: WeChat Pay allows letters,
/// digits and `_-|*` in them, none of which a URL escapes, so the path we sign is the path
/// sent.
fn path_segment(s: &str) -> Result<&str, Error> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-|*".contains(&b)) {
        Ok(s)
    } else {
        Err(Error(format!("not a WeChat Pay order number: {s:?}")))
    }
}

/// A description WeChat Pay accepts: at most 127 bytes, cut between characters.
fn short_description(d: &str) -> String {
    let mut end = d.len().min(DESCRIPTION_MAX_BYTES);
    while !d.is_char_boundary(end) {
        end -= 1;
    }
    d[..end].to_string()
}

/// The WeChat Pay adapter.
pub struct WechatPay {
    mchid: String,
    appid: String,
    merchant_serial: String,
    signer: Arc<SigningKey<Sha256>>,
    platform: VerifyingKey<Sha256>,
    platform_key_id: String,
    apiv3: Aes256Gcm,
    base_url: String,
    client: reqwest::Client,
}

impl WechatPay {
    pub fn new(config: WechatPayConfig) -> Result<WechatPay, String> {
        let apiv3 = Aes256Gcm::new_from_slice(config.apiv3_key.expose().as_bytes())
            .map_err(|_| "the APIv3 key must be 32 bytes".to_string())?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            // WeChat Pay asks for a User-Agent on every request (API v3 接口规则).
            .user_agent(concat!("pocket-court/", env!("CARGO_PKG_VERSION"), " (WeChat Pay API v3)"))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(WechatPay {
            mchid: config.mchid,
            appid: config.appid,
            merchant_serial: config.merchant_serial,
            signer: Arc::new(SigningKey::<Sha256>::new(config.merchant_key)),
            platform: VerifyingKey::<Sha256>::new(config.platform_key),
            platform_key_id: config.platform_key_id,
            apiv3,
            base_url: config.base_url,
            client,
        })
    }

    /// Checks WeChat Pay's signature on an answer or a notification: the four `Wechatpay-*`
    /// headers, the key it names being ours, the signature, then the time. Returns the
    /// signed timestamp.
    ///
    /// Verifying with a public key (exponent 65537) takes microseconds: done in place, on
    /// the async thread, unlike signing.
    fn check_signature(&self, headers: &NotifyHeaders, body: &[u8], now: i64) -> Result<i64, VerifyError> {
        let get = |name: &str| {
            headers.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()).ok_or(VerifyError::NoSignature)
        };
        let timestamp = get("wechatpay-timestamp")?;
        let nonce = get("wechatpay-nonce")?;
        let signature = get("wechatpay-signature")?;
        let serial = get("wechatpay-serial")?;
        let signed_at: i64 = timestamp.parse().map_err(|_| VerifyError::NoSignature)?;
        // Signed by a key we do not hold (a rotated certificate, WeChat Pay's
        // `WECHATPAY/SIGNTEST/` probes): nothing we can believe.
        if !serial.eq_ignore_ascii_case(&self.platform_key_id) {
            return Err(VerifyError::BadSignature);
        }
        let signature = BASE64.decode(signature).map_err(|_| VerifyError::BadSignature)?;
        let signature = Signature::try_from(signature.as_slice()).map_err(|_| VerifyError::BadSignature)?;
        self.platform
            .verify(&answer_message(timestamp, nonce, body), &signature)
            .map_err(|_| VerifyError::BadSignature)?;
        // A replay from long ago is not news (the same window as for every provider).
        if (now - signed_at).abs() > TIMESTAMP_WINDOW_SECS {
            return Err(VerifyError::Stale);
        }
        Ok(signed_at)
    }

    /// One signed request; the answer's signature checked.
    async fn call(
        &self,
        method: reqwest::Method,
        path_and_query: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Answer, Error> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let timestamp = crate::adapters::clock::now();
        let nonce = crate::adapters::crypto::random_token()[..32].to_ascii_uppercase();
        let message = request_message(method.as_str(), path_and_query, timestamp, &nonce, &body);
        // An RSA-2048 private-key operation takes a millisecond or more of CPU: off the async
        // threads, like password hashing.
        let signer = self.signer.clone();
        let signature = tokio::task::spawn_blocking(move || sign(&signer, message.as_bytes()))
            .await
            .map_err(|e| Error(format!("signing the WeChat Pay request failed: {e}")))?;
        let mut request = self
            .client
            .request(method, format!("{}{path_and_query}", self.base_url))
            .header(
                "Authorization",
                authorization(&self.mchid, &nonce, &signature, timestamp, &self.merchant_serial),
            )
            .header("Accept", "application/json")
            .header("Content-Type", "application/json");
        if !body.is_empty() {
            request = request.body(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| Error(format!("WeChat Pay unreachable: {}", e.without_url())))?;
        let status = response.status();
        let headers: NotifyHeaders = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_string())))
            .collect();
        let bytes = response.bytes().await.map_err(|e| Error(format!("WeChat Pay's answer was cut: {e}")))?;
        let checked = self.check_signature(&headers, &bytes, crate::adapters::clock::now());
        if status.is_success() {
            // An unsigned or forged "paid" or "refunded" is refused like a forged notification.
            checked.map_err(|e| Error(format!("WeChat Pay's answer refused: {e}")))?;
            return Ok(Answer::Done(bytes.to_vec()));
        }
        let error: ErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
        Ok(Answer::Refused {
            status: status.as_u16(),
            code: error.code,
            message: error.message,
            signed: checked.is_ok(),
        })
    }

    fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
        serde_json::from_slice(bytes)
            .map_err(|e| Error(format!("WeChat Pay's answer is not what its API says: {e}")))
    }

    /// What a verified transaction notification says.
    fn transaction_notification(
        &self,
        id: String,
        plain: &[u8],
        timestamp: i64,
    ) -> Result<Notification, VerifyError> {
        let t: Transaction =
            serde_json::from_slice(plain).map_err(|e| VerifyError::Malformed(e.to_string()))?;
        if t.mchid != self.mchid {
            return Err(VerifyError::Malformed("the notification is for another merchant".into()));
        }
        let status = match t.trade_state.as_str() {
            "SUCCESS" => "SUCCESS",
            "PAYERROR" => "FAILED",
            "CLOSED" | "REVOKED" => "CLOSED",
            other => return Err(VerifyError::Malformed(format!("trade_state {other} in a notification"))),
        };
        let amount = t.amount.ok_or_else(|| VerifyError::Malformed("no amount".into()))?;
        Ok(Notification {
            notify_id: id,
            out_trade_no: t.out_trade_no,
            trade_no: t.transaction_id,
            amount_fen: amount.total,
            status: status.into(),
            timestamp,
            out_refund_no: None,
        })
    }

    /// What a verified refund notification says (退款结果通知).
    fn refund_notification(
        &self,
        id: String,
        plain: &[u8],
        timestamp: i64,
    ) -> Result<Notification, VerifyError> {
        let r: RefundResult =
            serde_json::from_slice(plain).map_err(|e| VerifyError::Malformed(e.to_string()))?;
        if r.mchid != self.mchid {
            return Err(VerifyError::Malformed("the notification is for another merchant".into()));
        }
        let status = match r.refund_status.as_str() {
            "SUCCESS" => "SUCCESS",
            "ABNORMAL" => "FAILED",
            "CLOSED" => "CLOSED",
            other => return Err(VerifyError::Malformed(format!("refund_status {other} in a notification"))),
        };
        Ok(Notification {
            notify_id: id,
            out_trade_no: r.out_trade_no,
            trade_no: r.refund_id,
            amount_fen: r.amount.refund,
            status: status.into(),
            timestamp,
            out_refund_no: Some(r.out_refund_no),
        })
    }
}

#[async_trait::async_trait]
impl PaymentProvider for WechatPay {
    fn name(&self) -> &'static str {
        NAME
    }

    /// H5 下单; the payer goes to `h5_url`, with `redirect_url` to come back to the fee page
    /// (H5 支付开发指引: the return address appended, URL-encoded).
    async fn create_checkout(&self, o: &CheckoutRequest) -> Result<String, Error> {
        let body = json!({
            "appid": self.appid,
            "mchid": self.mchid,
            "description": short_description(&o.description),
            "out_trade_no": path_segment(&o.out_trade_no)?,
            "notify_url": o.notify_url,
            "amount": { "total": o.amount_fen, "currency": "CNY" },
            "scene_info": { "payer_client_ip": o.payer_ip, "h5_info": { "type": "Wap" } },
        });
        match self.call(reqwest::Method::POST, "/v3/pay/transactions/h5", Some(body)).await? {
            Answer::Done(bytes) => {
                #[derive(Deserialize)]
                struct H5 {
                    h5_url: String,
                }
                let h5: H5 = Self::parse(&bytes)?;
                let back: String = url::form_urlencoded::byte_serialize(o.return_url.as_bytes()).collect();
                let joint = if h5.h5_url.contains('?') { '&' } else { '?' };
                Ok(format!("{}{joint}redirect_url={back}", h5.h5_url))
            }
            Answer::Refused { status, code, message, .. } => Err(refused(status, &code, &message)),
        }
    }

    /// 查询订单 by our number: SUCCESS and REFUND (paid, later refunded) are paid; NOTPAY and
    /// USERPAYING still open; CLOSED, REVOKED and PAYERROR will never be paid.
    async fn query(&self, out_trade_no: &str) -> Result<ProviderStatus, Error> {
        let path =
            format!("/v3/pay/transactions/out-trade-no/{}?mchid={}", path_segment(out_trade_no)?, self.mchid);
        let bytes = match self.call(reqwest::Method::GET, &path, None).await? {
            Answer::Done(bytes) => bytes,
            // Never reached WeChat Pay (our order failed before it): it can never be paid.
            // Believed only when signed: closing an order on a forged answer would hide a
            // payment.
            Answer::Refused { status: 404, code, signed: true, .. } if code == "ORDER_NOT_EXIST" => {
                return Ok(ProviderStatus::Closed)
            }
            Answer::Refused { status, code, message, .. } => return Err(refused(status, &code, &message)),
        };
        let t: Transaction = Self::parse(&bytes)?;
        if t.out_trade_no != out_trade_no || (!t.mchid.is_empty() && t.mchid != self.mchid) {
            return Err(Error("WeChat Pay answered about another order".into()));
        }
        Ok(match t.trade_state.as_str() {
            "SUCCESS" | "REFUND" => {
                let amount = t.amount.ok_or_else(|| Error("a paid order without an amount".into()))?;
                ProviderStatus::Paid { trade_no: t.transaction_id, amount_fen: amount.total }
            }
            "NOTPAY" | "USERPAYING" => ProviderStatus::Pending,
            "CLOSED" | "REVOKED" | "PAYERROR" => ProviderStatus::Closed,
            other => return Err(Error(format!("unknown trade_state {other}"))),
        })
    }

    /// 申请退款, back to the payment it came from; the same `out_refund_no` is one refund at
    /// WeChat Pay however often it is sent.
    async fn refund(&self, r: &RefundRequest) -> Result<String, Error> {
        let body = json!({
            "out_trade_no": path_segment(&r.out_trade_no)?,
            "out_refund_no": path_segment(&r.out_refund_no)?,
            "notify_url": r.notify_url,
            "amount": { "refund": r.amount_fen, "total": r.order_total_fen, "currency": "CNY" },
        });
        match self.call(reqwest::Method::POST, "/v3/refund/domestic/refunds", Some(body)).await? {
            Answer::Done(bytes) => {
                let answer: RefundAnswer = Self::parse(&bytes)?;
                if !answer.out_refund_no.is_empty() && answer.out_refund_no != r.out_refund_no {
                    return Err(Error("WeChat Pay answered about another refund".into()));
                }
                // CLOSED or ABNORMAL already: accepted all the same; the refund's notification
                // or a query reports the failure (`services::fees::ask_about_refund`).
                tracing::info!(refund = %r.out_refund_no, status = %answer.status, "WeChat Pay accepted a refund");
                Ok(answer.refund_id)
            }
            Answer::Refused { status, code, message, .. } => Err(refused(status, &code, &message)),
        }
    }

    /// 查询单笔退款: SUCCESS refunded, PROCESSING on its way, CLOSED and ABNORMAL failed (the
    /// court pays it back by transfer).
    async fn query_refund(&self, out_refund_no: &str) -> Result<RefundStatus, Error> {
        let path = format!("/v3/refund/domestic/refunds/{}", path_segment(out_refund_no)?);
        let bytes = match self.call(reqwest::Method::GET, &path, None).await? {
            Answer::Done(bytes) => bytes,
            // Unknown changes nothing (the refund is sent again), so no signature is needed.
            Answer::Refused { status: 404, code, .. } if code == "RESOURCE_NOT_EXISTS" => {
                return Ok(RefundStatus::Unknown)
            }
            Answer::Refused { status, code, message, .. } => return Err(refused(status, &code, &message)),
        };
        let answer: RefundAnswer = Self::parse(&bytes)?;
        if answer.out_refund_no != out_refund_no {
            return Err(Error("WeChat Pay answered about another refund".into()));
        }
        Ok(match answer.status.as_str() {
            "SUCCESS" => RefundStatus::Refunded { refund_no: answer.refund_id },
            "PROCESSING" => RefundStatus::Processing,
            "CLOSED" | "ABNORMAL" => RefundStatus::Failed,
            other => return Err(Error(format!("unknown refund status {other}"))),
        })
    }

    /// 关闭订单: 204 No Content. An order already closed is no error, nor (signed) one WeChat
    /// Pay never had: neither can be paid.
    async fn close(&self, out_trade_no: &str) -> Result<(), Error> {
        let path = format!("/v3/pay/transactions/out-trade-no/{}/close", path_segment(out_trade_no)?);
        match self.call(reqwest::Method::POST, &path, Some(json!({ "mchid": self.mchid }))).await? {
            Answer::Done(_) => Ok(()),
            Answer::Refused { code, .. } if code == "ORDER_CLOSED" => Ok(()),
            Answer::Refused { status: 404, code, signed: true, .. } if code == "ORDER_NOT_EXIST" => Ok(()),
            Answer::Refused { status, code, message, .. } => Err(refused(status, &code, &message)),
        }
    }

    /// 支付通知 and 退款结果通知: signature (and the key it names), time, then the resource
    /// decrypted and read; the merchant number must be ours.
    fn verify(&self, headers: &NotifyHeaders, body: &[u8], now: i64) -> Result<Notification, VerifyError> {
        let timestamp = self.check_signature(headers, body, now)?;
        let note: NotifyBody =
            serde_json::from_slice(body).map_err(|e| VerifyError::Malformed(e.to_string()))?;
        let plain = decrypt_resource(&self.apiv3, &note.resource).map_err(VerifyError::Malformed)?;
        if note.event_type.starts_with("TRANSACTION.") {
            self.transaction_notification(note.id, &plain, timestamp)
        } else if note.event_type.starts_with("REFUND.") {
            self.refund_notification(note.id, &plain, timestamp)
        } else {
            Err(VerifyError::Malformed(format!("event_type {}", note.event_type)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::wechat_fixtures::{CERT_PEM, CERT_SERIAL, KEY_PEM};
    use crate::config::{merchant_private_key, wechat_platform_key, Secret};

    const APIV3_KEY: &str = "0123456789abcdefghijABCDEFGHIJ01";

    /// The adapter with the fixture key on both sides: it signs as the merchant, and its
    /// certificate stands for the platform's.
    fn adapter() -> WechatPay {
        let (platform_key, platform_key_id) = wechat_platform_key(CERT_PEM, None).unwrap();
        WechatPay::new(WechatPayConfig {
            mchid: "1900000109".into(),
            appid: "wxd678efh567hg6787".into(),
            merchant_serial: "3775B6A45ACD588826D15E583A95F5DD12345678".into(),
            merchant_key: merchant_private_key(KEY_PEM).unwrap(),
            apiv3_key: Secret::new(APIV3_KEY),
            platform_key,
            platform_key_id,
            base_url: "http://127.0.0.1:9".into(),
        })
        .unwrap()
    }

    fn signing_key() -> SigningKey<Sha256> {
        SigningKey::<Sha256>::new(merchant_private_key(KEY_PEM).unwrap())
    }

    #[test]
    fn the_signing_string_ends_every_part_with_a_newline() {
        assert_eq!(
            request_message("GET", "/v3/certificates", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", ""),
            "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
        );
        assert_eq!(
            request_message("POST", "/v3/pay/transactions/h5", 1, "N", "{\"a\":1}"),
            "POST\n/v3/pay/transactions/h5\n1\nN\n{\"a\":1}\n"
        );
        assert_eq!(
            answer_message("1554209980", "c5ac7061fccab6bf3e254dcf98995b8c", b"{}"),
            b"1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{}\n"
        );
    }

    #[test]
    fn the_signature_is_sha256_with_rsa_as_openssl_makes_it() {
        // `printf 'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n' |
        //  openssl dgst -sha256 -sign KEY_PEM | base64 -w0`
        let expected = "fD/p8S3XlfJlo/778wteM5jDy+8CSKXrbcC5WlH80p75U2aBOZmcz+ohT+4sf+x62LU8ayEZdsGill+jZrGSiVgHFJPCsdEnbpuI8y6UBdjYVOy1anoJ/OBr1Gwbj1lbL0KvSt73PRNJuPgK3bXlOKt6QiGrf6zHkGAaxz1jDb1ZjncZknc8vXpco5J6RSkImC7vsPuujNabHOvvzXCpFuihbJjINvWiCWX6YtUmFZ8eNs/5TIdRrn1/34e2IKDP9LXVB52nvnipDEd7B8id+ZfCUWaTwVRv91qsWAsvZv9g86AGu+D4uR2LIlR+SozW1NsLZtbzBQBenPtgAyC6iQ==";
        let message =
            request_message("GET", "/v3/certificates", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", "");
        assert_eq!(sign(&signing_key(), message.as_bytes()), expected);
    }

    #[test]
    fn the_authorization_header_names_merchant_nonce_signature_time_and_serial() {
        assert_eq!(
            authorization("1900009191", "593BEC0C930BF1AFEB40B4A08C8FB242", "uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+D5sB/LN+nGzX3hfZg6r5wT1pl2ZobmIc6p0ldN7J6yDgUzbX8Uk3sD4a4eZVPTBvqNDoUqcYMlZ9uuDdCvNv4TM3c1WzsXUrExwVkI1XO5jCNbgDJ25nkT/c1gIFvqoogl7MdSFGc4W4xZsqCItnqbypR3RuGIlR9h9vlRsy7zJR9PBI83X8alLDIfR1ukt1P7tMnmogZ0cuDY8cZsd8ZlCgLadmvej58SLsIkVxFJ8XmUgx9ZmUQ9f9kUWTgJjCBfEiY8J6X2LDQjMrVJ6oHCjQUqTSOxA==", 1554208460, "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"),
            "WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",signature=\"uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+D5sB/LN+nGzX3hfZg6r5wT1pl2ZobmIc6p0ldN7J6yDgUzbX8Uk3sD4a4eZVPTBvqNDoUqcYMlZ9uuDdCvNv4TM3c1WzsXUrExwVkI1XO5jCNbgDJ25nkT/c1gIFvqoogl7MdSFGc4W4xZsqCItnqbypR3RuGIlR9h9vlRsy7zJR9PBI83X8alLDIfR1ukt1P7tMnmogZ0cuDY8cZsd8ZlCgLadmvej58SLsIkVxFJ8XmUgx9ZmUQ9f9kUWTgJjCBfEiY8J6X2LDQjMrVJ6oHCjQUqTSOxA==\",timestamp=\"1554208460\",serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\""
        );
    }

    /// Made with Python's `cryptography` (AESGCM(APIV3_KEY).encrypt(b"fdasflkja484", PLAIN,
    /// b"transaction")), not with the code under test.
    const KNOWN_CIPHERTEXT: &str = "vW8lnTfrX9F7VKflsislo+TrTsdTJSXm7ho4sOwECjoP9Yeg+AfAu6VxjTpj8hTheRJQz+2I+6282vUsIcg++rR72rPKna404LR59ZQQoZwi5gDKZ0bjBNKM7p/G2SDBc3SWzIoFF2uR7O52XYWGetBxdP14eSnTVXEFndSkMTMyaj7aSPbCSMbJL0A=";
    const KNOWN_PLAIN: &str = r#"{"mchid":"1900000109","out_trade_no":"PC7abc","transaction_id":"4200000001","trade_state":"SUCCESS","amount":{"total":5000}}"#;

    fn known_resource() -> Resource {
        Resource {
            algorithm: "AEAD_AES_256_GCM".into(),
            ciphertext: KNOWN_CIPHERTEXT.into(),
            associated_data: "transaction".into(),
            nonce: "fdasflkja484".into(),
            original_type: "transaction".into(),
        }
    }

    #[test]
    fn a_resource_decrypts_with_the_apiv3_key_and_nothing_else() {
        let key = Aes256Gcm::new_from_slice(APIV3_KEY.as_bytes()).unwrap();
        assert_eq!(decrypt_resource(&key, &known_resource()).unwrap(), KNOWN_PLAIN.as_bytes());
        // One bit of the ciphertext, the associated data, the nonce or the key changed: refused.
        let mut flipped = BASE64.decode(KNOWN_CIPHERTEXT).unwrap();
        flipped[3] ^= 1;
        let tampered = Resource { ciphertext: BASE64.encode(flipped), ..known_resource() };
        assert!(decrypt_resource(&key, &tampered).is_err());
        assert!(decrypt_resource(&key, &Resource { associated_data: "refund".into(), ..known_resource() })
            .is_err());
        assert!(
            decrypt_resource(&key, &Resource { nonce: "fdasflkja485".into(), ..known_resource() }).is_err()
        );
        assert!(decrypt_resource(&key, &Resource { nonce: "short".into(), ..known_resource() }).is_err());
        let other = Aes256Gcm::new_from_slice(b"0123456789abcdefghijABCDEFGHIJ02").unwrap();
        assert!(decrypt_resource(&other, &known_resource()).is_err());
    }

    /// A notification as WeChat Pay sends it, signed by the fixture key at `timestamp`.
    fn notification(timestamp: i64, serial: &str) -> (NotifyHeaders, Vec<u8>) {
        let body = serde_json::to_vec(&json!({
            "id": "EV-2018022511223320873",
            "create_time": "2026-12-07T10:00:00+08:00",
            "resource_type": "encrypt-resource",
            "event_type": "TRANSACTION.SUCCESS",
            "summary": "支付成功",
            "resource": known_resource(),
        }))
        .unwrap();
        let nonce = "fdasfwirsoidfs";
        let signature = sign(&signing_key(), &answer_message(&timestamp.to_string(), nonce, &body));
        let headers = [
            ("wechatpay-timestamp", timestamp.to_string()),
            ("wechatpay-nonce", nonce.to_string()),
            ("wechatpay-signature", signature),
            ("wechatpay-serial", serial.to_string()),
        ];
        (headers.into_iter().map(|(k, v)| (k.to_string(), v)).collect(), body)
    }

    #[test]
    fn a_signed_payment_notification_reads_as_the_payment() {
        let now = 1_796_000_000;
        let (headers, body) = notification(now, CERT_SERIAL);
        let note = adapter().verify(&headers, &body, now + 10).unwrap();
        assert_eq!(
            note,
            Notification {
                notify_id: "EV-2018022511223320873".into(),
                out_trade_no: "PC7abc".into(),
                trade_no: "4200000001".into(),
                amount_fen: 5000,
                status: "SUCCESS".into(),
                timestamp: now,
                out_refund_no: None,
            }
        );
    }

    #[test]
    fn unsigned_forged_foreign_and_stale_notifications_are_refused() {
        let now = 1_796_000_000;
        let wechat = adapter();
        let (headers, body) = notification(now, CERT_SERIAL);
        let mut unsigned = headers.clone();
        unsigned.remove("wechatpay-signature");
        assert_eq!(wechat.verify(&unsigned, &body, now), Err(VerifyError::NoSignature));
        let mut changed = body.clone();
        changed[10] ^= 1;
        assert_eq!(wechat.verify(&headers, &changed, now), Err(VerifyError::BadSignature));
        let (other_key, body2) = notification(now, "5157F09EFDC096DE15EBE81A47057A7232F1B8E1");
        assert_eq!(wechat.verify(&other_key, &body2, now), Err(VerifyError::BadSignature));
        assert_eq!(wechat.verify(&headers, &body, now + TIMESTAMP_WINDOW_SECS + 1), Err(VerifyError::Stale));
        assert_eq!(wechat.verify(&headers, &body, now - TIMESTAMP_WINDOW_SECS - 1), Err(VerifyError::Stale));
    }

    #[test]
    fn descriptions_are_cut_between_characters() {
        let long = "诉".repeat(60);
        let short = short_description(&long);
        assert!(short.len() <= 127 && short.chars().all(|c| c == '诉'));
        assert_eq!(short_description("诉讼费"), "诉讼费");
        assert!(
            path_segment("PC12ab34").is_ok() && path_segment("../x").is_err() && path_segment("").is_err()
        );
    }
}
