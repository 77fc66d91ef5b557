//! `kill -9` of `caas serve` in the middle of every branch of the delivery
//! half (SPEC §4.1 from the dealership on), restart, and the flows complete
//! with no duplicate payment, registration, shipment, key installation or
//! notification. The partners run in this process and outlive every kill;
//! the platform is the real binary on a fixed port.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod crash_support;

use caas_domain::ids::{DealershipId, OrderId};
use caas_domain::notification::NotificationKind;
use caas_domain::order::{Order, OrderState};
use caas_domain::order_delivery::AttemptOutcome;
use caas_domain::payment::{PaymentKind, PaymentState};
use caas_domain::ports::Store;
use crash_support::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct World {
    p: Platform,
    store: Arc<dyn Store>,
    partners: Partners,
    seller: String,
    /// What was in flight at each kill.
    kills: Vec<String>,
}

impl World {
    async fn order(&self, id: &str) -> Order {
        let id = OrderId::parse(id).unwrap();
        self.store
            .read()
            .await
            .unwrap()
            .find_order(&id)
            .await
            .unwrap()
            .unwrap()
    }

    /// Polls the database (the platform may be down) until `pred` holds.
    async fn wait(&self, id: &str, what: &str, pred: impl Fn(&Order) -> bool) -> Order {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let o = self.order(id).await;
            if pred(&o) {
                return o;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; order is {} {:?}",
                o.state.as_str(),
                o.home.attempts
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_state(&self, id: &str, state: OrderState) -> Order {
        self.wait(id, state.as_str(), |o| o.state == state).await
    }

    /// `kill -9` now, then start again at once.
    async fn kill_restart(&mut self, in_flight: &str) {
        self.p.kill();
        self.kills.push(in_flight.to_owned());
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.p.start().await;
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        let (status, v) = post_json(&self.p.url(path), Some(token), &body).await;
        assert!((200..300).contains(&status), "POST {path}: {status} {v}");
        v
    }

    async fn staff(&self, order: &str, action: &str, body: Value) -> Value {
        let seller = self.seller.clone();
        self.post(&format!("/api/v1/sales/{order}/{action}"), &seller, body)
            .await
    }

    /// Registers a sale, activates its customer, pays the señal at the desk.
    async fn sale(&self, email: &str, phone: &str, patch: Value) -> (String, String) {
        let mut body = json!({
            "customer_name": "Lucía Fernández Núñez", "document_type": "DNI", "document_number": "12345678Z",
            "email": email, "phone": phone, "language": "es",
            "address_line1": "Calle de Alcalá 100", "address_postal_code": "28009", "address_locality": "Madrid", "address_country": "ES",
            "delivery_line1": "Calle de Alcalá 100", "delivery_postal_code": "28009", "delivery_locality": "Madrid", "delivery_country": "ES",
            "platform_code": "SUV-E-26", "option_codes": ["HEAT_PUMP"],
            "vehicle_price": "52900.00", "senal": "2000.00", "currency": "EUR", "maintenance_included": true,
            "birth_date": "1988-07-02"
        });
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let o = self.post("/api/v1/sales", &self.seller, body).await;
        let order = o["id"].as_str().unwrap().to_owned();
        let token = activate_and_token(&self.p, &*self.store, email).await;
        let pay = json!({"payment_method": "tok_test_ok", "attempt_key": format!("desk-{order}")});
        let v = self.staff(&order, "senal", pay).await;
        assert_eq!(v["state"], "CAPTURED", "{v}");
        (order, token)
    }

    async fn pay_final(&self, order: &str, token: &str) {
        let body = json!({"payment_method": "tok_test_ok", "attempt_key": "final-1"});
        let v = self
            .post(
                &format!("/api/v1/orders/{order}/final-payment"),
                token,
                body,
            )
            .await;
        assert_eq!(v["state"], "CAPTURED", "{v}");
    }

    async fn carrier_plan(&self, vin: &str, plan: &str) {
        let body = json!({"plans_by_vin": {vin: plan}});
        let (s, v) = post_json(
            &format!("{}/_sim/scenario", self.partners.carrier),
            None,
            &body,
        )
        .await;
        assert_eq!(s, 200, "{v}");
    }
}

async fn world() -> (World, Option<tempfile::TempDir>) {
    let port = free_port();
    let partners = Partners::start(port).await;
    let (db, dir) = caas_store_tests::fresh_database_url().await.unwrap();
    let mut p = Platform::new(
        &db,
        port,
        &partners,
        &[("CAAS_FINAL_PAYMENT_WINDOW_SECS", "45")],
    );
    p.start().await;
    let store = caas_store_tests::open_store(&db).await.unwrap();
    let dealership = caas(
        &db,
        &[
            "admin",
            "create-dealership",
            "--name",
            "Concesionario Centro",
            "--country",
            "ES",
            "--locality",
            "Madrid",
        ],
    );
    let id = DealershipId::parse(dealership.trim()).unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.update_dealership_details(&id, "Calle de Serrano 50, 28001 Madrid", "L-V 9:00-20:00")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    caas(
        &db,
        &[
            "admin",
            "create-staff",
            "--role",
            "SALES",
            "--dealership",
            id.as_str(),
            "--email",
            "vera@concesionario.test",
        ],
    );
    let seller = activate_and_token(&p, &*store, "vera@concesionario.test").await;
    let w = World {
        p,
        store,
        partners,
        seller,
        kills: vec![],
    };
    (w, dir)
}

fn attempt_failed(o: &Order) -> bool {
    o.state == OrderState::OutForDelivery
        && o.home
            .attempts
            .last()
            .is_some_and(|a| a.handover_outcome.is_some() && a.outcome == AttemptOutcome::Pending)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_delivery_branch_completes_after_kill_9_without_duplicates() {
    let (mut w, _dir) = world().await;
    let (a, ta) = w.sale("ana@example.test", "+34699000201", json!({})).await;
    let (b, tb) = w
        .sale("bruno@example.test", "+34699000202", json!({}))
        .await;
    let (c, tc) = w
        .sale("carla@example.test", "+34699000203", json!({}))
        .await;
    let (d, _) = w
        .sale("dario@example.test", "+34699000204", json!({}))
        .await;
    let bad_id = json!({"document_number": "00000000T"});
    let (e, te) = w.sale("elena@example.test", "+34699000205", bad_id).await;
    let mut vins = BTreeMap::new();
    for o in [&a, &b, &c, &d, &e] {
        let built = w
            .wait(o, "vehicle available", |x| {
                x.state == OrderState::InTransitToDealership && x.factory.available_from.is_some()
            })
            .await;
        vins.insert(o.clone(), built.factory.vin.unwrap());
        w.staff(o, "reception", json!({"notes": "sin daños"})).await;
    }
    w.kill_restart("D: final-payment deadline timer pending")
        .await;

    // Paid → registered → delivered at home → linked → OPERATIONAL.
    w.carrier_plan(&vins[&a], "delivered").await;
    w.pay_final(&a, &ta).await;
    w.kill_restart("A: final payment captured, settlement in flight")
        .await;
    w.wait_state(&a, OrderState::Paid).await;
    w.kill_restart("A: registry call in flight").await;
    w.wait_state(&a, OrderState::OutForDelivery).await;
    w.kill_restart("A: out for delivery").await;
    w.wait_state(&a, OrderState::Delivered).await;
    let key = json!({"public_key": phone_public_key(), "label": "Pixel"});
    w.post(&format!("/api/v1/orders/{a}/app-link"), &ta, key)
        .await;
    w.kill_restart("A: app.link in flight").await;
    w.wait_state(&a, OrderState::Operational).await;

    // Absent → new window agreed → delivered.
    w.carrier_plan(&vins[&b], "absent_rescheduled").await;
    w.pay_final(&b, &tb).await;
    w.wait(&b, "attempt failed", attempt_failed).await;
    w.kill_restart("B: absent, phone outcome pending").await;
    w.wait_state(&b, OrderState::Delivered).await;

    // Absent → unreachable → returned → collected at the dealership.
    w.carrier_plan(&vins[&c], "absent_unreachable").await;
    w.pay_final(&c, &tc).await;
    w.wait_state(&c, OrderState::ReturningToDealership).await;
    w.kill_restart("C: returning to the dealership").await;
    w.wait(&c, "dropped at the dealership", |o| {
        o.home.status.as_deref() == Some("returned_to_dealership")
    })
    .await;
    w.staff(&c, "return-reception", json!({"notes": "ok"}))
        .await;
    w.kill_restart("C: held at the dealership").await;
    let pickup = json!({"receiver_name": "Carla", "document_number": "12345678Z"});
    w.staff(&c, "pickup", pickup).await;

    // Registration rejected → corrected → registered.
    w.carrier_plan(&vins[&e], "delivered").await;
    w.pay_final(&e, &te).await;
    w.wait_state(&e, OrderState::RegistrationIssue).await;
    w.kill_restart("E: registration refused, staff to correct")
        .await;
    w.staff(&e, "registration", json!({"document_number": "12345678Z"}))
        .await;
    w.kill_restart("E: corrected registration in flight").await;
    w.wait_state(&e, OrderState::Delivered).await;

    // Deadline → sin asignar → sold from stock to another customer → delivered.
    w.wait_state(&d, OrderState::ReservationLost).await;
    let stock = get_stock(&w).await;
    let vehicle = stock[0]["id"].clone();
    let patch = json!({"stock_vehicle_id": vehicle});
    let (f, tf) = w.sale("fede@example.test", "+34699000206", patch).await;
    w.wait_state(&f, OrderState::AwaitingFinalPayment).await;
    w.kill_restart("F: stock sale, final payment requested")
        .await;
    w.carrier_plan(&vins[&d], "delivered").await;
    w.pay_final(&f, &tf).await;
    w.wait_state(&f, OrderState::Delivered).await;

    assert_eq!(w.p.kills as usize, w.kills.len());
    check_no_duplicates(&w, &[&a, &b, &c, &d, &e, &f], &vins[&a]).await;
    eprintln!("kill -9 at: {:#?}", w.kills);
}

async fn get_stock(w: &World) -> Value {
    let r = client()
        .get(w.p.url("/api/v1/stock"))
        .bearer_auth(&w.seller)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    v
}

/// Money moved once, one registration and one shipment per delivered order,
/// one key on the car, one notification per milestone.
async fn check_no_duplicates(w: &World, orders: &[&String], vin_a: &str) {
    let mut tx = w.store.read().await.unwrap();
    let mut captured = 0;
    let mut shipments = 0;
    let mut kinds: std::collections::HashMap<(String, NotificationKind), usize> =
        std::collections::HashMap::new();
    for id in orders {
        let oid = OrderId::parse(id).unwrap();
        let o = tx.find_order(&oid).await.unwrap().unwrap();
        let pays = tx.list_payments_for_order(&oid).await.unwrap();
        let live = |k: PaymentKind| {
            pays.iter()
                .filter(|p| {
                    p.kind == k && matches!(p.state, PaymentState::Captured | PaymentState::Settled)
                })
                .count()
        };
        assert_eq!(live(PaymentKind::Senal), 1, "{id}: one señal");
        let finals = live(PaymentKind::Final);
        assert_eq!(
            finals,
            usize::from(o.state != OrderState::ReservationLost),
            "{id}: finals"
        );
        captured += pays
            .iter()
            .filter(|p| p.state != PaymentState::Declined)
            .count();
        assert!(
            o.home.shipments <= 1,
            "{id}: shipments {}",
            o.home.shipments
        );
        shipments += o.home.shipments;
        let notes = tx
            .list_notifications_for_customer(&o.customer_id, 500)
            .await
            .unwrap();
        for n in notes.iter().filter(|n| n.order_id.as_ref() == Some(&oid)) {
            *kinds.entry((id.to_string(), n.kind)).or_default() += 1;
        }
    }
    let pay = get_json(&format!("{}/_sim/stats", w.partners.payments)).await;
    assert_eq!(
        pay["captures"], captured,
        "gateway captures = recorded payments: {pay}"
    );
    assert_eq!(pay["intents_created"], captured, "{pay}");
    let reg = get_json(&format!("{}/_sim/stats", w.partners.registry)).await;
    assert_eq!(reg["registrations_created"], 5, "{reg}");
    let car = get_json(&format!("{}/_sim/stats", w.partners.carrier)).await;
    assert_eq!(car["shipments_created"], shipments, "{car}");
    assert_eq!(shipments, 5);
    let fleet = get_json(&format!("{}/_sim/vehicles/{vin_a}", w.partners.fleet)).await;
    assert_eq!(fleet["app_keys"].as_array().unwrap().len(), 1, "{fleet}");
    let links: std::collections::BTreeSet<&str> = fleet["commands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "app.link")
        .map(|c| c["command_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        links.len(),
        1,
        "one app.link command, maybe republished: {fleet}"
    );
    let once = [
        NotificationKind::VehicleAvailable,
        NotificationKind::RegistrationDone,
        NotificationKind::VehicleOperational,
        NotificationKind::ReservationLost,
        NotificationKind::RegistrationDelayed,
    ];
    for ((order, kind), n) in &kinds {
        if once.contains(kind) {
            assert_eq!(*n, 1, "{order}: {kind:?} notified {n} times");
        }
        if *kind == NotificationKind::CollectAtDealership {
            assert_eq!(*n, 2, "{order}: told when returning and when received");
        }
    }
    let (a, c) = (orders[0].to_string(), orders[2].to_string());
    assert!(kinds.contains_key(&(a, NotificationKind::VehicleOperational)));
    assert!(kinds.contains_key(&(c, NotificationKind::CollectAtDealership)));
}
