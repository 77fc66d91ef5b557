//! Paying with the card form, black box with every simulator: the store
//! confirmation, the señal page and the final-payment page embed the
//! gateway's hosted card fields for caas's own origin under a CSP that frames
//! the gateway only, with no token field for the customer; a 30-day option
//! bought with a saved card is switched on and captured (another customer's
//! card is refused), a new card can be kept while paying the señal, and the
//! final payment takes the saved card.

use crate::support::app::*;
use crate::support::cards::*;
use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;

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
    let (csp, html) = page_with_csp(&web, &t, &path).await;
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
    let (csp, html) = page_with_csp(&web, &t, &format!("/expediente/{order}")).await;
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
    let kept = list_cards(&t, &token).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_final_payment_page_offers_the_saved_card_and_takes_it() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vendedor.final@example.test").await;
    let email = "final.tarjeta@example.test";
    let (order, token, _) = at_dealership(&t, &seller, &sale_body(email, "+34699000403")).await;
    let (_, card) = save_card(&t, &token, "4242424242424242").await;
    let pm = card["id"].as_str().unwrap().to_owned();

    let web = t.web_login(email, PW).await;
    let path = format!("/expediente/{order}/final-payment");
    let (csp, html) = page_with_csp(&web, &t, &path).await;
    assert_embeds_the_gateway_fields(&t, &csp, &html);
    assert!(
        html.contains(&format!(
            "value=\"{pm}\" id=\"card-{pm}\" class=\"saved-card\" checked"
        )),
        "the saved card is offered first: {html}"
    );
    let key = html
        .split("name=\"attempt_key\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let r = web
        .post(t.url(&path))
        .form(&[
            ("_csrf", csrf_in(&html).as_str()),
            ("attempt_key", key.as_str()),
            ("card", pm.as_str()),
            ("payment_method", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location == format!("{path}?n=final_captured")
            || location == format!("{path}?n=final_processing"),
        "{location}"
    );
    let x = expediente(&t, &token, &order).await;
    let paid = x["payments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["kind"] == "FINAL" && p["state"] != "DECLINED" && p["state"] != "FAILED");
    assert!(paid, "the final payment is taken with the saved card: {x}");
}
