//! Paying fees through WeChat Pay (API v3, direct merchant, H5), end to end against a local
//! simulator of its documented protocol: it checks the merchant's request signatures, signs
//! its answers and notifications with its own platform key, encrypts notification bodies
//! with the APIv3 key, and keeps its orders and refunds in memory. The app is started as in
//! production (no demo: no sandbox), with WeChat Pay configured from key files.

use crate::both_backends;
use crate::helpers::*;
use crate::payments::{start, wait_for_paid};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use pocket_court::config::{PaymentArgs, Secret};
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

const MCHID: &str = "1900000109";
const APPID: &str = "wxd678efh567hg6787";
const MERCHANT_SERIAL: &str = "3775B6A45ACD588826D15E583A95F5DD12345678";
/// The simulator signs in WeChat Pay public key mode (微信支付公钥): `Wechatpay-Serial` is this id.
const PLATFORM_KEY_ID: &str = "PUB_KEY_ID_0119000001092026120700000000000001";

/// The merchant's API key and WeChat Pay's platform key, made once per test binary (RSA
/// key generation takes a while).
pub struct Keys {
    merchant: RsaPrivateKey,
    platform: RsaPrivateKey,
}

static KEYS: OnceLock<Keys> = OnceLock::new();

async fn keys() -> &'static Keys {
    tokio::task::spawn_blocking(|| {
        KEYS.get_or_init(|| {
            let mut rng = rsa::rand_core::OsRng;
            Keys {
                merchant: RsaPrivateKey::new(&mut rng, 2048).expect("merchant key"),
                platform: RsaPrivateKey::new(&mut rng, 2048).expect("platform key"),
            }
        })
    })
    .await
    .expect("keys")
}

fn random_alphanumeric(n: usize) -> String {
    use rand::Rng;
    rand::rng().sample_iter(rand::distr::Alphanumeric).take(n).map(char::from).collect()
}

fn random_digits(n: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..n).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect()
}

fn now() -> i64 {
    pocket_court::adapters::clock::now()
}

#[derive(Clone, Debug)]
struct Order {
    out_trade_no: String,
    transaction_id: String,
    total: i64,
    description: String,
    notify_url: String,
    h5_url: String,
    /// NOTPAY, SUCCESS, REFUND, CLOSED.
    state: String,
}

#[derive(Clone, Debug)]
pub struct SimRefund {
    pub out_refund_no: String,
    pub refund_id: String,
    pub out_trade_no: String,
    pub transaction_id: String,
    pub refund: i64,
    pub total: i64,
    pub notify_url: String,
    /// PROCESSING, SUCCESS, CLOSED, ABNORMAL.
    pub status: String,
}

/// A notification as WeChat Pay POSTs it: the four `Wechatpay-*` headers and the body.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub url: String,
    pub timestamp: String,
    pub nonce: String,
    pub signature: String,
    pub serial: String,
    pub body: Vec<u8>,
}

impl Delivery {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// One request as the simulator received it (after its signature checked out).
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path_and_query: String,
    pub body: Value,
}

pub struct Simulator {
    pub base: String,
    pub apiv3_key: String,
    merchant: VerifyingKey<Sha256>,
    platform: SigningKey<Sha256>,
    /// A key that is not WeChat Pay's, for forgeries.
    impostor: SigningKey<Sha256>,
    orders: Mutex<HashMap<String, Order>>,
    refunds: Mutex<HashMap<String, SimRefund>>,
    received: Mutex<Vec<Received>>,
    refused: AtomicUsize,
    forging: AtomicBool,
    client: reqwest::Client,
}

type Answer = (StatusCode, Option<Value>);

fn error(status: StatusCode, code: &str, message: &str) -> Answer {
    (status, Some(json!({ "code": code, "message": message })))
}

