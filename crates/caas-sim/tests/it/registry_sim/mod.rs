//! Registry simulator over real sockets, called with the platform's
//! `RegistrationClient`: registration in every country, VIN idempotency,
//! conflicts, injected 503 / slow / in-progress answers and the controls.
//! Rejections (422/400) are in `registry_sim/rejections.rs`.

mod rejections;
mod support;

use caas_domain::partners::CallError;
use caas_domain::partners_delivery::{RegistrationApi, RegistrationError};
use caas_partners::registration::{plate_matches, RegistrationClient, COUNTRIES};
use caas_sim::registry::{country_base_url, RegistrySimConfig};
use serde_json::json;
use std::time::Duration;
use support::*;

#[tokio::test]
async fn registry_registers_a_vehicle_in_every_country_with_a_plate_in_its_format() {
    let sim = Sim::start().await;
    let authorities = ["DGT", "IMT", "ANTS", "KBA", "MCTC"];
    for (cc, authority) in COUNTRIES.into_iter().zip(authorities) {
        let client = sim.client(cc);
        let mut req = request(cc, &vin());
        if cc == "DE" {
            req.vehicle.propulsion = "petrol".into();
            req.vehicle.co2_g_km = 142;
        }
        let reg = client.register(&req).await.unwrap();
        assert!(
            plate_matches(cc, &reg.plate_number),
            "{cc} {}",
            reg.plate_number
        );
        assert_eq!(reg.country, cc);
        assert_eq!(reg.authority, authority);
        assert_eq!(reg.vin, req.vin);
        assert_eq!(reg.owner_id_document, req.owner.id_document);
        let prefix = format!("reg_{}_", cc.to_lowercase());
        assert!(reg.registration_id.starts_with(&prefix));
        assert!(reg.certificate_number.starts_with(&format!("{cc}-")));
        assert_eq!(reg.registration_date, chrono::Utc::now().date_naive());
        assert_eq!(
            client.find_by_vin(&req.vin).await.unwrap(),
            Some(reg.clone())
        );
        let by_id = client.get_registration(&reg.registration_id).await.unwrap();
        assert_eq!(by_id, Some(reg.clone()));
        if cc == "DE" {
            assert!(!reg.plate_number.ends_with('E'), "petrol: no E suffix");
        }
    }
    let de_bev = sim
        .client("DE")
        .register(&request("DE", &vin()))
        .await
        .unwrap();
    assert!(
        de_bev.plate_number.ends_with('E'),
        "{}",
        de_bev.plate_number
    );
    let stats = sim.stats().await;
    assert_eq!(stats["registrations_created"], 6);
    assert_eq!(stats["per_country"]["DE"]["registrations_created"], 2);
    let all = sim.get_json("/_sim/registrations").await;
    assert_eq!(all["total"], 6);
    assert_eq!(all["per_country"]["ES"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn registry_is_per_country_and_lookups_of_unknown_vins_are_empty() {
    let sim = Sim::start().await;
    let v = vin();
    sim.client("ES").register(&request("ES", &v)).await.unwrap();
    assert_eq!(sim.client("PT").find_by_vin(&v).await.unwrap(), None);
    assert_eq!(sim.client("ES").find_by_vin(&vin()).await.unwrap(), None);
    let missing = sim.client("ES").get_registration("reg_es_NOPE").await;
    assert_eq!(missing.unwrap(), None);
    let pt = sim.client("PT").register(&request("PT", &v)).await.unwrap();
    assert_eq!(
        pt.country, "PT",
        "another service registers the same VIN independently"
    );
}

#[tokio::test]
async fn registry_replays_the_same_registration_for_the_same_owner_document() {
    let sim = Sim::start().await;
    let client = sim.client("ES");
    let req = request("ES", &vin());
    let first = client.register(&req).await.unwrap();
    let mut again = req.clone();
    again.vehicle.colour = "red".into();
    again.owner.given_names = Some("Otra".into());
    let replay = client.register(&again).await.unwrap();
    assert_eq!(replay, first, "other differing fields are ignored");
    let (status, body) = sim
        .post_raw("es", &serde_json::to_value(&req).unwrap())
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["plate_number"], first.plate_number.as_str());
    let stats = sim.stats().await;
    assert_eq!(stats["registrations_created"], 1);
    assert_eq!(stats["replays"], 2);
}

#[tokio::test]
async fn registry_refuses_a_vin_registered_to_another_owner_with_409() {
    let sim = Sim::start().await;
    let client = sim.client("ES");
    let req = request("ES", &vin());
    let first = client.register(&req).await.unwrap();
    let mut other = req.clone();
    other.owner.id_document.kind = "nie".into();
    other.owner.id_document.number = "X1234567L".into();
    let (status, code, details) = rejected(client.register(&other).await.unwrap_err());
    assert_eq!((status, code.as_str()), (409, "vehicle_already_registered"));
    let at: chrono::DateTime<chrono::Utc> =
        details["registered_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(at, first.registered_at);
}

#[tokio::test]
async fn registry_503_is_transient_with_retry_after_and_registers_nothing() {
    let sim = Sim::start().await;
    sim.control(
        "/_sim/scenario",
        json!({"unavailable_next": 2, "retry_after_secs": 7200}),
    )
    .await;
    let client = sim.client("FR");
    let req = request("FR", &vin());
    for _ in 0..2 {
        let err = client.register(&req).await.unwrap_err();
        assert_eq!(transient(err), Some(7200));
        assert_eq!(client.find_by_vin(&req.vin).await.unwrap(), None);
    }
    let reg = client.register(&req).await.unwrap();
    assert!(plate_matches("FR", &reg.plate_number));
    let stats = sim.stats().await;
    assert_eq!(stats["unavailable"], 2);
    assert_eq!(stats["per_country"]["FR"]["requests"], 3);
    assert_eq!(stats["registrations_created"], 1);
}

#[tokio::test]
async fn registry_slow_answer_times_out_then_the_retry_gets_the_200_replay() {
    let sim = Sim::start().await;
    sim.control("/_sim/scenario", json!({"slow_next": 1, "slow_ms": 3000}))
        .await;
    let impatient = sim.client_with("IT", Duration::from_millis(400));
    let req = request("IT", &vin());
    let err = impatient.register(&req).await.unwrap_err();
    assert!(
        matches!(&err, RegistrationError::Call(CallError::Transient { message, .. }) if message.contains("timeout")),
        "{err:?}"
    );
    let committed = sim.client("IT").find_by_vin(&req.vin).await.unwrap();
    let committed = committed.expect("the registration was committed before the slow answer");
    let retry = impatient.register(&req).await.unwrap();
    assert_eq!(retry, committed);
    let stats = sim.stats().await;
    assert_eq!(stats["registrations_created"], 1);
    assert_eq!(stats["replays"], 1);
}

#[tokio::test]
async fn registry_in_progress_is_transient_injected_or_concurrent() {
    let sim = Sim::start().await;
    sim.control(
        "/_sim/scenario",
        json!({"in_progress_next": 1, "retry_after_secs": 3}),
    )
    .await;
    let client = sim.client("PT");
    let req = request("PT", &vin());
    assert_eq!(transient(client.register(&req).await.unwrap_err()), Some(3));
    client.register(&req).await.unwrap();

    let slow = Sim::with(RegistrySimConfig {
        latency_ms: 600,
        ..RegistrySimConfig::default()
    })
    .await;
    let (a, b) = (slow.client("PT"), slow.client("PT"));
    let req = request("PT", &vin());
    let (ra, rb) = tokio::join!(a.register(&req), async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        b.register(&req).await
    });
    let first = ra.unwrap();
    assert_eq!(transient(rb.unwrap_err()), Some(1));
    assert_eq!(
        b.register(&req).await.unwrap(),
        first,
        "after it finished: replay"
    );
    assert_eq!(slow.stats().await["in_progress"], 1);
}

#[tokio::test]
async fn registry_configured_vins_are_already_registered_by_another_party() {
    let sim = Sim::start().await;
    let v = vin();
    sim.control("/_sim/scenario", json!({"already_registered_vins": [v]}))
        .await;
    let (status, code, details) = rejected(
        sim.client("DE")
            .register(&request("DE", &v))
            .await
            .unwrap_err(),
    );
    assert_eq!((status, code.as_str()), (409, "vehicle_already_registered"));
    assert!(details["registered_at"].as_str().unwrap().ends_with('Z'));
    sim.client("DE")
        .register(&request("DE", &vin()))
        .await
        .unwrap();
    sim.control("/_sim/reset", json!({})).await;
    sim.client("DE").register(&request("DE", &v)).await.unwrap();
}

#[tokio::test]
async fn registry_requires_the_key_on_the_api_only() {
    let sim = Sim::start().await;
    let base = country_base_url(&sim.handle.base_url, "ES");
    let wrong = RegistrationClient::new(&base, "nope", T).unwrap();
    let err = wrong.register(&request("ES", &vin())).await.unwrap_err();
    assert!(
        matches!(err, RegistrationError::Call(CallError::Unauthorized(_))),
        "{err:?}"
    );
    assert!(matches!(
        wrong.find_by_vin("X").await,
        Err(CallError::Unauthorized(_))
    ));
    let unknown = sim
        .client("GB")
        .register(&request("GB", &vin()))
        .await
        .unwrap_err();
    assert_eq!(rejected(unknown).1, "not_found");
    sim.stats().await;
    let scenario = sim.get_json("/_sim/scenario").await;
    assert_eq!(scenario["retry_after_secs"], 1);
    let bad = sim
        .http
        .post(sim.url("/_sim/scenario"))
        .json(&json!({"bogus": 1}))
        .send()
        .await;
    assert_eq!(bad.unwrap().status(), 400);
}
