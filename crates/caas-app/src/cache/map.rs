//! A bounded, sharded map for read caches whose invalidations may race with
//! their loads. Every invalidation takes a ticket from a counter and leaves a
//! tombstone with it; a load takes the counter's value *before* it reads the
//! database and is stored only if no invalidation of its key came later. So a
//! value read before a commit is never cached after that commit's
//! invalidation, whatever the interleaving.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SHARDS: usize = 32;

enum Slot<V> {
    Value(V, Instant),
    Gone(u64),
}

struct Shard<K, V> {
    map: HashMap<K, Slot<V>>,
    /// Highest ticket of a tombstone this shard has forgotten (evicted or cleared).
    floor: u64,
}

/// The ticket counter; maps sharing one can compare each other's tickets.
pub type Tickets = Arc<AtomicU64>;

/// See the module docs.
pub struct TicketMap<K, V> {
    shards: Vec<Mutex<Shard<K, V>>>,
    hasher: std::collections::hash_map::RandomState,
    tickets: Tickets,
    per_shard: usize,
    ttl: Duration,
}

impl<K: Hash + Eq + Clone, V: Clone> TicketMap<K, V> {
    /// At most about `capacity` entries, each served for at most `ttl`.
    pub fn new(tickets: Tickets, capacity: usize, ttl: Duration) -> Self {
        Self {
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        map: HashMap::new(),
                        floor: 0,
                    })
                })
                .collect(),
            hasher: Default::default(),
            tickets,
            per_shard: (capacity / SHARDS).max(1),
            ttl,
        }
    }

    fn shard(&self, k: &K) -> &Mutex<Shard<K, V>> {
        &self.shards[(self.hasher.hash_one(k) as usize) % SHARDS]
    }

    /// Take this before reading what [`TicketMap::insert`] will store.
    pub fn ticket(&self) -> u64 {
        self.tickets.load(Ordering::SeqCst)
    }

    /// The cached value, if present and fresh.
    pub fn get(&self, k: &K) -> Option<V> {
        let shard = self.shard(k).lock().ok()?;
        match shard.map.get(k) {
            Some(Slot::Value(v, at)) if at.elapsed() < self.ttl => Some(v.clone()),
            _ => None,
        }
    }

    /// Whether `k` was invalidated after `ticket` (or may have been).
    pub fn invalidated_since(&self, k: &K, ticket: u64) -> bool {
        let Ok(shard) = self.shard(k).lock() else {
            return true;
        };
        match shard.map.get(k) {
            Some(Slot::Gone(t)) => *t > ticket,
            _ => shard.floor > ticket,
        }
    }

    /// Stores `v`, read after `ticket` was taken, unless `k` was invalidated
    /// since (or `still_valid` says another key it depends on was).
    pub fn insert(&self, k: K, v: V, ticket: u64, still_valid: impl FnOnce() -> bool) {
        let Ok(mut shard) = self.shard(&k).lock() else {
            return;
        };
        let stale = match shard.map.get(&k) {
            Some(Slot::Gone(t)) => *t > ticket,
            _ => shard.floor > ticket,
        };
        if stale || !still_valid() {
            return;
        }
        if shard.map.len() >= self.per_shard && !shard.map.contains_key(&k) {
            Self::evict_one(&mut shard);
        }
        shard.map.insert(k, Slot::Value(v, Instant::now()));
    }

    fn evict_one(shard: &mut Shard<K, V>) {
        let Some(victim) = shard.map.keys().next().cloned() else {
            return;
        };
        if let Some(Slot::Gone(t)) = shard.map.remove(&victim) {
            shard.floor = shard.floor.max(t);
        }
    }

    /// Forgets `k`; loads that started before this call will not store it.
    pub fn invalidate(&self, k: &K) {
        let t = self.tickets.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(mut shard) = self.shard(k).lock() {
            if shard.map.len() >= self.per_shard && !shard.map.contains_key(k) {
                Self::evict_one(&mut shard);
            }
            shard.map.insert(k.clone(), Slot::Gone(t));
        }
    }

    /// Drops every value for which `pred` holds (tombstones are kept).
    pub fn remove_where(&self, pred: impl Fn(&V) -> bool) {
        for s in &self.shards {
            if let Ok(mut shard) = s.lock() {
                shard
                    .map
                    .retain(|_, slot| !matches!(slot, Slot::Value(v, _) if pred(v)));
            }
        }
    }

    /// Forgets everything; loads that started before this call will not store.
    pub fn clear(&self) {
        let t = self.tickets.fetch_add(1, Ordering::SeqCst) + 1;
        for s in &self.shards {
            if let Ok(mut shard) = s.lock() {
                shard.map.clear();
                shard.floor = t;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(capacity: usize) -> TicketMap<u32, &'static str> {
        TicketMap::new(Arc::default(), capacity, Duration::from_secs(60))
    }

    #[test]
    fn a_load_that_began_before_an_invalidation_is_not_stored() {
        let m = map(100);
        let t = m.ticket();
        m.invalidate(&1);
        m.insert(1, "old", t, || true);
        assert_eq!(m.get(&1), None);
        let t = m.ticket();
        m.insert(1, "new", t, || true);
        assert_eq!(m.get(&1), Some("new"));
    }

    #[test]
    fn an_invalidation_after_the_store_removes_the_value() {
        let m = map(100);
        m.insert(1, "v", m.ticket(), || true);
        m.invalidate(&1);
        assert_eq!(m.get(&1), None);
    }

    #[test]
    fn clearing_refuses_loads_that_began_before() {
        let m = map(100);
        let t = m.ticket();
        m.clear();
        m.insert(2, "old", t, || true);
        assert_eq!(m.get(&2), None);
    }

    #[test]
    fn the_map_stays_bounded_and_an_evicted_tombstone_still_refuses_old_loads() {
        let m = map(32);
        let t = m.ticket();
        for k in 0..1000 {
            m.invalidate(&k);
        }
        for k in 0..1000 {
            m.insert(k, "old", t, || true);
        }
        for k in 0..1000 {
            assert_eq!(m.get(&k), None, "key {k}");
        }
        let total: usize = m.shards.iter().map(|s| s.lock().unwrap().map.len()).sum();
        assert!(total <= 32, "{total} entries");
    }

    #[test]
    fn entries_expire_after_their_ttl() {
        let m: TicketMap<u32, u32> = TicketMap::new(Arc::default(), 100, Duration::ZERO);
        m.insert(1, 1, m.ticket(), || true);
        assert_eq!(m.get(&1), None);
    }
}