impl Simulator {
    pub async fn start(keys: &'static Keys) -> Arc<Simulator> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("simulator port");
        let sim = Arc::new(Simulator {
            base: format!("http://{}", listener.local_addr().unwrap()),
            apiv3_key: random_alphanumeric(32),
            merchant: VerifyingKey::<Sha256>::new(keys.merchant.to_public_key()),
            platform: SigningKey::<Sha256>::new(keys.platform.clone()),
            impostor: SigningKey::<Sha256>::new(keys.merchant.clone()),
            orders: Mutex::new(HashMap::new()),
            refunds: Mutex::new(HashMap::new()),
            received: Mutex::new(Vec::new()),
            refused: AtomicUsize::new(0),
            forging: AtomicBool::new(false),
            client: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap(),
        });
        let router = axum::Router::new().fallback(handle).with_state(sim.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        sim
    }

    /// Requests refused for their signature (none, if our adapter signs right).
    pub fn refused_requests(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// From now on, answers are signed with a key that is not WeChat Pay's.
    pub fn forge_answers(&self, on: bool) {
        self.forging.store(on, Ordering::SeqCst);
    }

    pub fn h5_url(&self, out_trade_no: &str) -> Option<String> {
        self.orders.lock().unwrap().get(out_trade_no).map(|o| o.h5_url.clone())
    }

    pub fn refund_of(&self, out_trade_no: &str) -> Option<SimRefund> {
        self.refunds.lock().unwrap().values().find(|r| r.out_trade_no == out_trade_no).cloned()
    }

    /// The Authorization header of a merchant's request (签名验证 on WeChat Pay's side):
    /// scheme, merchant, certificate serial, time, and the signature over the request.
    fn check_authorization(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), String> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
        if header("user-agent").is_empty() || !header("accept").contains("application/json") {
            return Err("a User-Agent and Accept: application/json are required".into());
        }
        let params = header("authorization")
            .strip_prefix("WECHATPAY2-SHA256-RSA2048 ")
            .ok_or("not the WECHATPAY2-SHA256-RSA2048 scheme")?;
        let mut fields = HashMap::new();
        for part in params.split(',') {
            let (k, v) = part.trim().split_once('=').ok_or("a field without a value")?;
            let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or("an unquoted value")?;
            fields.insert(k.to_string(), v.to_string());
        }
        let field = |k: &str| fields.get(k).cloned().ok_or(format!("no {k}"));
        if field("mchid")? != MCHID || field("serial_no")? != MERCHANT_SERIAL {
            return Err("unknown merchant or certificate".into());
        }
        let timestamp = field("timestamp")?;
        let at: i64 = timestamp.parse().map_err(|_| "timestamp")?;
        if (now() - at).abs() > 300 {
            return Err("timestamp expired".into());
        }
        let nonce = field("nonce_str")?;
        let body = std::str::from_utf8(body).map_err(|_| "body is not UTF-8")?;
        let message = format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{body}\n");
        let signature = BASE64.decode(field("signature")?).map_err(|_| "signature is not base64")?;
        let signature = Signature::try_from(signature.as_slice()).map_err(|_| "signature")?;
        self.merchant
            .verify(message.as_bytes(), &signature)
            .map_err(|_| "signature does not verify".to_string())
    }

    /// An answer as WeChat Pay sends it: signed with the platform key over
    /// "{timestamp}\n{nonce}\n{body}\n" (204 answers have an empty body, signed all the same).
    fn signed(&self, (status, body): Answer) -> Response {
        let body = body.map(|b| serde_json::to_vec(&b).unwrap()).unwrap_or_default();
        let (timestamp, nonce) = (now().to_string(), random_alphanumeric(32));
        let mut message = format!("{timestamp}\n{nonce}\n").into_bytes();
        message.extend_from_slice(&body);
        message.push(b'\n');
        let key = if self.forging.load(Ordering::SeqCst) { &self.impostor } else { &self.platform };
        let signature = BASE64.encode(key.sign(&message).to_bytes());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        for (name, value) in [
            ("wechatpay-timestamp", timestamp),
            ("wechatpay-nonce", nonce),
            ("wechatpay-signature", signature),
            ("wechatpay-serial", PLATFORM_KEY_ID.to_string()),
            ("request-id", random_alphanumeric(24)),
            ("content-type", "application/json".to_string()),
        ] {
            headers.insert(name, value.parse().unwrap());
        }
        response
    }

    fn answer(&self, method: &Method, path: &str, query: Option<&str>, body: &[u8]) -> Answer {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let b: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        match (method.as_str(), parts.as_slice()) {
            ("POST", ["v3", "pay", "transactions", "h5"]) => self.h5_order(&b),
            ("GET", ["v3", "pay", "transactions", "out-trade-no", no]) => {
                let mchid = query.unwrap_or("").split('&').find_map(|kv| kv.strip_prefix("mchid="));
                if mchid != Some(MCHID) {
                    return error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "mchid");
                }
                match self.orders.lock().unwrap().get(*no) {
                    Some(o) => (StatusCode::OK, Some(transaction_json(o))),
                    None => error(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在"),
                }
            }
            ("POST", ["v3", "pay", "transactions", "out-trade-no", no, "close"]) => {
                if b["mchid"] != MCHID {
                    return error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "mchid");
                }
                match self.orders.lock().unwrap().get_mut(*no) {
                    None => error(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在"),
                    Some(o) if o.state == "NOTPAY" || o.state == "CLOSED" => {
                        o.state = "CLOSED".into();
                        (StatusCode::NO_CONTENT, None)
                    }
                    Some(_) => error(StatusCode::BAD_REQUEST, "ORDERPAID", "订单已支付"),
                }
            }
            ("POST", ["v3", "refund", "domestic", "refunds"]) => self.refund(&b),
            ("GET", ["v3", "refund", "domestic", "refunds", no]) => {
                match self.refunds.lock().unwrap().get(*no) {
                    Some(r) => (StatusCode::OK, Some(refund_json(r))),
                    None => error(StatusCode::NOT_FOUND, "RESOURCE_NOT_EXISTS", "退款单不存在"),
                }
            }
            _ => error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such API"),
        }
    }

    /// H5 下单: the same order number with the same order gets the same page.
    fn h5_order(&self, b: &Value) -> Answer {
        let (Some(no), Some(total), Some(description), Some(notify_url)) = (
            b["out_trade_no"].as_str(),
            b["amount"]["total"].as_i64(),
            b["description"].as_str(),
            b["notify_url"].as_str(),
        ) else {
            return error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "missing fields");
        };
        let ip = b["scene_info"]["payer_client_ip"].as_str().unwrap_or("");
        if b["appid"] != APPID || b["mchid"] != MCHID {
            return error(StatusCode::BAD_REQUEST, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配");
        }
        if b["amount"]["currency"] != "CNY"
            || total <= 0
            || b["scene_info"]["h5_info"]["type"] != "Wap"
            || ip.is_empty()
        {
            return error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "amount or scene_info");
        }
        if description.is_empty() || description.len() > 127 || !notify_url.starts_with("http") {
            return error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "description or notify_url");
        }
        let mut orders = self.orders.lock().unwrap();
        if let Some(o) = orders.get(no) {
            return if o.total != total || o.description != description {
                error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", "商户订单号重复")
            } else if o.state != "NOTPAY" {
                error(StatusCode::BAD_REQUEST, "ORDERPAID", "订单已支付或已关闭")
            } else {
                (StatusCode::OK, Some(json!({ "h5_url": o.h5_url })))
            };
        }
        let order = Order {
            out_trade_no: no.to_string(),
            transaction_id: String::new(),
            total,
            description: description.to_string(),
            notify_url: notify_url.to_string(),
            h5_url: format!(
                "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx{}&package={}",
                random_digits(28),
                random_digits(10)
            ),
            state: "NOTPAY".into(),
        };
        let answer = json!({ "h5_url": order.h5_url });
        orders.insert(no.to_string(), order);
        (StatusCode::OK, Some(answer))
    }

    /// 申请退款: against a paid order, for its total, at most what is left; the same refund
    /// number is the same refund.
    fn refund(&self, b: &Value) -> Answer {
        let (Some(no), Some(out_refund_no), Some(refund), Some(total), Some(notify_url)) = (
            b["out_trade_no"].as_str(),
            b["out_refund_no"].as_str(),
            b["amount"]["refund"].as_i64(),
            b["amount"]["total"].as_i64(),
            b["notify_url"].as_str(),
        ) else {
            return error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "missing fields");
        };
        if b["amount"]["currency"] != "CNY" {
            return error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "currency");
        }
        let mut orders = self.orders.lock().unwrap();
        let mut refunds = self.refunds.lock().unwrap();
        if let Some(r) = refunds.get(out_refund_no) {
            return (StatusCode::OK, Some(refund_json(r)));
        }
        let Some(order) = orders.get_mut(no).filter(|o| o.state == "SUCCESS" || o.state == "REFUND") else {
            return error(StatusCode::NOT_FOUND, "RESOURCE_NOT_EXISTS", "订单不存在或未支付");
        };
        let refunded: i64 = refunds.values().filter(|r| r.out_trade_no == no).map(|r| r.refund).sum();
        if total != order.total || refund <= 0 || refund + refunded > order.total {
            return error(StatusCode::BAD_REQUEST, "PARAM_ERROR", "退款金额或订单金额不对");
        }
        order.state = "REFUND".into();
        let r = SimRefund {
            out_refund_no: out_refund_no.to_string(),
            refund_id: format!("50{}", random_digits(27)),
            out_trade_no: no.to_string(),
            transaction_id: order.transaction_id.clone(),
            refund,
            total,
            notify_url: notify_url.to_string(),
            status: "PROCESSING".into(),
        };
        let answer = refund_json(&r);
        refunds.insert(out_refund_no.to_string(), r);
        (StatusCode::OK, Some(answer))
    }

    /// A notification, its resource encrypted with the APIv3 key (AEAD_AES_256_GCM, the
    /// original type as associated data) and signed by the platform key at `timestamp`.
    pub fn seal(
        &self,
        url: &str,
        event_type: &str,
        original_type: &str,
        plain: &Value,
        timestamp: i64,
    ) -> Delivery {
        let nonce = random_alphanumeric(12);
        let cipher = Aes256Gcm::new_from_slice(self.apiv3_key.as_bytes()).unwrap();
        let plaintext = serde_json::to_vec(plain).unwrap();
        let ciphertext = cipher
            .encrypt(
                Nonce::from_slice(nonce.as_bytes()),
                Payload { msg: &plaintext, aad: original_type.as_bytes() },
            )
            .unwrap();
        let summary = if original_type == "refund" { "退款成功" } else { "支付成功" };
        let body = json!({
            "id": format!("EV-{}", random_digits(19)),
            "create_time": "2026-12-07T10:00:00+08:00",
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            "resource": {
                "original_type": original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": BASE64.encode(ciphertext),
                "associated_data": original_type,
                "nonce": nonce,
            },
        });
        self.signed_delivery(url, serde_json::to_vec(&body).unwrap(), timestamp)
    }

    /// `body` signed by the platform key at `timestamp`.
    pub fn signed_delivery(&self, url: &str, body: Vec<u8>, timestamp: i64) -> Delivery {
        self.sign_with(&self.platform, url, body, timestamp)
    }

    /// The same delivery signed by a key that is not WeChat Pay's.
    pub fn forged(&self, d: &Delivery) -> Delivery {
        self.sign_with(&self.impostor, &d.url, d.body.clone(), d.timestamp.parse().unwrap())
    }

    fn sign_with(&self, key: &SigningKey<Sha256>, url: &str, body: Vec<u8>, timestamp: i64) -> Delivery {
        let nonce = random_alphanumeric(32);
        let mut message = format!("{timestamp}\n{nonce}\n").into_bytes();
        message.extend_from_slice(&body);
        message.push(b'\n');
        Delivery {
            url: url.to_string(),
            timestamp: timestamp.to_string(),
            nonce,
            signature: BASE64.encode(key.sign(&message).to_bytes()),
            serial: PLATFORM_KEY_ID.to_string(),
            body,
        }
    }

    /// POSTs a notification to the merchant; returns the HTTP status of its answer (headers
    /// left empty are not sent).
    pub async fn deliver(&self, d: &Delivery) -> u16 {
        let mut request = self.client.post(&d.url).header("Content-Type", "application/json");
        for (name, value) in [
            ("Wechatpay-Timestamp", &d.timestamp),
            ("Wechatpay-Nonce", &d.nonce),
            ("Wechatpay-Signature", &d.signature),
            ("Wechatpay-Serial", &d.serial),
        ] {
            if !value.is_empty() {
                request = request.header(name, value.as_str());
            }
        }
        request
            .body(d.body.clone())
            .send()
            .await
            .expect("the merchant's notify_url answers")
            .status()
            .as_u16()
    }

    /// The payer paid on WeChat Pay's page: the order is SUCCESS; returns the
    /// TRANSACTION.SUCCESS notification WeChat Pay would send (not sent yet).
    pub fn pay_quietly(&self, out_trade_no: &str) -> Delivery {
        let mut orders = self.orders.lock().unwrap();
        let o = orders.get_mut(out_trade_no).expect("an order at WeChat Pay");
        o.state = "SUCCESS".into();
        o.transaction_id = format!("42000{}", random_digits(23));
        let mut plain = transaction_json(o);
        plain["payer"] = json!({ "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" });
        self.seal(&o.notify_url, "TRANSACTION.SUCCESS", "transaction", &plain, now())
    }

    /// The payer paid, and WeChat Pay tells the merchant: returns the answer's status and the
    /// notification (to replay it).
    pub async fn pay(&self, out_trade_no: &str) -> (u16, Delivery) {
        let note = self.pay_quietly(out_trade_no);
        (self.deliver(&note).await, note)
    }

    /// The bank returned a refund: SUCCESS, and WeChat Pay's REFUND.SUCCESS notification.
    pub async fn settle_refund(&self, out_refund_no: &str) -> (u16, Delivery) {
        let note = {
            let mut refunds = self.refunds.lock().unwrap();
            let r = refunds.get_mut(out_refund_no).expect("a refund at WeChat Pay");
            r.status = "SUCCESS".into();
            let plain = json!({
                "mchid": MCHID,
                "out_trade_no": r.out_trade_no,
                "transaction_id": r.transaction_id,
                "out_refund_no": r.out_refund_no,
                "refund_id": r.refund_id,
                "refund_status": "SUCCESS",
                "success_time": "2026-12-07T10:00:00+08:00",
                "user_received_account": "支付用户零钱",
                "amount": { "total": r.total, "refund": r.refund, "payer_total": r.total, "payer_refund": r.refund },
            });
            self.seal(&r.notify_url, "REFUND.SUCCESS", "refund", &plain, now())
        };
        (self.deliver(&note).await, note)
    }
}

