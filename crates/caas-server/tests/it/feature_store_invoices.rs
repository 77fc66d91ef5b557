//! Service invoices and the service history of the expediente (PAY-14,
//! PAY-15, EXP-2) end to end: a captured purchase has exactly one invoice,
//! whose PDF its owner downloads from the API, the purchase page and the
//! expediente while anyone else gets 404; a failed activation has none and
//! reads "not activated, not charged"; web and API list the active service
//! with its end date.

use crate::support::app::TestApp;
use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::services::*;
use crate::support::store::*;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

async fn bought_and_captured(t: &TestApp, car: &Car, option: &str, days: u32) -> String {
    let offer = offer_id(t, car, option, Some(days)).await;
    let (status, b) = buy(t, car, option, &offer, "tok_test_ok").await;
    assert_eq!(status, 201, "{b}");
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    wait_for(60, "active and captured", || async {
        let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
        (p["state"] == "ACTIVE" && p["payment_state"] == "CAPTURED").then_some(())
    })
    .await;
    id
}

async fn stranger_token(t: &TestApp, email: &str, phone: &str) -> String {
    let seller = seller(t, &format!("vendedor.{email}")).await;
    register_sale(t, &seller, &sale_body(email, phone)).await;
    t.activate(email, PW).await;
    t.api_token(email, PW).await
}

#[tokio::test]
async fn thirty_days_bought_give_one_invoice_pdf_for_the_owner_and_404_for_anyone_else() {
    let t = store_app().await;
    let car = operational_car(&t, "ulises@example.test", "+34699000241").await;
    let id = bought_and_captured(&t, &car, "PREMIUM_AUDIO", 30).await;
    let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
    let minor = p["price"]["minor"].as_i64().unwrap();

    let s = services(&t, &car).await;
    let invoices = s["invoices"].as_array().unwrap();
    assert_eq!(invoices.len(), 1, "one invoice per purchase: {s}");
    let inv = &invoices[0];
    assert_eq!(inv["purchase_id"], id.as_str());
    assert_eq!(inv["total"]["minor"], minor);
    assert!(inv["number"].as_str().unwrap().starts_with("F-"), "{inv}");
    let path = inv["path"].as_str().unwrap().to_owned();
    assert_eq!(path, format!("/api/v1/purchases/{id}/invoice"));
    assert_eq!(s["history"][0]["invoice_path"], path.as_str());

    let (status, ct, pdf) = get_raw(&t, &path, &car.token).await;
    assert_eq!(status, 200);
    assert_eq!(ct, "application/pdf");
    assert!(pdf.starts_with(b"%PDF"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("Sonido premium"), "the option is named");
    let amount = format!("{},{:02}", minor / 100, minor % 100);
    assert!(text.contains(&amount), "the amount {amount} is on it");
    assert!(text.contains(inv["number"].as_str().unwrap()));

    // The owner's web pages link it and serve the same PDF.
    let web = t.web_login("ulises@example.test", PW).await;
    let page = web
        .get(t.url(&format!("/purchases/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/purchases/{id}/invoice")), "{page}");
    let resp = web
        .get(t.url(&format!("/purchases/{id}/invoice")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let exp = web
        .get(t.url(&format!("/expediente/{}", car.order)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(exp.contains(inv["number"].as_str().unwrap()), "{exp}");

    let stranger = stranger_token(&t, "intrusa@example.test", "+34699000242").await;
    let (status, _, _) = get_raw(&t, &path, &stranger).await;
    assert_eq!(status, 404, "another customer cannot read it");
}

#[tokio::test]
async fn a_failed_activation_has_no_invoice_and_reads_not_charged_in_the_expediente() {
    let t = store_app().await;
    let car = operational_car(&t, "valeria@example.test", "+34699000243").await;
    let offer = offer_id(&t, &car, "ENTERTAINMENT_PACK", Some(7)).await;
    fleet_faults(&t, &car.vin, json!({"fail_next": 1})).await;
    let (_, b) = buy(&t, &car, "ENTERTAINMENT_PACK", &offer, "tok_test_ok").await;
    let id = b["accepted"][0]["id"].as_str().unwrap().to_owned();
    wait_for(60, "failed and voided", || async {
        let p = get_json(&t.url(&format!("/api/v1/purchases/{id}")), Some(&car.token)).await;
        (p["state"] == "FAILED_NOT_CHARGED" && p["payment_state"] == "VOIDED").then_some(())
    })
    .await;

    let (status, _, _) = get_raw(&t, &format!("/api/v1/purchases/{id}/invoice"), &car.token).await;
    assert_eq!(status, 404, "nothing undelivered is invoiced");
    let s = services(&t, &car).await;
    assert!(s["invoices"].as_array().unwrap().is_empty(), "{s}");
    assert!(s["active"].as_array().unwrap().is_empty(), "{s}");
    let h = &s["history"][0];
    assert_eq!(h["purchase_id"], id.as_str());
    assert_eq!(h["state"], "FAILED_NOT_CHARGED");
    assert_eq!(h["charged"], false);
    assert!(h["invoice_path"].is_null());
    let notes: Vec<&str> = h["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["note"].as_str().unwrap())
        .collect();
    assert!(notes.contains(&"voided"), "{notes:?}");

    let web = t.web_login("valeria@example.test", PW).await;
    let exp = web
        .get(t.url(&format!("/expediente/{}", car.order)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(exp.contains(&format!("id=\"service-{id}\"")), "{exp}");
    assert!(exp.contains("No activado, no cobrado"), "{exp}");
}

#[tokio::test]
async fn the_expediente_and_the_vehicle_page_list_the_active_service_with_its_end_date() {
    let t = store_app().await;
    let car = operational_car(&t, "wendy@example.test", "+34699000244").await;
    let id = bought_and_captured(&t, &car, "PREMIUM_AUDIO", 30).await;
    let s = services(&t, &car).await;
    let a = &s["active"][0];
    assert_eq!(a["purchase_id"], id.as_str(), "{s}");
    assert_eq!(a["lifetime"], false);
    let end: DateTime<Utc> = a["ends_at"].as_str().unwrap().parse().unwrap();
    let ahead = end - Utc::now();
    assert!(
        ahead > Duration::days(29) && ahead <= Duration::days(30),
        "{end}"
    );
    let day = end.format("%d/%m/%Y").to_string();

    let web = t.web_login("wendy@example.test", PW).await;
    for page in [
        format!("/expediente/{}", car.order),
        format!("/vehicle/{}", car.order),
    ] {
        let html = web
            .get(t.url(&page))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let at = html
            .find(&format!("id=\"active-{id}\""))
            .unwrap_or_else(|| panic!("{page} lists the active service: {html}"));
        let row = &html[at..html[at..].find("</li>").map_or(html.len(), |e| at + e)];
        assert!(row.contains(&format!("hasta el {day}")), "{page}: {row}");
    }
}
