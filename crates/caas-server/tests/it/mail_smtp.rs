//! Email delivery through a real SMTP server (Python's aiosmtpd writing to a
//! Maildir), and what happens when the SMTP server cannot be reached.
//!
//! The delivery test needs `python3 -m aiosmtpd`. Without it the test is
//! skipped (with a note on stderr) unless `CAAS_REQUIRE_SMTP=1`, in which case
//! it fails.

use crate::support::app::*;
use crate::support::smtp::*;
use caas_domain::clock::SystemClock;
use caas_domain::job::{Job, JobState};
use caas_domain::mail::{EmailState, OutboundEmail};
use caas_server::config::Secret;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PW: &str = "una-clave-larga-1";
/// Subject of the activation email in Spanish (the harness provisions in Spanish).
const ACTIVATION_SUBJECT_ES: &str = "Activa tu cuenta de caas";

/// The hidden `token` field of the set-password form.
fn token_field_in(html: &str) -> String {
    let marker = "name=\"token\" value=\"";
    let start = html.find(marker).expect("the form carries the token") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

async fn outbox_email_to(t: &TestApp, to: &str) -> OutboundEmail {
    let emails = t
        .app
        .store
        .read()
        .await
        .unwrap()
        .list_emails(50)
        .await
        .unwrap();
    emails
        .into_iter()
        .find(|e| e.to.as_str() == to)
        .unwrap_or_else(|| panic!("no outbox email to {to}"))
}

/// Polls the outbox row of the email to `to` until `done` holds (15 s).
async fn wait_for_email(
    t: &TestApp,
    to: &str,
    what: &str,
    done: impl Fn(&OutboundEmail) -> bool,
) -> OutboundEmail {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let e = outbox_email_to(t, to).await;
        if done(&e) {
            return e;
        }
        assert!(
            Instant::now() < deadline,
            "the email to {to} is not {what} after 15 s: {e:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The delivery job of an email.
async fn send_job_of(t: &TestApp, email: &OutboundEmail) -> Job {
    caas_app::ops::list_jobs(&t.app, None)
        .await
        .unwrap()
        .into_iter()
        .find(|j| j.kind == "send_email" && j.payload["email_id"] == email.id.as_str())
        .unwrap_or_else(|| panic!("no send_email job for {}", email.id.as_str()))
}

#[tokio::test]
async fn an_activation_email_reaches_a_real_smtp_server_and_its_link_activates_the_account() {
    let Some(smtp) = SmtpServer::start_or_skip() else {
        return;
    };
    let smtp_url = smtp.url();
    let t = spawn_app_with(
        move |c| c.smtp_url = Some(Secret::new(smtp_url)),
        Arc::new(SystemClock),
    )
    .await;
    let to = "ana.smtp@example.com";
    t.provision_customer(to).await;

    let file = smtp.first_message().await;
    let msg = parse_message(&file);
    assert_eq!(msg.to, vec![to.to_owned()], "addressed to the customer");
    assert_eq!(msg.subject, ACTIVATION_SUBJECT_ES);
    assert_eq!(
        msg.content_type, "multipart/alternative",
        "text and HTML alternatives"
    );
    let link = link_in(&msg.text, "/activate")
        .unwrap_or_else(|| panic!("no activation link in the text part:\n{}", msg.text));
    assert!(
        link.starts_with(&t.address),
        "the link points at this server: {link}"
    );
    assert_eq!(
        link_in(&msg.html, "/activate").as_deref(),
        Some(link.as_str()),
        "the HTML part carries the same link"
    );

    let sent = wait_for_email(&t, to, "sent", |e| e.state == EmailState::Sent).await;
    assert!(sent.sent_at.is_some(), "a sent email records when");
    assert_eq!(sent.subject, msg.subject);

    let c = client();
    let page = c.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200, "the emailed link opens");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("name=\"password\"") && html.contains(to),
        "the link shows the set-password form for the customer"
    );
    let resp = c
        .post(t.url("/activate"))
        .form(&[
            ("_csrf", csrf_in(&html).as_str()),
            ("token", &token_field_in(&html)),
            ("password", PW),
            ("confirm", PW),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "the password is set");

    let token = client()
        .post(t.url("/api/v1/auth/token"))
        .json(&serde_json::json!({"email": to, "password": PW}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        token.status(),
        201,
        "the customer logs in with the chosen password"
    );
    let v: serde_json::Value = token.json().await.unwrap();
    let me = client()
        .get(t.url("/api/v1/me"))
        .bearer_auth(v["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<serde_json::Value>().await.unwrap()["email"], to);
    assert_eq!(
        smtp.delivered().len(),
        1,
        "exactly one message was delivered"
    );
}

#[tokio::test]
async fn an_unreachable_smtp_server_leaves_the_email_pending_and_requeues_its_job_with_the_error() {
    let closed = free_port();
    let t = spawn_app_with(
        move |c| c.smtp_url = Some(Secret::new(format!("smtp://127.0.0.1:{closed}"))),
        Arc::new(SystemClock),
    )
    .await;
    let to = "bruno.smtp@example.com";
    t.provision_customer(to).await;
    let email = outbox_email_to(&t, to).await;

    // The first attempt fails; the retry waits for its backoff, so it is not due.
    t.drain_jobs().await;
    let job = send_job_of(&t, &email).await;
    assert!(
        job.state == JobState::Queued && job.attempts >= 1 && job.last_error.is_some(),
        "the send_email job failed once and was requeued: {job:?}"
    );
    let error = job.last_error.clone().unwrap();
    assert!(error.contains("smtp"), "the error names SMTP: {error}");
    assert!(
        job.run_at > job.updated_at,
        "the retry is scheduled later (backoff): {job:?}"
    );
    assert!(job.attempts < job.max_attempts, "attempts remain: {job:?}");

    let email = outbox_email_to(&t, to).await;
    assert_eq!(
        email.state,
        EmailState::Pending,
        "the email waits for the next attempt"
    );
    assert!(email.sent_at.is_none());
}
