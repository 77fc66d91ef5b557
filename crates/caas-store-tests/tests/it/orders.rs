//! Store conformance: the sale-to-factory repositories — catalogue, customer
//! profiles, dealership details, orders and their optimistic versioning,
//! payments and their constraints, counters and invoices.

use crate::fixtures::*;
use caas_domain::account::Role;
use caas_domain::ids::{AccountId, DealershipId, InvoiceId, OrderId, PaymentId};
use caas_domain::order::{Order, OrderState};
use caas_domain::partners::FactoryViolation;
use caas_domain::payment::{PaymentChannel, PaymentKind, PaymentState};
use caas_domain::ports::*;
use caas_store_tests::fresh_store;
use chrono::{Duration, NaiveDate, SubsecRound};

async fn find_order(store: &dyn Store, id: &OrderId) -> Option<Order> {
    store.read().await.unwrap().find_order(id).await.unwrap()
}

fn ids<'a>(orders: impl IntoIterator<Item = &'a Order>) -> Vec<OrderId> {
    orders.into_iter().map(|o| o.id.clone()).collect()
}

// ---------------------------------------------------------------- catalogue

#[tokio::test]
async fn platforms_and_options_are_upserted_by_code_and_listed_in_code_order() -> anyhow::Result<()>
{
    let db = fresh_store().await?;
    let t = start_time();
    let suv = platform("SUV-E-26", t);
    let mut van = platform("VAN-E-26", t);
    let heat = catalogue_option("HEAT_PUMP", &["SUV-E-26", "VAN-E-26"], t);
    let mut tow = catalogue_option("TOW_HITCH", &["VAN-E-26"], t);

    let mut tx = db.store.begin().await?;
    tx.upsert_platform(&van).await?;
    tx.upsert_platform(&suv).await?;
    tx.upsert_option(&tow).await?;
    tx.upsert_option(&heat).await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.list_platforms().await?, vec![suv.clone(), van.clone()]);
    assert_eq!(tx.list_options().await?, vec![heat.clone(), tow.clone()]);
    drop(tx);

    // A second upsert of the same code replaces the row instead of adding one.
    van.active = false;
    van.base_price = eur(3_990_000);
    van.name = localized("Furgoneta", "Van");
    van.updated_at = t + Duration::hours(1);
    tow.platforms.push("SUV-E-26".to_owned());
    tow.offers.clear();
    tow.updated_at = t + Duration::hours(1);
    let mut tx = db.store.begin().await?;
    tx.upsert_platform(&van).await?;
    tx.upsert_option(&tow).await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.list_platforms().await?, vec![suv, van]);
    assert_eq!(tx.list_options().await?, vec![heat, tow]);
    Ok(())
}

#[tokio::test]
async fn an_empty_catalogue_lists_nothing() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let mut tx = db.store.read().await?;
    assert!(tx.list_platforms().await?.is_empty());
    assert!(tx.list_options().await?.is_empty());
    Ok(())
}

// ------------------------------------------------------ customers, dealerships

#[tokio::test]
async fn a_customer_profile_is_replaced_on_upsert_and_found_only_for_its_owner(
) -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let luis = seeded_customer(&*db.store, "luis@example.com", t).await;

    let mut profile = customer_profile(&ana.id, t);
    let mut tx = db.store.begin().await?;
    tx.upsert_customer_profile(&profile).await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.find_customer_profile(&ana.id).await?.as_ref(),
        Some(&profile)
    );
    assert_eq!(tx.find_customer_profile(&luis.id).await?, None);
    drop(tx);

    profile.phone = None;
    profile.address = postal_address("Paseo de la Castellana 200");
    profile.updated_at = t + Duration::days(1);
    let mut tx = db.store.begin().await?;
    tx.upsert_customer_profile(&profile).await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.find_customer_profile(&ana.id).await?.as_ref(),
        Some(&profile)
    );
    assert_eq!(tx.find_customer_profile(&luis.id).await?, None);
    Ok(())
}

