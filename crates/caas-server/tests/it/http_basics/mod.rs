//! HTTP behaviour every surface relies on: problem+json errors, the friendly
//! web 404, request ids, security headers, health and metrics, the OpenAPI
//! document and its self-hosted docs, language negotiation, cookie flags, and
//! that every entry of the route table is mounted. Black box over HTTP.

mod errors;
mod openapi;
mod ops;
mod web_pages;

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
