//! The intranet's delivery pages over HTTP, driven by the simulators: the
//! reception button, the final payment taken at the desk, the registration
//! fix, the customer who cannot pay (stock), the return and the pickup with
//! its identity check, each scoped to the employee's dealership.

use crate::support::journey;

use crate::support::app::*;
use crate::support::delivery::*;
use crate::support::journey::*;
use serde_json::json;

const VERA: &str = "vera@concesionario.test";

async fn page(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Posts a form; returns the status and the redirect target or the body.
async fn submit(c: &reqwest::Client, url: String, fields: &[(&str, &str)]) -> (u16, String) {
    let r = c.post(url).form(fields).send().await.unwrap();
    let status = r.status().as_u16();
    match r.headers().get("location") {
        Some(l) => (status, l.to_str().unwrap().to_owned()),
        None => (status, r.text().await.unwrap()),
    }
}

/// The order page of `order` as `c` sees it, with its CSRF token.
async fn order_page(t: &TestApp, c: &reqwest::Client, order: &str) -> (String, String) {
    let (status, html) = page(c, t.url(&format!("/intranet/orders/{order}"))).await;
    assert_eq!(status, 200, "{html}");
    let csrf = csrf_in(&html);
    (html, csrf)
}

/// Posts `fields` to `/intranet/orders/{order}/{action}` as `c`.
async fn act(
    t: &TestApp,
    c: &reqwest::Client,
    order: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (_, csrf) = order_page(t, c, order).await;
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    submit(
        c,
        t.url(&format!("/intranet/orders/{order}/{action}")),
        &all,
    )
    .await
}

async fn staff_state(t: &TestApp, token: &str, order: &str) -> String {
    staff_view(t, token, order).await["order"]["state"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The text after `marker` up to the next quote.
fn after<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html.find(marker).expect(marker) + marker.len();
    &html[start..start + html[start..].find('"').unwrap()]
}

/// Whether the queues page lists `order` in the queue `key` (before `next`).
fn queued(html: &str, key: &str, next: &str, order: &str) -> bool {
    let from = &html[html.find(&format!("id=\"queue-{key}\"")).unwrap()..];
    from[..from.find(&format!("id=\"queue-{next}\"")).unwrap()].contains(order)
}

#[tokio::test]
async fn the_reception_button_moves_the_order_to_awaiting_final_payment() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, VERA).await;
    let body = sale_body("rita@example.test", "+34699000201");
    let order = register_sale(&t, &seller, &body).await;
    t.activate("rita@example.test", PW).await;
    let token = t.api_token("rita@example.test", PW).await;
    pay_senal_at_dealership(&t, &seller, &order).await;
    wait_for_timeline(&t, &token, &order, "factory.vehicle_available", 60).await;
    let c = t.web_login(VERA, PW).await;

    let (html, _) = order_page(&t, &c, &order).await;
    assert!(html.contains("id=\"reception-form\""), "reception offered");
    let (_, queues) = page(&c, t.url("/intranet/queues")).await;
    assert!(queued(&queues, "receptions", "final", &order));

    let (status, location) = act(&t, &c, &order, "reception", &[("notes", "sin daños")]).await;
    assert_eq!(status, 303, "{location}");
    assert_eq!(location, format!("/intranet/orders/{order}?n=received"));
    let state = staff_state(&t, &seller, &order).await;
    assert_eq!(state, "AWAITING_FINAL_PAYMENT");
    let (_, html) = page(&c, t.url(&location)).await;
    for text in [
        "Recepción registrada",
        "sin daños",
        "id=\"final-amount\"",
        "id=\"final-deadline\"",
        "id=\"final-payment-form\"",
        "id=\"cannot-pay-form\"",
    ] {
        assert!(html.contains(text), "order page shows {text}");
    }
    assert!(!html.contains("id=\"reception-form\""));

    // A second reception is refused on the page, readably, and changes nothing.
    let (status, html) = act(&t, &c, &order, "reception", &[]).await;
    assert_eq!(status, 409);
    assert!(html.contains("id=\"delivery-error\""), "{html}");
    let state = staff_state(&t, &seller, &order).await;
    assert_eq!(state, "AWAITING_FINAL_PAYMENT");
    let (_, queues) = page(&c, t.url("/intranet/queues")).await;
    assert!(queued(&queues, "final", "registration", &order));
}

