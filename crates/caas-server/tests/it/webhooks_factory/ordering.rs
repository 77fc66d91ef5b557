//! Ordering of factory events: dedupe by webhook-id, per-order sequence
//! with gaps waiting, unknown types ignored, and a gap that never fills
//! reconciled from the factory's events endpoint.

use super::*;

#[tokio::test]
async fn events_out_of_order_with_duplicates_and_unknown_types_apply_once_in_sequence() {
    let t = app().await;
    let sims = t.sims.clone().unwrap();
    // The simulated factory accepts the order but stays silent: the test speaks for it.
    sim_scenario(&sims.factory, json!({"pause_timeline": true})).await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("luis@example.com", "+34699000001")).await;
    t.activate("luis@example.com", PW).await;
    let token = t.api_token("luis@example.com", PW).await;
    pay_senal(&t, &token, &order, "tok_test_ok", "k").await;
    let e = wait_for_timeline(&t, &token, &order, "factory_order_placed", 20).await;
    let fo = e["order"]["factory_order_id"].as_str().unwrap().to_owned();

    let evs = [
        event(
            "evt_1",
            "order.accepted",
            &fo,
            &order,
            1,
            "accepted",
            json!({}),
        ),
        event(
            "evt_2",
            "order.production_scheduled",
            &fo,
            &order,
            2,
            "scheduled",
            json!({"production_slot_week": "2026-W50"}),
        ),
        event(
            "evt_3",
            "order.paint_shop_visited",
            &fo,
            &order,
            3,
            "scheduled",
            json!({}),
        ),
        event(
            "evt_4",
            "order.estimate_revised",
            &fo,
            &order,
            4,
            "scheduled",
            json!({"estimated_completion_date": "2027-01-10", "previous_estimated_completion_date": "2026-12-20",
                     "reason_code": "component_shortage", "reason": "Retraso del proveedor de la bomba de calor"}),
        ),
        event(
            "evt_5",
            "order.production_started",
            &fo,
            &order,
            5,
            "in_production",
            json!({"estimated_completion_date": "2027-01-10"}),
        ),
    ];
    // 5, 4, 2 arrive first (gap at 1 and 3), each twice; nothing may apply yet.
    for i in [4usize, 3, 1, 4, 1] {
        assert_eq!(
            deliver(&t, SECRET, &format!("evt_{}", i + 1), now(), &evs[i]).await,
            200
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let e = expediente(&t, &token, &order).await;
    assert_eq!(
        e["order"]["state"], "ORDERED",
        "nothing applies across a gap"
    );
    for i in [0usize, 2, 0, 2] {
        assert_eq!(
            deliver(&t, SECRET, &format!("evt_{}", i + 1), now(), &evs[i]).await,
            200
        );
    }
    let e = wait_for_state(
        &t,
        &token,
        &order,
        "IN_PRODUCTION",
        "factory.production_started",
        20,
    )
    .await;
    assert_eq!(e["factory"]["last_sequence"], 5);
    assert_eq!(e["order"]["estimated_completion_date"], "2027-01-10");
    let kinds: Vec<&str> = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    let factory: Vec<&&str> = kinds.iter().filter(|k| k.starts_with("factory.")).collect();
    assert_eq!(
        factory,
        [
            &"factory.accepted",
            &"factory.production_scheduled",
            &"factory.estimate_revised",
            &"factory.production_started"
        ]
    );
    let history = e["estimate_history"].as_array().unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last["previous"].as_str(), last["new"].as_str()),
        (Some("2026-12-20"), Some("2027-01-10"))
    );
    assert_eq!(last["reason_code"], "component_shortage");
    let notes = inbox(&t, &token).await;
    assert_eq!(
        notes
            .iter()
            .filter(|n| n["event"] == "manufacturing_milestone")
            .count(),
        4,
        "unknown type not notified, repeats not re-notified"
    );
    // A late, older event never regresses the order.
    assert_eq!(
        deliver(
            &t,
            SECRET,
            "evt_2b",
            now(),
            &evs[1].replace("evt_2", "evt_2b")
        )
        .await,
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        expediente(&t, &token, &order).await["order"]["state"],
        "IN_PRODUCTION"
    );
}

#[tokio::test]
async fn a_gap_that_never_fills_is_reconciled_from_the_factory_events_endpoint() {
    let t = app().await;
    let sims = t.sims.clone().unwrap();
    // The factory drops every production_scheduled webhook; /events still lists it.
    sim_scenario(
        &sims.factory,
        json!({"webhooks": {"drop_types": ["order.production_scheduled"]}}),
    )
    .await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("eva@example.com", "+34699000001")).await;
    t.activate("eva@example.com", PW).await;
    let token = t.api_token("eva@example.com", PW).await;
    pay_senal(&t, &token, &order, "tok_test_ok", "k").await;
    let e = wait_for_state(
        &t,
        &token,
        &order,
        "IN_TRANSIT_TO_DEALERSHIP",
        "factory.vehicle_available",
        120,
    )
    .await;
    let kinds: Vec<&str> = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"factory.production_scheduled"),
        "the dropped event was fetched: {kinds:?}"
    );
}
