//! The owner's feature store pages over HTTP, black box with every
//! simulator: the vehicle page links the store once OPERATIONAL, the store
//! lists offers, the confirmation page states price, end date and
//! withdrawal terms in Spanish, confirming through the form leads to the
//! purchase page that ends showing it active (and its event stream says
//! so), and a maintenance-linked option renders a readable reason or a
//! purchase, never a server error.

use crate::support::app::{csrf_in, TestApp};
use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;
use serde_json::json;

async fn store_app() -> TestApp {
    delivery_app(|c| {
        c.store.ota_backoff_base_secs = 1;
        c.store.ota_backoff_cap_secs = 2;
    })
    .await
}

async fn page(c: &reqwest::Client, t: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(t.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A day as the Spanish pages write it: "3 ene 2027".
fn dia(at: &str) -> String {
    let at: chrono::DateTime<chrono::Utc> = at.parse().unwrap();
    let months = [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ];
    use chrono::Datelike;
    format!(
        "{} {} {}",
        at.day(),
        months[at.month0() as usize],
        at.year()
    )
}

/// Posts the confirmation form of `html` with `card`; returns status, body and redirect.
async fn confirm(
    c: &reqwest::Client,
    t: &TestApp,
    car: &Car,
    html: &str,
    option: &str,
    offer: &str,
    card: &str,
) -> (u16, String, String) {
    let r = c
        .post(t.url(&format!("/vehicle/{}/store/confirm", car.vehicle_id)))
        .form(&[
            ("_csrf", csrf_in(html).as_str()),
            ("option", option),
            ("offer", offer),
            ("payment_method", card),
        ])
        .send()
        .await
        .unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status().as_u16(), r.text().await.unwrap(), location)
}

/// Polls the purchase page until it shows a settled state; returns its body.
async fn settled_page(c: &reqwest::Client, t: &TestApp, path: &str) -> String {
    wait_for(60, &format!("{path} settled"), || async {
        let (status, html) = page(c, t, path).await;
        assert_eq!(status, 200, "{html}");
        html.contains("data-settled=\"true\"").then_some(html)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_picks_an_offer_reads_the_terms_in_spanish_confirms_and_sees_it_active() {
    let t = store_app().await;
    let email = "carmen@example.test";
    let car = operational_car(&t, email, "+34699000311").await;
    let c = t.web_login(email, PW).await;
    let order = get_json(&t.url("/api/v1/orders"), Some(&car.token)).await[0]["id"]
        .as_str()
        .expect("an order")
        .to_owned();
    let (_, vehicle) = page(&c, &t, &format!("/vehicle/{order}")).await;
    let store = format!("/vehicle/{}/store", car.vehicle_id);
    assert!(vehicle.contains(&format!("href=\"{store}\"")), "{vehicle}");

    let offer = offer_id(&t, &car, "PREMIUM_AUDIO", Some(30)).await;
    let (status, html) = page(&c, &t, &store).await;
    assert_eq!(status, 200, "{html}");
    for text in [
        "Tienda de funciones",
        "id=\"option-PREMIUM_AUDIO\"",
        "30 días",
        "Disponible",
        "Conectado",
    ] {
        assert!(html.contains(text), "store page lacks {text}: {html}");
    }
    assert!(
        !html.contains("id=\"option-HEAT_PUMP\""),
        "plan option on sale"
    );
    let confirm_path = format!(
        "/vehicle/{}/store/confirm?option=PREMIUM_AUDIO&offer={offer}",
        car.vehicle_id
    );
    assert!(
        html.contains(&confirm_path.replace('&', "&amp;")),
        "a link per offer"
    );

    let (_, quote) = post_json(
        &t.url(&format!(
            "/api/v1/vehicles/{}/purchases/quote",
            car.vehicle_id
        )),
        Some(&car.token),
        &json!({"option_code": "PREMIUM_AUDIO", "offer_id": offer}),
    )
    .await;
    let (status, html) = page(&c, &t, &confirm_path).await;
    assert_eq!(status, 200, "{html}");
    let price = quote["price"]["formatted"].as_str().unwrap().to_owned();
    for text in [
        price.clone(),
        format!(
            "id=\"quote-ends\">{}",
            dia(quote["ends_at"].as_str().unwrap())
        ),
        "14 días naturales siguientes a la activación".to_owned(),
        format!(
            "si se activara ahora, hasta el {}",
            dia(quote["withdrawal"]["deadline"].as_str().unwrap())
        ),
        "Confirmar y pagar".to_owned(),
    ] {
        assert!(html.contains(&text), "confirmation lacks {text}: {html}");
    }

    // A malformed card is refused readably, with the terms still shown.
    let (status, body, _) = confirm(&c, &t, &car, &html, "PREMIUM_AUDIO", &offer, "1234").await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("id=\"pm-error\"") && body.contains(&price),
        "{body}"
    );

    let (status, body, location) =
        confirm(&c, &t, &car, &html, "PREMIUM_AUDIO", &offer, "tok_test_ok").await;
    assert_eq!(status, 303, "{body}");
    assert!(location.starts_with("/purchases/pur_"), "{location}");
    // Followed from the start, the event stream pushes each change and ends once active.
    let events = c
        .get(t.url(&format!("{location}/events")))
        .send()
        .await
        .unwrap();
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let body = events.text().await.unwrap();
    let last = body
        .lines()
        .rfind(|l| l.starts_with("data:"))
        .unwrap_or_else(|| panic!("at least one state event: {body}"));
    assert!(last.contains("\"state\":\"ACTIVE\""), "ends active: {body}");
    assert!(last.contains("\"settled\":true"), "{body}");

    let done = settled_page(&c, &t, &location).await;
    let p = get_json(&t.url(&format!("/api/v1{location}")), Some(&car.token)).await;
    assert_eq!(p["state"], "ACTIVE", "{p}");
    let until = format!("Activa hasta {}", dia(p["ends_at"].as_str().unwrap()));
    assert!(done.contains(&until), "{done}");
    assert!(
        done.contains("Puedes desistir hasta el"),
        "deadline once active: {done}"
    );

    let (_, html) = page(&c, &t, &store).await;
    assert!(html.contains(&until), "the store shows it active: {html}");
    assert!(
        html.contains(&format!("href=\"{location}\"")),
        "history links the purchase"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_maintenance_linked_option_shows_a_readable_reason_or_a_purchase_never_an_error() {
    let t = store_app().await;
    let email = "elena@example.test";
    let car = operational_car(&t, email, "+34699000312").await;
    let c = t.web_login(email, PW).await;
    let offer = offer_id(&t, &car, "POWER_PLUS_50", Some(7)).await;
    let path = format!(
        "/vehicle/{}/store/confirm?option=POWER_PLUS_50&offer={offer}",
        car.vehicle_id
    );
    let (status, html) = page(&c, &t, &path).await;
    assert!(status == 200 || status == 409, "{status}: {html}");
    if status == 409 {
        let reason = html
            .split("id=\"refusal\">")
            .nth(1)
            .expect("a reason")
            .split('<')
            .next()
            .unwrap();
        assert!(
            reason.contains("POWER") || reason.contains("mantenimiento"),
            "{reason}"
        );
        assert!(
            !reason.contains('_') || reason.contains("POWER_PLUS_50") || reason.len() > 40,
            "{reason}"
        );
        return;
    }
    let (status, body, location) =
        confirm(&c, &t, &car, &html, "POWER_PLUS_50", &offer, "tok_test_ok").await;
    assert!(status == 303 || status == 409, "{status}: {body}");
    if status == 409 {
        assert!(body.contains("id=\"refusal\""), "{body}");
        return;
    }
    let done = settled_page(&c, &t, &location).await;
    assert!(
        done.contains("Activa hasta")
            || done.contains("Rechazada: ")
            || done.contains("No activada"),
        "{done}"
    );
}
