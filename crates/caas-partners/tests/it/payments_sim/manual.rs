//! Manual capture through the client: authorize, capture (partial, once,
//! replayed under its key), cancel with a reason, expiry, and reading an
//! authorization back.

use super::{eur, eventually, gateway, gateway_with, key, purchase};
use caas_domain::partners::{
    AuthorizationState, CallError, CancelError, CancelReason, CaptureAnswer, CaptureError,
    PaymentCallError, PaymentGateway,
};

#[tokio::test]
async fn an_authorization_is_held_then_captured_once_and_a_repeat_under_its_key_gets_the_same_capture(
) {
    let g = gateway().await;
    let auth = g
        .client
        .authorize(&purchase("tok_test_ok"), &key())
        .await
        .unwrap();
    let AuthorizationState::Authorized { expires_at } = auth.state else {
        panic!("not held: {auth:?}");
    };
    assert!(expires_at.is_some_and(|t| t > chrono::Utc::now()));
    let id = auth.intent_id.as_str();
    let read = g.client.find_authorization(id).await.unwrap().unwrap();
    assert_eq!(read.state, AuthorizationState::Authorized { expires_at });

    let capture_key = key();
    let captured = g.client.capture(id, Some(eur(4000)), &capture_key).await;
    let want = CaptureAnswer {
        intent_id: id.to_owned(),
        captured: eur(4000),
    };
    assert_eq!(captured, Ok(want.clone()));
    let repeat = g.client.capture(id, Some(eur(4000)), &capture_key).await;
    assert_eq!(repeat, Ok(want), "the stored success");
    let second = g.client.capture(id, None, &key()).await;
    assert_eq!(
        second,
        Err(CaptureError::NotCapturable {
            status: "succeeded".into()
        })
    );
    let read = g.client.find_authorization(id).await.unwrap().unwrap();
    assert_eq!(read.state, AuthorizationState::Captured);
}

#[tokio::test]
async fn an_authorization_canceled_because_activation_failed_can_no_longer_be_captured() {
    let g = gateway().await;
    let auth = g
        .client
        .authorize(&purchase("tok_test_ok"), &key())
        .await
        .unwrap();
    let id = auth.intent_id.as_str();
    let reason = CancelReason::ActivationFailed;
    assert_eq!(g.client.cancel(id, reason, &key()).await, Ok(()));
    assert_eq!(
        g.client.cancel(id, reason, &key()).await,
        Ok(()),
        "a repeat cancel is fine"
    );
    let read = g.client.find_authorization(id).await.unwrap().unwrap();
    assert_eq!(
        read.state,
        AuthorizationState::Canceled {
            reason: Some(CancelReason::ActivationFailed)
        }
    );
    assert_eq!(
        g.client.capture(id, None, &key()).await,
        Err(CaptureError::NotCapturable {
            status: "canceled".into()
        })
    );
}

#[tokio::test]
async fn a_lapsed_authorization_reads_as_expired_and_refuses_its_capture() {
    let g = gateway_with(|c| c.auth_expiry_delay_ms = 100).await;
    let auth = g
        .client
        .authorize(&purchase("tok_test_auth_expires"), &key())
        .await
        .unwrap();
    assert!(matches!(auth.state, AuthorizationState::Authorized { .. }));
    let id = auth.intent_id.as_str();
    let expired = eventually(|| async {
        let read = g.client.find_authorization(id).await.unwrap().unwrap();
        read.state == AuthorizationState::Expired
    })
    .await;
    assert!(expired, "the authorization never lapsed");
    assert_eq!(
        g.client.capture(id, None, &key()).await,
        Err(CaptureError::NotCapturable {
            status: "canceled".into()
        })
    );
}

#[tokio::test]
async fn a_captured_payment_cannot_be_canceled_only_refunded() {
    let g = gateway().await;
    let paid = g
        .client
        .charge(&purchase("tok_test_ok"), &key())
        .await
        .unwrap();
    let refused = g
        .client
        .cancel(&paid.intent_id, CancelReason::RequestedByCustomer, &key())
        .await;
    assert_eq!(refused, Err(CancelError::AlreadyCaptured));
}

#[tokio::test]
async fn a_declined_authorization_is_an_error_and_reads_back_as_declined() {
    let g = gateway().await;
    let err = g
        .client
        .authorize(&purchase("tok_test_decline_insufficient_funds"), &key())
        .await
        .unwrap_err();
    let PaymentCallError::Declined {
        decline_code,
        intent_id: Some(id),
        ..
    } = err
    else {
        panic!("not a decline: {err:?}");
    };
    assert_eq!(decline_code, "insufficient_funds");
    let read = g.client.find_authorization(&id).await.unwrap().unwrap();
    assert!(matches!(
        read.state,
        AuthorizationState::Declined { ref decline_code, .. } if decline_code == "insufficient_funds"
    ));
}

#[tokio::test]
async fn an_unknown_intent_is_none_when_read_and_refused_when_captured_or_canceled() {
    let g = gateway().await;
    assert_eq!(g.client.find_authorization("pi_nope").await, Ok(None));
    assert!(matches!(
        g.client.capture("pi_nope", None, &key()).await,
        Err(CaptureError::Call(CallError::Refused { code, .. })) if code == "payment_intent_not_found"
    ));
    assert!(matches!(
        g.client.cancel("pi_nope", CancelReason::Duplicate, &key()).await,
        Err(CancelError::Call(CallError::Refused { code, .. })) if code == "payment_intent_not_found"
    ));
}

#[tokio::test]
async fn a_delayed_authorization_answers_processing_and_reads_back_held_later() {
    let g = gateway_with(|c| c.processing_delay_ms = 100).await;
    let auth = g
        .client
        .authorize(&purchase("tok_test_delayed"), &key())
        .await
        .unwrap();
    assert_eq!(auth.state, AuthorizationState::Processing);
    let held = eventually(|| async {
        let read = g.client.find_authorization(&auth.intent_id).await.unwrap();
        matches!(
            read.map(|a| a.state),
            Some(AuthorizationState::Authorized { .. })
        )
    })
    .await;
    assert!(held, "the processing authorization was never held");
}
