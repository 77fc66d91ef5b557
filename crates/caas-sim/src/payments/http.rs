//! The gateway's REST API (`/v1/…`): bearer auth, required
//! `Idempotency-Key` on every POST, card-data refusal, and the
//! `tok_test_timeout_once` trick of answering nothing at all.

use super::engine::{to_value, Gateway};
use super::failure::Failure;
use super::inject::{inject_failures, RequestFaults};
use super::validate::{object, reject_card_data};
use crate::common::http::{
    json_response, parse_json_value_or_null, require_bearer, ApiError, ApiKey,
};
use crate::common::idempotency::{required_key, Begin, IdempotencyStore};
use crate::common::webhooks::WebhookSender;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Shared state of the payments simulator's routes.
#[derive(Clone)]
pub(crate) struct App {
    pub gw: Arc<Gateway>,
    pub idem: IdempotencyStore,
    pub api_key: ApiKey,
    pub publishable_key: ApiKey,
    pub hold: Duration,
    pub faults: RequestFaults,
    pub webhooks: WebhookSender,
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> Self {
        let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let err = ApiError::new(status, f.code, f.message);
        match f.details {
            Some(d) => err.with_details(d),
            None => err,
        }
    }
}

/// The `/v1` routes, behind auth and request-fault injection.
pub(crate) fn api_routes(app: App) -> Router {
    Router::new()
        .route("/v1/payment_methods", post(create_method).get(list_methods))
        .route(
            "/v1/payment_methods/{id}",
            axum::routing::delete(delete_method),
        )
        .route("/v1/payment_intents", post(create_intent))
        .route("/v1/payment_intents/{id}", get(get_intent))
        .route("/v1/payment_intents/{id}/events", get(intent_events))
        .route("/v1/payment_intents/{id}/confirm", post(confirm))
        .route("/v1/payment_intents/{id}/capture", post(capture))
        .route("/v1/payment_intents/{id}/cancel", post(cancel))
        .route("/v1/refunds", post(create_refund))
        .route("/v1/refunds/{id}", get(get_refund))
        .route_layer(axum::middleware::from_fn_with_state(
            app.api_key.clone(),
            require_bearer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            app.faults.clone(),
            inject_failures,
        ))
        .with_state(app)
}

/// What a successful operation answers: the JSON body and whether the
/// response must be swallowed instead of sent.
type Outcome = Result<(Value, bool), Failure>;

/// Runs `op` once per `Idempotency-Key` (README §4) and answers `status`.
async fn idempotent(
    app: &App,
    req: (Method, Uri, HeaderMap, Bytes),
    status: StatusCode,
    op: impl FnOnce(&Value) -> Outcome,
) -> Response {
    let (method, uri, headers, raw) = req;
    let key = match required_key(&headers) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let body = match parse_json_value_or_null(&raw) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    if let Err(f) = object(&body).and_then(|_| reject_card_data(&body)) {
        return ApiError::from(f).into_response();
    }
    let guard = match app
        .idem
        .begin(&app.api_key.0, &key, &method, uri.path(), &body)
    {
        Begin::Proceed(g) => g,
        other => return other.into_response(),
    };
    match op(&body) {
        Ok((value, false)) => guard.complete(status, value),
        Ok((value, true)) => {
            // Stored first, so a retry with the same key gets the success.
            drop(guard.complete(status, value));
            swallowed_response(app.hold).await
        }
        Err(f) => guard.complete_error(f.into()),
    }
}

/// Holds the connection for `hold`, then answers with a body that fails
/// before anything is flushed: hyper drops the connection and the client
/// receives no status line at all.
async fn swallowed_response(hold: Duration) -> Response {
    tokio::time::sleep(hold).await;
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("tok_test_timeout_once: no response"))
    });
    Response::new(Body::from_stream(failing))
}

fn reply<T: serde::Serialize>(status: StatusCode, r: Result<T, Failure>) -> Response {
    match r {
        Ok(v) => json_response(status, &v),
        Err(f) => ApiError::from(f).into_response(),
    }
}

async fn create_method(
    State(app): State<App>,
    m: Method,
    u: Uri,
    h: HeaderMap,
    b: Bytes,
) -> Response {
    let gw = Arc::clone(&app.gw);
    idempotent(&app, (m, u, h, b), StatusCode::CREATED, |body| {
        gw.create_method(body).map(|pm| (to_value(&pm), false))
    })
    .await
}

#[derive(Deserialize)]
struct CustomerQuery {
    customer_reference: Option<String>,
}

async fn list_methods(State(app): State<App>, Query(q): Query<CustomerQuery>) -> Response {
    let Some(customer) = q.customer_reference.filter(|c| !c.is_empty()) else {
        return ApiError::from(Failure::invalid(
            "customer_reference",
            "customer_reference is required",
        ))
        .into_response();
    };
    json_response(
        StatusCode::OK,
        &json!({"data": app.gw.list_methods(&customer)}),
    )
}

async fn delete_method(State(app): State<App>, Path(id): Path<String>) -> Response {
    reply(StatusCode::OK, app.gw.delete_method(&id))
}

async fn create_intent(
    State(app): State<App>,
    m: Method,
    u: Uri,
    h: HeaderMap,
    b: Bytes,
) -> Response {
    let gw = Arc::clone(&app.gw);
    idempotent(&app, (m, u, h, b), StatusCode::CREATED, |body| {
        gw.create_intent(body)
            .map(|c| (to_value(&c.intent), c.swallow_response))
    })
    .await
}

async fn confirm(
    State(app): State<App>,
    Path(id): Path<String>,
    m: Method,
    u: Uri,
    h: HeaderMap,
    b: Bytes,
) -> Response {
    let gw = Arc::clone(&app.gw);
    idempotent(&app, (m, u, h, b), StatusCode::OK, |body| {
        gw.confirm_intent(&id, body)
            .map(|c| (to_value(&c.intent), c.swallow_response))
    })
    .await
}

async fn capture(
    State(app): State<App>,
    Path(id): Path<String>,
    m: Method,
    u: Uri,
    h: HeaderMap,
    b: Bytes,
) -> Response {
    let gw = Arc::clone(&app.gw);
    idempotent(&app, (m, u, h, b), StatusCode::OK, |body| {
        gw.capture_intent(&id, body)
            .map(|pi| (to_value(&pi), false))
    })
    .await
}

async fn cancel(
    State(app): State<App>,
    Path(id): Path<String>,
    m: Method,
    u: Uri,
    h: HeaderMap,
    b: Bytes,
) -> Response {
    let gw = Arc::clone(&app.gw);
    idempotent(&app, (m, u, h, b), StatusCode::OK, |body| {
        gw.cancel_intent(&id, body).map(|pi| (to_value(&pi), false))
    })
    .await
}

async fn get_intent(State(app): State<App>, Path(id): Path<String>) -> Response {
    reply(StatusCode::OK, app.gw.get_intent(&id))
}

async fn intent_events(State(app): State<App>, Path(id): Path<String>) -> Response {
    reply(
        StatusCode::OK,
        app.gw.intent_events(&id).map(|data| json!({"data": data})),
    )
}

async fn create_refund(
    State(app): State<App>,
    m: Method,
    u: Uri,
    h: HeaderMap,
    b: Bytes,
) -> Response {
    let gw = Arc::clone(&app.gw);
    idempotent(&app, (m, u, h, b), StatusCode::CREATED, |body| {
        gw.create_refund(body).map(|r| (to_value(&r), false))
    })
    .await
}

async fn get_refund(State(app): State<App>, Path(id): Path<String>) -> Response {
    reply(StatusCode::OK, app.gw.get_refund(&id))
}
