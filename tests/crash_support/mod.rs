//! Harness of the `kill -9` tests: the real `caas` binary as a child process
//! on a fixed port (so partners reach it again after a restart), and the
//! partner simulators and the MQTT broker in the test process, where a kill
//! of the platform does not touch them. Everything talks over real sockets.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    unreachable_pub
)]

use caas_partners::webhooks::WebhookSecret;
use caas_sim::common::SimHandle;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_caas");
pub const PW: &str = "una-clave-larga-1";

/// A child process killed (SIGKILL) and reaped on drop.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `caas <args>` to completion against `db`; returns stdout.
pub fn caas(db: &str, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env("CAAS_DATABASE_URL", db)
        .env("CAAS_CONFIG", "/nonexistent.toml")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "caas {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The partner simulators and the broker, outliving every platform process.
pub struct Partners {
    pub factory: String,
    pub payments: String,
    pub registry: String,
    pub carrier: String,
    pub fleet: String,
    pub broker: String,
    env: Vec<(String, String)>,
    _handles: Vec<SimHandle>,
    _fleet: caas_sim::fleet::FleetSim,
    _broker: Option<caas_fleet::broker::EmbeddedBroker>,
}

/// The logins of the test's broker (the platform's; the key of the cars' secrets).
const FLEET_USER: &str = "caas-platform-test";
const FLEET_PASSWORD: &str = "crash-test-platform-password";
const FLEET_VEHICLE_KEY: &str = "crash-test-vehicle-key";

fn auth() -> caas_fleet::auth::BrokerAuth {
    caas_fleet::auth::BrokerAuth::new(
        FLEET_USER,
        caas_fleet::Secret::new(FLEET_PASSWORD),
        caas_fleet::Secret::new(FLEET_VEHICLE_KEY),
    )
}

async fn loopback() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()
}

