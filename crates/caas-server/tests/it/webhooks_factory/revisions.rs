//! Estimate revisions applied together tell the customer the latest date
//! once.

use super::*;

#[tokio::test]
async fn revisions_applied_together_tell_the_customer_the_latest_date_once() {
    let t = app().await;
    let sims = t.sims.clone().unwrap();
    sim_scenario(&sims.factory, json!({"pause_timeline": true})).await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let order = register_sale(&t, &seller, &sale_body("rosa@example.com", "+34699000001")).await;
    t.activate("rosa@example.com", PW).await;
    let token = t.api_token("rosa@example.com", PW).await;
    pay_senal(&t, &token, &order, "tok_test_ok", "k").await;
    let e = wait_for_timeline(&t, &token, &order, "factory_order_placed", 20).await;
    let fo = e["order"]["factory_order_id"].as_str().unwrap().to_owned();
    let milestones = |notes: Vec<Value>| -> Vec<String> {
        notes
            .into_iter()
            .filter(|n| n["event"] == "manufacturing_milestone")
            .map(|n| n.to_string())
            .collect()
    };
    let before = milestones(inbox(&t, &token).await).len();

    let revision = |seq: i64, previous: &str, new: &str| {
        event(
            &format!("evt_{seq}"),
            "order.estimate_revised",
            &fo,
            &order,
            seq,
            "scheduled",
            json!({"estimated_completion_date": new, "previous_estimated_completion_date": previous,
                   "reason_code": "component_shortage", "reason": "Proveedor"}),
        )
    };
    // Three revisions wait behind a gap at 1, so all four apply in one run.
    let accepted = event(
        "evt_1",
        "order.accepted",
        &fo,
        &order,
        1,
        "accepted",
        json!({}),
    );
    let evs = [
        revision(2, "2026-12-20", "2027-01-10"),
        revision(3, "2027-01-10", "2027-01-24"),
        revision(4, "2027-01-24", "2027-02-07"),
    ];
    for (i, body) in evs.iter().enumerate() {
        assert_eq!(
            deliver(&t, SECRET, &format!("evt_{}", i + 2), now(), body).await,
            200
        );
    }
    assert_eq!(deliver(&t, SECRET, "evt_1", now(), &accepted).await, 200);
    let e = wait_for_timeline(&t, &token, &order, "factory.estimate_revised", 20).await;
    assert_eq!(e["factory"]["last_sequence"], 4);
    assert_eq!(e["order"]["estimated_completion_date"], "2027-02-07");
    let history: Vec<&str> = e["estimate_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["new"].as_str().unwrap())
        .collect();
    assert!(
        history.ends_with(&["2027-01-10", "2027-01-24", "2027-02-07"]),
        "every revision stays in the history: {history:?}"
    );
    let revised = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "factory.estimate_revised")
        .count();
    assert_eq!(revised, 3, "every revision stays in the timeline");

    let told = milestones(inbox(&t, &token).await);
    assert_eq!(
        told.len(),
        before + 2,
        "accepted, then one revision: {told:#?}"
    );
    let said = |n: &String, es: &str, en: &str| n.contains(es) || n.contains(en);
    let revision_note = told
        .iter()
        .find(|n| said(n, "07/02/2027", "7 February 2027"))
        .expect("the latest date is told");
    assert!(
        said(revision_note, "20/12/2026", "20 December 2026"),
        "against the date last told: {revision_note}"
    );
    assert!(
        !told.iter().any(|n| said(n, "24/01/2027", "24 January 2027")
            || said(n, "10/01/2027", "10 January 2027")),
        "a superseded date is not told: {told:?}"
    );
}
