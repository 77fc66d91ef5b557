//! Failure-injection knobs of the webhook sender and the "shuffle" hold-back
//! buffer that releases a resource's events in random order.

use super::OutgoingEvent;
use rand::seq::SliceRandom;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Default number of held events of one resource that triggers a release.
pub const DEFAULT_SHUFFLE_WINDOW: usize = 3;
/// Default longest hold of a shuffled event, in milliseconds.
pub const DEFAULT_SHUFFLE_MAX_HOLD_MS: u64 = 500;

/// Failure injection for a [`super::WebhookSender`]; every field defaults to
/// "no fault", so `{}` (JSON) or `WebhookFaults::default()` is a clean sender.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookFaults {
    /// Extra copies of every delivery (same `webhook-id`, re-signed).
    pub duplicates: u32,
    /// Hold back each resource's events and release them in random order.
    pub shuffle: bool,
    /// Release a resource's held events once this many are held (0 → 3).
    pub shuffle_window: usize,
    /// Release held events at the latest after this many ms (0 → 500).
    pub shuffle_max_hold_ms: u64,
    /// Event `type`s never sent (they stay listed by the API).
    pub drop_types: Vec<String>,
    /// Fraction (0.0–1.0) of events never sent, chosen at random.
    pub drop_fraction: f64,
    /// Delay before the first attempt of an event, in milliseconds.
    pub delay_ms: u64,
    /// Fraction of events that get `delay_ms` (`None` → all of them); delayed
    /// events are sent out of band, so undelayed later events overtake them.
    pub delay_fraction: Option<f64>,
}

impl WebhookFaults {
    /// Whether `event_type` must be dropped (by type or by the random fraction).
    pub fn should_drop(&self, event_type: &str) -> bool {
        self.drop_types.iter().any(|t| t == event_type)
            || (self.drop_fraction > 0.0 && rand::thread_rng().gen::<f64>() < self.drop_fraction)
    }

    /// The delay to apply to one event's first attempt, if any.
    pub fn pick_delay(&self) -> Option<Duration> {
        if self.delay_ms == 0 {
            return None;
        }
        let fraction = self.delay_fraction.unwrap_or(1.0);
        (rand::thread_rng().gen::<f64>() < fraction).then(|| Duration::from_millis(self.delay_ms))
    }

    fn window(&self) -> usize {
        if self.shuffle_window == 0 {
            DEFAULT_SHUFFLE_WINDOW
        } else {
            self.shuffle_window
        }
    }

    fn max_hold(&self) -> Duration {
        let ms = if self.shuffle_max_hold_ms == 0 {
            DEFAULT_SHUFFLE_MAX_HOLD_MS
        } else {
            self.shuffle_max_hold_ms
        };
        Duration::from_millis(ms)
    }
}

#[derive(Debug)]
struct Held {
    since: Instant,
    events: Vec<OutgoingEvent>,
}

/// Events held back per resource while `shuffle` is on.
#[derive(Debug, Default)]
pub(super) struct HoldBuffer {
    by_resource: HashMap<String, Held>,
}

impl HoldBuffer {
    /// Holds `event`; returns a shuffled batch when the resource's window is full.
    pub(super) fn hold(
        &mut self,
        event: OutgoingEvent,
        faults: &WebhookFaults,
    ) -> Vec<OutgoingEvent> {
        let resource = event.resource_id.clone();
        let held = self
            .by_resource
            .entry(resource.clone())
            .or_insert_with(|| Held {
                since: Instant::now(),
                events: Vec::new(),
            });
        held.events.push(event);
        if held.events.len() >= faults.window() {
            self.take(&resource)
        } else {
            Vec::new()
        }
    }

    /// Releases (shuffled) every resource held longer than the max hold.
    pub(super) fn expired(&mut self, faults: &WebhookFaults) -> Vec<OutgoingEvent> {
        let max = faults.max_hold();
        let due: Vec<String> = self
            .by_resource
            .iter()
            .filter(|(_, h)| h.since.elapsed() >= max)
            .map(|(r, _)| r.clone())
            .collect();
        due.iter().flat_map(|r| self.take(r)).collect()
    }

    /// Releases everything, each resource's events shuffled.
    pub(super) fn drain_all(&mut self) -> Vec<OutgoingEvent> {
        let all: Vec<String> = self.by_resource.keys().cloned().collect();
        all.iter().flat_map(|r| self.take(r)).collect()
    }

    /// Number of events currently held.
    pub(super) fn len(&self) -> usize {
        self.by_resource.values().map(|h| h.events.len()).sum()
    }

    fn take(&mut self, resource: &str) -> Vec<OutgoingEvent> {
        let mut events = self
            .by_resource
            .remove(resource)
            .map(|h| h.events)
            .unwrap_or_default();
        events.shuffle(&mut rand::thread_rng());
        events
    }
}
