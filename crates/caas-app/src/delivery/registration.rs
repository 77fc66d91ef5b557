//! Registration (REG-1..5): a durable job that calls the registry of the
//! delivery country once the final payment is settled. Transient failures
//! retry with the identical body (the registry is idempotent on the VIN);
//! refusals and exhausted retries go to dealership staff, who correct the
//! owner data and resubmit; every attempt and answer is audited.

use crate::context::RequestContext;
use crate::delivery::{staff_event, system_event_in};
use crate::error::{AppError, AppResult};
use crate::notify::texts::Detail;
use crate::orders::effects::EventRecord;
use crate::App;
use caas_domain::account::Account;
use caas_domain::audit::AuditEntry;
use caas_domain::ids::OrderId;
use caas_domain::job::Job;
use caas_domain::order::{Order, OrderState};
use caas_domain::order_flow::DeliveryEvent;
use caas_domain::partners::CallError;
use caas_domain::partners_delivery::{Registration, RegistrationError};
use chrono::NaiveDate;
use serde_json::json;

/// Runs the `register_vehicle` job.
#[tracing::instrument(skip_all, fields(order = %order_id, attempt = job.attempts))]
pub async fn register_vehicle(app: &App, job: &Job, order_id: &OrderId) -> anyhow::Result<()> {
    let (order, payments, invoices) = {
        let mut tx = app.store.read().await?;
        let Some(order) = tx.find_order(order_id).await? else {
            return Ok(());
        };
        let p = tx.list_payments_for_order(order_id).await?;
        let i = tx.list_invoices_for_order(order_id).await?;
        (order, p, i)
    };
    if order.state != OrderState::Paid {
        return Ok(());
    }
    let req = match crate::delivery::registration_request::build(&order, &payments, &invoices) {
        Ok(r) => r,
        Err(why) => return refused(app, order_id, "incomplete_data", &why, json!({})).await,
    };
    let Some(registry) = app.partners.registries.get(&req.country).cloned() else {
        let why = format!("no registration service is configured for {}", req.country);
        return refused(app, order_id, "no_registry", &why, json!({})).await;
    };
    audit_attempt(app, &order, json!({"attempt": job.attempts, "request": {"vin": req.vin, "country": req.country, "owner_document": req.owner.id_document}})).await?;
    match registry.register(&req).await {
        Ok(reg) => succeeded(app, order_id, reg).await,
        Err(RegistrationError::Rejected {
            code,
            message,
            details,
            ..
        }) => refused(app, order_id, &code, &message, details).await,
        Err(RegistrationError::Call(CallError::Transient {
            message,
            retry_after_secs,
        })) => transient(app, job, order_id, &message, retry_after_secs).await,
        Err(RegistrationError::Call(e)) => {
            refused(app, order_id, "call_refused", &e.to_string(), json!({})).await
        }
    }
}

