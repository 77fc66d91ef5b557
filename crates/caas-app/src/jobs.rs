//! The typed jobs of caas and their dispatcher.

use crate::settings::AppSettings;
use crate::App;
use async_trait::async_trait;
use caas_domain::ids::{EmailId, JobId, NotificationId, OrderId, PaymentId, PurchaseId, VehicleId};
use caas_domain::job::{Job, NewJob};
use caas_domain::notification::Channel;
use caas_jobs::JobHandler;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Attempts of jobs that apply stored events (store work only).
const APPLY_ATTEMPTS: i32 = 10;
/// Attempts of jobs that repeat a gateway call under its idempotency key.
const PAYMENT_ATTEMPTS: i32 = 10;
/// Attempts of a reconciliation (a read of the partner's state).
const RECONCILE_ATTEMPTS: i32 = 5;
/// Attempts of a purchase step (repeats gateway calls under their keys and
/// republishes the same command; its own deadlines are new jobs).
const PURCHASE_ATTEMPTS: i32 = 20;
/// Attempts of a reminder (a later one follows anyway).
const REMINDER_ATTEMPTS: i32 = 5;

/// Every job type. Stored as `kind` plus JSON `payload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum AppJob {
    /// Deliver an outbox email.
    SendEmail {
        /// The email.
        email_id: EmailId,
    },
    /// Place (or retry placing) an order with the factory.
    PlaceFactoryOrder {
        /// The order.
        order_id: OrderId,
    },
    /// Apply the stored factory events of an order that are next in sequence.
    ApplyFactoryEvents {
        /// The order.
        order_id: OrderId,
    },
    /// Fetch the factory's events of an order to fill a gap or answer silence.
    ReconcileFactoryOrder {
        /// The order.
        order_id: OrderId,
    },
    /// Deliver a notification on one channel (SMS, push).
    DeliverNotification {
        /// The notification.
        notification_id: NotificationId,
        /// The channel.
        channel: Channel,
    },
    /// Learn the outcome of a payment whose gateway answer was lost.
    ResolvePayment {
        /// The payment.
        payment_id: PaymentId,
    },
    /// Apply stored gateway events of a payment intent.
    ApplyPaymentEvents {
        /// Gateway intent id.
        intent_id: String,
    },
    /// Remind the customer of the final payment, if still due.
    FinalPaymentReminder {
        /// The order.
        order_id: OrderId,
        /// Days left at the reminder.
        days_before: i64,
    },
    /// Lose the reservation if the final payment is still missing.
    FinalPaymentDeadline {
        /// The order.
        order_id: OrderId,
    },
    /// Register the vehicle with the registry of its country.
    RegisterVehicle {
        /// The order.
        order_id: OrderId,
    },
    /// Book the home delivery with the carrier.
    BookDelivery {
        /// The order.
        order_id: OrderId,
    },
    /// Apply stored carrier events of the order's shipment in sequence.
    ApplyCarrierEvents {
        /// The order.
        order_id: OrderId,
    },
    /// Fetch the carrier's events of the order's shipment (gap or silence).
    ReconcileShipment {
        /// The order.
        order_id: OrderId,
    },
    /// Confirm the plan options on the car by state query (DLV-11).
    HandoverCheck {
        /// The order.
        order_id: OrderId,
    },
    /// Install the customer's phone key on the car (`app.link`).
    InstallAppKey {
        /// The order.
        order_id: OrderId,
    },
    /// Refund the señal of a lost reservation (policy `refunded`).
    RefundSenal {
        /// The lost order.
        order_id: OrderId,
    },
    /// Revoke a phone key on the car (`app.unlink`).
    RevokeAppKey {
        /// The vehicle.
        vehicle_id: VehicleId,
        /// The key.
        key_id: String,
    },
    /// Move a purchase's saga on (checks, authorisation, commands, capture,
    /// void); scheduled for the next deadline, woken by replies and reports.
    AdvancePurchase {
        /// The purchase.
        purchase_id: PurchaseId,
    },
    /// Correct a car's option features to its purchases (digital twin).
    ReconcileVehicle {
        /// The vehicle.
        vehicle_id: VehicleId,
    },
    /// Ask a car for its state on support's request (OTA-10).
    QueryVehicleState {
        /// The vehicle.
        vehicle_id: VehicleId,
    },
}

