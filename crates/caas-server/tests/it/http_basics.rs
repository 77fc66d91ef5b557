//! HTTP behaviour every surface relies on: problem+json errors, the friendly
//! web 404, request ids, security headers, health and metrics, the OpenAPI
//! document and its self-hosted docs, language negotiation, cookie flags, and
//! that every entry of the route table is mounted. Black box over HTTP.

use crate::support::app::*;
use caas_domain::clock::SystemClock;
use caas_server::config::Secret;
use caas_server::routes::{table, Surface};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;

const PW: &str = "una-clave-larga-1";

fn header<'a>(resp: &'a reqwest::Response, name: &str) -> &'a str {
    resp.headers()
        .get(name)
        .unwrap_or_else(|| panic!("response has no {name} header"))
        .to_str()
        .unwrap()
}

/// Checks an API error response and returns its problem document.
async fn problem(resp: reqwest::Response, status: u16) -> Value {
    assert_eq!(resp.status(), status);
    assert_eq!(header(&resp, "content-type"), "application/problem+json");
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["type"].as_str().is_some_and(|s| !s.is_empty()),
        "type: {body}"
    );
    assert!(
        body["title"].as_str().is_some_and(|s| !s.is_empty()),
        "title: {body}"
    );
    assert_eq!(
        body["status"], status,
        "status mirrors the HTTP status: {body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|s| !s.is_empty()),
        "detail: {body}"
    );
    body
}

#[tokio::test]
async fn an_unknown_api_path_is_a_404_problem_document() {
    let t = spawn_app().await;
    let resp = client().get(t.url("/api/v1/nope")).send().await.unwrap();
    let body = problem(resp, 404).await;
    assert_eq!(body["type"], "/problems/not_found");
}

