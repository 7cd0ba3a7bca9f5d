//! Configuration in layers: built-in defaults < a config file (`--config FILE`, KEY=VALUE
//! lines) < environment variables < command-line flags. Every variable is documented in
//! `pocket-court.env.sample` at the top of the repository. Secrets are wrapped so that they
//! never print.

use clap::{Args, Parser, Subcommand};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// A value that must not appear in logs or debug output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "Secret(<empty>)" } else { "Secret(***)" })
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "pocket-court",
    version,
    about = "掌上法庭 Pocket Court: online litigation service of a basic-level people's court"
)]
pub struct Cli {
    /// A file of KEY=VALUE lines (the variables of pocket-court.env.sample); environment
    /// variables and flags override it.
    #[arg(long, global = true, env = "POCKET_COURT_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once at start: the size of the serve variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app and the API.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(StorageArgs),
    /// Load the demo court, staff, litigants and cases (into an empty database) and exit.
    DemoData(DemoArgs),
    /// Check a receipt file (送达回证, JSON from /service/{id}/receipt.json or
    /// /api/v1/service-records/{id}) offline: signature, entry hashes, inclusion proofs.
    /// Exit status 0 if it verifies, 1 if not (with what failed).
    VerifyReceipt(VerifyReceiptArgs),
    /// Recompute the service log from its stored entries and check every leaf, the right edge
    /// and every signed head (a changed, removed or rewritten entry is found). Exit 1 if not.
    AuditLog(AuditArgs),
}

#[derive(Debug, Clone, Args)]
pub struct VerifyReceiptArgs {
    /// The receipt file (JSON).
    pub file: PathBuf,
    /// The court's published public key (64 hex digits, `public_key` of
    /// /api/v1/log/tree-head). Without it the key inside the receipt is used, and its
    /// fingerprint printed to compare with the court's.
    #[arg(long = "public-key")]
    pub public_key: Option<String>,
    /// Messages in English instead of Chinese.
    #[arg(long)]
    pub english: bool,
}

#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(flatten)]
    pub service: ServiceArgs,
}

#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// sqlite://PATH (default: DATA_DIR/pocket-court.db) or postgres://USER@HOST/DB.
    #[arg(long = "database", env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Folder for the SQLite database and uploaded files.
    #[arg(long, env = "POCKET_COURT_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

impl StorageArgs {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("pocket-court.db").display()))
    }
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// How many demo cases to create (about 20 by default; the benchmark uses 10,000).
    #[arg(long, env = "POCKET_COURT_DEMO_CASES", default_value_t = 20)]
    pub cases: usize,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port (printed at start).
    #[arg(long, env = "POCKET_COURT_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Demo mode: load the demo court on an empty database, keep SMS in the dev inbox
    /// (/dev/inbox) and print how to sign in.
    #[arg(long, env = "POCKET_COURT_DEMO", default_value_t = false, value_parser = clap::builder::FalseyValueParser::new())]
    pub demo: bool,
    /// Let `--demo` serve on an address other than loopback. The demo shows every SMS code
    /// (/dev/inbox) and signs anyone in as anyone: only for a demonstration on a closed
    /// network, never where the public can reach it.
    #[arg(long = "demo-on-network", env = "POCKET_COURT_DEMO_ON_NETWORK", default_value_t = false, value_parser = clap::builder::FalseyValueParser::new())]
    pub demo_on_network: bool,
    /// Reverse proxies in front of this server (addresses or CIDR blocks, comma-separated),
    /// whose `X-Forwarded-For` is believed: the client's address is the last one in it that
    /// is not itself a trusted proxy. Anyone else's `X-Forwarded-For` is ignored. Unset: the
    /// TCP peer is the client.
    #[arg(long = "trusted-proxy", env = "POCKET_COURT_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// The court's external meeting service for video mediation (在线调解规则 art. 16), e.g.
    /// `https://meeting.example-court.cn/j/`: a session's link must begin with it (https), so a
    /// link in a court's message never leads elsewhere. Unset: no video sessions are offered.
    #[arg(long = "meeting-url", env = "POCKET_COURT_MEETING_URL")]
    pub meeting_url: Option<String>,
    /// The address people use to reach the site; https here makes cookies `Secure`.
    #[arg(long, env = "POCKET_COURT_PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
    pub public_url: String,
    /// Built browser files (cargo-leptos output).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// SMS gateway: `dev` (kept in the outbox, shown at /dev/inbox in demo mode) or `http`.
    #[arg(long, env = "POCKET_COURT_SMS_PROVIDER", default_value = "dev")]
    pub sms_provider: String,
    /// The HTTP SMS provider's endpoint (POST JSON {"to","text"}).
    #[arg(long, env = "POCKET_COURT_SMS_URL")]
    pub sms_url: Option<String>,
    /// The HTTP SMS provider's key, sent as `Authorization: Bearer KEY`.
    #[arg(long, env = "POCKET_COURT_SMS_KEY", hide_env_values = true)]
    pub sms_key: Option<Secret>,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "POCKET_COURT_SESSION_IDLE_MINUTES", default_value_t = 120)]
    pub session_idle_minutes: i64,
    /// Hours after sign-in at which a session ends whatever happens.
    #[arg(long, env = "POCKET_COURT_SESSION_ABSOLUTE_HOURS", default_value_t = 24)]
    pub session_absolute_hours: i64,
    #[command(flatten)]
    pub fees: FeeArgs,
    #[command(flatten)]
    pub payment: PaymentArgs,
    #[command(flatten)]
    pub uploads: UploadArgs,
    #[command(flatten)]
    pub service: ServiceArgs,
}

