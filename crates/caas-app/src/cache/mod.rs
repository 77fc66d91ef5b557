//! In-memory read caches, so the hot reads cost no database statement:
//! sessions and tokens with their account (every authenticated request), order
//! files (the expediente and the order API) and the catalogue (reference data
//! every sale and page needs). The store publishes an [`Invalidation`] after
//! each commit that changes what they hold — in this process at once, in
//! other processes on PostgreSQL through `NOTIFY` — and a load that raced with
//! a commit is never stored ([`map`]). Entries also expire after a TTL, as a
//! bound on what a write made outside caas could leave stale.

pub mod map;

use crate::catalogue::Catalogue;
use crate::error::{AppError, AppResult};
use caas_domain::account::Account;
use caas_domain::ids::{AccountId, OrderId};
use caas_domain::ports::{Invalidation, Store, Tx};
use caas_domain::records::OrderFile;
use caas_domain::session::Session;
use map::{TicketMap, Tickets};
use std::sync::Arc;
use std::time::Duration;

/// Sizes and lifetime of the caches.
#[derive(Debug, Clone, Copy)]
pub struct CacheSettings {
    /// How long an entry may be served; zero turns caching off.
    pub ttl: Duration,
    /// Sessions and tokens kept.
    pub sessions: usize,
    /// Order files kept.
    pub orders: usize,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(60),
            sessions: 50_000,
            orders: 50_000,
        }
    }
}

/// A session or token with its account, as resolved from a secret's hash.
pub type Login = Arc<(Account, Session)>;

/// The caches of one process.
pub struct Caches {
    enabled: bool,
    sessions: TicketMap<String, Login>,
    accounts: TicketMap<AccountId, ()>,
    orders: TicketMap<OrderId, Arc<OrderFile>>,
    catalogue: TicketMap<(), Arc<Catalogue>>,
}

impl Caches {
    /// Empty caches.
    pub fn new(s: CacheSettings) -> Self {
        let tickets: Tickets = Arc::default();
        Self {
            enabled: !s.ttl.is_zero(),
            sessions: TicketMap::new(tickets.clone(), s.sessions, s.ttl),
            accounts: TicketMap::new(tickets.clone(), s.sessions, s.ttl),
            orders: TicketMap::new(tickets.clone(), s.orders, s.ttl),
            catalogue: TicketMap::new(tickets, 1, s.ttl),
        }
    }

    /// Applies one invalidation published by the store.
    pub fn invalidate(&self, change: &Invalidation) {
        match change {
            Invalidation::Account(id) => {
                self.accounts.invalidate(id);
                self.sessions.remove_where(|l| l.0.id == *id);
            }
            Invalidation::Order(id) => self.orders.invalidate(id),
            Invalidation::Catalogue => self.catalogue.invalidate(&()),
            Invalidation::All => {
                self.accounts.clear();
                self.sessions.clear();
                self.orders.clear();
                self.catalogue.clear();
            }
        }
    }

    /// The session (any state) whose secret hashes to `hash`, with its account.
    pub async fn login(&self, store: &dyn Store, hash: &str) -> AppResult<Option<Login>> {
        let key = hash.to_owned();
        if self.enabled {
            if let Some(l) = self.sessions.get(&key) {
                return Ok(Some(l));
            }
        }
        let ticket = self.sessions.ticket();
        let found = store
            .single_read()
            .await?
            .find_session_with_account(hash)
            .await?;
        let Some(found) = found else {
            return Ok(None);
        };
        let (session, account) = found;
        let login: Login = Arc::new((account, session));
        if self.enabled {
            let account = login.0.id.clone();
            self.sessions.insert(key, login.clone(), ticket, || {
                !self.accounts.invalidated_since(&account, ticket)
            });
        }
        Ok(Some(login))
    }

    /// An order's file; with `owner`, only if it is that customer's
    /// (otherwise [`AppError::NotFound`], as for an unknown order).
    pub async fn order_file(
        &self,
        store: &dyn Store,
        owner: Option<&AccountId>,
        id: &OrderId,
    ) -> AppResult<Arc<OrderFile>> {
        let mine = |f: &OrderFile| owner.is_none_or(|o| f.order.customer_id == *o);
        if self.enabled {
            if let Some(f) = self.orders.get(id) {
                return if mine(&f) {
                    Ok(f)
                } else {
                    Err(AppError::NotFound)
                };
            }
        }
        let ticket = self.orders.ticket();
        let mut tx = store.single_read().await?;
        let file = match owner {
            Some(o) => tx.find_order_file_for_customer(o, id).await?,
            None => tx.find_order_file(id).await?,
        };
        drop(tx);
        let file = Arc::new(file.ok_or(AppError::NotFound)?);
        if self.enabled {
            self.orders
                .insert(id.clone(), file.clone(), ticket, || true);
        }
        Ok(file)
    }

    /// The catalogue, read through `tx` when not cached (so a caller holding
    /// a transaction never needs a second connection).
    pub async fn catalogue_in(&self, tx: &mut dyn Tx) -> AppResult<Arc<Catalogue>> {
        if self.enabled {
            if let Some(c) = self.catalogue.get(&()) {
                return Ok(c);
            }
        }
        let ticket = self.catalogue.ticket();
        let c = Arc::new(Catalogue {
            platforms: tx.list_platforms().await?,
            options: tx.list_options().await?,
        });
        if self.enabled {
            self.catalogue.insert((), c.clone(), ticket, || true);
        }
        Ok(c)
    }

    /// The catalogue, opening a read transaction when not cached.
    pub async fn catalogue(&self, store: &dyn Store) -> AppResult<Arc<Catalogue>> {
        if self.enabled {
            if let Some(c) = self.catalogue.get(&()) {
                return Ok(c);
            }
        }
        let mut tx = store.read().await?;
        self.catalogue_in(&mut *tx).await
    }
}