#[tokio::test]
async fn a_profile_of_an_unknown_account_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let mut tx = db.store.begin().await?;
    let err = tx
        .upsert_customer_profile(&customer_profile(&AccountId::new(), start_time()))
        .await
        .expect_err("foreign key to a missing account");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn dealership_details_update_address_and_hours_of_that_dealership_only() -> anyhow::Result<()>
{
    let db = fresh_store().await?;
    let t = start_time();
    let sur = dealership("Motor Sur", t);
    let norte = dealership("Motor Norte", t);
    insert_dealership(&*db.store, &sur).await;
    insert_dealership(&*db.store, &norte).await;

    let mut tx = db.store.begin().await?;
    tx.update_dealership_details(
        &sur.id,
        "Avenida de Andalucía 12, Sevilla",
        "L-S 10:00-21:00",
    )
    .await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    let mut expected = sur.clone();
    expected.address = "Avenida de Andalucía 12, Sevilla".to_owned();
    expected.opening_hours = "L-S 10:00-21:00".to_owned();
    assert_eq!(tx.find_dealership(&sur.id).await?, Some(expected));
    assert_eq!(tx.find_dealership(&norte.id).await?, Some(norte));
    Ok(())
}

// ------------------------------------------------------------------- orders

#[tokio::test]
async fn an_order_round_trips_every_field() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;

    let plain = order(&ana, &d.id, t);
    let mut rich = order(&ana, &d.id, t + Duration::seconds(1));
    rich.state = OrderState::OrderRejected;
    rich.customer.name = "Ana María Núñez-Ibáñez".to_owned();
    rich.factory.factory_order_id = Some("fo_01HZX".to_owned());
    rich.factory.status = Some("rejected".to_owned());
    rich.factory.last_sequence = 7;
    rich.factory.estimated_completion_date = NaiveDate::from_ymd_opt(2026, 9, 30);
    rich.factory.estimated_arrival_date = NaiveDate::from_ymd_opt(2026, 10, 15);
    rich.factory.vin = Some("VF1ABC12345678901".to_owned());
    rich.factory.available_from = Some(t + Duration::days(90));
    rich.factory.violations = vec![FactoryViolation {
        code: "option_combination_invalid".to_owned(),
        field: Some("options[1]".to_owned()),
        value: Some("TOW_HITCH".to_owned()),
        conflicting_codes: vec!["HEAT_PUMP".to_owned(), "TOW_HITCH".to_owned()],
        option_code: None,
        component: None,
    }];
    rich.factory.attempts = 3;
    rich.factory.submission = 2;
    rich.factory.last_error = Some("timeout after 10s".to_owned());
    rich.last_factory_contact = Some(t + Duration::minutes(5));
    rich.updated_at = t + Duration::minutes(5);
    insert_orders(&*db.store, &[&plain, &rich]).await;

    let mut tx = db.store.read().await?;
    for o in [&plain, &rich] {
        assert_eq!(tx.find_order(&o.id).await?.as_ref(), Some(o));
        assert_eq!(
            tx.find_order_for_customer(&ana.id, &o.id).await?.as_ref(),
            Some(o)
        );
    }
    assert_eq!(tx.find_order(&OrderId::new()).await?, None);
    Ok(())
}

#[tokio::test]
async fn an_order_of_an_unknown_customer_or_dealership_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let ghost = customer("ghost@example.com", t);

    let mut tx = db.store.begin().await?;
    let err = tx
        .insert_order(&order(&ghost, &d.id, t))
        .await
        .expect_err("missing customer");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);
    let mut tx = db.store.begin().await?;
    let err = tx
        .insert_order(&order(&ana, &DealershipId::new(), t))
        .await
        .expect_err("missing dealership");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    Ok(())
}

#[tokio::test]
async fn a_customer_sees_only_their_own_orders_newest_first() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let luis = seeded_customer(&*db.store, "luis@example.com", t).await;
    let ana_old = order(&ana, &d.id, t - Duration::days(30));
    let ana_new = order(&ana, &d.id, t);
    let luis_one = order(&luis, &d.id, t - Duration::days(1));
    insert_orders(&*db.store, &[&ana_new, &luis_one, &ana_old]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.find_order_for_customer(&luis.id, &ana_new.id).await?,
        None,
        "another customer's order is not found"
    );
    assert_eq!(
        tx.find_order_for_customer(&ana.id, &luis_one.id).await?,
        None
    );
    assert_eq!(
        tx.find_order_for_customer(&luis.id, &luis_one.id).await?,
        Some(luis_one.clone())
    );
    assert_eq!(
        tx.list_orders_for_customer(&ana.id).await?,
        vec![ana_new, ana_old]
    );
    assert_eq!(tx.list_orders_for_customer(&luis.id).await?, vec![luis_one]);
    assert!(tx
        .list_orders_for_customer(&AccountId::new())
        .await?
        .is_empty());
    Ok(())
}