/// An address block: `203.0.113.0/24`, `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: std::net::IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let net: std::net::IpAddr = addr.parse().map_err(|_| format!("not an address: {s}"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => {
                p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("bad prefix: {s}"))?
            }
            None => max,
        };
        Ok(Cidr { net, prefix })
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        fn bits(ip: std::net::IpAddr) -> (u128, u8) {
            match ip {
                std::net::IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
                std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                    Some(v4) => (u128::from(u32::from(v4)), 32),
                    None => (u128::from(v6), 128),
                },
            }
        }
        let ((net, width), (ip, ip_width)) = (bits(self.net), bits(ip));
        if width != ip_width {
            return false;
        }
        let shift = u32::from(width - self.prefix.min(width));
        let mask = if shift >= 128 { 0 } else { u128::MAX << shift };
        let mask = if width == 32 { mask & u128::from(u32::MAX) } else { mask };
        net & mask == ip & mask
    }
}

impl ServeArgs {
    /// The trusted proxies, parsed (an unreadable entry stops the server at start).
    pub fn trusted_proxies(&self) -> Result<Vec<Cidr>, String> {
        self.trusted_proxies.iter().filter(|s| !s.trim().is_empty()).map(|s| Cidr::parse(s)).collect()
    }
}

/// The client's address, given the peer's and its `X-Forwarded-For`: believed only from a
/// trusted proxy, read from the right (each proxy appends the address it saw), skipping the
/// trusted proxies themselves — whatever a client writes at the left is never taken.
pub fn client_ip(trusted: &[Cidr], peer: std::net::IpAddr, forwarded_for: Option<&str>) -> std::net::IpAddr {
    let is_trusted = |ip: std::net::IpAddr| trusted.iter().any(|c| c.contains(ip));
    let Some(list) = forwarded_for.filter(|_| is_trusted(peer)) else {
        return peer;
    };
    for entry in list.rsplit(',') {
        let Ok(ip) = entry.trim().parse::<std::net::IpAddr>() else {
            return peer; // a garbled list: believe nothing in it
        };
        if !is_trusted(ip) {
            return ip;
        }
    }
    peer
}

/// Electronic service (电子送达): the key that signs the service log, and the font of notices.
#[derive(Debug, Clone, Args, Default)]
pub struct ServiceArgs {
    /// The Ed25519 key that signs the service log's tree heads: a file holding the 32-byte seed
    /// as 64 hex digits. Default DATA_DIR/keys/service-log.key, created (mode 0600) at first
    /// start. Keep it secret and backed up: receipts are checked against its public key.
    #[arg(long = "log-key-file", env = "POCKET_COURT_LOG_KEY_FILE")]
    pub log_key_file: Option<PathBuf>,
    /// The CJK font for court notices and receipts (PDF, `pdf::PdfFont::load`); unset: the
    /// first of Debian's usual locations (Noto Serif CJK, from fonts-noto-cjk).
    #[arg(long = "pdf-font", env = "POCKET_COURT_PDF_FONT")]
    pub pdf_font: Option<PathBuf>,
}

/// Limits on evidence uploads (`uploads.rs`), in MB (1 MB = 1,048,576 bytes). A file over
/// a limit is refused before any of it is sent, with the limit and what to do instead.
#[derive(Debug, Clone, Args)]
pub struct UploadArgs {
    /// The largest evidence file.
    #[arg(long = "upload-max-file-mb", env = "POCKET_COURT_UPLOAD_MAX_FILE_MB", default_value_t = 200)]
    pub max_file_mb: u64,
    /// All evidence files of one filing together.
    #[arg(long = "upload-max-filing-mb", env = "POCKET_COURT_UPLOAD_MAX_FILING_MB", default_value_t = 1024)]
    pub max_filing_mb: u64,
}

impl Default for UploadArgs {
    fn default() -> Self {
        UploadArgs { max_file_mb: 200, max_filing_mb: 1024 }
    }
}

/// The per-case fee amounts the statute leaves to the court (诉讼费用交纳办法 arts. 13, 14:
/// a range, the province's published standard within it), in whole yuan. Unset: the
/// statutory minimum. A value outside its range stops the server at start.
#[derive(Debug, Clone, Default, Args)]
pub struct FeeArgs {
    /// Divorce, per case: 50–300 yuan (art. 13(2)1).
    #[arg(long = "fee-divorce-yuan", env = "POCKET_COURT_FEE_DIVORCE_YUAN")]
    pub divorce: Option<i64>,
    /// Personality rights, per case: 100–500 yuan (art. 13(2)2).
    #[arg(long = "fee-personality-yuan", env = "POCKET_COURT_FEE_PERSONALITY_YUAN")]
    pub personality: Option<i64>,
    /// Other non-property cases: 50–100 yuan (art. 13(2)3).
    #[arg(long = "fee-other-non-property-yuan", env = "POCKET_COURT_FEE_OTHER_NON_PROPERTY_YUAN")]
    pub other_non_property: Option<i64>,
    /// IP cases with no amount in dispute: 500–1,000 yuan (art. 13(3)).
    #[arg(long = "fee-ip-without-amount-yuan", env = "POCKET_COURT_FEE_IP_WITHOUT_AMOUNT_YUAN")]
    pub ip_without_amount: Option<i64>,
    /// A rejected jurisdiction objection: 50–100 yuan (art. 13(6)).
    #[arg(long = "fee-jurisdiction-objection-yuan", env = "POCKET_COURT_FEE_JURISDICTION_OBJECTION_YUAN")]
    pub jurisdiction_objection: Option<i64>,
    /// Enforcement with no amount: 50–500 yuan (art. 14(1)1).
    #[arg(
        long = "fee-enforcement-without-amount-yuan",
        env = "POCKET_COURT_FEE_ENFORCEMENT_WITHOUT_AMOUNT_YUAN"
    )]
    pub enforcement_without_amount: Option<i64>,
}

