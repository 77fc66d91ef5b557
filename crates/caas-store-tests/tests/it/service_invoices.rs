//! Service invoices (PAY-14, PAY-15): one per captured purchase, the order
//! and customer taken from the purchase row; the database refuses an
//! invoice of a purchase that is not captured, a second one of the same
//! purchase and a mismatched amount; the owner alone reads them.

use crate::fixtures::*;
use caas_domain::ids::{AccountId, InvoiceId};
use caas_domain::order::Order;
use caas_domain::ports::{Store, StoreError};
use caas_domain::purchase::{Purchase, PurchaseState, ServicePaymentState};
use caas_domain::records::ServiceInvoice;
use caas_domain::vehicle::Vehicle;
use caas_store_tests::fresh_store;

async fn car(store: &dyn Store, email: &str) -> (Order, Vehicle) {
    let o = seeded_order(store, email, start_time()).await;
    let v = seeded_vehicle_of(store, &o, start_time()).await;
    (o, v)
}

async fn stored(store: &dyn Store, o: &Order, v: &Vehicle, pay: ServicePaymentState) -> Purchase {
    let mut p = purchase(o, v, "POWER_BOOST_50", PurchaseState::Active, start_time());
    p.payment.state = pay;
    let mut tx = store.begin().await.unwrap();
    tx.insert_purchase(&p).await.unwrap();
    tx.commit().await.unwrap();
    p
}

fn invoice_of(p: &Purchase, number: &str) -> ServiceInvoice {
    ServiceInvoice {
        id: InvoiceId::new(),
        number: number.to_owned(),
        purchase_id: p.id.clone(),
        order_id: p.order_id.clone(),
        customer_id: p.customer_id.clone(),
        option_code: p.item.option_code.clone(),
        description: "Opción — 30 días".into(),
        total: p.item.price,
        issued_at: start_time(),
    }
}

async fn insert(store: &dyn Store, i: &ServiceInvoice) -> Result<(), StoreError> {
    let mut tx = store.begin().await.unwrap();
    tx.insert_service_invoice(i, b"%PDF-1.4 test").await?;
    tx.commit().await.unwrap();
    Ok(())
}

#[tokio::test]
async fn a_captured_purchase_has_one_invoice_that_only_its_owner_reads() {
    let db = fresh_store().await.unwrap();
    let (o, v) = car(&*db.store, "ana@example.com").await;
    let p = stored(&*db.store, &o, &v, ServicePaymentState::Captured).await;
    let i = invoice_of(&p, "F-2026-000001");
    insert(&*db.store, &i).await.unwrap();
    let again = invoice_of(&p, "F-2026-000002");
    assert!(
        matches!(
            insert(&*db.store, &again).await,
            Err(StoreError::Conflict(_))
        ),
        "a second invoice of the same purchase is refused"
    );
    let mut tx = db.store.read().await.unwrap();
    assert_eq!(
        tx.list_service_invoices_for_customer(&o.customer_id, &o.id)
            .await
            .unwrap(),
        vec![i.clone()]
    );
    let (back, pdf) = tx
        .find_service_invoice_pdf_for_customer(&o.customer_id, &p.id)
        .await
        .unwrap()
        .expect("the owner's invoice");
    assert_eq!(back, i);
    assert_eq!(pdf, b"%PDF-1.4 test");
    let stranger = AccountId::new();
    assert!(tx
        .find_service_invoice_pdf_for_customer(&stranger, &p.id)
        .await
        .unwrap()
        .is_none());
    assert!(tx
        .list_service_invoices_for_customer(&stranger, &o.id)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn nothing_undelivered_or_mismatched_is_invoiced() {
    let db = fresh_store().await.unwrap();
    let (o, v) = car(&*db.store, "ana@example.com").await;
    for (n, pay) in [
        ServicePaymentState::Authorized,
        ServicePaymentState::Voided,
        ServicePaymentState::Debt,
    ]
    .into_iter()
    .enumerate()
    {
        let mut p = purchase(
            &o,
            &v,
            &format!("OPT_{n}"),
            PurchaseState::Active,
            start_time(),
        );
        p.payment.state = pay;
        let mut tx = db.store.begin().await.unwrap();
        tx.insert_purchase(&p).await.unwrap();
        tx.commit().await.unwrap();
        let i = invoice_of(&p, &format!("F-2026-00010{n}"));
        assert!(
            matches!(insert(&*db.store, &i).await, Err(StoreError::Conflict(_))),
            "{pay:?} is not invoiced"
        );
    }
    let p = stored(&*db.store, &o, &v, ServicePaymentState::Captured).await;
    let mut wrong = invoice_of(&p, "F-2026-000200");
    wrong.total = eur(1);
    assert!(matches!(
        insert(&*db.store, &wrong).await,
        Err(StoreError::Conflict(_))
    ));
    let mut tx = db.store.read().await.unwrap();
    assert!(tx
        .list_service_invoices_for_customer(&o.customer_id, &o.id)
        .await
        .unwrap()
        .is_empty());
}
