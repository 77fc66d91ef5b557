//! Saved cards through the client: a hosted-field token saved as a `pm_…`,
//! listed, paid with (charge and authorization) and deleted; refused tokens.

use super::{exp_year, gateway, key, purchase};
use caas_domain::partners::{AuthorizationState, PaymentCallError, PaymentGateway};
use caas_domain::payment::GatewayOutcome;
use caas_sim::payments::luhn_valid;

/// A Luhn-valid visa number ending in `last4` (a test-card row).
fn card_ending(last4: &str) -> String {
    (0..10)
        .map(|d| format!("40000000000{d}{last4}"))
        .find(|n| luhn_valid(n))
        .unwrap()
}

#[tokio::test]
async fn a_card_saved_from_a_hosted_token_is_listed_pays_and_is_deleted() {
    let g = gateway().await;
    let token = g.token("4242424242424242").await;
    let card = g
        .client
        .save_card("cus_ref_881", &token, &key())
        .await
        .unwrap();
    assert!(card.id.starts_with("pm_"));
    assert_eq!(
        (
            card.brand.as_str(),
            card.last4.as_str(),
            card.exp_month,
            card.exp_year
        ),
        ("visa", "4242", 12, exp_year())
    );
    assert_eq!(
        g.client.list_cards("cus_ref_881").await,
        Ok(vec![card.clone()])
    );
    assert_eq!(g.client.list_cards("cus_other").await, Ok(vec![]));

    let paid = g.client.charge(&purchase(&card.id), &key()).await.unwrap();
    assert_eq!(paid.outcome, GatewayOutcome::Captured);
    let held = g
        .client
        .authorize(&purchase(&card.id), &key())
        .await
        .unwrap();
    assert!(matches!(held.state, AuthorizationState::Authorized { .. }));

    assert_eq!(g.client.delete_card(&card.id).await, Ok(true));
    assert_eq!(g.client.delete_card(&card.id).await, Ok(false));
    assert_eq!(g.client.list_cards("cus_ref_881").await, Ok(vec![]));
    let gone = g.client.charge(&purchase(&card.id), &key()).await;
    assert!(
        matches!(gone, Err(PaymentCallError::Invalid { code, .. }) if code == "payment_method_invalid")
    );
}

#[tokio::test]
async fn an_unknown_or_already_used_token_is_refused_as_token_invalid() {
    let g = gateway().await;
    let unknown = g.client.save_card("cus_ref_881", "tok_nope", &key()).await;
    assert!(
        matches!(unknown, Err(PaymentCallError::Invalid { code, .. }) if code == "token_invalid")
    );
    let token = g.token("4242424242424242").await;
    g.client
        .save_card("cus_ref_881", &token, &key())
        .await
        .unwrap();
    let used = g.client.save_card("cus_ref_881", &token, &key()).await;
    assert!(matches!(used, Err(PaymentCallError::Invalid { code, .. }) if code == "token_invalid"));
}

#[tokio::test]
async fn a_saved_test_card_behaves_as_its_row_and_serves_only_its_customer() {
    let g = gateway().await;
    let token = g.token(&card_ending("9995")).await;
    let card = g
        .client
        .save_card("cus_ref_881", &token, &key())
        .await
        .unwrap();
    assert_eq!(card.last4, "9995");
    let declined = g.client.charge(&purchase(&card.id), &key()).await;
    assert!(matches!(
        declined,
        Err(PaymentCallError::Declined { decline_code, .. }) if decline_code == "insufficient_funds"
    ));
    let mut foreign = purchase(&card.id);
    foreign.customer_reference = "cus_other".into();
    let refused = g.client.authorize(&foreign, &key()).await;
    assert!(
        matches!(refused, Err(PaymentCallError::Invalid { code, .. }) if code == "payment_method_invalid")
    );
}
