//! Helpers of the twin and support journeys: a SUPPORT employee's API
//! token, and the fleet simulator's controls that switch a feature behind
//! the platform's back or make the car report now.

use super::app::*;
use super::journey::*;
use super::sales::HELPER_PW;
use serde_json::json;

/// A dealership with an active SUPPORT employee `email`: their API token.
pub async fn support_staff(t: &TestApp, email: &str) -> String {
    support_account(t, email).await;
    t.api_token(email, HELPER_PW).await
}

/// A dealership with an active SUPPORT employee `email` (password [`HELPER_PW`]).
pub async fn support_account(t: &TestApp, email: &str) -> caas_domain::account::Account {
    let ctx = caas_app::context::RequestContext::default();
    let d = caas_app::dealerships::create_dealership(
        &t.app,
        &ctx,
        "test",
        "Soporte Central",
        "ES",
        "Madrid",
    )
    .await
    .unwrap();
    let input = caas_app::auth::staff::NewStaff {
        email: email.into(),
        name: "Sonia Soporte".into(),
        role: caas_domain::account::Role::Support,
        dealership_id: Some(d.id.clone()),
        language: caas_domain::account::Language::Es,
    };
    let a = caas_app::auth::staff::create_staff(&t.app, &ctx, "test", &input)
        .await
        .unwrap();
    t.activate(email, HELPER_PW).await;
    a
}

/// Switches `code` on or off on the simulated car (it reports the change).
pub async fn flip(t: &TestApp, vin: &str, code: &str, enabled: bool) {
    let url = t
        .sims
        .clone()
        .expect("simulators")
        .fleet
        .expect("fleet simulator");
    let (status, v) = post_json(
        &format!("{url}/_sim/vehicles/{vin}/features/{code}"),
        None,
        &json!({"enabled": enabled}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
}

/// Makes the simulated car publish a state report now.
pub async fn report_now(t: &TestApp, vin: &str) {
    let url = t
        .sims
        .clone()
        .expect("simulators")
        .fleet
        .expect("fleet simulator");
    let (status, v) = post_json(
        &format!("{url}/_sim/vehicles/{vin}/report"),
        None,
        &json!({}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
}
