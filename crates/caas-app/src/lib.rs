//! caas use cases. Each use case opens one transaction, applies domain rules,
//! writes its audit entries and enqueues its jobs in that same transaction,
//! and commits before it returns: nothing is acknowledged before it is durable.

pub mod auth;
pub mod cache;
pub mod catalogue;
pub mod context;
pub mod dealerships;
pub mod delivery;
pub mod documents;
pub mod error;
pub mod factory;
pub mod inbound;
pub mod jobs;
pub mod mail;
pub mod maintenance;
pub mod notify;
pub mod ops;
pub mod orders;
pub mod payments;
pub mod purchases;
pub mod refusal;
pub mod sales;
pub mod secrets;
pub mod settings;
pub mod support;
pub mod twin;

use caas_domain::clock::Clock;
use caas_domain::ports::{MailSender, Store};
use std::sync::Arc;
use tokio::sync::Notify;

pub use context::RequestContext;
pub use error::AppError;
pub use settings::AppSettings;

/// Everything a use case needs: the ports and the settings.
#[derive(Clone)]
pub struct App {
    /// Database.
    pub store: Arc<dyn Store>,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Settings.
    pub settings: Arc<AppSettings>,
    /// SMTP delivery; `None` keeps mail in the outbox (embedded default).
    pub mailer: Option<Arc<dyn MailSender>>,
    /// Wakes the job workers after a commit that enqueued jobs.
    pub job_waker: Arc<Notify>,
    /// Partner systems (factory, payments, SMS, push); `None` = not configured.
    pub partners: Partners,
    /// Read caches, invalidated by the store after every commit.
    pub caches: Arc<cache::Caches>,
    /// Password hashing with bounded threads and queue.
    pub hasher: Arc<auth::hashing::Hashing>,
    /// The writer that stores webhook events in batches.
    pub ingest: inbound::Ingest,
}

/// Clients of the partner systems, behind their ports.
#[derive(Clone, Default)]
pub struct Partners {
    /// Factory orders API.
    pub factory: Option<Arc<dyn caas_domain::partners::FactoryApi>>,
    /// Card payment gateway.
    pub payments: Option<Arc<dyn caas_domain::partners::PaymentGateway>>,
    /// SMS provider.
    pub sms: Option<Arc<dyn caas_domain::partners::SmsApi>>,
    /// Web Push sender.
    pub push: Option<Arc<dyn caas_domain::partners::PushApi>>,
    /// Registration services by country (`ES`, `PT`, …).
    pub registries: std::collections::BTreeMap<
        String,
        Arc<dyn caas_domain::partners_delivery::RegistrationApi>,
    >,
    /// The carrier.
    pub transport: Option<Arc<dyn caas_domain::partners_delivery::TransportApi>>,
    /// The fleet link (MQTT).
    pub fleet: Option<Arc<dyn caas_domain::fleet::FleetApi>>,
    /// The workshop network's Vehicle Service System (read-only).
    pub vss: Option<Arc<dyn caas_domain::maintenance::VssApi>>,
    /// When VSS may be asked again (`Retry-After`, remembered 404s).
    pub vss_memory: Arc<maintenance::VssMemory>,
}

impl App {
    /// The use-case context over `store`: caches subscribed to its
    /// invalidations, the hashing threads and the event writer started (on
    /// the current tokio runtime), no partners.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: AppSettings,
        mailer: Option<Arc<dyn MailSender>>,
    ) -> Self {
        let caches = Arc::new(cache::Caches::new(settings.cache));
        let subscriber = caches.clone();
        store.subscribe(Arc::new(move |change| subscriber.invalidate(change)));
        let hasher = Arc::new(auth::hashing::Hashing::new(
            settings.hash_workers,
            settings.hash_queue,
        ));
        let job_waker = Arc::new(Notify::new());
        let ingest = inbound::Ingest::start(store.clone(), job_waker.clone());
        Self {
            store,
            clock,
            settings: Arc::new(settings),
            mailer,
            job_waker,
            partners: Partners::default(),
            caches,
            hasher,
            ingest,
        }
    }

    /// The same context over another store of the same database (a sibling
    /// with its own connections), whose invalidations reach the same caches.
    pub fn with_store(&self, store: Arc<dyn Store>) -> Self {
        let subscriber = self.caches.clone();
        store.subscribe(Arc::new(move |change| subscriber.invalidate(change)));
        Self {
            store,
            ..self.clone()
        }
    }

    /// Tells idle job workers that new jobs are due.
    pub fn wake_jobs(&self) {
        self.job_waker.notify_waiters();
        self.job_waker.notify_one();
    }
}