#[tokio::test]
async fn list_orders_filters_by_dealership_newest_first_and_respects_the_limit(
) -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let sur = dealership("Motor Sur", t);
    let norte = dealership("Motor Norte", t);
    let empty = dealership("Motor Vacío", t);
    for d in [&sur, &norte, &empty] {
        insert_dealership(&*db.store, d).await;
    }
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let s1 = order(&ana, &sur.id, t - Duration::hours(3));
    let n1 = order(&ana, &norte.id, t - Duration::hours(2));
    let s2 = order(&ana, &sur.id, t - Duration::hours(1));
    let n2 = order(&ana, &norte.id, t);
    insert_orders(&*db.store, &[&s1, &n1, &s2, &n2]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(
        ids(&tx.list_orders(Some(&sur.id), 10).await?),
        ids(&[s2.clone(), s1.clone()])
    );
    assert_eq!(
        ids(&tx.list_orders(Some(&norte.id), 10).await?),
        ids(&[n2.clone(), n1.clone()])
    );
    assert!(tx.list_orders(Some(&empty.id), 10).await?.is_empty());
    assert_eq!(
        tx.list_orders(None, 10).await?,
        vec![n2.clone(), s2.clone(), n1, s1]
    );
    assert_eq!(ids(&tx.list_orders(None, 2).await?), ids(&[n2, s2.clone()]));
    assert_eq!(ids(&tx.list_orders(Some(&sur.id), 1).await?), ids(&[s2]));
    Ok(())
}

#[tokio::test]
async fn an_order_update_with_the_next_version_writes_every_field() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let original = seeded_order(&*db.store, "ana@example.com", t).await;

    let mut o = original.clone();
    o.state = OrderState::Ordered;
    o.factory.factory_order_id = Some("fo_123".to_owned());
    o.factory.status = Some("accepted".to_owned());
    o.factory.attempts = 1;
    o.factory.estimated_completion_date = NaiveDate::from_ymd_opt(2026, 11, 2);
    o.last_factory_contact = Some(t + Duration::minutes(1));
    o.delivery = postal_address("Calle Nueva 3");
    o.updated_at = t + Duration::minutes(1);
    o.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_order(&o).await?, "version 0 -> 1 is accepted");
    tx.commit().await?;
    assert_eq!(find_order(&*db.store, &o.id).await, Some(o.clone()));

    // And again from the version just written.
    let mut next = o.clone();
    next.state = OrderState::InProduction;
    next.factory.status = Some("in_production".to_owned());
    next.updated_at = t + Duration::minutes(2);
    next.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_order(&next).await?, "version 1 -> 2 is accepted");
    tx.commit().await?;
    let stored = find_order(&*db.store, &o.id).await.unwrap();
    assert_eq!(stored, next);
    assert_eq!(stored.version, 2);
    Ok(())
}

#[tokio::test]
async fn a_stale_order_update_returns_false_and_changes_nothing() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let original = seeded_order(&*db.store, "ana@example.com", t).await;

    // Two writers read version 0; the first one wins.
    let mut first = original.clone();
    let mut second = original.clone();
    first.state = OrderState::Reserved;
    first.updated_at = t + Duration::seconds(1);
    first.version += 1;
    second.state = OrderState::Cancelled;
    second.factory.factory_order_id = Some("fo_late".to_owned());
    second.last_factory_contact = Some(t - Duration::days(10));
    second.updated_at = t + Duration::seconds(2);
    second.version += 1;

    let mut tx = db.store.begin().await?;
    assert!(tx.update_order(&first).await?);
    tx.commit().await?;
    let mut tx = db.store.begin().await?;
    assert!(!tx.update_order(&second).await?, "the stale writer loses");
    tx.commit().await?;
    assert_eq!(
        find_order(&*db.store, &original.id).await,
        Some(first.clone())
    );

    // Skipping a version or repeating the current one is refused too.
    for version in [first.version, first.version + 2, 0] {
        let mut o = first.clone();
        o.state = OrderState::Cancelled;
        o.version = version;
        let mut tx = db.store.begin().await?;
        assert!(!tx.update_order(&o).await?, "version {version} refused");
        tx.commit().await?;
    }
    assert_eq!(find_order(&*db.store, &original.id).await, Some(first));

    // Nor does the losing write leak into the filter columns.
    let mut tx = db.store.read().await?;
    assert!(tx
        .list_silent_orders(t + Duration::days(365))
        .await?
        .is_empty());
    Ok(())
}

