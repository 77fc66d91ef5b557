//! What an order's timeline entry records: [`TimelineKind`], one variant per
//! fact the platform writes, so the pages that label them match
//! exhaustively and a new kind without its text does not compile. Stored and
//! sent as the same keys as before (`sale_registered`, `factory.accepted`,
//! `carrier.embarked`, `staff.delivered`…).

use crate::factory_event::FactoryEventKind;
use std::fmt;

/// A step a carrier reports about a shipment (`shipment.<step>` events).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CarrierStep {
    /// Loaded for delivery.
    Embarked,
    /// At the customer's address.
    Arrived,
    /// A delivery attempt with its outcome.
    DeliveryAttempted,
    /// The carrier phoned the customer.
    PhoneContact,
    /// On the way back to the dealership.
    ReturnedToDealership,
    /// Received back at the dealership.
    ReceivedAtDealership,
    /// A step this release has no text for (kept as the carrier named it).
    Other(String),
}

/// A delivery fact entered by dealership staff (`staff.<entry>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffStep {
    /// The factory leg left with a carrier.
    FactoryEmbarked,
    /// Loaded for home delivery.
    Embarked,
    /// Carrier at the address.
    Arrived,
    /// Handed over.
    Delivered,
    /// Attempt without handover.
    NotDelivered,
    /// Phone call, slot agreed.
    PhoneAgreed,
    /// Phone call, nobody answered.
    PhoneUnreachable,
}

impl StaffStep {
    /// Every staff step.
    pub const ALL: [StaffStep; 7] = [
        Self::FactoryEmbarked,
        Self::Embarked,
        Self::Arrived,
        Self::Delivered,
        Self::NotDelivered,
        Self::PhoneAgreed,
        Self::PhoneUnreachable,
    ];

    /// Key after `staff.` (also the entry's audit action).
    pub fn key(self) -> &'static str {
        match self {
            Self::FactoryEmbarked => "factory_embarked",
            Self::Embarked => "embarked",
            Self::Arrived => "arrived",
            Self::Delivered => "delivered",
            Self::NotDelivered => "not_delivered",
            Self::PhoneAgreed => "phone_agreed",
            Self::PhoneUnreachable => "phone_unreachable",
        }
    }
}

impl CarrierStep {
    const KNOWN: [(&'static str, CarrierStep); 6] = [
        ("embarked", Self::Embarked),
        ("arrived", Self::Arrived),
        ("delivery_attempted", Self::DeliveryAttempted),
        ("phone_contact", Self::PhoneContact),
        ("returned_to_dealership", Self::ReturnedToDealership),
        ("received_at_dealership", Self::ReceivedAtDealership),
    ];

    /// From the part of a `shipment.<step>` event type after `shipment.`.
    pub fn parse(step: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|(k, _)| *k == step)
            .map_or_else(|| Self::Other(step.to_owned()), |(_, s)| s.clone())
    }

    /// Key after `carrier.`.
    pub fn key(&self) -> &str {
        match self {
            Self::Other(s) => s,
            known => Self::KNOWN
                .iter()
                .find(|(_, s)| s == known)
                .map_or("", |(k, _)| k),
        }
    }
}

macro_rules! fixed_kinds {
    ($($variant:ident => $key:literal, $doc:literal;)*) => {
        /// The kind of an order's timeline entry.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum TimelineKind {
            $(#[doc = $doc] $variant,)*
            /// A factory milestone (`factory.<event key>`).
            Factory(FactoryEventKind),
            /// A carrier's shipment step (`carrier.<step>`).
            Carrier(CarrierStep),
            /// A delivery fact entered by staff (`staff.<entry>`).
            Staff(StaffStep),
            /// A key this release does not know (written by a newer one).
            Other(String),
        }

        impl TimelineKind {
            const FIXED: &'static [(&'static str, TimelineKind)] = &[$(($key, TimelineKind::$variant),)*];
        }
    };
}

