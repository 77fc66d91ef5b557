//! ADMIN edits of the catalogue for the feature store over the API (ADM-1,
//! SVC-2, SVC-12, MNT-2): offers added and repriced under the same id,
//! feature-store fields validated with every field error at once and nothing
//! changed.

use crate::support::app::*;
use crate::support::catalogue::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_10_day_and_a_1_month_offer_and_a_price_change_keeps_the_id() {
    let t = spawn_app().await;
    let admin = admin_token(&t).await;
    let path = format!("/api/v1/catalogue/options/{OPTION}/offers");
    let before = catalogue_option(&t, &admin).await["offers"]
        .as_array()
        .unwrap()
        .len();

    let body = |count: u32, unit: &str, price: &str| json!({"model": "time_limited", "length": {"count": count, "unit": unit}, "price": price, "currency": "EUR"});
    let resp = send(
        &t,
        &admin,
        reqwest::Method::POST,
        &path,
        &body(10, "day", "9.90"),
    )
    .await;
    assert_eq!(resp.status(), 201);
    let days: Value = resp.json().await.unwrap();
    let resp = send(
        &t,
        &admin,
        reqwest::Method::POST,
        &path,
        &body(1, "month", "10.90"),
    )
    .await;
    assert_eq!(resp.status(), 201);
    let month: Value = resp.json().await.unwrap();
    assert_ne!(
        days["id"], month["id"],
        "10 days and 1 month are two offers"
    );

    let listed = catalogue_option(&t, &admin).await;
    let offers = listed["offers"].as_array().unwrap();
    assert_eq!(offers.len(), before + 2);
    let find = |id: &Value| offers.iter().find(|o| o["id"] == *id).cloned().unwrap();
    let d = find(&days["id"]);
    assert_eq!(d["model"], "time_limited");
    assert_eq!(d["length"], json!({"count": 10, "unit": "day"}));
    assert_eq!(d["price"]["minor"], 990);
    assert_eq!(d["active"], true);
    assert_eq!(
        find(&month["id"])["length"],
        json!({"count": 1, "unit": "month"})
    );

    // The same model, length and currency again is refused while one is active.
    let resp = send(
        &t,
        &admin,
        reqwest::Method::POST,
        &path,
        &body(10, "day", "5.00"),
    )
    .await;
    assert!(error_fields(resp).await.contains("offer"));

    // A price change keeps the offer's id; model and length cannot change.
    let offer_path = format!("{path}/{}", days["id"].as_str().unwrap());
    let resp = send(
        &t,
        &admin,
        reqwest::Method::PATCH,
        &offer_path,
        &json!({"price": "12.50"}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let changed: Value = resp.json().await.unwrap();
    assert_eq!(changed["id"], days["id"]);
    assert_eq!(changed["price"]["minor"], 1250);
    assert_eq!(changed["length"], json!({"count": 10, "unit": "day"}));
    let resp = send(
        &t,
        &admin,
        reqwest::Method::PATCH,
        &offer_path,
        &json!({"model": "lifetime"}),
    )
    .await;
    assert_eq!(resp.status(), 422, "a model change is refused");
    let resp = send(
        &t,
        &admin,
        reqwest::Method::PATCH,
        &offer_path,
        &json!({"active": false}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let listed = catalogue_option(&t, &admin).await;
    let d = listed["offers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == days["id"])
        .cloned()
        .expect("a deactivated offer is kept");
    assert_eq!(d["active"], false);
    assert_eq!(d["price"]["minor"], 1250);

    let unknown = format!("{path}/off_0000000000000000");
    let resp = send(
        &t,
        &admin,
        reqwest::Method::PATCH,
        &unknown,
        &json!({"active": true}),
    )
    .await;
    assert_eq!(resp.status(), 404);
    let audit = caas_app::ops::list_audit(&t.app, None).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "catalogue.offer_added")
            .count(),
        2
    );
    assert!(audit.iter().any(|e| e.action == "catalogue.offer_changed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_feature_store_fields_are_all_reported_and_change_nothing() {
    let t = spawn_app().await;
    let admin = admin_token(&t).await;
    let path = format!("/api/v1/catalogue/options/{OPTION}/store");
    let before = catalogue_option(&t, &admin).await;

    let resp = send(
        &t,
        &admin,
        reqwest::Method::PUT,
        &path,
        &json!({
            "iot_feature": "HEAT-PUMP",
            "iot_config": [1, 2],
            "maintenance": {"blocks": ["brakes", "wipers"], "threshold_percent": 0},
            "active": false,
        }),
    )
    .await;
    let fields = error_fields(resp).await;
    for f in [
        "iot_feature",
        "iot_config",
        "maintenance.blocks",
        "maintenance.threshold_percent",
    ] {
        assert!(fields.contains(f), "{f} missing from {fields:?}");
    }
    let resp = send(
        &t,
        &admin,
        reqwest::Method::PUT,
        &path,
        &json!({"iot_feature": "HEAT_PUMP", "maintenance": {"blocks": ["hvac"], "threshold_percent": 101, "when_unreachable": "sometimes"}, "active": true}),
    )
    .await;
    let fields = error_fields(resp).await;
    assert!(fields.contains("maintenance.threshold_percent"));
    assert!(fields.contains("maintenance.when_unreachable"));
    assert_eq!(
        catalogue_option(&t, &admin).await,
        before,
        "nothing changed"
    );

    // A valid change: every field as sent, threshold and behaviour defaulted.
    let resp = send(
        &t,
        &admin,
        reqwest::Method::PUT,
        &path,
        &json!({"iot_feature": "heat_pump_v2", "iot_config": {"level": 2}, "maintenance": {"blocks": ["hvac", "battery"]}, "active": true}),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let o = catalogue_option(&t, &admin).await;
    assert_eq!(o["iot_feature"], "HEAT_PUMP_V2");
    assert_eq!(o["iot_config"], json!({"level": 2}));
    assert_eq!(
        o["maintenance"],
        json!({"blocks": ["battery", "hvac"], "threshold_percent": 100, "when_unreachable": "refuse"})
    );
    assert_eq!(o["offers"], before["offers"], "offers are kept");
    assert_eq!(o["name"], before["name"], "texts are kept");

    let unknown = "/api/v1/catalogue/options/NO_SUCH/store";
    let resp = send(
        &t,
        &admin,
        reqwest::Method::PUT,
        unknown,
        &json!({"iot_feature": "X_Y", "active": true}),
    )
    .await;
    assert_eq!(resp.status(), 404);
}