#[tokio::test]
async fn updating_an_unknown_order_returns_false() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let mut ghost = order(&ana, &DealershipId::new(), t);
    ghost.version = 1;
    let mut tx = db.store.begin().await?;
    assert!(!tx.update_order(&ghost).await?);
    tx.commit().await?;
    assert_eq!(find_order(&*db.store, &ghost.id).await, None);
    Ok(())
}

#[tokio::test]
async fn silent_orders_are_factory_orders_whose_last_contact_is_before_the_cut_off(
) -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let cut_off = t - Duration::days(7);

    // Every state, each with a contact well before the cut-off.
    let mut by_state = Vec::new();
    for (i, state) in OrderState::ALL.into_iter().enumerate() {
        let mut o = order(&ana, &d.id, t - Duration::days(60));
        o.state = state;
        // Distinct contact times; inserted in reverse so insertion order proves nothing.
        o.last_factory_contact = Some(cut_off - Duration::days(20 - i as i64));
        by_state.push(o);
    }
    let mut recent = order(&ana, &d.id, t - Duration::days(60));
    recent.state = OrderState::InProduction;
    recent.last_factory_contact = Some(cut_off + Duration::microseconds(1));
    let mut exactly = order(&ana, &d.id, t - Duration::days(60));
    exactly.state = OrderState::Ordered;
    exactly.last_factory_contact = Some(cut_off);
    let mut just_before = order(&ana, &d.id, t - Duration::days(60));
    just_before.state = OrderState::InTransitToDealership;
    just_before.last_factory_contact = Some(cut_off - Duration::microseconds(1));
    let mut never = order(&ana, &d.id, t - Duration::days(60));
    never.state = OrderState::Ordered;
    never.last_factory_contact = None;

    let mut all: Vec<&Order> = by_state.iter().rev().collect();
    all.extend([&recent, &exactly, &just_before, &never]);
    insert_orders(&*db.store, &all).await;

    let pick = |s: OrderState| by_state.iter().find(|o| o.state == s).unwrap().clone();
    let mut tx = db.store.read().await?;
    let silent = tx.list_silent_orders(cut_off).await?;
    assert_eq!(
        silent,
        vec![
            pick(OrderState::Ordered),
            pick(OrderState::InProduction),
            pick(OrderState::InTransitToDealership),
            just_before.clone(),
        ],
        "only factory states, strictly before the cut-off, oldest contact first"
    );
    drop(tx);

    // A new word from the factory (written through update_order) silences the alert.
    let mut heard = pick(OrderState::InProduction);
    heard.last_factory_contact = Some(t);
    heard.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_order(&heard).await?);
    tx.commit().await?;
    let mut tx = db.store.read().await?;
    assert_eq!(
        ids(&tx.list_silent_orders(cut_off).await?),
        ids(&[
            pick(OrderState::Ordered),
            pick(OrderState::InTransitToDealership),
            just_before,
        ])
    );
    Ok(())
}

