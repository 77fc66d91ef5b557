//! The support queue (ADM-4): a failed activation or a feature that could
//! not be switched off opens a case in the purchase's own transaction
//! ([`open_case_in`]); SUPPORT (and ADMIN) read the queue, each case with
//! its diagnostic package — the purchase's attempt log (command ids, codes,
//! times), the state snapshot of its confirming `state.query`, the payment
//! reference and whether the authorisation was voided — and record a
//! resolution, audited.

use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::Account;
use caas_domain::audit::AuditEntry;
use caas_domain::fleet::FeatureState;
use caas_domain::ids::SupportCaseId;
use caas_domain::ports::Tx;
use caas_domain::purchase::attempt::{CommandAttempt, CommandKind};
use caas_domain::purchase::{Purchase, ServicePaymentState};
use caas_domain::staff_policy::handles_support;
use caas_domain::support::{parse_resolution, SupportCase, SupportCaseKind};
use serde_json::json;

/// Cases listed.
const QUEUE_LIMIT: i64 = 200;

/// Opens the case of `kind` for `p` (once per purchase and kind).
pub async fn open_case_in(
    tx: &mut dyn Tx,
    app: &App,
    p: &Purchase,
    kind: SupportCaseKind,
    summary: &str,
) -> AppResult<bool> {
    let c = SupportCase {
        id: SupportCaseId::new(),
        kind,
        priority: kind.priority(),
        purchase_id: p.id.clone(),
        vehicle_id: p.vehicle_id.clone(),
        order_id: p.order_id.clone(),
        summary: summary.to_owned(),
        opened_at: app.clock.now(),
        resolution: None,
    };
    Ok(tx.insert_support_case(&c).await?)
}

/// The diagnostic package of a case, read from its purchase.
#[derive(Debug, Clone)]
pub struct DiagnosticPackage {
    /// The purchase.
    pub purchase: Purchase,
    /// Every command sent, oldest first (ids, kinds, codes, times).
    pub attempts: Vec<CommandAttempt>,
    /// The features the last answered `state.query` reported.
    pub snapshot: Option<Vec<FeatureState>>,
    /// The gateway's intent (payment reference).
    pub payment_reference: Option<String>,
    /// The authorisation was voided (nothing charged).
    pub voided: bool,
}

impl DiagnosticPackage {
    /// The package of `p`.
    pub fn of(p: &Purchase) -> Self {
        let snapshot = p
            .commands
            .iter()
            .rev()
            .filter(|c| c.kind == CommandKind::Query)
            .find_map(|c| c.result_features.clone());
        Self {
            purchase: p.clone(),
            attempts: p.commands.clone(),
            snapshot,
            payment_reference: p.payment.intent_id.clone(),
            voided: p.payment.state == ServicePaymentState::Voided,
        }
    }
}

/// A case with its package.
#[derive(Debug, Clone)]
pub struct CaseDetail {
    /// The case.
    pub case: SupportCase,
    /// Its package (`None` if the purchase is gone).
    pub package: Option<DiagnosticPackage>,
}

fn allowed(actor: &Account) -> AppResult<()> {
    if handles_support(actor.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The queue: open cases by priority then age, then the resolved ones.
pub async fn queue(app: &App, actor: &Account) -> AppResult<Vec<CaseDetail>> {
    allowed(actor)?;
    let mut tx = app.store.read().await?;
    let cases = tx.list_support_cases(true, QUEUE_LIMIT).await?;
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let package = tx
            .find_purchase(&case.purchase_id)
            .await?
            .map(|p| DiagnosticPackage::of(&p));
        out.push(CaseDetail { case, package });
    }
    Ok(out)
}

/// One case with its package.
pub async fn case_detail(app: &App, actor: &Account, id: &SupportCaseId) -> AppResult<CaseDetail> {
    allowed(actor)?;
    let mut tx = app.store.read().await?;
    let case = tx.find_support_case(id).await?.ok_or(AppError::NotFound)?;
    let package = tx
        .find_purchase(&case.purchase_id)
        .await?
        .map(|p| DiagnosticPackage::of(&p));
    Ok(CaseDetail { case, package })
}

/// Records how the case was resolved (who, when, what), audited.
pub async fn resolve(
    app: &App,
    ctx: &RequestContext,
    actor: &Account,
    id: &SupportCaseId,
    text: &str,
) -> AppResult<SupportCase> {
    allowed(actor)?;
    let text = parse_resolution(text)?;
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let case = tx.find_support_case(id).await?.ok_or(AppError::NotFound)?;
    if !tx.resolve_support_case(id, &actor.id, now, &text).await? {
        return Err(AppError::Conflict(crate::refusal::Refusal::new(
            "case_already_resolved",
            "Este caso ya está resuelto.",
            "This case is already resolved.",
        )));
    }
    tx.append_audit(
        &AuditEntry::new(now, actor.id.as_str(), "support.case_resolved")
            .subject(id.to_string())
            .details(
                json!({"purchase": case.purchase_id, "kind": case.kind.as_str(),
                "resolution": text}),
            )
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    let mut tx = app.store.read().await?;
    tx.find_support_case(id).await?.ok_or(AppError::NotFound)
}