impl FeeArgs {
    /// The court's settings, checked against the statute; the error names the setting and
    /// its lawful range.
    pub fn settings(&self) -> Result<app::rules::fees::CourtFeeSettings, String> {
        use app::rules::fees::{CourtFeeSettings, CourtFeeSettingsInput, Fen};
        let d = CourtFeeSettingsInput::default();
        let pick =
            |set: Option<i64>, default: Fen| set.map(|y| Fen(y.saturating_mul(100))).unwrap_or(default);
        CourtFeeSettings::new(CourtFeeSettingsInput {
            divorce: pick(self.divorce, d.divorce),
            personality: pick(self.personality, d.personality),
            other_non_property: pick(self.other_non_property, d.other_non_property),
            ip_without_amount: pick(self.ip_without_amount, d.ip_without_amount),
            jurisdiction_objection: pick(self.jurisdiction_objection, d.jurisdiction_objection),
            enforcement_without_amount: pick(self.enforcement_without_amount, d.enforcement_without_amount),
        })
        .map_err(|e| e.message(false))
    }
}

/// WeChat Pay's API address (WeChat Pay API v3, 直连商户).
pub const WECHATPAY_BASE_URL: &str = "https://api.mch.weixin.qq.com";

/// Paying fees online: the provider and its merchant settings. Without one, the fee pages
/// say where to pay at the court; `--demo` uses its sandbox, whatever is set here.
#[derive(Debug, Clone, Args)]
pub struct PaymentArgs {
    /// `none` or `wechatpay` (WeChat Pay API v3, direct merchant, H5 payment in a phone's
    /// browser; the POCKET_COURT_WECHATPAY_* settings below).
    #[arg(long = "payment-provider", env = "POCKET_COURT_PAYMENT_PROVIDER", default_value = "none")]
    pub provider: String,
    /// The merchant number (商户号, digits).
    #[arg(long = "wechatpay-mchid", env = "POCKET_COURT_WECHATPAY_MCHID")]
    pub wechatpay_mchid: Option<String>,
    /// The AppID bound to the merchant number (the court's official account or site).
    #[arg(long = "wechatpay-appid", env = "POCKET_COURT_WECHATPAY_APPID")]
    pub wechatpay_appid: Option<String>,
    /// The serial number of the merchant's API certificate (商户API证书序列号, hex).
    #[arg(long = "wechatpay-merchant-serial", env = "POCKET_COURT_WECHATPAY_MERCHANT_SERIAL")]
    pub wechatpay_merchant_serial: Option<String>,
    /// The merchant's API private key (apiclient_key.pem, PKCS#8 PEM): signs every request.
    #[arg(long = "wechatpay-merchant-key-file", env = "POCKET_COURT_WECHATPAY_MERCHANT_KEY_FILE")]
    pub wechatpay_merchant_key_file: Option<PathBuf>,
    /// The APIv3 key (32 characters, set in the merchant platform): decrypts notifications.
    #[arg(long = "wechatpay-apiv3-key", env = "POCKET_COURT_WECHATPAY_APIV3_KEY", hide_env_values = true)]
    pub wechatpay_apiv3_key: Option<Secret>,
    /// WeChat Pay's key that signs its answers and notifications: a platform certificate
    /// (PEM `BEGIN CERTIFICATE`, its serial is read from it) or a WeChat Pay public key
    /// (PEM `BEGIN PUBLIC KEY`, with POCKET_COURT_WECHATPAY_PLATFORM_KEY_ID).
    #[arg(long = "wechatpay-platform-key-file", env = "POCKET_COURT_WECHATPAY_PLATFORM_KEY_FILE")]
    pub wechatpay_platform_key_file: Option<PathBuf>,
    /// The WeChat Pay public key's id (`PUB_KEY_ID_...`); for a certificate, optional (if
    /// set, it must be the certificate's serial).
    #[arg(long = "wechatpay-platform-key-id", env = "POCKET_COURT_WECHATPAY_PLATFORM_KEY_ID")]
    pub wechatpay_platform_key_id: Option<String>,
    /// Where WeChat Pay's API is (tests point it at a simulator).
    #[arg(long = "wechatpay-base-url", env = "POCKET_COURT_WECHATPAY_BASE_URL", default_value = WECHATPAY_BASE_URL)]
    pub wechatpay_base_url: String,
}

impl Default for PaymentArgs {
    fn default() -> Self {
        PaymentArgs {
            provider: "none".into(),
            wechatpay_mchid: None,
            wechatpay_appid: None,
            wechatpay_merchant_serial: None,
            wechatpay_merchant_key_file: None,
            wechatpay_apiv3_key: None,
            wechatpay_platform_key_file: None,
            wechatpay_platform_key_id: None,
            wechatpay_base_url: WECHATPAY_BASE_URL.into(),
        }
    }
}

