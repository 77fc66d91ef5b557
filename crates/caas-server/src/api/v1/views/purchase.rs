//! JSON of the feature store: a purchase with its state, period, money,
//! withdrawal terms and attempt log; a quote before confirming; a basket's
//! outcome.

use super::money::MoneyOut;
use caas_app::purchases::{BasketOutcome, Quote};
use caas_domain::purchase::attempt::CommandAttempt;
use caas_domain::purchase::withdrawal::WithdrawalTerms;
use caas_domain::purchase::{Purchase, ServicePaymentState};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// When a purchase may be withdrawn.
#[derive(Debug, Serialize, ToSchema)]
pub struct WithdrawalOut {
    /// `first_days_after_activation` (more than 14 days contracted) or `while_active`.
    pub rule: String,
    /// Window length for `first_days_after_activation`.
    pub days: Option<i64>,
    /// Last moment to withdraw, once activated.
    pub deadline: Option<DateTime<Utc>>,
}

impl WithdrawalOut {
    fn new(
        t: &WithdrawalTerms,
        activated_at: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> Self {
        let (rule, days) = match t {
            WithdrawalTerms::FirstDaysAfterActivation { days } => {
                ("first_days_after_activation", Some(*days))
            }
            WithdrawalTerms::WhileActive => ("while_active", None),
        };
        Self {
            rule: rule.to_owned(),
            days,
            deadline: activated_at.and_then(|a| t.deadline(a, end)),
        }
    }
}

/// One command sent to the car for a purchase.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommandOut {
    /// `cmd_…`.
    pub command_id: String,
    /// `feature.enable`, `feature.disable` or `state.query`.
    pub kind: String,
    /// Issued.
    pub issued_at: DateTime<Utc>,
    /// Times published.
    pub publishes: u32,
    /// Final status (`succeeded`, `rejected`, `failed`, `expired`), if any.
    pub status: Option<String>,
    /// Error code of a refusal.
    pub error_code: Option<String>,
}

impl From<&CommandAttempt> for CommandOut {
    fn from(c: &CommandAttempt) -> Self {
        Self {
            command_id: c.command_id.clone(),
            kind: c.kind.wire_type().to_owned(),
            issued_at: c.issued_at,
            publishes: c.publishes,
            status: c.final_status.map(|s| s.as_str().to_owned()),
            error_code: c.error_code.clone(),
        }
    }
}

/// A purchase of one service.
#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseOut {
    /// `pur_…`.
    pub id: String,
    /// `bsk_…`.
    pub basket_id: String,
    /// `veh_…`.
    pub vehicle_id: String,
    /// Option code.
    pub option_code: String,
    /// Offer bought (`off_…`).
    pub offer_id: String,
    /// `time_limited` or `lifetime`.
    pub model: String,
    /// Price paid (or to be paid).
    pub price: MoneyOut,
    /// SPEC §4.2 state (`REQUESTED`, `AUTHORIZING`, `ACTIVATING`, `RETRY_WAIT`, `ACTIVE`, `FAILED_NOT_CHARGED`…).
    pub state: String,
    /// `CREATED`, `AUTHORIZED`, `CAPTURED`, `VOIDED`, `DECLINED` or `DEBT`.
    pub payment_state: String,
    /// Why it was refused or failed (stable code).
    pub reason: Option<String>,
    /// Start of the period.
    pub starts_at: DateTime<Utc>,
    /// End of the period; null for lifetime.
    pub ends_at: Option<DateTime<Utc>>,
    /// Activation tries made and allowed.
    pub attempts: u32,
    /// Tries allowed.
    pub max_attempts: u32,
    /// When the car confirmed the feature.
    pub activated_at: Option<DateTime<Utc>>,
    /// Withdrawal terms.
    pub withdrawal: WithdrawalOut,
    /// Every command sent, oldest first.
    pub commands: Vec<CommandOut>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<&Purchase> for PurchaseOut {
    fn from(p: &Purchase) -> Self {
        let payment_state = match p.payment.state {
            ServicePaymentState::Created => "CREATED",
            ServicePaymentState::Authorized => "AUTHORIZED",
            ServicePaymentState::Declined => "DECLINED",
            ServicePaymentState::Captured => "CAPTURED",
            ServicePaymentState::Voided => "VOIDED",
            ServicePaymentState::Debt => "DEBT",
        };
        Self {
            id: p.id.to_string(),
            basket_id: p.basket_id.to_string(),
            vehicle_id: p.vehicle_id.to_string(),
            option_code: p.item.option_code.clone(),
            offer_id: p.item.offer_id.to_string(),
            model: p.item.pricing.as_str().to_owned(),
            price: p.item.price.into(),
            state: p.state.as_str().to_owned(),
            payment_state: payment_state.to_owned(),
            reason: p.reason.clone(),
            starts_at: p.period.starts_at,
            ends_at: p.period.ends_at,
            attempts: p.attempts,
            max_attempts: p.max_attempts,
            activated_at: p.activated_at,
            withdrawal: WithdrawalOut::new(&p.withdrawal, p.activated_at, p.period.ends_at),
            commands: p.commands.iter().map(CommandOut::from).collect(),
            created_at: p.created_at,
        }
    }
}

/// What the owner confirms before paying (SVC-5).
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteOut {
    /// Option code.
    pub option_code: String,
    /// Offer.
    pub offer_id: String,
    /// Price.
    pub price: MoneyOut,
    /// Start (now, or the end of the running purchase it extends).
    pub starts_at: DateTime<Utc>,
    /// End; null for lifetime.
    pub ends_at: Option<DateTime<Utc>>,
    /// The active purchase this one extends.
    pub extends: Option<String>,
    /// Withdrawal terms (the deadline counts from activation).
    pub withdrawal: WithdrawalOut,
}

impl From<&Quote> for QuoteOut {
    fn from(q: &Quote) -> Self {
        let e = &q.eligible;
        Self {
            option_code: e.item.option_code.clone(),
            offer_id: e.item.offer_id.to_string(),
            price: e.item.price.into(),
            starts_at: e.period.starts_at,
            ends_at: e.period.ends_at,
            extends: e.extends.as_ref().map(|p| p.to_string()),
            withdrawal: WithdrawalOut::new(
                &e.withdrawal,
                Some(e.period.starts_at),
                e.period.ends_at,
            ),
        }
    }
}

/// An item of a basket that was refused.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefusedItemOut {
    /// Option code.
    pub option_code: String,
    /// Stable reason code.
    pub code: String,
    /// The reason, in the caller's language.
    pub detail: String,
}

/// The outcome of a basket: each item on its own (SVC-4).
#[derive(Debug, Serialize, ToSchema)]
pub struct BasketOut {
    /// Purchases started.
    pub accepted: Vec<PurchaseOut>,
    /// Items refused.
    pub refused: Vec<RefusedItemOut>,
}

impl BasketOut {
    /// The outcome with reasons in `lang`.
    pub fn new(b: &BasketOutcome, lang: caas_domain::account::Language) -> Self {
        Self {
            accepted: b.accepted.iter().map(PurchaseOut::from).collect(),
            refused: b
                .refused
                .iter()
                .map(|(code, r)| RefusedItemOut {
                    option_code: code.clone(),
                    code: r.code.to_owned(),
                    detail: r.text(lang).to_owned(),
                })
                .collect(),
        }
    }
}
