//! The intranet's manual transport entries over HTTP: with the carrier's
//! feed silent, staff record the embarkation, the failed attempt and the
//! phone outcome from the order page, and the order moves as the carrier's
//! webhooks would have moved it.

use crate::support::app::*;
use crate::support::delivery::*;
use crate::support::journey::*;
use serde_json::json;

const VERA: &str = "vera@concesionario.test";

/// Posts one entry from the order page; returns the status and the body or redirect.
async fn entry(
    t: &TestApp,
    c: &reqwest::Client,
    order: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let html = c
        .get(t.url(&format!("/intranet/orders/{order}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&html);
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = c
        .post(t.url(&format!("/intranet/orders/{order}/delivery-entry")))
        .form(&all)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    match r.headers().get("location") {
        Some(l) => (status, l.to_str().unwrap().to_owned()),
        None => (status, r.text().await.unwrap()),
    }
}

async fn order_html(t: &TestApp, c: &reqwest::Client, order: &str) -> String {
    c.get(t.url(&format!("/intranet/orders/{order}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn staff_record_a_silent_carriers_steps_from_the_order_page_and_the_car_returns() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, VERA).await;
    let (order, token, _) =
        at_dealership(&t, &seller, &sale_body("ines@example.test", "+34699000401")).await;
    sim_scenario(
        &t.sims.clone().unwrap().carrier,
        json!({"pause_timeline": true}),
    )
    .await;
    pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    wait_for_state(&t, &token, &order, "REGISTERED", "delivery_booked", 60).await;
    let c = t.web_login(VERA, PW).await;

    let html = order_html(&t, &c, &order).await;
    assert!(
        html.contains("id=\"entry-embark-form\""),
        "embarkation offered"
    );
    assert!(
        !html.contains("id=\"entry-phone-form\""),
        "no call before an attempt"
    );
    let bad = [
        ("entry", "embarked"),
        ("window_start", "2030-01-10T10:00"),
        ("window_end", "2030-01-10T18:00"),
    ];
    let (status, body) = entry(&t, &c, &order, &bad).await;
    assert_eq!(status, 422, "an 8-hour window");
    assert!(
        body.contains("at most 4 hours"),
        "readable error on the page"
    );
    assert_eq!(
        staff_view(&t, &seller, &order).await["order"]["state"],
        "REGISTERED",
        "nothing changed"
    );

    let ok = [
        ("entry", "embarked"),
        ("window_start", "2030-01-10T10:00"),
        ("window_end", "2030-01-10T12:00"),
    ];
    let (status, to) = entry(&t, &c, &order, &ok).await;
    assert_eq!(
        (status, to.as_str()),
        (
            303,
            format!("/intranet/orders/{order}?n=entry_recorded").as_str()
        )
    );
    let html = order_html(&t, &c, &order).await;
    assert!(
        html.contains("id=\"entry-delivered-form\"") && html.contains("id=\"entry-failed-form\"")
    );
    assert_eq!(entry(&t, &c, &order, &[("entry", "arrived")]).await.0, 303);
    let failed = [("entry", "not_delivered"), ("outcome", "customer_absent")];
    assert_eq!(entry(&t, &c, &order, &failed).await.0, 303);
    let html = order_html(&t, &c, &order).await;
    assert!(
        html.contains("id=\"entry-phone-form\""),
        "the call comes next"
    );
    let (status, _) = entry(&t, &c, &order, &[("entry", "phone"), ("reached", "no")]).await;
    assert_eq!(status, 303);

    let o = staff_view(&t, &seller, &order).await;
    assert_eq!(o["order"]["state"], "RETURNING_TO_DEALERSHIP", "{o}");
    let attempt = &o["order"]["delivery"]["home"]["attempts"][0];
    assert_eq!(
        (
            attempt["handover_outcome"].as_str(),
            attempt["outcome"].as_str()
        ),
        (Some("customer_absent"), Some("returned")),
        "{attempt}"
    );
    let collect = inbox(&t, &token)
        .await
        .iter()
        .filter(|n| n["event"] == "collect_at_dealership")
        .count();
    assert_eq!(collect, 1, "the customer is told where to collect it");
    check_invariants(&t).await;
}
