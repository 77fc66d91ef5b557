//! The per-country contract routes `/{cc}/v1/registrations…`: injected
//! faults, `400` shape checks, the per-VIN in-flight guard
//! (`409 registration_in_progress`), then one atomic decision under the
//! lock: replay, conflict, `422`s or a new registration.

use super::checks;
use super::control::Scenario;
use super::plates::{certificate_number, random_plate, random_registration_id};
use super::shape::parse_request;
use super::state::{Core, Inner};
use crate::common::http::{json_response, parse_json, ApiError};
use crate::common::rfc3339;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use caas_domain::partners_delivery::{Registration, RegistrationRequest};
use caas_partners::registration::{authority, COUNTRIES};
use chrono::{DateTime, Datelike, SubsecRound, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The contract routes (authentication is layered by the caller).
pub fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/{cc}/v1/registrations", post(create).get(search))
        .route("/{cc}/v1/registrations/{id}", get(fetch))
}

/// The service of a path segment (`es`, `ES`…), else `404 not_found`.
fn service_country(cc: &str) -> Result<&'static str, ApiError> {
    COUNTRIES
        .iter()
        .copied()
        .find(|c| c.eq_ignore_ascii_case(cc))
        .ok_or_else(|| {
            ApiError::not_found("not_found", format!("No registration service at /{cc}"))
        })
}

fn unavailable(secs: u64) -> ApiError {
    let msg = "The registry is temporarily unavailable; nothing was registered";
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "registry_unavailable", msg)
        .with_retry_after(secs)
}

fn in_progress(vin: &str, secs: u64) -> ApiError {
    let msg = format!("Another request for {vin} is executing");
    ApiError::new(StatusCode::CONFLICT, "registration_in_progress", msg).with_retry_after(secs)
}

fn already_registered(vin: &str, at: DateTime<Utc>) -> ApiError {
    let msg = format!("{vin} is already registered to another owner");
    ApiError::new(StatusCode::CONFLICT, "vehicle_already_registered", msg)
        .with_details(json!({ "registered_at": rfc3339(at) }))
}

/// Consumes one unit of a "next N" counter; returns the scenario if it fired.
fn take(core: &Core, counter: fn(&mut Scenario) -> &mut u32) -> Option<Scenario> {
    let mut inner = core.lock();
    let n = counter(&mut inner.scenario);
    if *n == 0 {
        return None;
    }
    *n -= 1;
    Some(inner.scenario.clone())
}

