//! The scenarios of `caas bench`: each builds its requests, runs one second
//! of warm-up and the measured run, and turns the result into a table row.

use super::backlog::{drain_jobs, finished_jobs, queued_jobs};
use super::load::{Load, LoadResult, MakeRequest};
use super::report::{rss_bytes, Row};
use super::seed::{sale_in, Seeded};
use crate::state::AppState;
use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What every scenario needs.
#[derive(Clone)]
pub struct Ctx {
    /// The caas server.
    pub addr: SocketAddr,
    /// The hello-world server.
    pub hello: SocketAddr,
    /// The running application.
    pub state: AppState,
    /// Seeded customers.
    pub seeded: Seeded,
    /// Measured time per scenario.
    pub duration: Duration,
    /// Open-loop request rate, for the sustained scenario (else closed loop).
    pub rate: Option<f64>,
    /// Next factory event sequence of each seeded customer's order, carried
    /// from one webhook scenario to the next so every one brings news.
    pub sequences: Arc<Vec<AtomicI64>>,
}

fn request(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> Request<Full<Bytes>> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Full::new(body)).unwrap_or_default()
}

/// Per-connection counters that survive the warm-up, so every request of a
/// scenario is distinct (event sequences, emails).
fn counters(n: usize) -> Arc<Vec<AtomicU64>> {
    Arc::new((0..n).map(|_| AtomicU64::new(0)).collect())
}

impl Ctx {
    async fn measure(
        &self,
        addr: SocketAddr,
        c: usize,
        expect: u16,
        make: MakeRequest,
    ) -> (LoadResult, (Option<u64>, Option<u64>)) {
        self.measure_with(addr, c, expect, false, make).await
    }

    /// One second of warm-up, then the measured run; RSS around the latter.
    async fn measure_with(
        &self,
        addr: SocketAddr,
        c: usize,
        expect: u16,
        honor_retry_after: bool,
        make: MakeRequest,
    ) -> (LoadResult, (Option<u64>, Option<u64>)) {
        let load = |duration| Load {
            addr,
            concurrency: c,
            duration,
            expect,
            timeout: Duration::from_secs(10),
            honor_retry_after,
            rate: self.rate,
        };
        // Warm-up long enough to reach every customer (caches as in steady state).
        let warm = 1.0 + self.seeded.customers.len() as f64 / 5_000.0;
        let _ = load(Duration::from_secs_f64(warm)).run(make.clone()).await;
        let before = rss_bytes();
        let r = load(self.duration).run(make).await;
        (r, (before, rss_bytes()))
    }

