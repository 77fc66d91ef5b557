//! The feature-store section of `/ops/catalogue` (ADMIN): the option's IoT
//! feature and maintenance form with its errors in Spanish next to the
//! fields, and the offers table with its add and change forms.

use crate::support::app::*;
use caas_domain::catalogue::{PeriodLength, PeriodUnit, PricingModel};

async fn page(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn heat_pump(t: &TestApp) -> caas_domain::catalogue::CatalogueOption {
    let cat = caas_app::catalogue::load_catalogue(&t.app).await.unwrap();
    cat.options
        .iter()
        .find(|o| o.code == "HEAT_PUMP")
        .cloned()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_option_form_shows_feature_store_errors_in_spanish_and_keeps_the_values() {
    let t = spawn_app().await;
    let c = t.web_login(&t.admin.email, &t.admin.password).await;
    let (status, html) = page(&c, t.url("/ops/catalogue?option=HEAT_PUMP")).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"store-form\""));
    assert!(html.contains("id=\"st-iot_feature\" name=\"iot_feature\" value=\"HEAT_PUMP\""));
    assert!(
        html.contains("value=\"hvac\" checked"),
        "the seeded block is ticked"
    );
    assert!(html.contains("Climatización"));
    assert!(html.contains("id=\"offers-table\""));
    let csrf = csrf_in(&html);
    let before = heat_pump(&t).await;

    let resp = c
        .post(t.url("/ops/catalogue/options/HEAT_PUMP/store"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("iot_feature", "BOMBA-CALOR"),
            ("iot_config", "{nivel: 2}"),
            ("blocks", "hvac"),
            ("threshold_percent", "150"),
            ("when_unreachable", "allow"),
            ("active", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains(
        "<p class=\"field-error\" id=\"st-iot_feature-error\">Usa de 2 a 40 letras mayúsculas, cifras o _.</p>"
    ));
    assert!(html.contains("id=\"st-iot_config-error\">Escribe un objeto JSON"));
    assert!(html.contains("id=\"st-threshold-error\">Usa un número entero del 1 al 100.</p>"));
    assert!(
        html.contains("value=\"BOMBA-CALOR\"") && html.contains("value=\"150\""),
        "the values are kept"
    );
    assert!(html.contains("<option value=\"allow\" selected>"));
    assert_eq!(heat_pump(&t).await, before, "nothing changed");

    let resp = c
        .post(t.url("/ops/catalogue/options/HEAT_PUMP/store"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("iot_feature", "HEAT_PUMP"),
            ("iot_config", "{\"nivel\": 2}"),
            ("blocks", "hvac"),
            ("blocks", "battery"),
            ("threshold_percent", "80"),
            ("when_unreachable", "allow"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let after = heat_pump(&t).await;
    let m = after.maintenance.clone().unwrap();
    assert_eq!(m.blocks, vec!["battery", "hvac"]);
    assert_eq!(m.threshold_percent, 80);
    assert!(!after.active, "an unticked box deactivates the option");
    assert_eq!(after.iot_config.unwrap()["nivel"], 2);
    assert_eq!(after.offers, before.offers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offers_are_added_and_repriced_from_the_page() {
    let t = spawn_app().await;
    let c = t.web_login(&t.admin.email, &t.admin.password).await;
    let (_, html) = page(&c, t.url("/ops/catalogue?option=HEAT_PUMP")).await;
    let csrf = csrf_in(&html);
    let add = |model: &'static str, count: &'static str, unit: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("model", model.into()),
            ("count", count.into()),
            ("unit", unit.into()),
            ("price", "15,90".into()),
            ("currency", "EUR".into()),
        ]
    };
    let resp = c
        .post(t.url("/ops/catalogue/options/HEAT_PUMP/offers"))
        .form(&add("time_limited", "", "month"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains("necesitan una duración de 1 a 999"), "{html}");
    let before = heat_pump(&t).await.offers.len();

    let resp = c
        .post(t.url("/ops/catalogue/options/HEAT_PUMP/offers"))
        .form(&add("time_limited", "3", "month"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let offers = heat_pump(&t).await.offers;
    assert_eq!(offers.len(), before + 1);
    let three_months = PricingModel::TimeLimited {
        length: PeriodLength {
            count: 3,
            unit: PeriodUnit::Month,
        },
    };
    let new = offers.iter().find(|o| o.pricing == three_months).unwrap();
    assert_eq!(new.price.minor, 1590);
    let (_, html) = page(&c, t.url("/ops/catalogue?option=HEAT_PUMP")).await;
    assert!(html.contains(&format!("id=\"offer-{}\"", new.id)));
    assert!(html.contains("3 meses"));

    let resp = c
        .post(t.url(&format!(
            "/ops/catalogue/options/HEAT_PUMP/offers/{}",
            new.id
        )))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("price", "0"),
            ("currency", "EUR"),
            ("active", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("Escribe un precio mayor que cero"));
    let resp = c
        .post(t.url(&format!(
            "/ops/catalogue/options/HEAT_PUMP/offers/{}",
            new.id
        )))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("price", "17.00"),
            ("currency", "EUR"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let changed = heat_pump(&t).await.offers;
    let same = changed.iter().find(|o| o.id == new.id).unwrap();
    assert_eq!(same.price.minor, 1700);
    assert!(!same.active);
    assert_eq!(same.pricing, three_months);
    assert_eq!(changed.len(), offers.len(), "no offer is added or removed");
}
