//! Buying: a quote before payment (SVC-5: price, period, withdrawal terms
//! computed here) and the confirmation of a basket (SVC-4), where each item
//! is checked and stored on its own as a REQUESTED purchase whose saga job
//! is enqueued in the same transaction.

use super::refusals::refusal;
use super::saga::advance_job;
use crate::catalogue::load_catalogue;
use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::refusal::Refusal;
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::audit::AuditEntry;
use caas_domain::catalogue::CatalogueOption;
use caas_domain::ids::{BasketId, OfferId, PurchaseId, VehicleId};
use caas_domain::order::Order;
use caas_domain::ports::StoreError;
use caas_domain::purchase::eligibility::{check, EligibilityInput, Eligible, MaintenanceCheck};
use caas_domain::purchase::{Purchase, PurchasePayment, PurchaseState, ServicePaymentState};
use caas_domain::vehicle::{Assignment, Vehicle};
use std::sync::Arc;

/// One item of a basket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketItemIn {
    /// Option code.
    pub option_code: String,
    /// Offer id (`off_…`).
    pub offer_id: String,
}

/// What the customer confirms before paying.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// The option.
    pub option: CatalogueOption,
    /// What would be bought, when it would run and the withdrawal terms.
    pub eligible: Eligible,
}

/// The outcome of a basket: each item accepted or refused on its own.
#[derive(Debug, Clone, Default)]
pub struct BasketOutcome {
    /// Purchases stored (REQUESTED; the saga runs next).
    pub accepted: Vec<Purchase>,
    /// Items refused, with the reason.
    pub refused: Vec<(String, Refusal)>,
}

/// What the checks read: the car, its order and its purchases.
pub(crate) struct CarFacts {
    pub vehicle: Vehicle,
    pub order: Order,
    pub purchases: Vec<Purchase>,
}

