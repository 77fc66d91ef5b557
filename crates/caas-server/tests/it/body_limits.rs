//! One documented body limit per surface, answered 413 in the surface's own
//! way: problem+json on the API (1 MiB) and the webhook receivers (64 KiB, as
//! the partner contracts promise), a readable page for web forms (256 KiB) —
//! whether the size is declared up front or only found while reading a
//! chunked body. Nothing is stored for a refused request.

use crate::support::app::*;

async fn problem_type(resp: reqwest::Response) -> (u16, String, String) {
    let status = resp.status().as_u16();
    let ct = resp.headers()["content-type"].to_str().unwrap().to_owned();
    let body: serde_json::Value = resp.json().await.unwrap();
    (
        status,
        ct,
        body["type"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_body_over_one_mebibyte_is_refused_with_413_problem_json() {
    let t = spawn_app().await;
    let big = format!(
        "{{\"email\":\"a@b.c\",\"password\":\"{}\"}}",
        "x".repeat(1024 * 1024 + 10)
    );
    let resp = client()
        .post(t.url("/api/v1/auth/token"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    let (status, ct, kind) = problem_type(resp).await;
    assert_eq!(
        (status, ct.as_str(), kind.as_str()),
        (
            413,
            "application/problem+json",
            "/problems/payload_too_large"
        )
    );

    // The same body streamed without a length (chunked).
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(t.address.trim_start_matches("http://"))
        .await
        .unwrap();
    s.write_all(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").await.unwrap();
    for chunk in big.as_bytes().chunks(64 * 1024) {
        if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .is_err()
            || s.write_all(chunk).await.is_err()
            || s.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b"HTTP/1.1 413", "{}", String::from_utf8_lossy(&head));

    // Just under the limit is read (and refused for what it says, not its size).
    let ok = format!(
        "{{\"email\":\"a@b.c\",\"password\":\"{}\"}}",
        "x".repeat(1000)
    );
    let resp = client()
        .post(t.url("/api/v1/auth/token"))
        .header("content-type", "application/json")
        .body(ok)
        .send()
        .await
        .unwrap();
    assert_ne!(resp.status(), 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_over_64_kib_is_refused_with_413_problem_json_and_stored_nowhere() {
    let t = spawn_app().await;
    let body = format!(
        "{{\"id\":\"evt_big\",\"pad\":\"{}\"}}",
        "y".repeat(70 * 1024)
    );
    let resp = client()
        .post(t.url("/webhooks/factory"))
        .header("content-type", "application/json")
        .header("webhook-id", "evt_big")
        .header("webhook-timestamp", "1")
        .header("webhook-signature", "v1,AAAA")
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, ct, kind) = problem_type(resp).await;
    assert_eq!(
        (status, ct.as_str(), kind.as_str()),
        (
            413,
            "application/problem+json",
            "/problems/payload_too_large"
        )
    );
    let mut tx = t.app.store.read().await.unwrap();
    assert!(tx
        .list_pending_inbound("factory", None, None)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_form_over_256_kib_gets_a_readable_413_page() {
    let t = spawn_app().await;
    let c = client();
    let csrf = t.csrf(&c, "/login").await;
    let resp = c
        .post(t.url("/login"))
        .header("accept-language", "es")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "a@b.c"),
            ("password", &"z".repeat(300 * 1024)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = resp.text().await.unwrap();
    assert!(html.contains("256 KiB"), "the page says the limit: {html}");
}
