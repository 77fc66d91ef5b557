//! The support queue (ADM-4, SEC-2, SEC-5): a purchase that fails on the
//! car appears in `/support` with its diagnostic package (attempt log with
//! command ids and codes, the confirming query's snapshot, payment
//! reference and void status) and is resolved once by a SUPPORT employee;
//! SUPPORT reads cars but cannot buy, and the one command it can cause is
//! a `state.query`; no route of the table takes a free-form command.

use crate::support::app::*;
use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::sales::HELPER_PW;
use crate::support::store::*;
use crate::support::twin::*;
use axum::http::Method;
use caas_domain::account::Role;
use caas_server::routes::{table, Access};
use serde_json::{json, Value};

#[tokio::test]
async fn a_failed_purchase_reaches_the_queue_with_its_package_and_is_resolved_once() {
    let t = store_app().await;
    let car = operational_car(&t, "susana@example.test", "+34699000251").await;
    let staff = support_account(&t, "soporte.cola@example.test").await;
    let token = t.api_token("soporte.cola@example.test", HELPER_PW).await;
    let offer = offer_id(&t, &car, "ENTERTAINMENT_PACK", Some(7)).await;
    fleet_faults(&t, &car.vin, json!({"fail_next": 1})).await;
    let (status, b) = buy(&t, &car, "ENTERTAINMENT_PACK", &offer, "tok_test_ok").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    wait_for_purchase(&t, &car, &id, "FAILED_NOT_CHARGED", 60).await;

    let case: Value = wait_for(30, "the case with the void recorded", || async {
        let cases = get_json(&t.url("/api/v1/support/cases"), Some(&token)).await;
        cases
            .as_array()?
            .iter()
            .find(|c| c["purchase_id"] == id.as_str() && c["voided"] == true)
            .cloned()
    })
    .await;
    assert_eq!(case["kind"], "activation_failed");
    assert_eq!(case["priority"], "high");
    let kinds: Vec<&str> = case["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["feature.enable", "state.query"], "{case}");
    assert_eq!(
        case["attempts"][0]["error_code"], "hardware_fault",
        "{case}"
    );
    assert!(case["attempts"][0]["command_id"]
        .as_str()
        .unwrap()
        .starts_with("cmd_"));
    let snapshot = case["snapshot"]
        .as_array()
        .expect("the confirming query's state");
    assert!(
        snapshot
            .iter()
            .any(|f| f["code"] == "ENTERTAINMENT_PACK" && f["enabled"] == false),
        "{case}"
    );
    assert!(
        case["payment_reference"]
            .as_str()
            .is_some_and(|r| !r.is_empty()),
        "{case}"
    );

    // The page shows the same package; the form records the resolution.
    let web = t.web_login("soporte.cola@example.test", HELPER_PW).await;
    let html = web
        .get(t.url("/support"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let case_id = case["id"].as_str().unwrap();
    assert!(html.contains(&format!("case-{case_id}")), "{html}");
    assert!(
        html.contains("hardware_fault") && html.contains("Paquete de diagnóstico"),
        "{html}"
    );
    let csrf = csrf_in(&html);
    let r = web
        .post(t.url(&format!("/support/cases/{case_id}/resolve")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("resolution", "Módulo multimedia sustituido en taller"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    let cases = get_json(&t.url("/api/v1/support/cases"), Some(&token)).await;
    let done = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == case_id)
        .unwrap();
    assert_eq!(done["resolution"], "Módulo multimedia sustituido en taller");
    assert_eq!(done["resolved_by"], staff.id.as_str());
    let (status, again) = post_json(
        &t.url(&format!("/api/v1/support/cases/{case_id}/resolution")),
        Some(&token),
        &json!({"text": "Otra vez"}),
    )
    .await;
    assert_eq!(status, 409, "resolved once: {again}");
}

#[tokio::test]
async fn support_reads_a_car_and_can_ask_its_state_but_cannot_buy() {
    let t = store_app().await;
    let car = operational_car(&t, "sabina@example.test", "+34699000252").await;
    let token = support_staff(&t, "soporte.lectura@example.test").await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;
    let body = json!({"items": [{"option_code": "PREMIUM_AUDIO", "offer_id": offer}], "payment_method": "tok_test_ok"});
    for path in [
        format!("/api/v1/vehicles/{}/purchases", car.vehicle_id),
        format!("/api/v1/vehicles/{}/purchases/quote", car.vehicle_id),
    ] {
        let (status, p) = post_json(&t.url(&path), Some(&token), &body).await;
        assert_eq!(status, 403, "{path}: {p}");
    }
    let view_url = t.url(&format!("/api/v1/support/vehicles/{}", car.vehicle_id));
    let view = get_json(&view_url, Some(&token)).await;
    assert_eq!(view["vin"], car.vin.as_str(), "{view}");
    assert_eq!(view["presence"], "online", "{view}");
    let seq = view["seq"].as_i64().expect("a reported state");
    let queries_before = state_queries(&t, &car.vin).await;
    let (status, _) = post_json(
        &t.url(&format!(
            "/api/v1/support/vehicles/{}/state-query",
            car.vehicle_id
        )),
        Some(&token),
        &json!({"type": "feature.disable", "params": {"feature_code": "HEAT_PUMP"}}),
    )
    .await;
    assert_eq!(status, 202);
    wait_for(30, "the car's answer applied", || async {
        let v = get_json(&view_url, Some(&token)).await;
        (v["seq"].as_i64().unwrap_or(0) > seq).then_some(())
    })
    .await;
    assert_eq!(
        state_queries(&t, &car.vin).await,
        queries_before + 1,
        "one state.query, whatever the body said"
    );
    let sim_car = fleet_vehicle(&t, &car.vin).await;
    assert!(
        !sim_car["commands"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "feature.disable"),
        "{sim_car}"
    );
    // A customer is not support.
    let (status, _) = post_json(
        &t.url(&format!(
            "/api/v1/support/vehicles/{}/state-query",
            car.vehicle_id
        )),
        Some(&car.token),
        &json!({}),
    )
    .await;
    assert_eq!(status, 403);
}

async fn state_queries(t: &TestApp, vin: &str) -> usize {
    fleet_vehicle(t, vin).await["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "state.query")
        .count()
}

#[test]
fn no_route_takes_a_free_form_command_and_the_only_one_a_person_causes_is_a_state_query() {
    let mut asks = Vec::new();
    for r in table() {
        let path = r.path.to_ascii_lowercase();
        assert!(
            !path.contains("command") && !path.contains("ota") && !path.contains("fleet"),
            "{} {} would name a command",
            r.method,
            r.path
        );
        if path.contains("state-query") {
            asks.push(r.path);
            assert_eq!(r.method, Method::POST);
            assert!(
                matches!(r.access, Access::Roles(roles) if roles == [Role::Support, Role::Admin]),
                "{} is for support only",
                r.path
            );
        }
        if path.starts_with("/support") || path.starts_with("/api/v1/support") {
            assert!(
                matches!(r.access, Access::Roles(roles) if !roles.contains(&Role::Customer) && !roles.contains(&Role::Sales)),
                "{} is for support only",
                r.path
            );
        }
        let support_may = match r.access {
            Access::Public | Access::Authenticated => true,
            Access::Roles(roles) => roles.contains(&Role::Support),
        };
        if support_may && r.method != Method::GET {
            assert!(
                !path.contains("purchases") && !path.contains("store") && !path.contains("refund"),
                "SUPPORT may not buy or refund: {} {}",
                r.method,
                r.path
            );
        }
    }
    assert_eq!(
        asks,
        [
            "/api/v1/support/vehicles/{vehicle_id}/state-query",
            "/support/vehicles/{vehicle_id}/state-query"
        ],
        "the only person-triggered command routes"
    );
}
