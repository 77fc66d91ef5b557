//! The ADMIN catalogue editor and dealership details, and the customer's
//! notification preferences matrix with push devices, over HTTP.

use crate::support::app::*;
use crate::support::sales::HELPER_PW;
use caas_domain::notification::{Channel, NotificationKind};

const PW: &str = HELPER_PW;

async fn page(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_edits_the_catalogue_and_dealership_details() {
    let t = spawn_app().await;
    let c = t.web_login(&t.admin.email, &t.admin.password).await;
    let (status, html) = page(&c, t.url("/ops/catalogue")).await;
    assert_eq!(status, 200);
    assert!(html.contains("SUV-E-26") && html.contains("HEAT_PUMP"));
    let csrf = csrf_in(&html);

    let platform = |code: &str, name_es: &str, price: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("code", code.into()),
            ("name_es", name_es.into()),
            ("name_en", "Electric Truck 2027".into()),
            ("description_es", "Camión ligero.".into()),
            ("description_en", "Light truck.".into()),
            ("base_price", price.into()),
            ("currency", "EUR".into()),
            ("active", "on".into()),
        ]
    };
    let resp = c
        .post(t.url("/ops/catalogue/platforms"))
        .form(&platform("x", "", "mucho"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("use 2 to 32 letters")
            && html.contains("give the text in Spanish and English")
    );
    let resp = c
        .post(t.url("/ops/catalogue/platforms"))
        .form(&platform("TRUCK-E-27", "Camión eléctrico 2027", "61000.00"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let (_, html) = page(&c, t.url("/ops/catalogue?platform=TRUCK-E-27")).await;
    assert!(
        html.contains("value=\"Camión eléctrico 2027\""),
        "the edit form is filled"
    );
    assert!(html.contains("value=\"61000.00\""));

    let resp = c
        .post(t.url("/ops/catalogue/options"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("code", "CRANE_ASSIST"),
            ("name_es", "Asistente de grúa"),
            ("name_en", "Crane assist"),
            ("description_es", "Ayuda a cargar."),
            ("description_en", "Helps loading."),
            ("category", "assistance"),
            ("platforms", "TRUCK-E-27"),
            ("platforms", "VAN-E-26"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let cat = caas_app::catalogue::load_catalogue(&t.app).await.unwrap();
    let truck = cat
        .platforms
        .iter()
        .find(|p| p.code == "TRUCK-E-27")
        .unwrap();
    assert_eq!(truck.base_price.minor, 6_100_000);
    let crane = cat
        .options
        .iter()
        .find(|o| o.code == "CRANE_ASSIST")
        .unwrap();
    assert_eq!(crane.platforms, vec!["TRUCK-E-27", "VAN-E-26"]);
    let audit = caas_app::ops::list_audit(&t.app, None).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "catalogue.option_saved"));

    // Dealership address and opening hours.
    let d = caas_app::dealerships::create_dealership(
        &t.app,
        &Default::default(),
        "test",
        "Sur",
        "ES",
        "Sevilla",
    )
    .await
    .unwrap();
    let resp = c
        .post(t.url(&format!("/ops/dealerships/{}/details", d.id)))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("address", "Avenida de la Palmera 10"),
            ("opening_hours", "L-V 9:00-20:00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let d = caas_app::dealerships::find_dealership(&t.app, &d.id)
        .await
        .unwrap();
    assert_eq!(
        (d.address.as_str(), d.opening_hours.as_str()),
        ("Avenida de la Palmera 10", "L-V 9:00-20:00")
    );

    // Not for SALES.
    t.sales_staff("saul@example.com").await;
    let s = t.web_login("saul@example.com", PW).await;
    assert_eq!(page(&s, t.url("/ops/catalogue")).await.0, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preferences_refuse_muting_a_mandatory_cell_and_accept_an_optional_one() {
    let t = spawn_app().await;
    let me = t.active_customer("carla@example.com", PW).await;
    let c = t.web_login("carla@example.com", PW).await;
    let (status, html) = page(&c, t.url("/preferences")).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"pref-manufacturing_milestone.sms\" checked"));
    assert!(html.contains("id=\"push-setup\""));
    let csrf = csrf_in(&html);
    let enabled =
        |cells: &[caas_app::notify::prefs::PrefCell], k: NotificationKind, ch: Channel| {
            cells
                .iter()
                .find(|c| c.kind == k && c.channel == ch)
                .unwrap()
                .enabled
        };

    // Switching off a mandatory cell is refused and changes nothing.
    let resp = c
        .post(t.url("/preferences"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("cell", "manufacturing_milestone.sms"),
            ("cell", "factory_order_placed.email"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("id=\"prefs-error\""));
    let cells = caas_app::notify::prefs::list_preferences(&t.app, &me)
        .await
        .unwrap();
    assert!(enabled(
        &cells,
        NotificationKind::FactoryOrderPlaced,
        Channel::Email
    ));
    assert!(enabled(
        &cells,
        NotificationKind::ManufacturingMilestone,
        Channel::Sms
    ));

    // An optional cell can be switched off.
    let resp = c
        .post(t.url("/preferences"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("cell", "manufacturing_milestone.sms"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let cells = caas_app::notify::prefs::list_preferences(&t.app, &me)
        .await
        .unwrap();
    assert!(!enabled(
        &cells,
        NotificationKind::ManufacturingMilestone,
        Channel::Sms
    ));
    let (_, html) = page(&c, t.url("/preferences?saved=1")).await;
    assert!(
        html.contains("id=\"pref-manufacturing_milestone.sms\">"),
        "shown unticked"
    );

    // A device's push subscription is listed and can be removed.
    let sub = t
        .push_subscription(&me, "https://push.example.com/abc")
        .await;
    let (_, html) = page(&c, t.url("/preferences")).await;
    assert!(html.contains("Test browser"));
    let resp = c
        .post(t.url(&format!("/preferences/push/{}/remove", sub.id)))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert!(caas_app::notify::prefs::list_push(&t.app, &me)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(page(&c, t.url("/inbox")).await.0, 200);
}
