//! Operations: request ids, security headers, health and readiness,
//! metrics and who may scrape them, and every route of the table mounted.

use super::*;

#[tokio::test]
async fn a_request_id_is_echoed_or_generated() {
    let t = spawn_app().await;
    let given = client()
        .get(t.url("/healthz"))
        .header("x-request-id", "test-123")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&given, "x-request-id"), "test-123");

    let first = client().get(t.url("/healthz")).send().await.unwrap();
    let second = client().get(t.url("/healthz")).send().await.unwrap();
    let (a, b) = (
        header(&first, "x-request-id"),
        header(&second, "x-request-id"),
    );
    assert!(
        !a.is_empty() && a != "test-123",
        "a fresh id is generated: {a}"
    );
    assert_ne!(a, b, "each request gets its own id");

    let api_error = client()
        .get(t.url("/api/v1/nope"))
        .header("x-request-id", "test-456")
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&api_error, "x-request-id"),
        "test-456",
        "error responses carry it too"
    );
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let t = spawn_app().await;
    for path in ["/login", "/no/such/page"] {
        let resp = client().get(t.url(path)).send().await.unwrap();
        let csp = header(&resp, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert_eq!(header(&resp, "x-content-type-options"), "nosniff", "{path}");
        let referrer = header(&resp, "referrer-policy");
        assert!(
            !referrer.is_empty() && referrer != "unsafe-url",
            "{path}: {referrer}"
        );
        assert_eq!(header(&resp, "x-frame-options"), "DENY", "{path}");
    }
}

#[tokio::test]
async fn health_and_readiness_answer_200() {
    let t = spawn_app().await;
    let health = client().get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    let ready = client().get(t.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert!(header(&ready, "content-type").starts_with("application/json"));
    let v: Value = ready.json().await.unwrap();
    assert_eq!(v["status"], "ready", "{v}");
}

/// The value of the sample named exactly `series` in a Prometheus exposition.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|l| {
            l.strip_prefix(series)
                .and_then(|rest| rest.strip_prefix(' '))
        })
        .map(|v| v.trim().parse().unwrap())
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_expose_latency_and_jobs() {
    let t = spawn_app_with(
        |c| c.listener.metrics_token = Some(Secret::new(METRICS_TOKEN)),
        Arc::new(SystemClock),
    )
    .await;
    let c = client();
    for _ in 0..3 {
        assert_eq!(c.get(t.url("/healthz")).send().await.unwrap().status(), 200);
    }
    let resp = c
        .get(t.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(header(&resp, "content-type").starts_with("text/plain"));
    let text = resp.text().await.unwrap();
    let count = sample(
        &text,
        r#"caas_http_requests_total{method="GET",route="/healthz",status="200"}"#,
    )
    .unwrap_or_else(|| panic!("no /healthz counter in:\n{text}"));
    assert!(count >= 3.0, "counted {count} of 3 requests:\n{text}");
    assert!(
        text.contains(
            r#"caas_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"}"#
        ),
        "latency histogram:\n{text}"
    );
    assert!(
        sample(&text, r#"caas_jobs{state="queued"}"#).is_some(),
        "job gauge:\n{text}"
    );
}

const METRICS_TOKEN: &str = "scrape-token-0123456789";

#[tokio::test]
async fn an_anonymous_or_wrong_token_scrape_of_metrics_is_refused_when_a_token_is_set() {
    let t = spawn_app_with(
        |c| c.listener.metrics_token = Some(Secret::new(METRICS_TOKEN)),
        Arc::new(SystemClock),
    )
    .await;
    let c = client();
    let anonymous = c.get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(
        header(&anonymous, "www-authenticate"),
        "Bearer realm=\"caas-metrics\""
    );
    problem(anonymous, 401).await;
    let wrong = c
        .get(t.url("/metrics"))
        .bearer_auth("scrape-token-0123456780")
        .send()
        .await
        .unwrap();
    problem(wrong, 401).await;
}

#[tokio::test]
async fn without_a_token_metrics_answer_loopback_clients_only() {
    let t = spawn_app_with(|c| c.trust_forwarded_for = true, Arc::new(SystemClock)).await;
    let c = client();
    let local = c.get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(local.status(), 200);
    let remote = c
        .get(t.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    problem(remote, 403).await;
}

/// A syntactically valid id for a path parameter of the route table.
fn dummy_for(param: &str) -> &'static str {
    match param {
        "session_id" => "ses_x",
        "job_id" => "job_x",
        "email_id" => "eml_x",
        "account_id" => "acc_x",
        _ => "x",
    }
}

/// A route template with every `{param}` replaced by a dummy id.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str(&rest[..open]);
        out.push_str(dummy_for(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn every_route_in_the_table_is_mounted_and_never_fails_for_an_anonymous_caller() {
    let t = spawn_app().await;
    let routes = table();
    assert!(routes.len() > 10, "the table lists the routes");
    let mut wrong = Vec::new();
    for r in &routes {
        let path = concrete(r.path);
        let method = reqwest::Method::from_bytes(r.method.as_str().as_bytes()).unwrap();
        let resp = client().request(method, t.url(&path)).send().await.unwrap();
        let status = resp.status();
        if status == 405 || status.is_server_error() {
            wrong.push(format!("{} {} ({}) -> {status}", r.method, path, r.path));
        }
    }
    assert!(
        wrong.is_empty(),
        "routes answering 405 or 5xx to an anonymous caller:\n{}",
        wrong.join("\n")
    );
}