#[tokio::test]
async fn silent_order_cut_offs_compare_by_time_whatever_the_sub_second_precision(
) -> anyhow::Result<()> {
    // SQLite keeps times as text with 0, 3, 6 or 9 fractional digits.
    let db = fresh_store().await?;
    let t = start_time();
    let d = dealership("Motor Sur", t);
    insert_dealership(&*db.store, &d).await;
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let whole = (t - Duration::days(10)).trunc_subsecs(0);
    let milli = whole + Duration::milliseconds(100);
    let micro = whole + Duration::microseconds(100_001);
    let mut orders = Vec::new();
    for contact in [micro, whole, milli] {
        let mut o = order(&ana, &d.id, t);
        o.state = OrderState::InProduction;
        o.last_factory_contact = Some(contact);
        orders.push(o);
    }
    insert_orders(&*db.store, &orders.iter().collect::<Vec<_>>()).await;
    let (at_micro, at_whole, at_milli) = (&orders[0], &orders[1], &orders[2]);

    let silent = |cut_off| {
        let store = std::sync::Arc::clone(&db.store);
        async move {
            let mut tx = store.read().await.unwrap();
            ids(&tx.list_silent_orders(cut_off).await.unwrap())
        }
    };
    assert!(silent(whole).await.is_empty());
    assert_eq!(
        silent(whole + Duration::microseconds(1)).await,
        ids([at_whole])
    );
    assert_eq!(silent(milli).await, ids([at_whole]));
    assert_eq!(silent(micro).await, ids([at_whole, at_milli]));
    assert_eq!(
        silent(whole + Duration::seconds(1)).await,
        ids([at_whole, at_milli, at_micro])
    );
    Ok(())
}

#[tokio::test]
async fn two_orders_with_the_same_factory_order_id_are_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let first = seeded_order(&*db.store, "ana@example.com", t).await;
    let mut with_id = first.clone();
    with_id.factory.factory_order_id = Some("fo_shared".to_owned());
    with_id.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_order(&with_id).await?);
    tx.commit().await?;

    let luis = seeded_customer(&*db.store, "luis@example.com", t).await;
    let mut other = order(&luis, &first.dealership_id, t);
    other.factory.factory_order_id = Some("fo_shared".to_owned());
    let mut tx = db.store.begin().await?;
    let err = tx.insert_order(&other).await.expect_err("duplicate fo_ id");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    Ok(())
}

// ----------------------------------------------------------------- payments

#[tokio::test]
async fn a_payment_is_found_by_id_idempotency_key_and_intent() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let mut p = payment(&o, PaymentKind::Senal, t);
    p.channel = PaymentChannel::Dealership;
    p.started_by = AccountId::new();
    p.intent_id = Some("pi_3Nx9".to_owned());
    insert_payments(&*db.store, &[&p]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_payment(&p.id).await?.as_ref(), Some(&p));
    assert_eq!(
        tx.find_payment_by_key(&p.idempotency_key).await?.as_ref(),
        Some(&p)
    );
    assert_eq!(
        tx.find_payment_by_intent("pi_3Nx9").await?.as_ref(),
        Some(&p)
    );
    assert_eq!(tx.find_payment(&PaymentId::new()).await?, None);
    assert_eq!(tx.find_payment_by_key("idem_other").await?, None);
    assert_eq!(tx.find_payment_by_intent("pi_other").await?, None);
    Ok(())
}

#[tokio::test]
async fn update_payment_writes_every_mutable_field() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let original = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&original]).await;

    let mut p = original.clone();
    p.intent_id = Some("pi_later".to_owned());
    p.state = PaymentState::Declined;
    p.decline_code = Some("insufficient_funds".to_owned());
    p.failure_message = Some("Your card has insufficient funds.".to_owned());
    p.last_sequence = 4;
    p.updated_at = t + Duration::seconds(30);
    p.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_payment(&p).await?, "version 0 -> 1 is accepted");
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_payment(&p.id).await?.as_ref(), Some(&p));
    assert_eq!(
        tx.find_payment_by_intent("pi_later").await?.as_ref(),
        Some(&p)
    );
    assert_eq!(
        tx.find_payment_by_key(&p.idempotency_key).await?.as_ref(),
        Some(&p)
    );
    Ok(())
}

#[tokio::test]
async fn payments_of_an_order_are_listed_oldest_first() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;
    let mut declined = payment(&o, PaymentKind::Senal, t - Duration::hours(2));
    declined.state = PaymentState::Declined;
    let senal = payment(&o, PaymentKind::Senal, t - Duration::hours(1));
    let last = payment(&o, PaymentKind::Final, t);
    let elsewhere = payment(&other, PaymentKind::Senal, t - Duration::hours(3));
    insert_payments(&*db.store, &[&last, &elsewhere, &senal, &declined]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_payments_for_order(&o.id).await?,
        vec![declined, senal, last]
    );
    assert_eq!(
        tx.list_payments_for_order(&other.id).await?,
        vec![elsewhere]
    );
    assert!(tx
        .list_payments_for_order(&OrderId::new())
        .await?
        .is_empty());
    Ok(())
}

