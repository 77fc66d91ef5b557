//! Store conformance: named counters and invoices — listing per order, the
//! PDF returned only to its owner, and unique numbers per payment.

use super::*;

#[tokio::test]
async fn counters_count_one_two_three_per_name_independently() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let mut tx = db.store.begin().await?;
    assert_eq!(tx.next_counter("invoice-2026").await?, 1);
    assert_eq!(tx.next_counter("invoice-2026").await?, 2);
    assert_eq!(tx.next_counter("invoice-2027").await?, 1);
    tx.commit().await?;

    let mut tx = db.store.begin().await?;
    assert_eq!(tx.next_counter("invoice-2026").await?, 3);
    assert_eq!(tx.next_counter("invoice-2027").await?, 2);
    assert_eq!(tx.next_counter("credit-note").await?, 1);
    tx.commit().await?;
    Ok(())
}

#[tokio::test]
async fn invoices_are_listed_per_order_and_their_pdf_is_returned_only_to_the_owner(
) -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;
    let senal = payment(&o, PaymentKind::Senal, t);
    let fin = payment(&o, PaymentKind::Final, t);
    let theirs = payment(&other, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&senal, &fin, &theirs]).await;

    let inv1 = invoice(&senal, "F-2026-000001", t);
    let inv2 = invoice(&fin, "F-2026-000002", t + Duration::days(90));
    let inv3 = invoice(&theirs, "F-2026-000003", t);
    let (pdf1, pdf2, pdf3) = (pdf_bytes("one"), pdf_bytes("two"), Vec::from(&b"x"[..]));
    let mut tx = db.store.begin().await?;
    tx.insert_invoice(&inv2, &pdf2).await?;
    tx.insert_invoice(&inv1, &pdf1).await?;
    tx.insert_invoice(&inv3, &pdf3).await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_invoices_for_order(&o.id).await?,
        vec![inv1.clone(), inv2.clone()]
    );
    assert_eq!(
        tx.list_invoices_for_order(&other.id).await?,
        vec![inv3.clone()]
    );

    assert_eq!(
        tx.find_invoice_pdf_for_customer(&o.customer_id, &inv1.id)
            .await?,
        Some((inv1.clone(), pdf1.clone()))
    );
    assert_eq!(
        tx.find_invoice_pdf_for_customer(&o.customer_id, &inv2.id)
            .await?,
        Some((inv2.clone(), pdf2))
    );
    assert_eq!(
        tx.find_invoice_pdf_for_customer(&other.customer_id, &inv1.id)
            .await?,
        None,
        "another customer's invoice is not found"
    );
    assert_eq!(
        tx.find_invoice_pdf_for_customer(&o.customer_id, &inv3.id)
            .await?,
        None
    );
    assert_eq!(
        tx.find_invoice_pdf_for_customer(&o.customer_id, &InvoiceId::new())
            .await?,
        None
    );
    // Staff lookup needs no owner.
    assert_eq!(tx.find_invoice_pdf(&inv3.id).await?, Some((inv3, pdf3)));
    assert_eq!(tx.find_invoice_pdf(&inv1.id).await?, Some((inv1, pdf1)));
    assert_eq!(tx.find_invoice_pdf(&InvoiceId::new()).await?, None);
    Ok(())
}

#[tokio::test]
async fn a_second_invoice_number_or_invoice_of_the_same_payment_is_a_conflict() -> anyhow::Result<()>
{
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let senal = payment(&o, PaymentKind::Senal, t);
    let fin = payment(&o, PaymentKind::Final, t);
    insert_payments(&*db.store, &[&senal, &fin]).await;
    let mut tx = db.store.begin().await?;
    tx.insert_invoice(&invoice(&senal, "F-2026-000001", t), b"a")
        .await?;
    tx.commit().await?;

    for dup in [
        invoice(&fin, "F-2026-000001", t),
        invoice(&senal, "F-2026-000002", t),
    ] {
        let mut tx = db.store.begin().await?;
        let err = tx.insert_invoice(&dup, b"b").await.expect_err("duplicate");
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    }
    Ok(())
}
