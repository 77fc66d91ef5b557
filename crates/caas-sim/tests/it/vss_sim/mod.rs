//! VSS simulator over real sockets, read with the platform's `VssClient`:
//! fixtures and presets, ETag / `If-None-Match` → 304, ETag change on a
//! fixture change, the per-credential rate limit (429, 304s free), 404,
//! 400, injected 503/500, latency beyond the client timeout, GET only.

mod support;

use caas_domain::partners::CallError;
use caas_partners::vss::{VssAnswer, VssClient, VssCompliance};
use caas_sim::vss::{VssSimConfig, DEFAULT_API_KEY};
use serde_json::{json, Value};
use std::time::Duration;
use support::*;

#[tokio::test]
async fn vss_serves_fixtures_with_etag_and_answers_304_to_if_none_match() {
    let sim = Sim::start(VssSimConfig::default()).await;
    let (status, _) = sim
        .send(
            reqwest::Method::PUT,
            &format!("/_sim/vehicles/{VIN}"),
            contract_example(),
        )
        .await;
    assert_eq!(status, 200);
    let client = sim.client(T);
    let (c, etag) = fresh(client.get_compliance(VIN, None).await.unwrap());
    assert_eq!(c.vin, VIN);
    assert!(!c.warranty_valid && !c.maintenance_plan_up_to_date);
    assert_eq!(
        c.warranty_void_reason.as_deref(),
        Some("maintenance_overdue")
    );
    assert!(c.block("battery").unwrap().is_overdue());
    assert_eq!(c.blocks.len(), 3, "given blocks replace the generated ones");
    assert_eq!(
        client.get_compliance(VIN, Some(&etag)).await.unwrap(),
        VssAnswer::NotModified
    );
    let (record, record_etag) = fresh(client.get_maintenance_record(VIN, None).await.unwrap());
    assert_eq!(record.visits[0].operations.len(), 2);
    assert_eq!(
        record.visits[0].workshop.as_ref().unwrap().network,
        "official"
    );
    assert_ne!(record_etag, etag);
    let resp = sim
        .http
        .get(sim.url(&format!("/v1/vehicles/{VIN}/maintenance-record")))
        .bearer_auth(DEFAULT_API_KEY)
        .header("If-None-Match", format!("W/{record_etag}, \"x\""))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 304);
    assert_eq!(resp.headers()["etag"].to_str().unwrap(), record_etag);
    assert_eq!(resp.headers()["cache-control"], "private, max-age=900");
    let stats = sim.stats().await;
    assert_eq!(
        (stats["requests"].clone(), stats["not_modified"].clone()),
        (json!(4), json!(2))
    );
}

#[tokio::test]
async fn vss_etag_changes_when_the_fixture_changes() {
    let sim = Sim::start(VssSimConfig::default()).await;
    let client = sim.client(T);
    sim.preset(VIN, "ok").await;
    let (ok, etag) = fresh(client.get_compliance(VIN, None).await.unwrap());
    assert_eq!(ok.blocks.len(), 8);
    assert!(ok
        .blocks
        .iter()
        .all(|b| b.status == "ok" && b.compliance_percent == 100));
    assert!(ok.warranty_valid && ok.maintenance_plan_up_to_date);
    sim.preset(VIN, "overdue_battery").await;
    let (overdue, new_etag) = fresh(client.get_compliance(VIN, Some(&etag)).await.unwrap());
    assert_ne!(new_etag, etag);
    assert!(overdue.block("battery").unwrap().is_overdue());
    assert!(!overdue.maintenance_plan_up_to_date && overdue.warranty_valid);
    assert_eq!(
        client.get_compliance(VIN, Some(&new_etag)).await.unwrap(),
        VssAnswer::NotModified
    );
    let put = json!({"visits": []});
    sim.send(reqwest::Method::PUT, &format!("/_sim/vehicles/{VIN}"), put)
        .await;
    let (generated, _) = fresh(client.get_compliance(VIN, Some(&new_etag)).await.unwrap());
    assert_eq!(
        generated.blocks.len(),
        8,
        "missing compliance: all ok, 8 blocks"
    );
    assert_eq!(generated.odometer_km, None);
}

