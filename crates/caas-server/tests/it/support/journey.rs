//! Helpers for the sale-to-factory journeys: a SALES seller with a token, a
//! valid sale body, polling, and the simulators' control endpoints.

use super::app::*;
use caas_app::auth::staff::{create_staff, NewStaff};
use caas_app::RequestContext;
use caas_domain::account::{Language, Role};
use serde_json::{json, Value};
use std::future::Future;
use std::time::{Duration, Instant};

pub const PW: &str = "una-clave-larga-1";

/// Creates a dealership and an active SALES employee; returns the API token.
pub async fn seller(t: &TestApp, email: &str) -> String {
    let ctx = RequestContext::default();
    let d = caas_app::dealerships::create_dealership(
        &t.app,
        &ctx,
        "test",
        "Concesionario Centro",
        "ES",
        "Madrid",
    )
    .await
    .unwrap();
    {
        let mut tx = t.app.store.begin().await.unwrap();
        tx.update_dealership_details(&d.id, "Calle de Serrano 50, 28001 Madrid", "L-V 9:00-20:00")
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let input = NewStaff {
        email: email.into(),
        name: "Vera Vendedora".into(),
        role: Role::Sales,
        dealership_id: Some(d.id.clone()),
        language: Language::Es,
    };
    create_staff(&t.app, &ctx, "test", &input).await.unwrap();
    t.activate(email, PW).await;
    t.api_token(email, PW).await
}

/// A valid sale of an SUV with two options for `email`.
pub fn sale_body(email: &str, phone: &str) -> Value {
    json!({
        "customer_name": "Lucía Fernández Núñez", "document_type": "DNI", "document_number": "12345678Z",
        "email": email, "phone": phone, "language": "es",
        "address_line1": "Calle de Alcalá 100", "address_postal_code": "28009", "address_locality": "Madrid", "address_country": "ES",
        "delivery_line1": "Calle de Alcalá 100", "delivery_postal_code": "28009", "delivery_locality": "Madrid", "delivery_country": "ES",
        "platform_code": "SUV-E-26", "option_codes": ["HEAT_PUMP", "DRIVER_ASSIST"],
        "vehicle_price": "52900.00", "senal": "2000.00", "currency": "EUR", "maintenance_included": true,
        "birth_date": "1988-07-02"
    })
}

/// Registers a sale through the API; returns the order id.
pub async fn register_sale(t: &TestApp, token: &str, body: &Value) -> String {
    let resp = client()
        .post(t.url("/api/v1/sales"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let v: Value = resp.json().await.unwrap();
    assert_eq!(status, 201, "sale registered: {v}");
    v["id"].as_str().unwrap().to_owned()
}

/// Polls `check` every 100 ms until it returns `Some`, or panics after `secs`.
pub async fn wait_for<T, F, Fut>(secs: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {secs} s waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn get_json(url: &str, token: Option<&str>) -> Value {
    let mut req = client().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    assert!(resp.status().is_success(), "GET {url}: {}", resp.status());
    resp.json().await.unwrap()
}

pub async fn post_json(url: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = client().post(url).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The customer's expediente.
pub async fn expediente(t: &TestApp, token: &str, order: &str) -> Value {
    get_json(&t.url(&format!("/api/v1/orders/{order}")), Some(token)).await
}

/// Waits until the order reaches `state` and the timeline holds `kind`.
pub async fn wait_for_state(
    t: &TestApp,
    token: &str,
    order: &str,
    state: &str,
    kind: &str,
    secs: u64,
) -> Value {
    wait_for(secs, &format!("{order} in {state} with {kind}"), || async {
        let e = expediente(t, token, order).await;
        let has = e["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == kind);
        (e["order"]["state"] == state && has).then_some(e)
    })
    .await
}

/// Waits until the timeline holds `kind` (whatever the state by then).
pub async fn wait_for_timeline(
    t: &TestApp,
    token: &str,
    order: &str,
    kind: &str,
    secs: u64,
) -> Value {
    wait_for(secs, &format!("{order} with {kind}"), || async {
        let e = expediente(t, token, order).await;
        e["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == kind)
            .then_some(e)
    })
    .await
}

/// The customer's inbox.
pub async fn inbox(t: &TestApp, token: &str) -> Vec<Value> {
    get_json(&t.url("/api/v1/notifications"), Some(token))
        .await
        .as_array()
        .unwrap()
        .clone()
}

/// Creates a simulated browser subscription at the push simulator and
/// registers it for the customer; returns the simulator's subscription id.
pub async fn subscribe_push(t: &TestApp, token: &str) -> String {
    let sims = t.sims.clone().unwrap();
    let (status, sub) = post_json(
        &format!("{}/_sim/subscriptions", sims.push),
        None,
        &json!({}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = post_json(&t.url("/api/v1/push-subscriptions"), Some(token), &sub).await;
    assert_eq!(status, 201);
    sub["endpoint"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

/// Notification ids received by the push simulator for a subscription.
pub async fn pushed_ids(t: &TestApp, sub: &str) -> Vec<String> {
    let sims = t.sims.clone().unwrap();
    let v = get_json(
        &format!("{}/_sim/subscriptions/{sub}/messages", sims.push),
        None,
    )
    .await;
    v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["payload"]["notification_id"].as_str().unwrap().to_owned())
        .collect()
}

/// SMS references (notification ids) received by the SMS simulator for `to`.
pub async fn sms_refs(t: &TestApp, to: &str) -> Vec<String> {
    let sims = t.sims.clone().unwrap();
    let v = get_json(
        &format!("{}/_sim/messages?to={}", sims.sms, urlencoding::encode(to)),
        None,
    )
    .await;
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["reference"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A simulator's `/_sim/stats`.
pub async fn sim_stats(url: &str) -> Value {
    get_json(&format!("{url}/_sim/stats"), None).await
}

/// Sets a simulator scenario.
pub async fn sim_scenario(url: &str, body: Value) {
    let (status, v) = post_json(&format!("{url}/_sim/scenario"), None, &body).await;
    assert!(
        (200..300).contains(&status),
        "scenario refused: {status} {v}"
    );
}

/// Pays the señal online as the customer.
pub async fn pay_senal(
    t: &TestApp,
    token: &str,
    order: &str,
    method: &str,
    attempt: &str,
) -> (u16, Value) {
    post_json(
        &t.url(&format!("/api/v1/orders/{order}/senal")),
        Some(token),
        &json!({"payment_method": method, "attempt_key": attempt}),
    )
    .await
}

/// The account of a staff member or customer by email.
pub async fn account_by_email(t: &TestApp, email: &str) -> caas_domain::account::Account {
    let email = caas_domain::email::EmailAddress::parse(email).unwrap();
    let mut tx = t.app.store.read().await.unwrap();
    tx.find_account_by_email(&email)
        .await
        .unwrap()
        .expect("the account exists")
}

/// Staff alerts of `kind` about `order`, as the staff member `staff_email` sees them.
pub async fn order_alerts(
    t: &TestApp,
    staff_email: &str,
    order: &str,
    kind: &str,
) -> Vec<caas_domain::records::StaffAlert> {
    let staff = account_by_email(t, staff_email).await;
    let all = caas_app::orders::staff::list_alerts_for_staff(&t.app, &staff)
        .await
        .unwrap();
    all.into_iter()
        .filter(|a| {
            a.kind == kind && a.order_id.as_ref().map(|o| o.to_string()).as_deref() == Some(order)
        })
        .collect()
}

/// The order as staff see it (`GET /api/v1/sales/{id}`).
pub async fn staff_view(t: &TestApp, token: &str, order: &str) -> Value {
    get_json(&t.url(&format!("/api/v1/sales/{order}")), Some(token)).await
}

/// Waits until staff see the order in `state`.
pub async fn wait_for_staff_state(
    t: &TestApp,
    token: &str,
    order: &str,
    state: &str,
    secs: u64,
) -> Value {
    wait_for(
        secs,
        &format!("{order} in {state} (staff view)"),
        || async {
            let e = staff_view(t, token, order).await;
            (e["order"]["state"] == state).then_some(e)
        },
    )
    .await
}

/// Pays the señal at the dealership as the seller; asserts it is captured.
pub async fn pay_senal_at_dealership(t: &TestApp, seller_token: &str, order: &str) {
    let (status, p) = post_json(
        &t.url(&format!("/api/v1/sales/{order}/senal")),
        Some(seller_token),
        &json!({"payment_method": "tok_test_ok", "attempt_key": format!("desk-{order}")}),
    )
    .await;
    assert_eq!(
        (status, p["state"].as_str()),
        (200, Some("CAPTURED")),
        "{p}"
    );
}

/// Registers a sale for `email`/`phone`, activates the customer and returns (order, customer token).
pub async fn sold_to(
    t: &TestApp,
    seller_token: &str,
    email: &str,
    phone: &str,
) -> (String, String) {
    let order = register_sale(t, seller_token, &sale_body(email, phone)).await;
    t.activate(email, PW).await;
    (order, t.api_token(email, PW).await)
}

/// Steps a factory order at the simulator (works with the timeline paused); returns the event.
pub async fn sim_advance(t: &TestApp, factory_order: &str) -> Value {
    let sims = t.sims.clone().unwrap();
    let (status, v) = post_json(
        &format!("{}/_sim/orders/{factory_order}/advance", sims.factory),
        None,
        &json!({}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v["event"].clone()
}

/// The delivery of `channel` of an inbox entry (`Null` if none).
pub fn delivery(note: &Value, channel: &str) -> Value {
    note["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["channel"] == channel)
        .cloned()
        .unwrap_or(Value::Null)
}

/// Waits until the inbox holds a notification for which `pick` is true; returns it.
pub async fn wait_for_note(
    t: &TestApp,
    token: &str,
    secs: u64,
    what: &str,
    pick: impl Fn(&Value) -> bool,
) -> Value {
    wait_for(secs, what, || async {
        inbox(t, token).await.into_iter().find(|n| pick(n))
    })
    .await
}
