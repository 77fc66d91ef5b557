//! Queueing an email: an outbox row plus its delivery job, in the caller's transaction.

use crate::error::AppResult;
use crate::jobs::AppJob;
use crate::mail::templates::MailTemplate;
use crate::App;
use caas_domain::account::Language;
use caas_domain::email::EmailAddress;
use caas_domain::ids::EmailId;
use caas_domain::mail::{EmailState, OutboundEmail};
use caas_domain::ports::Tx;

/// Renders `template` and stores it with a delivery job. Committing `tx` sends it.
pub async fn queue_email(
    tx: &mut dyn Tx,
    app: &App,
    to: &EmailAddress,
    language: Language,
    template: &MailTemplate,
) -> AppResult<EmailId> {
    let now = app.clock.now();
    let r = template.render(language);
    let email = OutboundEmail {
        id: EmailId::new(),
        to: to.clone(),
        subject: r.subject,
        body_text: r.text,
        body_html: r.html,
        template: template.name().to_owned(),
        language: language.as_str().to_owned(),
        state: EmailState::Pending,
        created_at: now,
        sent_at: None,
        last_error: None,
        notification_id: None,
        category: Some("credentials".to_owned()),
    };
    tx.insert_email(&email).await?;
    let job = AppJob::SendEmail {
        email_id: email.id.clone(),
    }
    .to_new_job(now, &app.settings)?;
    tx.enqueue_job(&job, now).await?;
    Ok(email.id)
}
