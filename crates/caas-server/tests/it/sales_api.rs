//! `POST /api/v1/sales` and the dealership's view of its orders (SPEC §3.2
//! SALE, ADM-5): every field error reported at once with nothing stored,
//! options checked against the plataforma base, a returning customer kept as
//! one account, and only SALES of the selling dealership reaching the order.

use crate::support::journey;

use crate::support::app::*;
use crate::support::journey::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

async fn post_sale(t: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    client()
        .post(t.url("/api/v1/sales"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sale_with_many_bad_fields_lists_every_error_at_once_and_stores_nothing() {
    let t = spawn_app().await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let customers = t.customer_count().await;
    let mut body = sale_body("not-an-email", "612 34");
    body["document_number"] = json!("12345678A");
    body["platform_code"] = json!("ROCKET-99");
    body["vehicle_price"] = json!("1500.00");
    body["senal"] = json!("1500.00");
    body["address_postal_code"] = json!("");

    let resp = post_sale(&t, &seller, &body).await;
    assert_eq!(resp.status(), 422);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
    let problem: Value = resp.json().await.unwrap();
    assert_eq!(problem["status"], 422);
    let fields: BTreeSet<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "email",
        "phone",
        "document_number",
        "platform_code",
        "senal",
        "address_postal_code",
    ] {
        assert!(fields.contains(f), "{f} missing from {problem}");
    }
    assert!(problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !e["message"].as_str().unwrap().is_empty()));

    assert_eq!(
        t.customer_count().await,
        customers,
        "no customer was provisioned"
    );
    let listed = get_json(&t.url("/api/v1/sales"), Some(&seller)).await;
    assert_eq!(listed, json!([]), "no order was stored");
    let mut tx = t.app.store.read().await.unwrap();
    assert!(tx
        .list_emails(50)
        .await
        .unwrap()
        .iter()
        .all(|e| e.to.as_str() != "not-an-email"));
}

#[tokio::test]
async fn an_option_not_offered_on_the_plataforma_base_is_refused() {
    let t = spawn_app().await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let mut body = sale_body("pedro@example.com", "+34612345678");
    body["platform_code"] = json!("CITY-E-26");
    body["option_codes"] = json!(["HEAT_PUMP", "TOW_HITCH"]);
    let resp = post_sale(&t, &seller, &body).await;
    assert_eq!(resp.status(), 422);
    let problem: Value = resp.json().await.unwrap();
    let err = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "option_codes")
        .cloned();
    assert!(
        err.is_some_and(|e| e["message"].as_str().unwrap().contains("TOW_HITCH")),
        "{problem}"
    );
    // An option that does not exist at all, and a repeated one.
    body["option_codes"] = json!(["WARP_DRIVE"]);
    assert_eq!(post_sale(&t, &seller, &body).await.status(), 422);
    body["option_codes"] = json!(["HEAT_PUMP", "HEAT_PUMP"]);
    assert_eq!(post_sale(&t, &seller, &body).await.status(), 422);
    assert_eq!(
        get_json(&t.url("/api/v1/sales"), Some(&seller)).await,
        json!([])
    );
    // The same options on a plataforma that offers them are accepted.
    body["platform_code"] = json!("SUV-E-26");
    body["option_codes"] = json!(["HEAT_PUMP", "TOW_HITCH"]);
    let resp = post_sale(&t, &seller, &body).await;
    assert_eq!(resp.status(), 201);
    let o: Value = resp.json().await.unwrap();
    assert_eq!(o["option_codes"], json!(["HEAT_PUMP", "TOW_HITCH"]));
}

#[tokio::test]
async fn a_second_sale_to_the_same_email_reuses_the_customer_who_sees_both_orders() {
    let t = spawn_app().await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let (first, token) = sold_to(&t, &seller, "teresa@example.com", "+34612345678").await;
    let customers = t.customer_count().await;
    let mut body = sale_body("Teresa@Example.com", "+34612345678");
    body["platform_code"] = json!("VAN-E-26");
    body["option_codes"] = json!([]);
    let second = register_sale(&t, &seller, &body).await;
    assert_eq!(
        t.customer_count().await,
        customers,
        "one account for one email"
    );

    let mine = get_json(&t.url("/api/v1/orders"), Some(&token)).await;
    let ids: BTreeSet<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, BTreeSet::from([first.as_str(), second.as_str()]));
    let customer_ids: BTreeSet<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["customer_id"].as_str().unwrap())
        .collect();
    assert_eq!(customer_ids.len(), 1);
    assert_eq!(
        expediente(&t, &token, &second).await["order"]["platform_code"],
        "VAN-E-26"
    );
    // The existing password still works: the account was not reset.
    assert_eq!(t.try_token("teresa@example.com", PW).await.status(), 201);
}