/// WeChat Pay's settings, files read and keys parsed (`PaymentArgs::wechat_pay`).
#[derive(Clone)]
pub struct WechatPayConfig {
    pub mchid: String,
    pub appid: String,
    pub merchant_serial: String,
    pub merchant_key: rsa::RsaPrivateKey,
    /// Exactly 32 bytes (AES-256).
    pub apiv3_key: Secret,
    pub platform_key: rsa::RsaPublicKey,
    /// What `Wechatpay-Serial` names when the platform key signed: the certificate's serial
    /// or the public key's id.
    pub platform_key_id: String,
    pub base_url: String,
}

// By hand: the keys' own Debug would print the private key's numbers.
impl fmt::Debug for WechatPayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WechatPayConfig")
            .field("mchid", &self.mchid)
            .field("appid", &self.appid)
            .field("merchant_serial", &self.merchant_serial)
            .field("merchant_key", &"***")
            .field("apiv3_key", &self.apiv3_key)
            .field("platform_key_id", &self.platform_key_id)
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl PaymentArgs {
    /// WeChat Pay's settings when it is the provider, with its key files read and checked;
    /// None for `none`. The error names the setting (a missing or unreadable file, a key of
    /// the wrong kind or length stops the server at start).
    pub fn wechat_pay(&self) -> Result<Option<WechatPayConfig>, String> {
        match self.provider.trim() {
            "" | "none" => return Ok(None),
            "wechatpay" => {}
            other => {
                return Err(format!(
                    "POCKET_COURT_PAYMENT_PROVIDER: unknown provider {other:?} (none, wechatpay)"
                ))
            }
        }
        let required = |value: &Option<String>, name: &str| {
            value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).ok_or_else(|| {
                format!(
                    "POCKET_COURT_WECHATPAY_{name} is required with POCKET_COURT_PAYMENT_PROVIDER=wechatpay"
                )
            })
        };
        // These go into the Authorization header between quotes and into request bodies:
        // WeChat's own are letters and digits.
        let plain = |value: String, name: &str| {
            if value.bytes().all(|b| b.is_ascii_alphanumeric()) {
                Ok(value)
            } else {
                Err(format!("POCKET_COURT_WECHATPAY_{name}: letters and digits only"))
            }
        };
        let mchid = plain(required(&self.wechatpay_mchid, "MCHID")?, "MCHID")?;
        let appid = plain(required(&self.wechatpay_appid, "APPID")?, "APPID")?;
        let merchant_serial =
            plain(required(&self.wechatpay_merchant_serial, "MERCHANT_SERIAL")?, "MERCHANT_SERIAL")?;
        let read = |path: &Option<PathBuf>, name: &str| {
            let path = path.as_ref().ok_or_else(|| {
                format!(
                    "POCKET_COURT_WECHATPAY_{name} is required with POCKET_COURT_PAYMENT_PROVIDER=wechatpay"
                )
            })?;
            std::fs::read_to_string(path)
                .map_err(|e| format!("POCKET_COURT_WECHATPAY_{name}: cannot read {}: {e}", path.display()))
        };
        let merchant_key =
            merchant_private_key(&read(&self.wechatpay_merchant_key_file, "MERCHANT_KEY_FILE")?)
                .map_err(|e| format!("POCKET_COURT_WECHATPAY_MERCHANT_KEY_FILE: {e}"))?;
        // AES-256-GCM takes a 32-byte key; WeChat's APIv3 key is 32 characters
        // (pay.weixin.qq.com, 证书和回调报文解密).
        let apiv3_key = self.wechatpay_apiv3_key.clone().unwrap_or_default();
        if apiv3_key.expose().len() != 32 {
            return Err(format!(
                "POCKET_COURT_WECHATPAY_APIV3_KEY must be exactly 32 bytes (it has {})",
                apiv3_key.expose().len()
            ));
        }
        let id = self.wechatpay_platform_key_id.as_deref().map(str::trim).filter(|v| !v.is_empty());
        let (platform_key, platform_key_id) =
            wechat_platform_key(&read(&self.wechatpay_platform_key_file, "PLATFORM_KEY_FILE")?, id)
                .map_err(|e| format!("POCKET_COURT_WECHATPAY_PLATFORM_KEY_FILE: {e}"))?;
        let base_url = self.wechatpay_base_url.trim().trim_end_matches('/').to_string();
        // Signed or not, payment orders never travel in the clear, except to a simulator on
        // this machine.
        let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
        if !base_url.starts_with("https://") && !loopback.iter().any(|l| base_url.starts_with(l)) {
            return Err(format!("POCKET_COURT_WECHATPAY_BASE_URL must be https:// (got {base_url})"));
        }
        // A request's signature covers its path from `/v3/`: a base with a path of its own
        // would send a path other than the one signed.
        if base_url.split_once("://").is_some_and(|(_, rest)| rest.contains('/')) {
            return Err(format!(
                "POCKET_COURT_WECHATPAY_BASE_URL is a scheme and host only (got {base_url})"
            ));
        }
        Ok(Some(WechatPayConfig {
            mchid,
            appid,
            merchant_serial,
            merchant_key,
            apiv3_key,
            platform_key,
            platform_key_id,
            base_url,
        }))
    }
}

