//! Errors as problem+json: unknown paths, malformed or wrongly shaped JSON,
//! field validation, malformed ids, and the friendly HTML 404 of the web.

use super::*;

#[tokio::test]
async fn an_unknown_api_path_is_a_404_problem_document() {
    let t = spawn_app().await;
    let resp = client().get(t.url("/api/v1/nope")).send().await.unwrap();
    let body = problem(resp, 404).await;
    assert_eq!(body["type"], "/problems/not_found");
}

#[tokio::test]
async fn malformed_json_is_a_400_problem_document() {
    let t = spawn_app().await;
    let resp = client()
        .post(t.url("/api/v1/auth/token"))
        .header("content-type", "application/json")
        .body(r#"{"email": "ana@example.com", "password": "#)
        .send()
        .await
        .unwrap();
    let body = problem(resp, 400).await;
    assert_eq!(body["type"], "/problems/bad_request");
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_422_naming_the_field_without_internal_type_names() {
    let t = spawn_app().await;
    let post = |body: &'static str| {
        client()
            .post(t.url("/api/v1/auth/token"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let body = problem(post(r#"{"email": "ana@example.com"}"#).await.unwrap(), 422).await;
    assert_eq!(body["type"], "/problems/validation_failed");
    assert_eq!(body["errors"][0]["field"], "password", "{body}");
    assert_eq!(body["errors"][0]["message"], "is required");

    let body = problem(post("5").await.unwrap(), 422).await;
    assert_eq!(body["errors"][0]["field"], "body", "{body}");
    let body = problem(post(r#"{"email": 5, "password": "x"}"#).await.unwrap(), 422).await;
    assert_eq!(body["errors"][0]["field"], "email", "{body}");
    for leaked in ["TokenIn", "struct", "Failed to deserialize"] {
        assert!(
            !body.to_string().contains(leaked),
            "{leaked} leaked: {body}"
        );
    }

    // Not sent as JSON at all.
    let resp = client()
        .post(t.url("/api/v1/auth/token"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    let body = problem(resp, 400).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("application/json"),
        "{body}"
    );
}

#[tokio::test]
async fn a_too_short_new_password_is_a_422_problem_naming_the_field() {
    let t = spawn_app().await;
    t.active_customer("corto@example.com", PW).await;
    let token = t.api_token("corto@example.com", PW).await;
    let resp = client()
        .post(t.url("/api/v1/me/password"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"current_password": PW, "new_password": "corta"}))
        .send()
        .await
        .unwrap();
    let body = problem(resp, 422).await;
    assert_eq!(body["type"], "/problems/validation_failed");
    assert_eq!(body["errors"][0]["field"], "new_password", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn an_unknown_web_page_is_a_friendly_html_404_with_a_way_home() {
    let t = spawn_app().await;
    let resp = client().get(t.url("/no/such/page")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    assert!(
        header(&resp, "content-type").starts_with("text/html"),
        "HTML, not problem+json"
    );
    let html = resp.text().await.unwrap();
    assert!(html.contains("href=\"/\""), "links back home:\n{html}");
    assert!(
        html.contains("No encontramos lo que buscas."),
        "explains in the default language:\n{html}"
    );
}

#[tokio::test]
async fn a_malformed_id_in_the_path_is_the_same_404_as_an_unknown_one() {
    let t = spawn_app().await;
    t.active_customer("ids@example.com", PW).await;
    let token = t.api_token("ids@example.com", PW).await;
    for path in [
        "/api/v1/orders/not-an-id",
        "/api/v1/orders/ord_00000000000000000000000000000000",
    ] {
        let resp = client()
            .get(t.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let body = problem(resp, 404).await;
        assert_eq!(body["type"], "/problems/not_found", "{path}");
    }
    let c = t.web_login("ids@example.com", PW).await;
    for path in ["/expediente/not-an-id", "/vehicle/acc_wrong_kind_of_id"] {
        let resp = c.get(t.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path}");
        assert!(
            resp.text()
                .await
                .unwrap()
                .contains("No encontramos lo que buscas."),
            "{path}"
        );
    }
}