#[tokio::test]
async fn a_vehicle_the_customer_cannot_pay_goes_to_this_dealerships_stock_and_no_other() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, VERA).await;
    let (order, _token, vin) =
        at_dealership(&t, &seller, &sale_body("saul@example.test", "+34699000202")).await;
    let c = t.web_login(VERA, PW).await;

    // Without the confirmation nothing happens.
    let reason = [("reason", "sin financiación")];
    let (status, html) = act(&t, &c, &order, "cannot-pay", &reason).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"err-confirm\""), "{html}");
    assert!(html.contains("value=\"sin financiación\""), "kept");
    let state = staff_state(&t, &seller, &order).await;
    assert_eq!(state, "AWAITING_FINAL_PAYMENT");

    let fields = [("reason", "sin financiación"), ("confirm", "yes")];
    let (status, location) = act(&t, &c, &order, "cannot-pay", &fields).await;
    assert_eq!(
        (status, location.ends_with("?n=cannot_pay")),
        (303, true),
        "{location}"
    );
    assert_eq!(staff_state(&t, &seller, &order).await, "RESERVATION_LOST");

    let (status, stock) = page(&c, t.url("/intranet/stock")).await;
    assert_eq!(status, 200);
    assert!(stock.contains(&vin), "the vehicle is in stock");
    assert!(stock.contains("reservation lost"), "with its history");
    let marker = "/intranet/sales/new?stock_vehicle_id=";
    let vehicle = after(&stock, marker);
    assert!(vehicle.starts_with("veh_"), "{vehicle}");
    let (status, form) = page(&c, t.url(&format!("{marker}{vehicle}"))).await;
    assert_eq!(status, 200);
    assert!(
        form.contains(&format!("value=\"{vehicle}\" selected")),
        "the vehicle is chosen"
    );
    assert!(form.contains("id=\"birth_date\""));

    // Staff of another dealership see neither the order nor the vehicle.
    journey::seller(&t, "rival@otro.test").await;
    let rival = t.web_login("rival@otro.test", PW).await;
    let (status, _) = page(&rival, t.url(&format!("/intranet/orders/{order}"))).await;
    assert_eq!(status, 404);
    let (status, stock) = page(&rival, t.url("/intranet/stock")).await;
    assert_eq!(status, 200);
    assert!(!stock.contains(&vin) && stock.contains("id=\"no-stock\""));
    let (_, queues) = page(&rival, t.url("/intranet/queues")).await;
    assert!(!queues.contains(&order));
    let csrf = t.csrf(&rival, "/intranet/stock").await;
    let url = t.url(&format!("/intranet/orders/{order}/redelivery"));
    let (status, _) = submit(&rival, url, &[("_csrf", csrf.as_str())]).await;
    assert_eq!(status, 404);
    check_invariants(&t).await;
}

