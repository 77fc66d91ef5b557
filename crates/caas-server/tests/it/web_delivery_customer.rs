//! The customer's delivery pages over HTTP, black box with every simulator:
//! the final payment (amount, deadline, a declined card with its code, a
//! retry that pays), the tracker's registration and delivery steps, the
//! collect-at-the-dealership notice when the customer cannot be reached,
//! the read-only page of a lost reservation, and the vehicle page with the
//! app link (owner-scoped, a bad key refused readably, a good one linked).

use crate::support::app::{csrf_in, TestApp};
use crate::support::delivery::*;
use crate::support::journey::*;
use serde_json::json;

async fn page(c: &reqwest::Client, t: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(t.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Posts a form; returns the status, the body and the redirect target.
async fn post_form(
    c: &reqwest::Client,
    t: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let r = c.post(t.url(path)).form(fields).send().await.unwrap();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (r.status().as_u16(), r.text().await.unwrap(), location)
}

fn field_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("field present") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

/// Pays the final payment through the page with `token`; returns (status, body, location).
async fn pay_on_page(
    c: &reqwest::Client,
    t: &TestApp,
    order: &str,
    html: &str,
    token: &str,
) -> (u16, String, String) {
    let path = format!("/expediente/{order}/final-payment");
    let (csrf, key) = (csrf_in(html), field_value(html, "attempt_key"));
    let fields = [
        ("_csrf", csrf.as_str()),
        ("attempt_key", key.as_str()),
        ("payment_method", token),
    ];
    post_form(c, t, &path, &fields).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_pays_the_final_amount_on_the_page_follows_the_delivery_and_links_the_car() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let email = "lucia@example.test";
    let (order, token, vin) = at_dealership(&t, &seller, &sale_body(email, "+34699000111")).await;
    carrier_plan(&t, &vin, "delivered").await;
    let c = t.web_login(email, PW).await;
    let (_, dash) = page(&c, &t, "/customer").await;
    assert!(dash.contains(&format!("id=\"final-payment-link-{order}\"")));
    let (_, exp) = page(&c, &t, &format!("/expediente/{order}")).await;
    assert!(exp.contains("id=\"final-payment-link\""), "{exp}");

    // Amount (price minus señal) and deadline.
    let fp = format!("/expediente/{order}/final-payment");
    let (status, html) = page(&c, &t, &fp).await;
    assert_eq!(status, 200);
    let terms = expediente(&t, &token, &order).await["order"]["delivery"]["final_payment"].clone();
    let deadline: chrono::DateTime<chrono::Utc> =
        terms["deadline"].as_str().unwrap().parse().unwrap();
    for text in [
        "data-stage=\"due\"".to_owned(),
        "50.900,00 EUR".to_owned(),
        deadline.format("%Y-%m-%d %H:%M UTC").to_string(),
        "id=\"senal-form\"".to_owned(),
    ] {
        assert!(html.contains(&text), "final-payment page shows {text}");
    }

    // A declined card shows its reason and code; the form is offered again.
    let declined = "tok_test_decline_insufficient_funds";
    let (status, html, _) = pay_on_page(&c, &t, &order, &html, declined).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"senal-error\""), "{html}");
    assert!(html.contains("saldo suficiente") && html.contains("insufficient_funds"));

    // The retry with another card is received; the bank's settlement follows.
    let (status, _, location) = pay_on_page(&c, &t, &order, &html, "tok_test_ok").await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("{fp}?n=final_captured").as_str())
    );
    let (_, html) = page(&c, &t, &location).await;
    assert!(
        html.contains("data-stage=\"settling\"") || html.contains("data-stage=\"done\""),
        "{html}"
    );
    assert!(
        !html.contains("id=\"senal-form\""),
        "no second payment offered"
    );

    wait_for_state(
        &t,
        &token,
        &order,
        "DELIVERED",
        "carrier.delivery_attempted",
        60,
    )
    .await;
    let e = expediente(&t, &token, &order).await;
    let plate = e["order"]["delivery"]["registration"]["plate_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, dash) = page(&c, &t, "/customer").await;
    for text in [
        "Matriculado",
        "En reparto",
        "data-step=\"10\" aria-current=\"step\"",
        format!("id=\"plate-{order}\">{plate}").as_str(),
        format!("id=\"vehicle-link-{order}\"").as_str(),
    ] {
        assert!(dash.contains(text), "dashboard tracker shows {text}");
    }
    let (_, html) = page(&c, &t, &fp).await;
    assert!(html.contains("data-stage=\"done\""));

    // The vehicle page is its owner's only.
    let vp = format!("/vehicle/{order}");
    let (status, html) = page(&c, &t, &vp).await;
    assert_eq!(status, 200);
    for text in [
        plate.as_str(),
        vin.as_str(),
        "data-status=\"none\"",
        "id=\"app-link-form\"",
    ] {
        assert!(html.contains(text), "vehicle page shows {text}");
    }
    // EXP-5: the registration record downloads as a PDF, for its owner only.
    let pdf_path = format!("/vehicle/{order}/registration.pdf");
    assert!(html.contains(&format!("href=\"{pdf_path}\"")));
    let r = c.get(t.url(&pdf_path)).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = String::from_utf8_lossy(&r.bytes().await.unwrap()).into_owned();
    assert!(
        pdf.starts_with("%PDF-") && pdf.contains(&plate) && pdf.contains(&vin),
        "the record names the plate and VIN"
    );
    t.active_customer("otro@example.test", PW).await;
    let other = t.web_login("otro@example.test", PW).await;
    assert_eq!(page(&other, &t, &vp).await.0, 404);
    assert_eq!(page(&other, &t, &pdf_path).await.0, 404);
    let csrf = t.csrf(&other, "/customer").await;
    let key = phone_public_key();
    let link = format!("/vehicle/{order}/app-link");
    let fields = [
        ("_csrf", csrf.as_str()),
        ("public_key", key.as_str()),
        ("label", "x"),
    ];
    assert_eq!(post_form(&other, &t, &link, &fields).await.0, 404);

    // A bad key is refused in words.
    let csrf = csrf_in(&html);
    let bad = [("_csrf", csrf.as_str()), ("public_key", "bm90LWEta2V5")];
    let (status, body, _) = post_form(&c, &t, &link, &bad).await;
    assert_eq!(status, 422);
    assert!(body.contains("id=\"link-error\"") && body.contains("La clave pública no es válida"));
    // A busy car refuses the first key: the page offers a retry (DLV-10),
    // and a new P-256 SPKI key links the car.
    let busy =
        json!({"reject_next": [{"code": "vehicle_busy", "count": 1, "types": ["app.link"]}]});
    fleet_faults(&t, &vin, busy).await;
    let good = [("_csrf", csrf.as_str()), ("public_key", key.as_str())];
    let (status, _, location) = post_form(&c, &t, &link, &good).await;
    assert_eq!((status, location), (303, format!("{vp}?n=link_requested")));
    wait_for_state(&t, &token, &order, "DELIVERED", "app_link_failed", 30).await;
    let (_, html) = page(&c, &t, &vp).await;
    assert!(html.contains("data-status=\"failed\"") && html.contains("vehicle_busy"));
    assert!(html.contains("Reintentar la vinculación"), "{html}");
    let key = phone_public_key();
    let good = [
        ("_csrf", csrf.as_str()),
        ("public_key", key.as_str()),
        ("label", "Móvil de Lucía"),
    ];
    assert_eq!(post_form(&c, &t, &link, &good).await.0, 303);
    wait_for_state(&t, &token, &order, "OPERATIONAL", "app_linked", 30).await;
    let (_, html) = page(&c, &t, &vp).await;
    assert!(html.contains("data-status=\"linked\"") && html.contains("Móvil de Lucía"));
    let car = fleet_vehicle(&t, &vin).await;
    assert_eq!(car["app_keys"].as_array().unwrap().len(), 1, "{car}");
    assert_eq!(car["app_keys"][0]["public_key"], key.as_str());
    check_invariants(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_customer_sees_where_and_when_to_collect_the_vehicle() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let email = "pablo@example.test";
    let (order, token, vin) = at_dealership(&t, &seller, &sale_body(email, "+34699000113")).await;
    carrier_plan(&t, &vin, "absent_unreachable").await;
    pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    let c = t.web_login(email, PW).await;
    let returning = "carrier.returned_to_dealership";
    wait_for_state(&t, &token, &order, "RETURNING_TO_DEALERSHIP", returning, 60).await;
    let notice = format!("id=\"collect-{order}\"");
    let (_, dash) = page(&c, &t, "/customer").await;
    assert!(dash.contains(&notice) && dash.contains("Recoge tu vehículo en el concesionario"));
    let (_, exp) = page(&c, &t, &format!("/expediente/{order}")).await;
    for text in [
        notice.as_str(),
        "Calle de Serrano 50",
        "L-V 9:00-20:00",
        "de vuelta al concesionario",
    ] {
        assert!(exp.contains(text), "expediente shows {text}");
    }
    let (status, _) = staff_post(&t, &seller, &order, "return-reception", json!({})).await;
    assert_eq!(status, 200);
    let (_, exp) = page(&c, &t, &format!("/expediente/{order}")).await;
    assert!(exp.contains(&notice) && exp.contains("Calle de Serrano 50"));
    assert!(exp.contains("data-step=\"9\" aria-current=\"step\""));
    assert!(exp.contains("Para recoger en el concesionario"));
    check_invariants(&t).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_reservation_is_shown_read_only_with_what_happened_to_the_senal() {
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let email = "marta@example.test";
    let (order, _, _) = at_dealership(&t, &seller, &sale_body(email, "+34699000112")).await;
    let body = json!({"reason": "sin financiación"});
    let (status, o) = staff_post(&t, &seller, &order, "cannot-pay", body).await;
    assert_eq!(
        (status, o["state"].as_str()),
        (200, Some("RESERVATION_LOST")),
        "{o}"
    );
    let c = t.web_login(email, PW).await;
    let fp = format!("/expediente/{order}/final-payment");
    let (status, html) = page(&c, &t, &fp).await;
    assert_eq!(status, 200);
    for text in [
        "data-stage=\"lost\"",
        "Reserva perdida",
        "2.000,00 EUR",
        "La señal no se devuelve",
    ] {
        assert!(html.contains(text), "lost page shows {text}");
    }
    assert!(!html.contains("id=\"senal-form\""));
    let (csrf, k) = (csrf_in(&html), "k1");
    let fields = [
        ("_csrf", csrf.as_str()),
        ("attempt_key", k),
        ("payment_method", "tok_test_ok"),
    ];
    assert_eq!(
        post_form(&c, &t, &fp, &fields).await.0,
        409,
        "nothing is charged"
    );
    let (_, dash) = page(&c, &t, "/customer").await;
    assert!(dash.contains(&format!("id=\"lost-{order}\"")));
    assert!(!dash.contains(&format!("id=\"vehicle-link-{order}\"")));
    // The vehicle is back in stock: no longer this customer's to see.
    let (status, html) = page(&c, &t, &format!("/vehicle/{order}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"vehicle-none\"") && !html.contains("id=\"app-link-form\""));
}
