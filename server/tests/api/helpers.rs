use pocket_court::adapters::clock::ShiftedClock;
use pocket_court::config::{ServeArgs, StorageArgs};
use pocket_court::startup::{spawn_with_clock, Running};
use reqwest::redirect::Policy;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// PostgreSQL when `DATABASE_URL` names one; None otherwise (the variant is skipped).
    pub fn postgres() -> Option<Backend> {
        std::env::var("DATABASE_URL")
            .ok()
            .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
            .map(Backend::Postgres)
    }
}

/// Runs a scenario on SQLite and on PostgreSQL: `both_backends!(name);` below `async fn name(b: Backend)`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                match $crate::helpers::Backend::postgres() {
                    Some(b) => super::$name(b).await,
                    None => eprintln!("skipped: DATABASE_URL does not name a PostgreSQL database"),
                }
            }
        }
    };
}

pub struct TestApp {
    pub base: String,
    pub running: Running,
    /// A browser-like client: keeps cookies, does not follow redirects.
    pub client: reqwest::Client,
    /// The server's clock: `clock.advance(secs)` moves time for every use case at once.
    pub clock: Arc<ShiftedClock>,
    _dir: PathBuf,
}

fn unique() -> String {
    use rand::Rng;
    format!("{:016x}", rand::rng().random::<u64>())
}

pub fn new_client() -> reqwest::Client {
    // A request that never gets an answer fails the test (with its address) instead of
    // stalling the whole run.
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client")
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await.expect("server starts")
    }

    /// Starts a server with settings changed by `change`; the start-up error if it refuses.
    pub async fn spawn_with(
        backend: Backend,
        change: impl FnOnce(&mut ServeArgs),
    ) -> Result<TestApp, pocket_court::startup::StartError> {
        let dir = std::env::temp_dir().join(format!("pocket-court-test-{}", unique()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.join("test.db").display()),
            Backend::Postgres(admin) => {
                let name = format!("pc_test_{}", unique());
                sqlx::any::install_default_drivers();
                let pool = sqlx::AnyPool::connect(&admin).await.expect("postgres admin connection");
                // `name` is our own hex string, not input.
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&pool)
                    .await
                    .expect("create test database");
                pool.close().await;
                let (base, _) = admin.rsplit_once('/').expect("database URL has a path");
                format!("{base}/{name}")
            }
        };
        let mut args = ServeArgs {
            addr: "127.0.0.1:0".parse().unwrap(),
            storage: StorageArgs { database_url: Some(database_url), data_dir: dir.clone() },
            demo: true,
            demo_on_network: false,
            trusted_proxies: Vec::new(),
            public_url: "http://127.0.0.1".into(),
            meeting_url: Some(MEETING_URL.into()),
            site_root: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site")),
            sms_provider: "dev".into(),
            sms_url: None,
            sms_key: None,
            session_idle_minutes: 120,
            session_absolute_hours: 24,
            fees: Default::default(),
            payment: Default::default(),
            uploads: Default::default(),
            service: Default::default(),
        };
        change(&mut args);
        let clock = Arc::new(ShiftedClock::default());
        let running = spawn_with_clock(&args, clock.clone()).await?;
        Ok(TestApp {
            base: format!("http://{}", running.addr),
            running,
            client: new_client(),
            clock,
            _dir: dir,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Calls a server function as the browser does (form-encoded POST, JSON back).
    pub async fn call(&self, client: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let res = client
            .post(self.url(&format!("/sf/{name}")))
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// The newest code texted to `phone` (read from the SMS outbox, as the dev inbox shows it).
    pub async fn last_code_for(&self, phone: &str) -> String {
        let rows = pocket_court::store::sms::latest(&self.running.services.db, 50).await.expect("outbox");
        let body = rows.into_iter().find(|r| r.phone == phone).expect("an SMS to this phone").body;
        body.split(|c: char| !c.is_ascii_digit())
            .find(|run| run.len() == 6)
            .unwrap_or_else(|| panic!("a 6-digit code in {body:?}"))
            .to_string()
    }

    /// Signs a litigant in on `client`; returns the person (JSON).
    pub async fn sign_in(&self, client: &reqwest::Client, phone: &str) -> Value {
        let (status, sent) = self.call(client, "send_code", &[("phone", phone)]).await;
        assert_eq!(status, 200, "send_code: {sent}");
        let request_id = sent["request_id"].as_str().expect("request id").to_string();
        let code = self.last_code_for(phone).await;
        let (status, me) = self
            .call(client, "verify_code", &[("phone", phone), ("request_id", &request_id), ("code", &code)])
            .await;
        assert_eq!(status, 200, "verify_code: {me}");
        me
    }

    pub async fn staff_sign_in(&self, client: &reqwest::Client, phone: &str) -> Value {
        let (status, sent) = self
            .call(
                client,
                "staff_password",
                &[("phone", phone), ("password", pocket_court::demo::STAFF_PASSWORD)],
            )
            .await;
        assert_eq!(status, 200, "staff_password: {sent}");
        let request_id = sent["request_id"].as_str().unwrap().to_string();
        let code = self.last_code_for(phone).await;
        let (status, me) = self
            .call(client, "verify_code", &[("phone", phone), ("request_id", &request_id), ("code", &code)])
            .await;
        assert_eq!(status, 200, "verify_code: {me}");
        me
    }

    pub async fn get_json(&self, client: &reqwest::Client, path: &str) -> (u16, Value) {
        let res = client.get(self.url(path)).send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_page(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let res = client.get(self.url(path)).header("Accept", "text/html").send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.unwrap_or_default())
    }
}

/// Demo people (see `pocket_court::demo`).
/// The court's meeting service in tests (video mediation sessions link to it).
pub const MEETING_URL: &str = "https://meet.liuyang-court.example/j/";
pub const ZHANG: &str = "13800000001";
pub const LI: &str = "13800000002";
pub const WANG: &str = "13800000003";
pub const LAWYER: &str = "13800000009";
pub const CLERK: &str = "13900000001";
pub const OTHER_COURT_CLERK: &str = "13900000011";
pub const JUDGE: &str = "13900000002";
pub const ADMIN: &str = "13900000004";