impl AppJob {
    /// The key under which waiting copies of this job merge: jobs that apply
    /// "everything pending" of one order or intent need to run once however
    /// many events arrived while they waited.
    pub fn coalesce_key(&self) -> Option<String> {
        match self {
            AppJob::ApplyFactoryEvents { order_id } => {
                Some(format!("apply_factory_events:{order_id}"))
            }
            AppJob::ApplyPaymentEvents { intent_id } => {
                Some(format!("apply_payment_events:{intent_id}"))
            }
            AppJob::ApplyCarrierEvents { order_id } => {
                Some(format!("apply_carrier_events:{order_id}"))
            }
            AppJob::AdvancePurchase { purchase_id } => {
                Some(format!("advance_purchase:{purchase_id}"))
            }
            AppJob::ReconcileVehicle { vehicle_id } => {
                Some(format!("reconcile_vehicle:{vehicle_id}"))
            }
            AppJob::QueryVehicleState { vehicle_id } => {
                Some(format!("query_vehicle_state:{vehicle_id}"))
            }
            _ => None,
        }
    }

    /// The retry policy of this kind of job: attempts before it is dead (an
    /// operator can retry a dead job from `/ops/jobs`). Partner calls follow
    /// their configured limits; applying stored events and payment
    /// resolution retry longer, since they only read and write our store or
    /// repeat a call under the same idempotency key.
    pub fn max_attempts(&self, s: &AppSettings) -> i32 {
        match self {
            Self::SendEmail { .. } => s.mail_max_attempts,
            Self::PlaceFactoryOrder { .. } => s.factory_max_attempts,
            Self::ReconcileFactoryOrder { .. } | Self::ReconcileShipment { .. } => {
                RECONCILE_ATTEMPTS
            }
            Self::ApplyFactoryEvents { .. }
            | Self::ApplyPaymentEvents { .. }
            | Self::ApplyCarrierEvents { .. } => APPLY_ATTEMPTS,
            Self::DeliverNotification { .. } => s.notify_max_attempts,
            Self::ResolvePayment { .. } | Self::RefundSenal { .. } => PAYMENT_ATTEMPTS,
            Self::FinalPaymentReminder { .. } => REMINDER_ATTEMPTS,
            Self::AdvancePurchase { .. } => PURCHASE_ATTEMPTS,
            Self::FinalPaymentDeadline { .. } => APPLY_ATTEMPTS,
            Self::RegisterVehicle { .. } => s.registration_max_attempts,
            Self::BookDelivery { .. } => s.booking_max_attempts,
            Self::HandoverCheck { .. }
            | Self::InstallAppKey { .. }
            | Self::RevokeAppKey { .. }
            | Self::ReconcileVehicle { .. }
            | Self::QueryVehicleState { .. } => s.fleet_max_attempts,
        }
    }

    /// Builds the row to enqueue, due at `run_at`, with this kind's retry policy.
    pub fn to_new_job(
        &self,
        run_at: DateTime<Utc>,
        settings: &AppSettings,
    ) -> anyhow::Result<NewJob> {
        let max_attempts = self.max_attempts(settings);
        let v = serde_json::to_value(self)?;
        let kind = v
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or_default()
            .to_owned();
        let payload = v.get("payload").cloned().unwrap_or(serde_json::Value::Null);
        Ok(NewJob {
            id: JobId::new(),
            kind,
            payload,
            run_at,
            max_attempts,
            dedupe_key: self.coalesce_key(),
        })
    }

    /// Reads a stored job back.
    pub fn from_job(job: &Job) -> anyhow::Result<Self> {
        Ok(serde_json::from_value(
            serde_json::json!({"kind": job.kind, "payload": job.payload}),
        )?)
    }
}

/// Runs [`AppJob`]s against the use cases.
pub struct AppJobHandler {
    app: App,
}

