//! Signature verification of factory webhooks on the raw bytes: forged,
//! stale or unsigned events get 401, a signed one 200.

use super::*;

#[tokio::test]
async fn forged_stale_or_unsigned_factory_events_get_401_and_a_signed_one_200() {
    let t = app().await;
    let body = event(
        "evt_sig_1",
        "order.accepted",
        "fo_X",
        "ord_unknown",
        1,
        "accepted",
        json!({}),
    );
    let forged = WebhookSecret::generate();
    assert_eq!(
        deliver(&t, &forged, "evt_sig_1", now(), &body).await,
        401,
        "forged secret"
    );
    assert_eq!(
        deliver(&t, SECRET, "evt_sig_1", now() - 301, &body).await,
        401,
        "stale timestamp"
    );
    assert_eq!(
        deliver(&t, SECRET, "evt_sig_1", now() + 301, &body).await,
        401,
        "timestamp from the future"
    );
    let unsigned = client()
        .post(t.url("/webhooks/factory"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    let ts = now();
    let sig = WebhookSecret::parse(SECRET)
        .unwrap()
        .sign("evt_sig_1", ts, body.as_bytes());
    let tampered = client()
        .post(t.url("/webhooks/factory"))
        .header("webhook-id", "evt_sig_1")
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(body.replace("accepted", "cancelled"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        tampered.status(),
        401,
        "a changed byte breaks the signature"
    );
    assert_eq!(
        deliver(&t, SECRET, "evt_sig_1", now() - 299, &body).await,
        200,
        "inside the tolerance"
    );
    assert_eq!(
        deliver(&t, SECRET, "evt_sig_1", now(), &body).await,
        200,
        "a repeat is acknowledged"
    );
}
