//! Request metrics by route and status, with a latency histogram, rendered in
//! the Prometheus text format together with job counts.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds (seconds) of the latency histogram buckets.
pub const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// In-process request metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Series>>,
}

impl Metrics {
    /// Records one request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((method.to_owned(), route.to_owned(), status))
                .or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let s = l.entry(route.to_owned()).or_default();
            s.count += 1;
            s.sum += seconds;
            for (i, b) in BUCKETS.iter().enumerate() {
                if seconds <= *b {
                    s.buckets[i] += 1;
                }
            }
        }
    }

    /// Prometheus text exposition of the request metrics.
    pub fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "# HELP caas_http_requests_total HTTP requests by method, route and status."
        );
        let _ = writeln!(out, "# TYPE caas_http_requests_total counter");
        if let Ok(r) = self.requests.lock() {
            for ((m, route, status), n) in r.iter() {
                let _ = writeln!(out, "caas_http_requests_total{{method=\"{m}\",route=\"{}\",status=\"{status}\"}} {n}", esc(route));
            }
        }
        let _ = writeln!(
            out,
            "# HELP caas_http_request_duration_seconds Request latency by route."
        );
        let _ = writeln!(out, "# TYPE caas_http_request_duration_seconds histogram");
        if let Ok(l) = self.latency.lock() {
            for (route, s) in l.iter() {
                let route = esc(route);
                for (i, b) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(out, "caas_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}", s.buckets[i]);
                }
                let _ = writeln!(
                    out,
                    "caas_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    s.count
                );
                let _ = writeln!(
                    out,
                    "caas_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    s.sum
                );
                let _ = writeln!(
                    out,
                    "caas_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    s.count
                );
            }
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
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_owned();
    let resp = next.run(req).await;
    metrics.observe(
        &method,
        &route,
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
        let m = Metrics::default();
        m.observe("GET", "/healthz", 200, 0.002);
        m.observe("GET", "/healthz", 200, 0.2);
        let mut out = String::new();
        m.render(&mut out);
        assert!(out.contains(
            "caas_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(out.contains(
            "caas_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.0025\"} 1"
        ));
        assert!(out.contains(
            "caas_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.25\"} 2"
        ));
        assert!(out.contains("caas_http_request_duration_seconds_count{route=\"/healthz\"} 2"));
    }
}
