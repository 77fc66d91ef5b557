//! A login flood is bounded work: password hashes run on a fixed set of
//! threads behind a short queue, and a login that finds the queue full is
//! refused at once — 503 problem+json with `Retry-After` — instead of
//! waiting or piling up 19 MiB hashes. Every request gets an answer (no
//! timeout), and a normal login right after the flood succeeds.

use crate::support::app::*;
use std::time::Duration;

const PW: &str = "una-clave-larga-1";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn beyond_the_hashing_queue_logins_get_503_with_retry_after_and_a_login_after_succeeds() {
    let t = spawn_app_with(
        |c| {
            c.hash_workers = 1;
            c.hash_queue = 2;
        },
        std::sync::Arc::new(caas_domain::clock::SystemClock),
    )
    .await;
    t.active_customer("flood@example.com", PW).await;
    let calls = (0..32).map(|_| {
        let url = t.url("/api/v1/auth/token");
        async move {
            let resp = client()
                .post(url)
                .json(&serde_json::json!({"email": "flood@example.com", "password": PW}))
                .timeout(Duration::from_secs(60))
                .send()
                .await
                .expect("every login is answered");
            let status = resp.status().as_u16();
            let retry = resp
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            let body: serde_json::Value = resp.json().await.unwrap();
            (
                status,
                retry,
                body["type"].as_str().unwrap_or_default().to_owned(),
            )
        }
    });
    let answers = futures::future::join_all(calls).await;
    let ok = answers.iter().filter(|a| a.0 == 201).count();
    let refused: Vec<_> = answers.iter().filter(|a| a.0 == 503).collect();
    assert_eq!(
        ok + refused.len(),
        answers.len(),
        "only 201 or 503: {answers:?}"
    );
    assert!(
        !refused.is_empty(),
        "a queue of 2 behind 1 thread refuses some of 32 at once"
    );
    assert!(ok >= 3, "one hashing and two queued got through ({ok})");
    for (_, retry, kind) in &refused {
        assert_eq!(kind, "/problems/overloaded");
        let secs: u64 = retry.as_deref().expect("Retry-After").parse().unwrap();
        assert!(secs >= 1);
    }
    let resp = t.try_token("flood@example.com", PW).await;
    assert_eq!(
        resp.status(),
        201,
        "a normal login after the flood succeeds"
    );
}
