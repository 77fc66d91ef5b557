//! What the backend transaction types share: the connection a repository
//! runs on (inside a transaction or, for one-statement reads, outside one),
//! the ledger that refuses a second connection to a task already holding
//! one, and the bus that hands committed invalidations to the caches.

use caas_domain::ports::{Invalidation, InvalidationHandler, StoreError, StoreResult};
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, RwLock};

/// A pooled connection, in a transaction or not.
pub enum Conn<DB: sqlx::Database> {
    /// Inside `BEGIN … COMMIT`; dropped without commit it rolls back.
    Tx(sqlx::Transaction<'static, DB>),
    /// Autocommit: every statement on its own.
    Plain(sqlx::pool::PoolConnection<DB>),
}

impl<DB: sqlx::Database> Deref for Conn<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        match self {
            Conn::Tx(t) => t,
            Conn::Plain(c) => c,
        }
    }
}

impl<DB: sqlx::Database> DerefMut for Conn<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        match self {
            Conn::Tx(t) => &mut *t,
            Conn::Plain(c) => &mut *c,
        }
    }
}

const SHARDS: usize = 32;

/// Who holds a connection: a tokio task, or a thread running a future
/// outside any task (a runtime's `block_on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Holder {
    Task(tokio::task::Id),
    Thread(std::thread::ThreadId),
}

impl Holder {
    fn current() -> Self {
        match tokio::task::try_id() {
            Some(id) => Holder::Task(id),
            None => Holder::Thread(std::thread::current().id()),
        }
    }
}

/// Tasks that hold a connection right now. A task asking for a second one
/// gets [`StoreError::Nested`] at once instead of waiting: with every
/// connection held by tasks that wait for another, nobody would proceed.
/// Tasks are told apart by tokio's task id (futures outside a task by thread).
#[derive(Default)]
pub struct Ledger {
    shards: [Mutex<HashSet<Holder>>; SHARDS],
}

fn shard_of(id: &Holder) -> usize {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    (h.finish() as usize) % SHARDS
}

impl Ledger {
    /// Notes that the current task takes a connection; refuses a second one.
    pub fn enter(self: &Arc<Self>) -> StoreResult<Held> {
        let id = Holder::current();
        let mut set = self.shards[shard_of(&id)]
            .lock()
            .map_err(|_| StoreError::Backend("connection ledger poisoned".into()))?;
        if !set.insert(id) {
            return Err(StoreError::Nested);
        }
        Ok(Held {
            entry: Some((self.clone(), id)),
        })
    }
}

/// The ledger entry of a held connection; dropping it frees the task.
pub struct Held {
    entry: Option<(Arc<Ledger>, Holder)>,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some((ledger, id)) = self.entry.take() {
            if let Ok(mut set) = ledger.shards[shard_of(&id)].lock() {
                set.remove(&id);
            }
        }
    }
}

/// Hands invalidations to every subscriber, after the commit that made them.
#[derive(Default)]
pub struct Bus {
    handlers: RwLock<Vec<InvalidationHandler>>,
}

impl Bus {
    /// Adds a subscriber.
    pub fn subscribe(&self, handler: InvalidationHandler) {
        if let Ok(mut h) = self.handlers.write() {
            h.push(handler);
        }
    }

    /// Delivers `changes` to every subscriber.
    pub fn publish(&self, changes: &[Invalidation]) {
        if changes.is_empty() {
            return;
        }
        if let Ok(h) = self.handlers.read() {
            for change in changes {
                for f in h.iter() {
                    f(change);
                }
            }
        }
    }
}

/// The state every backend transaction carries besides its connection.
pub struct TxState {
    /// Invalidations of the writes made so far, published on commit.
    pub pending: Vec<Invalidation>,
    /// Where they go.
    pub bus: Arc<Bus>,
    /// This task's ledger entry.
    pub held: Held,
}

impl TxState {
    /// Fresh state for a connection just taken under `held`.
    pub fn new(bus: Arc<Bus>, held: Held) -> Self {
        Self {
            pending: Vec::new(),
            bus,
            held,
        }
    }

    /// Records what a write changed (once per distinct change).
    pub fn note(&mut self, change: Invalidation) {
        if !self.pending.contains(&change) {
            self.pending.push(change);
        }
    }
}

/// Maps a pool error: an acquire timeout is [`StoreError::Busy`].
pub fn map_acquire(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::PoolTimedOut => StoreError::Busy("no free database connection".into()),
        other => crate::map_err(other),
    }
}
