//! The delivery half end to end over real sockets (SPEC §4.1 from the
//! dealership on): the app with its embedded factory, payments, registry
//! and carrier simulators. Each branch ends with the §4.1 invariants
//! checked over the whole database.

use crate::support::delivery::*;
use crate::support::journey::*;
use serde_json::json;

#[tokio::test]
async fn a_paid_vehicle_is_registered_and_delivered_at_home_after_the_identity_check() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let (order, token, vin) = at_dealership(
        &t,
        &seller,
        &sale_body("lucia@example.test", "+34699000101"),
    )
    .await;
    let e = expediente(&t, &token, &order).await;
    let terms = &e["order"]["delivery"]["final_payment"];
    assert_eq!(
        terms["amount"]["minor"], 5_090_000,
        "price minus señal: {terms}"
    );
    assert!(terms["deadline"].is_string());

    // A declined attempt changes nothing; a retry with another card pays.
    let (status, p) = pay_final(
        &t,
        &token,
        &order,
        "tok_test_decline_insufficient_funds",
        "a1",
    )
    .await;
    assert_eq!(
        (status, p["state"].as_str()),
        (200, Some("DECLINED")),
        "{p}"
    );
    let (status, p) = pay_final(&t, &token, &order, "tok_test_ok", "a2").await;
    assert_eq!(status, 200, "{p}");
    carrier_plan(&t, &vin, "delivered").await;

    let e = wait_for_state(
        &t,
        &token,
        &order,
        "DELIVERED",
        "carrier.delivery_attempted",
        60,
    )
    .await;
    let reg = &e["order"]["delivery"]["registration"];
    let plate = reg["plate_number"].as_str().unwrap();
    assert!(regex_es_plate(plate), "Spanish plate {plate}");
    let kinds: Vec<&str> = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    for k in [
        "dealership_reception",
        "payment_declined",
        "final_payment_captured",
        "final_payment_settled",
        "registered",
        "delivery_booked",
        "carrier.embarked",
        "carrier.arrived",
    ] {
        assert!(kinds.contains(&k), "timeline has {k}: {kinds:?}");
    }
    let home = &e["order"]["delivery"]["home"];
    assert_eq!(home["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(home["attempts"][0]["outcome"], "delivered");
    assert_eq!(home["handover"]["document_last4"], "678Z");
    // The registry was called once and the carrier booked once.
    let sims = t.sims.clone().unwrap();
    let rs = sim_stats(&sims.registry).await;
    assert_eq!(rs["registrations_created"], 1, "{rs}");
    let cs = sim_stats(&sims.carrier).await;
    assert_eq!(cs["shipments_created"], 1, "{cs}");

    // DLV-11: the handover check asked the car and found the plan options on.
    let e = wait_for_timeline(&t, &token, &order, "handover_check", 30).await;
    let check = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "handover_check")
        .unwrap()
        .clone();
    let mut checked: Vec<&str> = check["data"]["checked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    checked.sort();
    assert_eq!(checked, ["DRIVER_ASSIST", "HEAT_PUMP"], "{check}");
    // DLV-9: the customer's app links; the car holds the key; OPERATIONAL.
    let (status, o) = post_json(
        &t.url(&format!("/api/v1/orders/{order}/app-link")),
        Some(&token),
        &json!({"public_key": phone_public_key(), "label": "Móvil de Lucía"}),
    )
    .await;
    assert_eq!(status, 200, "{o}");
    let key_id = o["delivery"]["app_link"]["key_id"]
        .as_str()
        .unwrap()
        .to_owned();
    wait_for_state(&t, &token, &order, "OPERATIONAL", "app_linked", 30).await;
    let car = fleet_vehicle(&t, &vin).await;
    let keys: Vec<&str> = car["app_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["key_id"].as_str().unwrap())
        .collect();
    assert_eq!(keys, [key_id.as_str()], "{car}");
    let links = car["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "app.link")
        .count();
    assert_eq!(links, 1, "one app.link command: {car}");
    assert!(inbox(&t, &token)
        .await
        .iter()
        .any(|n| n["event"] == "vehicle_operational"));
    // Linking again is refused; the vehicle page data shows the car's state.
    let (status, _) = post_json(
        &t.url(&format!("/api/v1/orders/{order}/app-link")),
        Some(&token),
        &json!({"public_key": phone_public_key()}),
    )
    .await;
    assert_eq!(status, 409);
    check_invariants(&t).await;
}

#[tokio::test]
async fn an_absent_customer_agrees_a_new_window_and_receives_the_vehicle_on_the_second_attempt() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let (order, token, vin) = at_dealership(
        &t,
        &seller,
        &sale_body("marta@example.test", "+34699000102"),
    )
    .await;
    carrier_plan(&t, &vin, "absent_rescheduled").await;
    pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    let e = wait_for_state(&t, &token, &order, "DELIVERED", "carrier.phone_contact", 60).await;
    let attempts = e["order"]["delivery"]["home"]["attempts"]
        .as_array()
        .unwrap()
        .clone();
    let outcomes: Vec<&str> = attempts
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["rescheduled", "delivered"]);
    assert_eq!(attempts[0]["phone_outcome"], "reached_new_window_agreed");
    check_invariants(&t).await;
}

#[tokio::test]
async fn an_unreachable_customer_is_told_to_collect_and_picks_the_vehicle_up_at_the_dealership() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let (order, token, vin) = at_dealership(
        &t,
        &seller,
        &sale_body("pablo@example.test", "+34699000103"),
    )
    .await;
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
    // A pickup before the dealership received it back is refused.
    let (status, _) = staff_post(
        &t,
        &seller,
        &order,
        "pickup",
        json!({"receiver_name": "Pablo", "document_number": "12345678Z"}),
    )
    .await;
    assert_eq!(status, 409);
    let (status, o) = staff_post(
        &t,
        &seller,
        &order,
        "return-reception",
        json!({"notes": "ok"}),
    )
    .await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("HELD_AT_DEALERSHIP")),
        "{o}"
    );
    let notes = inbox(&t, &token).await;
    let collect: Vec<_> = notes
        .iter()
        .filter(|n| n["event"] == "collect_at_dealership")
        .collect();
    assert_eq!(
        collect.len(),
        2,
        "told when returning and when received: {notes:?}"
    );
    // The identity document must match the buyer's.
    let (status, v) = staff_post(
        &t,
        &seller,
        &order,
        "pickup",
        json!({"receiver_name": "Otro", "document_number": "87654321X"}),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    let (status, o) = staff_post(
        &t,
        &seller,
        &order,
        "pickup",
        json!({"receiver_name": "Pablo", "document_number": "12345678z"}),
    )
    .await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("DELIVERED")),
        "{o}"
    );
    assert_eq!(o["delivery"]["home"]["handover"]["place"], "dealership");
    assert_eq!(o["delivery"]["home"]["attempts"][0]["outcome"], "returned");
    check_invariants(&t).await;
}

fn regex_es_plate(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() == 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b' '
        && b[5..].iter().all(|c| b"BCDFGHJKLMNPRSTVWXYZ".contains(c))
}