/// The merchant's API private key: PKCS#8 PEM, as the merchant platform's certificate tool
/// writes apiclient_key.pem; RSA of 2048 bits or more (the scheme is SHA256-RSA2048).
pub fn merchant_private_key(pem: &str) -> Result<rsa::RsaPrivateKey, String> {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::traits::PublicKeyParts;
    if pem.contains("BEGIN RSA PRIVATE KEY") {
        return Err(
            "a PKCS#1 key; convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out apiclient_key.pem".into()
        );
    }
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem.trim())
        .map_err(|e| format!("not an unencrypted PKCS#8 PEM RSA private key ({e})"))?;
    if key.size() < 256 {
        return Err(format!("an RSA key of {} bits; WeChat Pay signs with 2048", key.size() * 8));
    }
    Ok(key)
}

/// WeChat Pay's key that signs its answers and notifications, and the name `Wechatpay-Serial`
/// gives it: a platform certificate (平台证书) is named by its serial number, upper-case hex as
/// WeChat Pay prints it; a WeChat Pay public key (微信支付公钥) by its id, `PUB_KEY_ID_...`,
/// which the merchant platform shows next to it.
pub fn wechat_platform_key(pem: &str, id: Option<&str>) -> Result<(rsa::RsaPublicKey, String), String> {
    use rsa::pkcs8::DecodePublicKey;
    use x509_cert::der::{DecodePem, Encode};
    if pem.contains("BEGIN CERTIFICATE") {
        let cert = x509_cert::Certificate::from_pem(pem.trim().as_bytes())
            .map_err(|e| format!("not a readable X.509 certificate ({e})"))?;
        let tbs = &cert.tbs_certificate;
        let der = tbs.subject_public_key_info.to_der().map_err(|e| e.to_string())?;
        let key = rsa::RsaPublicKey::from_public_key_der(&der)
            .map_err(|e| format!("the certificate's key is not RSA ({e})"))?;
        let serial = serial_hex(tbs.serial_number.as_bytes());
        if let Some(id) = id.filter(|id| !id.eq_ignore_ascii_case(&serial)) {
            return Err(format!(
                "the certificate's serial is {serial}, not {id} (POCKET_COURT_WECHATPAY_PLATFORM_KEY_ID)"
            ));
        }
        Ok((key, serial))
    } else if pem.contains("BEGIN PUBLIC KEY") {
        let key = rsa::RsaPublicKey::from_public_key_pem(pem.trim())
            .map_err(|e| format!("not an RSA public key ({e})"))?;
        // Answers name the key that signed them by this id; a merchant serial or certificate
        // serial here would make every answer look forged.
        let id = id.filter(|id| id.starts_with("PUB_KEY_ID_")).ok_or(
            "a WeChat Pay public key needs its id, PUB_KEY_ID_..., in POCKET_COURT_WECHATPAY_PLATFORM_KEY_ID",
        )?;
        Ok((key, id.to_string()))
    } else {
        Err("neither a certificate (BEGIN CERTIFICATE) nor a public key (BEGIN PUBLIC KEY) in PEM".into())
    }
}

/// A certificate serial the way WeChat Pay writes it: upper-case hex, no sign byte.
fn serial_hex(bytes: &[u8]) -> String {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len().saturating_sub(1));
    hex::encode_upper(&bytes[start..])
}

/// Loads `KEY=VALUE` lines into the environment, without overriding variables already set.
pub fn load_config_file(path: &Path) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let (k, v) = (k.trim(), v.trim().trim_matches('"'));
            if std::env::var_os(k).is_none() {
                // SAFETY: called once at start-up, before any other thread exists.
                unsafe { std::env::set_var(k, v) };
            }
        }
    }
    Ok(())
}

/// Finds `--config FILE` (or POCKET_COURT_CONFIG) before clap parses, so the file's values
/// can sit under the environment and the flags.
pub fn config_path_from_args(args: &[String]) -> Option<PathBuf> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--config" {
            return it.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix("--config=") {
            return Some(PathBuf::from(v));
        }
    }
    std::env::var_os("POCKET_COURT_CONFIG").map(PathBuf::from)
}

#[cfg(test)]
mod proxy_tests {
    use super::*;

    #[test]
    fn forwarded_addresses_are_believed_only_from_a_trusted_proxy() {
        let trusted = vec![Cidr::parse("10.0.0.0/8").unwrap(), Cidr::parse("::1").unwrap()];
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        // From the proxy: the last address it did not add itself.
        assert_eq!(client_ip(&trusted, ip("10.1.2.3"), Some("203.0.113.9")), ip("203.0.113.9"));
        assert_eq!(
            client_ip(&trusted, ip("10.1.2.3"), Some("1.1.1.1, 203.0.113.9, 10.9.9.9")),
            ip("203.0.113.9")
        );
        // A client's own X-Forwarded-For, straight to us: ignored.
        assert_eq!(client_ip(&trusted, ip("198.51.100.7"), Some("10.0.0.1")), ip("198.51.100.7"));
        assert_eq!(client_ip(&trusted, ip("10.1.2.3"), None), ip("10.1.2.3"));
        assert_eq!(client_ip(&trusted, ip("10.1.2.3"), Some("not-an-ip")), ip("10.1.2.3"));
        assert_eq!(client_ip(&[], ip("10.1.2.3"), Some("203.0.113.9")), ip("10.1.2.3"));
        assert!(Cidr::parse("10.0.0.0/33").is_err() && Cidr::parse("proxy").is_err());
        assert!(Cidr::parse("::ffff:10.0.0.0/104").is_ok());
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("top-secret-key");
        assert_eq!(format!("{s:?}"), "Secret(***)");
    }

