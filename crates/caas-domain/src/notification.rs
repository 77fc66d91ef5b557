//! Notifications: the event × channel matrix of SPEC §3.13, customer
//! preferences (only optional cells can be muted), the in-app inbox entry
//! and the per-channel delivery log.

use crate::ids::{AccountId, NotificationId, OrderId};
use crate::DomainError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A delivery channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// SMTP email.
    Email,
    /// Web Push to logged-in app installations.
    Push,
    /// In-car display (once a vehicle is linked).
    Display,
    /// SMS to the phone on file.
    Sms,
}

impl Channel {
    /// Every channel, in matrix order.
    pub const ALL: [Self; 4] = [Self::Email, Self::Push, Self::Display, Self::Sms];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Push => "push",
            Self::Display => "display",
            Self::Sms => "sms",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| DomainError::invalid("channel", format!("unknown channel {s:?}")))
    }
}

/// How a channel is used for an event (M, O, B, –).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Requirement {
    /// Mandatory: cannot be muted.
    Mandatory,
    /// Optional: on by default, the customer may mute it.
    Optional,
    /// Best effort.
    BestEffort,
    /// Not used.
    Unused,
}

impl Requirement {
    /// Matrix letter.
    pub fn letter(self) -> &'static str {
        match self {
            Self::Mandatory => "M",
            Self::Optional => "O",
            Self::BestEffort => "B",
            Self::Unused => "–",
        }
    }
}

/// A row of the notification matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Factory order placed.
    FactoryOrderPlaced,
    /// Manufacturing milestone or revised estimate.
    ManufacturingMilestone,
    /// Vehicle available in the locality (final payment due).
    VehicleAvailable,
    /// Payment confirmed (señal, final, service).
    PaymentConfirmed,
    /// Final-payment reminder (7 and 2 days before the deadline).
    FinalPaymentReminder,
    /// Reservation lost: the vehicle went back to stock.
    ReservationLost,
    /// Registration done (plate issued).
    RegistrationDone,
    /// Registration delayed: the registry refused, staff are correcting it.
    RegistrationDelayed,
    /// Home delivery scheduled, on its way or rescheduled (window).
    DeliveryScheduled,
    /// Delivery failed: collect the vehicle at the dealership.
    CollectAtDealership,
    /// App linked: the vehicle is operational.
    VehicleOperational,
    /// Staff cancelled the sale (before the señal, or after a refused
    /// factory order, with the señal being refunded).
    SaleCancelled,
    /// A refund was done (the señal of a cancelled sale or lost reservation).
    RefundDone,
    /// A bought option is being switched on (push, display).
    ActivationInProgress,
    /// The car confirmed a bought option: charged.
    ServiceActivated,
    /// Activation failed for good: not activated, not charged.
    ActivationFailed,
    /// A maintenance-linked option was refused (VSS).
    OptionRefused,
    /// A time-limited service ended.
    ServiceExpired,
    /// A time-limited service ends soon (the reminder before expiry).
    ServiceExpiring,
}

impl NotificationKind {
    /// Every row wired so far.
    pub const ALL: [Self; 19] = [
        Self::FactoryOrderPlaced,
        Self::ManufacturingMilestone,
        Self::VehicleAvailable,
        Self::PaymentConfirmed,
        Self::FinalPaymentReminder,
        Self::ReservationLost,
        Self::RegistrationDone,
        Self::RegistrationDelayed,
        Self::DeliveryScheduled,
        Self::CollectAtDealership,
        Self::VehicleOperational,
        Self::SaleCancelled,
        Self::RefundDone,
        Self::ActivationInProgress,
        Self::ServiceActivated,
        Self::ActivationFailed,
        Self::OptionRefused,
        Self::ServiceExpired,
        Self::ServiceExpiring,
    ];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FactoryOrderPlaced => "factory_order_placed",
            Self::ManufacturingMilestone => "manufacturing_milestone",
            Self::VehicleAvailable => "vehicle_available",
            Self::PaymentConfirmed => "payment_confirmed",
            Self::FinalPaymentReminder => "final_payment_reminder",
            Self::ReservationLost => "reservation_lost",
            Self::RegistrationDone => "registration_done",
            Self::RegistrationDelayed => "registration_delayed",
            Self::DeliveryScheduled => "delivery_scheduled",
            Self::CollectAtDealership => "collect_at_dealership",
            Self::VehicleOperational => "vehicle_operational",
            Self::SaleCancelled => "sale_cancelled",
            Self::RefundDone => "refund_done",
            Self::ActivationInProgress => "activation_in_progress",
            Self::ServiceActivated => "service_activated",
            Self::ActivationFailed => "activation_failed",
            Self::OptionRefused => "option_refused",
            Self::ServiceExpired => "service_expired",
            Self::ServiceExpiring => "service_expiring",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| DomainError::invalid("event", format!("unknown notification {s:?}")))
    }

    /// Category header of the providers contract.
    pub fn category(self) -> &'static str {
        match self {
            Self::FactoryOrderPlaced | Self::ManufacturingMilestone => "manufacturing_status",
            Self::VehicleAvailable | Self::FinalPaymentReminder => "payment_required",
            Self::PaymentConfirmed => "payment_confirmed",
            Self::ReservationLost => "reservation_lost",
            Self::RegistrationDone | Self::RegistrationDelayed => "registration",
            Self::DeliveryScheduled | Self::CollectAtDealership => "delivery",
            Self::VehicleOperational => "vehicle_operational",
            Self::SaleCancelled => "sale",
            Self::RefundDone => "refund",
            Self::ActivationInProgress | Self::ServiceActivated | Self::ActivationFailed => {
                "service_activation"
            }
            Self::OptionRefused => "maintenance",
            Self::ServiceExpired | Self::ServiceExpiring => "service_expiry",
        }
    }

    /// The matrix cell for `channel` (SPEC §3.13).
    pub fn requirement(self, channel: Channel) -> Requirement {
        use Requirement::*;
        let row = match self {
            Self::FactoryOrderPlaced => [Mandatory, Mandatory, Unused, Unused],
            Self::ManufacturingMilestone => [Mandatory, Mandatory, Unused, Optional],
            Self::VehicleAvailable => [Mandatory, Mandatory, Unused, Mandatory],
            Self::PaymentConfirmed => [Mandatory, Mandatory, Unused, Unused],
            Self::FinalPaymentReminder | Self::ReservationLost => {
                [Mandatory, Mandatory, Unused, Mandatory]
            }
            Self::RegistrationDone | Self::RegistrationDelayed | Self::DeliveryScheduled => {
                [Mandatory, Mandatory, Unused, Optional]
            }
            Self::CollectAtDealership => [Mandatory, Mandatory, Unused, Mandatory],
            Self::VehicleOperational => [Mandatory, Mandatory, Unused, Unused],
            // "Withdrawal or refund done" row.
            Self::SaleCancelled | Self::RefundDone => [Mandatory, Mandatory, Unused, Unused],
            Self::ActivationInProgress => [Unused, Mandatory, Mandatory, Unused],
            Self::ServiceActivated => [Mandatory, Mandatory, Mandatory, Unused],
            Self::ActivationFailed => [Mandatory, Mandatory, BestEffort, Mandatory],
            Self::OptionRefused => [Mandatory, Mandatory, Unused, Unused],
            // "Service expiring/expired" row.
            Self::ServiceExpired | Self::ServiceExpiring => [Mandatory, Mandatory, Unused, Unused],
        };
        let i = Channel::ALL.iter().position(|c| *c == channel).unwrap_or(0);
        row[i]
    }
}

