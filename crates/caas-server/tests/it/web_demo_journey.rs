//! The README demo, only through the web pages (forms with CSRF, cookie
//! sessions, no `/api`): the demo dealership's salesperson registers a sale
//! in the intranet, the customer activates from the emailed link and pays
//! the señal online, the simulated factory builds the car, staff press the
//! reception button, the customer pays the final amount, registration and
//! home delivery run by themselves, the customer links the app from the
//! vehicle page and the dashboard shows OPERATIONAL. Between those manual
//! steps the test only reads pages: nothing else is done by hand.

use crate::support::app::{client, csrf_in, TestApp};
use crate::support::delivery::{check_invariants, delivery_app, phone_public_key};
use crate::support::journey::{sim_scenario, PW};
use serde_json::json;
use std::time::{Duration, Instant};

/// The sales employee `demo_seed` creates on a first embedded start.
const SELLER: &str = "ventas@caas.local";
const CUSTOMER: &str = "lucia@example.test";

async fn page(c: &reqwest::Client, t: &TestApp, path: &str) -> String {
    let r = c.get(t.url(path)).send().await.unwrap();
    let status = r.status();
    let html = r.text().await.unwrap();
    assert_eq!(status, 200, "GET {path}: {html}");
    html
}

/// Posts a form with the CSRF token of `html`; asserts `expect` and returns
/// the redirect target (or the body when there is none).
async fn submit(
    c: &reqwest::Client,
    t: &TestApp,
    path: &str,
    html: &str,
    fields: &[(&str, &str)],
    expect: u16,
) -> String {
    let csrf = csrf_in(html);
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = c.post(t.url(path)).form(&all).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let body = r.text().await.unwrap();
    assert_eq!(status, expect, "POST {path}: {body}");
    location.unwrap_or(body)
}

