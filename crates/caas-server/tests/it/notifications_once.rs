//! One notification per fact (SPEC §3.13, issue 10 item 14): across the
//! home-delivery branches, each "delivery scheduled" slot and each
//! "collect at dealership" step reaches the customer once on every channel
//! (inbox, email, SMS, push), whichever events — the booking, the carrier's
//! embarkation, a staff entry — report it.

use crate::support::app::TestApp;

use crate::support::delivery::*;
use crate::support::journey::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const VERA: &str = "vera@concesionario.test";

/// A customer's order at the dealership, with a push subscription.
struct Buyer {
    seller: String,
    order: String,
    token: String,
    vin: String,
    sub: String,
}

async fn customer(t: &TestApp, email: &str, phone: &str) -> Buyer {
    let seller = seller(t, VERA).await;
    let (order, token, vin) = at_dealership(t, &seller, &sale_body(email, phone)).await;
    let sub = subscribe_push(t, &token).await;
    Buyer {
        seller,
        order,
        token,
        vin,
        sub,
    }
}

/// How often each channel told the customer of notification row `event`.
#[derive(Debug, PartialEq, Eq)]
struct Told {
    inbox: usize,
    email: usize,
    sms: usize,
    push: usize,
}

/// Counts, once every SMS and push of the inbox has left its queue, what
/// each channel received for `event`.
async fn told(t: &TestApp, token: &str, email: &str, phone: &str, sub: &str, event: &str) -> Told {
    let notes: Vec<Value> = wait_for(30, "every SMS and push handled", || async {
        let notes = inbox(t, token).await;
        notes
            .iter()
            .all(|n| {
                ["sms", "push"]
                    .iter()
                    .all(|c| delivery(n, c).is_null() || delivery(n, c)["state"] != "pending")
            })
            .then_some(notes)
    })
    .await;
    let ids: Vec<String> = notes
        .iter()
        .filter(|n| n["event"] == event)
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    let emails = {
        let mut tx = t.app.store.read().await.unwrap();
        tx.list_emails(1000).await.unwrap()
    };
    let template = format!("notification.{event}");
    let count = |refs: &[String]| refs.iter().filter(|r| ids.contains(r)).count();
    Told {
        inbox: ids.len(),
        email: emails
            .iter()
            .filter(|e| e.to.as_str() == email && e.template == template)
            .count(),
        sms: count(&sms_refs(t, phone).await),
        push: count(&pushed_ids(t, sub).await),
    }
}

fn times(n: usize) -> Told {
    Told {
        inbox: n,
        email: n,
        sms: n,
        push: n,
    }
}

#[tokio::test]
async fn a_delivery_at_the_first_attempt_is_announced_once_though_booking_and_embarkation_both_report_the_slot(
) {
    let t = delivery_app(|_| {}).await;
    let (email, phone) = ("irene@example.test", "+34699000601");
    let Buyer {
        order,
        token,
        vin,
        sub,
        ..
    } = customer(&t, email, phone).await;
    carrier_plan(&t, &vin, "delivered").await;
    pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    wait_for_state(
        &t,
        &token,
        &order,
        "DELIVERED",
        "carrier.delivery_attempted",
        60,
    )
    .await;

    let scheduled = told(&t, &token, email, phone, &sub, "delivery_scheduled").await;
    assert_eq!(scheduled, times(1), "one slot, one notice per channel");
    let note = inbox(&t, &token)
        .await
        .into_iter()
        .find(|n| n["event"] == "delivery_scheduled")
        .unwrap();
    assert_eq!(note["title"], "Entrega a domicilio programada", "{note}");
    let e = expediente(&t, &token, &order).await;
    let kinds: Vec<&str> = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    for k in ["delivery_booked", "carrier.embarked"] {
        assert!(kinds.contains(&k), "both stay in the timeline: {kinds:?}");
    }
}