    #[test]
    fn database_defaults_to_sqlite_under_the_data_dir() {
        let s = StorageArgs { database_url: None, data_dir: PathBuf::from("/tmp/x") };
        assert_eq!(s.database_url(), "sqlite:///tmp/x/pocket-court.db");
    }

    #[test]
    fn upload_limits_default_to_200_mb_a_file_and_1024_mb_a_filing() {
        let Command::Serve(args) = Cli::try_parse_from(["pocket-court", "serve"]).unwrap().command else {
            panic!("serve");
        };
        assert_eq!((args.uploads.max_file_mb, args.uploads.max_filing_mb), (200, 1024));
        let d = UploadArgs::default();
        assert_eq!((d.max_file_mb, d.max_filing_mb), (200, 1024), "tests start with the same");
    }

    #[test]
    fn config_path_is_found_in_either_flag_form() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            config_path_from_args(&a(&["x", "serve", "--config", "f.env"])),
            Some(PathBuf::from("f.env"))
        );
        assert_eq!(
            config_path_from_args(&a(&["x", "--config=g.env", "serve"])),
            Some(PathBuf::from("g.env"))
        );
    }
}

/// Keys for tests of WeChat Pay's settings and adapter (`adapters::wechat_pay`): made for
/// these tests with OpenSSL, never used anywhere else.
#[cfg(test)]
pub(crate) mod wechat_fixtures {
    /// RSA 2048, PKCS#8 (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`).
    pub const KEY_PEM: &str = "\
-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCUzWOd0yzo7TDv
/ltUf0zJjcpou3nK2QojO9YYzVe9/UDywj1sD4IhaesxuIwr5ciT53JsPujmtNR6
3CrR93YkRzTIngjFBWAOeMZTAcfwSvwogjFsMvBI4Rbs0lzfFEZo1Y+G/OQEwp53
ACqBTSYs8Nj40b9F4xgTkRBBAVx+IifKJkr7i/P1+Hkvnd7sOVDKIvCP7OJT1JLQ
o2s4uwA1vI8VZuA7vX27O54fi/YTCoP5KWWyQBZZ7Ew96PaJkmkmZ6j1J3yZ2tOM
5wYxPFrDhDf/cSCzdraLgy1dYHn3eueriuEnlpSUliomLpUvyyV3k0su0yX8uPC1
Qfm/ITlXAgMBAAECggEAA0IYC02jbxo6dxbPsyLycHtdUjvAp/NmqGzX/EUKxcs0
z9v28lXImKi0EKukzhVC9hIcTEh4WwzcljAZ8+0CNjsk6bukH4RFnSuB1DF2ykkq
Ck0HfgIDhuT+1oKoq+3KuOLsOJ1y9LO6OorTY29oBZXkelZFZOdbEJqdi37XIp/e
SOqysd1qlvt54K++5J9c/mpNGVwvQlHJMLvpdQg8M2uLC57vCVjDQmvIam/45hVT
LzOQPV97mY0QSy636cvOlT8TW11guO6+NHURR7z+6tDRtl9cOU8vmohuYMDOvFhD
bWW9ToP+ZU0g4AslGKKQcWeyt/txmRhYB/KbqXArSQKBgQDFhmmHtC5i6b+8cRWX
tUXjp64onZWgfJsJ80/485e4maLeJgzJHEZRXZegOymRQRnPTsnO4DXqDVKhRAJO
qvwwggQ/joe1HeJs+YVvPtVjO546ygsU3jWz37dtgrY5puXGLVSUAfbrgaZfQh6b
QynIboqMmQ+1u05txisRHK0AcwKBgQDA2nxuQuK/ic0wURBKt4eQfyuL4yBg+GYL
AHOzwHcVuFUxWgmEEtXLSPBf+KcETBo5ekBKelFbvzD59lS1sVLl2zeYxqYvnOQJ
86rHgW1zX0VWX3zGUSq572b4jTUirHUPW2UYHhPQFx/tpcxWuusHDaW2QeNEoWd0
yd5tLOuejQKBgE8EQykXSkslaR9QOawTxx6YEJKM37NwxXDIleBoSfR9+WpW3FyD
ZBnej+54XFuQKGwG/7IzfT3hEIIUu7uOqQ4apOpr8RviFZc0hk2HXEOzMMwh0ScK
8X7Aaxdy58TOYDLUJXaEBqwVlGGdCLNhvdBBcEloXaF8iZZeZRIWX5rDAoGBAIpW
b7mcSxEAZWrKS3h9TEZPosoWo6xLos8zhMulPQcckifzoS3XYPsQmDUPpabEfG9M
jX+fXGsGq7gyhjNLPt7ZMHlrzdwLm9yzqIayBfQjnBZIKrYLlS2JWIDksf/sW5An
jE4PjUDQxbtwGjMApAUMOhmSC9e4PAEfqWkBNwclAoGBALaAf/rtUlPAKxdnnehn
MjYLs7iw2emdifl7zEOo+b18btv4+VMsjqcloy0EbLazae69YWt3WYL0Z52n70ax
3WVooag4Is5vsQJTnP6tuKC5uuVzNSGWb7ap7O0ee/BUrcSmNiIbhsNQWBqToE4z
5H6M9s4+P9K39FB5o8YUQ4cw
-----END PRIVATE KEY-----
";
    /// Self-signed with KEY_PEM, serial 0x9F2E…7E8F: its top bit is set, so DER writes a
    /// leading zero byte that WeChat Pay's serials do not show.
    pub const CERT_PEM: &str = "\
-----BEGIN CERTIFICATE-----
MIIDujCCAqKgAwIBAgIVAJ8uS2wdCj5feoucDR4vOktcbX6PMA0GCSqGSIb3DQEB
CwUAMGsxCzAJBgNVBAYTAkNOMRMwEQYDVQQKDApUZW5wYXkuY29tMR0wGwYDVQQL
DBRUZW5wYXkuY29tIENBIENlbnRlcjEoMCYGA1UEAwwfVGVucGF5LmNvbSBSb290
IENBIHRlc3QgZml4dHVyZTAgFw0yNjEyMDcwMzMwNDlaGA8yMTI2MTExMzAzMzA0
OVowazELMAkGA1UEBhMCQ04xEzARBgNVBAoMClRlbnBheS5jb20xHTAbBgNVBAsM
FFRlbnBheS5jb20gQ0EgQ2VudGVyMSgwJgYDVQQDDB9UZW5wYXkuY29tIFJvb3Qg
Q0EgdGVzdCBmaXh0dXJlMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA
lM1jndMs6O0w7/5bVH9MyY3KaLt5ytkKIzvWGM1Xvf1A8sI9bA+CIWnrMbiMK+XI
k+dybD7o5rTUetwq0fd2JEc0yJ4IxQVgDnjGUwHH8Er8KIIxbDLwSOEW7NJc3xRG
aNWPhvzkBMKedwAqgU0mLPDY+NG/ReMYE5EQQQFcfiInyiZK+4vz9fh5L53e7DlQ
yiLwj+ziU9SS0KNrOLsANbyPFWbgO719uzueH4v2EwqD+SllskAWWexMPej2iZJp
Jmeo9Sd8mdrTjOcGMTxaw4Q3/3Egs3a2i4MtXWB593rnq4rhJ5aUlJYqJi6VL8sl
d5NLLtMl/LjwtUH5vyE5VwIDAQABo1MwUTAdBgNVHQ4EFgQUasY6ZnuLs+gJJApm
gS6VkgmFeM0wHwYDVR0jBBgwFoAUasY6ZnuLs+gJJApmgS6VkgmFeM0wDwYDVR0T
AQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOCAQEAeOuFiOrb45hHu96dz7kwlAa6
AeP6T3fzBVrhOf5kdRizSu74LgkODf13F2Ryga648i1x3MFYdmOtQJ6M54GVVC+r
/7ExJTtbDU7ZYhmfFHbzhyAE298eY4fpFpNn0p+kokJDgsJ8pXzVfRzdlZAanL/e
xgKQIMtedCd93gH++zsBNr6CnXqPPrTlDdriZJUkMLmRqL7Zp/dskA7muSHZjZ44
y4WPGI5VH4YaLO8GeZBDbQRhTARLElHV1AuPOdVSjkozPdkzQwLNMs/DKZsIv72l
BK+at0E2QxSaK1lpP9+olvzmDPB1l5ZxZrdfMJP55ekrH6tGLy4pPc7zzCeh9Q==
-----END CERTIFICATE-----
";
    pub const CERT_SERIAL: &str = "9F2E4B6C1D0A3E5F7A8B9C0D1E2F3A4B5C6D7E8F";
    /// KEY_PEM's public key (`openssl pkey -pubout`).
    pub const PUBLIC_KEY_PEM: &str = "\
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAlM1jndMs6O0w7/5bVH9M
yY3KaLt5ytkKIzvWGM1Xvf1A8sI9bA+CIWnrMbiMK+XIk+dybD7o5rTUetwq0fd2
JEc0yJ4IxQVgDnjGUwHH8Er8KIIxbDLwSOEW7NJc3xRGaNWPhvzkBMKedwAqgU0m
LPDY+NG/ReMYE5EQQQFcfiInyiZK+4vz9fh5L53e7DlQyiLwj+ziU9SS0KNrOLsA
NbyPFWbgO719uzueH4v2EwqD+SllskAWWexMPej2iZJpJmeo9Sd8mdrTjOcGMTxa
w4Q3/3Egs3a2i4MtXWB593rnq4rhJ5aUlJYqJi6VL8sld5NLLtMl/LjwtUH5vyE5
VwIDAQAB
-----END PUBLIC KEY-----
";
}

