//! Web pages: language negotiation on the login page, the session
//! cookie's flags, and page errors in the language of whoever asked.

use super::*;

#[tokio::test]
async fn the_login_page_speaks_english_when_asked_and_spanish_by_default() {
    let t = spawn_app().await;
    let en = client()
        .get(t.url("/login"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Log in"), "English page:\n{en}");
    assert!(
        !en.contains("Entrar"),
        "no Spanish on the English page:\n{en}"
    );
    assert!(en.contains("<html lang=\"en\">"));

    let es = client()
        .get(t.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(es.contains("Entrar"), "Spanish page:\n{es}");
    assert!(
        !es.contains("Log in"),
        "no English on the Spanish page:\n{es}"
    );
    assert!(es.contains("<html lang=\"es\">"));
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let t = spawn_app().await;
    t.active_customer("galleta@example.com", PW).await;
    let c = client();
    let html = c
        .get(t.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let resp = c
        .post(t.url("/login"))
        .form(&[
            ("_csrf", csrf_in(&html).as_str()),
            ("email", "galleta@example.com"),
            ("password", PW),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("caas_session="))
        .expect("login sets the session cookie");
    let attrs: Vec<String> = cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attrs.iter().any(|a| a == "httponly"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "samesite=lax"), "{cookie}");
    assert!(attrs.iter().any(|a| a == "path=/"), "{cookie}");
}

#[tokio::test]
async fn a_page_error_renders_in_the_language_of_whoever_asked() {
    let t = spawn_app().await;
    t.active_customer("idioma@example.com", PW).await;
    let c = t.web_login("idioma@example.com", PW).await;
    let missing = || {
        c.get(t.url("/expediente/ord_00000000000000000000000000000000"))
            .send()
    };
    let resp = missing().await.unwrap();
    assert_eq!(resp.status(), 404);
    let html = resp.text().await.unwrap();
    assert!(html.contains("No encontramos lo que buscas."), "{html}");

    // The customer switches to English: the same error now reads in English.
    let page = c
        .get(t.url("/customer"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let resp = c
        .post(t.url("/language"))
        .form(&[
            ("_csrf", csrf_in(&page).as_str()),
            ("lang", "en"),
            ("next", "/customer"),
        ])
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success() || resp.status().is_redirection());
    let html = missing().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("We could not find what you are looking for."),
        "{html}"
    );
}
