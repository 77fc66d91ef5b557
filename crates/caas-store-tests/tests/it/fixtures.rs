//! Fixtures shared by the store conformance test files (each file uses a subset).

use caas_domain::account::{Account, AccountStatus, Language, Role};
use caas_domain::clock::Clock;
use caas_domain::dealership::Dealership;
use caas_domain::email::EmailAddress;
use caas_domain::ids::{AccountId, AccountTokenId, DealershipId, EmailId, JobId, SessionId};
use caas_domain::job::NewJob;
use caas_domain::mail::{EmailState, OutboundEmail};
use caas_domain::ports::*;
use caas_domain::session::{AccountToken, Session, SessionKind, TokenPurpose};
use caas_store_tests::TestClock;
use chrono::{DateTime, SubsecRound, Utc};

/// The test's "now", from a [`TestClock`], truncated to whole microseconds:
/// PostgreSQL stores microseconds, so finer times would not round-trip.
pub fn start_time() -> DateTime<Utc> {
    TestClock::new().now().trunc_subsecs(6)
}

/// A random hex string standing in for a SHA-256 of a secret.
pub fn random_hash() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// A pending customer account (no dealership, no password) created at `at`.
pub fn customer(email: &str, at: DateTime<Utc>) -> Account {
    account(email, Role::Customer, None, at)
}

/// An account with the given role and dealership, created at `at`.
pub fn account(
    email: &str,
    role: Role,
    dealership: Option<&DealershipId>,
    at: DateTime<Utc>,
) -> Account {
    Account {
        id: AccountId::new(),
        email: EmailAddress::parse(email).expect("valid test email"),
        name: format!("Person {email}"),
        role,
        dealership_id: dealership.cloned(),
        language: Language::Es,
        status: AccountStatus::Pending,
        password_hash: None,
        created_at: at,
        updated_at: at,
        version: 0,
    }
}

/// A dealership named `name`.
pub fn dealership(name: &str, at: DateTime<Utc>) -> Dealership {
    Dealership {
        id: DealershipId::new(),
        name: name.to_owned(),
        country: "ES".to_owned(),
        locality: format!("{name} town"),
        address: format!("Calle Mayor 1, {name}"),
        opening_hours: "L-V 9:00-20:00".to_owned(),
        created_at: at,
    }
}

