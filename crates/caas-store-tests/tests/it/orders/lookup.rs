//! Store conformance: orders round-tripping every field, their foreign keys,
//! and finding and listing them per customer and per dealership.

use super::*;

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
