//! The option status of the store, one purchase history at a time.

use super::*;
use crate::catalogue::{Localized, PeriodLength, PricingModel};
use crate::ids::{AccountId, BasketId, DealershipId, OfferId, OrderId, PurchaseId, VehicleId};
use crate::money::{Currency, Money};
use crate::purchase::withdrawal::WithdrawalTerms;
use crate::purchase::{Period, PurchasePayment, PurchasedItem, ServicePaymentState};
use chrono::{Duration, TimeZone};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 3, 10, 0, 0).unwrap()
}

fn purchase(option: &str, state: PurchaseState, ends_in_days: Option<i64>) -> Purchase {
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
            option_code: option.into(),
            option_name: Localized::default(),
            offer_id: OfferId::new(),
            pricing: PricingModel::TimeLimited {
                length: PeriodLength::days(30),
            },
            price: Money::new(1990, Currency::EUR).unwrap(),
            feature_code: option.into(),
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
            state: ServicePaymentState::Created,
            authorization_expires_at: None,
            decline_code: None,
        },
        attempts: 0,
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

#[test]
fn an_option_never_bought_or_only_failed_is_available() {
    assert_eq!(option_status(&[], "TOW", now()), OptionStatus::Available);
    let failed = [
        purchase("TOW", PurchaseState::FailedNotCharged, Some(28)),
        purchase("TOW", PurchaseState::PaymentDeclined, Some(28)),
        purchase("TOW", PurchaseState::Rejected, Some(28)),
    ];
    assert_eq!(
        option_status(&failed, "TOW", now()),
        OptionStatus::Available
    );
}

#[test]
fn every_pending_state_reads_as_activating() {
    for s in [
        PurchaseState::Requested,
        PurchaseState::Authorizing,
        PurchaseState::Activating,
        PurchaseState::RetryWait,
    ] {
        let ps = [purchase("TOW", s, Some(30))];
        assert_eq!(
            option_status(&ps, "TOW", now()),
            OptionStatus::Activating,
            "{s:?}"
        );
    }
}

#[test]
fn an_active_period_shows_its_end_and_a_lifetime_one_has_none() {
    let month = purchase("TOW", PurchaseState::Active, Some(28));
    let until = month.period.ends_at;
    assert_eq!(
        option_status(&[month], "TOW", now()),
        OptionStatus::Active { until }
    );
    let life = purchase("TOW", PurchaseState::Active, None);
    let ps = [purchase("TOW", PurchaseState::Active, Some(3)), life];
    assert_eq!(
        option_status(&ps, "TOW", now()),
        OptionStatus::Active { until: None }
    );
}

#[test]
fn an_active_extension_moves_the_end_and_a_pending_one_keeps_it_active() {
    let first = purchase("TOW", PurchaseState::Active, Some(5));
    let ext = purchase("TOW", PurchaseState::Active, Some(35));
    let until = ext.period.ends_at;
    let pending = purchase("TOW", PurchaseState::Authorizing, Some(65));
    let ps = [first, ext, pending];
    assert_eq!(
        option_status(&ps, "TOW", now()),
        OptionStatus::Active { until }
    );
}

#[test]
fn a_period_that_ended_or_another_option_does_not_count() {
    let ended = purchase("TOW", PurchaseState::Active, Some(-1));
    let other = purchase("AUDIO", PurchaseState::Active, Some(10));
    assert_eq!(
        option_status(&[ended, other], "TOW", now()),
        OptionStatus::Available
    );
}
