//! SMTP delivery (lettre, rustls) implementing the [`MailSender`] port.

use caas_domain::mail::OutboundEmail;
use caas_domain::ports::{MailSender, PartnerError};
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Sends outbox email through one SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Configuration errors of the SMTP client.
#[derive(Debug, thiserror::Error)]
pub enum SmtpConfigError {
    /// The URL is not a valid `smtp://` or `smtps://` URL.
    #[error("smtp_url is not valid: {0}")]
    Url(String),
    /// The sender address is not valid.
    #[error("mail_from is not a valid mailbox: {0}")]
    From(String),
}

impl SmtpMailer {
    /// `url` as lettre understands it: `smtp://host:port` (plain, for local
    /// servers), `smtp://user:pass@host:587?tls=required`, `smtps://host:465`.
    pub fn from_url(url: &str, from: &str) -> Result<Self, SmtpConfigError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| SmtpConfigError::Url(e.to_string()))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| SmtpConfigError::From(e.to_string()))?;
        Ok(Self { transport, from })
    }
}

#[async_trait::async_trait]
impl MailSender for SmtpMailer {
    #[tracing::instrument(skip_all, fields(email_id = %email.id))]
    async fn send(&self, email: &OutboundEmail) -> Result<(), PartnerError> {
        let to = email
            .to
            .as_str()
            .parse::<Mailbox>()
            .map_err(|e| PartnerError::Permanent(format!("recipient: {e}")))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(format!("<{}@caas>", email.id)))
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(email.body_text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(email.body_html.clone()),
                    ),
            )
            .map_err(|e| PartnerError::Permanent(format!("building message: {e}")))?;
        match self.transport.send(msg).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(PartnerError::Permanent(e.to_string())),
            Err(e) => Err(PartnerError::Transient(e.to_string())),
        }
    }
}