/// Reads `path` (only reads: nothing is done by hand meanwhile) until `ok`
/// holds for the page; returns it.
async fn until(
    c: &reqwest::Client,
    t: &TestApp,
    path: &str,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let html = page(c, t, path).await;
        if ok(&html) {
            return html;
        }
        assert!(
            Instant::now() < deadline,
            "{path} never showed {what}:\n{html}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The label of the tracker's current step (`Venta registrada` … `Operativo`).
fn step(html: &str) -> &str {
    let marker = "aria-current=\"step\">";
    let start = html.find(marker).map_or(html.len(), |i| i + marker.len());
    let rest = &html[start..];
    &rest[..rest.find('<').unwrap_or(0)]
}

/// The value of the form field `name` in `html`.
fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect(&marker) + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// The text of the element with `id` up to its next tag, tags skipped.
fn text_of(html: &str, id: &str) -> String {
    let from = &html[html.find(&format!("id=\"{id}\"")).expect(id)..];
    let inner = from
        .split('>')
        .skip(1)
        .find(|s| !s.starts_with('<'))
        .unwrap();
    inner[..inner.find('<').unwrap()].trim().to_owned()
}

/// The demo salesperson's password is printed once by `caas serve`; the test
/// never sees that banner, so it chooses its own through "forgot password".
async fn demo_seller(t: &TestApp) -> reqwest::Client {
    let c = client();
    let html = page(&c, t, "/password/forgot").await;
    submit(&c, t, "/password/forgot", &html, &[("email", SELLER)], 200).await;
    let link = t.latest_link(SELLER, "/password/reset").await;
    let html = c.get(&link).send().await.unwrap().text().await.unwrap();
    let token = link.split("token=").nth(1).unwrap();
    let fields = [("token", token), ("password", PW), ("confirm", PW)];
    submit(&c, t, "/password/reset", &html, &fields, 200).await;
    t.web_login(SELLER, PW).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sale_registered_in_the_intranet_reaches_operational_with_only_the_customers_and_staffs_own_steps(
) {
    let t = delivery_app(|c| c.demo_seed = true).await;
    let staff = demo_seller(&t).await;

    // 1. Sales registers the sale with the intranet form.
    let form = page(&staff, &t, "/intranet/sales/new").await;
    let sale = [
        ("customer_name", "Lucía Fernández Núñez"),
        ("document_type", "DNI"),
        ("document_number", "12345678Z"),
        ("birth_date", "1988-07-02"),
        ("email", CUSTOMER),
        ("phone", "+34699000321"),
        ("language", "es"),
        ("address_line1", "Calle de Alcalá 100"),
        ("address_postal_code", "28009"),
        ("address_locality", "Madrid"),
        ("address_country", "ES"),
        ("delivery_line1", "Calle de Alcalá 100"),
        ("delivery_postal_code", "28009"),
        ("delivery_locality", "Madrid"),
        ("delivery_country", "ES"),
        ("platform_code", "SUV-E-26"),
        ("option_codes", "SUV-E-26:HEAT_PUMP"),
        ("option_codes", "SUV-E-26:DRIVER_ASSIST"),
        ("vehicle_price", "52900.00"),
        ("senal", "2000.00"),
        ("currency", "EUR"),
        ("maintenance_included", "on"),
    ];
    let location = submit(&staff, &t, "/intranet/sales/new", &form, &sale, 303).await;
    let order = location
        .strip_prefix("/intranet/orders/")
        .and_then(|l| l.strip_suffix("?n=registered"))
        .expect("the sale leads to its order page")
        .to_owned();
    let staff_page = format!("/intranet/orders/{order}");
    let html = page(&staff, &t, &location).await;
    assert!(html.contains("Lucía Fernández Núñez") && html.contains("id=\"senal-form\""));
    assert_eq!(step(&html), "Venta registrada");

    // 2. The customer activates from the emailed link and logs in.
    t.activate(CUSTOMER, PW).await;
    let customer = t.web_login(CUSTOMER, PW).await;
    let dash = page(&customer, &t, "/customer").await;
    assert!(dash.contains(&format!("id=\"order-{order}\"")));
    assert_eq!(step(&dash), "Venta registrada");

    // 3. The customer pays the señal online from the expediente.
    let exp_path = format!("/expediente/{order}");
    let exp = page(&customer, &t, &exp_path).await;
    let pay = [
        ("attempt_key", field(&exp, "attempt_key")),
        ("payment_method", "tok_test_ok".to_owned()),
    ];
    let pay: Vec<(&str, &str)> = pay.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let to = submit(&customer, &t, &format!("{exp_path}/senal"), &exp, &pay, 303).await;
    assert_eq!(to, format!("{exp_path}?n=senal_paid"));
    assert!(page(&customer, &t, &to).await.contains("Señal pagada. "));

    // 4. The factory order is placed and the car built by itself; the
    //    customer's tracker moves; once the factory reports the car at the
    //    dealership, staff find the reception button on the order page.
    let built = "the factory order under way";
    until(&customer, &t, "/customer", built, |h| {
        [
            "Pedido a fábrica",
            "En fabricación",
            "De camino al concesionario",
        ]
        .contains(&step(h))
    })
    .await;
    let html = until(&staff, &t, &staff_page, "the car at the dealership", |h| {
        h.contains("Tu vehículo ha llegado al concesionario") && h.contains("id=\"reception-form\"")
    })
    .await;
    assert_eq!(step(&html), "De camino al concesionario");
    let dash = page(&customer, &t, "/customer").await;
    assert_eq!(step(&dash), "De camino al concesionario");

    // 5. Staff press the reception button on the order page.
    let to = submit(
        &staff,
        &t,
        &format!("{staff_page}/reception"),
        &html,
        &[],
        303,
    )
    .await;
    assert_eq!(to, format!("{staff_page}?n=received"));
    let html = page(&staff, &t, &to).await;
    assert!(html.contains("Recepción registrada") && html.contains("id=\"final-amount\""));
    assert_eq!(step(&html), "En el concesionario");

    // The operator's carrier plan for this car: delivered at the first attempt.
    let vehicle_path = format!("/vehicle/{order}");
    let vehicle = page(&customer, &t, &vehicle_path).await;
    let vin = text_of(&vehicle, "vin");
    assert_eq!(vin.len(), 17, "the VIN is shown: {vin}");
    let carrier = t.sims.clone().unwrap().carrier;
    sim_scenario(
        &carrier,
        json!({"plans_by_vin": {vin.as_str(): "delivered"}}),
    )
    .await;

    // 6. The customer pays the final amount on the final-payment page.
    let dash = page(&customer, &t, "/customer").await;
    assert!(dash.contains(&format!("id=\"final-payment-link-{order}\"")));
    let fp_path = format!("{exp_path}/final-payment");
    let fp = page(&customer, &t, &fp_path).await;
    assert!(fp.contains("data-stage=\"due\"") && fp.contains("50.900,00 EUR"));
    let pay = [
        ("attempt_key", field(&fp, "attempt_key")),
        ("payment_method", "tok_test_ok".to_owned()),
    ];
    let pay: Vec<(&str, &str)> = pay.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let to = submit(&customer, &t, &fp_path, &fp, &pay, 303).await;
    assert_eq!(to, format!("{fp_path}?n=final_captured"));

    // 7. Settlement, registration and home delivery run by themselves.
    let delivered = |h: &str| step(h) == "Entregado";
    let dash = until(&customer, &t, "/customer", "the delivered car", delivered).await;
    let plate = text_of(&dash, &format!("plate-{order}"));
    assert!(!plate.is_empty(), "the plate is shown");
    let fp = page(&customer, &t, &fp_path).await;
    assert!(
        fp.contains("data-stage=\"done\""),
        "the final payment is complete"
    );

    // 8. The customer links the app from the vehicle page (the page's script
    //    makes a P-256 key pair and posts its public half).
    let vehicle = page(&customer, &t, &vehicle_path).await;
    for text in [
        plate.as_str(),
        vin.as_str(),
        "data-status=\"none\"",
        "id=\"app-link-form\"",
    ] {
        assert!(vehicle.contains(text), "the vehicle page shows {text}");
    }
    let key = phone_public_key();
    let fields = [("public_key", key.as_str()), ("label", "Móvil de Lucía")];
    let link = format!("{vehicle_path}/app-link");
    let to = submit(&customer, &t, &link, &vehicle, &fields, 303).await;
    assert_eq!(to, format!("{vehicle_path}?n=link_requested"));

    // 9. The car confirms the key: OPERATIONAL, for the customer and for staff.
    let operational = |h: &str| step(h) == "Operativo";
    let dash = until(&customer, &t, "/customer", "OPERATIONAL", operational).await;
    assert!(dash.contains(&plate));
    let vehicle = page(&customer, &t, &vehicle_path).await;
    assert!(vehicle.contains("data-status=\"linked\"") && vehicle.contains("Móvil de Lucía"));
    until(&staff, &t, &staff_page, "OPERATIONAL", operational).await;
    let alerts = page(&staff, &t, "/intranet/alerts").await;
    assert!(
        alerts.contains("id=\"no-alerts\""),
        "nothing asked staff for more"
    );
    check_invariants(&t).await;
}
