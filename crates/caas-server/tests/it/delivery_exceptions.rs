//! The delivery half's exception branches end to end over real sockets: a
//! registration refused then corrected, a lost reservation whose vehicle is
//! sold from stock, and a refused app link retried. Each ends with the §4.1
//! invariants checked over the whole database.

use crate::support::delivery::*;
use crate::support::journey::*;
use serde_json::json;

#[tokio::test]
async fn a_refused_app_link_leaves_the_vehicle_delivered_and_a_retry_links_it() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let (order, token, vin) =
        at_dealership(&t, &seller, &sale_body("teo@example.test", "+34699000107")).await;
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
    fleet_faults(
        &t,
        &vin,
        json!({"reject_next": [{"code": "vehicle_busy", "count": 1, "types": ["app.link"]}]}),
    )
    .await;
    // A malformed key is refused before anything reaches the car.
    let (status, v) = post_json(
        &t.url(&format!("/api/v1/orders/{order}/app-link")),
        Some(&token),
        &json!({"public_key": "bm90IGEga2V5"}),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    let (status, _) = post_json(
        &t.url(&format!("/api/v1/orders/{order}/app-link")),
        Some(&token),
        &json!({"public_key": phone_public_key()}),
    )
    .await;
    assert_eq!(status, 200);
    let e = wait_for_timeline(&t, &token, &order, "app_link_failed", 30).await;
    assert_eq!(
        e["order"]["state"], "DELIVERED",
        "a failed link never undoes the handover"
    );
    let (status, _) = post_json(
        &t.url(&format!("/api/v1/orders/{order}/app-link")),
        Some(&token),
        &json!({"public_key": phone_public_key()}),
    )
    .await;
    assert_eq!(status, 200);
    wait_for_state(&t, &token, &order, "OPERATIONAL", "app_linked", 30).await;
    let car = fleet_vehicle(&t, &vin).await;
    assert_eq!(
        car["app_keys"].as_array().unwrap().len(),
        1,
        "only the key that was accepted: {car}"
    );
    check_invariants(&t).await;
}

#[tokio::test]
async fn a_registration_refused_by_the_registry_is_corrected_by_staff_and_registered() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let mut body = sale_body("irene@example.test", "+34699000104");
    body["document_number"] = json!("00000000T");
    let (order, token, _vin) = at_dealership(&t, &seller, &body).await;
    pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    let e = wait_for_state(
        &t,
        &token,
        &order,
        "REGISTRATION_ISSUE",
        "registration_issue",
        60,
    )
    .await;
    assert_eq!(
        e["order"]["delivery"]["registration"]["last_code"],
        "owner_identity_invalid"
    );
    assert_eq!(
        order_alerts(&t, "vera@concesionario.test", &order, "registration_issue")
            .await
            .len(),
        1
    );
    assert!(inbox(&t, &token)
        .await
        .iter()
        .any(|n| n["event"] == "registration_delayed"));
    let (status, o) = staff_post(
        &t,
        &seller,
        &order,
        "registration",
        json!({"document_number": "12345678Z"}),
    )
    .await;
    assert_eq!((status, o["state"].as_str()), (200, Some("PAID")), "{o}");
    wait_for_state(&t, &token, &order, "DELIVERED", "registered", 60).await;
    let rs = sim_stats(&t.sims.clone().unwrap().registry).await;
    assert_eq!(rs["registrations_created"], 1, "{rs}");
    check_invariants(&t).await;
}

#[tokio::test]
async fn at_the_deadline_the_vehicle_goes_to_stock_and_is_sold_to_another_customer() {
    let t = delivery_app(|c| {
        c.delivery.final_payment_window_secs = 3;
        c.delivery.final_payment_reminder_secs = vec![2];
    })
    .await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let (order, token, vin) =
        at_dealership(&t, &seller, &sale_body("nora@example.test", "+34699000105")).await;
    let e = wait_for_state(
        &t,
        &token,
        &order,
        "RESERVATION_LOST",
        "reservation_lost",
        30,
    )
    .await;
    let kinds: Vec<String> = inbox(&t, &token)
        .await
        .iter()
        .map(|n| n["event"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        kinds.contains(&"final_payment_reminder".to_owned())
            && kinds.contains(&"reservation_lost".to_owned()),
        "{kinds:?}"
    );
    assert_eq!(
        e["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["kind"] == "reservation_lost")
            .unwrap()["data"]["senal_policy"],
        "retained"
    );
    // AUTH-10: the first customer still reads the expediente, and cannot pay.
    let (status, _) = pay_final(&t, &token, &order, "tok_test_ok", "late").await;
    assert_eq!(status, 409);
    // ADM-3: the vehicle is in the dealership's stock, without customer.
    let stock = get_json(&t.url("/api/v1/stock"), Some(&seller)).await;
    let list = stock.as_array().unwrap();
    assert_eq!(list.len(), 1, "{stock}");
    assert_eq!(
        (list[0]["vin"].as_str(), list[0]["status"].as_str()),
        (Some(vin.as_str()), Some("SIN_ASIGNAR"))
    );
    let history: Vec<&str> = list[0]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["event"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["received", "reservation_lost"]);
    check_invariants(&t).await;

    // SALE-6: sold from stock to another customer, no factory order.
    let factory_before =
        sim_stats(&t.sims.clone().unwrap().factory).await["orders_created"].clone();
    let mut body = sale_body("olga@example.test", "+34699000106");
    body["stock_vehicle_id"] = list[0]["id"].clone();
    body["platform_code"] = json!("CITY-E-26");
    let order2 = register_sale(&t, &seller, &body).await;
    t.activate("olga@example.test", PW).await;
    let token2 = t.api_token("olga@example.test", PW).await;
    pay_senal_at_dealership(&t, &seller, &order2).await;
    let e2 = wait_for_state(
        &t,
        &token2,
        &order2,
        "AWAITING_FINAL_PAYMENT",
        "senal_paid",
        30,
    )
    .await;
    assert_eq!(e2["order"]["vin"].as_str(), Some(vin.as_str()));
    // The stock señal is told by both matrix rows, each in its own words.
    let notes = inbox(&t, &token2).await;
    let titled = |ev: &str| {
        notes
            .iter()
            .filter(|n| n["event"] == ev && n["order_id"] == order2.as_str())
            .map(|n| n["title"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let (paid, available) = (titled("payment_confirmed"), titled("vehicle_available"));
    assert_eq!((paid.len(), available.len()), (1, 1), "{notes:?}");
    assert_ne!(paid[0], available[0], "each row says its own thing");
    assert_eq!(
        e2["order"]["platform_code"], "SUV-E-26",
        "the stock vehicle's plataforma wins"
    );
    assert!(get_json(&t.url("/api/v1/stock"), Some(&seller))
        .await
        .as_array()
        .unwrap()
        .is_empty());
    carrier_plan(&t, &vin, "delivered").await;
    pay_final(&t, &token2, &order2, "tok_test_ok", "b1").await;
    wait_for_state(
        &t,
        &token2,
        &order2,
        "DELIVERED",
        "carrier.delivery_attempted",
        60,
    )
    .await;
    assert_eq!(
        sim_stats(&t.sims.clone().unwrap().factory).await["orders_created"],
        factory_before
    );
    check_invariants(&t).await;
}
