//! A physical vehicle, from its reception at the dealership on: assigned to
//! an order's customer or *sin asignar* stock (SPEC §4.1 invariants, PAY-5,
//! SALE-6, ADM-3), with its plate, installed phone keys and the latest
//! state the car reported over the fleet link.

use crate::fleet::{Presence, StateReport};
use crate::ids::{AccountId, DealershipId, OrderId, VehicleId};
use crate::DomainError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Who the vehicle belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Assignment {
    /// To the customer of an order.
    Assigned {
        /// The order.
        order_id: OrderId,
        /// Its customer.
        customer_id: AccountId,
    },
    /// Stock for immediate sale: no customer.
    SinAsignar,
}

/// One line of the vehicle's history (kept across owners).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VehicleHistoryEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Stable key (`received`, `reservation_lost`, `sold_from_stock`, …).
    pub event: String,
    /// Order concerned.
    pub order_id: Option<OrderId>,
    /// Free text for staff.
    pub detail: String,
}

/// A phone-as-key public key the platform asked the car to hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledKey {
    /// Key id (`key_…`).
    pub key_id: String,
    /// Label shown to the owner.
    pub label: String,
    /// Owner account.
    pub customer_id: AccountId,
    /// Standard base64 of the DER SubjectPublicKeyInfo.
    pub public_key: String,
    /// Confirmed by the car.
    pub installed_at: Option<DateTime<Utc>>,
    /// Revocation requested at.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A vehicle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vehicle {
    /// Identifier.
    pub id: VehicleId,
    /// VIN.
    pub vin: String,
    /// Plataforma base code.
    pub platform_code: String,
    /// Options built in (plan comercial of the first sale).
    pub option_codes: Vec<String>,
    /// Dealership holding it.
    pub dealership_id: DealershipId,
    /// Assigned or stock.
    pub assignment: Assignment,
    /// Factory completion day, when known.
    pub completed_on: Option<NaiveDate>,
    /// Earliest moment it can leave (factory `available_from`).
    pub available_from: Option<DateTime<Utc>>,
    /// Plate once registered.
    pub plate_number: Option<String>,
    /// Phone keys.
    pub keys: Vec<InstalledKey>,
    /// Latest applied state report.
    pub last_state: Option<StateReport>,
    /// Latest presence.
    pub presence: Option<Presence>,
    /// When the presence was received.
    pub presence_at: Option<DateTime<Utc>>,
    /// History.
    pub history: Vec<VehicleHistoryEntry>,
    /// Optimistic concurrency counter.
    pub version: i64,
    /// Created (reception).
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Vehicle {
    /// Customer of the vehicle, if assigned.
    pub fn customer(&self) -> Option<&AccountId> {
        match &self.assignment {
            Assignment::Assigned { customer_id, .. } => Some(customer_id),
            Assignment::SinAsignar => None,
        }
    }

    /// Whether it is stock.
    pub fn is_stock(&self) -> bool {
        self.assignment == Assignment::SinAsignar
    }

    /// Keys installed (or being installed) and not revoked.
    pub fn live_keys(&self) -> impl Iterator<Item = &InstalledKey> {
        self.keys.iter().filter(|k| k.revoked_at.is_none())
    }

    /// PAY-5 / MOB-6: back to stock; every key is marked for revocation.
    /// Returns the key ids the car must be told to unlink.
    pub fn release(
        &mut self,
        order_id: &OrderId,
        now: DateTime<Utc>,
        why: &str,
    ) -> Result<Vec<String>, DomainError> {
        match &self.assignment {
            Assignment::Assigned { order_id: o, .. } if o == order_id => {}
            _ => {
                return Err(DomainError::Transition(format!(
                    "vehicle {} is not assigned to {order_id}",
                    self.vin
                )))
            }
        }
        self.assignment = Assignment::SinAsignar;
        let mut revoke = Vec::new();
        for k in self.keys.iter_mut().filter(|k| k.revoked_at.is_none()) {
            k.revoked_at = Some(now);
            revoke.push(k.key_id.clone());
        }
        self.history.push(VehicleHistoryEntry {
            at: now,
            event: "reservation_lost".into(),
            order_id: Some(order_id.clone()),
            detail: why.to_owned(),
        });
        Ok(revoke)
    }

    /// SALE-6: assigns stock to a new order.
    pub fn assign_from_stock(
        &mut self,
        order_id: OrderId,
        customer_id: AccountId,
        now: DateTime<Utc>,
    ) -> Result<(), DomainError> {
        if !self.is_stock() {
            return Err(DomainError::Transition(format!(
                "vehicle {} is not in stock",
                self.vin
            )));
        }
        self.history.push(VehicleHistoryEntry {
            at: now,
            event: "sold_from_stock".into(),
            order_id: Some(order_id.clone()),
            detail: String::new(),
        });
        self.assignment = Assignment::Assigned {
            order_id,
            customer_id,
        };
        Ok(())
    }

    /// Applies a state report only when its `seq` is higher than the last
    /// one applied (iot-api: discard `seq` ≤ last). Returns whether applied.
    pub fn apply_state(&mut self, report: StateReport) -> bool {
        if let Some(last) = &self.last_state {
            if report.seq <= last.seq {
                return false;
            }
        }
        self.last_state = Some(report);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Vehicle {
        Vehicle {
            id: VehicleId::new(),
            vin: "VSSZZZ5FZR6000123".into(),
            platform_code: "SUV-E-26".into(),
            option_codes: vec![],
            dealership_id: DealershipId::new(),
            assignment: Assignment::Assigned {
                order_id: OrderId::new(),
                customer_id: AccountId::new(),
            },
            completed_on: None,
            available_from: None,
            plate_number: None,
            keys: vec![],
            last_state: None,
            presence: None,
            presence_at: None,
            history: vec![],
            version: 0,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn report(seq: i64) -> StateReport {
        serde_json::from_value(serde_json::json!({
            "vin": "VSSZZZ5FZR6000123", "seq": seq, "reported_at": "2026-06-01T10:00:03Z"
        }))
        .unwrap()
    }

    #[test]
    fn releasing_leaves_no_customer_and_revokes_every_key() {
        let mut v = v();
        let Assignment::Assigned {
            order_id,
            customer_id,
        } = v.assignment.clone()
        else {
            unreachable!()
        };
        v.keys.push(InstalledKey {
            key_id: "key_1".into(),
            label: "phone".into(),
            customer_id,
            public_key: "AA==".into(),
            installed_at: Some(Utc::now()),
            revoked_at: None,
        });
        let revoke = v.release(&order_id, Utc::now(), "deadline").unwrap();
        assert_eq!(revoke, vec!["key_1".to_string()]);
        assert!(v.customer().is_none());
        assert_eq!(v.live_keys().count(), 0);
        assert!(v.release(&order_id, Utc::now(), "again").is_err());
    }

    #[test]
    fn only_stock_can_be_sold_from_stock() {
        let mut v = v();
        assert!(v
            .assign_from_stock(OrderId::new(), AccountId::new(), Utc::now())
            .is_err());
        v.assignment = Assignment::SinAsignar;
        v.assign_from_stock(OrderId::new(), AccountId::new(), Utc::now())
            .unwrap();
        assert!(!v.is_stock());
    }

    #[test]
    fn state_reports_apply_only_with_a_higher_seq() {
        let mut v = v();
        assert!(v.apply_state(report(5)));
        assert!(!v.apply_state(report(5)));
        assert!(!v.apply_state(report(4)));
        assert!(v.apply_state(report(6)));
        assert_eq!(v.last_state.as_ref().map(|s| s.seq), Some(6));
    }
}
