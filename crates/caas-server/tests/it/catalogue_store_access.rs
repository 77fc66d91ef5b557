//! Who may edit the catalogue for the feature store, and what deactivating
//! an option does: SALES and CUSTOMER tokens get 403 and change nothing; an
//! inactive option stays in the API listing, marked inactive.

use crate::support::app::*;
use crate::support::catalogue::*;
use crate::support::sales::HELPER_PW;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_option_stays_listed_marked_inactive() {
    let t = spawn_app().await;
    let admin = admin_token(&t).await;
    let before = catalogue_option(&t, &admin).await;
    assert_eq!(before["active"], true);
    let resp = send(
        &t,
        &admin,
        reqwest::Method::PUT,
        &format!("/api/v1/catalogue/options/{OPTION}/store"),
        &json!({"iot_feature": before["iot_feature"], "maintenance": before["maintenance"], "active": false}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let after = catalogue_option(&t, &admin).await;
    assert_eq!(after["active"], false);
    assert_eq!(
        after["offers"], before["offers"],
        "its offers are all still listed"
    );
    assert_eq!(after["platforms"], before["platforms"]);
    assert_eq!(after["maintenance"], before["maintenance"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sales_and_customer_tokens_get_403_and_change_nothing() {
    let t = spawn_app().await;
    let admin = admin_token(&t).await;
    t.sales_staff("ventas@example.com").await;
    t.active_customer("cliente@example.com", HELPER_PW).await;
    let before = catalogue_option(&t, &admin).await;
    let offer_id = before["offers"][0]["id"].as_str().unwrap().to_owned();
    for email in ["ventas@example.com", "cliente@example.com"] {
        let token = t.api_token(email, HELPER_PW).await;
        let calls = [
            (
                reqwest::Method::PUT,
                format!("/api/v1/catalogue/options/{OPTION}/store"),
                json!({"iot_feature": "HACKED", "active": false}),
            ),
            (
                reqwest::Method::POST,
                format!("/api/v1/catalogue/options/{OPTION}/offers"),
                json!({"model": "lifetime", "price": "1.00", "currency": "EUR"}),
            ),
            (
                reqwest::Method::PATCH,
                format!("/api/v1/catalogue/options/{OPTION}/offers/{offer_id}"),
                json!({"price": "0.01"}),
            ),
        ];
        for (method, path, body) in calls {
            let resp = send(&t, &token, method.clone(), &path, &body).await;
            assert_eq!(resp.status(), 403, "{email}: {method} {path}");
        }
    }
    assert_eq!(catalogue_option(&t, &admin).await, before);
}
