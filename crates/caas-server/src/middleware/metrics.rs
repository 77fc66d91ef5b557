//! Request metrics by route and status, with a latency histogram, rendered in
//! the Prometheus text format together with job counts. Every route of the
//! table has its counters allocated at start, so recording a request is a
//! map lookup and a few atomic additions — no lock; only paths outside the
//! table (API docs, unmatched) share one locked map.

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds (seconds) of the latency histogram buckets.
pub const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Counters of one route and method.
#[derive(Debug)]
struct Series {
    method: Method,
    /// Answers by status code (100..=599; index = code - 100).
    statuses: Box<[AtomicU64]>,
    count: AtomicU64,
    sum_us: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
}

impl Series {
    fn new(method: Method) -> Self {
        Self {
            method,
            statuses: (0..500).map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum_us: AtomicU64::new(0),
            buckets: Default::default(),
        }
    }

    fn observe(&self, status: u16, seconds: f64) {
        if let Some(c) = self.statuses.get(usize::from(status.saturating_sub(100))) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_us
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// In-process request metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Route template → its methods' counters, fixed at start.
    routes: HashMap<&'static str, Vec<Series>>,
    /// Routes in table order, for rendering.
    order: Vec<&'static str>,
    /// Anything else, by (method, label).
    others: Mutex<BTreeMap<(String, String), Series>>,
}

impl Metrics {
    /// Counters for every (method, route template) of the table.
    pub fn for_routes(routes: impl IntoIterator<Item = (Method, &'static str)>) -> Self {
        let mut m = Metrics::default();
        for (method, path) in routes {
            let entry = m.routes.entry(path).or_default();
            if entry.is_empty() {
                m.order.push(path);
            }
            if !entry.iter().any(|s| s.method == method) {
                entry.push(Series::new(method));
            }
        }
        m
    }

    /// Records one request.
    pub fn observe(&self, method: &Method, route: Option<&str>, status: u16, seconds: f64) {
        if let Some(series) = route
            .and_then(|r| self.routes.get(r))
            .and_then(|v| v.iter().find(|s| s.method == *method))
        {
            series.observe(status, seconds);
            return;
        }
        let label = route.unwrap_or("unmatched").to_owned();
        if let Ok(mut others) = self.others.lock() {
            others
                .entry((method.as_str().to_owned(), label))
                .or_insert_with(|| Series::new(method.clone()))
                .observe(status, seconds);
        }
    }

    /// Prometheus text exposition of the request metrics.
    pub fn render(&self, out: &mut String) {
        let mut all: Vec<(String, &str, &Series)> = Vec::new();
        for route in &self.order {
            for s in self.routes.get(route).into_iter().flatten() {
                all.push((s.method.as_str().to_owned(), route, s));
            }
        }
        let others = self.others.lock().ok();
        if let Some(o) = &others {
            for ((m, r), s) in o.iter() {
                all.push((m.clone(), r.as_str(), s));
            }
        }
        let _ = writeln!(
            out,
            "# HELP caas_http_requests_total HTTP requests by method, route and status."
        );
        let _ = writeln!(out, "# TYPE caas_http_requests_total counter");
        for (m, route, s) in &all {
            for (i, c) in s.statuses.iter().enumerate() {
                let n = c.load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "caas_http_requests_total{{method=\"{m}\",route=\"{}\",status=\"{}\"}} {n}",
                        esc(route),
                        i + 100
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "# HELP caas_http_request_duration_seconds Request latency by route."
        );
        let _ = writeln!(out, "# TYPE caas_http_request_duration_seconds histogram");
        for (m, route, s) in &all {
            let count = s.count.load(Ordering::Relaxed);
            if count == 0 {
                continue;
            }
            let labels = format!("method=\"{m}\",route=\"{}\"", esc(route));
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "caas_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                    s.buckets[i].load(Ordering::Relaxed)
                );
            }
            let _ = writeln!(
                out,
                "caas_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
            );
            let sum = s.sum_us.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(
                out,
                "caas_http_request_duration_seconds_sum{{{labels}}} {sum}"
            );
            let _ = writeln!(
                out,
                "caas_http_request_duration_seconds_count{{{labels}}} {count}"
            );
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Layer function: times the request and records it under its route template.
pub async fn track(
    State(metrics): State<std::sync::Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let method = req.method().clone();
    let resp = next.run(req).await;
    metrics.observe(
        &method,
        route.as_ref().map(|r| r.as_str()),
        resp.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_land_in_counters_and_cumulative_buckets() {
        let m = Metrics::for_routes([(Method::GET, "/healthz")]);
        m.observe(&Method::GET, Some("/healthz"), 200, 0.002);
        m.observe(&Method::GET, Some("/healthz"), 200, 0.2);
        m.observe(&Method::GET, Some("/api/docs/{*rest}"), 200, 0.001);
        let mut out = String::new();
        m.render(&mut out);
        assert!(out.contains(
            "caas_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(out.contains(
            "caas_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"0.0025\"} 1"
        ));
        assert!(out.contains(
            "caas_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"0.25\"} 2"
        ));
        assert!(out.contains(
            "caas_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 2"
        ));
        assert!(out.contains(
            "caas_http_requests_total{method=\"GET\",route=\"/api/docs/{*rest}\",status=\"200\"} 1"
        ));
    }
}