#[tokio::test]
async fn a_second_live_senal_of_the_same_order_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;
    let first = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&first]).await;

    for state in [
        PaymentState::Created,
        PaymentState::Captured,
        PaymentState::Settled,
    ] {
        let mut dup = payment(&o, PaymentKind::Senal, t + Duration::seconds(1));
        dup.state = state;
        let mut tx = db.store.begin().await?;
        let err = tx
            .insert_payment(&dup)
            .await
            .expect_err("a double submit charges once");
        assert!(matches!(err, StoreError::Conflict(_)), "{state:?}: {err:?}");
    }
    // A final payment of that order and a señal of another order are fine.
    let fin = payment(&o, PaymentKind::Final, t + Duration::seconds(2));
    let their_senal = payment(&other, PaymentKind::Senal, t + Duration::seconds(2));
    insert_payments(&*db.store, &[&fin, &their_senal]).await;

    let mut tx = db.store.read().await?;
    assert_eq!(tx.list_payments_for_order(&o.id).await?, vec![first, fin]);
    Ok(())
}

#[tokio::test]
async fn a_new_senal_is_accepted_once_the_previous_one_was_declined() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;

    // Declined on insert…
    let mut refused = payment(&o, PaymentKind::Senal, t);
    refused.state = PaymentState::Declined;
    insert_payments(&*db.store, &[&refused]).await;
    // …or declined later by an update: either frees the order for a retry.
    let mut second = payment(&o, PaymentKind::Senal, t + Duration::seconds(1));
    insert_payments(&*db.store, &[&second]).await;
    second.state = PaymentState::Declined;
    second.decline_code = Some("card_declined".to_owned());
    second.updated_at = t + Duration::seconds(2);
    second.version += 1;
    let mut tx = db.store.begin().await?;
    assert!(tx.update_payment(&second).await?);
    tx.commit().await?;

    let third = payment(&o, PaymentKind::Senal, t + Duration::seconds(3));
    insert_payments(&*db.store, &[&third]).await;

    // With a live one again, the next is refused.
    let mut tx = db.store.begin().await?;
    let err = tx
        .insert_payment(&payment(&o, PaymentKind::Senal, t + Duration::seconds(4)))
        .await
        .expect_err("third is live");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_payments_for_order(&o.id).await?,
        vec![refused, second, third]
    );
    Ok(())
}

#[tokio::test]
async fn reusing_an_idempotency_key_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;
    let first = payment(&o, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&first]).await;

    let mut reused = payment(&other, PaymentKind::Senal, t);
    reused.idempotency_key = first.idempotency_key.clone();
    let mut tx = db.store.begin().await?;
    let err = tx.insert_payment(&reused).await.expect_err("key reused");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    let mut tx = db.store.read().await?;
    assert_eq!(tx.find_payment(&reused.id).await?, None);
    assert_eq!(
        tx.find_payment_by_key(&first.idempotency_key).await?,
        Some(first)
    );
    Ok(())
}

#[tokio::test]
async fn a_payment_of_an_unknown_order_is_a_conflict() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let ana = seeded_customer(&*db.store, "ana@example.com", t).await;
    let ghost = order(&ana, &DealershipId::new(), t);
    let mut tx = db.store.begin().await?;
    let err = tx
        .insert_payment(&payment(&ghost, PaymentKind::Senal, t))
        .await
        .expect_err("foreign key to a missing order");
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    Ok(())
}

// ------------------------------------------------------- counters, invoices

#[tokio::test]
async fn counters_count_one_two_three_per_name_independently() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let mut tx = db.store.begin().await?;
    assert_eq!(tx.next_counter("invoice-2026").await?, 1);
    assert_eq!(tx.next_counter("invoice-2026").await?, 2);
    assert_eq!(tx.next_counter("invoice-2027").await?, 1);
    tx.commit().await?;

    let mut tx = db.store.begin().await?;
    assert_eq!(tx.next_counter("invoice-2026").await?, 3);
    assert_eq!(tx.next_counter("invoice-2027").await?, 2);
    assert_eq!(tx.next_counter("credit-note").await?, 1);
    tx.commit().await?;
    Ok(())
}

