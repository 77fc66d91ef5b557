//! Eligibility, one refusal at a time, and the period of an extension.

use super::*;
use crate::catalogue::{Localized, Offer, OptionCategory, PeriodLength};
use crate::ids::{BasketId, DealershipId, OrderId, VehicleId};
use crate::money::{Currency, Money};
use crate::purchase::{PurchasePayment, ServicePaymentState};
use crate::vehicle::Assignment;
use chrono::{Duration, TimeZone};

struct World {
    owner: AccountId,
    vehicle: Vehicle,
    option: CatalogueOption,
    month: OfferId,
    life: OfferId,
    now: DateTime<Utc>,
}

fn world() -> World {
    let owner = AccountId::new();
    let now = Utc.with_ymd_and_hms(2027, 6, 1, 10, 0, 0).unwrap();
    let report: crate::fleet::StateReport = serde_json::from_value(serde_json::json!({
        "vin": "VSSZZZ5FZR6000123", "seq": 3, "reported_at": "2027-06-01T09:00:00Z",
        "features": [{"code": "POWER_BOOST_50", "enabled": false, "valid_until": null}]
    }))
    .unwrap();
    let vehicle = Vehicle {
        id: VehicleId::new(),
        vin: "VSSZZZ5FZR6000123".into(),
        platform_code: "SUV-E-26".into(),
        option_codes: vec![],
        dealership_id: DealershipId::new(),
        assignment: Assignment::Assigned {
            order_id: OrderId::new(),
            customer_id: owner.clone(),
        },
        completed_on: None,
        available_from: None,
        plate_number: None,
        keys: vec![],
        last_state: Some(report),
        presence: None,
        presence_at: None,
        history: vec![],
        version: 0,
        created_at: now,
        updated_at: now,
    };
    let month = OfferId::new();
    let life = OfferId::new();
    let offer = |id: &OfferId, pricing, minor| Offer {
        id: id.clone(),
        pricing,
        price: Money::new(minor, Currency::EUR).unwrap(),
        active: true,
    };
    let option = CatalogueOption {
        code: "POWER_BOOST_50".into(),
        name: Localized {
            es: "Potencia".into(),
            en: "Power".into(),
        },
        description: Localized::default(),
        category: OptionCategory::Performance,
        platforms: vec!["SUV-E-26".into()],
        offers: vec![
            offer(
                &month,
                PricingModel::TimeLimited {
                    length: PeriodLength::days(30),
                },
                1990,
            ),
            offer(&life, PricingModel::Lifetime, 49000),
        ],
        maintenance: None,
        iot_feature: "POWER_BOOST_50".into(),
        iot_config: None,
        active: true,
        updated_at: now,
    };
    World {
        owner,
        vehicle,
        option,
        month,
        life,
        now,
    }
}

fn purchase(w: &World, state: PurchaseState, ends_at: Option<DateTime<Utc>>) -> Purchase {
    let e = decide(w, &w.month, &[], &MaintenanceCheck::NotLinked).unwrap();
    Purchase {
        id: PurchaseId::new(),
        basket_id: BasketId::new(),
        customer_id: w.owner.clone(),
        order_id: OrderId::new(),
        vehicle_id: w.vehicle.id.clone(),
        vin: w.vehicle.vin.clone(),
        dealership_id: w.vehicle.dealership_id.clone(),
        item: e.item,
        period: Period {
            starts_at: w.now - Duration::days(5),
            ends_at,
        },
        extends: None,
        withdrawal: e.withdrawal,
        state,
        reason: None,
        payment: PurchasePayment {
            payment_method: "pm_1".into(),
            intent_id: None,
            state: ServicePaymentState::Captured,
            authorization_expires_at: None,
            decline_code: None,
        },
        attempts: 1,
        max_attempts: 5,
        command: None,
        query: None,
        commands: vec![],
        retry_at: None,
        confirming_failure: false,
        activated_at: None,
        history: vec![],
        version: 1,
        created_at: w.now,
        updated_at: w.now,
    }
}

fn decide(
    w: &World,
    offer: &OfferId,
    purchases: &[Purchase],
    maintenance: &MaintenanceCheck,
) -> Result<Eligible, PurchaseRefusal> {
    check(EligibilityInput {
        caller: &w.owner,
        order_customer: &w.owner,
        order_state: OrderState::Operational,
        plan_options: &[],
        vehicle: &w.vehicle,
        option: &w.option,
        offer_id: offer,
        removed: &[],
        purchases,
        maintenance,
        now: w.now,
    })
}