/// Whether `channel` is used for `kind`, given the muted cells of the customer.
pub fn channel_enabled(
    kind: NotificationKind,
    channel: Channel,
    muted: &[(NotificationKind, Channel)],
) -> bool {
    match kind.requirement(channel) {
        Requirement::Unused => false,
        Requirement::Mandatory | Requirement::BestEffort => true,
        Requirement::Optional => !muted.contains(&(kind, channel)),
    }
}

/// An in-app notification (inbox entry) with its rendered text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Identifier, carried on every channel.
    pub id: NotificationId,
    /// Recipient.
    pub customer_id: AccountId,
    /// Order concerned.
    pub order_id: Option<OrderId>,
    /// Matrix row.
    pub kind: NotificationKind,
    /// Key that makes a retried event create nothing new.
    pub dedupe_key: String,
    /// Language of the texts.
    pub language: String,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Link inside the portal.
    pub url: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// When the customer read it.
    pub read_at: Option<DateTime<Utc>>,
}

/// State of one channel's delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its job.
    Pending,
    /// Handed to the provider.
    Sent,
    /// Receipt confirmed delivery.
    Delivered,
    /// Gave up (permanent error or retries exhausted).
    Failed,
    /// Not sent (no phone, no subscription, muted…).
    Skipped,
}

impl DeliveryState {
    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

/// One attempt or receipt in a delivery's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryLogEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// What happened.
    pub what: String,
}

/// Delivery of one notification on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Notification.
    pub notification_id: NotificationId,
    /// Channel.
    pub channel: Channel,
    /// State.
    pub state: DeliveryState,
    /// Provider id (SMS `message_id`).
    pub provider_ref: Option<String>,
    /// Attempts so far.
    pub attempts: u32,
    /// Per-attempt log.
    pub log: Vec<DeliveryLogEntry>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Delivery {
    /// Appends to the log and moves to `state`.
    pub fn record(&mut self, at: DateTime<Utc>, state: DeliveryState, what: impl Into<String>) {
        self.state = state;
        self.updated_at = at;
        self.log.push(DeliveryLogEntry {
            at,
            what: what.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_matches_the_spec_rows() {
        use Channel::*;
        let m = NotificationKind::ManufacturingMilestone;
        assert_eq!(
            [
                m.requirement(Email),
                m.requirement(Push),
                m.requirement(Display),
                m.requirement(Sms)
            ]
            .map(Requirement::letter),
            ["M", "M", "–", "O"]
        );
        let a = NotificationKind::VehicleAvailable;
        assert_eq!(a.requirement(Sms), Requirement::Mandatory);
        assert_eq!(
            NotificationKind::PaymentConfirmed.requirement(Sms),
            Requirement::Unused
        );
    }

    #[test]
    fn only_optional_cells_can_be_muted() {
        let muted = [
            (NotificationKind::ManufacturingMilestone, Channel::Sms),
            (NotificationKind::ManufacturingMilestone, Channel::Email),
        ];
        assert!(!channel_enabled(
            NotificationKind::ManufacturingMilestone,
            Channel::Sms,
            &muted
        ));
        assert!(channel_enabled(
            NotificationKind::ManufacturingMilestone,
            Channel::Email,
            &muted
        ));
        assert!(!channel_enabled(
            NotificationKind::PaymentConfirmed,
            Channel::Sms,
            &[]
        ));
    }
}
