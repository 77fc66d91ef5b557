//! A database made by the previous release (schema up to its last
//! migration, rows written by its SQL) upgrades in place: the migrations of
//! this release backfill the new columns from the documents and every row
//! reads back through the store unchanged.

use crate::fixtures::*;
use caas_domain::order::Order;
use caas_domain::payment::{Payment, PaymentKind, PaymentState};
use caas_store_tests::{backend, fresh_database_url, open_store};

/// The last migration of the release before money columns (per engine).
const PREVIOUS_SQLITE: i64 = 5;
const PREVIOUS_POSTGRES: i64 = 6;

/// The statements the previous release wrote rows with (copied from it).
const OLD_STATEMENTS: [&str; 5] = [
    "INSERT INTO dealerships (id, name, country, locality, address, opening_hours, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    "INSERT INTO accounts (id, email, name, role, dealership_id, language, status, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, $5, $6, NULL, $7, $7)",
    "INSERT INTO orders (id, customer_id, dealership_id, state, factory_order_id, last_factory_contact, version, created_at, updated_at, doc) VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6, $6, $7)",
    "INSERT INTO payments (id, order_id, customer_id, kind, state, idempotency_key, intent_id, created_at, updated_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
    "INSERT INTO invoices (id, number, order_id, customer_id, payment_id, issued_at, doc, pdf) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
];

/// An order as the first releases wrote it: no `doc_version` and none of the
/// delivery half, which was added field by field later.
fn old_order_doc(o: &Order) -> String {
    let mut v = serde_json::to_value(o).unwrap();
    let map = v.as_object_mut().unwrap();
    for key in [
        "vehicle_id",
        "from_stock",
        "final_payment",
        "reception",
        "registration",
        "home",
        "app_link",
        "senal_refund",
    ] {
        map.remove(key);
    }
    v.to_string()
}

/// A document as the previous release wrote it: without the fields added since.
fn old_payment_doc(p: &Payment) -> String {
    let mut v = serde_json::to_value(p).unwrap();
    v.as_object_mut().unwrap().remove("version");
    v.to_string()
}

macro_rules! fill_old_database {
    ($pool:expr, $d:expr, $c:expr, $o:expr, $payments:expr, $inv:expr) => {{
        let (d, c, o) = ($d, $c, $o);
        sqlx::query(OLD_STATEMENTS[0])
            .bind(d.id.as_str())
            .bind(&d.name)
            .bind(&d.country)
            .bind(&d.locality)
            .bind(&d.address)
            .bind(&d.opening_hours)
            .bind(d.created_at)
            .execute($pool)
            .await
            .unwrap();
        sqlx::query(OLD_STATEMENTS[1])
            .bind(c.id.as_str())
            .bind(c.email.as_str())
            .bind(&c.name)
            .bind(c.role.as_str())
            .bind(c.language.as_str())
            .bind(c.status.as_str())
            .bind(c.created_at)
            .execute($pool)
            .await
            .unwrap();
        sqlx::query(OLD_STATEMENTS[2])
            .bind(o.id.as_str())
            .bind(o.customer_id.as_str())
            .bind(o.dealership_id.as_str())
            .bind(o.state.as_str())
            .bind(o.version)
            .bind(o.created_at)
            .bind(old_order_doc(o))
            .execute($pool)
            .await
            .unwrap();
        for p in $payments {
            sqlx::query(OLD_STATEMENTS[3])
                .bind(p.id.as_str())
                .bind(p.order_id.as_str())
                .bind(p.customer_id.as_str())
                .bind(p.kind.as_str())
                .bind(p.state.as_str())
                .bind(&p.idempotency_key)
                .bind(p.intent_id.as_deref())
                .bind(p.created_at)
                .bind(old_payment_doc(p))
                .execute($pool)
                .await
                .unwrap();
        }
        let i = $inv;
        sqlx::query(OLD_STATEMENTS[4])
            .bind(i.id.as_str())
            .bind(&i.number)
            .bind(i.order_id.as_str())
            .bind(i.customer_id.as_str())
            .bind(i.payment_id.as_str())
            .bind(i.issued_at)
            .bind(serde_json::to_string(i).unwrap())
            .bind(&b"%PDF-old"[..])
            .execute($pool)
            .await
            .unwrap();
    }};
}

