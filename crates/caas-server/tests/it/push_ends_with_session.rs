//! Push goes only to a logged-in app installation (SPEC §3.13 NOTIF-4): a
//! push subscription belongs to the session that registered it, and ends
//! with it — after a logout, web or app, no push reaches that device, while
//! the customer's other, still logged-in device keeps receiving them.

use crate::support::app::*;
use crate::support::journey::*;
use caas_domain::clock::SystemClock;
use serde_json::{json, Value};
use std::sync::Arc;

async fn app() -> TestApp {
    spawn_app_with(
        |c| {
            c.sim_factory_step_ms = 60;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            c.factory_gap_wait_secs = 1;
        },
        Arc::new(SystemClock),
    )
    .await
}

/// The first milestone's notification once its push delivery has an outcome.
async fn next_milestone(t: &TestApp, token: &str, fo: &str) -> Value {
    sim_advance(t, fo).await;
    wait_for_note(t, token, 20, "the first milestone's push outcome", |n| {
        n["event"] == "manufacturing_milestone" && delivery(n, "push")["state"] != "pending"
    })
    .await
}

/// Registers a fake browser's subscription through the web form of `c`.
async fn subscribe_on_the_web(t: &TestApp, c: &reqwest::Client) -> String {
    let sims = t.sims.clone().unwrap();
    let (status, sub) = post_json(
        &format!("{}/_sim/subscriptions", sims.push),
        None,
        &json!({}),
    )
    .await;
    assert_eq!(status, 201);
    let csrf = t.csrf(c, "/preferences").await;
    let resp = c
        .post(t.url("/preferences/push"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("endpoint", sub["endpoint"].as_str().unwrap()),
            ("p256dh", sub["keys"]["p256dh"].as_str().unwrap()),
            ("auth", sub["keys"]["auth"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        resp.status().is_success() || resp.status().is_redirection(),
        "{}",
        resp.status()
    );
    sub["endpoint"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn after_an_app_logs_out_its_device_receives_no_push_and_the_other_logged_in_device_still_does(
) {
    let t = app().await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(&sims.factory, json!({"pause_timeline": true})).await;
    let seller = seller(&t, "ventas.push@concesionario.es").await;
    let email = "olga@example.com";
    let (order, phone) = sold_to(&t, &seller, email, "+34699000701").await;
    let tablet = t.api_token(email, PW).await;
    let phone_sub = subscribe_push(&t, &phone).await;
    let tablet_sub = subscribe_push(&t, &tablet).await;
    pay_senal(&t, &phone, &order, "tok_test_ok", "k1").await;
    let e = wait_for_timeline(&t, &phone, &order, "factory_order_placed", 20).await;
    let fo = e["order"]["factory_order_id"].as_str().unwrap().to_owned();
    t.drain_jobs().await;
    assert_eq!(
        (
            pushed_ids(&t, &phone_sub).await.len(),
            pushed_ids(&t, &tablet_sub).await.len()
        ),
        (2, 2),
        "the first two pushes on both devices"
    );

    let resp = client()
        .post(t.url("/api/v1/auth/revoke"))
        .bearer_auth(&phone)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let listed = get_json(&t.url("/api/v1/push-subscriptions"), Some(&tablet)).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "only the tablet's: {listed}"
    );

    let note = next_milestone(&t, &tablet, &fo).await;
    assert_eq!(delivery(&note, "push")["state"], "sent", "{note}");
    let id = note["id"].as_str().unwrap().to_owned();
    assert!(
        pushed_ids(&t, &tablet_sub).await.contains(&id),
        "the tablet is still logged in"
    );
    assert_eq!(
        pushed_ids(&t, &phone_sub).await.len(),
        2,
        "no push reaches the logged-out phone"
    );
}

#[tokio::test]
async fn after_the_web_logout_the_browser_it_registered_receives_no_push() {
    let t = app().await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(&sims.factory, json!({"pause_timeline": true})).await;
    let seller = seller(&t, "ventas.web@concesionario.es").await;
    let email = "pilar@example.com";
    let (order, token) = sold_to(&t, &seller, email, "+34699000702").await;
    let browser = t.web_login(email, PW).await;
    let sub = subscribe_on_the_web(&t, &browser).await;
    pay_senal(&t, &token, &order, "tok_test_ok", "k1").await;
    let e = wait_for_timeline(&t, &token, &order, "factory_order_placed", 20).await;
    let fo = e["order"]["factory_order_id"].as_str().unwrap().to_owned();
    t.drain_jobs().await;
    assert_eq!(pushed_ids(&t, &sub).await.len(), 2, "the first two pushes");

    let csrf = t.csrf(&browser, "/preferences").await;
    let resp = browser
        .post(t.url("/logout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(
        resp.status().is_success() || resp.status().is_redirection(),
        "{}",
        resp.status()
    );

    let note = next_milestone(&t, &token, &fo).await;
    assert_eq!(
        delivery(&note, "push")["state"],
        "skipped",
        "no logged-in installation: {note}"
    );
    assert_eq!(
        pushed_ids(&t, &sub).await.len(),
        2,
        "no push after the logout"
    );
    assert_eq!(
        get_json(&t.url("/api/v1/push-subscriptions"), Some(&token)).await,
        json!([])
    );
}
