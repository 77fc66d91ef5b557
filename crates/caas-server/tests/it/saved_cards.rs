//! Saved cards over the API and `/account/cards`, black box with every
//! simulator: a card saved from a one-time token of the gateway (`POST
//! /v1/tokens`, as a native app gets it) lists brand, last four digits and
//! expiry and goes away when deleted (the page asks first); another
//! customer's card is 404 and stays theirs.

use crate::support::app::*;
use crate::support::cards::*;
use crate::support::journey::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_saved_from_a_gateway_token_shows_brand_last4_and_expiry_and_deleting_it_removes_it()
{
    let t = spawn_app().await;
    t.active_customer("tarjetas@example.test", PW).await;
    let token = t.api_token("tarjetas@example.test", PW).await;
    assert!(list_cards(&t, &token).await.is_empty());

    let (status, card) = save_card(&t, &token, "4242 4242 4242 4242").await;
    assert_eq!(status, 201, "{card}");
    assert_eq!(card["brand"], "visa", "{card}");
    assert_eq!(card["last4"], "4242", "{card}");
    assert_eq!(
        (card["exp_month"].as_u64(), card["exp_year"].as_u64()),
        (Some(12), Some(2030))
    );
    let id = card["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("pm_"), "{card}");
    let listed = list_cards(&t, &token).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(
        !listed[0].to_string().contains("4242424242424242"),
        "never the number"
    );

    // A double submit of one token saves one card.
    let tok = card_token(&t, "5555555555554444").await;
    let body = json!({"token": tok});
    let (status, first) = post_json(&t.url("/api/v1/payment-methods"), Some(&token), &body).await;
    assert_eq!(status, 201, "{first}");
    let (status, again) = post_json(&t.url("/api/v1/payment-methods"), Some(&token), &body).await;
    assert_eq!((status, &again["id"]), (201, &first["id"]), "{again}");
    assert_eq!(list_cards(&t, &token).await.len(), 2);
    // A token that is not one is a problem naming the field.
    let (status, p) = post_json(
        &t.url("/api/v1/payment-methods"),
        Some(&token),
        &json!({"token": "4242424242424242"}),
    )
    .await;
    assert_eq!(status, 422, "{p}");
    assert!(p.to_string().contains("token"), "{p}");

    // The web page lists it too, in Spanish, with a delete that asks first.
    let web = t.web_login("tarjetas@example.test", PW).await;
    let (_, html) = page_with_csp(&web, &t, "/account/cards").await;
    assert!(
        html.contains("Visa") && html.contains("···4242") && html.contains("12/30"),
        "{html}"
    );
    let asked = web
        .post(t.url(&format!("/account/cards/{id}/delete")))
        .form(&[("_csrf", csrf_in(&html).as_str())])
        .send()
        .await
        .unwrap();
    let asked = asked.text().await.unwrap();
    assert!(asked.contains("id=\"delete-confirm\""), "{asked}");
    assert_eq!(
        list_cards(&t, &token).await.len(),
        2,
        "asking deletes nothing"
    );

    assert_eq!(delete_card(&t, &token, &id).await, 204);
    let left = list_cards(&t, &token).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["last4"], "4444");
    assert_eq!(delete_card(&t, &token, &id).await, 404, "gone");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_customers_saved_card_is_not_found_and_stays_theirs() {
    let t = spawn_app().await;
    t.active_customer("ana@example.test", PW).await;
    t.active_customer("bea@example.test", PW).await;
    let ana = t.api_token("ana@example.test", PW).await;
    let bea = t.api_token("bea@example.test", PW).await;
    let (_, card) = save_card(&t, &bea, "4242424242424242").await;
    let id = card["id"].as_str().unwrap().to_owned();

    assert!(
        list_cards(&t, &ana).await.is_empty(),
        "Ana sees none of Bea's cards"
    );
    assert_eq!(delete_card(&t, &ana, &id).await, 404);
    let web = t.web_login("ana@example.test", PW).await;
    let (_, html) = page_with_csp(&web, &t, "/account/cards").await;
    let r = web
        .post(t.url(&format!("/account/cards/{id}/delete")))
        .form(&[("_csrf", csrf_in(&html).as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(list_cards(&t, &bea).await.len(), 1, "Bea keeps her card");
}
