//! Test harness: boots the real application on port 0 against a fresh
//! database (SQLite, or PostgreSQL when `CAAS_TEST_DATABASE_URL` is set) and
//! talks to it over HTTP like any client.

use caas_app::auth::bootstrap::InitialAdmin;
use caas_app::auth::provisioning::{provision_customer, NewCustomer};
use caas_app::{App, RequestContext};
use caas_domain::account::{Account, Language};
use caas_domain::clock::{Clock, SystemClock};
use caas_domain::job::{Job, JobState};
use caas_jobs::{JobRunner, Outcome};
use caas_server::config::{Config, Secret};
use caas_server::Application;
use std::sync::Arc;

pub struct TestApp {
    pub address: String,
    pub app: App,
    pub admin: InitialAdmin,
    pub db_url: String,
    /// Base URLs of the embedded simulators (factory, payments, sms, push).
    pub sims: Option<SimUrls>,
    /// A handle on the app's job runner, for [`TestApp::drain_jobs`].
    jobs: JobRunner,
    _dir: Option<tempfile::TempDir>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Where the embedded simulators listen.
#[derive(Debug, Clone)]
pub struct SimUrls {
    pub factory: String,
    pub payments: String,
    pub sms: String,
    pub push: String,
    pub registry: String,
    pub carrier: String,
    pub vss: String,
    /// Fleet simulator controls (vehicles over MQTT).
    pub fleet: Option<String>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A test configuration: fast job polling, quiet logs.
pub fn test_config(db_url: &str) -> Config {
    let mut c = Config {
        bind: "127.0.0.1:0".into(),
        database_url: Secret::new(db_url),
        job_poll_ms: 50,
        log_level: "warn".into(),
        demo_seed: false,
        ..Config::default()
    };
    // CI runs the suite once with the embedded broker and once with Mosquitto.
    // Without Mosquitto, one in-process broker per test binary stands in
    // (rumqttd cannot be stopped, so apps share it instead of starting one each).
    c.delivery.fleet_broker_url =
        Some(std::env::var("CAAS_TEST_MQTT_URL").unwrap_or_else(|_| shared_broker_url()));
    c.delivery.fleet_client_id = format!("caas-platform-test-{}", uuid_like());
    c.delivery.fleet_username = Some(TEST_FLEET_USER.to_owned());
    c.delivery.fleet_password = Some(Secret::new(TEST_FLEET_PASSWORD));
    c.delivery.fleet_vehicle_key = Some(Secret::new(TEST_FLEET_VEHICLE_KEY));
    c
}

/// The logins of the shared test broker (the platform's and the key of the cars' secrets).
const TEST_FLEET_USER: &str = "caas-platform-test";
const TEST_FLEET_PASSWORD: &str = "test-platform-password";
const TEST_FLEET_VEHICLE_KEY: &str = "test-vehicle-key";

fn test_broker_auth() -> caas_fleet::auth::BrokerAuth {
    caas_fleet::auth::BrokerAuth::new(
        TEST_FLEET_USER,
        caas_fleet::Secret::new(TEST_FLEET_PASSWORD),
        caas_fleet::Secret::new(TEST_FLEET_VEHICLE_KEY),
    )
}

fn shared_broker_url() -> String {
    static BROKER: std::sync::OnceLock<caas_fleet::broker::EmbeddedBroker> =
        std::sync::OnceLock::new();
    BROKER
        .get_or_init(|| {
            caas_fleet::broker::EmbeddedBroker::start(
                "127.0.0.1:0".parse().unwrap(),
                test_broker_auth(),
            )
            .expect("embedded broker")
        })
        .url()
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{}-{t}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}, Arc::new(SystemClock)).await
}

pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config), clock: Arc<dyn Clock>) -> TestApp {
    let (db_url, dir) = caas_store_tests::fresh_database_url()
        .await
        .expect("fresh database");
    start(db_url, dir, None, tweak, clock).await
}

/// A second instance of `first` on the same database (as behind a load
/// balancer), with its own simulators and caches.
pub async fn spawn_second_instance(first: &TestApp) -> TestApp {
    start(
        first.db_url.clone(),
        None,
        Some(first.admin.clone()),
        |_| {},
        Arc::new(SystemClock),
    )
    .await
}

async fn start(
    db_url: String,
    dir: Option<tempfile::TempDir>,
    admin: Option<InitialAdmin>,
    tweak: impl FnOnce(&mut Config),
    clock: Arc<dyn Clock>,
) -> TestApp {
    let mut config = test_config(&db_url);
    tweak(&mut config);
    let scheme = config.listener.scheme();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let application = Application::build_with_clock(config, listener, clock)
        .await
        .expect("app builds");
    let address = format!("{scheme}://{}", application.address());
    let app = application.state().app.clone();
    let jobs = application.job_runner();
    let sims = application.simulators().map(|s| SimUrls {
        factory: s.factory_url.clone(),
        payments: s.payments_url.clone(),
        sms: s.sms_url.clone(),
        push: s.push_url.clone(),
        registry: s.registry_url.clone(),
        carrier: s.carrier_url.clone(),
        vss: s.vss_url.clone(),
        fleet: application.fleet().and_then(|f| f.sim_url.clone()),
    });
    let admin = application
        .initial_admin
        .clone()
        .or(admin)
        .expect("a fresh database creates the first admin");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(application.run_until(async move {
        let _ = rx.await;
    }));
    TestApp {
        address,
        app,
        admin,
        db_url,
        sims,
        jobs,
        _dir: dir,
        shutdown: Some(tx),
    }
}

