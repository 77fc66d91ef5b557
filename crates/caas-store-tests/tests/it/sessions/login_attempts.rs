//! Store conformance: failed logins counted per email and per IP within
//! the window.

use super::*;

#[tokio::test]
async fn failed_logins_are_counted_per_email_and_per_ip_within_the_window() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let now = start_time();
    let since = now - Duration::minutes(15);
    let attempts = [
        (
            "ana@example.com",
            "10.0.0.1",
            false,
            now - Duration::minutes(10),
        ),
        (
            "ana@example.com",
            "10.0.0.1",
            false,
            now - Duration::minutes(1),
        ),
        (
            "ana@example.com",
            "10.0.0.1",
            true,
            now - Duration::seconds(30),
        ),
        (
            "ana@example.com",
            "10.0.0.1",
            false,
            now - Duration::hours(2),
        ),
        (
            "ana@example.com",
            "10.0.0.1",
            false,
            since - Duration::seconds(1),
        ),
        (
            "ana@example.com",
            "2001:db8::7",
            false,
            now - Duration::minutes(2),
        ),
        (
            "eve@example.com",
            "10.0.0.1",
            false,
            now - Duration::minutes(3),
        ),
        (
            "eve@example.com",
            "10.0.0.9",
            true,
            now - Duration::minutes(3),
        ),
    ];
    let mut tx = db.store.begin().await?;
    for (email, ip, ok, at) in attempts {
        tx.record_login_attempt(email, ip, ok, at).await?;
    }
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.count_failed_logins_for_email("ana@example.com", since)
            .await?,
        3
    );
    assert_eq!(
        tx.count_failed_logins_for_email("eve@example.com", since)
            .await?,
        1
    );
    assert_eq!(
        tx.count_failed_logins_for_email("nobody@example.com", since)
            .await?,
        0
    );
    assert_eq!(
        tx.count_failed_logins_for_email("ana@example.com", now - Duration::days(1))
            .await?,
        5
    );
    assert_eq!(tx.count_failed_logins_for_ip("10.0.0.1", since).await?, 3);
    assert_eq!(
        tx.count_failed_logins_for_ip("2001:db8::7", since).await?,
        1
    );
    assert_eq!(
        tx.count_failed_logins_for_ip("10.0.0.9", since).await?,
        0,
        "successes are not counted"
    );
    assert_eq!(tx.count_failed_logins_for_ip("10.0.0.1", now).await?, 0);
    Ok(())
}
