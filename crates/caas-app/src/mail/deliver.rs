//! The delivery job: hands one outbox email to SMTP, or holds it when no SMTP is set.

use crate::App;
use caas_domain::ids::EmailId;
use caas_domain::mail::EmailState;
use caas_domain::ports::PartnerError;

/// Delivers one email. Safe to repeat: a message no longer pending is left alone.
#[tracing::instrument(skip_all, fields(email_id = %email_id))]
pub async fn deliver_email(app: &App, email_id: &EmailId) -> anyhow::Result<()> {
    let email = {
        let mut tx = app.store.read().await?;
        tx.find_email(email_id).await?
    };
    let Some(email) = email else {
        anyhow::bail!("email {email_id} not found");
    };
    if email.state != EmailState::Pending {
        return Ok(());
    }
    let (state, error) = match &app.mailer {
        None => (EmailState::Held, None),
        Some(mailer) => match mailer.send(&email).await {
            Ok(()) => (EmailState::Sent, None),
            Err(PartnerError::Permanent(e)) => (EmailState::Failed, Some(e)),
            Err(PartnerError::Transient(e)) => anyhow::bail!("smtp: {e}"),
        },
    };
    let mut tx = app.store.begin().await?;
    tx.set_email_state(email_id, state, app.clock.now(), error.as_deref())
        .await?;
    tx.commit().await?;
    if let Some(n) = &email.notification_id {
        let what = match (state, &error) {
            (EmailState::Sent, _) => "accepted by the SMTP server".to_owned(),
            (EmailState::Held, _) => "held in the outbox (no SMTP server configured)".to_owned(),
            (_, Some(e)) => format!("refused by the SMTP server: {e}"),
            _ => "failed".to_owned(),
        };
        crate::notify::deliver::record_email_outcome(app, n, state != EmailState::Failed, &what)
            .await?;
    }
    tracing::info!(state = state.as_str(), "email delivery recorded");
    Ok(())
}
