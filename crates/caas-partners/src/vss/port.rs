//! [`VssApi`] for [`VssClient`]: the wire bodies mapped to the domain's
//! maintenance types. Unknown block statuses are left out (a required block
//! VSS does not state then fails the gate, closed); percentages are clamped
//! to 0–100; an unknown workshop network is `None`.

use super::{VssAnswer, VssBlock, VssClient, VssCompliance, VssMaintenanceRecord, VssVisit};
use async_trait::async_trait;
use caas_domain::maintenance::{
    BlockCompliance, BlockStatus, Compliance, MaintenanceRecord, Network, Visit, VssApi, VssReply,
};
use caas_domain::partners::CallError;

fn reply<W, T>(a: VssAnswer<W>, map: impl FnOnce(W) -> T) -> VssReply<T> {
    match a {
        VssAnswer::Fresh {
            body,
            etag,
            max_age_secs,
        } => VssReply::Fresh {
            value: map(body),
            etag,
            max_age_secs,
        },
        VssAnswer::NotModified => VssReply::NotModified,
        VssAnswer::NotFound => VssReply::NotFound,
    }
}

fn block(b: VssBlock) -> Option<BlockCompliance> {
    let Some(status) = BlockStatus::parse(&b.status) else {
        tracing::warn!(block = %b.block, status = %b.status, "VSS block status unknown: left out");
        return None;
    };
    Some(BlockCompliance {
        compliance_percent: b.compliance_percent.clamp(0, 100) as u8,
        status,
        last_service_date: b.last_service_date,
        next_due_date: b.next_due_date,
        next_due_odometer_km: b.next_due_odometer_km,
        block: b.block,
    })
}

/// The domain's compliance of a wire body.
pub fn compliance(c: VssCompliance) -> Compliance {
    Compliance {
        vin: c.vin,
        evaluated_at: c.evaluated_at,
        plan_up_to_date: c.maintenance_plan_up_to_date,
        warranty_valid: c.warranty_valid,
        warranty_void_reason: c.warranty_void_reason,
        warranty_expires_on: c.warranty_expires_on,
        blocks: c.blocks.into_iter().filter_map(block).collect(),
    }
}

fn visit(v: VssVisit) -> Visit {
    let workshop = v.workshop.unwrap_or_default();
    Visit {
        date: v.date,
        workshop_name: workshop.name,
        network: Network::parse(&workshop.network),
        locality: workshop.locality,
        odometer_km: v.odometer_km,
        plan_service: v.plan_service,
        blocks: v.functional_blocks,
    }
}

/// The domain's maintenance record of a wire body.
pub fn record(r: VssMaintenanceRecord) -> MaintenanceRecord {
    MaintenanceRecord {
        vin: r.vin,
        visits: r.visits.into_iter().map(visit).collect(),
    }
}

#[async_trait]
impl VssApi for VssClient {
    async fn compliance(
        &self,
        vin: &str,
        etag: Option<&str>,
    ) -> Result<VssReply<Compliance>, CallError> {
        Ok(reply(self.get_compliance(vin, etag).await?, compliance))
    }

    async fn maintenance_record(
        &self,
        vin: &str,
        etag: Option<&str>,
    ) -> Result<VssReply<MaintenanceRecord>, CallError> {
        Ok(reply(self.get_maintenance_record(vin, etag).await?, record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_statuses_are_left_out_and_percentages_clamped() {
        let wire: VssCompliance = serde_json::from_value(serde_json::json!({
            "vin": "VSSZZZ5FZR6000123", "warranty_valid": false,
            "warranty_void_reason": "maintenance_overdue",
            "blocks": [
                {"block": "brakes", "compliance_percent": 130, "status": "ok"},
                {"block": "battery", "compliance_percent": 50, "status": "overdue"},
                {"block": "hvac", "compliance_percent": 100, "status": "pending_review"}]}))
        .unwrap();
        let c = compliance(wire);
        let blocks: Vec<_> = c
            .blocks
            .iter()
            .map(|b| (b.block.as_str(), b.compliance_percent, b.status))
            .collect();
        assert_eq!(
            blocks,
            vec![
                ("brakes", 100, BlockStatus::Ok),
                ("battery", 50, BlockStatus::Overdue)
            ]
        );
        assert!(!c.warranty_valid);
        assert_eq!(
            c.warranty_void_reason.as_deref(),
            Some("maintenance_overdue")
        );
    }
}
