//! The order pages over HTTP: a sale registered through the intranet form
//! (all field errors at once, nothing stored) and the customer's expediente
//! scoped to its owner. The catalogue editor and the preferences matrix are
//! in `web_catalogue_prefs.rs`.

use crate::support::app::*;
use crate::support::sales::{valid_sale, HELPER_PW};

const PW: &str = HELPER_PW;

async fn page(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn sale_form(csrf: &str, s: &caas_app::sales::SaleIn, options: &[&str]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("_csrf", csrf),
        ("customer_name", &s.customer_name),
        ("document_type", &s.document_type),
        ("document_number", &s.document_number),
        ("email", &s.email),
        ("phone", &s.phone),
        ("language", &s.language),
        ("address_line1", &s.address_line1),
        ("address_postal_code", &s.address_postal_code),
        ("address_locality", &s.address_locality),
        ("address_country", &s.address_country),
        ("delivery_line1", &s.delivery_line1),
        ("delivery_postal_code", &s.delivery_postal_code),
        ("delivery_locality", &s.delivery_locality),
        ("delivery_country", &s.delivery_country),
        ("platform_code", &s.platform_code),
        ("vehicle_price", &s.vehicle_price),
        ("senal", &s.senal),
        ("currency", &s.currency),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for o in options {
        f.push(("option_codes".into(), o.to_string()));
    }
    if s.maintenance_included {
        f.push(("maintenance_included".into(), "on".into()));
    }
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_registers_a_sale_through_the_form_after_fixing_every_field_error() {
    let t = spawn_app().await;
    t.sales_staff("saul@example.com").await;
    let c = t.web_login("saul@example.com", PW).await;
    let (status, html) = page(&c, t.url("/intranet/sales/new")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("value=\"SUV-E-26:HEAT_PUMP\""),
        "options grouped by platform"
    );
    let csrf = csrf_in(&html);

    // Many mistakes at once: every one is shown next to its field.
    let mut bad = valid_sale("not-an-email", "");
    bad.phone = "612345678".into();
    bad.document_number = "12345678A".into();
    bad.address_line1 = String::new();
    bad.delivery_country = "US".into();
    bad.platform_code = "CITY-E-26".into();
    bad.vehicle_price = "cuarenta mil".into();
    let resp = c
        .post(t.url("/intranet/sales/new"))
        .form(&sale_form(&csrf, &bad, &["SUV-E-26:HIGHWAY_AUTOPILOT"]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    for field in [
        "customer_name",
        "email",
        "phone",
        "document_number",
        "address_line1",
        "delivery_country",
        "option_codes",
        "vehicle_price",
    ] {
        assert!(
            html.contains(&format!("id=\"err-{field}\"")),
            "error shown for {field}"
        );
    }
    assert!(
        html.contains("value=\"not-an-email\""),
        "entered values are kept"
    );
    assert!(
        html.contains("value=\"SUV-E-26:HIGHWAY_AUTOPILOT\" checked"),
        "ticked options are kept"
    );
    assert_eq!(
        t.customer_count().await,
        0,
        "no customer account was created"
    );
    assert!(caas_app::ops::list_audit(&t.app, None)
        .await
        .unwrap()
        .iter()
        .all(|e| e.action != "sale.registered"));

    // Corrected, the sale registers and leads to its order page.
    let good = valid_sale("lucia@example.com", "Lucía Fernández");
    let resp = c
        .post(t.url("/intranet/sales/new"))
        .form(&sale_form(
            &csrf,
            &good,
            &["SUV-E-26:HEAT_PUMP", "SUV-E-26:DRIVER_ASSIST"],
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/intranet/orders/ord_"), "{location}");
    assert_eq!(t.customer_count().await, 1);
    let (status, html) = page(&c, t.url(&location)).await;
    assert_eq!(status, 200);
    for text in [
        "Lucía Fernández",
        "Venta registrada",
        "Bomba de calor",
        "id=\"senal-form\"",
        "id=\"cancel-form\"",
    ] {
        assert!(html.contains(text), "order page shows {text}");
    }
    let (_, list) = page(&c, t.url("/intranet/orders")).await;
    assert!(list.contains("Lucía Fernández"));

    // A refused action says why in the page's language, not in English.
    let csrf = csrf_in(&html);
    let resp = c
        .post(t.url(&format!("{}/resubmit", location.split('?').next().unwrap())))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("option_codes", "SUV-E-26:HEAT_PUMP"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 409);
    let refused = resp.text().await.unwrap();
    assert!(
        refused.contains("Solo se puede reenviar un pedido que la fábrica rechazó"),
        "Spanish refusal on the Spanish page"
    );
    assert!(!refused.contains("can be resubmitted"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_sees_only_their_own_expediente() {
    let t = spawn_app().await;
    let seller = t.sales_staff("saul@example.com").await;
    let mine = t
        .sell(&seller, &valid_sale("ana@example.com", "Ana Pérez"))
        .await;
    let theirs = t
        .sell(&seller, &valid_sale("bruno@example.com", "Bruno Gil"))
        .await;
    let their_invoice = t.captured_senal_invoice(&theirs).await;
    t.activate("ana@example.com", PW).await;
    let c = t.web_login("ana@example.com", PW).await;

    let (status, html) = page(&c, t.url("/customer")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("/expediente/{}", mine.id)));
    assert!(!html.contains(theirs.id.as_str()));
    assert!(html.contains("Fecha estimada por la fábrica"));

    let (status, html) = page(&c, t.url(&format!("/expediente/{}", mine.id))).await;
    assert_eq!(status, 200);
    for text in [
        "SUV eléctrico 2026",
        "Bomba de calor",
        "Asistencia a la conducción",
        "id=\"senal-form\"",
        "name=\"attempt_key\"",
    ] {
        assert!(html.contains(text), "expediente shows {text}");
    }
    for path in [
        format!("/expediente/{}", theirs.id),
        format!("/expediente/{}/invoices/{}", theirs.id, their_invoice.id),
        format!("/expediente/{}/invoices/{}", mine.id, their_invoice.id),
    ] {
        assert_eq!(page(&c, t.url(&path)).await.0, 404, "{path}");
    }
    let csrf = csrf_in(&html);
    let resp = c
        .post(t.url(&format!("/expediente/{}/senal", theirs.id)))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("payment_method", "tok_test_ok"),
            ("attempt_key", "k1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);

    // Its owner downloads the invoice as a PDF.
    t.activate("bruno@example.com", PW).await;
    let b = t.web_login("bruno@example.com", PW).await;
    let resp = b
        .get(t.url(&format!(
            "/expediente/{}/invoices/{}",
            theirs.id, their_invoice.id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"{}.pdf\"", their_invoice.number)
    );
    assert!(resp.bytes().await.unwrap().starts_with(b"%PDF"));
}
