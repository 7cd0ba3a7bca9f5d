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
        Command::DemoData(demo) => {
            let db = Db::connect_bulk(&demo.storage.database_url()).await?;
            db.migrate().await?;
            let n = pocket_court::demo::load_if_empty(&db, demo.cases).await?;
            println!("demo data: {n} cases loaded");
            Ok(())
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