/// A client that keeps cookies and does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the hidden `_csrf` field in a page.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

/// The first `/activate?token=` or `/password/reset?token=` link in a text.
pub fn link_in(text: &str, path: &str) -> Option<String> {
    let start = text.find(&format!("{path}?token="))?;
    let before = text[..start].rfind("http")?;
    let end = text[start..]
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .map_or(text.len(), |e| start + e);
    Some(text[before..end].replace("&amp;", "&"))
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Runs due jobs until none is due and none is running, and returns the
    /// ones this call ran with how each ended. The app's own workers keep
    /// running beside it (a claim is exclusive, so every job still runs once)
    /// and may take some of the jobs; their outcomes are not in the list, but
    /// their effects are committed when this returns. Jobs the effects
    /// enqueue run too; jobs scheduled for later (a retry's backoff, a wait
    /// for a partner) do not. For tests that wait on a job's effect, not on
    /// a simulator's timing or a partner's webhook. Panics after 30 s.
    pub async fn drain_jobs(&self) -> Vec<(Job, Outcome)> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut ran = Vec::new();
        let mut quiet_before = None;
        loop {
            while let Some(done) = self.jobs.run_once().await.expect("a job runs") {
                ran.push(done);
            }
            // Quiet twice in a row with the same counts: no worker claimed,
            // finished or enqueued a job in between.
            let quiet = self.quiet_job_counts().await;
            if quiet.is_some() && quiet == quiet_before {
                return ran;
            }
            quiet_before = quiet;
            assert!(
                std::time::Instant::now() < deadline,
                "jobs still due or running after 30 s"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Jobs per state when none is running and none is due, else `None`.
    async fn quiet_job_counts(&self) -> Option<Vec<(JobState, i64)>> {
        let mut tx = self.app.store.read().await.unwrap();
        let mut counts = tx.count_jobs_by_state().await.unwrap();
        let running = counts
            .iter()
            .any(|(state, n)| *state == JobState::Running && *n > 0);
        let now = self.app.clock.now();
        let due = tx
            .list_jobs(Some(JobState::Queued), i64::MAX)
            .await
            .unwrap()
            .iter()
            .any(|j| j.run_at <= now);
        counts.sort_by_key(|(state, _)| state.as_str());
        (!running && !due).then_some(counts)
    }

    /// Provisions a customer as a sale would, returning the account.
    pub async fn provision_customer(&self, email: &str) -> Account {
        provision_customer(
            &self.app,
            &RequestContext::default(),
            "test-sale",
            &NewCustomer {
                email: email.into(),
                name: format!("Cliente {email}"),
                language: Language::Es,
            },
        )
        .await
        .expect("provisioning succeeds")
        .account
    }

    /// The newest activation/reset link emailed to `to` (read from the outbox).
    pub async fn latest_link(&self, to: &str, path: &str) -> String {
        for _ in 0..100 {
            let mut tx = self.app.store.read().await.unwrap();
            let emails = tx.list_emails(50).await.unwrap();
            drop(tx);
            if let Some(link) = emails
                .iter()
                .filter(|e| e.to.as_str() == to)
                .find_map(|e| link_in(&e.body_text, path))
            {
                return link;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no {path} link emailed to {to}");
    }

    /// Sets the password through the emailed activation link.
    pub async fn activate(&self, email: &str, password: &str) {
        let link = self.latest_link(email, "/activate").await;
        let c = client();
        let page = c.get(&link).send().await.unwrap();
        assert_eq!(page.status(), 200, "activation page opens");
        let html = page.text().await.unwrap();
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let resp = c
            .post(self.url("/activate"))
            .form(&[
                ("_csrf", csrf_in(&html).as_str()),
                ("token", &token),
                ("password", password),
                ("confirm", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "activation succeeds");
    }

    /// A customer who has activated their account with `password`.
    pub async fn active_customer(&self, email: &str, password: &str) -> Account {
        let a = self.provision_customer(email).await;
        self.activate(email, password).await;
        a
    }

    /// Logs in through the web form; returns the client holding the session cookie.
    pub async fn web_login(&self, email: &str, password: &str) -> reqwest::Client {
        let c = client();
        let html = c
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let resp = c
            .post(self.url("/login"))
            .form(&[
                ("_csrf", csrf_in(&html).as_str()),
                ("email", email),
                ("password", password),
                ("next", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 303, "login redirects");
        c
    }

    /// Gets a page as `c` and returns its CSRF token.
    pub async fn csrf(&self, c: &reqwest::Client, path: &str) -> String {
        let html = c
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        csrf_in(&html)
    }

    /// One `POST /api/v1/auth/token` attempt.
    pub async fn try_token(&self, email: &str, password: &str) -> reqwest::Response {
        client()
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// A bearer token from the API.
    pub async fn api_token(&self, email: &str, password: &str) -> String {
        let resp = self.try_token(email, password).await;
        assert_eq!(resp.status(), 201);
        let v: serde_json::Value = resp.json().await.unwrap();
        v["access_token"].as_str().unwrap().to_owned()
    }

    /// Number of CUSTOMER accounts in the database.
    pub async fn customer_count(&self) -> i64 {
        let mut tx = self.app.store.read().await.unwrap();
        tx.count_accounts_by_role(caas_domain::account::Role::Customer)
            .await
            .unwrap()
    }
}
