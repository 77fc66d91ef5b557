//! Sale registration (SALE-1..5, AUTH-2/3): SALES staff of a dealership
//! register a closed sale. Every field is validated and all errors reported
//! together; on success one transaction provisions (or reuses) the customer,
//! emails the activation link, stores the profile and creates the order.

mod identity;

use crate::auth::provisioning::{provision_customer_in, NewCustomer};
use crate::context::RequestContext;
use crate::error::{AppError, AppResult, Collect};
use crate::orders::effects::{record_in, EventRecord};
use crate::App;
use caas_domain::account::{Account, Language, PersonName, Role};
use caas_domain::audit::AuditEntry;
use caas_domain::catalogue::check_plan_options;
use caas_domain::customer::{
    CustomerProfile, DocumentType, IdentityDocument, Phone, PostalAddress,
};
use caas_domain::email::EmailAddress;
use caas_domain::ids::OrderId;
use caas_domain::money::{Currency, Money};
use caas_domain::order::{CustomerSnapshot, FactoryLink, Order, OrderState, PlanComercial};
use identity::{identity_mismatch, refuse_identity_mismatch};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A sale as entered in the intranet form or the API (all text, validated
/// here; its OpenAPI schema is derived from this definition).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SaleIn {
    /// Full name.
    pub customer_name: String,
    /// DNI, NIE, PASSPORT, ID_CARD or TAX.
    pub document_type: String,
    /// Document number.
    pub document_number: String,
    /// Email (credentials go only there).
    pub email: String,
    /// E.164 phone.
    pub phone: String,
    /// `es` or `en`.
    pub language: String,
    /// Home address: street.
    pub address_line1: String,
    /// Home address: postal code.
    pub address_postal_code: String,
    /// Home address: locality.
    pub address_locality: String,
    /// Home address: country.
    pub address_country: String,
    /// Delivery address: street.
    pub delivery_line1: String,
    /// Delivery address: postal code.
    pub delivery_postal_code: String,
    /// Delivery address: locality.
    pub delivery_locality: String,
    /// Delivery (and registration) country.
    pub delivery_country: String,
    /// Plataforma base code.
    pub platform_code: String,
    /// Option codes of that platform.
    pub option_codes: Vec<String>,
    /// Vehicle price, decimal text (`41500.00`).
    pub vehicle_price: String,
    /// Señal, decimal text.
    pub senal: String,
    /// ISO 4217.
    pub currency: String,
    /// Scheduled maintenance included.
    pub maintenance_included: bool,
    /// Buyer's birth date `YYYY-MM-DD` (registration of individuals needs it).
    pub birth_date: Option<String>,
    /// A sin asignar vehicle of the dealership's stock (SALE-6): its
    /// plataforma and options replace `platform_code` and `option_codes`.
    pub stock_vehicle_id: Option<String>,
}

struct Valid {
    name: PersonName,
    email: EmailAddress,
    document: IdentityDocument,
    phone: Phone,
    language: Language,
    address: PostalAddress,
    delivery: PostalAddress,
    plan: PlanComercial,
    birth_date: Option<chrono::NaiveDate>,
}