#[tokio::test]
async fn invoices_are_listed_per_order_and_their_pdf_is_returned_only_to_the_owner(
) -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let other = seeded_order(&*db.store, "luis@example.com", t).await;
    let senal = payment(&o, PaymentKind::Senal, t);
    let fin = payment(&o, PaymentKind::Final, t);
    let theirs = payment(&other, PaymentKind::Senal, t);
    insert_payments(&*db.store, &[&senal, &fin, &theirs]).await;

    let inv1 = invoice(&senal, "F-2026-000001", t);
    let inv2 = invoice(&fin, "F-2026-000002", t + Duration::days(90));
    let inv3 = invoice(&theirs, "F-2026-000003", t);
    let (pdf1, pdf2, pdf3) = (pdf_bytes("one"), pdf_bytes("two"), Vec::from(&b"x"[..]));
    let mut tx = db.store.begin().await?;
    tx.insert_invoice(&inv2, &pdf2).await?;
    tx.insert_invoice(&inv1, &pdf1).await?;
    tx.insert_invoice(&inv3, &pdf3).await?;
    tx.commit().await?;

    let mut tx = db.store.read().await?;
    assert_eq!(
        tx.list_invoices_for_order(&o.id).await?,
        vec![inv1.clone(), inv2.clone()]
    );
    assert_eq!(
        tx.list_invoices_for_order(&other.id).await?,
        vec![inv3.clone()]
    );

    assert_eq!(
        tx.find_invoice_pdf_for_customer(&o.customer_id, &inv1.id)
            .await?,
        Some((inv1.clone(), pdf1.clone()))
    );
    assert_eq!(
        tx.find_invoice_pdf_for_customer(&o.customer_id, &inv2.id)
            .await?,
        Some((inv2.clone(), pdf2))
    );
    assert_eq!(
        tx.find_invoice_pdf_for_customer(&other.customer_id, &inv1.id)
            .await?,
        None,
        "another customer's invoice is not found"
    );
    assert_eq!(
        tx.find_invoice_pdf_for_customer(&o.customer_id, &inv3.id)
            .await?,
        None
    );
    assert_eq!(
        tx.find_invoice_pdf_for_customer(&o.customer_id, &InvoiceId::new())
            .await?,
        None
    );
    // Staff lookup needs no owner.
    assert_eq!(tx.find_invoice_pdf(&inv3.id).await?, Some((inv3, pdf3)));
    assert_eq!(tx.find_invoice_pdf(&inv1.id).await?, Some((inv1, pdf1)));
    assert_eq!(tx.find_invoice_pdf(&InvoiceId::new()).await?, None);
    Ok(())
}

#[tokio::test]
async fn a_second_invoice_number_or_invoice_of_the_same_payment_is_a_conflict() -> anyhow::Result<()>
{
    let db = fresh_store().await?;
    let t = start_time();
    let o = seeded_order(&*db.store, "ana@example.com", t).await;
    let senal = payment(&o, PaymentKind::Senal, t);
    let fin = payment(&o, PaymentKind::Final, t);
    insert_payments(&*db.store, &[&senal, &fin]).await;
    let mut tx = db.store.begin().await?;
    tx.insert_invoice(&invoice(&senal, "F-2026-000001", t), b"a")
        .await?;
    tx.commit().await?;

    for dup in [
        invoice(&fin, "F-2026-000001", t),
        invoice(&senal, "F-2026-000002", t),
    ] {
        let mut tx = db.store.begin().await?;
        let err = tx.insert_invoice(&dup, b"b").await.expect_err("duplicate");
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    }
    Ok(())
}

// ----------------------------------------------------------------- rollback