#[test]
fn an_owner_buys_30_days_from_now_with_the_frozen_price_and_the_14_day_window() {
    let w = world();
    let e = decide(&w, &w.month, &[], &MaintenanceCheck::NotLinked).unwrap();
    assert_eq!(e.period.starts_at, w.now);
    assert_eq!(e.period.ends_at, Some(w.now + Duration::days(30)));
    assert_eq!(e.item.price.minor, 1990);
    assert_eq!(
        e.withdrawal,
        WithdrawalTerms::FirstDaysAfterActivation { days: 14 }
    );
    assert_eq!(e.extends, None);
}

#[test]
fn buying_again_while_active_extends_from_the_current_end() {
    let w = world();
    let end = w.now + Duration::days(10);
    let active = purchase(&w, PurchaseState::Active, Some(end));
    let e = decide(
        &w,
        &w.month,
        std::slice::from_ref(&active),
        &MaintenanceCheck::NotLinked,
    )
    .unwrap();
    assert_eq!(e.period.starts_at, end);
    assert_eq!(e.period.ends_at, Some(end + Duration::days(30)));
    assert_eq!(e.extends, Some(active.id));
}

#[test]
fn a_purchase_still_being_processed_or_a_lifetime_one_refuses_another() {
    let w = world();
    let busy = purchase(
        &w,
        PurchaseState::Activating,
        Some(w.now + Duration::days(3)),
    );
    assert_eq!(
        decide(&w, &w.month, &[busy], &MaintenanceCheck::NotLinked),
        Err(PurchaseRefusal::InProgress)
    );
    let life = purchase(&w, PurchaseState::Active, None);
    assert_eq!(
        decide(&w, &w.month, &[life], &MaintenanceCheck::NotLinked),
        Err(PurchaseRefusal::AlreadyForLife)
    );
    let failed = purchase(&w, PurchaseState::FailedNotCharged, None);
    assert!(decide(&w, &w.life, &[failed], &MaintenanceCheck::NotLinked).is_ok());
}

#[test]
fn maintenance_refuses_naming_the_blocks_and_vss_down_says_try_later() {
    let w = world();
    let blocked = MaintenanceCheck::Blocked {
        blocks: vec!["battery".into()],
    };
    assert_eq!(
        decide(&w, &w.month, &[], &blocked),
        Err(PurchaseRefusal::Maintenance {
            blocks: vec!["battery".into()]
        })
    );
    assert_eq!(
        decide(&w, &w.month, &[], &MaintenanceCheck::TryLater),
        Err(PurchaseRefusal::MaintenanceUnknown)
    );
    assert!(decide(&w, &w.month, &[], &MaintenanceCheck::Pass).is_ok());
}

#[test]
fn another_customer_a_car_not_operational_or_not_reporting_the_feature_is_refused() {
    let mut w = world();
    let stranger = AccountId::new();
    let mut input = EligibilityInput {
        caller: &stranger,
        order_customer: &w.owner,
        order_state: OrderState::Operational,
        plan_options: &[],
        vehicle: &w.vehicle,
        option: &w.option,
        offer_id: &w.month,
        removed: &[],
        purchases: &[],
        maintenance: &MaintenanceCheck::NotLinked,
        now: w.now,
    };
    assert_eq!(check(input), Err(PurchaseRefusal::NotYours));
    input.caller = &w.owner;
    input.order_state = OrderState::Delivered;
    assert_eq!(check(input), Err(PurchaseRefusal::NotOperational));
    input.order_state = OrderState::Operational;
    let plan = vec!["POWER_BOOST_50".to_string()];
    input.plan_options = &plan;
    assert_eq!(check(input), Err(PurchaseRefusal::InPlan));
    input.plan_options = &[];
    input.removed = &plan;
    assert_eq!(check(input), Err(PurchaseRefusal::Removed));
    w.vehicle.last_state = None;
    assert_eq!(
        decide(&w, &w.month, &[], &MaintenanceCheck::NotLinked),
        Err(PurchaseRefusal::NotConfigurable)
    );
}

#[test]
fn subscriptions_and_inactive_offers_are_not_sold_yet() {
    let mut w = world();
    w.option.offers[0].pricing = PricingModel::Subscription;
    assert_eq!(
        decide(&w, &w.month, &[], &MaintenanceCheck::NotLinked),
        Err(PurchaseRefusal::NotOffered)
    );
    w.option.offers[1].active = false;
    assert_eq!(
        decide(&w, &w.life, &[], &MaintenanceCheck::NotLinked),
        Err(PurchaseRefusal::NotOffered)
    );
}
