//! HTTPS on the listener: with `tls_cert`/`tls_key` the real application,
//! booted on port 0 with a certificate a throwaway CA (rcgen) signed, answers
//! a client trusting that CA, refuses one that does not, and sends HSTS —
//! as does a plain listener whose `public_url` is https (behind a proxy).

use crate::support::app::*;
use caas_domain::clock::SystemClock;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use std::path::PathBuf;
use std::sync::Arc;

/// A CA (`ca.pem`) and a certificate for 127.0.0.1 it signed (`server.pem`, `server.key`).
struct TestPki {
    dir: tempfile::TempDir,
    ca_pem: String,
}

impl TestPki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().unwrap();
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let key = KeyPair::generate().unwrap();
        let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap()
            .signed_by(&key, &ca, &ca_key)
            .unwrap();
        std::fs::write(dir.path().join("server.pem"), server.pem()).unwrap();
        std::fs::write(dir.path().join("server.key"), key.serialize_pem()).unwrap();
        Self {
            dir,
            ca_pem: ca.pem(),
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A client trusting only this CA.
    fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(self.ca_pem.as_bytes()).unwrap())
            .build()
            .unwrap()
    }
}

async fn https_app(pki: &TestPki) -> TestApp {
    let (cert, key) = (pki.file("server.pem"), pki.file("server.key"));
    spawn_app_with(
        move |c| {
            c.listener.tls_cert = Some(cert);
            c.listener.tls_key = Some(key);
        },
        Arc::new(SystemClock),
    )
    .await
}

#[tokio::test]
async fn with_a_certificate_the_listener_serves_https_and_sends_hsts() {
    let pki = TestPki::new();
    let t = https_app(&pki).await;
    assert!(t.address.starts_with("https://127.0.0.1:"), "{}", t.address);
    let resp = pki.client().get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    assert_eq!(resp.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_certificate_is_refused_and_plain_http_gets_nothing() {
    let pki = TestPki::new();
    let t = https_app(&pki).await;
    let other = TestPki::new();
    let err = other.client().get(t.url("/healthz")).send().await;
    assert!(err.is_err(), "a certificate of another CA was accepted");
    let plain = t.address.replacen("https://", "http://", 1);
    let err = reqwest::get(format!("{plain}/healthz")).await;
    assert!(err.is_err(), "plain HTTP was answered on the TLS port");
    // The listener still serves after the failed handshakes.
    let resp = pki.client().get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn behind_a_proxy_an_https_public_url_turns_hsts_on_and_plain_http_leaves_it_off() {
    let proxied = spawn_app_with(
        |c| c.public_url = Some("https://caas.example".into()),
        Arc::new(SystemClock),
    )
    .await;
    let resp = client().get(proxied.url("/healthz")).send().await.unwrap();
    assert!(resp.headers().contains_key("strict-transport-security"));
    let plain = spawn_app().await;
    let resp = client().get(plain.url("/healthz")).send().await.unwrap();
    assert!(!resp.headers().contains_key("strict-transport-security"));
}
