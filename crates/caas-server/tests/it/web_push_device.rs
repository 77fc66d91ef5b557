//! Registering a browser for Web Push from `/preferences`: the page carries
//! the VAPID key and loads the script, the service worker is served from the
//! root, and the form POST stores the subscription for the logged-in customer.

use crate::support::app::*;
use serde_json::Value;

#[tokio::test]
async fn a_customer_registers_this_browser_for_push_from_the_preferences_page() {
    let t = spawn_app().await;
    t.active_customer("nuria@example.com", "una-clave-larga-1")
        .await;
    let c = t.web_login("nuria@example.com", "una-clave-larga-1").await;
    let html = c
        .get(t.url("/preferences"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let vapid = html
        .split("data-vapid=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        vapid.len(),
        87,
        "an uncompressed P-256 key in base64url: {vapid}"
    );
    assert!(html.contains("/static/push.js"));
    let sw = client().get(t.url("/sw.js")).send().await.unwrap();
    assert_eq!(sw.headers()["content-type"], "text/javascript");
    assert!(sw.text().await.unwrap().contains("showNotification"));

    // A browser subscription, as the push simulator's fake browser makes it.
    let sims = t.sims.clone().unwrap();
    let sub: Value = client()
        .post(format!("{}/_sim/subscriptions", sims.push))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = csrf_in(&html);
    let form = [
        ("_csrf", csrf.as_str()),
        ("endpoint", sub["endpoint"].as_str().unwrap()),
        ("p256dh", sub["keys"]["p256dh"].as_str().unwrap()),
        ("auth", sub["keys"]["auth"].as_str().unwrap()),
    ];
    let resp = c
        .post(t.url("/preferences/push"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let page = c
        .get(t.url("/preferences"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"push-list\""), "the device is listed");

    // Without the CSRF token nothing is stored.
    let bad = [
        ("endpoint", "https://push.example.net/x"),
        ("p256dh", form[2].1),
        ("auth", form[3].1),
    ];
    let resp = c
        .post(t.url("/preferences/push"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let other: Vec<_> = {
        let mut tx = t.app.store.read().await.unwrap();
        let acc = tx
            .find_account_by_email(
                &caas_domain::email::EmailAddress::parse("nuria@example.com").unwrap(),
            )
            .await
            .unwrap()
            .unwrap();
        tx.list_push_subscriptions(&acc.id, chrono::Utc::now())
            .await
            .unwrap()
    };
    assert_eq!(other.len(), 1);
}