/// Reads the customer's car (404 for anyone else's) in one snapshot.
pub(crate) async fn car_facts(
    app: &App,
    customer: &Account,
    id: &VehicleId,
) -> AppResult<CarFacts> {
    if customer.role != Role::Customer {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.store.read().await?;
    let vehicle = tx
        .find_vehicle_for_customer(&customer.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Assignment::Assigned { order_id, .. } = &vehicle.assignment else {
        return Err(AppError::NotFound);
    };
    let order = tx
        .find_order_for_customer(&customer.id, order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let purchases = tx.list_purchases_for_vehicle(&vehicle.id).await?;
    Ok(CarFacts {
        vehicle,
        order,
        purchases,
    })
}

/// Refuses (404) unless `id` is one of the customer's cars: checked before a
/// request body is read, so a stranger learns nothing from its validation.
pub async fn check_own_car(app: &App, customer: &Account, id: &VehicleId) -> AppResult<()> {
    car_facts(app, customer, id).await.map(|_| ())
}

/// Runs the pure checks of one item against `facts`.
pub(crate) fn decide(
    customer: &Account,
    facts: &CarFacts,
    option: &CatalogueOption,
    offer_id: &OfferId,
    maintenance: &MaintenanceCheck,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Eligible, Refusal> {
    check(EligibilityInput {
        caller: &customer.id,
        order_customer: &facts.order.customer_id,
        order_state: facts.order.state,
        plan_options: &facts.order.plan.option_codes,
        vehicle: &facts.vehicle,
        option,
        offer_id,
        removed: &[],
        purchases: &facts.purchases,
        maintenance,
        now,
    })
    .map_err(|r| refusal(&r, &option.name.es, &option.name.en))
}

fn find_option<'a>(options: &'a [CatalogueOption], code: &str) -> AppResult<&'a CatalogueOption> {
    options
        .iter()
        .find(|o| o.code == code)
        .ok_or(AppError::NotFound)
}

fn parse_offer(id: &str) -> AppResult<OfferId> {
    OfferId::parse(id).map_err(|_| AppError::Invalid {
        field: "offer_id".into(),
        message: "unknown offer".into(),
    })
}

/// The confirmation screen of one offer: refused with the reason, or what
/// would be bought (maintenance included: VSS is asked now).
#[tracing::instrument(skip_all, fields(vehicle = %vehicle_id, option = %option_code))]
pub async fn quote_purchase(
    app: &App,
    customer: &Account,
    vehicle_id: &VehicleId,
    option_code: &str,
    offer_id: &str,
) -> AppResult<Quote> {
    let offer_id = parse_offer(offer_id)?;
    let facts = car_facts(app, customer, vehicle_id).await?;
    let catalogue = load_catalogue(app).await?;
    let option = find_option(&catalogue.options, option_code)?;
    let maintenance = super::maintenance::check_option(app, option, &facts.vehicle.vin).await;
    let eligible = decide(
        customer,
        &facts,
        option,
        &offer_id,
        &maintenance,
        app.clock.now(),
    )
    .map_err(AppError::Conflict)?;
    Ok(Quote {
        option: option.clone(),
        eligible,
    })
}

fn check_payment_method(pm: &str) -> AppResult<String> {
    let pm = pm.trim();
    let ok = (pm.starts_with("pm_") || pm.starts_with("tok_"))
        && pm.len() <= 100
        && pm.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(pm.to_owned())
    } else {
        Err(AppError::Invalid {
            field: "payment_method".into(),
            message: "choose a saved card or enter a new one".into(),
        })
    }
}

/// Confirms a basket: each item checked on its own (the pure checks now;
/// maintenance again by the saga before authorising, MNT-3), stored as a
/// REQUESTED purchase with its saga job in the same transaction.
#[tracing::instrument(skip_all, fields(vehicle = %vehicle_id, customer = %customer.id, items = items.len()))]
pub async fn confirm_purchases(
    app: &App,
    ctx: &RequestContext,
    customer: &Account,
    vehicle_id: &VehicleId,
    items: &[BasketItemIn],
    payment_method: &str,
) -> AppResult<BasketOutcome> {
    if items.is_empty() || items.len() > 20 {
        return Err(AppError::Invalid {
            field: "items".into(),
            message: "choose between 1 and 20 options".into(),
        });
    }
    let payment_method = check_payment_method(payment_method)?;
    let facts = car_facts(app, customer, vehicle_id).await?;
    // A saved card must be the caller's (the gateway lists it under them).
    let payment_method =
        crate::payments::cards::method_for_payment(app, ctx, customer, &payment_method, false)
            .await?;
    let catalogue: Arc<crate::catalogue::Catalogue> = load_catalogue(app).await?;
    let now = app.clock.now();
    let basket_id = BasketId::new();
    let mut out = BasketOutcome::default();
    let mut tx = app.store.begin().await?;
    for item in items {
        let option = find_option(&catalogue.options, &item.option_code)?;
        let offer_id = parse_offer(&item.offer_id)?;
        // Maintenance is judged by the saga with VSS's answer (REQUESTED → checks).
        let eligible = match decide(
            customer,
            &facts,
            option,
            &offer_id,
            &MaintenanceCheck::Pass,
            now,
        ) {
            Ok(e) => e,
            Err(r) => {
                out.refused.push((item.option_code.clone(), r));
                continue;
            }
        };
        let p = new_purchase(
            app,
            customer,
            &facts,
            &basket_id,
            eligible,
            &payment_method,
            now,
        );
        match tx.insert_purchase(&p).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                let r = caas_domain::purchase::eligibility::PurchaseRefusal::InProgress;
                out.refused.push((
                    item.option_code.clone(),
                    refusal(&r, &option.name.es, &option.name.en),
                ));
                continue;
            }
            Err(e) => return Err(e.into()),
        }
        tx.enqueue_job(&advance_job(&p.id, now, &app.settings)?, now)
            .await?;
        tx.append_audit(
            &AuditEntry::new(now, customer.id.as_str(), "purchase.confirmed")
                .subject(p.id.to_string())
                .details(serde_json::json!({
                    "option": p.item.option_code, "offer": p.item.offer_id,
                    "price": p.item.price.minor, "currency": p.item.price.currency.code(),
                    "starts_at": p.period.starts_at, "ends_at": p.period.ends_at,
                }))
                .context(ctx.request_id.clone(), ctx.ip.clone()),
        )
        .await?;
        out.accepted.push(p);
    }
    tx.commit().await?;
    Ok(out)
}

fn new_purchase(
    app: &App,
    customer: &Account,
    facts: &CarFacts,
    basket_id: &BasketId,
    e: Eligible,
    payment_method: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Purchase {
    let mut p = Purchase {
        id: PurchaseId::new(),
        basket_id: basket_id.clone(),
        customer_id: customer.id.clone(),
        order_id: facts.order.id.clone(),
        vehicle_id: facts.vehicle.id.clone(),
        vin: facts.vehicle.vin.clone(),
        dealership_id: facts.order.dealership_id.clone(),
        item: e.item,
        period: e.period,
        extends: e.extends,
        withdrawal: e.withdrawal,
        state: PurchaseState::Requested,
        reason: None,
        payment: PurchasePayment {
            payment_method: payment_method.to_owned(),
            intent_id: None,
            state: ServicePaymentState::Created,
            authorization_expires_at: None,
            decline_code: None,
        },
        attempts: 0,
        max_attempts: app.settings.ota.max_attempts,
        command: None,
        query: None,
        commands: vec![],
        retry_at: None,
        activated_at: None,
        confirming_failure: false,
        history: vec![],
        version: 0,
        created_at: now,
        updated_at: now,
    };
    p.enter(PurchaseState::Requested, "confirmed", now);
    p
}
