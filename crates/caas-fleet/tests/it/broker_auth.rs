//! The embedded broker lets in only the platform's login and vehicles that
//! present their own VIN as client id and username with their own derived
//! secret (`caas_fleet::auth`).

use crate::support::{connect, disconnect, subscribe_acked, try_connect};
use caas_fleet::broker::EmbeddedBroker;
use caas_fleet::testing::{test_auth, TEST_PLATFORM_PASSWORD, TEST_PLATFORM_USER};
use rumqttc::MqttOptions;
use std::time::Duration;

fn broker() -> EmbeddedBroker {
    EmbeddedBroker::start(([127, 0, 0, 1], 0).into(), test_auth()).unwrap()
}

fn raw(b: &EmbeddedBroker, client_id: &str, login: Option<(&str, &str)>) -> MqttOptions {
    let mut o = MqttOptions::new(client_id, "127.0.0.1", b.addr().port());
    o.set_keep_alive(Duration::from_secs(5));
    if let Some((user, password)) = login {
        o.set_credentials(user, password);
    }
    o
}

#[tokio::test]
async fn a_client_without_credentials_is_refused() {
    let b = broker();
    let err = try_connect(raw(&b, "anyone", None)).await.err();
    assert!(err.is_some(), "connected without credentials");
}

#[tokio::test]
async fn any_id_with_a_made_up_password_is_refused() {
    let b = broker();
    let vin = caas_fleet::testing::vin();
    for (id, user, password) in [
        ("anyone", "anyone", "anything"),
        ("caas-platform-9", TEST_PLATFORM_USER, "wrong"),
        (vin.as_str(), vin.as_str(), "sim-secret"),
    ] {
        let refused = try_connect(raw(&b, id, Some((user, password)))).await;
        assert!(refused.is_err(), "{user} connected with a made-up password");
    }
}

#[tokio::test]
async fn a_car_cannot_log_in_as_another_car() {
    let b = broker();
    let (a, other) = (caas_fleet::testing::vin(), caas_fleet::testing::vin());
    let secret = test_auth().vehicle_password(&a);
    let as_other = try_connect(raw(&b, &other, Some((&other, secret.expose())))).await;
    assert!(as_other.is_err(), "car A's secret opened car B's login");
    let session_of_other = try_connect(raw(&b, &other, Some((&a, secret.expose())))).await;
    assert!(session_of_other.is_err(), "car A took car B's client id");
}

#[tokio::test]
async fn the_platform_and_a_car_with_its_own_secret_are_let_in() {
    let b = broker();
    let vin = caas_fleet::testing::vin();
    let platform = Some((TEST_PLATFORM_USER, TEST_PLATFORM_PASSWORD));
    let (client, mut el) = connect(raw(&b, "caas-platform-1", platform)).await;
    subscribe_acked(&client, &mut el, "fleet/v1/+/state").await;
    disconnect(&client, &mut el).await;
    let secret = test_auth().vehicle_password(&vin);
    let (car, mut el) = connect(raw(&b, &vin, Some((&vin, secret.expose())))).await;
    subscribe_acked(&car, &mut el, &format!("fleet/v1/{vin}/commands")).await;
    disconnect(&car, &mut el).await;
}
