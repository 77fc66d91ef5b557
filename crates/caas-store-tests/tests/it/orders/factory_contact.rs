//! Store conformance: the factory side of orders — silent orders by last
//! factory contact, and factory order ids unique across orders.

use super::*;

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