/// Inserts and commits accounts.
pub async fn insert_accounts(store: &dyn Store, accounts: &[&Account]) {
    let mut tx = store.begin().await.unwrap();
    for a in accounts {
        tx.insert_account(a).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Inserts and commits a dealership.
pub async fn insert_dealership(store: &dyn Store, d: &Dealership) {
    let mut tx = store.begin().await.unwrap();
    tx.insert_dealership(d).await.unwrap();
    tx.commit().await.unwrap();
}

/// Inserts and commits a fresh customer account, returning it.
pub async fn seeded_customer(store: &dyn Store, email: &str, at: DateTime<Utc>) -> Account {
    let a = customer(email, at);
    insert_accounts(store, &[&a]).await;
    a
}

/// A web session of `owner`, not revoked.
pub fn session(owner: &AccountId, created_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> Session {
    Session {
        id: SessionId::new(),
        account_id: owner.clone(),
        kind: SessionKind::Web,
        secret_hash: random_hash(),
        csrf_token: uuid::Uuid::new_v4().simple().to_string(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0".to_owned(),
        created_at,
        expires_at,
        revoked_at: None,
    }
}

/// Inserts and commits sessions.
pub async fn insert_sessions(store: &dyn Store, sessions: &[&Session]) {
    let mut tx = store.begin().await.unwrap();
    for s in sessions {
        tx.insert_session(s).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// An unused emailed-link token of `owner`, valid for a day.
pub fn token(owner: &AccountId, purpose: TokenPurpose, at: DateTime<Utc>) -> AccountToken {
    AccountToken {
        id: AccountTokenId::new(),
        account_id: owner.clone(),
        purpose,
        secret_hash: random_hash(),
        created_at: at,
        expires_at: at + chrono::Duration::days(1),
        used_at: None,
    }
}

/// A job of kind `kind` due at `run_at`, three attempts allowed.
pub fn new_job(kind: &str, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        id: JobId::new(),
        kind: kind.to_owned(),
        payload: serde_json::json!({ "kind": kind, "nested": { "n": 42, "list": [1, "two", null] } }),
        run_at,
        max_attempts: 3,
        dedupe_key: None,
    }
}

/// Enqueues and commits jobs, stamped `now`.
pub async fn enqueue(store: &dyn Store, jobs: &[&NewJob], now: DateTime<Utc>) {
    let mut tx = store.begin().await.unwrap();
    for j in jobs {
        tx.enqueue_job(j, now).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// A pending outbox email to `to`.
pub fn email(to: &str, subject: &str, at: DateTime<Utc>) -> OutboundEmail {
    OutboundEmail {
        id: EmailId::new(),
        to: EmailAddress::parse(to).expect("valid test email"),
        subject: subject.to_owned(),
        body_text: format!("Hola,\n\n{subject}\n"),
        body_html: format!("<p>Hola,</p><p>{subject}</p>"),
        template: "activation".to_owned(),
        language: "es".to_owned(),
        state: EmailState::Pending,
        created_at: at,
        sent_at: None,
        last_error: None,
        notification_id: None,
        category: Some("credentials".to_owned()),
    }
}

// ---------------------------------------------------------------------------
// Sale-to-factory fixtures: catalogue, profiles, orders, payments, invoices,
// timeline, alerts, inbound events and notifications.

use caas_domain::catalogue::{
    CatalogueOption, Localized, Offer, OptionCategory, Platform, PricingModel,
};
use caas_domain::customer::{
    CustomerProfile, DocumentType, IdentityDocument, Phone, PostalAddress,
};
use caas_domain::ids::{
    AlertId, InvoiceId, NotificationId, OfferId, OrderId, PaymentId, PushSubscriptionId, TimelineId,
};
use caas_domain::money::{Currency, Money};
use caas_domain::notification::{Channel, Delivery, DeliveryState, Notification, NotificationKind};
use caas_domain::order::{CustomerSnapshot, FactoryLink, Order, OrderState, PlanComercial};
use caas_domain::payment::{Payment, PaymentChannel, PaymentKind, PaymentState};
use caas_domain::records::{
    EstimateRevision, InboundEvent, InboundState, Invoice, PushSubscription, StaffAlert,
    TimelineEntry,
};
use chrono::NaiveDate;

/// Euros, in cents.
pub fn eur(cents: i64) -> Money {
    Money::new(cents, Currency::EUR).expect("non-negative amount")
}

/// A text in Spanish and English.
pub fn localized(es: &str, en: &str) -> Localized {
    Localized {
        es: es.to_owned(),
        en: en.to_owned(),
    }
}

/// An active plataforma base with code `code`.
pub fn platform(code: &str, at: DateTime<Utc>) -> Platform {
    Platform {
        code: code.to_owned(),
        name: localized(&format!("Plataforma {code}"), &format!("Platform {code}")),
        description: localized("Eléctrico de tracción total", "All-wheel-drive electric"),
        base_price: eur(4_150_000),
        active: true,
        updated_at: at,
    }
}

/// A comfort option offered on `platforms`, with a lifetime and a subscription offer.
pub fn catalogue_option(code: &str, platforms: &[&str], at: DateTime<Utc>) -> CatalogueOption {
    CatalogueOption {
        code: code.to_owned(),
        name: localized(&format!("Opción {code}"), &format!("Option {code}")),
        description: localized("Climatización eficiente", "Efficient climate control"),
        category: OptionCategory::Comfort,
        platforms: platforms.iter().map(|p| (*p).to_owned()).collect(),
        offers: vec![
            Offer {
                id: OfferId::new(),
                pricing: PricingModel::Lifetime,
                price: eur(120_000),
                active: true,
            },
            Offer {
                id: OfferId::new(),
                pricing: PricingModel::TimeLimited { days: 30 },
                price: eur(1_999),
                active: false,
            },
        ],
        maintenance_blocks: vec!["Vehicle.Cabin.HVAC".to_owned()],
        iot_feature: code.to_ascii_lowercase(),
        updated_at: at,
    }
}

/// A Spanish postal address.
pub fn postal_address(line1: &str) -> PostalAddress {
    PostalAddress {
        line1: line1.to_owned(),
        postal_code: "28013".to_owned(),
        locality: "Madrid".to_owned(),
        country: "ES".to_owned(),
    }
}

/// The profile of `owner`: a DNI, a mobile phone and a home address.
pub fn customer_profile(owner: &AccountId, at: DateTime<Utc>) -> CustomerProfile {
    CustomerProfile {
        account_id: owner.clone(),
        document: IdentityDocument::parse(DocumentType::Dni, "12345678Z").expect("valid DNI"),
        phone: Some(Phone::parse("+34612345678").expect("valid phone")),
        address: postal_address("Gran Vía 1"),
        updated_at: at,
    }
}

/// A freshly registered order (version 0) of `owner` sold at `dealership`.
pub fn order(owner: &Account, dealership: &DealershipId, at: DateTime<Utc>) -> Order {
    Order {
        id: OrderId::new(),
        customer_id: owner.id.clone(),
        dealership_id: dealership.clone(),
        sold_by: AccountId::new(),
        state: OrderState::SaleRegistered,
        plan: PlanComercial {
            platform_code: "SUV-E-26".to_owned(),
            option_codes: vec!["HEAT_PUMP".to_owned(), "TOW_HITCH".to_owned()],
            vehicle_price: eur(4_150_000),
            senal: eur(200_000),
            maintenance_included: true,
        },
        customer: CustomerSnapshot {
            name: owner.name.clone(),
            email: owner.email.as_str().to_owned(),
            document: IdentityDocument::parse(DocumentType::Dni, "12345678Z").expect("valid DNI"),
            phone: Some(Phone::parse("+34612345678").expect("valid phone")),
            address: postal_address("Gran Vía 1"),
        },
        delivery: postal_address("Calle de Alcalá 50"),
        factory: FactoryLink::default(),
        last_factory_contact: None,
        vehicle_id: None,
        from_stock: false,
        final_payment: None,
        reception: None,
        registration: Default::default(),
        home: Default::default(),
        app_link: Default::default(),
        senal_refund: None,
        version: 0,
        created_at: at,
        updated_at: at,
    }
}

/// Inserts and commits orders.
pub async fn insert_orders(store: &dyn Store, orders: &[&Order]) {
    let mut tx = store.begin().await.unwrap();
    for o in orders {
        tx.insert_order(o).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Seeds a dealership, a customer and one committed order of theirs.
pub async fn seeded_order(store: &dyn Store, email: &str, at: DateTime<Utc>) -> Order {
    let d = dealership(&format!("Concesionario {email}"), at);
    insert_dealership(store, &d).await;
    let c = seeded_customer(store, email, at).await;
    let o = order(&c, &d.id, at);
    insert_orders(store, &[&o]).await;
    o
}

/// A new señal or final payment of `o`, started online by its customer.
pub fn payment(o: &Order, kind: PaymentKind, at: DateTime<Utc>) -> Payment {
    Payment {
        id: PaymentId::new(),
        order_id: o.id.clone(),
        customer_id: o.customer_id.clone(),
        kind,
        amount: o.plan.senal,
        state: PaymentState::Created,
        channel: PaymentChannel::Online,
        started_by: o.customer_id.clone(),
        payment_method: "tok_visa_4242".to_owned(),
        idempotency_key: format!("idem_{}", uuid::Uuid::new_v4().simple()),
        intent_id: None,
        decline_code: None,
        failure_message: None,
        last_sequence: 0,
        version: 0,
        created_at: at,
        updated_at: at,
    }
}

/// Inserts and commits payments.
pub async fn insert_payments(store: &dyn Store, payments: &[&Payment]) {
    let mut tx = store.begin().await.unwrap();
    for p in payments {
        tx.insert_payment(p).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// An invoice numbered `number` for payment `p`.
pub fn invoice(p: &Payment, number: &str, at: DateTime<Utc>) -> Invoice {
    Invoice {
        id: InvoiceId::new(),
        number: number.to_owned(),
        order_id: p.order_id.clone(),
        customer_id: p.customer_id.clone(),
        payment_id: p.id.clone(),
        description: "Señal de reserva SUV-E-26".to_owned(),
        total: p.amount,
        issued_at: at,
    }
}

/// A PDF-looking byte string, including bytes that are not valid UTF-8.
pub fn pdf_bytes(tag: &str) -> Vec<u8> {
    let mut b = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    b.extend_from_slice(tag.as_bytes());
    b.extend_from_slice(&[0, 1, 2, 0xFF, 0xFE, 0x80, b'\n']);
    b.extend_from_slice(b"%%EOF\n");
    b
}

/// A timeline entry of `o` of kind `kind`, deduplicated by `dedupe_key`.
pub fn timeline_entry(
    o: &OrderId,
    kind: &str,
    dedupe_key: &str,
    at: DateTime<Utc>,
) -> TimelineEntry {
    TimelineEntry {
        id: TimelineId::new(),
        order_id: o.clone(),
        at,
        kind: caas_domain::timeline::TimelineKind::parse(kind),
        data: serde_json::json!({ "estimate": "2026-09-30", "defects": [] }),
        dedupe_key: dedupe_key.to_owned(),
        recorded_at: at,
    }
}

/// A revision of the completion estimate of `o`, from factory event `source`.
pub fn estimate_revision(
    o: &OrderId,
    source: &str,
    previous: Option<NaiveDate>,
    new: NaiveDate,
    at: DateTime<Utc>,
) -> EstimateRevision {
    EstimateRevision {
        order_id: o.clone(),
        at,
        previous,
        new,
        reason_code: Some("component_shortage".to_owned()),
        reason: Some("Battery cells delayed".to_owned()),
        source: source.to_owned(),
    }
}

/// An open staff alert for `dealership`, deduplicated by `dedupe_key`.
pub fn staff_alert(
    dealership: Option<&DealershipId>,
    dedupe_key: &str,
    at: DateTime<Utc>,
) -> StaffAlert {
    StaffAlert {
        id: AlertId::new(),
        dealership_id: dealership.cloned(),
        order_id: None,
        kind: "factory_silent".to_owned(),
        message: format!("No factory news ({dedupe_key})"),
        dedupe_key: dedupe_key.to_owned(),
        created_at: at,
        resolved_at: None,
        resolved_by: None,
    }
}

/// A pending inbound webhook event.
pub fn inbound_event(
    source: &str,
    event_id: &str,
    resource: &str,
    reference: Option<&str>,
    sequence: i64,
    at: DateTime<Utc>,
) -> InboundEvent {
    InboundEvent {
        source: source.to_owned(),
        event_id: event_id.to_owned(),
        event_type: "order.status_changed".to_owned(),
        resource: resource.to_owned(),
        reference: reference.map(str::to_owned),
        sequence,
        body: format!(r#"{{"id":"{event_id}","sequence":{sequence},"text":"ñ"}}"#),
        received_at: at,
        state: InboundState::Pending,
    }
}

/// An unread notification to `owner`, deduplicated by `dedupe_key`.
pub fn notification(owner: &AccountId, dedupe_key: &str, at: DateTime<Utc>) -> Notification {
    Notification {
        id: NotificationId::new(),
        customer_id: owner.clone(),
        order_id: None,
        kind: NotificationKind::ManufacturingMilestone,
        dedupe_key: dedupe_key.to_owned(),
        language: "es".to_owned(),
        title: "Tu vehículo está en producción".to_owned(),
        body: format!("Novedades de fabricación ({dedupe_key})"),
        url: "/portal/orders".to_owned(),
        created_at: at,
        read_at: None,
    }
}

/// Inserts and commits notifications.
pub async fn insert_notifications(store: &dyn Store, notifications: &[&Notification]) {
    let mut tx = store.begin().await.unwrap();
    for n in notifications {
        assert!(tx.insert_notification(n).await.unwrap(), "new notification");
    }
    tx.commit().await.unwrap();
}

/// A pending delivery of notification `id` on `channel`.
pub fn delivery(id: &NotificationId, channel: Channel, at: DateTime<Utc>) -> Delivery {
    Delivery {
        notification_id: id.clone(),
        channel,
        state: DeliveryState::Pending,
        provider_ref: None,
        attempts: 0,
        log: Vec::new(),
        updated_at: at,
    }
}

/// A Web Push subscription of `owner` at `endpoint`.
pub fn push_subscription(owner: &AccountId, endpoint: &str, at: DateTime<Utc>) -> PushSubscription {
    PushSubscription {
        id: PushSubscriptionId::new(),
        customer_id: owner.clone(),
        endpoint: endpoint.to_owned(),
        p256dh: format!("BP{}", uuid::Uuid::new_v4().simple()),
        auth: uuid::Uuid::new_v4().simple().to_string(),
        user_agent: "Mozilla/5.0 (Android 14) Chrome/126.0".to_owned(),
        created_at: at,
        session_id: None,
    }
}
