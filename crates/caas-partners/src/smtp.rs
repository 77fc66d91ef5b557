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
        let mut builder = Message::builder();
        if let Some(n) = &email.notification_id {
            builder = builder.header(TextHeader::notification_id(n));
        }
        if let Some(c) = &email.category {
            builder = builder.header(TextHeader::category(c));
        }
        let msg = builder
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(format!(
                "<{}@caas>",
                email
                    .notification_id
                    .as_deref()
                    .unwrap_or(email.id.as_str())
            )))
            .header(TextHeader::auto_submitted())
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

/// The contract's extra headers (`X-CaaS-Notification-Id`, `X-CaaS-Category`,
/// `Auto-Submitted`), as one lettre header type per name.
#[derive(Clone)]
struct TextHeader<const N: u8>(String);

impl TextHeader<0> {
    fn notification_id(v: &str) -> Self {
        Self(v.to_owned())
    }
}
impl TextHeader<1> {
    fn category(v: &str) -> Self {
        Self(v.to_owned())
    }
}
impl TextHeader<2> {
    fn auto_submitted() -> Self {
        Self("auto-generated".to_owned())
    }
}

impl<const N: u8> lettre::message::header::Header for TextHeader<N> {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str(match N {
            0 => "X-CaaS-Notification-Id",
            1 => "X-CaaS-Category",
            _ => "Auto-Submitted",
        })
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
    }
}
