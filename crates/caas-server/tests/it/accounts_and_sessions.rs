//! Activation, login, logout, CSRF, revocation, disabling and throttling,
//! black box over HTTP.

use crate::support::app::*;

const PW: &str = "una-clave-larga-1";

#[tokio::test]
async fn a_provisioned_customer_activates_by_the_emailed_link_and_logs_in() {
    let t = spawn_app().await;
    t.active_customer("ana@example.com", PW).await;
    let c = t.web_login("ana@example.com", PW).await;
    let resp = c.get(t.url("/")).send().await.unwrap();
    assert_eq!(resp.headers()["location"], "/customer");
    let page = c.get(t.url("/customer")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("ana@example.com"));
}

#[tokio::test]
async fn an_activation_link_works_only_once() {
    let t = spawn_app().await;
    t.provision_customer("bea@example.com").await;
    let link = t.latest_link("bea@example.com", "/activate").await;
    t.activate("bea@example.com", PW).await;
    let again = client().get(&link).send().await.unwrap();
    assert_eq!(again.status(), 410, "a used link is gone");
}

#[tokio::test]
async fn provisioning_the_same_email_twice_reuses_the_customer() {
    let t = spawn_app().await;
    let a = t.provision_customer("carla@example.com").await;
    let b = t.provision_customer("Carla@Example.com").await;
    assert_eq!(a.id, b.id);
    assert_eq!(t.customer_count().await, 1);
}

