//! `/ops/accounts`: staff accounts (create, disable, enable, change role).
//! There is no way here to create a CUSTOMER: only a registered sale does.

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, ADMIN};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::render::{render, render_status, when, FormErrors, Page};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Form;
use caas_app::auth::staff::{self, NewStaff};
use caas_app::dealerships::list_dealerships;
use caas_app::AppError;
use caas_domain::account::{Language, Role};
use caas_domain::ids::{AccountId, DealershipId};
use serde::Deserialize;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    let admin = Access::Roles(ADMIN);
    vec![
        def(
            Method::GET,
            "/ops/accounts",
            Surface::Web,
            admin,
            get(view_accounts_get),
        ),
        def(
            Method::POST,
            "/ops/accounts",
            Surface::Web,
            admin,
            post(create_staff_post),
        ),
        def(
            Method::POST,
            "/ops/accounts/{account_id}/disable",
            Surface::Web,
            admin,
            post(disable_post),
        ),
        def(
            Method::POST,
            "/ops/accounts/{account_id}/enable",
            Surface::Web,
            admin,
            post(enable_post),
        ),
        def(
            Method::POST,
            "/ops/accounts/{account_id}/role",
            Surface::Web,
            admin,
            post(change_role_post),
        ),
    ]
}

struct AccountRow {
    id: String,
    email: String,
    name: String,
    role: &'static str,
    dealership: String,
    status: &'static str,
    created: String,
    is_staff: bool,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "ops_accounts.html")]
struct AccountsPage {
    p: Page,
    rows: Vec<AccountRow>,
    dealerships: Vec<(String, String)>,
    staff_roles: Vec<String>,
    errors: FormErrors,
    form: StaffForm,
}

/// Staff creation form.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct StaffForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    dealership_id: String,
    #[serde(default)]
    language: String,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    errors: FormErrors,
    form: StaffForm,
    notice: Option<&str>,
) -> Result<AccountsPage, AppError> {
    let m = Msg::for_lang(user.viewer.lang);
    let accounts = staff::list_accounts(&state.app, None).await?;
    let dealerships = list_dealerships(&state.app).await?;
    let name_of = |id: &Option<DealershipId>| {
        id.as_ref()
            .and_then(|id| dealerships.iter().find(|d| &d.id == id))
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    Ok(AccountsPage {
        p: Page::new(&user.viewer, m.accounts_title, "/ops/accounts").with_notice(notice),
        rows: accounts
            .iter()
            .map(|a| AccountRow {
                id: a.id.to_string(),
                email: a.email.to_string(),
                name: a.name.clone(),
                role: a.role.as_str(),
                dealership: name_of(&a.dealership_id),
                status: a.status.as_str(),
                created: when(&a.created_at),
                is_staff: a.role.is_staff(),
                disabled: a.status == caas_domain::account::AccountStatus::Disabled,
            })
            .collect(),
        dealerships: dealerships
            .iter()
            .map(|d| (d.id.to_string(), format!("{} ({})", d.name, d.locality)))
            .collect(),
        staff_roles: Role::ALL
            .iter()
            .filter(|r| r.is_staff())
            .map(|r| r.as_str().to_owned())
            .collect(),
        errors,
        form,
    })
}

async fn view_accounts_get(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    let p = page(
        &state,
        &user,
        FormErrors::default(),
        StaffForm::default(),
        None,
    )
    .await?;
    Ok(render(&p))
}

fn parse_dealership(s: &str) -> Result<Option<DealershipId>, AppError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    DealershipId::parse(s.trim())
        .map(Some)
        .map_err(|_| AppError::Invalid {
            field: "dealership_id".into(),
            message: "no such dealership".into(),
        })
}

async fn create_staff_post(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<StaffForm>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let result = async {
        let input = NewStaff {
            role: Role::parse(&f.role)?,
            dealership_id: parse_dealership(&f.dealership_id)?,
            email: f.email.clone(),
            name: f.name.clone(),
            language: Language::parse(&f.language).unwrap_or_default(),
        };
        staff::create_staff(
            &state.app,
            &user.viewer.ctx,
            user.account.id.as_str(),
            &input,
        )
        .await
    }
    .await;
    match result {
        Ok(_) => {
            let p = page(
                &state,
                &user,
                FormErrors::default(),
                StaffForm::default(),
                Some(m.staff_created),
            )
            .await?;
            Ok(render(&p))
        }
        Err(AppError::Invalid { field, message }) => {
            let mut errors = FormErrors::default();
            errors.add(&field, message);
            let p = page(&state, &user, errors, f, None).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(e.into()),
    }
}

fn account_id(s: &str) -> Result<AccountId, AppError> {
    AccountId::parse(s).map_err(|_| AppError::NotFound)
}

async fn disable_post(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = account_id(&id)?;
    staff::disable_account(&state.app, &user.viewer.ctx, &user.account, &id).await?;
    Ok(Redirect::to("/ops/accounts").into_response())
}

async fn enable_post(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = account_id(&id)?;
    staff::enable_account(&state.app, &user.viewer.ctx, &user.account, &id).await?;
    Ok(Redirect::to("/ops/accounts").into_response())
}

/// Role change form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    role: String,
    #[serde(default)]
    dealership_id: String,
}

async fn change_role_post(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    Form(f): Form<RoleForm>,
) -> Result<Response, WebError> {
    let id = account_id(&id)?;
    let role = Role::parse(&f.role)?;
    let dealership = parse_dealership(&f.dealership_id)?;
    staff::change_role(
        &state.app,
        &user.viewer.ctx,
        &user.account,
        &id,
        role,
        dealership,
    )
    .await?;
    Ok(Redirect::to("/ops/accounts").into_response())
}
