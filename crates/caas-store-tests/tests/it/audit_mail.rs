//! Store conformance: the append-only audit log and the email outbox.

use crate::fixtures::*;
use caas_domain::audit::AuditEntry;
use caas_domain::ids::EmailId;
use caas_domain::mail::EmailState;
use caas_domain::ports::*;
use caas_store_postgres::PgStore;
use caas_store_sqlite::SqliteStore;
use caas_store_tests::{backend, fresh_database_url, fresh_store};
use chrono::{DateTime, Duration, Utc};

fn entry(at: DateTime<Utc>, action: &str, subject: Option<&str>) -> AuditEntry {
    let e = AuditEntry::new(at, "acc_0190000000007000800000000000001", action)
        .details(serde_json::json!({ "reason": "test", "n": 3, "nested": { "ok": true } }))
        .context(Some("req-123".to_owned()), Some("192.0.2.7".to_owned()));
    match subject {
        Some(s) => e.subject(s),
        None => e,
    }
}

#[tokio::test]
async fn audit_entries_are_listed_newest_first_and_filtered_by_subject() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let e1 = entry(t, "account.created", Some("acc_a"));
    let e2 = entry(t + Duration::seconds(1), "auth.login.ok", None);
    let e3 =
        AuditEntry::new(t + Duration::seconds(2), "system", "account.disabled").subject("acc_a");
    let e4 = entry(t + Duration::seconds(3), "account.created", Some("acc_b"));
    let mut tx = db.store.begin().await?;
    for e in [&e1, &e2, &e3, &e4] {
        tx.append_audit(e).await?;
    }
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_audit(None, 10).await?,
        vec![e4.clone(), e3.clone(), e2.clone(), e1.clone()]
    );
    assert_eq!(tx.list_audit(None, 2).await?, vec![e4.clone(), e3.clone()]);
    assert_eq!(
        tx.list_audit(Some("acc_a"), 10).await?,
        vec![e3.clone(), e1.clone()]
    );
    assert_eq!(tx.list_audit(Some("acc_a"), 1).await?, vec![e3.clone()]);
    assert_eq!(tx.list_audit(Some("acc_b"), 10).await?, vec![e4.clone()]);
    assert!(tx.list_audit(Some("acc_nobody"), 10).await?.is_empty());
    // Null details and absent context survive the round trip as such.
    let back = tx.list_audit(Some("acc_a"), 1).await?.remove(0);
    assert_eq!(
        (back.details, back.request_id, back.ip),
        (serde_json::Value::Null, None, None)
    );
    Ok(())
}

#[tokio::test]
async fn an_audit_entry_in_a_dropped_transaction_is_not_recorded() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    {
        let mut tx = db.store.begin().await?;
        tx.append_audit(&entry(t, "account.created", Some("acc_a")))
            .await?;
    }
    let kept = entry(t, "account.created", Some("acc_b"));
    let mut tx = db.store.begin().await?;
    tx.append_audit(&kept).await?;
    tx.commit().await?;
    assert_eq!(
        db.store.read().await?.list_audit(None, 10).await?,
        vec![kept]
    );
    Ok(())
}

#[tokio::test]
async fn the_audit_log_refuses_raw_updates_and_deletes() -> anyhow::Result<()> {
    let (url, _dir) = fresh_database_url().await?;
    let t = start_time();
    let e = entry(t, "account.created", Some("acc_a"));
    let update = "UPDATE audit_log SET actor = 'mallory', details = '{}'";
    let delete = "DELETE FROM audit_log";
    let delete_one = "DELETE FROM audit_log WHERE subject = 'acc_a'";

    let after = match backend() {
        "postgres" => {
            let store = PgStore::connect(&url, 2).await?;
            let mut tx = store.begin().await?;
            tx.append_audit(&e).await?;
            tx.commit().await?;
            for sql in [update, delete, delete_one] {
                let res = sqlx::query(sql).execute(store.pool()).await;
                assert!(res.is_err(), "{sql} must be refused, got {res:?}");
            }
            let after = store.read().await?.list_audit(None, 10).await?;
            store.close().await;
            after
        }
        _ => {
            let store = SqliteStore::connect(&url).await?;
            let mut tx = store.begin().await?;
            tx.append_audit(&e).await?;
            tx.commit().await?;
            for sql in [update, delete, delete_one] {
                let res = sqlx::query(sql).execute(store.pool()).await;
                assert!(res.is_err(), "{sql} must be refused, got {res:?}");
            }
            let after = store.read().await?.list_audit(None, 10).await?;
            store.close().await;
            after
        }
    };
    assert_eq!(after, vec![e], "the entry is unchanged");
    Ok(())
}

