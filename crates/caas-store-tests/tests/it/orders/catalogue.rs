//! Store conformance: the catalogue (platforms and options upserted by code),
//! customer profiles and dealership details.

use super::*;

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
