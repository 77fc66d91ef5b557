//! What vehicles publish, made durable: the latest state report (applied
//! only with a higher `seq`) and presence of each known vehicle, waking the
//! car's purchases that wait for it and its reconciliation (digital twin); replies to a purchase's command are
//! recorded on the purchase (other replies are matched by the link itself).

use crate::App;
use async_trait::async_trait;
use caas_domain::fleet::{FleetEventSink, FleetReply, Presence, SinkError, StateReport};
use chrono::{DateTime, Utc};

/// The application's [`FleetEventSink`].
pub struct AppFleetSink {
    app: App,
}

impl AppFleetSink {
    /// A sink writing through `app`.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

/// Tries of a vehicle write that keeps meeting concurrent writers.
const WRITE_ATTEMPTS: usize = 5;

impl AppFleetSink {
    /// Applies `report` once; `false` when the vehicle changed meanwhile.
    async fn apply_report(&self, vin: &str, report: &StateReport) -> Result<bool, SinkError> {
        let now = self.app.clock.now();
        let mut tx = self.app.store.begin().await.map_err(sink_err)?;
        let Some(mut v) = tx.find_vehicle_by_vin(vin).await.map_err(sink_err)? else {
            return Ok(true);
        };
        if !v.apply_state(report.clone()) {
            return Ok(true);
        }
        v.version += 1;
        v.updated_at = now;
        if !tx.update_vehicle(&v).await.map_err(sink_err)? {
            return Ok(false);
        }
        crate::purchases::replies::wake_car_purchases_in(&mut *tx, &self.app, &v.id)
            .await
            .map_err(sink_err)?;
        if v.customer().is_some() {
            let job =
                crate::twin::reconcile_job(&v.id, now, &self.app.settings).map_err(sink_err)?;
            tx.enqueue_job(&job, now).await.map_err(sink_err)?;
        }
        tx.commit().await.map_err(sink_err)?;
        self.app.wake_jobs();
        Ok(true)
    }
}

fn sink_err(e: impl std::fmt::Display) -> SinkError {
    SinkError(e.to_string())
}

#[async_trait]
impl FleetEventSink for AppFleetSink {
    async fn state_report(&self, vin: &str, report: StateReport) -> Result<(), SinkError> {
        if report.vin != vin {
            tracing::warn!(vin, report_vin = %report.vin, "state report VIN differs from its topic; topic wins");
        }
        let mut report = report;
        report.vin = vin.to_owned();
        // Other flows write the vehicle too (the app link, a key revocation):
        // a write that finds it changed reads it again rather than losing
        // the report (the broker would not redeliver it before a reconnect).
        for _ in 0..WRITE_ATTEMPTS {
            if self.apply_report(vin, &report).await? {
                return Ok(());
            }
        }
        Err(SinkError("vehicle kept changing meanwhile".into()))
    }

    async fn presence(
        &self,
        vin: &str,
        presence: Presence,
        received_at: DateTime<Utc>,
    ) -> Result<(), SinkError> {
        let mut tx = self.app.store.begin().await.map_err(sink_err)?;
        let Some(mut v) = tx.find_vehicle_by_vin(vin).await.map_err(sink_err)? else {
            return Ok(());
        };
        let at = presence.at.unwrap_or(received_at);
        if v.presence_at.is_some_and(|p| p > at) {
            return Ok(());
        }
        let online = presence.status == "online";
        v.presence = Some(presence);
        v.presence_at = Some(at);
        v.version += 1;
        v.updated_at = received_at;
        if !tx.update_vehicle(&v).await.map_err(sink_err)? {
            return Err(SinkError("vehicle changed meanwhile".into()));
        }
        if online {
            crate::purchases::replies::wake_car_purchases_in(&mut *tx, &self.app, &v.id)
                .await
                .map_err(sink_err)?;
        }
        tx.commit().await.map_err(sink_err)?;
        Ok(())
    }

    async fn reply(&self, vin: &str, reply: FleetReply) -> Result<(), SinkError> {
        tracing::info!(vin, command_id = %reply.command_id, kind = %reply.kind, status = reply.status.as_str(), "fleet reply");
        if crate::notify::display::record_display_reply(&self.app, &reply)
            .await
            .map_err(sink_err)?
        {
            return Ok(());
        }
        crate::purchases::replies::record_purchase_reply(&self.app, vin, &reply)
            .await
            .map_err(sink_err)?;
        Ok(())
    }
}