#[tokio::test]
async fn the_audit_log_refuses_truncate_on_postgres() -> anyhow::Result<()> {
    if backend() == "sqlite" {
        eprintln!("skipped: SQLite has no TRUNCATE (its DELETE trigger is covered elsewhere)");
        return Ok(());
    }
    let (url, _dir) = fresh_database_url().await?;
    let store = PgStore::connect(&url, 2).await?;
    let e = entry(start_time(), "account.created", Some("acc_a"));
    let mut tx = store.begin().await?;
    tx.append_audit(&e).await?;
    tx.commit().await?;
    let res = sqlx::query("TRUNCATE audit_log")
        .execute(store.pool())
        .await;
    let after = store.read().await?.list_audit(None, 10).await?;
    store.close().await;
    assert!(res.is_err(), "TRUNCATE audit_log must be refused");
    assert_eq!(after, vec![e]);
    Ok(())
}

#[tokio::test]
async fn an_outbound_email_round_trips_and_is_listed_newest_first() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let first = email("ana@example.com", "Activa tu cuenta", t);
    let mut second = email(
        "Eve@Example.com",
        "Restablece tu contraseña",
        t + Duration::seconds(1),
    );
    second.template = "password_reset".to_owned();
    second.language = "en".to_owned();
    second.state = EmailState::Held;
    second.last_error = Some("no SMTP server configured".to_owned());
    let mut third = email(
        "bob@example.com",
        "Tu coche está listo",
        t + Duration::seconds(2),
    );
    third.state = EmailState::Sent;
    third.sent_at = Some(t + Duration::seconds(3));
    let mut tx = db.store.begin().await?;
    for e in [&first, &second, &third] {
        tx.insert_email(e).await?;
    }
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    for e in [&first, &second, &third] {
        assert_eq!(tx.find_email(&e.id).await?.as_ref(), Some(e));
    }
    assert_eq!(tx.find_email(&EmailId::new()).await?, None);
    assert_eq!(
        tx.list_emails(10).await?,
        vec![third.clone(), second.clone(), first.clone()]
    );
    assert_eq!(tx.list_emails(2).await?, vec![third, second]);
    Ok(())
}

#[tokio::test]
async fn marking_an_email_sent_records_sent_at_and_clears_the_error() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let e = email("ana@example.com", "Activa tu cuenta", t);
    let other = email("eve@example.com", "Otro", t);
    let mut tx = db.store.begin().await?;
    tx.insert_email(&e).await?;
    tx.insert_email(&other).await?;
    tx.commit().await?;

    // A failed attempt keeps it unsent, with the error.
    let mut tx = db.store.begin().await?;
    tx.set_email_state(
        &e.id,
        EmailState::Pending,
        t + Duration::seconds(5),
        Some("421 busy"),
    )
    .await?;
    tx.commit().await?;
    let back = db.store.read().await?.find_email(&e.id).await?.unwrap();
    assert_eq!(
        (back.state, back.sent_at, back.last_error.as_deref()),
        (EmailState::Pending, None, Some("421 busy"))
    );

    let sent_at = t + Duration::minutes(1);
    let mut tx = db.store.begin().await?;
    tx.set_email_state(&e.id, EmailState::Sent, sent_at, None)
        .await?;
    tx.commit().await?;
    let mut tx = db.store.read().await?;
    let back = tx.find_email(&e.id).await?.unwrap();
    assert_eq!(back.state, EmailState::Sent);
    assert_eq!(back.sent_at, Some(sent_at));
    assert_eq!(back.last_error, None);
    assert_eq!(
        (back.subject, back.body_html, back.created_at),
        (e.subject, e.body_html, e.created_at)
    );
    assert_eq!(
        tx.find_email(&other.id).await?.as_ref(),
        Some(&other),
        "only the target email changes"
    );
    Ok(())
}

#[tokio::test]
async fn a_failed_email_records_the_error_without_a_sent_time() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let e = email("ana@example.com", "Activa tu cuenta", t);
    let mut tx = db.store.begin().await?;
    tx.insert_email(&e).await?;
    tx.set_email_state(
        &e.id,
        EmailState::Failed,
        t + Duration::hours(1),
        Some("550 mailbox unavailable"),
    )
    .await?;
    tx.commit().await?;
    let back = db.store.read().await?.find_email(&e.id).await?.unwrap();
    assert_eq!(back.state, EmailState::Failed);
    assert_eq!(back.sent_at, None);
    assert_eq!(back.last_error.as_deref(), Some("550 mailbox unavailable"));
    Ok(())
}