fixed_kinds! {
    SaleRegistered => "sale_registered", "The sale was registered at the dealership.";
    SaleCancelled => "sale_cancelled", "Staff cancelled the sale.";
    SenalPaid => "senal_paid", "The reservation deposit was captured.";
    PaymentDeclined => "payment_declined", "A payment was declined.";
    FactoryOrderPlaced => "factory_order_placed", "The factory accepted the order request.";
    FactoryOrderRejected => "factory_order_rejected", "The factory refused the order request.";
    FactoryUnavailable => "factory_unavailable", "The factory could not be reached; retrying.";
    FactoryOrderResubmitted => "factory_order_resubmitted", "Staff resubmitted a corrected order.";
    DealershipReception => "dealership_reception", "The vehicle was received at the dealership.";
    FinalPaymentCaptured => "final_payment_captured", "The final payment was captured.";
    FinalPaymentSettled => "final_payment_settled", "The final payment settled.";
    FinalPaymentReminder => "final_payment_reminder", "The customer was reminded of the final payment.";
    ReservationLost => "reservation_lost", "The deadline passed: the vehicle went to stock.";
    SenalRefundRequested => "senal_refund_requested", "A refund of the deposit was requested.";
    SenalRefunded => "senal_refunded", "The deposit was refunded.";
    SenalRefundFailed => "senal_refund_failed", "The deposit refund failed.";
    Registered => "registered", "The vehicle was registered (plate issued).";
    RegistrationIssue => "registration_issue", "The registry refused the registration.";
    RegistrationResubmitted => "registration_resubmitted", "Staff resubmitted the registration.";
    DeliveryBooked => "delivery_booked", "Home delivery was booked with a carrier.";
    ReturnReceived => "return_received", "Staff received the returned vehicle.";
    CollectedAtDealership => "collected_at_dealership", "The customer collected the vehicle.";
    RedeliveryRequested => "redelivery_requested", "A new home delivery was requested.";
    HandoverCheck => "handover_check", "The plan's options were checked on the vehicle.";
    AppLinked => "app_linked", "The app was linked: the vehicle is operational.";
    AppLinkFailed => "app_link_failed", "Linking the app failed.";
    PurchaseActivating => "purchase_activating", "A bought option is being switched on.";
    PurchaseActivated => "purchase_activated", "The car confirmed a bought option; it was charged.";
    PurchaseFailed => "purchase_failed", "A bought option could not be switched on; nothing was charged.";
    PurchaseDeclined => "purchase_declined", "The card was declined for a bought option.";
    PurchaseRejected => "purchase_rejected", "A purchase was refused before payment.";
    PurchaseExpired => "purchase_expired", "A time-limited service reached its end.";
    PurchaseExpiring => "purchase_expiring", "A time-limited service ends soon (reminder).";
}

impl TimelineKind {
    /// From a stored key; unknown keys are kept as [`TimelineKind::Other`].
    pub fn parse(key: &str) -> Self {
        if let Some(k) = key.strip_prefix("factory.") {
            return Self::Factory(match FactoryEventKind::parse(&format!("order.{k}")) {
                FactoryEventKind::Unknown(_) => FactoryEventKind::Unknown(k.to_owned()),
                known => known,
            });
        }
        if let Some(k) = key.strip_prefix("carrier.") {
            return Self::Carrier(CarrierStep::parse(k));
        }
        if let Some(step) = key
            .strip_prefix("staff.")
            .and_then(|k| StaffStep::ALL.into_iter().find(|s| s.key() == k))
        {
            return Self::Staff(step);
        }
        Self::FIXED
            .iter()
            .find(|(k, _)| *k == key)
            .map_or_else(|| Self::Other(key.to_owned()), |(_, v)| v.clone())
    }

    /// The stored key.
    pub fn key(&self) -> String {
        match self {
            Self::Factory(k) => format!("factory.{}", k.key()),
            Self::Carrier(s) => format!("carrier.{}", s.key()),
            Self::Staff(s) => format!("staff.{}", s.key()),
            Self::Other(s) => s.clone(),
            fixed => Self::FIXED
                .iter()
                .find(|(_, v)| v == fixed)
                .map_or_else(String::new, |(k, _)| (*k).to_owned()),
        }
    }
}

impl fmt::Display for TimelineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

impl serde::Serialize for TimelineKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

impl<'de> serde::Deserialize<'de> for TimelineKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Ok(Self::parse(&key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixed_kind_keeps_its_key_through_parse() {
        for (key, kind) in TimelineKind::FIXED {
            assert_eq!(&TimelineKind::parse(key), kind);
            assert_eq!(kind.key(), *key);
        }
    }

    #[test]
    fn prefixed_kinds_round_trip() {
        for key in [
            "factory.accepted",
            "factory.vehicle_available",
            "carrier.embarked",
            "carrier.received_at_dealership",
            "carrier.something_new",
            "factory.something_new",
            "staff.factory_embarked",
            "staff.phone_unreachable",
        ] {
            assert_eq!(TimelineKind::parse(key).key(), key);
        }
        assert_eq!(
            TimelineKind::parse("factory.accepted"),
            TimelineKind::Factory(FactoryEventKind::Accepted)
        );
        assert_eq!(
            TimelineKind::parse("staff.delivered"),
            TimelineKind::Staff(StaffStep::Delivered)
        );
    }

    #[test]
    fn an_unknown_key_is_kept_not_lost() {
        let k = TimelineKind::parse("staff.teleported");
        assert_eq!(k, TimelineKind::Other("staff.teleported".into()));
        assert_eq!(k.key(), "staff.teleported");
    }

    #[test]
    fn the_json_form_is_the_key() {
        let k = TimelineKind::Carrier(CarrierStep::PhoneContact);
        let json = serde_json::to_string(&k).unwrap_or_default();
        assert_eq!(json, "\"carrier.phone_contact\"");
        let back: TimelineKind =
            serde_json::from_str(&json).unwrap_or(TimelineKind::Other(String::new()));
        assert_eq!(back, k);
    }
}
