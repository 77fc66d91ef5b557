//! The faults of the purchase volume test: one drawn per basket from the
//! car's seeded generator (every error code of the IoT contract, a hardware
//! fault, offline in each mode, lost, slow, duplicate and reordered replies,
//! a gateway outage) and the cards (declines, a swallowed gateway answer).

use super::sim_post;
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::Arc;
use std::time::Duration;

/// Every car's normal reply delay (the harness's 1.5 s is for app links).
pub const REPLY_MS: u64 = 300;

/// What one basket is exposed to; undone once it settled.
#[derive(Debug, Clone)]
pub enum Fault {
    None,
    Reject(&'static str),
    Hardware,
    Offline(&'static str, u64),
    DropReplies,
    Slow,
    Duplicates,
    Reordered,
    GatewayOutage,
}

pub fn draw_fault(rng: &mut StdRng) -> Fault {
    const CODES: [&str; 5] = [
        "vehicle_busy",
        "low_battery",
        "incompatible_state",
        "feature_not_installed",
        "invalid_command",
    ];
    match rng.gen_range(0..20) {
        0..=5 => Fault::None,
        6..=8 => Fault::Reject(CODES[rng.gen_range(0..CODES.len())]),
        9 => Fault::Hardware,
        10 => Fault::Offline("silent", rng.gen_range(2..8)),
        11 => Fault::Offline("drop", rng.gen_range(2..8)),
        12 => Fault::Offline("clean", rng.gen_range(2..8)),
        13 => Fault::DropReplies,
        14 => Fault::Slow,
        15 | 16 => Fault::Duplicates,
        17 | 18 => Fault::Reordered,
        _ => Fault::GatewayOutage,
    }
}

pub fn draw_card(rng: &mut StdRng) -> &'static str {
    match rng.gen_range(0..20) {
        0 => "tok_test_decline_insufficient_funds",
        1 => "tok_test_decline_expired",
        2 | 3 => "tok_test_timeout_once",
        _ => "tok_test_ok",
    }
}

pub struct Shared {
    pub fleet: String,
    pub payments: String,
    pub base: String,
    pub store: Arc<dyn caas_domain::ports::Store>,
    pub offers: Vec<(String, String)>,
    pub confirmed: AtomicUsize,
    pub finished: AtomicBool,
}

pub async fn apply(s: &Shared, vin: &str, f: &Fault) {
    let faults = format!("/_sim/vehicles/{vin}/faults");
    match f {
        Fault::None => {}
        Fault::Reject(code) => {
            let body =
                json!({"reject_next": [{"code": code, "count": 1, "types": ["feature.enable"]}]});
            sim_post(&s.fleet, &faults, body).await;
        }
        Fault::Hardware => sim_post(&s.fleet, &faults, json!({"fail_next": 1})).await,
        Fault::Offline(mode, secs) => {
            let path = format!("/_sim/vehicles/{vin}/offline");
            sim_post(&s.fleet, &path, json!({"mode": mode})).await;
            let (fleet, online) = (s.fleet.clone(), format!("/_sim/vehicles/{vin}/online"));
            let secs = *secs;
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(secs)).await;
                sim_post(&fleet, &online, json!({})).await;
            });
        }
        Fault::DropReplies => sim_post(&s.fleet, &faults, json!({"drop_replies_next": 1})).await,
        Fault::Slow => sim_post(&s.fleet, &faults, json!({"final_delay_ms": 4000})).await,
        Fault::Duplicates => sim_post(&s.fleet, &faults, json!({"duplicate_replies": true})).await,
        Fault::Reordered => sim_post(&s.fleet, &faults, json!({"reorder_replies": true})).await,
        Fault::GatewayOutage => {
            let body = json!({"unavailable_for_next_requests": 2, "retry_after_secs": 1});
            sim_post(&s.payments, "/_sim/scenario", body).await;
        }
    }
}

pub async fn normal(s: &Shared, vin: &str) {
    let body = json!({"final_delay_ms": REPLY_MS, "duplicate_replies": false, "reorder_replies": false,
        "reject_next": [], "fail_next": 0, "drop_replies_next": 0});
    sim_post(&s.fleet, &format!("/_sim/vehicles/{vin}/faults"), body).await;
}
