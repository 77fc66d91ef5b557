//! The customer's expediente shows the car's maintenance from VSS once the
//! car has a VIN (MNT-7, EXP-2, EXP-4), on the web page and in
//! `GET /api/v1/orders/{id}`: before the VIN there is no section; VSS down
//! with no copy gives the calm "unavailable right now" message; then the
//! blocks with their status, the visit history, the warranty shown as lost
//! with its reason and the data's retrieval time; and, once the copy is
//! older than max-age and VSS is down again, the same data marked stale.
//! The embedded simulators run for real; the app's clock is a test clock.

use crate::support::app::*;
use crate::support::journey::*;
use caas_store_tests::TestClock;
use chrono::Duration;
use serde_json::{json, Value};
use std::sync::Arc;

async fn page(t: &TestApp, c: &reqwest::Client, order: &str) -> String {
    let resp = c
        .get(t.url(&format!("/expediente/{order}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.text().await.unwrap()
}

#[tokio::test]
async fn the_expediente_shows_vss_maintenance_warranty_lost_and_a_calm_message_when_vss_is_down() {
    let clock = TestClock::new();
    let t = spawn_app_with(
        |c| {
            c.sim_factory_step_ms = 40;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            c.maintenance.sim_vss_unknown_vins = "none".into();
        },
        Arc::new(clock.clone()),
    )
    .await;
    let vss = t.sims.as_ref().unwrap().vss.clone();
    let seller = seller(&t, "vera@concesionario.es").await;
    let email = "lucia@example.com";
    let order = register_sale(&t, &seller, &sale_body(email, "+34612345678")).await;
    t.activate(email, PW).await;
    let web = t.web_login(email, PW).await;
    let token = t.api_token(email, PW).await;
    assert!(
        !page(&t, &web, &order).await.contains("id=\"maintenance\""),
        "no VIN, no section"
    );
    assert_eq!(
        expediente(&t, &token, &order).await["maintenance"],
        Value::Null
    );

    pay_senal_at_dealership(&t, &seller, &order).await;
    // Staff views carry no maintenance, so waiting on them asks VSS nothing.
    let vin = wait_for(60, "the factory's VIN", || async {
        staff_view(&t, &seller, &order).await["order"]["vin"]
            .as_str()
            .map(str::to_owned)
    })
    .await;

    sim_scenario(&vss, json!({"unavailable_next": 1, "retry_after_secs": 0})).await;
    let html = page(&t, &web, &order).await;
    assert!(html.contains("id=\"maintenance-unavailable\""), "{html}");
    assert!(html.contains("no están disponibles en este momento"));

    let (status, v) = post_json(
        &format!("{vss}/_sim/vehicles/{vin}/preset"),
        None,
        &json!({"preset": "void_warranty"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let html = page(&t, &web, &order).await;
    assert!(
        html.contains("id=\"block-battery\" class=\"overdue\""),
        "{html}"
    );
    assert!(html.contains("<td>Batería</td><td>50 %</td><td>Vencido</td>"));
    assert!(html.contains("id=\"block-brakes\" class=\"ok\""));
    assert!(html.contains("Perdida: falta mantenimiento obligatorio"));
    assert!(html.contains("Taller Oficial Chamartín, Madrid</td><td>Oficial</td>"));
    assert!(html.contains("Datos del sistema de talleres (VSS) a las"));
    assert!(!html.contains("id=\"maintenance-stale\""));

    let m = expediente(&t, &token, &order).await["maintenance"].clone();
    assert_eq!(m["availability"], "current", "{m}");
    assert_eq!(m["warranty"]["valid"], false);
    assert_eq!(m["warranty"]["void_reason"], "maintenance_overdue");
    let battery = m["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block"] == "battery")
        .unwrap();
    assert_eq!(
        (
            battery["status"].clone(),
            battery["compliance_percent"].clone()
        ),
        (json!("overdue"), json!(50))
    );
    assert_eq!(m["visits"][0]["network"], "official");
    let retrieved = m["retrieved_at"].as_str().unwrap().to_owned();

    clock.advance(Duration::seconds(901));
    sim_scenario(
        &vss,
        json!({"unavailable_next": 4, "retry_after_secs": 600}),
    )
    .await;
    let html = page(&t, &web, &order).await;
    assert!(html.contains("id=\"maintenance-stale\""), "{html}");
    assert!(
        html.contains("Perdida: falta mantenimiento obligatorio"),
        "the copy is still shown"
    );
    let m = expediente(&t, &token, &order).await["maintenance"].clone();
    assert_eq!(
        (m["availability"].clone(), m["retrieved_at"].clone()),
        (json!("stale"), json!(retrieved))
    );
}