impl Partners {
    /// Starts every simulator; webhooks go to `http://127.0.0.1:{port}`.
    /// The broker is `CAAS_TEST_MQTT_URL` (Mosquitto in CI) or an in-process rumqttd.
    pub async fn start(port: u16) -> Self {
        let public = format!("http://127.0.0.1:{port}");
        let (broker, embedded) = match std::env::var("CAAS_TEST_MQTT_URL") {
            Ok(url) => (url, None),
            Err(_) => {
                let b = caas_fleet::broker::EmbeddedBroker::start(
                    "127.0.0.1:0".parse().unwrap(),
                    auth(),
                )
                .unwrap();
                (b.url(), Some(b))
            }
        };
        let mut fc = caas_sim::fleet::FleetSimConfig::new(&broker);
        fc.vehicles = 0;
        fc.vehicle_key = Some(FLEET_VEHICLE_KEY.to_owned());
        fc.reply_delay_ms = 1500; // an app.link is in flight long enough to kill the platform
        let fleet = caas_sim::fleet::start(fc, loopback().await).await.unwrap();

        let mut f =
            caas_sim::factory::FactorySimConfig::new(Some(format!("{public}/webhooks/factory")));
        f.webhook_secret = WebhookSecret::generate();
        f.step_ms = 40;
        f.retry_speedup = 50.0;
        f.fleet_control_url = Some(fleet.handle.base_url.clone());
        let factory = caas_sim::factory::start(f.clone(), loopback().await)
            .await
            .unwrap();

        let mut p = caas_sim::payments::PaymentsSimConfig::for_tests(Some(format!(
            "{public}/webhooks/payments"
        )));
        p.webhook_secret = WebhookSecret::generate();
        p.retry_speedup = 50.0;
        let payments = caas_sim::payments::start(p.clone(), loopback().await)
            .await
            .unwrap();

        // A registration is in flight long enough to kill the platform.
        let r = caas_sim::registry::RegistrySimConfig {
            latency_ms: 1500,
            ..Default::default()
        };
        let registry = caas_sim::registry::start(r.clone(), loopback().await)
            .await
            .unwrap();

        let mut c =
            caas_sim::carrier::CarrierSimConfig::new(Some(format!("{public}/webhooks/transport")));
        c.webhook_secret = WebhookSecret::generate();
        c.step_ms = 600; // each leg of a delivery lasts long enough to kill the platform in it
        c.retry_speedup = 50.0;
        let carrier = caas_sim::carrier::start(c.clone(), loopback().await)
            .await
            .unwrap();

        let env = [
            ("CAAS_PUBLIC_URL", public.clone()),
            ("CAAS_SIMULATORS", "off".into()),
            ("CAAS_FACTORY_BASE_URL", factory.base_url.clone()),
            ("CAAS_FACTORY_API_KEY", f.api_key.clone()),
            ("CAAS_FACTORY_WEBHOOK_SECRET", f.webhook_secret.clone()),
            ("CAAS_PAYMENT_BASE_URL", payments.base_url.clone()),
            ("CAAS_PAYMENT_API_KEY", p.api_key.clone()),
            ("CAAS_PAYMENT_WEBHOOK_SECRET", p.webhook_secret.clone()),
            (
                "CAAS_REGISTRY_BASE_URLS",
                format!("ES={}/es", registry.base_url),
            ),
            ("CAAS_REGISTRY_API_KEY", r.api_key.clone()),
            ("CAAS_CARRIER_BASE_URL", carrier.base_url.clone()),
            ("CAAS_CARRIER_API_KEY", c.api_key.clone()),
            ("CAAS_CARRIER_WEBHOOK_SECRET", c.webhook_secret.clone()),
            ("CAAS_FLEET_BROKER_URL", broker.clone()),
            ("CAAS_FLEET_USERNAME", FLEET_USER.to_owned()),
            ("CAAS_FLEET_PASSWORD", FLEET_PASSWORD.to_owned()),
            ("CAAS_FLEET_VEHICLE_KEY", FLEET_VEHICLE_KEY.to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Partners {
            factory: factory.base_url.clone(),
            payments: payments.base_url.clone(),
            registry: registry.base_url.clone(),
            carrier: carrier.base_url.clone(),
            fleet: fleet.handle.base_url.clone(),
            broker,
            env,
            _handles: vec![factory, payments, registry, carrier],
            _fleet: fleet,
            _broker: embedded,
        }
    }
}

/// `caas serve` on a fixed port, killed and restarted at will.
pub struct Platform {
    pub db: String,
    pub port: u16,
    env: Vec<(String, String)>,
    child: Option<Killed>,
    pub kills: u32,
}

impl Platform {
    /// A platform for `db` wired to `partners`, plus extra `CAAS_*` settings.
    pub fn new(db: &str, port: u16, partners: &Partners, extra: &[(&str, &str)]) -> Self {
        let mut env = partners.env.clone();
        let client_id = format!("caas-crash-{}-{port}", std::process::id());
        for (k, v) in [
            ("CAAS_DATABASE_URL", db),
            ("CAAS_CONFIG", "/nonexistent.toml"),
            ("CAAS_JOB_LEASE_SECONDS", "10"),
            ("CAAS_JOB_POLL_MS", "100"),
            ("CAAS_LOG_LEVEL", "warn"),
            ("CAAS_DEMO_SEED", "false"),
            ("CAAS_FLEET_CLIENT_ID", client_id.as_str()),
            ("CAAS_FLEET_COMMAND_WAIT_SECS", "5"),
            ("CAAS_CARRIER_GAP_WAIT_SECS", "1"),
            ("CAAS_FACTORY_GAP_WAIT_SECS", "1"),
        ]
        .into_iter()
        .chain(extra.iter().copied())
        {
            env.push((k.to_owned(), v.to_owned()));
        }
        env.push(("CAAS_BIND".into(), format!("127.0.0.1:{port}")));
        Platform {
            db: db.to_owned(),
            port,
            env,
            child: None,
            kills: 0,
        }
    }

    /// Where every run's stderr goes (kept for a failure's diagnosis).
    pub fn log_path(&self) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("caas-crash-{}.log", self.port))
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Starts `caas serve` and waits until it is ready.
    pub async fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .unwrap();
        let child = Command::new(BIN)
            .arg("serve")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(Killed(child));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = reqwest::get(self.url("/readyz"))
                .await
                .is_ok_and(|r| r.status().is_success());
            if ready {
                return;
            }
            if let Some(Killed(c)) = self.child.as_mut() {
                if let Ok(Some(status)) = c.try_wait() {
                    let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
                    panic!("caas serve exited: {status}\n{log}");
                }
            }
            assert!(Instant::now() < deadline, "caas serve did not get ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `kill -9`: no shutdown of any kind.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.0.kill().unwrap();
            c.0.wait().unwrap();
            self.kills += 1;
        }
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

pub fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("a CSRF field") + 20;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

pub async fn post_json(url: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = client().post(url).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

pub async fn get_json(url: &str) -> Value {
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

/// The newest activation link emailed to `to`, read from the outbox table.
pub async fn activation_link(store: &dyn caas_domain::ports::Store, to: &str) -> String {
    for _ in 0..100 {
        let emails = store.read().await.unwrap().list_emails(100).await.unwrap();
        let link = emails.iter().filter(|e| e.to.as_str() == to).find_map(|e| {
            let at = e.body_text.find("http")?;
            let rest = &e.body_text[at..];
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            rest[..end]
                .contains("/activate")
                .then(|| rest[..end].to_owned())
        });
        if let Some(l) = link {
            return l;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no activation link for {to}");
}

/// Activates `email` through its emailed link and returns an API token.
pub async fn activate_and_token(
    p: &Platform,
    store: &dyn caas_domain::ports::Store,
    email: &str,
) -> String {
    // The CLI that created a staff account does not know the platform's port.
    let link = activation_link(store, email).await;
    let path = &link[link.find("/activate").unwrap()..];
    let link = p.url(path);
    let c = client();
    let html = c.get(&link).send().await.unwrap().text().await.unwrap();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let resp = c
        .post(p.url("/activate"))
        .form(&[
            ("_csrf", csrf_in(&html).as_str()),
            ("token", &token),
            ("password", PW),
            ("confirm", PW),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "activation of {email}");
    let (status, v) = post_json(
        &p.url("/api/v1/auth/token"),
        None,
        &json!({"email": email, "password": PW}),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    v["access_token"].as_str().unwrap().to_owned()
}

/// A phone's new key pair: the public half as base64 DER SPKI.
pub fn phone_public_key() -> String {
    use base64::Engine as _;
    use p256::elliptic_curve::sec1::ToEncodedPoint as _;
    let secret = p256::SecretKey::random(&mut rand::thread_rng());
    let point = secret.public_key().to_encoded_point(false);
    let mut der = vec![
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    der.extend_from_slice(point.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(der)
}
