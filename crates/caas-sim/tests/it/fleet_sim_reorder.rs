//! Fleet simulator's reordered replies (issue 11 item 14): with
//! `reorder_replies` a command's final reply reaches the platform before its
//! `accepted`, over a real broker and the platform's real `FleetLink`.

use crate::support::fleet::{enable, env, eventually};
use caas_domain::fleet::ReplyStatus;
use caas_fleet::testing::TestBroker;
use serde_json::json;

caas_fleet::both_brokers!(
    a_reordered_car_publishes_the_final_reply_before_accepted,
    reordering_switched_off_restores_accepted_first,
);

/// The statuses the platform's sink saw for `command_id`, in arrival order.
fn statuses(e: &crate::support::fleet::Env, vin: &str, command_id: &str) -> Vec<ReplyStatus> {
    e.sink
        .replies(vin)
        .into_iter()
        .filter(|r| r.command_id == command_id)
        .map(|r| r.status)
        .collect()
}

async fn a_reordered_car_publishes_the_final_reply_before_accepted(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({})).await;
    let view = e.faults(&vin, json!({"reorder_replies": true})).await;
    assert_eq!(view["faults"]["reorder_replies"], true, "{view}");
    let cmd = enable("HEAT_PUMP", None);
    let r = e.final_reply(&vin, &cmd).await;
    assert_eq!(r.status, ReplyStatus::Succeeded);
    eventually("the late accepted", || {
        statuses(&e, &vin, cmd.command_id()).len() == 2
    })
    .await;
    assert_eq!(
        statuses(&e, &vin, cmd.command_id()),
        vec![ReplyStatus::Succeeded, ReplyStatus::Accepted],
        "final first, accepted after it"
    );
    e.shutdown().await;
}

async fn reordering_switched_off_restores_accepted_first(b: &TestBroker) {
    let e = env(b).await;
    let vin = e.vehicle(b, json!({})).await;
    e.faults(&vin, json!({"reorder_replies": true})).await;
    e.faults(&vin, json!({"reorder_replies": false})).await;
    let cmd = enable("PARK_ASSIST", None);
    assert_eq!(
        e.final_reply(&vin, &cmd).await.status,
        ReplyStatus::Succeeded
    );
    eventually("both replies", || {
        statuses(&e, &vin, cmd.command_id()).len() == 2
    })
    .await;
    assert_eq!(
        statuses(&e, &vin, cmd.command_id()),
        vec![ReplyStatus::Accepted, ReplyStatus::Succeeded]
    );
    e.shutdown().await;
}