async fn audit_attempt(app: &App, order: &Order, details: serde_json::Value) -> anyhow::Result<()> {
    let mut tx = app.store.begin().await?;
    tx.append_audit(
        &AuditEntry::new(app.clock.now(), "system", "registration.attempt")
            .subject(order.id.to_string())
            .details(details),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn succeeded(app: &App, order_id: &OrderId, reg: Registration) -> anyhow::Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    let r = &mut order.registration;
    r.attempts += 1;
    r.last_error = None;
    r.last_code = None;
    r.registration_id = Some(reg.registration_id.clone());
    r.authority = Some(reg.authority.clone());
    r.plate_number = Some(reg.plate_number.clone());
    r.certificate_number = Some(reg.certificate_number.clone());
    r.registration_date = Some(reg.registration_date);
    if let Some(vid) = &order.vehicle_id {
        if let Some(mut v) = tx.find_vehicle(vid).await? {
            v.plate_number = Some(reg.plate_number.clone());
            v.version += 1;
            v.updated_at = now;
            tx.update_vehicle(&v).await?;
        }
    }
    let plate = reg.plate_number.clone();
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::Registered,
        // Our clock orders the timeline; the registry's own time is in the data.
        at: now,
        data: json!({"registered_at": reg.registered_at, "registration_id": reg.registration_id, "authority": reg.authority, "plate_number": plate,
                     "certificate_number": reg.certificate_number, "registration_date": reg.registration_date}),
        dedupe_key: format!("registered:{}", order.id),
        detail: Some(Detail::text(
            ("Vehículo matriculado", format!("Tu vehículo ya tiene matrícula: {plate}. Ahora organizamos la entrega en tu domicilio.")),
            ("Vehicle registered", format!("Your vehicle is registered with plate {plate}. We are now arranging the home delivery.")),
        )),
        alert_message: String::new(),
        fact: None,
    };
    system_event_in(
        &mut *tx,
        app,
        &mut order,
        DeliveryEvent::RegistrationSucceeded,
        &rec,
    )
    .await?;
    tx.append_audit(
        &AuditEntry::new(now, "registry", "registration.succeeded")
            .subject(order.id.to_string())
            .details(rec.data.clone()),
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    tracing::info!(plate = %reg.plate_number, "vehicle registered");
    Ok(())
}

async fn refused(
    app: &App,
    order_id: &OrderId,
    code: &str,
    message: &str,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    order.registration.attempts += 1;
    order.registration.last_code = Some(code.to_owned());
    order.registration.last_error = Some(
        format!(
            "{code}: {message} {}",
            if details.is_null() || details == json!({}) {
                String::new()
            } else {
                details.to_string()
            }
        )
        .trim()
        .to_owned(),
    );
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::RegistrationIssue,
        at: now,
        data: json!({"code": code, "message": message, "details": details, "submission": order.registration.submission}),
        dedupe_key: format!("registration-issue:{}:{}", order.id, order.registration.submission),
        detail: Some(Detail::text(
            ("Tu matriculación se retrasa", "El registro ha pedido una corrección de datos. Tu concesionario ya se está ocupando; te avisaremos cuando esté matriculado.".into()),
            ("Your registration is delayed", "The registry asked for a correction. Your dealership is on it; we will tell you when the vehicle is registered.".into()),
        )),
        alert_message: format!("Registration of order {} refused: {code} — {message}. Correct the data and resubmit from the order page.", order.id),
        fact: None,
    };
    system_event_in(
        &mut *tx,
        app,
        &mut order,
        DeliveryEvent::RegistrationRefused,
        &rec,
    )
    .await?;
    tx.append_audit(
        &AuditEntry::new(now, "registry", "registration.refused")
            .subject(order.id.to_string())
            .details(rec.data.clone()),
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    tracing::warn!(order = %order_id, code, "registration refused");
    Ok(())
}

async fn transient(
    app: &App,
    job: &Job,
    order_id: &OrderId,
    message: &str,
    retry_after: Option<u64>,
) -> anyhow::Result<()> {
    if job.attempts >= job.max_attempts {
        return refused(
            app,
            order_id,
            "retries_exhausted",
            &format!(
                "the registry did not answer after {} attempts: {message}",
                job.attempts
            ),
            json!({}),
        )
        .await;
    }
    {
        let mut tx = app.store.begin().await?;
        if let Some(mut order) = tx.find_order(order_id).await? {
            order.registration.attempts += 1;
            order.registration.last_error = Some(message.to_owned());
            order.version += 1;
            tx.update_order(&order).await?;
            tx.append_audit(
                &AuditEntry::new(app.clock.now(), "registry", "registration.transient")
                    .subject(order.id.to_string())
                    .details(json!({"message": message, "retry_after_secs": retry_after})),
            )
            .await?;
        }
        tx.commit().await?;
    }
    anyhow::bail!("registry unavailable: {message}")
}

/// Corrections staff may make before resubmitting (REG-4).
#[derive(Debug, Clone, Default)]
pub struct RegistrationFix {
    /// Owner birth date, `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Corrected full name.
    pub customer_name: Option<String>,
    /// Corrected document number.
    pub document_number: Option<String>,
}

/// Staff correct the data and resubmit (REGISTRATION_ISSUE → PAID).
pub async fn resubmit_registration(
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
    fix: &RegistrationFix,
) -> AppResult<Order> {
    let now = app.clock.now();
    let birth = match fix
        .birth_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => {
            Some(
                NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| AppError::Invalid {
                    field: "birth_date".into(),
                    message: "use the format YYYY-MM-DD".into(),
                })?,
            )
        }
    };
    let name = fix
        .customer_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let number = fix
        .document_number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    staff_event(app, ctx, staff, id, DeliveryEvent::RegistrationResubmitted, "registration.resubmitted", |o| {
        if let Some(b) = birth {
            o.registration.owner_birth_date = Some(b);
        }
        if let Some(n) = &name {
            o.customer.name = n.clone();
        }
        if let Some(n) = &number {
            o.customer.document = caas_domain::customer::IdentityDocument::parse(o.customer.document.kind, n)
                .map_err(AppError::from)?;
        }
        o.registration.submission += 1;
        Ok(EventRecord {
            kind: caas_domain::timeline::TimelineKind::RegistrationResubmitted,
            at: now,
            data: json!({"by": staff.name, "birth_date": birth, "name_changed": name.is_some(), "document_changed": number.is_some()}),
            dedupe_key: format!("registration-resubmitted:{}:{}", o.id, o.registration.submission),
            detail: None,
            alert_message: String::new(),
            fact: None,
        })
    })
    .await
}