#[cfg(test)]
mod payment_tests {
    use super::wechat_fixtures::*;
    use super::*;

    fn wechat_args(dir: &Path) -> PaymentArgs {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("apiclient_key.pem"), KEY_PEM).unwrap();
        std::fs::write(dir.join("pub_key.pem"), PUBLIC_KEY_PEM).unwrap();
        PaymentArgs {
            provider: "wechatpay".into(),
            wechatpay_mchid: Some("1900000109".into()),
            wechatpay_appid: Some("wxd678efh567hg6787".into()),
            wechatpay_merchant_serial: Some("3775B6A45ACD588826D15E583A95F5DD12345678".into()),
            wechatpay_merchant_key_file: Some(dir.join("apiclient_key.pem")),
            wechatpay_apiv3_key: Some(Secret::new("0123456789abcdefghijABCDEFGHIJ01")),
            wechatpay_platform_key_file: Some(dir.join("pub_key.pem")),
            wechatpay_platform_key_id: Some("PUB_KEY_ID_0119000001092026120700000000000001".into()),
            wechatpay_base_url: WECHATPAY_BASE_URL.into(),
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("pocket-court-config-{name}-{}", std::process::id()))
    }

    #[test]
    fn no_payment_provider_unless_one_is_chosen() {
        let Command::Serve(args) = Cli::try_parse_from(["pocket-court", "serve"]).unwrap().command else {
            panic!("serve");
        };
        assert_eq!(args.payment.provider, "none");
        assert_eq!(args.payment.wechatpay_base_url, "https://api.mch.weixin.qq.com");
        let d = PaymentArgs::default();
        assert_eq!((d.provider.as_str(), d.wechatpay_base_url.as_str()), ("none", WECHATPAY_BASE_URL));
        assert!(d.wechat_pay().unwrap().is_none());
        let unknown = PaymentArgs { provider: "alipay".into(), ..PaymentArgs::default() };
        assert!(unknown.wechat_pay().unwrap_err().contains("alipay"));
    }

    #[test]
    fn wechat_pay_settings_are_read_and_checked_at_start() {
        let dir = temp_dir("ok");
        let args = wechat_args(&dir);
        let config = args.wechat_pay().unwrap().expect("configured");
        assert_eq!(config.mchid, "1900000109");
        assert_eq!(config.platform_key_id, "PUB_KEY_ID_0119000001092026120700000000000001");
        assert_eq!(config.platform_key, config.merchant_key.to_public_key(), "the fixtures share one key");
        let shown = format!("{config:?}");
        assert!(!shown.contains("0123456789abcdef") && shown.contains("Secret(***)"), "{shown}");

        let short = PaymentArgs { wechatpay_apiv3_key: Some(Secret::new("too-short")), ..args.clone() };
        assert!(short.wechat_pay().unwrap_err().contains("32 bytes"));
        let none = PaymentArgs { wechatpay_apiv3_key: None, ..args.clone() };
        assert!(none.wechat_pay().is_err());
        // The platform's public key given as the merchant's private key, and a file not there.
        let swapped =
            PaymentArgs { wechatpay_merchant_key_file: Some(dir.join("pub_key.pem")), ..args.clone() };
        assert!(swapped.wechat_pay().unwrap_err().contains("MERCHANT_KEY_FILE"));
        let missing =
            PaymentArgs { wechatpay_platform_key_file: Some(dir.join("nothing.pem")), ..args.clone() };
        assert!(missing.wechat_pay().unwrap_err().contains("PLATFORM_KEY_FILE"));
        // A public key is named by its PUB_KEY_ID_, not by a serial.
        let serial =
            PaymentArgs { wechatpay_platform_key_id: Some("5157F09EFDC096DE".into()), ..args.clone() };
        assert!(serial.wechat_pay().unwrap_err().contains("PUB_KEY_ID_"));
        let no_mchid = PaymentArgs { wechatpay_mchid: None, ..args.clone() };
        assert!(no_mchid.wechat_pay().unwrap_err().contains("MCHID"));
        let quoted = PaymentArgs { wechatpay_mchid: Some("19\",x=\"1".into()), ..args.clone() };
        assert!(quoted.wechat_pay().is_err(), "nothing that could break out of the Authorization header");
        let plain_http =
            PaymentArgs { wechatpay_base_url: "http://api.mch.weixin.qq.com".into(), ..args.clone() };
        assert!(plain_http.wechat_pay().unwrap_err().contains("https"));
        let with_path =
            PaymentArgs { wechatpay_base_url: "https://proxy.example/wechat".into(), ..args.clone() };
        assert!(with_path.wechat_pay().is_err());
        let simulator = PaymentArgs { wechatpay_base_url: "http://127.0.0.1:4000/".into(), ..args };
        assert_eq!(simulator.wechat_pay().unwrap().unwrap().base_url, "http://127.0.0.1:4000");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_platform_certificate_gives_its_key_and_its_serial_as_wechat_pay_prints_it() {
        let (key, serial) = wechat_platform_key(CERT_PEM, None).unwrap();
        assert_eq!(serial, CERT_SERIAL);
        let (from_pem, _) = wechat_platform_key(PUBLIC_KEY_PEM, Some("PUB_KEY_ID_01")).unwrap();
        assert_eq!(key, from_pem);
        // The id, if given, must be the certificate's (in either case).
        assert!(wechat_platform_key(CERT_PEM, Some(&CERT_SERIAL.to_lowercase())).is_ok());
        assert!(wechat_platform_key(CERT_PEM, Some("5157F09EFDC096DE15EBE81A47057A7232F1B8E1")).is_err());
        assert!(wechat_platform_key(KEY_PEM, None).is_err(), "a private key is neither");
        assert_eq!(serial_hex(&[0x00, 0x9F, 0x2E]), "9F2E");
        assert_eq!(serial_hex(&[0x01]), "01");
    }

    #[test]
    fn a_merchant_key_must_be_pkcs8_rsa() {
        assert!(merchant_private_key(KEY_PEM).is_ok());
        assert!(merchant_private_key(PUBLIC_KEY_PEM).is_err());
        let pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n";
        assert!(merchant_private_key(pkcs1).unwrap_err().contains("pkcs8"));
    }
}
