//! Refunds, saved payment methods and webhook fault knobs of the payment
//! gateway simulator.

use crate::support::payments::{intent, manual, sim, wait_until, PI};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn refunds_succeed_by_webhook_unless_the_card_is_refund_fails() {
    let s = sim().await;
    let paid = s
        .api
        .post_new("/v1/payment_intents", &intent("tok_test_ok", true))
        .await;
    let id = paid.body["id"].as_str().unwrap();
    let re = s
        .api
        .post_new(
            "/v1/refunds",
            &json!({"payment_intent": id, "amount": 1000, "reason": "activation_failed"}),
        )
        .await;
    assert_eq!(
        (
            re.status,
            re.body["status"].as_str(),
            re.body["currency"].as_str()
        ),
        (201, Some("pending"), Some("EUR"))
    );
    let too_much = s
        .api
        .post_new(
            "/v1/refunds",
            &json!({"payment_intent": id, "amount": 3151}),
        )
        .await;
    assert_eq!(
        (too_much.status, too_much.code()),
        (422, "refund_exceeds_available")
    );
    let ok = wait_until(Duration::from_secs(5), || async {
        s.hooks
            .types_of(PI, id)
            .contains(&"refund.succeeded".to_string())
    })
    .await;
    assert!(ok, "{:?}", s.hooks.types_of(PI, id));
    let refund_id = re.body["id"].as_str().unwrap();
    assert_eq!(
        s.api.get(&format!("/v1/refunds/{refund_id}")).await.body["status"],
        "succeeded"
    );
    assert_eq!(
        s.api.get(&format!("/v1/payment_intents/{id}")).await.body["amount_refunded"],
        1000
    );

    let bad = s
        .api
        .post_new(
            "/v1/payment_intents",
            &intent("tok_test_refund_fails", true),
        )
        .await;
    let bad_id = bad.body["id"].as_str().unwrap();
    let re = s
        .api
        .post_new("/v1/refunds", &json!({"payment_intent": bad_id}))
        .await;
    assert_eq!(re.body["amount"], 4150);
    let failed = wait_until(Duration::from_secs(5), || async {
        s.hooks
            .types_of(PI, bad_id)
            .contains(&"refund.failed".to_string())
    })
    .await;
    assert!(failed);
    let ev = s
        .hooks
        .events_of(PI, bad_id)
        .into_iter()
        .find(|e| e["type"] == "refund.failed")
        .unwrap();
    assert_eq!(
        (
            ev["data"]["object"]["failure_reason"].as_str(),
            ev["data"]["payment_intent"].as_str()
        ),
        (Some("card_closed"), Some(bad_id))
    );
}

#[tokio::test]
async fn saved_methods_inherit_their_token_and_belong_to_one_customer() {
    let s = sim().await;
    let pm = s
        .api
        .post_new(
            "/v1/payment_methods",
            &json!({"customer_reference": "cus_ref_881", "token": "tok_test_decline_expired"}),
        )
        .await;
    assert_eq!(
        (
            pm.status,
            pm.body["card"]["brand"].as_str(),
            pm.body["card"]["last4"].as_str()
        ),
        (201, Some("mastercard"), Some("0069"))
    );
    let pm_id = pm.body["id"].as_str().unwrap();
    let listed = s
        .api
        .get("/v1/payment_methods?customer_reference=cus_ref_881")
        .await;
    assert_eq!(listed.body["data"][0]["id"], pm_id);
    let declined = s
        .api
        .post_new("/v1/payment_intents", &intent(pm_id, true))
        .await;
    assert_eq!(
        declined.body["error"]["details"]["decline_code"],
        "expired_card"
    );
    let mut foreign = intent(pm_id, true);
    foreign["customer_reference"] = json!("cus_other");
    let r = s.api.post_new("/v1/payment_intents", &foreign).await;
    assert_eq!((r.status, r.code()), (422, "payment_method_invalid"));
    let bad = s
        .api
        .post_new(
            "/v1/payment_methods",
            &json!({"customer_reference": "c", "token": "tok_nope"}),
        )
        .await;
    assert_eq!((bad.status, bad.code()), (422, "token_invalid"));
    assert_eq!(
        s.api
            .delete(&format!("/v1/payment_methods/{pm_id}"))
            .await
            .body,
        json!({"id": pm_id, "deleted": true})
    );
    let gone = s.api.delete(&format!("/v1/payment_methods/{pm_id}")).await;
    assert_eq!(
        (gone.status, gone.code()),
        (404, "payment_method_not_found")
    );
}

#[tokio::test]
async fn the_duplicate_knob_delivers_every_event_twice_with_the_same_id() {
    let s = sim().await;
    s.api
        .control_post("/_sim/scenario", &json!({"webhooks": {"duplicates": 1}}))
        .await;
    let r = s
        .api
        .post_new("/v1/payment_intents", &manual("tok_test_ok"))
        .await;
    let id = r.body["id"].as_str().unwrap().to_string();
    let twice = wait_until(Duration::from_secs(5), || async {
        s.hooks.received().len() == 2
    })
    .await;
    assert!(twice);
    let got = s.hooks.received();
    assert_eq!(got[0].id, got[1].id);
    assert_eq!(
        s.hooks.types_of(PI, &id),
        vec!["payment_intent.amount_capturable_updated"]
    );
}
