//! Helpers of the service-history tests: a purchase made captured and
//! invoiced straight in the store (for route sweeps that need an invoice to
//! read, not the journey), and the service part of an expediente.

use super::app::*;
use super::journey::*;
use super::store::Car;
use serde_json::Value;

/// Marks the purchase `id` ACTIVE and captured and stores an invoice for it.
pub async fn invoiced(t: &TestApp, id: &str) {
    use caas_domain::ids::{InvoiceId, PurchaseId};
    use caas_domain::purchase::{PurchaseState, ServicePaymentState};
    use caas_domain::records::ServiceInvoice;
    let id = PurchaseId::parse(id).unwrap();
    let mut tx = t.app.store.begin().await.unwrap();
    let mut p = tx.find_purchase(&id).await.unwrap().unwrap();
    p.state = PurchaseState::Active;
    p.payment.state = ServicePaymentState::Captured;
    p.version += 1;
    assert!(tx.update_purchase(&p).await.unwrap());
    let inv = ServiceInvoice {
        id: InvoiceId::new(),
        number: format!("F-TEST-{}", &p.id.as_str()[4..12]),
        purchase_id: p.id.clone(),
        order_id: p.order_id.clone(),
        customer_id: p.customer_id.clone(),
        option_code: p.item.option_code.clone(),
        description: "Audio".into(),
        total: p.item.price,
        issued_at: chrono::Utc::now(),
    };
    tx.insert_service_invoice(&inv, b"%PDF-1.4\n%%EOF\n")
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The `services` part of the owner's `GET /api/v1/orders/{id}`.
pub async fn services(t: &TestApp, car: &Car) -> Value {
    let e = get_json(
        &t.url(&format!("/api/v1/orders/{}", car.order)),
        Some(&car.token),
    )
    .await;
    e["services"].clone()
}

/// Status, content type and body of a GET with the bearer `token`.
pub async fn get_raw(t: &TestApp, path: &str, token: &str) -> (u16, String, Vec<u8>) {
    let resp = client()
        .get(t.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, ct, resp.bytes().await.unwrap().to_vec())
}
