//! Operator features and the audit trail: expiring links, security events in
//! the audit log with request ids, and "retry now" on a dead job.

use crate::support::app::*;
use caas_domain::ids::JobId;
use caas_domain::job::{JobState, NewJob};
use caas_store_tests::TestClock;
use std::sync::Arc;

const PW: &str = "una-clave-larga-1";

#[tokio::test]
async fn an_expired_activation_link_is_refused_with_a_readable_page() {
    let clock = TestClock::new();
    let t = spawn_app_with(|_| {}, Arc::new(clock.clone())).await;
    t.provision_customer("tarde@example.com").await;
    let link = t.latest_link("tarde@example.com", "/activate").await;
    assert_eq!(client().get(&link).send().await.unwrap().status(), 200);
    clock.advance(chrono::Duration::days(8));
    let page = client().get(&link).send().await.unwrap();
    assert_eq!(page.status(), 410);
    assert!(page.text().await.unwrap().contains("ya no es válido"));
}

#[tokio::test]
async fn security_events_are_audited_with_actor_time_and_request_id() {
    let t = spawn_app().await;
    let customer = t.provision_customer("audit@example.com").await;
    t.activate("audit@example.com", PW).await;
    assert_eq!(
        t.try_token("audit@example.com", "wrong-password")
            .await
            .status(),
        401
    );
    let ok = client()
        .post(t.url("/api/v1/auth/token"))
        .header("x-request-id", "req-audit-1")
        .json(&serde_json::json!({"email": "audit@example.com", "password": PW}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201);

    let entries = caas_app::ops::list_audit(&t.app, None).await.unwrap();
    let find = |action: &str| {
        entries
            .iter()
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("{action} audited"))
    };
    assert_eq!(
        find("account.customer_created").subject.as_deref(),
        Some(customer.id.as_str())
    );
    assert_eq!(find("auth.activation").actor, customer.id.to_string());
    assert_eq!(
        find("auth.login.failed").subject.as_deref(),
        Some("audit@example.com")
    );
    let login = find("auth.login.ok");
    assert_eq!(login.request_id.as_deref(), Some("req-audit-1"));
    assert_eq!(login.ip.as_deref(), Some("127.0.0.1"));
    assert!(entries
        .iter()
        .filter(|e| e.action.starts_with("auth."))
        .all(|e| e.request_id.is_some()));

    // The audit page shows them to ADMIN.
    let admin = t.web_login(&t.admin.email, &t.admin.password).await;
    let html = admin
        .get(t.url("/ops/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("auth.login.ok") && html.contains("req-audit-1"));
}

#[tokio::test]
async fn an_admin_retries_a_dead_job_from_the_jobs_page() {
    let t = spawn_app().await;
    // A job no handler knows: it fails its only attempt and dies.
    let id = JobId::new();
    {
        let mut tx = t.app.store.begin().await.unwrap();
        let now = chrono::Utc::now();
        tx.enqueue_job(
            &NewJob {
                id: id.clone(),
                kind: "no_such_job".into(),
                payload: serde_json::json!({}),
                run_at: now,
                max_attempts: 1,
                dedupe_key: None,
            },
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    t.drain_jobs().await;
    let job = t
        .app
        .store
        .read()
        .await
        .unwrap()
        .find_job(&id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.state, JobState::Dead, "the job died");
    assert!(
        job.last_error
            .as_deref()
            .unwrap_or("")
            .contains("no_such_job"),
        "{:?}",
        job.last_error
    );

    let admin = t.web_login(&t.admin.email, &t.admin.password).await;
    let page = admin
        .get(t.url("/ops/jobs?state=dead"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(id.as_str()), "the dead job is listed");
    let csrf = csrf_in(&page);
    let resp = admin
        .post(t.url(&format!("/ops/jobs/{id}/retry")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    // It ran once more (and died again: the kind is still unknown).
    t.drain_jobs().await;
    let j = t
        .app
        .store
        .read()
        .await
        .unwrap()
        .find_job(&id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (j.attempts, j.state),
        (2, JobState::Dead),
        "the retried job ran again"
    );
    let audit = caas_app::ops::list_audit(&t.app, Some(id.as_str()))
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "job.retried"));
}