#[tokio::test]
async fn a_refused_registration_is_fixed_from_the_order_page_and_resubmitted() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, VERA).await;
    let mut body = sale_body("irene@example.test", "+34699000203");
    body["document_number"] = json!("00000000T");
    let (order, token, _vin) = at_dealership(&t, &seller, &body).await;
    let c = t.web_login(VERA, PW).await;

    // The final payment is taken at the desk with the card-token form.
    let (html, csrf) = order_page(&t, &c, &order).await;
    let key = after(&html, "name=\"attempt_key\" value=\"");
    let fields = [
        ("_csrf", csrf.as_str()),
        ("attempt_key", key),
        ("payment_method", "tok_test_ok"),
    ];
    let (status, location) = submit(
        &c,
        t.url(&format!("/intranet/orders/{order}/final-payment")),
        &fields,
    )
    .await;
    assert_eq!(status, 303, "{location}");
    assert!(location.ends_with("?n=final_paid"), "{location}");

    wait_for_state(
        &t,
        &token,
        &order,
        "REGISTRATION_ISSUE",
        "registration_issue",
        60,
    )
    .await;
    let (html, _) = order_page(&t, &c, &order).await;
    assert!(html.contains("id=\"registry-error\"") && html.contains("owner_identity_invalid"));
    assert!(html.contains("id=\"registration-form\""));

    // A malformed birth date is shown next to its field; nothing is resubmitted.
    let bad = [("birth_date", "2/7/1988")];
    let (status, html) = act(&t, &c, &order, "registration", &bad).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"err-birth_date\"") && html.contains("value=\"2/7/1988\""));
    assert_eq!(staff_state(&t, &seller, &order).await, "REGISTRATION_ISSUE");

    let fields = [("document_number", "12345678Z"), ("birth_date", "")];
    let (status, location) = act(&t, &c, &order, "registration", &fields).await;
    assert_eq!(status, 303, "{location}");
    assert!(location.ends_with("?n=registration_resubmitted"));
    wait_for_timeline(&t, &token, &order, "registered", 60).await;
    let (html, _) = order_page(&t, &c, &order).await;
    assert!(!html.contains("id=\"registration-form\""));
    let after = staff_view(&t, &seller, &order).await;
    let plate = after["order"]["delivery"]["registration"]["plate_number"]
        .as_str()
        .expect("registered with a plate");
    assert!(html.contains(plate), "the plate is shown");
    check_invariants(&t).await;
}

#[tokio::test]
async fn a_wrong_pickup_document_is_refused_readably_and_changes_nothing() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, VERA).await;
    let (order, token, vin) = at_dealership(
        &t,
        &seller,
        &sale_body("pablo@example.test", "+34699000204"),
    )
    .await;
    carrier_plan(&t, &vin, "absent_unreachable").await;
    pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    let kind = "carrier.returned_to_dealership";
    wait_for_state(&t, &token, &order, "RETURNING_TO_DEALERSHIP", kind, 60).await;
    let c = t.web_login(VERA, PW).await;

    let (html, _) = order_page(&t, &c, &order).await;
    assert!(html.contains("id=\"return-form\"") && html.contains("id=\"attempts\""));
    assert!(html.contains("data-outcome=\"returned\""), "outcome");
    let (status, location) = act(&t, &c, &order, "return-reception", &[("notes", "ok")]).await;
    assert_eq!(
        (status, location.ends_with("?n=return_received")),
        (303, true)
    );
    assert_eq!(staff_state(&t, &seller, &order).await, "HELD_AT_DEALERSHIP");

    let (html, _) = order_page(&t, &c, &order).await;
    assert!(html.contains("id=\"pickup-form\"") && html.contains("id=\"redelivery-form\""));
    let wrong = [("receiver_name", "Otro"), ("document_number", "87654321X")];
    let (status, html) = act(&t, &c, &order, "pickup", &wrong).await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"delivery-error\"") && html.contains("id=\"err-pickup_document\""));
    assert!(html.contains("does not match"), "a readable reason");
    assert!(html.contains("value=\"87654321X\""), "kept");
    let after = staff_view(&t, &seller, &order).await;
    assert_eq!(after["order"]["state"], "HELD_AT_DEALERSHIP");
    assert!(after["order"]["delivery"]["home"]["handover"].is_null());

    let right = [("receiver_name", "Pablo"), ("document_number", "12345678z")];
    let (status, location) = act(&t, &c, &order, "pickup", &right).await;
    assert_eq!((status, location.ends_with("?n=picked_up")), (303, true));
    let (html, _) = order_page(&t, &c, &order).await;
    assert!(html.contains("id=\"handover\"") && html.contains("···678Z"));
    check_invariants(&t).await;
}