#[tokio::test]
async fn vss_presets_describe_void_warranty_and_new_vehicles() {
    let sim = Sim::start(VssSimConfig::default()).await;
    let client = sim.client(T);
    sim.preset(VIN, "void_warranty").await;
    let (void, _) = fresh(client.get_compliance(VIN, None).await.unwrap());
    assert!(!void.warranty_valid);
    assert_eq!(
        void.warranty_void_reason.as_deref(),
        Some("maintenance_overdue")
    );
    sim.preset(VIN, "new").await;
    let (record, _) = fresh(client.get_maintenance_record(VIN, None).await.unwrap());
    assert!(record.visits.is_empty());
    let (new, _) = fresh(client.get_compliance(VIN, None).await.unwrap());
    let _: &VssCompliance = &new;
    assert!(new.blocks.iter().all(|b| b.last_service_date.is_none()));
    let (status, err) = sim
        .send(
            reqwest::Method::POST,
            &format!("/_sim/vehicles/{VIN}/preset"),
            json!({"preset": "x"}),
        )
        .await;
    assert_eq!(
        (status, err["error"]["details"]["field"].clone()),
        (400, json!("preset"))
    );
    let bad = json!({"visits": [{"odometer_km": "far"}]});
    let (status, _) = sim
        .send(reqwest::Method::PUT, &format!("/_sim/vehicles/{VIN}"), bad)
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn vss_rate_limits_the_credential_with_429_but_not_304s() {
    let cfg = VssSimConfig {
        rate_per_sec: 0.5,
        burst: 3,
        ..VssSimConfig::default()
    };
    let sim = Sim::start(cfg).await;
    sim.preset(VIN, "ok").await;
    let client = sim.client(T);
    let (_, etag) = fresh(client.get_compliance(VIN, None).await.unwrap());
    client.get_maintenance_record(VIN, None).await.unwrap();
    client
        .get_compliance("VSSZZZ5FZR6000999", None)
        .await
        .unwrap();
    let err = client.get_compliance(VIN, None).await.unwrap_err();
    match err {
        CallError::Transient {
            retry_after_secs, ..
        } => assert_eq!(retry_after_secs, Some(2)),
        other => panic!("expected 429 as transient, got {other:?}"),
    }
    for _ in 0..3 {
        assert_eq!(
            client.get_compliance(VIN, Some(&etag)).await.unwrap(),
            VssAnswer::NotModified
        );
    }
    let stats = sim.stats().await;
    assert_eq!(stats["rate_limited"], 1);
    assert_eq!(stats["not_modified"], 3);
    sim.control("/_sim/reset", json!({})).await;
    fresh(client.get_compliance(VIN, None).await.unwrap());
}

#[tokio::test]
async fn vss_unknown_vins_are_not_found_and_malformed_vins_refused() {
    let sim = Sim::start(VssSimConfig::default()).await;
    let client = sim.client(T);
    assert_eq!(
        client.get_compliance(VIN, None).await.unwrap(),
        VssAnswer::NotFound
    );
    assert_eq!(
        client
            .get_maintenance_record(VIN, Some("\"old\""))
            .await
            .unwrap(),
        VssAnswer::NotFound
    );
    let err = client.get_compliance("NOT-A-VIN", None).await.unwrap_err();
    assert!(
        matches!(&err, CallError::Refused { code, .. } if code == "invalid_vin"),
        "{err:?}"
    );
    sim.preset(VIN, "ok").await;
    let (status, _) = sim
        .send(
            reqwest::Method::DELETE,
            &format!("/_sim/vehicles/{VIN}"),
            json!(null),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        client.get_compliance(VIN, None).await.unwrap(),
        VssAnswer::NotFound
    );
}

#[tokio::test]
async fn vss_injected_503_500_and_latency_are_transient() {
    let sim = Sim::start(VssSimConfig::default()).await;
    sim.preset(VIN, "ok").await;
    let client = sim.client(T);
    sim.control(
        "/_sim/scenario",
        json!({"unavailable_next": 1, "retry_after_secs": 30, "error_next": 1}),
    )
    .await;
    let retry_after = |e: CallError| match e {
        CallError::Transient {
            retry_after_secs, ..
        } => retry_after_secs,
        other => panic!("expected transient, got {other:?}"),
    };
    assert_eq!(
        retry_after(client.get_compliance(VIN, None).await.unwrap_err()),
        Some(30)
    );
    assert_eq!(
        retry_after(client.get_compliance(VIN, None).await.unwrap_err()),
        None
    );
    fresh(client.get_compliance(VIN, None).await.unwrap());
    sim.control("/_sim/scenario", json!({"latency_ms": 800}))
        .await;
    let impatient = sim.client(Duration::from_millis(300));
    let err = impatient
        .get_maintenance_record(VIN, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CallError::Transient { message, .. } if message.contains("timeout")),
        "{err:?}"
    );
    let stats = sim.stats().await;
    assert_eq!(
        (stats["unavailable"].clone(), stats["errors"].clone()),
        (json!(1), json!(1))
    );
}

#[tokio::test]
async fn vss_is_read_only_and_requires_the_key() {
    let sim = Sim::start(VssSimConfig::default()).await;
    sim.preset(VIN, "ok").await;
    let resp = sim
        .http
        .post(sim.url(&format!("/v1/vehicles/{VIN}/compliance")))
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "GET");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let wrong = VssClient::new(&sim.handle.base_url, "nope", T).unwrap();
    assert!(matches!(
        wrong.get_compliance(VIN, None).await,
        Err(CallError::Unauthorized(_))
    ));
}

#[tokio::test]
async fn vss_with_an_unknown_vin_preset_gives_any_valid_vin_that_preset_with_a_stable_etag() {
    let cfg = VssSimConfig {
        unknown_vin_preset: Some("new".into()),
        ..VssSimConfig::default()
    };
    let sim = Sim::start(cfg).await;
    let client = sim.client(T);
    let other = "VSSZZZ5FZR6000777";
    let (c, etag) = fresh(client.get_compliance(other, None).await.unwrap());
    assert!(c.warranty_valid && c.maintenance_plan_up_to_date);
    assert_eq!(c.blocks.len(), 8);
    assert_eq!(
        client.get_compliance(other, Some(&etag)).await.unwrap(),
        VssAnswer::NotModified
    );
    let (record, _) = fresh(client.get_maintenance_record(other, None).await.unwrap());
    assert!(record.visits.is_empty(), "the new preset has no visits");
    let bad = VssSimConfig {
        unknown_vin_preset: Some("shiny".into()),
        ..VssSimConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    assert!(caas_sim::vss::start(bad, listener).await.is_err());
}
