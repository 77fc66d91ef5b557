//! Staff entries on the intranet order page for legs without a partner
//! feed (DLV-1, DLV-4/5): the factory leg's embarkation, and each
//! home-delivery step (embarked with its window, arrived, the outcome at
//! the door with the identity check, the phone outcome). One POST form per
//! step the order's state allows; `caas_app::delivery::staff_entries`
//! applies them exactly as the carrier's webhooks would.

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, STAFF};
use crate::state::AppState;
use crate::web::forms::FormData;
use crate::web::intranet::delivery::answer;

use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::post;
use caas_app::delivery::staff_entries::{record_delivery_entry, DeliveryEntry};
use caas_app::AppError;
use caas_domain::account::Account;
use caas_domain::ids::OrderId;
use caas_domain::order::{Order, OrderState};
use caas_domain::order_delivery::AttemptOutcome;
use chrono::{DateTime, NaiveDateTime, Utc};

/// Routes of these forms.
pub fn routes() -> Vec<RouteDef> {
    vec![def(
        Method::POST,
        "/intranet/orders/{order_id}/delivery-entry",
        Surface::Web,
        Access::Roles(STAFF),
        post(delivery_entry_post),
    )]
}

/// Which entry forms the order page shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct EntryForms {
    /// Factory leg embarked (ORDERED, IN_PRODUCTION).
    pub factory: bool,
    /// Home delivery embarked (REGISTERED).
    pub embark: bool,
    /// Arrived and the outcome at the door (an attempt under way).
    pub at_door: bool,
    /// The phone outcome (after a failed attempt).
    pub phone: bool,
}

impl EntryForms {
    /// Whether any form is shown.
    pub fn any(&self) -> bool {
        self.factory || self.embark || self.at_door || self.phone
    }
}

/// The forms `staff` may use on `o` now.
pub fn entry_forms(o: &Order, staff: &Account) -> EntryForms {
    if !caas_domain::staff_policy::handles_deliveries(staff.role) {
        return EntryForms::default();
    }
    let current = o
        .home
        .attempts
        .last()
        .filter(|a| a.outcome == AttemptOutcome::Pending);
    let out = o.state == OrderState::OutForDelivery;
    EntryForms {
        factory: matches!(o.state, OrderState::Ordered | OrderState::InProduction),
        embark: o.state == OrderState::Registered,
        at_door: out && current.is_some_and(|a| a.handover_outcome.is_none()),
        phone: out && current.is_some_and(|a| a.handover_outcome.is_some()),
    }
}

/// `datetime-local` (read as UTC, as the pages show times).
fn when(f: &FormData, name: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    let v = f.get(name);
    if v.trim().is_empty() {
        return Ok(None);
    }
    NaiveDateTime::parse_from_str(v.trim(), "%Y-%m-%dT%H:%M")
        .map(|t| Some(t.and_utc()))
        .map_err(|_| AppError::Invalid {
            field: name.into(),
            message: "a date and time (YYYY-MM-DDTHH:MM, UTC)".into(),
        })
}

fn required(f: &FormData, name: &str) -> Result<DateTime<Utc>, AppError> {
    when(f, name)?.ok_or_else(|| AppError::Invalid {
        field: name.into(),
        message: "required".into(),
    })
}

fn optional(f: &FormData, name: &str) -> Option<String> {
    Some(f.get(name).trim().to_owned()).filter(|v| !v.is_empty())
}

/// The entry the form describes.
fn entry_of(f: &FormData) -> Result<DeliveryEntry, AppError> {
    Ok(match f.get("entry").as_str() {
        "factory_embarked" => DeliveryEntry::FactoryEmbarked {
            carrier: f.get("carrier"),
            origin: f.get("origin"),
            vin: optional(f, "vin"),
        },
        "embarked" => DeliveryEntry::Embarked {
            window_start: required(f, "window_start")?,
            window_end: required(f, "window_end")?,
        },
        "arrived" => DeliveryEntry::Arrived,
        "delivered" => DeliveryEntry::Delivered {
            receiver_name: f.get("receiver_name"),
            document_number: f.get("document_number"),
        },
        "not_delivered" => DeliveryEntry::NotDelivered {
            outcome: f.get("outcome"),
        },
        "phone" => DeliveryEntry::Phone {
            reached: f.get("reached") == "yes",
            window_start: when(f, "window_start")?,
            window_end: when(f, "window_end")?,
        },
        _ => return Err(AppError::BadRequest("unknown delivery entry".into())),
    })
}

async fn delivery_entry_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let r = match entry_of(&f) {
        Ok(entry) => {
            record_delivery_entry(&state.app, &user.viewer.ctx, &user.account, &id, &entry).await
        }
        Err(e) => Err(e),
    };
    answer(&state, &user, &id, r, "entry_recorded", f).await
}