    fn row(
        name: &str,
        c: usize,
        r: &LoadResult,
        limit: Option<(f64, &'static str)>,
        rss: (Option<u64>, Option<u64>),
        note: String,
    ) -> Row {
        let mut note = note;
        if r.shed > 0 {
            if !note.is_empty() {
                note.push_str("; ");
            }
            let _ = write!(
                note,
                "{} answered 503 + Retry-After (waited, not errors)",
                r.shed
            );
        }
        if let Some(e) = &r.first_error {
            if !note.is_empty() {
                note.push_str("; ");
            }
            let _ = write!(note, "first error: {e}");
        }
        Row {
            name: name.into(),
            concurrency: c,
            rate: r.rate(),
            p50: r.latency.quantile(0.50),
            p99: r.latency.quantile(0.99),
            errors: r.errors,
            limit,
            rss,
            note,
        }
    }

    /// The limit: hello world at `c` connections.
    pub async fn hello_world(&self, c: usize) -> Row {
        let make: MakeRequest = Arc::new(|_, _| request("GET", "/", &[], Bytes::new()));
        let (r, rss) = self.measure(self.hello, c, 200, make).await;
        Self::row("hello world (limit)", c, &r, None, rss, String::new())
    }

    /// `/healthz`, the order API or the expediente page at `c` connections.
    pub async fn read_scenario(&self, name: &str, c: usize, limit: Option<f64>) -> Row {
        let customers = Arc::new(self.seeded.customers.clone());
        let n = customers.len() as u64;
        let make: MakeRequest = match name {
            "healthz" => Arc::new(|_, _| request("GET", "/healthz", &[], Bytes::new())),
            "order_api" => Arc::new(move |conn, seq| {
                let cu = &customers[((conn as u64 * 7919 + seq) % n) as usize];
                let auth = format!("Bearer {}", cu.api_secret);
                request(
                    "GET",
                    &format!("/api/v1/orders/{}", cu.order_id),
                    &[("authorization", &auth)],
                    Bytes::new(),
                )
            }),
            _ => Arc::new(move |conn, seq| {
                let cu = &customers[((conn as u64 * 7919 + seq) % n) as usize];
                let cookie = format!("{}={}", crate::web::cookies::SESSION, cu.web_secret);
                request(
                    "GET",
                    &format!("/expediente/{}", cu.order_id),
                    &[("cookie", &cookie)],
                    Bytes::new(),
                )
            }),
        };
        let label = match name {
            "healthz" => "/healthz",
            "order_api" => "GET /api/v1/orders/{id} (bearer)",
            _ => "GET /expediente/{id} (cookie)",
        };
        let (r, rss) = self.measure(self.addr, c, 200, make).await;
        Self::row(
            label,
            c,
            &r,
            limit.map(|l| (l, "hello world")),
            rss,
            format!("{n} customers"),
        )
    }

    /// `POST /api/v1/auth/token` with the right password, rotating customers.
    pub async fn login(&self, c: usize) -> Row {
        let cores = self.state.app.hasher.workers() as f64;
        // The fastest of five hashes in a row: one core's cost of a hash.
        let mut hash = f64::MAX;
        for _ in 0..5 {
            let t = Instant::now();
            let _ = self.state.app.hasher.hash("probe-password-1".into()).await;
            hash = hash.min(t.elapsed().as_secs_f64());
        }
        let customers = Arc::new(self.seeded.customers.clone());
        let pw = self.seeded.password.clone();
        let next = counters(c);
        let make: MakeRequest = Arc::new(move |conn, _| {
            let k = next[conn].fetch_add(1, Ordering::Relaxed);
            let cu = &customers[((conn as u64 * 7919 + k) % customers.len() as u64) as usize];
            let body = serde_json::json!({"email": cu.email, "password": pw}).to_string();
            request(
                "POST",
                "/api/v1/auth/token",
                &[("content-type", "application/json")],
                Bytes::from(body),
            )
        });
        let (r, rss) = self.measure_with(self.addr, c, 201, true, make).await;
        Self::row(
            "POST /api/v1/auth/token (login)",
            c,
            &r,
            Some((cores / hash, "cores / hash time")),
            rss,
            format!("one Argon2id hash {:.1} ms", hash * 1000.0),
        )
    }

    /// Signed factory webhooks (`order.estimate_revised`), per-order sequences
    /// gap-free: connection `k` owns the orders `i ≡ k (mod c)`.
    /// With `apply` false the events name no order of ours: they are
    /// verified, deduplicated and stored, and no job follows (ingest alone).
    /// With `self.rate` set, sent at that rate (open loop) to see whether
    /// applying keeps up: the backlog before and after says.
    pub async fn webhooks(&self, c: usize, apply: bool, probe: f64) -> anyhow::Result<Row> {
        let Some(secret) = self.state.webhook_secrets.factory.clone() else {
            anyhow::bail!("no factory webhook secret");
        };
        let customers = Arc::new(self.seeded.customers.clone());
        let n = customers.len();
        let next = counters(c);
        let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
        let sequences = self.sequences.clone();
        let make: MakeRequest = Arc::new(move |conn, _| {
            let k = next[conn].fetch_add(1, Ordering::Relaxed);
            let owned: Vec<usize> = (conn..n).step_by(c.max(1)).collect();
            let idx = if owned.is_empty() {
                conn % n
            } else {
                owned[(k as usize) % owned.len()]
            };
            let cu = &customers[idx];
            let id = format!("evt_bench_{run}_{conn}_{k}");
            // Stored only: events of factory orders we do not know (nothing applies).
            let (factory_order_id, reference, sequence) = if apply {
                let sequence = sequences[idx].fetch_add(1, Ordering::Relaxed);
                (cu.factory_order_id.clone(), cu.order_id.clone(), sequence)
            } else {
                (
                    format!("ext-fo-{run}-{idx}"),
                    format!("ext-{run}-{idx}"),
                    2 + k as i64,
                )
            };
            let now = chrono::Utc::now();
            let body = serde_json::json!({
                "id": id, "type": "order.estimate_revised", "occurred_at": now.to_rfc3339(),
                "data": {"factory_order_id": factory_order_id, "order_reference": reference,
                         "sequence": sequence, "status": "accepted", "vin": null,
                         "estimated_completion_date": "2027-05-04", "previous_estimated_completion_date": "2027-04-20",
                         "reason_code": "capacity", "reason": "bench"}
            })
            .to_string();
            let ts = now.timestamp();
            let sig = secret.sign(&id, ts, body.as_bytes());
            request(
                "POST",
                "/webhooks/factory",
                &[
                    ("content-type", "application/json"),
                    ("webhook-id", &id),
                    ("webhook-timestamp", &ts.to_string()),
                    ("webhook-signature", &sig),
                ],
                Bytes::from(body),
            )
        });
        let before = queued_jobs(&self.state).await;
        let (r, rss) = self.measure(self.addr, c, 200, make).await;
        let at_end = queued_jobs(&self.state).await;
        let done_before = finished_jobs(&self.state.app).await;
        let waited = drain_jobs(&self.state.app, Duration::from_secs(60)).await;
        let done = finished_jobs(&self.state.app).await - done_before;
        let left = queued_jobs(&self.state).await;
        let note = format!(
            "queued apply jobs {} before, {} at the end, {} after {:.1} s more (all jobs {}, {}, {}; {:.0} jobs/s done meanwhile); raw INSERT probe {probe:.0}/s",
            before.0, at_end.0, left.0, waited.as_secs_f64(), before.1, at_end.1, left.1,
            done as f64 / waited.as_secs_f64().max(0.001)
        );
        let name = match (apply, self.rate) {
            (true, Some(_)) => "POST /webhooks/factory (signed, applied, fixed rate)",
            (true, None) => "POST /webhooks/factory (signed, applied)",
            (false, _) => "POST /webhooks/factory (signed, stored only)",
        };
        Ok(Self::row(
            name,
            c,
            &r,
            Some((probe, "raw INSERT")),
            rss,
            note,
        ))
    }

    /// `POST /api/v1/sales` by the seller, a new customer each time.
    pub async fn sales(&self, c: usize, limit: Option<f64>) -> Row {
        let token = match caas_app::auth::login::login(
            &self.state.app,
            &Default::default(),
            self.seeded.seller.email.as_str(),
            &self.seller_password(),
            caas_domain::session::SessionKind::Api,
        )
        .await
        {
            Ok(s) => s.secret,
            Err(e) => {
                let r = LoadResult {
                    errors: 1,
                    first_error: Some(format!("seller login: {e}")),
                    ..LoadResult::default()
                };
                return Self::row(
                    "POST /api/v1/sales",
                    c,
                    &r,
                    None,
                    (None, None),
                    String::new(),
                );
            }
        };
        let next = counters(c);
        let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
        let make: MakeRequest = Arc::new(move |conn, _| {
            let k = next[conn].fetch_add(1, Ordering::Relaxed);
            let sale = sale_in(&format!("sale-{run}-{conn}-{k}@bench.caas.local"));
            let body = serde_json::to_string(&sale).unwrap_or_default();
            let auth = format!("Bearer {token}");
            request(
                "POST",
                "/api/v1/sales",
                &[
                    ("content-type", "application/json"),
                    ("authorization", &auth),
                ],
                Bytes::from(body),
            )
        });
        let (r, rss) = self.measure(self.addr, c, 201, make).await;
        Self::row(
            "POST /api/v1/sales (new customer)",
            c,
            &r,
            limit.map(|l| (l, "hello world")),
            rss,
            String::new(),
        )
    }

    fn seller_password(&self) -> String {
        self.seeded.seller_password.clone()
    }
}