async fn sleep_ms(ms: u64) {
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

async fn create(
    State(core): State<Arc<Core>>,
    Path(cc): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let cc = service_country(&cc)?;
    core.lock().bump(cc, |c| c.requests += 1);
    let rejected = |e: ApiError| {
        core.lock().bump(cc, |c| c.rejections += 1);
        e
    };
    let value: Value = parse_json(&body).map_err(rejected)?;
    if let Some(s) = take(&core, |s| &mut s.unavailable_next) {
        core.lock().bump(cc, |c| c.unavailable += 1);
        return Err(unavailable(s.retry_after_secs));
    }
    let req = parse_request(&value).map_err(rejected)?;
    let busy = |secs| {
        core.lock().bump(cc, |c| c.in_progress += 1);
        in_progress(&req.vin, secs)
    };
    if let Some(s) = take(&core, |s| &mut s.in_progress_next) {
        return Err(busy(s.retry_after_secs));
    }
    let Some(guard) = core.begin(cc, &req.vin) else {
        return Err(busy(1));
    };
    if !core.latency.is_zero() {
        tokio::time::sleep(core.latency).await;
    }
    let slow_ms = take(&core, |s| &mut s.slow_next).map_or(0, |s| s.slow_ms);
    let outcome = {
        let mut inner = core.lock();
        let outcome = decide(&mut inner, cc, &req, Utc::now().trunc_subsecs(0));
        inner.bump(cc, |c| match &outcome {
            Ok((StatusCode::CREATED, _)) => c.registrations_created += 1,
            Ok(_) => c.replays += 1,
            Err(_) => c.rejections += 1,
        });
        outcome
    };
    drop(guard);
    sleep_ms(slow_ms).await;
    let (status, registration) = outcome?;
    Ok(json_response(status, &registration))
}

/// The registry's decision, atomic under the lock.
fn decide(
    inner: &mut Inner,
    cc: &'static str,
    req: &RegistrationRequest,
    now: DateTime<Utc>,
) -> Result<(StatusCode, Registration), ApiError> {
    if !inner.scenario.reject_next.is_empty() {
        let r = inner.scenario.reject_next.remove(0);
        let status = r.status.and_then(|s| StatusCode::from_u16(s).ok());
        let message = r.message.unwrap_or_else(|| format!("Injected {}", r.code));
        let mut err = ApiError::new(
            status.unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
            &r.code,
            message,
        );
        err.details = Some(r.details).filter(|d| !d.is_null());
        return Err(err);
    }
    if inner.scenario.already_registered_vins.contains(&req.vin) {
        return Err(already_registered(
            &req.vin,
            inner.already_registered_at.unwrap_or(now),
        ));
    }
    checks::country(cc, req)?;
    checks::vin(req)?;
    if let Some(existing) = inner.service(cc).find(&req.vin) {
        if existing.owner_id_document == req.owner.id_document {
            return Ok((StatusCode::OK, existing.clone()));
        }
        return Err(already_registered(&req.vin, existing.registered_at));
    }
    checks::identity(cc, req, now.date_naive())?;
    checks::documents(cc, req)?;
    checks::vehicle(req)?;
    let registration = register(inner, cc, req, now)?;
    Ok((StatusCode::CREATED, registration))
}

/// Creates the registration with a fresh unique plate and id.
fn register(
    inner: &mut Inner,
    cc: &'static str,
    req: &RegistrationRequest,
    now: DateTime<Utc>,
) -> Result<Registration, ApiError> {
    let service = inner.service(cc);
    let mut rng = rand::thread_rng();
    let exhausted = || unavailable(3600);
    let plate = (0..10_000)
        .filter_map(|_| random_plate(cc, &req.vehicle.propulsion, &mut rng))
        .find(|p| !service.plates.contains(p))
        .ok_or_else(exhausted)?;
    let id = (0..10_000)
        .map(|_| random_registration_id(cc, &mut rng))
        .find(|id| !service.ids.contains(id))
        .ok_or_else(exhausted)?;
    let seq = service.registrations.len() + 1;
    let registration = Registration {
        registration_id: id.clone(),
        country: cc.to_owned(),
        authority: authority(cc).unwrap_or_default().to_owned(),
        vin: req.vin.clone(),
        plate_number: plate.clone(),
        registration_date: now.date_naive(),
        registered_at: now,
        certificate_number: certificate_number(cc, now.year(), seq),
        owner_id_document: req.owner.id_document.clone(),
    };
    service.plates.insert(plate);
    service.ids.insert(id);
    service.insert(registration.clone());
    Ok(registration)
}

async fn search(
    State(core): State<Arc<Core>>,
    Path(cc): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let cc = service_country(&cc)?;
    if !core.latency.is_zero() {
        tokio::time::sleep(core.latency).await;
    }
    let mut inner = core.lock();
    let service = inner.service(cc);
    let data: Vec<&Registration> = match query.get("vin") {
        Some(vin) => service.find(vin).into_iter().collect(),
        None => service.registrations.iter().collect(),
    };
    Ok(json_response(StatusCode::OK, &json!({ "data": data })))
}

async fn fetch(
    State(core): State<Arc<Core>>,
    Path((cc, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let cc = service_country(&cc)?;
    if !core.latency.is_zero() {
        tokio::time::sleep(core.latency).await;
    }
    let mut inner = core.lock();
    match inner
        .service(cc)
        .registrations
        .iter()
        .find(|r| r.registration_id == id)
    {
        Some(reg) => Ok(json_response(StatusCode::OK, reg)),
        None => Err(ApiError::not_found(
            "registration_not_found",
            format!("No registration {id} in {cc}"),
        )),
    }
}
