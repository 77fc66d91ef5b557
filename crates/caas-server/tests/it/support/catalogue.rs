//! Shortcuts of the catalogue editing tests: the admin's token, a JSON call
//! with a bearer token, one option as `GET /api/v1/catalogue` lists it, and
//! the fields a 422 problem names.

use crate::support::app::*;
use serde_json::Value;
use std::collections::BTreeSet;

/// The option the tests edit (seeded, with the `hvac` block).
pub const OPTION: &str = "HEAT_PUMP";

/// One JSON call with `token`.
pub async fn send(
    t: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    client()
        .request(method, t.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Option [`OPTION`] as the catalogue lists it.
pub async fn catalogue_option(t: &TestApp, token: &str) -> Value {
    let cat: Value = client()
        .get(t.url("/api/v1/catalogue"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    cat["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == OPTION)
        .cloned()
        .expect("the option is listed")
}

/// Checks a 422 problem+json and gives the fields it names.
pub async fn error_fields(resp: reqwest::Response) -> BTreeSet<String> {
    assert_eq!(resp.status(), 422);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
    let problem: Value = resp.json().await.unwrap();
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors[] in {problem}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

/// The initial admin's API token.
pub async fn admin_token(t: &TestApp) -> String {
    t.api_token(&t.admin.email, &t.admin.password).await
}