#[tokio::test]
async fn a_dropped_transaction_writes_nothing() -> anyhow::Result<()> {
    let db = fresh_store().await?;
    let t = start_time();
    let existing = seeded_order(&*db.store, "ana@example.com", t).await;
    let staff = account(
        "sales@motorsur.es",
        Role::Sales,
        Some(&existing.dealership_id),
        t,
    );
    insert_accounts(&*db.store, &[&staff]).await;
    let ana = db
        .store
        .read()
        .await?
        .find_account(&existing.customer_id)
        .await?
        .unwrap();

    let new_order = order(&ana, &existing.dealership_id, t + Duration::seconds(1));
    let p = payment(&existing, PaymentKind::Senal, t);
    let inv = invoice(&p, "F-2026-000001", t);
    let mut changed = existing.clone();
    changed.state = OrderState::Cancelled;
    changed.version += 1;
    let entry = timeline_entry(&existing.id, "sale_registered", "sale:1", t);
    let revision = estimate_revision(
        &existing.id,
        "evt_1",
        None,
        NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
        t,
    );
    let alert = staff_alert(Some(&existing.dealership_id), "silent:1", t);
    let event = inbound_event("factory", "evt_1", "fo_1", Some(existing.id.as_str()), 1, t);
    let note = notification(&ana.id, "milestone:1", t);
    let sub = push_subscription(&ana.id, "https://push.example/1", t);
    {
        let mut tx = db.store.begin().await?;
        tx.upsert_platform(&platform("SUV-E-26", t)).await?;
        tx.upsert_option(&catalogue_option("HEAT_PUMP", &["SUV-E-26"], t))
            .await?;
        tx.upsert_customer_profile(&customer_profile(&ana.id, t))
            .await?;
        tx.update_dealership_details(&existing.dealership_id, "Nowhere 0", "never")
            .await?;
        tx.insert_order(&new_order).await?;
        assert!(tx.update_order(&changed).await?);
        tx.insert_payment(&p).await?;
        assert_eq!(tx.next_counter("invoice").await?, 1);
        tx.insert_invoice(&inv, b"%PDF").await?;
        assert!(tx.append_timeline(&entry).await?);
        assert!(tx.insert_estimate_revision(&revision).await?);
        assert!(tx.insert_alert(&alert).await?);
        assert!(tx.insert_inbound(&event).await?);
        assert!(tx.insert_notification(&note).await?);
        tx.set_muted(
            &ana.id,
            caas_domain::notification::NotificationKind::ManufacturingMilestone,
            caas_domain::notification::Channel::Sms,
            true,
        )
        .await?;
        tx.upsert_push_subscription(&sub).await?;
        assert_eq!(
            tx.find_order(&new_order.id).await?.as_ref(),
            Some(&new_order),
            "visible inside its own transaction"
        );
        // Dropped here without commit.
    }

    let mut tx = db.store.read().await?;
    assert!(tx.list_platforms().await?.is_empty());
    assert!(tx.list_options().await?.is_empty());
    assert_eq!(tx.find_customer_profile(&ana.id).await?, None);
    let d = tx.find_dealership(&existing.dealership_id).await?.unwrap();
    assert_ne!(d.address, "Nowhere 0");
    assert_eq!(tx.find_order(&new_order.id).await?, None);
    assert_eq!(tx.find_order(&existing.id).await?, Some(existing.clone()));
    assert_eq!(tx.find_payment(&p.id).await?, None);
    assert_eq!(tx.find_invoice_pdf(&inv.id).await?, None);
    assert!(tx.list_timeline(&existing.id).await?.is_empty());
    assert!(tx.list_estimate_revisions(&existing.id).await?.is_empty());
    assert!(tx.list_alerts(None, 10).await?.is_empty());
    assert!(tx
        .list_pending_inbound("factory", Some("fo_1"), None)
        .await?
        .is_empty());
    assert_eq!(tx.find_notification(&note.id).await?, None);
    assert!(tx.list_muted(&ana.id).await?.is_empty());
    assert!(tx.list_push_subscriptions(&ana.id, t).await?.is_empty());
    drop(tx);

    // Keys and counters are free again.
    let mut tx = db.store.begin().await?;
    assert_eq!(tx.next_counter("invoice").await?, 1);
    tx.insert_payment(&p).await?;
    assert!(tx.append_timeline(&entry).await?);
    assert!(tx.insert_notification(&note).await?);
    tx.commit().await?;
    Ok(())
}