async fn validate(app: &App, s: &SaleIn) -> AppResult<Valid> {
    let mut c = Collect::default();
    let name = c.take(PersonName::parse(&s.customer_name).map_err(|e| rename(e, "customer_name")));
    let email = c.take(EmailAddress::parse(&s.email));
    let doc_type = c.take(DocumentType::parse(&s.document_type));
    let document = doc_type.and_then(|t| c.take(IdentityDocument::parse(t, &s.document_number)));
    let phone = c.take(Phone::parse(&s.phone));
    let language = c.take(Language::parse(s.language.trim()).map_err(|e| rename(e, "language")));
    let address = c.take(PostalAddress::parse(
        [
            "address_line1",
            "address_postal_code",
            "address_locality",
            "address_country",
        ],
        &s.address_line1,
        &s.address_postal_code,
        &s.address_locality,
        &s.address_country,
    ));
    let delivery = c.take(PostalAddress::parse(
        [
            "delivery_line1",
            "delivery_postal_code",
            "delivery_locality",
            "delivery_country",
        ],
        &s.delivery_line1,
        &s.delivery_postal_code,
        &s.delivery_locality,
        &s.delivery_country,
    ));
    let birth_date = match s
        .birth_date
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        None => None,
        Some(b) => match chrono::NaiveDate::parse_from_str(b, "%Y-%m-%d") {
            Ok(d) if d < app.clock.now().date_naive() => Some(d),
            _ => {
                c.push("birth_date", "enter a past date as YYYY-MM-DD");
                None
            }
        },
    };
    let catalogue = crate::catalogue::load_catalogue(app).await?;
    let platform = catalogue
        .platforms
        .iter()
        .find(|p| p.code == s.platform_code.trim().to_ascii_uppercase() && p.active);
    if platform.is_none() {
        c.push("platform_code", "choose a plataforma base of the catalogue");
    }
    let options = platform.and_then(|p| {
        c.take(check_plan_options(
            &p.code,
            &s.option_codes,
            &catalogue.options,
        ))
    });
    let currency = c.take(Currency::parse(s.currency.trim()));
    let price = currency.and_then(|cur| {
        c.take(Money::parse(&s.vehicle_price, cur).map_err(|e| rename(e, "vehicle_price")))
    });
    let senal = currency
        .and_then(|cur| c.take(Money::parse(&s.senal, cur).map_err(|e| rename(e, "senal"))));
    // Amounts are checked even when the plataforma or options are wrong, so
    // every error is reported at once.
    let amounts_ok = match (price, senal) {
        (Some(vehicle_price), Some(senal)) => {
            let amounts = PlanComercial {
                platform_code: String::new(),
                option_codes: Vec::new(),
                vehicle_price,
                senal,
                maintenance_included: s.maintenance_included,
            };
            c.take(amounts.check_amounts()).is_some()
        }
        _ => false,
    };
    let plan = match (platform, options, price, senal) {
        (Some(p), Some(option_codes), Some(vehicle_price), Some(senal)) if amounts_ok => {
            Some(PlanComercial {
                platform_code: p.code.clone(),
                option_codes,
                vehicle_price,
                senal,
                maintenance_included: s.maintenance_included,
            })
        }
        _ => None,
    };
    c.finish()?;
    match (
        name, email, document, phone, language, address, delivery, plan,
    ) {
        (
            Some(name),
            Some(email),
            Some(document),
            Some(phone),
            Some(language),
            Some(address),
            Some(delivery),
            Some(plan),
        ) => Ok(Valid {
            name,
            email,
            document,
            phone,
            language,
            address,
            delivery,
            plan,
            birth_date,
        }),
        _ => Err(AppError::BadRequest("invalid sale".into())),
    }
}

/// The stock vehicle a sale names, if any: sin asignar and of the seller's dealership.
async fn stock_vehicle(
    app: &App,
    dealership: &caas_domain::ids::DealershipId,
    input: &SaleIn,
) -> AppResult<Option<caas_domain::vehicle::Vehicle>> {
    let Some(raw) = input
        .stock_vehicle_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        return Ok(None);
    };
    let bad = || AppError::Invalid {
        field: "stock_vehicle_id".into(),
        message: "choose a vehicle of your dealership's stock".into(),
    };
    let id = caas_domain::ids::VehicleId::parse(raw).map_err(|_| bad())?;
    let mut tx = app.store.read().await?;
    let v = tx.find_vehicle(&id).await?.ok_or_else(bad)?;
    if &v.dealership_id != dealership || !v.is_stock() {
        return Err(bad());
    }
    Ok(Some(v))
}

fn rename(e: caas_domain::DomainError, field: &'static str) -> caas_domain::DomainError {
    match e {
        caas_domain::DomainError::Invalid { message, .. } => {
            caas_domain::DomainError::Invalid { field, message }
        }
        other => other,
    }
}

