//! The reminder before a time-limited service ends (SVC-10, NOTIF
//! "Service expiring"): three days before the end (the default) the owner
//! is told once, by email and push, on a moved clock; an extension bought
//! before that cancels the reminder of the old end.

use crate::support::app::TestApp;
use crate::support::journey::*;
use crate::support::store::*;
use chrono::Duration;
use serde_json::Value;
use std::sync::Arc;

async fn captured(t: &TestApp, car: &Car, offer: &str) -> String {
    let (status, b) = buy(t, car, "PREMIUM_AUDIO", offer, "tok_test_ok").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    wait_for(60, "active and captured", || async {
        let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
        (p["state"] == "ACTIVE" && p["payment_state"] == "CAPTURED").then_some(())
    })
    .await;
    id
}

fn reminders(notes: &[Value]) -> Vec<Value> {
    notes
        .iter()
        .filter(|n| n["event"] == "service_expiring")
        .cloned()
        .collect()
}

fn channel<'a>(n: &'a Value, c: &str) -> &'a Value {
    n["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["channel"] == c)
        .unwrap_or_else(|| panic!("a {c} delivery: {n}"))
}

#[tokio::test]
async fn a_thirty_day_service_reminds_its_owner_once_by_email_and_push_three_days_before_its_end() {
    let clock = Arc::new(OffsetClock::default());
    let t = store_app_on(clock.clone()).await;
    let car = operational_car(&t, "yago@example.test", "+34699000251").await;
    let sub = subscribe_push(&t, &car.token).await;
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;
    let id = captured(&t, &car, &offer).await;

    // Four days before the end: nothing yet.
    clock.advance(Duration::days(26));
    t.drain_jobs().await;
    assert!(reminders(&inbox(&t, &car.token).await).is_empty());

    clock.advance(Duration::days(1) + Duration::minutes(1));
    let n = wait_for(60, "the reminder sent on email and push", || async {
        let r = reminders(&inbox(&t, &car.token).await);
        r.first()
            .filter(|n| {
                channel(n, "email")["state"] == "sent" && channel(n, "push")["state"] == "sent"
            })
            .cloned()
    })
    .await;
    assert!(
        n["title"].as_str().unwrap().contains("caduca"),
        "in the owner's language: {n}"
    );
    assert!(
        n["title"].as_str().unwrap().contains("Sonido premium"),
        "{n}"
    );
    let nid = n["id"].as_str().unwrap().to_owned();
    assert!(pushed_ids(&t, &sub).await.contains(&nid));
    let emails = {
        let mut tx = t.app.store.read().await.unwrap();
        tx.list_emails(500).await.unwrap()
    };
    assert_eq!(
        emails
            .iter()
            .filter(|e| e.notification_id.as_deref() == Some(nid.as_str()))
            .count(),
        1,
        "one email"
    );

    // A day later the saga sleeps until the end: still one reminder.
    clock.advance(Duration::days(1));
    t.drain_jobs().await;
    assert_eq!(reminders(&inbox(&t, &car.token).await).len(), 1);
    let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
    assert_eq!(p["state"], "ACTIVE", "{p}");
}

#[tokio::test]
async fn an_extension_bought_before_the_reminder_cancels_the_reminder_of_the_old_end() {
    let clock = Arc::new(OffsetClock::default());
    let t = store_app_on(clock.clone()).await;
    let car = operational_car(&t, "zoe@example.test", "+34699000252").await;
    let week = offer_id(&t, &car, "PREMIUM_AUDIO", Some(7)).await;
    let first = captured(&t, &car, &week).await;
    let second = captured(&t, &car, &week).await;
    let s = get_json(
        &t.url(&format!("/api/v1/purchases/{second}")),
        Some(&car.token),
    )
    .await;
    let f = get_json(
        &t.url(&format!("/api/v1/purchases/{first}")),
        Some(&car.token),
    )
    .await;
    assert_eq!(
        s["starts_at"], f["ends_at"],
        "an extension starts at the end"
    );

    // Past the first purchase's reminder time, before its end: its saga ran.
    clock.advance(Duration::days(4) + Duration::hours(1));
    t.drain_jobs().await;
    assert!(
        reminders(&inbox(&t, &car.token).await).is_empty(),
        "the extension continues the service: no reminder of the old end"
    );
    // At its end the first one ends quietly into the extension, whose own
    // reminder comes three days before its end.
    clock.advance(Duration::days(3));
    wait_for_purchase(&t, &car, &first, "EXPIRED", 60).await;
    clock.advance(Duration::days(4));
    let n = wait_for(60, "the extension's reminder", || async {
        reminders(&inbox(&t, &car.token).await).first().cloned()
    })
    .await;
    assert_eq!(reminders(&inbox(&t, &car.token).await).len(), 1, "{n}");
}