#[tokio::test]
async fn a_new_window_agreed_by_phone_is_a_new_fact_told_once_and_the_second_embarkation_repeats_nothing(
) {
    let t = delivery_app(|_| {}).await;
    let (email, phone) = ("jorge@example.test", "+34699000602");
    let Buyer {
        order,
        token,
        vin,
        sub,
        ..
    } = customer(&t, email, phone).await;
    carrier_plan(&t, &vin, "absent_rescheduled").await;
    pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    wait_for_state(&t, &token, &order, "DELIVERED", "carrier.phone_contact", 60).await;

    let scheduled = told(&t, &token, email, phone, &sub, "delivery_scheduled").await;
    assert_eq!(scheduled, times(2), "the first slot and the agreed one");
    let bodies: Vec<String> = inbox(&t, &token)
        .await
        .into_iter()
        .filter(|n| n["event"] == "delivery_scheduled")
        .map(|n| n["body"].as_str().unwrap().to_owned())
        .collect();
    assert_ne!(bodies[0], bodies[1], "two different slots: {bodies:?}");
    check_invariants(&t).await;
}

#[tokio::test]
async fn an_unreachable_customer_is_told_the_slot_once_and_to_collect_once_per_step_whoever_reports_it(
) {
    let t = delivery_app(|_| {}).await;
    let (email, phone) = ("kevin@example.test", "+34699000603");
    let Buyer {
        seller,
        order,
        token,
        vin,
        sub,
    } = customer(&t, email, phone).await;
    carrier_plan(&t, &vin, "absent_unreachable").await;
    pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    wait_for_state(
        &t,
        &token,
        &order,
        "RETURNING_TO_DEALERSHIP",
        "carrier.returned_to_dealership",
        60,
    )
    .await;
    let (status, o) = staff_post(&t, &seller, &order, "return-reception", json!({})).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("HELD_AT_DEALERSHIP")),
        "{o}"
    );

    assert_eq!(
        told(&t, &token, email, phone, &sub, "delivery_scheduled").await,
        times(1)
    );
    assert_eq!(
        told(&t, &token, email, phone, &sub, "collect_at_dealership").await,
        times(2),
        "the return decided, then the vehicle received"
    );
    check_invariants(&t).await;
}

#[tokio::test]
async fn a_staff_entry_of_the_embarkation_in_the_booked_slot_repeats_no_notice_and_one_in_another_slot_tells_it(
) {
    let t = delivery_app(|_| {}).await;
    let (email, phone) = ("laia@example.test", "+34699000604");
    let Buyer {
        seller,
        order,
        token,
        sub,
        ..
    } = customer(&t, email, phone).await;
    let carrier = t.sims.clone().unwrap().carrier;
    sim_scenario(&carrier, json!({"pause_timeline": true})).await;
    pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    let e = wait_for_state(&t, &token, &order, "REGISTERED", "delivery_booked", 60).await;
    let booked = e["order"]["delivery"]["home"]["window"].clone();
    assert!(
        booked["start"].is_string(),
        "the carrier planned a slot: {e}"
    );

    let body =
        json!({"entry": "embarked", "window_start": booked["start"], "window_end": booked["end"]});
    let (status, o) = staff_post(&t, &seller, &order, "delivery-entries", body).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("OUT_FOR_DELIVERY")),
        "{o}"
    );
    let mut counts = BTreeMap::new();
    counts.insert(
        "same slot",
        told(&t, &token, email, phone, &sub, "delivery_scheduled").await,
    );

    for body in [
        json!({"entry": "arrived"}),
        json!({"entry": "not_delivered", "outcome": "customer_absent"}),
    ] {
        let (status, _) = staff_post(&t, &seller, &order, "delivery-entries", body).await;
        assert_eq!(status, 200);
    }
    let start = chrono::Utc::now() + chrono::Duration::hours(30);
    let end = start + chrono::Duration::hours(2);
    let body = json!({"entry": "phone", "reached": true, "window_start": start, "window_end": end});
    let (status, o) = staff_post(&t, &seller, &order, "delivery-entries", body).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("REGISTERED")),
        "{o}"
    );
    counts.insert(
        "new slot",
        told(&t, &token, email, phone, &sub, "delivery_scheduled").await,
    );
    assert_eq!(counts["same slot"], times(1), "{counts:?}");
    assert_eq!(counts["new slot"], times(2), "{counts:?}");
}
