//! Payment gateway and SMS provider clients.

use super::*;
use caas_domain::money::{Currency, Money};
use caas_domain::payment::GatewayOutcome;

fn intent_request() -> ChargeRequest {
    ChargeRequest {
        amount: Money::new(4_150_000, Currency::EUR).unwrap(),
        customer_reference: "cus_ref_881".into(),
        payment_method: "pm_1".into(),
        description: "Señal".into(),
        metadata: BTreeMap::from([("purpose".into(), "reservation".into())]),
    }
}

const INTENT: &str = r#"{"id": "pi_3Qx9", "status": "requires_payment_method", "amount": 4150000, "currency": "EUR",
 "amount_received": 0, "last_payment_error": {"code": "card_declined", "decline_code": "insufficient_funds", "message": "no"},
 "metadata": {"purpose": "reservation"}, "last_sequence": 1}"#;

#[tokio::test]
async fn payments_create_decline_invalid_and_reads() {
    let (url, log) = serve(
        201,
        &[],
        &INTENT.replace("requires_payment_method", "succeeded"),
    )
    .await;
    let client = PaymentsClient::new(&url, KEY, T).unwrap();
    let answer = client.charge(&intent_request(), "pay-1").await.unwrap();
    assert_eq!(
        answer,
        ChargeAnswer {
            intent_id: "pi_3Qx9".into(),
            outcome: GatewayOutcome::Captured
        },
        "'succeeded' is a capture"
    );
    let r = &seen(&log)[0];
    let sent: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        (
            &sent["amount"],
            &sent["currency"],
            &sent["capture_method"],
            &sent["confirm"]
        ),
        (
            &serde_json::json!(4_150_000),
            &serde_json::json!("EUR"),
            &serde_json::json!("automatic"),
            &serde_json::json!(true)
        ),
        "the wire body of a charge"
    );
    assert_eq!(
        (
            r.uri.as_str(),
            r.header("idempotency-key").unwrap().as_str()
        ),
        ("/v1/payment_intents", "pay-1")
    );
    assert_eq!(r.header("authorization").unwrap(), format!("Bearer {KEY}"));

    let declined = format!(
        r#"{{"error": {{"code": "card_declined", "message": "Your card has insufficient funds.",
        "details": {{"decline_code": "insufficient_funds", "payment_intent": {INTENT}}}}}}}"#
    );
    let (url, _) = serve(402, &[], &declined).await;
    let client = PaymentsClient::new(&url, KEY, T).unwrap();
    match client.charge(&intent_request(), "pay-2").await {
        Err(PaymentCallError::Declined {
            decline_code,
            message,
            intent_id,
        }) => {
            assert_eq!(decline_code, "insufficient_funds");
            assert_eq!(message, "Your card has insufficient funds.");
            assert_eq!(intent_id.as_deref(), Some("pi_3Qx9"));
        }
        other => panic!("{other:?}"),
    }

    let (url, _) = serve(
        422,
        &[],
        r#"{"error": {"code": "currency_not_supported", "message": "XYZ"}}"#,
    )
    .await;
    let client = PaymentsClient::new(&url, KEY, T).unwrap();
    let err = client.charge(&intent_request(), "pay-3").await.unwrap_err();
    assert_eq!(
        err,
        PaymentCallError::Invalid {
            code: "currency_not_supported".into(),
            message: "XYZ".into()
        }
    );

    let (url, _) = serve(
        404,
        &[],
        r#"{"error": {"code": "payment_intent_not_found", "message": "x"}}"#,
    )
    .await;
    let client = PaymentsClient::new(&url, KEY, T).unwrap();
    assert_eq!(client.find_charge("pi_x").await.unwrap(), None);
    let (url, _) = serve(200, &[], INTENT).await;
    let client = PaymentsClient::new(&url, KEY, T).unwrap();
    assert_eq!(
        client
            .find_charge("pi_3Qx9")
            .await
            .unwrap()
            .unwrap()
            .outcome,
        GatewayOutcome::Declined {
            code: "insufficient_funds".into(),
            message: "no".into()
        },
        "'requires_payment_method' with its last error is a decline"
    );

    let (url, log) = serve(200, &[], r#"{"data": [{"id": "evt_pay_1", "type": "payment_intent.succeeded", "data": {"sequence": 1}}]}"#).await;
    let client = PaymentsClient::new(&url, KEY, T).unwrap();
    let events = client.list_intent_events("pi_3Qx9").await.unwrap();
    assert_eq!(events[0].id, "evt_pay_1");
    assert_eq!(seen(&log)[0].uri, "/v1/payment_intents/pi_3Qx9/events");
}

pub(crate) fn sms_request() -> SmsRequest {
    SmsRequest {
        to: "+34699000001".into(),
        body: "Tu vehículo llega mañana".into(),
        sender: "CaaS".into(),
        reference: "ntf_5512".into(),
    }
}

#[tokio::test]
async fn sms_accepted_refused_and_unavailable() {
    let accepted = r#"{"message_id": "sms_9QW2", "status": "queued", "to": "+34699000001", "reference": "ntf_5512", "segments": 1}"#;
    let (url, log) = serve(202, &[], accepted).await;
    let client = SmsClient::new(&url, KEY, T).unwrap();
    let ok = client.send_sms(&sms_request(), "ntf_5512").await.unwrap();
    assert_eq!(
        ok,
        SmsAccepted {
            message_id: "sms_9QW2".into(),
            status: "queued".into()
        }
    );
    client.send_sms(&sms_request(), "ntf_5512").await.unwrap();
    let reqs = seen(&log);
    assert_eq!(reqs[0].uri, "/v1/messages");
    assert!(reqs
        .iter()
        .all(|r| r.header("idempotency-key").as_deref() == Some("ntf_5512")));
    assert!(reqs[0].body.contains("\"reference\":\"ntf_5512\""));

    let (url, _) = serve(
        422,
        &[],
        r#"{"error": {"code": "invalid_destination", "message": "bad"}}"#,
    )
    .await;
    let client = SmsClient::new(&url, KEY, T).unwrap();
    let err = client.send_sms(&sms_request(), "k").await.unwrap_err();
    assert_eq!(
        err,
        SmsError::Refused {
            code: "invalid_destination".into(),
            message: "bad".into()
        }
    );

    let (url, _) = serve(
        503,
        &[("Retry-After", "5")],
        r#"{"error": {"code": "provider_unavailable", "message": "x"}}"#,
    )
    .await;
    let client = SmsClient::new(&url, KEY, T).unwrap();
    let err = client.send_sms(&sms_request(), "k").await.unwrap_err();
    assert!(
        matches!(
            err,
            SmsError::Call(CallError::Transient {
                retry_after_secs: Some(5),
                ..
            })
        ),
        "{err:?}"
    );
}
