//! Repository ports of the sale-to-factory flow: catalogue, customer
//! profiles, orders, payments, invoices, timeline, inbound webhooks,
//! notifications and staff alerts. Customer reads take the owner.

use crate::catalogue::{CatalogueOption, Platform};
use crate::customer::CustomerProfile;
use crate::ids::{
    AccountId, AlertId, DealershipId, InvoiceId, NotificationId, OrderId, PaymentId,
    PushSubscriptionId,
};
use crate::notification::{Channel, Delivery, Notification, NotificationKind};
use crate::order::Order;
use crate::payment::Payment;
use crate::ports::StoreResult;
use crate::records::{
    EstimateRevision, InboundEvent, InboundState, Invoice, OrderFile, PushSubscription, Refund,
    StaffAlert, TimelineEntry,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Plataformas base and options.
#[async_trait]
pub trait CatalogueRepo {
    /// Inserts or replaces a platform.
    async fn upsert_platform(&mut self, p: &Platform) -> StoreResult<()>;
    /// All platforms by code.
    async fn list_platforms(&mut self) -> StoreResult<Vec<Platform>>;
    /// Inserts or replaces an option.
    async fn upsert_option(&mut self, o: &CatalogueOption) -> StoreResult<()>;
    /// All options by code.
    async fn list_options(&mut self) -> StoreResult<Vec<CatalogueOption>>;
    /// One option, locked until the transaction ends (PostgreSQL `FOR
    /// UPDATE`; SQLite has one writer), so two staff edits of the same
    /// option apply one after the other instead of the later undoing the
    /// earlier.
    async fn find_option_for_update(&mut self, code: &str) -> StoreResult<Option<CatalogueOption>>;
}

/// Customer identity beyond the account; dealership edits.
#[async_trait]
pub trait CustomerRepo {
    /// Inserts or replaces the profile of `p.account_id`.
    async fn upsert_customer_profile(&mut self, p: &CustomerProfile) -> StoreResult<()>;
    /// The profile of a customer.
    async fn find_customer_profile(
        &mut self,
        owner: &AccountId,
    ) -> StoreResult<Option<CustomerProfile>>;
    /// Writes address and opening hours of a dealership.
    async fn update_dealership_details(
        &mut self,
        id: &DealershipId,
        address: &str,
        opening_hours: &str,
    ) -> StoreResult<()>;
}

/// Vehicle orders.
#[async_trait]
pub trait OrderRepo {
    /// Inserts (version 0).
    async fn insert_order(&mut self, o: &Order) -> StoreResult<()>;
    /// Writes `o` if the stored version is `o.version - 1`; false if someone else wrote first.
    async fn update_order(&mut self, o: &Order) -> StoreResult<bool>;
    /// By id, for staff and system work (callers check the dealership).
    async fn find_order(&mut self, id: &OrderId) -> StoreResult<Option<Order>>;
    /// One order of `owner`; another customer's order is `None`.
    async fn find_order_for_customer(
        &mut self,
        owner: &AccountId,
        id: &OrderId,
    ) -> StoreResult<Option<Order>>;
    /// An order with its timeline, estimates, payments and invoices, read in
    /// one statement, for staff and system work (callers check the dealership).
    async fn find_order_file(&mut self, id: &OrderId) -> StoreResult<Option<OrderFile>>;
    /// The same for one order of `owner`; another customer's order is `None`.
    async fn find_order_file_for_customer(
        &mut self,
        owner: &AccountId,
        id: &OrderId,
    ) -> StoreResult<Option<OrderFile>>;
    /// Orders of `owner`, newest first.
    async fn list_orders_for_customer(&mut self, owner: &AccountId) -> StoreResult<Vec<Order>>;
    /// Orders of a dealership (or all), newest first.
    async fn list_orders(
        &mut self,
        dealership: Option<&DealershipId>,
        limit: i64,
    ) -> StoreResult<Vec<Order>>;
    /// Orders at the factory whose last factory contact is older than `before`.
    async fn list_silent_orders(&mut self, before: DateTime<Utc>) -> StoreResult<Vec<Order>>;
}

/// Payments and invoices.
#[async_trait]
pub trait PaymentRepo {
    /// Inserts; a second live señal of an order or a reused key is a conflict.
    /// The amount, currency and the order's dealership are stored as columns
    /// too (the database checks them; finance reads them without JSON).
    async fn insert_payment(&mut self, p: &Payment) -> StoreResult<()>;
    /// Writes every mutable field if the stored version is `p.version - 1`;
    /// `false` (nothing written) when another writer got there first.
    async fn update_payment(&mut self, p: &Payment) -> StoreResult<bool>;
    /// By id, locked against other writers until the transaction ends
    /// (PostgreSQL `FOR UPDATE`; SQLite's one writer excludes them anyway).
    async fn find_payment_for_update(&mut self, id: &PaymentId) -> StoreResult<Option<Payment>>;
    /// By id.
    async fn find_payment(&mut self, id: &PaymentId) -> StoreResult<Option<Payment>>;
    /// By idempotency key.
    async fn find_payment_by_key(&mut self, key: &str) -> StoreResult<Option<Payment>>;
    /// By gateway intent.
    async fn find_payment_by_intent(&mut self, intent: &str) -> StoreResult<Option<Payment>>;
    /// Payments of an order, oldest first.
    async fn list_payments_for_order(&mut self, order: &OrderId) -> StoreResult<Vec<Payment>>;
    /// Next value of a named counter (invoice numbering), starting at 1.
    async fn next_counter(&mut self, name: &str) -> StoreResult<i64>;
    /// Stores an invoice with its PDF.
    async fn insert_invoice(&mut self, i: &Invoice, pdf: &[u8]) -> StoreResult<()>;
    /// Invoices of an order.
    async fn list_invoices_for_order(&mut self, order: &OrderId) -> StoreResult<Vec<Invoice>>;
    /// An invoice PDF of `owner`.
    async fn find_invoice_pdf_for_customer(
        &mut self,
        owner: &AccountId,
        id: &InvoiceId,
    ) -> StoreResult<Option<(Invoice, Vec<u8>)>>;
    /// An invoice PDF (staff; callers check the dealership).
    async fn find_invoice_pdf(&mut self, id: &InvoiceId)
        -> StoreResult<Option<(Invoice, Vec<u8>)>>;
}

/// Refunds of captured payments, tied to them in the schema.
#[async_trait]
pub trait RefundRepo {
    /// Records a refund of its payment, taking the order, customer,
    /// dealership and currency from the payment row. A conflict when the
    /// payment is not captured, the amount's currency differs, the amount
    /// exceeds what is captured and not yet refunded (failed refunds give
    /// theirs back), or the idempotency key was used.
    async fn insert_refund(&mut self, r: &Refund) -> StoreResult<()>;
    /// Writes state, gateway id and failure if the stored version is
    /// `r.version - 1`; `false` when another writer got there first.
    async fn update_refund(&mut self, r: &Refund) -> StoreResult<bool>;
    /// By idempotency key.
    async fn find_refund_by_key(&mut self, key: &str) -> StoreResult<Option<Refund>>;
    /// Refunds of an order, oldest first.
    async fn list_refunds_for_order(&mut self, order: &OrderId) -> StoreResult<Vec<Refund>>;
}

/// Timeline, estimate history and staff alerts.
#[async_trait]
pub trait TimelineRepo {
    /// Appends unless an entry with the same dedupe key exists; true if appended.
    async fn append_timeline(&mut self, e: &TimelineEntry) -> StoreResult<bool>;
    /// Appends every entry whose dedupe key is new, in as few statements as
    /// the engine allows; returns how many were appended.
    async fn append_timeline_batch(&mut self, entries: &[TimelineEntry]) -> StoreResult<u64>;
    /// Entries of an order, oldest first.
    async fn list_timeline(&mut self, order: &OrderId) -> StoreResult<Vec<TimelineEntry>>;
    /// Records a revision unless its source was recorded; true if new.
    async fn insert_estimate_revision(&mut self, r: &EstimateRevision) -> StoreResult<bool>;
    /// Records every revision whose source is new, in as few statements as
    /// the engine allows; returns how many were recorded.
    async fn insert_estimate_revisions(&mut self, rs: &[EstimateRevision]) -> StoreResult<u64>;
    /// Revisions of an order, oldest first.
    async fn list_estimate_revisions(
        &mut self,
        order: &OrderId,
    ) -> StoreResult<Vec<EstimateRevision>>;
    /// Raises an alert unless one with the same dedupe key exists; true if new.
    async fn insert_alert(&mut self, a: &StaffAlert) -> StoreResult<bool>;
    /// Alerts of a dealership (or all), open first, newest first.
    async fn list_alerts(
        &mut self,
        dealership: Option<&DealershipId>,
        limit: i64,
    ) -> StoreResult<Vec<StaffAlert>>;
    /// Marks an alert resolved.
    async fn resolve_alert(
        &mut self,
        id: &AlertId,
        by: &AccountId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}

/// Webhook events stored before they are acknowledged.
#[async_trait]
pub trait InboundRepo {
    /// Stores unless `(source, event_id)` was seen; true if new.
    async fn insert_inbound(&mut self, e: &InboundEvent) -> StoreResult<bool>;
    /// Inserts every event not stored yet, in as few statements as the
    /// engine allows; says for each whether it was new (a repeat of an
    /// earlier one in the same batch is not).
    async fn insert_inbound_batch(&mut self, rows: &[InboundEvent]) -> StoreResult<Vec<bool>>;
    /// Pending events of a source about a resource or a reference, by sequence.
    async fn list_pending_inbound(
        &mut self,
        source: &str,
        resource: Option<&str>,
        reference: Option<&str>,
    ) -> StoreResult<Vec<InboundEvent>>;
    /// Sets the processing state.
    async fn set_inbound_state(
        &mut self,
        source: &str,
        event_id: &str,
        state: InboundState,
    ) -> StoreResult<()>;
    /// Sets the processing state of several events of one source at once,
    /// among those about `resource` or `reference` (the scope they were
    /// listed by: it keeps the statement index-served even before the
    /// engine has statistics of the table).
    async fn set_inbound_states(
        &mut self,
        source: &str,
        about: (Option<&str>, Option<&str>),
        event_ids: &[String],
        state: InboundState,
    ) -> StoreResult<()>;
}

/// Notifications, deliveries, preferences and push subscriptions.
#[async_trait]
pub trait NotificationRepo {
    /// Inserts unless the dedupe key exists; true if new.
    async fn insert_notification(&mut self, n: &Notification) -> StoreResult<bool>;
    /// By id (system work).
    async fn find_notification(&mut self, id: &NotificationId)
        -> StoreResult<Option<Notification>>;
    /// Inbox of `owner`, newest first.
    async fn list_notifications_for_customer(
        &mut self,
        owner: &AccountId,
        limit: i64,
    ) -> StoreResult<Vec<Notification>>;
    /// Marks every unread notification of `owner` read.
    async fn mark_notifications_read(
        &mut self,
        owner: &AccountId,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Inserts or replaces a delivery.
    async fn upsert_delivery(&mut self, d: &Delivery) -> StoreResult<()>;
    /// One delivery.
    async fn find_delivery(
        &mut self,
        id: &NotificationId,
        channel: Channel,
    ) -> StoreResult<Option<Delivery>>;
    /// By provider reference (SMS receipts).
    async fn find_delivery_by_provider_ref(
        &mut self,
        provider_ref: &str,
    ) -> StoreResult<Option<Delivery>>;
    /// Deliveries of the given notifications.
    async fn list_deliveries(&mut self, ids: &[NotificationId]) -> StoreResult<Vec<Delivery>>;
    /// Cells the customer muted.
    async fn list_muted(
        &mut self,
        owner: &AccountId,
    ) -> StoreResult<Vec<(NotificationKind, Channel)>>;
    /// Mutes or unmutes one cell.
    async fn set_muted(
        &mut self,
        owner: &AccountId,
        kind: NotificationKind,
        channel: Channel,
        muted: bool,
    ) -> StoreResult<()>;
    /// Registers (or refreshes, by endpoint) a push subscription.
    async fn upsert_push_subscription(&mut self, s: &PushSubscription) -> StoreResult<()>;
    /// Subscriptions of `owner` whose session is live at `now` (one without
    /// a session is listed; the app always names one).
    async fn list_push_subscriptions(
        &mut self,
        owner: &AccountId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<PushSubscription>>;
    /// Deletes one subscription of `owner`; true if it existed.
    async fn delete_push_subscription(
        &mut self,
        owner: &AccountId,
        id: &PushSubscriptionId,
    ) -> StoreResult<bool>;
}
