//! Maintenance status from VSS (MNT-1, MNT-7, EXP-2, EXP-4): the two VSS
//! answers of a VIN through the durable cache of [`endpoint`], joined into
//! the domain's [`MaintenanceView`] — current, a stale copy with its
//! retrieval time while VSS is down, no data (404), or unreachable — which
//! the expediente shows and the option gate
//! ([`caas_domain::maintenance::maintenance_gate`]) judges. Compliance
//! decides: without it the view is unreachable (or no data); a visit
//! history that cannot be had leaves the visits empty and the view stale.

pub mod endpoint;
pub mod memory;

pub use memory::VssMemory;

use crate::error::AppResult;
use crate::orders::expediente::Expediente;
use crate::App;
use caas_domain::maintenance::{MaintenanceStatus, MaintenanceView};
use caas_domain::ports::{VssCacheEntry, VssEndpoint};
use endpoint::{read, Got};

fn take(cached: &mut Vec<VssCacheEntry>, endpoint: VssEndpoint) -> Option<VssCacheEntry> {
    let i = cached.iter().position(|e| e.endpoint == endpoint)?;
    Some(cached.swap_remove(i))
}

/// What the platform knows of `vin`'s maintenance now (VSS not configured
/// reads as unreachable). Reads the cache in one statement, asks VSS only
/// for what is older than its `max-age`, and writes new answers afterwards.
#[tracing::instrument(skip_all, fields(vin = %vin))]
pub async fn maintenance_view(app: &App, vin: &str) -> AppResult<MaintenanceView> {
    let Some(api) = app.partners.vss.clone() else {
        return Ok(MaintenanceView::Unreachable);
    };
    // One reader per VIN asks; the others then find its answer in the cache.
    let _flight = app.partners.vss_memory.flight(vin).await;
    let mut cached = {
        let mut tx = app.store.single_read().await?;
        tx.list_vss_cache(vin).await?
    };
    let c = take(&mut cached, VssEndpoint::Compliance);
    let compliance = read(app, vin, VssEndpoint::Compliance, c, |etag| {
        let (api, vin) = (api.clone(), vin.to_owned());
        async move { api.compliance(&vin, etag.as_deref()).await }
    })
    .await;
    let (compliance, c_at, mut stale) = match compliance {
        Got::Current(v, at) => (v, at, false),
        Got::Stale(v, at) => (v, at, true),
        Got::NotFound => return Ok(MaintenanceView::NoData),
        Got::Unreachable => return Ok(MaintenanceView::Unreachable),
    };
    let r = take(&mut cached, VssEndpoint::MaintenanceRecord);
    let record = read(app, vin, VssEndpoint::MaintenanceRecord, r, |etag| {
        let (api, vin) = (api.clone(), vin.to_owned());
        async move { api.maintenance_record(&vin, etag.as_deref()).await }
    })
    .await;
    let (visits, at) = match record {
        Got::Current(r, at) => (r.visits, at.min(c_at)),
        Got::Stale(r, at) => {
            stale = true;
            (r.visits, at.min(c_at))
        }
        Got::NotFound => (Vec::new(), c_at),
        Got::Unreachable => {
            stale = true;
            (Vec::new(), c_at)
        }
    };
    let status = MaintenanceStatus::from_parts(compliance, visits, at);
    Ok(if stale {
        MaintenanceView::Stale(status)
    } else {
        MaintenanceView::Current(status)
    })
}

/// The maintenance section of an expediente (the caller already scoped it
/// to its owner): `None` until the car has a VIN.
pub async fn order_maintenance(app: &App, x: &Expediente) -> AppResult<Option<MaintenanceView>> {
    match x.order.factory.vin.as_deref().filter(|v| !v.is_empty()) {
        Some(vin) => Ok(Some(maintenance_view(app, vin).await?)),
        None => Ok(None),
    }
}
