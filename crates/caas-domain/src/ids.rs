//! Typed, prefixed identifiers (`acc_…`, `ses_…`). Each id is a prefix plus a
//! time-ordered UUIDv7 in lower-case hex, so ids sort by creation time.

use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this type starts with.
            pub const PREFIX: &'static str = $prefix;

            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(format!("{}{}", $prefix, uuid::Uuid::now_v7().simple()))
            }

            /// Parses an id, checking its prefix and alphabet.
            pub fn parse(s: &str) -> Result<Self, DomainError> {
                let rest = s.strip_prefix($prefix).ok_or_else(|| {
                    DomainError::invalid("id", format!("expected an id starting with {}", $prefix))
                })?;
                if rest.is_empty()
                    || rest.len() > 60
                    || !rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
                {
                    return Err(DomainError::invalid("id", "malformed id"));
                }
                Ok(Self(s.to_owned()))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
    };
}

typed_id!(
    /// An account (customer or staff).
    AccountId, "acc_");
typed_id!(
    /// A dealership.
    DealershipId, "dlr_");
typed_id!(
    /// A web session or an API bearer token.
    SessionId, "ses_");
typed_id!(
    /// A single-use emailed link (activation or password reset).
    AccountTokenId, "atk_");
typed_id!(
    /// A durable job.
    JobId, "job_");
typed_id!(
    /// An email in the outbox.
    EmailId, "eml_");
typed_id!(
    /// An audit log entry.
    AuditId, "aud_");

typed_id!(
    /// A vehicle order (one per sale; its expediente).
    OrderId, "ord_");
typed_id!(
    /// A payment attempt.
    PaymentId, "pay_");
typed_id!(
    /// An issued invoice.
    InvoiceId, "inv_");
typed_id!(
    /// A refund of a captured payment.
    RefundId, "rfd_");
typed_id!(
    /// An entry of an order's timeline.
    TimelineId, "tml_");
typed_id!(
    /// A notification to a customer.
    NotificationId, "ntf_");
typed_id!(
    /// A registered Web Push subscription.
    PushSubscriptionId, "psh_");
typed_id!(
    /// An alert for staff.
    AlertId, "alr_");
typed_id!(
    /// A pricing offer of a catalogue option.
    OfferId, "off_");
typed_id!(
    /// A physical vehicle (assigned to an order or sin asignar stock).
    VehicleId, "veh_");
typed_id!(
    /// A phone-as-key public key installed on a vehicle.
    AppKeyId, "key_");
typed_id!(
    /// A purchase of one service (feature store).
    PurchaseId, "pur_");
typed_id!(
    /// Purchases confirmed together in one basket (SVC-4).
    BasketId, "bsk_");
typed_id!(
    /// A reconciliation correction sent to a car (digital twin).
    CorrectionId, "cor_");
typed_id!(
    /// An escalation in the support queue (ADM-4).
    SupportCaseId, "sup_");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_carry_their_prefix_and_parse_back() {
        let id = AccountId::new();
        assert!(id.as_str().starts_with("acc_"));
        assert_eq!(AccountId::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn an_id_of_another_type_is_rejected() {
        let id = SessionId::new();
        assert!(AccountId::parse(id.as_str()).is_err());
        assert!(AccountId::parse("acc_").is_err());
        assert!(AccountId::parse("acc_../etc").is_err());
    }

    #[test]
    fn ids_created_later_sort_later() {
        let a = JobId::new();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = JobId::new();
        assert!(a < b);
    }
}