#[tokio::test]
async fn a_form_post_without_a_valid_csrf_token_is_refused() {
    let t = spawn_app().await;
    t.active_customer("dani@example.com", PW).await;
    let c = client();
    let _ = c.get(t.url("/login")).send().await.unwrap();
    let no_token = c
        .post(t.url("/login"))
        .form(&[("email", "dani@example.com"), ("password", PW)])
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 403);
    let wrong = c
        .post(t.url("/login"))
        .form(&[
            ("_csrf", "forged-token-forged-token"),
            ("email", "dani@example.com"),
            ("password", PW),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);
    assert!(
        wrong.text().await.unwrap().contains("formulario"),
        "the refusal is explained"
    );

    let logged = t.web_login("dani@example.com", PW).await;
    let logout_without = logged
        .post(t.url("/logout"))
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(logout_without.status(), 403);
    assert_eq!(
        logged
            .get(t.url("/customer"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "still logged in"
    );
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let t = spawn_app().await;
    t.active_customer("eva@example.com", PW).await;
    let c = t.web_login("eva@example.com", PW).await;
    let csrf = t.csrf(&c, "/customer").await;
    let resp = c
        .post(t.url("/logout"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let after = c.get(t.url("/customer")).send().await.unwrap();
    assert_eq!(after.status(), 303);
    assert!(after.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
}

#[tokio::test]
async fn a_revoked_bearer_token_stops_working() {
    let t = spawn_app().await;
    t.active_customer("fer@example.com", PW).await;
    let token = t.api_token("fer@example.com", PW).await;
    let me = client()
        .get(t.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let revoke = client()
        .post(t.url("/api/v1/auth/revoke"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 204);
    let me = client()
        .get(t.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401);
    assert_eq!(me.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn disabling_an_account_revokes_its_sessions_and_tokens_at_once() {
    let t = spawn_app().await;
    let customer = t.active_customer("gema@example.com", PW).await;
    let web = t.web_login("gema@example.com", PW).await;
    let token = t.api_token("gema@example.com", PW).await;
    assert_eq!(
        web.get(t.url("/customer")).send().await.unwrap().status(),
        200
    );

    let admin = t.web_login(&t.admin.email, &t.admin.password).await;
    let csrf = t.csrf(&admin, "/ops/accounts").await;
    let resp = admin
        .post(t.url(&format!("/ops/accounts/{}/disable", customer.id)))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);

    assert_eq!(
        web.get(t.url("/customer")).send().await.unwrap().status(),
        303,
        "web session gone"
    );
    let me = client()
        .get(t.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401, "bearer token gone");
    let relogin = t.try_token("gema@example.com", PW).await;
    assert_eq!(relogin.status(), 401, "a disabled account cannot log in");
    let audit = caas_app::ops::list_audit(&t.app, Some(customer.id.as_str()))
        .await
        .unwrap();
    assert!(audit
        .iter()
        .any(|e| e.action == "account.disabled" && e.request_id.is_some()));
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled_with_429() {
    let t = spawn_app().await;
    t.active_customer("hugo@example.com", PW).await;
    for _ in 0..5 {
        let r = t.try_token("hugo@example.com", "wrong-password").await;
        assert_eq!(r.status(), 401);
    }
    let r = t.try_token("hugo@example.com", PW).await;
    assert_eq!(
        r.status(),
        429,
        "even the right password waits out the window"
    );
    assert!(r.headers().contains_key("retry-after"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("Try again"));

    // The web form says the same, in a page.
    let c = client();
    let csrf = t.csrf(&c, "/login").await;
    let page = c
        .post(t.url("/login"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("email", "hugo@example.com"),
            ("password", PW),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 429);
    assert!(page.text().await.unwrap().contains("Demasiados intentos"));
}

#[tokio::test]
async fn many_failures_from_one_address_throttle_every_account_from_it() {
    let t = spawn_app_with(
        |c| c.login_max_failures_per_ip = 3,
        std::sync::Arc::new(caas_domain::clock::SystemClock),
    )
    .await;
    t.active_customer("ines@example.com", PW).await;
    for i in 0..3 {
        let r = t.try_token(&format!("nobody{i}@example.com"), "x").await;
        assert_eq!(r.status(), 401);
    }
    let r = t.try_token("ines@example.com", PW).await;
    assert_eq!(r.status(), 429);
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_and_ends_the_others() {
    let t = spawn_app().await;
    t.active_customer("juan@example.com", PW).await;
    let here = t.web_login("juan@example.com", PW).await;
    let other = t.web_login("juan@example.com", PW).await;
    let token = t.api_token("juan@example.com", PW).await;
    let csrf = t.csrf(&here, "/account/password").await;
    let resp = here
        .post(t.url("/account/password"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("current_password", PW),
            ("password", "otra-clave-larga-2"),
            ("confirm", "otra-clave-larga-2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        here.get(t.url("/customer")).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        other.get(t.url("/customer")).send().await.unwrap().status(),
        303
    );
    assert_eq!(
        client()
            .get(t.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn a_password_reset_link_sets_a_new_password_and_ends_every_session() {
    let t = spawn_app().await;
    t.active_customer("kike@example.com", PW).await;
    let before = t.web_login("kike@example.com", PW).await;
    let c = client();
    let csrf = t.csrf(&c, "/password/forgot").await;
    let resp = c
        .post(t.url("/password/forgot"))
        .form(&[("_csrf", csrf.as_str()), ("email", "kike@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let link = t.latest_link("kike@example.com", "/password/reset").await;
    let html = c.get(&link).send().await.unwrap().text().await.unwrap();
    let token = link.split("token=").nth(1).unwrap();
    let new_pw = "clave-nueva-larga-3";
    let done = c
        .post(t.url("/password/reset"))
        .form(&[
            ("_csrf", csrf_in(&html).as_str()),
            ("token", token),
            ("password", new_pw),
            ("confirm", new_pw),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert_eq!(
        before
            .get(t.url("/customer"))
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    t.web_login("kike@example.com", new_pw).await;
}

#[tokio::test]
async fn a_reset_request_for_an_unknown_email_says_the_same_and_sends_nothing() {
    let t = spawn_app().await;
    let c = client();
    let csrf = t.csrf(&c, "/password/forgot").await;
    let resp = c
        .post(t.url("/password/forgot"))
        .form(&[("_csrf", csrf.as_str()), ("email", "ghost@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut tx = t.app.store.read().await.unwrap();
    assert!(tx
        .list_emails(10)
        .await
        .unwrap()
        .iter()
        .all(|e| e.to.as_str() != "ghost@example.com"));
}

#[tokio::test]
async fn customers_cannot_open_staff_or_operations_pages() {
    let t = spawn_app().await;
    t.active_customer("lola@example.com", PW).await;
    let c = t.web_login("lola@example.com", PW).await;
    for path in [
        "/intranet",
        "/ops",
        "/ops/jobs",
        "/ops/mail",
        "/ops/accounts",
    ] {
        assert_eq!(
            c.get(t.url(path)).send().await.unwrap().status(),
            403,
            "{path}"
        );
    }
}