#[tokio::test]
async fn a_sale_to_an_existing_customers_email_with_another_identity_is_refused_and_audited() {
    let t = spawn_app().await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let (first, token) = sold_to(&t, &seller, "teresa@example.com", "+34612345678").await;
    let customers = t.customer_count().await;
    let mut stranger = sale_body("teresa@example.com", "+34698765432");
    stranger["customer_name"] = json!("Rodrigo Pérez Gil");
    stranger["document_number"] = json!("87654321X");

    let resp = post_sale(&t, &seller, &stranger).await;
    assert_eq!(resp.status(), 422);
    let problem: Value = resp.json().await.unwrap();
    let email_error = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "email")
        .unwrap_or_else(|| panic!("an error on the email field: {problem}"));
    assert!(
        email_error["message"]
            .as_str()
            .unwrap()
            .contains("another customer"),
        "{email_error}"
    );
    assert_eq!(t.customer_count().await, customers);
    let mine = get_json(&t.url("/api/v1/orders"), Some(&token)).await;
    let ids: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![first.as_str()],
        "the customer sees only their own sale"
    );
    let listed = get_json(&t.url("/api/v1/sales"), Some(&seller)).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "the refused sale stored no order"
    );
    let mut tx = t.app.store.read().await.unwrap();
    let audit = tx.list_audit(None, 50).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "sale.refused_identity_mismatch"),
        "the attempt is audited"
    );

    // The same person (same document) with the same email is still one customer.
    drop(tx);
    let mut again = sale_body("teresa@example.com", "+34612345678");
    again["option_codes"] = json!([]);
    register_sale(&t, &seller, &again).await;
    assert_eq!(t.customer_count().await, customers);
}

#[tokio::test]
async fn only_sales_staff_register_and_another_dealerships_staff_cannot_see_the_order() {
    let t = spawn_app().await;
    let seller = seller(&t, "vera@concesionario.es").await;
    let body = sale_body("ursula@example.com", "+34612345678");
    let (order, customer) = sold_to(&t, &seller, "ursula@example.com", "+34612345678").await;
    let customers = t.customer_count().await;

    let mut other = body.clone();
    other["email"] = json!("victor@example.com");
    assert_eq!(
        post_sale(&t, &customer, &other).await.status(),
        403,
        "a customer cannot sell"
    );
    let admin = t.api_token(&t.admin.email, &t.admin.password).await;
    assert_eq!(
        post_sale(&t, &admin, &other).await.status(),
        403,
        "an administrator cannot sell"
    );
    let resp = client()
        .post(t.url("/api/v1/sales"))
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(t.customer_count().await, customers);

    // A SALES employee of another dealership: neither listed nor reachable.
    let rival = journey::seller(&t, "rival@otro-concesionario.es").await;
    let resp = client()
        .get(t.url(&format!("/api/v1/sales/{order}")))
        .bearer_auth(&rival)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let pay = json!({"payment_method": "tok_test_ok", "attempt_key": "rival"});
    assert_eq!(
        post_json(
            &t.url(&format!("/api/v1/sales/{order}/senal")),
            Some(&rival),
            &pay
        )
        .await
        .0,
        404
    );
    assert_eq!(
        post_json(
            &t.url(&format!("/api/v1/sales/{order}/cancel")),
            Some(&rival),
            &json!({})
        )
        .await
        .0,
        404
    );
    assert_eq!(
        get_json(&t.url("/api/v1/sales"), Some(&rival)).await,
        json!([])
    );
    // The selling dealership and the administrator do see it.
    assert_eq!(
        staff_view(&t, &seller, &order).await["order"]["state"],
        "SALE_REGISTERED"
    );
    assert_eq!(staff_view(&t, &admin, &order).await["order"]["id"], order);
    // The customer cannot use the staff view of their own order.
    let resp = client()
        .get(t.url(&format!("/api/v1/sales/{order}")))
        .bearer_auth(&customer)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
}