fn transaction_json(o: &Order) -> Value {
    let mut t = json!({
        "appid": APPID,
        "mchid": MCHID,
        "out_trade_no": o.out_trade_no,
        "trade_type": "MWEB",
        "trade_state": o.state,
        "trade_state_desc": o.state,
        "attach": "",
        "amount": { "total": o.total, "currency": "CNY" },
    });
    if o.state == "SUCCESS" || o.state == "REFUND" {
        t["transaction_id"] = json!(o.transaction_id);
        t["bank_type"] = json!("OTHERS");
        t["success_time"] = json!("2026-12-07T10:00:00+08:00");
        t["amount"] =
            json!({ "total": o.total, "payer_total": o.total, "currency": "CNY", "payer_currency": "CNY" });
    }
    t
}

fn refund_json(r: &SimRefund) -> Value {
    json!({
        "refund_id": r.refund_id,
        "out_refund_no": r.out_refund_no,
        "transaction_id": r.transaction_id,
        "out_trade_no": r.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": "支付用户零钱",
        "create_time": "2026-12-07T10:00:00+08:00",
        "status": r.status,
        "funds_account": "AVAILABLE",
        "amount": {
            "total": r.total, "refund": r.refund, "payer_total": r.total, "payer_refund": r.refund,
            "settlement_refund": r.refund, "settlement_total": r.total, "discount_refund": 0, "currency": "CNY",
        },
    })
}

