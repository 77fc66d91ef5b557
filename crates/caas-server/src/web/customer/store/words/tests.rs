//! The store's words: Spanish and English dates, withdrawal terms and a
//! purchase's state as the owner reads them.

use super::*;
use caas_domain::catalogue::{Localized, PeriodLength, PricingModel};
use caas_domain::ids::{
    AccountId, BasketId, DealershipId, OfferId, OrderId, PurchaseId, VehicleId,
};
use caas_domain::money::{Currency, Money};
use caas_domain::purchase::{Period, PurchasePayment, PurchasedItem};
use chrono::TimeZone;

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, d, 10, 5, 0).unwrap()
}

fn purchase(state: PurchaseState, reason: Option<&str>) -> Purchase {
    Purchase {
        id: PurchaseId::new(),
        basket_id: BasketId::new(),
        customer_id: AccountId::new(),
        order_id: OrderId::new(),
        vehicle_id: VehicleId::new(),
        vin: "VSSZZZ5FZR6000123".into(),
        dealership_id: DealershipId::new(),
        item: PurchasedItem {
            option_code: "POWER_PLUS_50".into(),
            option_name: Localized {
                es: "Potencia +50".into(),
                en: "Power +50".into(),
            },
            offer_id: OfferId::new(),
            pricing: PricingModel::TimeLimited {
                length: PeriodLength::days(7),
            },
            price: Money::new(990, Currency::EUR).unwrap(),
            feature_code: "POWER_PLUS_50".into(),
            config: None,
        },
        period: Period {
            starts_at: day(1),
            ends_at: Some(day(8)),
        },
        extends: None,
        withdrawal: WithdrawalTerms::WhileActive,
        state,
        reason: reason.map(str::to_owned),
        payment: PurchasePayment {
            payment_method: "tok_test_ok".into(),
            intent_id: None,
            state: ServicePaymentState::Created,
            authorization_expires_at: None,
            decline_code: None,
        },
        attempts: 2,
        max_attempts: 5,
        command: None,
        query: None,
        commands: vec![],
        retry_at: None,
        confirming_failure: false,
        activated_at: None,
        history: vec![],
        version: 1,
        created_at: day(1),
        updated_at: day(1),
    }
}

#[test]
fn dates_read_as_day_month_and_year_in_each_language() {
    assert_eq!(date(&day(3), Language::Es), "3 ene 2027");
    assert_eq!(date(&day(3), Language::En), "3 Jan 2027");
    assert_eq!(date_time(&day(3), Language::Es), "3 ene 2027, 10:05 UTC");
}

#[test]
fn withdrawal_terms_name_the_rule_and_the_deadline_if_activated_now() {
    let long = WithdrawalTerms::FirstDaysAfterActivation { days: 14 };
    let es = withdrawal(&long, Some(day(15)), Language::Es);
    assert!(
        es.contains("14 días naturales siguientes a la activación"),
        "{es}"
    );
    assert!(es.contains("hasta el 15 ene 2027"), "{es}");
    let en = withdrawal(&WithdrawalTerms::WhileActive, Some(day(8)), Language::En);
    assert!(
        en.contains("at any time while it is active") && en.contains("8 Jan 2027"),
        "{en}"
    );
}

#[test]
fn a_purchase_reads_as_its_state_with_attempts_end_or_reason() {
    let (text, _) = purchase_state(&purchase(PurchaseState::Activating, None), Language::Es);
    assert_eq!(text, "Activándose (intento 2 de 5)");
    let (text, class) = purchase_state(&purchase(PurchaseState::Active, None), Language::Es);
    assert_eq!(
        (text.as_str(), class),
        ("Activa hasta 8 ene 2027", "badge-ok")
    );
    let (text, _) = purchase_state(
        &purchase(PurchaseState::FailedNotCharged, None),
        Language::Es,
    );
    assert_eq!(text, "No activada — no se ha cobrado nada");
    let refused = purchase(
        PurchaseState::Rejected,
        Some("maintenance_required:brakes,tyres"),
    );
    let (text, _) = purchase_state(&refused, Language::Es);
    assert!(
        text.starts_with("Rechazada: Potencia +50 requiere"),
        "{text}"
    );
    assert!(
        text.contains("brakes, tyres") && !text.contains("maintenance_"),
        "{text}"
    );
    let unknown = purchase(PurchaseState::Rejected, Some("something_new"));
    assert_eq!(purchase_state(&unknown, Language::En).0, "Refused");
}