impl AppJobHandler {
    /// A handler over `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

#[async_trait]
impl JobHandler for AppJobHandler {
    async fn run(&self, job: &Job) -> anyhow::Result<()> {
        match AppJob::from_job(job)? {
            AppJob::SendEmail { email_id } => {
                crate::mail::deliver::deliver_email(&self.app, &email_id).await
            }
            AppJob::PlaceFactoryOrder { order_id } => {
                crate::factory::place::place_factory_order(&self.app, job, &order_id).await
            }
            AppJob::ApplyFactoryEvents { order_id } => {
                crate::factory::apply::apply_factory_events(&self.app, &order_id).await
            }
            AppJob::ReconcileFactoryOrder { order_id } => {
                crate::factory::events::reconcile_factory_order(&self.app, &order_id).await
            }
            AppJob::DeliverNotification {
                notification_id,
                channel,
            } => {
                crate::notify::deliver::deliver_notification(
                    &self.app,
                    job,
                    &notification_id,
                    channel,
                )
                .await
            }
            AppJob::ResolvePayment { payment_id } => {
                crate::payments::senal::resolve_payment(&self.app, job, &payment_id).await
            }
            AppJob::ApplyPaymentEvents { intent_id } => {
                crate::payments::events::apply_payment_events(&self.app, &intent_id).await
            }
            AppJob::FinalPaymentReminder {
                order_id,
                days_before,
            } => crate::delivery::final_payment::remind(&self.app, &order_id, days_before).await,
            AppJob::FinalPaymentDeadline { order_id } => {
                crate::delivery::final_payment::deadline(&self.app, &order_id).await
            }
            AppJob::RegisterVehicle { order_id } => {
                crate::delivery::registration::register_vehicle(&self.app, job, &order_id).await
            }
            AppJob::BookDelivery { order_id } => {
                crate::delivery::shipping::book_delivery(&self.app, job, &order_id).await
            }
            AppJob::ApplyCarrierEvents { order_id } => {
                crate::delivery::carrier_events::apply_carrier_events(&self.app, &order_id).await
            }
            AppJob::ReconcileShipment { order_id } => {
                crate::delivery::carrier_events::reconcile_shipment(&self.app, &order_id).await
            }
            AppJob::HandoverCheck { order_id } => {
                crate::delivery::fleet_jobs::handover_check(&self.app, &order_id).await
            }
            AppJob::InstallAppKey { order_id } => {
                crate::delivery::app_link::install_app_key(&self.app, job, &order_id).await
            }
            AppJob::RefundSenal { order_id } => {
                crate::delivery::senal_refund::refund_senal(&self.app, &order_id).await
            }
            AppJob::RevokeAppKey { vehicle_id, key_id } => {
                crate::delivery::fleet_jobs::revoke_app_key(&self.app, &vehicle_id, &key_id).await
            }
            AppJob::AdvancePurchase { purchase_id } => {
                crate::purchases::saga::advance_purchase(&self.app, &purchase_id).await
            }
            AppJob::ReconcileVehicle { vehicle_id } => {
                crate::twin::reconcile::reconcile_vehicle(&self.app, &vehicle_id).await
            }
            AppJob::QueryVehicleState { vehicle_id } => {
                crate::twin::view::query_vehicle_state(&self.app, &vehicle_id).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_round_trips_through_kind_and_payload() {
        let j = AppJob::SendEmail {
            email_id: EmailId::new(),
        };
        let row = j.to_new_job(Utc::now(), &AppSettings::default()).unwrap();
        assert_eq!(row.kind, "send_email");
        let stored = Job {
            id: row.id,
            kind: row.kind,
            payload: row.payload,
            state: caas_domain::job::JobState::Queued,
            attempts: 0,
            max_attempts: 3,
            run_at: row.run_at,
            locked_until: None,
            lock_token: None,
            last_error: None,
            created_at: row.run_at,
            updated_at: row.run_at,
        };
        assert_eq!(AppJob::from_job(&stored).unwrap(), j);
    }

    #[test]
    fn the_retry_policy_comes_from_the_job_kind_and_the_settings() {
        let s = AppSettings {
            mail_max_attempts: 2,
            fleet_max_attempts: 7,
            ..Default::default()
        };
        let mail = AppJob::SendEmail {
            email_id: EmailId::new(),
        };
        let key = AppJob::InstallAppKey {
            order_id: OrderId::new(),
        };
        let pay = AppJob::ResolvePayment {
            payment_id: PaymentId::new(),
        };
        assert_eq!(mail.to_new_job(Utc::now(), &s).unwrap().max_attempts, 2);
        assert_eq!(key.to_new_job(Utc::now(), &s).unwrap().max_attempts, 7);
        assert_eq!(pay.max_attempts(&s), PAYMENT_ATTEMPTS);
    }
}
