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
