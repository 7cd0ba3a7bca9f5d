use clap::Parser;
use pocket_court::config::{self, Cli, Command};
use pocket_court::store::Db;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(path) = config::config_path_from_args(&args) {
        if let Err(e) = config::load_config_file(&path) {
            eprintln!("cannot read config file {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Command::Serve(args) => {
            let started = std::time::Instant::now();
            let running = pocket_court::startup::spawn(&args).await?;
            println!(
                "掌上法庭 Pocket Court listening on http://{}  (ready in {} ms)",
                running.addr,
                started.elapsed().as_millis()
            );
            if args.demo {
                println!("{}", pocket_court::demo::SIGN_IN_HELP.replace("{addr}", &running.addr.to_string()));
            }
            tokio::select! {
                r = running.handle => { r??; }
                _ = tokio::signal::ctrl_c() => { println!("stopping"); }
            }
            Ok(())
        }
        Command::Migrate(storage) => {
            let db = Db::connect(&storage.database_url()).await?;
            db.migrate().await?;
            println!("migrations applied to {}", redact(&storage.database_url()));
            Ok(())
        }
        Command::VerifyReceipt(args) => verify_receipt(&args),
        Command::AuditLog(args) => {
            let db = Db::connect(&args.storage.database_url()).await?;
            db.migrate().await?;
            let log = pocket_court::services::service_log::ServiceLog::open(
                args.service.log_key_file.as_deref(),
                &args.storage.data_dir,
            )?;
            match log.audit(&db).await? {
                Ok(r) => {
                    println!(
                        "service log OK: {} entries, {} signed heads, root {}",
                        r.entries,
                        r.heads,
                        app::log::hex::encode(&r.root)
                    );
                    Ok(())
                }
                Err(e) => {
                    eprintln!("service log NOT OK: {e}");
                    std::process::exit(1)
                }
            }
        }
        Command::DemoData(demo) => {
            let db = Db::connect_bulk(&demo.storage.database_url()).await?;
            db.migrate().await?;
            let n = pocket_court::demo::load_if_empty(&db, demo.cases).await?;
            println!("demo data: {n} cases loaded");
            Ok(())
        }
    }
}

/// `pocket-court verify-receipt FILE`: the same check as the phone's, offline.
fn verify_receipt(args: &config::VerifyReceiptArgs) -> Result<(), Box<dyn std::error::Error>> {
    use app::log::mediation::MediationReceipt;
    use app::log::service::{verify_service_receipt, ServiceReceipt};
    use app::rules::Lang;
    let lang = if args.english { Lang::En } else { Lang::Zh };
    let text = std::fs::read_to_string(&args.file)?;
    // A delivery receipt, or the receipt of a mediation act (a signature, a 签收).
    let receipt: ServiceReceipt = match serde_json::from_str::<MediationReceipt>(&text) {
        Ok(act) => return verify_act_receipt(&act, args, lang),
        Err(_) => match serde_json::from_str(&text) {
            Ok(r) => r,
            Err(e) => {
                eprintln!(
                    "{}（{e}）",
                    lang.pick("这不是送达回执文件，无法读取", "This is not a receipt file")
                );
                std::process::exit(1)
            }
        },
    };
    let key = court_key(args, lang, &receipt.public_key);
    match verify_service_receipt(&receipt, &key) {
        Ok(v) => {
            let e = v.head_event();
            println!("{}", lang.pick("✔ 核验通过", "✔ Verified"));
            println!("  {} {}  {} {}", e.case_number, e.document, e.recipient, e.address);
            println!("  SHA-256 {}", e.document_sha256);
            if let Some(eff) = v.effective() {
                println!(
                    "  {} {} — {}",
                    lang.pick("生效", "Effective"),
                    app::rules::dates::format_shanghai(eff.at, lang),
                    eff.rule.explain(lang)
                );
            }
            for ev in &v.events {
                println!("  {} {}", app::rules::dates::format_shanghai(ev.at, lang), ev.event.label(lang));
            }
            println!("  {} {}", lang.pick("日志大小", "Tree size"), v.tree_size);
            Ok(())
        }
        Err(e) => {
            eprintln!("{} {}", lang.pick("✘ 核验未通过：", "✘ Not verified:"), e.message(lang));
            std::process::exit(1)
        }
    }
}

/// The key to check a receipt against: the one given (the court's published key), else the
/// receipt's own, with its fingerprint printed to compare by hand.
fn court_key(
    args: &config::VerifyReceiptArgs,
    lang: app::rules::Lang,
    receipt_key: &app::log::signed::PublicKey,
) -> app::log::signed::PublicKey {
    match &args.public_key {
        Some(hex) => match app::log::hex::decode_array::<32>(hex.trim()) {
            Ok(k) => k,
            Err(_) => {
                eprintln!("{}", lang.pick("公钥应为64位十六进制数字。", "The public key is 64 hex digits."));
                std::process::exit(2)
            }
        },
        None => {
            println!(
                "{} {}",
                lang.pick(
                    "未给出法院公钥，使用回执内的公钥，指纹：",
                    "No court key given; using the receipt's own key, fingerprint:"
                ),
                pocket_court::services::service_log::key_id(receipt_key)
            );
            println!(
                "{}",
                lang.pick(
                    "请与法院公布的公钥指纹（/api/v1/log/tree-head 的 key_id）核对。",
                    "Compare it with the court's published fingerprint (key_id of /api/v1/log/tree-head)."
                )
            );
            *receipt_key
        }
    }
}

/// `verify-receipt` for the receipt of a mediation act: who signed (or signed for) what, when,
/// after which identity check, and where it sits in the log.
fn verify_act_receipt(
    receipt: &app::log::mediation::MediationReceipt,
    args: &config::VerifyReceiptArgs,
    lang: app::rules::Lang,
) -> Result<(), Box<dyn std::error::Error>> {
    let key = court_key(args, lang, &receipt.public_key);
    match app::log::mediation::verify_mediation_receipt(receipt, &key) {
        Ok(v) => {
            let a = &v.act;
            println!("{}", lang.pick("✔ 核验通过", "✔ Verified"));
            println!("  {} {} {}", a.court, a.number, a.document);
            println!(
                "  {}（{}）{} {} — {}",
                a.signer,
                a.side,
                a.act.label(lang),
                app::rules::dates::format_shanghai(a.at, lang),
                a.identity_check
            );
            println!("  SHA-256 {}", a.document_sha256);
            println!(
                "  {} {} / {}",
                lang.pick("日志条目 / 日志大小", "Log entry / tree size"),
                v.leaf_index + 1,
                v.tree_size
            );
            Ok(())
        }
        Err(e) => {
            eprintln!("{} {}", lang.pick("✘ 核验未通过：", "✘ Not verified:"), e.message(lang));
            std::process::exit(1)
        }
    }
}

/// Hides a password in a database URL.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