/// Registers a sale for the seller's dealership; returns the new order.
#[tracing::instrument(skip_all, fields(seller = %seller.id))]
pub async fn register_sale(
    app: &App,
    ctx: &RequestContext,
    seller: &Account,
    input: &SaleIn,
) -> AppResult<Order> {
    if seller.role != Role::Sales {
        return Err(AppError::Forbidden);
    }
    let dealership_id = seller.dealership_id.clone().ok_or(AppError::Forbidden)?;
    let stock = stock_vehicle(app, &dealership_id, input).await?;
    let v = match &stock {
        Some(veh) => {
            let mut on_stock = input.clone();
            on_stock.platform_code = veh.platform_code.clone();
            on_stock.option_codes = veh.option_codes.clone();
            validate(app, &on_stock).await?
        }
        None => validate(app, input).await?,
    };
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    if let Some(other) = identity_mismatch(&mut *tx, &v).await? {
        drop(tx);
        refuse_identity_mismatch(app, ctx, seller, &v, &other).await?;
        return Err(AppError::Invalid {
            field: "email".into(),
            message: "this email belongs to another customer, with a different identity document: check the email and the document, or use the customer's own email".into(),
        });
    }
    let new = NewCustomer {
        email: v.email.as_str().to_owned(),
        name: v.name.as_str().to_owned(),
        language: v.language,
    };
    let customer = provision_customer_in(&mut *tx, app, ctx, seller.id.as_str(), &new).await?;
    tx.upsert_customer_profile(&CustomerProfile {
        account_id: customer.account.id.clone(),
        document: v.document.clone(),
        phone: Some(v.phone.clone()),
        address: v.address.clone(),
        updated_at: now,
    })
    .await?;
    let mut order = Order {
        id: OrderId::new(),
        customer_id: customer.account.id.clone(),
        dealership_id,
        sold_by: seller.id.clone(),
        state: OrderState::SaleRegistered,
        plan: v.plan,
        customer: CustomerSnapshot {
            name: v.name.as_str().to_owned(),
            email: v.email.as_str().to_owned(),
            document: v.document,
            phone: Some(v.phone),
            address: v.address,
        },
        delivery: v.delivery,
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
        created_at: now,
        updated_at: now,
    };
    order.registration.owner_birth_date = v.birth_date;
    if let Some(veh) = &stock {
        let mut veh = tx.find_vehicle(&veh.id).await?.ok_or(AppError::NotFound)?;
        veh.assign_from_stock(order.id.clone(), order.customer_id.clone(), now)
            .map_err(|_| AppError::Conflict(sold_meanwhile()))?;
        veh.version += 1;
        veh.updated_at = now;
        order.vehicle_id = Some(veh.id.clone());
        order.from_stock = true;
        order.factory.vin = Some(veh.vin.clone());
        order.factory.available_from = veh.available_from;
        order.factory.estimated_completion_date = veh.completed_on;
        tx.insert_order(&order).await?;
        if !tx.update_vehicle(&veh).await? {
            return Err(AppError::Conflict(sold_meanwhile()));
        }
    } else {
        tx.insert_order(&order).await?;
    }
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::SaleRegistered,
        at: now,
        data: json!({"sold_by": seller.name, "dealership": order.dealership_id, "stock_vehicle": order.vehicle_id, "vin": order.factory.vin}),
        dedupe_key: format!("sale:{}", order.id),
        detail: None,
        alert_message: String::new(),
        fact: None,
    };
    record_in(&mut *tx, app, &order, &rec).await?;
    tx.append_audit(
        &AuditEntry::new(now, seller.id.as_str(), "sale.registered")
            .subject(order.id.to_string())
            .details(json!({"customer": order.customer_id, "new_customer": customer.created, "plan": order.plan}))
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    tracing::info!(order = %order.id, "sale registered");
    Ok(order)
}

/// The stock vehicle of a sale went to another sale first.
fn sold_meanwhile() -> crate::refusal::Refusal {
    crate::refusal::Refusal::new(
        "vehicle_sold_meanwhile",
        "Este vehículo se ha vendido mientras tanto.",
        "This vehicle was sold meanwhile.",
    )
}
