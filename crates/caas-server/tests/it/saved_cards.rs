//! Saved cards and the gateway's hosted card fields, black box with every
//! simulator: a card saved from a one-time token of the gateway (`POST
//! /v1/tokens`, as a native app gets it) lists brand, last four digits and
//! expiry and goes away when deleted; another customer's card is 404 and
//! cannot pay; a 30-day option bought with a saved card is switched on and
//! captured; the store confirmation and the señal page embed the gateway's
//! fields for caas's own origin under a CSP that frames the gateway only,
//! with no token field for the customer.

use crate::support::app::*;
use crate::support::cards::*;
use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;
use serde_json::{json, Value};

async fn delete(t: &TestApp, token: &str, id: &str) -> u16 {
    client()
        .delete(t.url(&format!("/api/v1/payment-methods/{id}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn cards(t: &TestApp, token: &str) -> Vec<Value> {
    let v = get_json(&t.url("/api/v1/payment-methods"), Some(token)).await;
    v.as_array().expect("a list").clone()
}

/// The gateway's origin and what the page's iframe must name.
fn gateway(t: &TestApp) -> String {
    t.sims
        .clone()
        .unwrap()
        .payments
        .trim_end_matches('/')
        .to_owned()
}

/// The page embeds the fields for caas's origin, frames the gateway only
/// and has no text input of its own for a card or token.
fn assert_embeds_the_gateway_fields(t: &TestApp, csp: &str, html: &str) {
    let gw = gateway(t);
    assert!(
        csp.contains(&format!("frame-src {gw}")) && !csp.contains("frame-src *"),
        "{csp}"
    );
    let parent: String = form_urlencoded::byte_serialize(t.address.as_bytes()).collect();
    let src = format!("src=\"{gw}/v1/hosted/card-fields?publishable_key={PK}&#38;locale=es&#38;parent_origin={parent}\"");
    assert!(html.contains(&src), "iframe {src} in {html}");
    assert!(
        html.contains(&format!("data-gateway-origin=\"{gw}\"")),
        "{html}"
    );
    assert!(html.contains("src=\"/static/card-fields.js\""), "{html}");
    assert!(
        html.contains(
            "<input type=\"hidden\" name=\"payment_method\" id=\"card-token\" value=\"\">"
        ),
        "{html}"
    );
    for typed in ["placeholder=\"tok_", "name=\"test_token\"", "tok_test_ok"] {
        assert!(!html.contains(typed), "no typed token ({typed}): {html}");
    }
}

async fn page(c: &reqwest::Client, t: &TestApp, path: &str) -> (String, String) {
    let r = c.get(t.url(path)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    (csp, r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_saved_from_a_gateway_token_shows_brand_last4_and_expiry_and_deleting_it_removes_it()
{
    let t = spawn_app().await;
    t.active_customer("tarjetas@example.test", PW).await;
    let token = t.api_token("tarjetas@example.test", PW).await;
    assert!(cards(&t, &token).await.is_empty());

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
    let listed = cards(&t, &token).await;
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
    assert_eq!(cards(&t, &token).await.len(), 2);
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
    let (_, html) = page(&web, &t, "/account/cards").await;
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
    assert_eq!(cards(&t, &token).await.len(), 2, "asking deletes nothing");

    assert_eq!(delete(&t, &token, &id).await, 204);
    let left = cards(&t, &token).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["last4"], "4444");
    assert_eq!(delete(&t, &token, &id).await, 404, "gone");
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
        cards(&t, &ana).await.is_empty(),
        "Ana sees none of Bea's cards"
    );
    assert_eq!(delete(&t, &ana, &id).await, 404);
    let web = t.web_login("ana@example.test", PW).await;
    let (_, html) = page(&web, &t, "/account/cards").await;
    let r = web
        .post(t.url(&format!("/account/cards/{id}/delete")))
        .form(&[("_csrf", csrf_in(&html).as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(cards(&t, &bea).await.len(), 1, "Bea keeps her card");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_pays_30_days_with_a_saved_card_on_the_confirmation_page_and_it_is_switched_on_and_captured(
) {
    let t = store_app().await;
    let email = "guardada@example.test";
    let car = operational_car(&t, email, "+34699000401").await;
    let (_, card) = save_card(&t, &car.token, "4242424242424242").await;
    let pm = card["id"].as_str().unwrap().to_owned();
    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;

    // Another customer's saved card cannot pay for this car's option.
    t.active_customer("ajena@example.test", PW).await;
    let other = t.api_token("ajena@example.test", PW).await;
    let (_, theirs) = save_card(&t, &other, "4242424242424242").await;
    let (status, p) = buy(
        &t,
        &car,
        "PREMIUM_AUDIO",
        &offer,
        theirs["id"].as_str().unwrap(),
    )
    .await;
    assert_eq!(status, 422, "{p}");
    assert!(p.to_string().contains("payment_method"), "{p}");

    let web = t.web_login(email, PW).await;
    let path = format!(
        "/vehicle/{}/store/confirm?option=PREMIUM_AUDIO&offer={offer}",
        car.vehicle_id
    );
    let (csp, html) = page(&web, &t, &path).await;
    assert_embeds_the_gateway_fields(&t, &csp, &html);
    assert!(
        html.contains(&format!("value=\"{pm}\"")),
        "the saved card is a choice: {html}"
    );
    assert!(html.contains("Visa ···4242 (caduca 12/30)"), "{html}");

    let r = web
        .post(t.url(&format!("/vehicle/{}/store/confirm", car.vehicle_id)))
        .form(&[
            ("_csrf", csrf_in(&html).as_str()),
            ("option", "PREMIUM_AUDIO"),
            ("offer", offer.as_str()),
            ("card", pm.as_str()),
            ("payment_method", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id = location.trim_start_matches("/purchases/").to_owned();
    wait_for_purchase(&t, &car, &id, "ACTIVE", 60).await;
    wait_for(30, "captured", || async {
        let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
        (p["payment_state"] == "CAPTURED").then_some(p)
    })
    .await;
    let sim = fleet_vehicle(&t, &car.vin).await;
    let enables = sim["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "feature.enable")
        .count();
    assert_eq!(enables, 1, "{sim}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_senal_page_embeds_the_gateway_fields_and_a_new_card_can_be_kept_while_paying() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vendedor.tarjeta@example.test").await;
    let email = "senal.tarjeta@example.test";
    let order = register_sale(&t, &seller, &sale_body(email, "+34699000402")).await;
    t.activate(email, PW).await;
    let web = t.web_login(email, PW).await;
    let (csp, html) = page(&web, &t, &format!("/expediente/{order}")).await;
    assert_embeds_the_gateway_fields(&t, &csp, &html);
    assert!(html.contains("name=\"save_card\""), "{html}");

    // What the hosted fields hand over: a one-time token, kept as a card.
    let tok = card_token(&t, "4242424242424242").await;
    let key = html
        .split("name=\"attempt_key\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let r = web
        .post(t.url(&format!("/expediente/{order}/senal")))
        .form(&[
            ("_csrf", csrf_in(&html).as_str()),
            ("attempt_key", key.as_str()),
            ("card", "new"),
            ("payment_method", tok.as_str()),
            ("save_card", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/expediente/{order}?n=senal_paid"));
    let token = t.api_token(email, PW).await;
    let kept = cards(&t, &token).await;
    assert_eq!(kept.len(), 1, "the new card was kept");
    assert_eq!(kept[0]["last4"], "4242");
    let x = expediente(&t, &token, &order).await;
    let paid = x["payments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["kind"] == "SENAL" && (p["state"] == "CAPTURED" || p["state"] == "SETTLED"));
    assert!(paid, "the señal is paid with the new card: {x}");
}