#[tokio::test]
async fn malformed_json_is_a_400_problem_document() {
    let t = spawn_app().await;
    let resp = client()
        .post(t.url("/api/v1/auth/token"))
        .header("content-type", "application/json")
        .body(r#"{"email": "ana@example.com", "password": "#)
        .send()
        .await
        .unwrap();
    let body = problem(resp, 400).await;
    assert_eq!(body["type"], "/problems/bad_request");
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_422_naming_the_field_without_internal_type_names() {
    let t = spawn_app().await;
    let post = |body: &'static str| {
        client()
            .post(t.url("/api/v1/auth/token"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let body = problem(post(r#"{"email": "ana@example.com"}"#).await.unwrap(), 422).await;
    assert_eq!(body["type"], "/problems/validation_failed");
    assert_eq!(body["errors"][0]["field"], "password", "{body}");
    assert_eq!(body["errors"][0]["message"], "is required");

    let body = problem(post("5").await.unwrap(), 422).await;
    assert_eq!(body["errors"][0]["field"], "body", "{body}");
    let body = problem(post(r#"{"email": 5, "password": "x"}"#).await.unwrap(), 422).await;
    assert_eq!(body["errors"][0]["field"], "email", "{body}");
    for leaked in ["TokenIn", "struct", "Failed to deserialize"] {
        assert!(
            !body.to_string().contains(leaked),
            "{leaked} leaked: {body}"
        );
    }

    // Not sent as JSON at all.
    let resp = client()
        .post(t.url("/api/v1/auth/token"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    let body = problem(resp, 400).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("application/json"),
        "{body}"
    );
}

#[tokio::test]
async fn a_too_short_new_password_is_a_422_problem_naming_the_field() {
    let t = spawn_app().await;
    t.active_customer("corto@example.com", PW).await;
    let token = t.api_token("corto@example.com", PW).await;
    let resp = client()
        .post(t.url("/api/v1/me/password"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"current_password": PW, "new_password": "corta"}))
        .send()
        .await
        .unwrap();
    let body = problem(resp, 422).await;
    assert_eq!(body["type"], "/problems/validation_failed");
    assert_eq!(body["errors"][0]["field"], "new_password", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn an_unknown_web_page_is_a_friendly_html_404_with_a_way_home() {
    let t = spawn_app().await;
    let resp = client().get(t.url("/no/such/page")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(
        header(&resp, "content-type").starts_with("text/html"),
        "HTML, not problem+json"
    );
    let html = resp.text().await.unwrap();
    assert!(html.contains("href=\"/\""), "links back home:\n{html}");
    assert!(
        html.contains("No encontramos lo que buscas."),
        "explains in the default language:\n{html}"
    );
}

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

#[tokio::test]
async fn the_openapi_document_is_3_1_and_documents_every_api_route() {
    let t = spawn_app().await;
    let resp = client()
        .get(t.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let doc: Value = resp.json().await.unwrap();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "openapi: {}",
        doc["openapi"]
    );
    assert!(
        doc["paths"]["/api/v1/auth/token"]["post"].is_object(),
        "token endpoint documented"
    );
    let undocumented: Vec<String> = table()
        .iter()
        .filter(|r| r.surface == Surface::Api)
        .filter(|r| !doc["paths"][r.path][r.method.as_str().to_ascii_lowercase()].is_object())
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        undocumented.is_empty(),
        "API routes missing from the OpenAPI document: {undocumented:?}"
    );
}

/// Values of `attr="…"` in an HTML document.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let marker = format!("{attr}=\"");
    html.match_indices(&marker)
        .filter_map(|(i, _)| {
            let start = i + marker.len();
            html[start..].find('"').map(|end| &html[start..start + end])
        })
        .collect()
}

#[tokio::test]
async fn the_api_docs_are_served_from_this_server_without_external_hosts() {
    let t = spawn_app().await;
    let resp = client().get(t.url("/api/docs/")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(header(&resp, "content-type").starts_with("text/html"));
    let html = resp.text().await.unwrap();
    let references: Vec<&str> = attribute_values(&html, "src")
        .into_iter()
        .chain(attribute_values(&html, "href"))
        .collect();
    let external: Vec<&&str> = references
        .iter()
        .filter(|r| r.starts_with("http://") || r.starts_with("https://") || r.starts_with("//"))
        .collect();
    assert!(
        external.is_empty(),
        "the docs load from other hosts: {external:?}"
    );

    let scripts: Vec<&str> = attribute_values(&html, "src")
        .into_iter()
        .filter(|s| s.ends_with(".js"))
        .collect();
    let styles: Vec<&str> = attribute_values(&html, "href")
        .into_iter()
        .filter(|s| s.ends_with(".css"))
        .collect();
    assert!(
        !scripts.is_empty(),
        "the docs page references its scripts:\n{html}"
    );
    let mut points_at_our_document = false;
    for asset in scripts.iter().chain(&styles) {
        let path = if asset.starts_with('/') {
            asset.to_string()
        } else {
            format!("/api/docs/{}", asset.trim_start_matches("./"))
        };
        let resp = client().get(t.url(&path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path} is served by us");
        let body = resp.text().await.unwrap();
        assert!(!body.is_empty(), "{path} has content");
        points_at_our_document |= body.contains("/api/openapi.json");
    }
    assert!(points_at_our_document, "the docs load /api/openapi.json");
}

#[tokio::test]
async fn the_login_page_speaks_english_when_asked_and_spanish_by_default() {
    let t = spawn_app().await;
    let en = client()
        .get(t.url("/login"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Log in"), "English page:\n{en}");
    assert!(
        !en.contains("Entrar"),
        "no Spanish on the English page:\n{en}"
    );
    assert!(en.contains("<html lang=\"en\">"));

    let es = client()
        .get(t.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(es.contains("Entrar"), "Spanish page:\n{es}");
    assert!(
        !es.contains("Log in"),
        "no English on the Spanish page:\n{es}"
    );
    assert!(es.contains("<html lang=\"es\">"));
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let t = spawn_app().await;
    t.active_customer("galleta@example.com", PW).await;
    let c = client();
    let html = c
        .get(t.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let resp = c
        .post(t.url("/login"))
        .form(&[
            ("_csrf", csrf_in(&html).as_str()),
            ("email", "galleta@example.com"),
            ("password", PW),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("caas_session="))
        .expect("login sets the session cookie");
    let attrs: Vec<String> = cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attrs.iter().any(|a| a == "httponly"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "samesite=lax"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "path=/"), "{cookie}");
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

/// Why `schema` (resolved against `doc`'s components) is not a typed body,
/// if it is not: an object without properties, a missing schema, an array
/// of untyped items. Declared maps (`additionalProperties`) count as typed.
fn untyped(
    doc: &Value,
    schema: &Value,
    at: &str,
    seen: &mut BTreeSet<String>,
    out: &mut Vec<String>,
) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        if seen.insert(name.to_owned()) {
            let target = &doc["components"]["schemas"][name];
            if target.is_null() {
                out.push(format!("{at}: dangling {r}"));
            }
            untyped(doc, target, name, seen, out);
        }
        return;
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema[key].as_array() {
            for (i, s) in list.iter().enumerate() {
                untyped(doc, s, &format!("{at}.{key}[{i}]"), seen, out);
            }
            return;
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if types.is_empty() {
        out.push(format!("{at}: no type ({schema})"));
    } else if types.contains(&"array") {
        untyped(doc, &schema["items"], &format!("{at}[]"), seen, out);
    } else if types.contains(&"object") {
        match schema["properties"].as_object() {
            Some(props) if !props.is_empty() => {
                for (name, p) in props {
                    untyped(doc, p, &format!("{at}.{name}"), seen, out);
                }
            }
            _ if !schema["additionalProperties"].is_null() => {}
            _ => out.push(format!("{at}: object without properties")),
        }
    }
}

#[tokio::test]
async fn every_api_body_is_typed_and_every_error_is_problem_json() {
    let t = spawn_app().await;
    let doc: Value = client()
        .get(t.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{} {path}", method.to_uppercase());
            if let Some(body) = op.get("requestBody") {
                match body["content"]["application/json"].get("schema") {
                    Some(s) => untyped(&doc, s, &format!("{at} request"), &mut seen, &mut problems),
                    None => problems.push(format!("{at}: request body without a JSON schema")),
                }
            }
            let responses = op["responses"].as_object().unwrap();
            for (status, r) in responses {
                let code: u16 = status.parse().unwrap();
                if code >= 400 {
                    if r["content"]["application/problem+json"]["schema"]["$ref"]
                        != "#/components/schemas/Problem"
                    {
                        problems.push(format!(
                            "{at} {status}: not application/problem+json Problem"
                        ));
                    }
                } else if let Some(content) = r["content"].as_object() {
                    for (media, c) in content {
                        if media == "application/json" {
                            untyped(
                                &doc,
                                &c["schema"],
                                &format!("{at} {status}"),
                                &mut seen,
                                &mut problems,
                            );
                        }
                    }
                }
            }
            let secured = op.get("security").is_some();
            for needed in ["503"]
                .into_iter()
                .chain(secured.then_some("401"))
                .chain(op.get("requestBody").map(|_| "422"))
                .chain(path.contains('{').then_some("404"))
            {
                if !responses.contains_key(needed) {
                    problems.push(format!("{at}: {needed} not documented"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "untyped or undocumented:\n{}",
        problems.join("\n")
    );
}

#[tokio::test]
async fn a_page_error_renders_in_the_language_of_whoever_asked() {
    let t = spawn_app().await;
    t.active_customer("idioma@example.com", PW).await;
    let c = t.web_login("idioma@example.com", PW).await;
    let missing = || {
        c.get(t.url("/expediente/ord_00000000000000000000000000000000"))
            .send()
    };
    let resp = missing().await.unwrap();
    assert_eq!(resp.status(), 404);
    let html = resp.text().await.unwrap();
    assert!(html.contains("No encontramos lo que buscas."), "{html}");

    // The customer switches to English: the same error now reads in English.
    let page = c
        .get(t.url("/customer"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let resp = c
        .post(t.url("/language"))
        .form(&[
            ("_csrf", csrf_in(&page).as_str()),
            ("lang", "en"),
            ("next", "/customer"),
        ])
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success() || resp.status().is_redirection());
    let html = missing().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("We could not find what you are looking for."),
        "{html}"
    );
}

#[tokio::test]
async fn a_malformed_id_in_the_path_is_the_same_404_as_an_unknown_one() {
    let t = spawn_app().await;
    t.active_customer("ids@example.com", PW).await;
    let token = t.api_token("ids@example.com", PW).await;
    for path in [
        "/api/v1/orders/not-an-id",
        "/api/v1/orders/ord_00000000000000000000000000000000",
    ] {
        let resp = client()
            .get(t.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let body = problem(resp, 404).await;
        assert_eq!(body["type"], "/problems/not_found", "{path}");
    }
    let c = t.web_login("ids@example.com", PW).await;
    for path in ["/expediente/not-an-id", "/vehicle/acc_wrong_kind_of_id"] {
        let resp = c.get(t.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path}");
        assert!(
            resp.text()
                .await
                .unwrap()
                .contains("No encontramos lo que buscas."),
            "{path}"
        );
    }
}