/// Every request: the merchant's signature first (401 SIGN_ERROR, unsigned, as WeChat Pay
/// answers a request it cannot attribute), then the API.
async fn handle(
    State(sim): State<Arc<Simulator>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
    if let Err(why) = sim.check_authorization(method.as_str(), &path_and_query, &headers, &body) {
        sim.refused.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({ "code": "SIGN_ERROR", "message": why })))
            .into_response();
    }
    sim.received.lock().unwrap().push(Received {
        method: method.to_string(),
        path_and_query: path_and_query.clone(),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    let answer = sim.answer(&method, uri.path(), uri.query(), &body);
    sim.signed(answer)
}

/// The app as a court runs it with WeChat Pay (no demo, so no sandbox), its key files in the
/// test's folder, the demo's people and `cases` cases loaded into its database.
async fn app_with_wechat_pay(b: Backend, cases: usize) -> (TestApp, Arc<Simulator>) {
    let keys = keys().await;
    let sim = Simulator::start(keys).await;
    let (base, apiv3_key) = (sim.base.clone(), sim.apiv3_key.clone());
    let app = TestApp::spawn_with(b, move |a| {
        a.demo = false;
        let merchant_key = a.storage.data_dir.join("apiclient_key.pem");
        let platform_key = a.storage.data_dir.join("wechatpay_public_key.pem");
        std::fs::write(&merchant_key, keys.merchant.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes())
            .unwrap();
        std::fs::write(
            &platform_key,
            keys.platform.to_public_key().to_public_key_pem(LineEnding::LF).unwrap(),
        )
        .unwrap();
        a.payment = PaymentArgs {
            provider: "wechatpay".into(),
            wechatpay_mchid: Some(MCHID.into()),
            wechatpay_appid: Some(APPID.into()),
            wechatpay_merchant_serial: Some(MERCHANT_SERIAL.into()),
            wechatpay_merchant_key_file: Some(merchant_key),
            wechatpay_apiv3_key: Some(Secret::new(apiv3_key)),
            wechatpay_platform_key_file: Some(platform_key),
            wechatpay_platform_key_id: Some(PLATFORM_KEY_ID.into()),
            wechatpay_base_url: base,
        };
    })
    .await
    .expect("server starts");
    let provider = app.running.services.payments.as_ref().map(|p| p.name());
    assert_eq!(provider, Some("wechatpay"), "WeChat Pay is the provider once configured");
    assert!(app.running.services.sandbox.is_none());
    pocket_court::demo::load_if_empty(&app.running.services.db, cases).await.unwrap();
    (app, sim)
}

/// A case where the signed-in person is the plaintiff (who prepays, 诉讼费用交纳办法 art. 20)
/// and a fee is due: its id and what is due.
async fn own_case_with_fee_due(app: &TestApp, client: &reqwest::Client) -> (i64, i64) {
    let (_, cases) = app.get_json(client, "/api/v1/cases").await;
    for c in cases.as_array().expect("cases") {
        if !matches!(c["my_side"].as_str(), Some("原告" | "Plaintiff")) {
            continue;
        }
        let id = c["id"].as_i64().unwrap();
        let (_, acct) = app.get_json(client, &format!("/api/v1/cases/{id}/fees")).await;
        let due = acct["due_fen"].as_i64().unwrap();
        if due > 0 {
            return (id, due);
        }
    }
    panic!("no case of the plaintiff's with a fee due");
}

async fn fees(app: &TestApp, client: &reqwest::Client, id: i64) -> Value {
    let (status, acct) = app.get_json(client, &format!("/api/v1/cases/{id}/fees")).await;
    assert_eq!(status, 200, "{acct}");
    acct
}

fn entries(acct: &Value, kind: &str) -> usize {
    acct["entries"].as_array().unwrap().iter().filter(|e| e["kind"] == kind).count()
}

/// Starts paying; returns our order number and the checkout address.
async fn start_order(app: &TestApp, client: &reqwest::Client, id: i64, key: &str) -> (String, String) {
    let (status, started) = start(app, client, id, key).await;
    assert_eq!(status, 200, "{started}");
    let checkout = started["checkout_url"].as_str().expect("a checkout page").to_string();
    let acct = fees(app, client, id).await;
    let order =
        acct["orders"].as_array().unwrap().last().unwrap()["out_trade_no"].as_str().unwrap().to_string();
    (order, checkout)
}

async fn paying_with_wechat_pay_h5_credits_the_fee_exactly_once(b: Backend) {
    let (app, sim) = app_with_wechat_pay(b, 8).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, due) = own_case_with_fee_due(&app, &app.client).await;

    let (order, checkout) = start_order(&app, &app.client, id, "wechat-tap-0123456789").await;
    // WeChat Pay's page, then back to the fee page of this order (redirect_url, URL-encoded).
    let h5_url = sim.h5_url(&order).expect("the order is at WeChat Pay");
    assert!(checkout.starts_with(&format!("{h5_url}&redirect_url=")), "{checkout}");
    let back: String = url::form_urlencoded::byte_serialize(
        format!("{}/cases/{id}/fees?order={order}", app.base).as_bytes(),
    )
    .collect();
    assert!(checkout.ends_with(&back), "{checkout}");
    // The order as WeChat Pay received it (H5 下单).
    let placed = sim.received().into_iter().find(|r| r.path_and_query == "/v3/pay/transactions/h5").unwrap();
    assert_eq!(placed.method, "POST");
    assert_eq!(placed.body["out_trade_no"], order);
    assert_eq!(placed.body["amount"], json!({ "total": due, "currency": "CNY" }));
    assert_eq!(placed.body["scene_info"]["payer_client_ip"], "127.0.0.1");
    assert_eq!(placed.body["notify_url"], format!("{}/api/v1/payments/notify/wechatpay", app.base));
    // A double tap: the same order, the same page.
    let (_, again) = start(&app, &app.client, id, "wechat-tap-0123456789").await;
    assert_eq!(again["checkout_url"], checkout);

    let (status, note) = sim.pay(&order).await;
    assert_eq!(status, 200, "the notification is acknowledged");
    let acct = wait_for_paid(&app, &app.client, id).await;
    assert_eq!(acct["paid_fen"], due);
    // WeChat Pay resends until it hears back, and sometimes after: still one payment.
    for _ in 0..3 {
        assert_eq!(sim.deliver(&note).await, 200);
    }
    let acct = fees(&app, &app.client, id).await;
    assert_eq!(entries(&acct, "payment"), 1, "{acct}");
    assert_eq!((acct["paid_fen"].as_i64(), acct["due_fen"].as_i64()), (Some(due), Some(0)));
    assert_eq!(acct["orders"][0]["status"], "paid");

    // The simulator does check signatures: an unsigned request is refused.
    let res = reqwest::Client::new()
        .get(format!("{}/v3/refund/domestic/refunds/RF1", sim.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(sim.refused_requests(), 1, "every request of ours was signed right");
}
both_backends!(paying_with_wechat_pay_h5_credits_the_fee_exactly_once);

async fn forged_tampered_stale_and_foreign_wechat_notifications_credit_nothing(b: Backend) {
    let (app, sim) = app_with_wechat_pay(b, 8).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, due) = own_case_with_fee_due(&app, &app.client).await;
    let (order, _) = start_order(&app, &app.client, id, "wechat-bad-notes-000001").await;
    let good = sim.pay_quietly(&order);
    let url = good.url.clone();

    // Signed by another key, or not signed at all.
    assert_eq!(sim.deliver(&sim.forged(&good)).await, 401, "forged signature");
    assert_eq!(sim.deliver(&Delivery { signature: String::new(), ..good.clone() }).await, 401, "unsigned");
    let garbage = Delivery { signature: BASE64.encode([7u8; 256]), ..good.clone() };
    assert_eq!(sim.deliver(&garbage).await, 401, "a signature of the right size, but not one");
    // Naming a key we do not hold (WeChat Pay's probes look like this).
    let foreign = Delivery { serial: "PUB_KEY_ID_0119000001092026120700000000000002".into(), ..good.clone() };
    assert_eq!(sim.deliver(&foreign).await, 401, "another platform key");
    // The body changed after signing.
    let mut changed = good.json();
    changed["event_type"] = json!("TRANSACTION.SUCCESS ");
    let changed = Delivery { body: serde_json::to_vec(&changed).unwrap(), ..good.clone() };
    assert_eq!(sim.deliver(&changed).await, 401, "a changed body");
    // A ciphertext changed, then signed again by WeChat Pay's key: only the AES-GCM tag knows.
    let mut tampered = good.json();
    let mut bytes = BASE64.decode(tampered["resource"]["ciphertext"].as_str().unwrap()).unwrap();
    bytes[5] ^= 0x01;
    tampered["resource"]["ciphertext"] = json!(BASE64.encode(bytes));
    let tampered = sim.signed_delivery(&url, serde_json::to_vec(&tampered).unwrap(), now());
    assert_eq!(sim.deliver(&tampered).await, 400, "tampered ciphertext");
    // A true notification, an hour old.
    let stale = sim.signed_delivery(&url, good.body.clone(), now() - 3600);
    assert_eq!(sim.deliver(&stale).await, 400, "stale");
    // Encrypted and signed right, but for another merchant, or for another amount.
    let paid = |mchid: &str, total: i64| {
        json!({ "mchid": mchid, "appid": APPID, "out_trade_no": order, "transaction_id": "4200000000202612070000000001",
                "trade_state": "SUCCESS", "amount": { "total": total, "payer_total": total, "currency": "CNY" } })
    };
    let other_merchant =
        sim.seal(&url, "TRANSACTION.SUCCESS", "transaction", &paid("1900000110", due), now());
    assert_eq!(sim.deliver(&other_merchant).await, 400, "another merchant's payment");
    let short = sim.seal(&url, "TRANSACTION.SUCCESS", "transaction", &paid(MCHID, due - 1), now());
    assert_eq!(sim.deliver(&short).await, 400, "a wrong amount");
    let acct = fees(&app, &app.client, id).await;
    assert_eq!(entries(&acct, "payment"), 0, "nothing credited: {acct}");
    assert_eq!(acct["due_fen"].as_i64(), Some(due));

    // The true one, replayed: credited once.
    for _ in 0..5 {
        assert_eq!(sim.deliver(&good).await, 200);
    }
    let acct = fees(&app, &app.client, id).await;
    assert_eq!(entries(&acct, "payment"), 1, "{acct}");
    assert_eq!(acct["due_fen"], 0);
    assert_eq!(sim.refused_requests(), 0);
}
both_backends!(forged_tampered_stale_and_foreign_wechat_notifications_credit_nothing);

async fn a_lost_wechat_notification_is_made_up_by_asking_wechat_pay(b: Backend) {
    let (app, sim) = app_with_wechat_pay(b, 8).await;
    app.sign_in(&app.client, ZHANG).await;
    let (id, due) = own_case_with_fee_due(&app, &app.client).await;
    let (order, _) = start_order(&app, &app.client, id, "wechat-lost-note-00001").await;
    let path = format!("/api/v1/cases/{id}/payments/{order}");
    assert_eq!(app.get_json(&app.client, &path).await.1["status"], "pending", "NOTPAY at WeChat Pay");

    // Paid at WeChat Pay; its notification never arrives. The payer is back: we ask.
    let late = sim.pay_quietly(&order);
    assert_eq!(app.get_json(&app.client, &path).await.1["status"], "paid");
    let asked = format!("/v3/pay/transactions/out-trade-no/{order}?mchid={MCHID}");
    assert!(sim.received().iter().any(|r| r.method == "GET" && r.path_and_query == asked));
    let acct = fees(&app, &app.client, id).await;
    assert_eq!(entries(&acct, "payment"), 1, "{acct}");
    assert_eq!(acct["paid_fen"].as_i64(), Some(due));
    // The notification turns up after all: acknowledged, not credited again.
    assert_eq!(sim.deliver(&late).await, 200);
    assert_eq!(entries(&fees(&app, &app.client, id).await, "payment"), 1);

    // Answers not signed by WeChat Pay's key are not believed: no checkout page for her
    // other case with a fee due.
    sim.forge_answers(true);
    let (other_id, _) = own_case_with_fee_due(&app, &app.client).await;
    assert_ne!(other_id, id);
    let (status, refused) = start(&app, &app.client, other_id, "wechat-forged-answer-01").await;
    assert!(status >= 500, "{status} {refused}");
    assert!(refused["checkout_url"].is_null(), "{refused}");
    // Its order at WeChat Pay exists all the same; once answers are genuine, the same tap
    // gets its page.
    sim.forge_answers(false);
    let (status, retried) = start(&app, &app.client, other_id, "wechat-forged-answer-01").await;
    assert_eq!(status, 200, "{retried}");
    assert!(retried["checkout_url"].as_str().unwrap().starts_with("https://wx.tenpay.com/"));
    assert_eq!(sim.refused_requests(), 0);
}
both_backends!(a_lost_wechat_notification_is_made_up_by_asking_wechat_pay);

async fn a_refund_goes_back_through_wechat_pay_and_its_notification_settles_it(b: Backend) {
    // 王五's ordinary-procedure case docketed yesterday is among the first 20 demo cases.
    let (app, sim) = app_with_wechat_pay(b, 20).await;
    let wang = new_client();
    app.sign_in(&wang, WANG).await;
    let (_, cases) = app.get_json(&wang, "/api/v1/cases").await;
    let mut found = None;
    for c in cases.as_array().unwrap() {
        let id = c["id"].as_i64().unwrap();
        let (_, p) = app.get_json(&wang, &format!("/api/v1/cases/{id}/progress")).await;
        if p["fee_due_fen"].as_i64().unwrap_or(0) > 0
            && p["procedure"].as_str().unwrap_or("").contains("普通")
        {
            found = Some((id, p["fee_due_fen"].as_i64().unwrap()));
        }
    }
    let (id, paid) = found.expect("an ordinary-procedure case with a fee due");
    let (order, _) = start_order(&app, &wang, id, "wechat-refund-key-00001").await;
    let (status, _) = sim.pay(&order).await;
    assert_eq!(status, 200);
    wait_for_paid(&app, &wang, id).await;

    // Mediated: half the fee goes back (诉讼费用交纳办法 arts. 15, 53), sent to WeChat Pay at once.
    let judge = new_client();
    app.staff_sign_in(&judge, JUDGE).await;
    let res = judge
        .post(app.url(&format!("/cases/{id}/close")))
        .form(&[("outcome", "mediated")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"].to_str().unwrap(), format!("/cases/{id}?closed=1"));
    let acct = fees(&app, &wang, id).await;
    let refund = acct["refunds"][0].clone();
    let amount = refund["amount_fen"].as_i64().unwrap();
    assert_eq!(amount, paid - (paid + 1) / 2, "{acct}");
    assert_eq!(refund["status"], "processing", "{refund}");
    let out_refund_no = refund["out_refund_no"].as_str().unwrap().to_string();
    let at_wechat = sim.refund_of(&order).expect("the refund reached WeChat Pay");
    assert_eq!(at_wechat.out_refund_no, out_refund_no);
    assert_eq!((at_wechat.refund, at_wechat.total), (amount, paid), "the refund against the order's total");
    assert_eq!(at_wechat.notify_url, format!("{}/api/v1/payments/notify/wechatpay", app.base));

    // Ten minutes without news: the refund job asks (查询单笔退款); still on its way.
    app.clock.advance(601);
    app.running.services.chase_refunds().await;
    app.clock.advance(-601);
    let asked = format!("/v3/refund/domestic/refunds/{out_refund_no}");
    assert!(sim.received().iter().any(|r| r.method == "GET" && r.path_and_query == asked));
    assert_eq!(fees(&app, &wang, id).await["refunds"][0]["status"], "processing");

    // The money is back: WeChat Pay's REFUND.SUCCESS, then the same again.
    let (status, note) = sim.settle_refund(&out_refund_no).await;
    assert_eq!(status, 200);
    assert_eq!(sim.deliver(&note).await, 200, "a replay is acknowledged");
    let acct = fees(&app, &wang, id).await;
    assert_eq!(acct["refunds"][0]["status"], "refunded", "{acct}");
    assert_eq!(entries(&acct, "refund"), 1, "{acct}");
    assert_eq!(acct["refunded_fen"].as_i64(), Some(amount));
    assert_eq!((acct["due_fen"].as_i64(), acct["overpaid_fen"].as_i64()), (Some(0), Some(0)));
    assert_eq!(sim.refused_requests(), 0);
}
both_backends!(a_refund_goes_back_through_wechat_pay_and_its_notification_settles_it);
