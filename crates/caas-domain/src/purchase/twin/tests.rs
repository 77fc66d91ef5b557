//! Desired versus reported, one purchase history at a time.

use super::*;
use crate::catalogue::{Localized, PeriodLength, PricingModel};
use crate::ids::{AccountId, BasketId, DealershipId, OfferId, OrderId, PurchaseId, VehicleId};
use crate::money::{Currency, Money};
use crate::purchase::withdrawal::WithdrawalTerms;
use crate::purchase::{Period, PurchasePayment, PurchasedItem, ServicePaymentState};
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 3, 10, 0, 0).unwrap()
}

fn purchase(feature: &str, state: PurchaseState, ends_in_days: Option<i64>) -> Purchase {
    let at = now() - Duration::days(2);
    Purchase {
        id: PurchaseId::new(),
        basket_id: BasketId::new(),
        customer_id: AccountId::new(),
        order_id: OrderId::new(),
        vehicle_id: VehicleId::new(),
        vin: "VSSZZZ5FZR6000123".into(),
        dealership_id: DealershipId::new(),
        item: PurchasedItem {
            option_code: feature.into(),
            option_name: Localized::default(),
            offer_id: OfferId::new(),
            pricing: PricingModel::TimeLimited {
                length: PeriodLength::days(30),
            },
            price: Money::new(1990, Currency::EUR).unwrap(),
            feature_code: feature.into(),
            config: None,
        },
        period: Period {
            starts_at: at,
            ends_at: ends_in_days.map(|d| now() + Duration::days(d)),
        },
        extends: None,
        withdrawal: WithdrawalTerms::FirstDaysAfterActivation { days: 14 },
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
        version: 0,
        created_at: at,
        updated_at: at,
    }
}

fn reported(list: &[(&str, bool)]) -> Vec<FeatureState> {
    list.iter()
        .map(|(code, enabled)| FeatureState {
            code: (*code).into(),
            enabled: *enabled,
            valid_until: None,
        })
        .collect()
}

fn car() -> CarFeatures {
    CarFeatures::for_tests(&["HEAT_PUMP", "TOW_HITCH"], &["PARK_ASSIST"])
}

fn plan_of(purchases: &[Purchase], report: &[(&str, bool)]) -> Vec<(String, CorrectionAction)> {
    let twins = twin(
        &car(),
        purchases,
        &reported(report),
        now(),
        TwinGrace::default(),
    );
    corrections(&twins)
        .into_iter()
        .map(|c| (c.feature.code().to_owned(), c.action))
        .collect()
}

#[test]
fn a_feature_enabled_without_entitlement_is_disabled() {
    assert_eq!(
        plan_of(&[], &[("HEAT_PUMP", true), ("TOW_HITCH", false)]),
        vec![("HEAT_PUMP".to_string(), CorrectionAction::Disable)]
    );
    let expired = [purchase("HEAT_PUMP", PurchaseState::Expired, Some(-3))];
    assert_eq!(
        plan_of(&expired, &[("HEAT_PUMP", true)]),
        vec![("HEAT_PUMP".to_string(), CorrectionAction::Disable)]
    );
}

#[test]
fn an_entitled_feature_found_disabled_is_enabled_with_its_end() {
    let active = [purchase("TOW_HITCH", PurchaseState::Active, Some(10))];
    let twins = twin(
        &car(),
        &active,
        &reported(&[("TOW_HITCH", false)]),
        now(),
        TwinGrace::default(),
    );
    let c = corrections(&twins);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].action, CorrectionAction::Enable);
    assert_eq!(c[0].valid_until, Some(now() + Duration::days(10)));
    let life = [purchase("TOW_HITCH", PurchaseState::Active, None)];
    assert_eq!(
        desired(
            &car().option("TOW_HITCH").unwrap(),
            &life,
            now(),
            TwinGrace::default()
        ),
        Desired::Enabled {
            valid_until: None,
            config: None
        }
    );
}

#[test]
fn a_base_or_plan_feature_is_never_targeted() {
    // PARK_ASSIST is the plan's, DRIVE_MODE the plataforma base's: neither
    // has a purchase, both are reported in every state, none is corrected.
    for on in [true, false] {
        let report = [
            ("PARK_ASSIST", on),
            ("DRIVE_MODE", on),
            ("HEAT_PUMP", false),
        ];
        assert!(plan_of(&[], &report).is_empty(), "reported {on}");
    }
    let odd = [purchase("PARK_ASSIST", PurchaseState::Active, Some(10))];
    assert!(plan_of(&odd, &[("PARK_ASSIST", false)]).is_empty());
    assert!(car().option("PARK_ASSIST").is_err());
    assert!(car().option("DRIVE_MODE").is_err());
}

#[test]
fn a_feature_whose_purchase_is_in_flight_or_just_changed_is_left_alone() {
    for state in [
        PurchaseState::Requested,
        PurchaseState::Authorizing,
        PurchaseState::Activating,
        PurchaseState::RetryWait,
        PurchaseState::Deactivating,
    ] {
        let p = [purchase("HEAT_PUMP", state, Some(10))];
        assert!(plan_of(&p, &[("HEAT_PUMP", true)]).is_empty(), "{state:?}");
        assert!(plan_of(&p, &[("HEAT_PUMP", false)]).is_empty(), "{state:?}");
    }
    let mut just = purchase("HEAT_PUMP", PurchaseState::Withdrawn, Some(10));
    just.updated_at = now() - Duration::seconds(30);
    assert!(plan_of(&[just], &[("HEAT_PUMP", true)]).is_empty());
}

#[test]
fn a_time_limited_feature_within_the_expiry_grace_is_left_alone() {
    let mut p = purchase("HEAT_PUMP", PurchaseState::Active, None);
    p.period.ends_at = Some(now() + Duration::minutes(1));
    assert_eq!(
        desired(
            &car().option("HEAT_PUMP").unwrap(),
            &[p.clone()],
            now(),
            TwinGrace::default()
        ),
        Desired::Held(Hold::Expiring)
    );
    p.period.ends_at = Some(now() - Duration::hours(1));
    assert!(plan_of(&[p], &[("HEAT_PUMP", false)]).is_empty());
}

#[test]
fn a_feature_not_in_the_report_or_already_right_is_not_corrected() {
    let active = [purchase("TOW_HITCH", PurchaseState::Active, Some(10))];
    assert!(plan_of(&active, &[("TOW_HITCH", true), ("HEAT_PUMP", false)]).is_empty());
    assert!(plan_of(&active, &[]).is_empty());
}

#[test]
fn action_names_round_trip() {
    for a in [CorrectionAction::Enable, CorrectionAction::Disable] {
        assert_eq!(CorrectionAction::parse(a.as_str()), Some(a));
    }
    assert_eq!(CorrectionAction::parse("reboot"), None);
}