#[tokio::test]
async fn a_database_of_the_previous_release_upgrades_in_place_and_reads_back() -> anyhow::Result<()>
{
    let (url, _dir) = fresh_database_url().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    let c = customer("ana@example.com", t);
    let o = order(&c, &d.id, t);
    let mut captured = payment(&o, PaymentKind::Senal, t);
    captured.state = PaymentState::Captured;
    captured.intent_id = Some("pi_old".to_owned());
    captured.last_sequence = 2;
    let mut declined = payment(&o, PaymentKind::Senal, t - chrono::Duration::minutes(5));
    declined.state = PaymentState::Declined;
    declined.decline_code = Some("card_declined".to_owned());
    let inv = invoice(&captured, "F-2026-000001", t);
    let payments = [&declined, &captured];

    if backend() == "postgres" {
        let pool = caas_store_postgres::PgStore::migrate_until(&url, PREVIOUS_POSTGRES).await?;
        fill_old_database!(&pool, &d, &c, &o, payments, &inv);
        pool.close().await;
    } else {
        let pool = caas_store_sqlite::SqliteStore::migrate_until(&url, PREVIOUS_SQLITE).await?;
        fill_old_database!(&pool, &d, &c, &o, payments, &inv);
        pool.close().await;
    }

    // This release's store applies its migrations to the old database.
    let store = open_store(&url).await?;
    let mut tx = store.read().await?;
    assert_eq!(
        tx.find_account(&c.id).await?,
        Some(c.clone()),
        "accounts start at version 0"
    );
    assert_eq!(tx.find_order(&o.id).await?, Some(o.clone()));
    assert_eq!(
        tx.list_payments_for_order(&o.id).await?,
        vec![declined.clone(), captured.clone()],
        "old documents read back, version 0"
    );
    assert_eq!(tx.list_invoices_for_order(&o.id).await?, vec![inv.clone()]);
    let (_, pdf) = tx.find_invoice_pdf(&inv.id).await?.unwrap();
    assert_eq!(pdf, b"%PDF-old");
    drop(tx);

    // The backfilled columns hold the documents' amounts and the order's dealership.
    let sql = "SELECT p.amount_minor, p.currency, p.dealership_id, i.amount_minor FROM payments p JOIN invoices i ON i.payment_id = p.id WHERE p.id = $1";
    let (minor, currency, dealership, invoiced): (i64, String, String, i64) =
        if backend() == "postgres" {
            let pool = sqlx::PgPool::connect(&url).await?;
            sqlx::query_as(sql)
                .bind(captured.id.as_str())
                .fetch_one(&pool)
                .await?
        } else {
            let pool = sqlx::SqlitePool::connect(&url).await?;
            sqlx::query_as(sql)
                .bind(captured.id.as_str())
                .fetch_one(&pool)
                .await?
        };
    assert_eq!(
        (minor, currency.as_str(), dealership.as_str(), invoiced),
        (o.plan.senal.minor, "EUR", d.id.as_str(), o.plan.senal.minor)
    );

    // The start-up backfill rewrote the order at version 2 (the generated
    // column reads the document) and stamped the others at version 1.
    let sql = "SELECT (SELECT CAST(doc_version AS BIGINT) FROM orders WHERE id = $1), \
               (SELECT CAST(MIN(doc_version) AS BIGINT) FROM payments WHERE order_id = $1), \
               (SELECT COUNT(*) FROM orders WHERE doc_version < 2)";
    let versions: (i64, i64, i64) = if backend() == "postgres" {
        let pool = sqlx::PgPool::connect(&url).await?;
        sqlx::query_as(sql)
            .bind(o.id.as_str())
            .fetch_one(&pool)
            .await?
    } else {
        let pool = sqlx::SqlitePool::connect(&url).await?;
        sqlx::query_as(sql)
            .bind(o.id.as_str())
            .fetch_one(&pool)
            .await?
    };
    assert_eq!(
        versions,
        (2, 1, 0),
        "order at v2, payments at v1, no order left behind"
    );

    // And an old payment takes a guarded write like a new one.
    let mut settled = captured.clone();
    settled.state = PaymentState::Settled;
    settled.version += 1;
    let mut tx = store.begin().await?;
    assert!(tx.update_payment(&settled).await?);
    assert!(!tx.update_payment(&settled).await?, "version 1 is taken");
    tx.commit().await?;
    let mut tx = store.read().await?;
    assert_eq!(tx.find_payment(&captured.id).await?, Some(settled));
    Ok(())
}

#[tokio::test]
async fn on_postgresql_every_document_column_is_jsonb() -> anyhow::Result<()> {
    if backend() != "postgres" {
        return Ok(());
    }
    let db = caas_store_tests::fresh_store().await?;
    let pool = sqlx::PgPool::connect(&db.url).await?;
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND column_name = 'doc' ORDER BY table_name",
    )
    .fetch_all(&pool)
    .await?;
    assert!(columns.len() >= 13, "{columns:?}");
    let not_jsonb: Vec<_> = columns.iter().filter(|(_, t)| t != "jsonb").collect();
    assert!(
        not_jsonb.is_empty(),
        "documents stored as text: {not_jsonb:?}"
    );
    Ok(())
}
