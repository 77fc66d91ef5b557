//! Email templates, rendered to subject, plain text and HTML per language.

use caas_domain::account::Language;

/// What an email says.
#[derive(Debug, Clone)]
pub enum MailTemplate {
    /// Set your first password (new customer or staff account).
    Activation {
        /// Recipient's name.
        name: String,
        /// Single-use link.
        link: String,
        /// Days the link stays valid.
        valid_days: i64,
    },
    /// Reset your password.
    PasswordReset {
        /// Recipient's name.
        name: String,
        /// Single-use link.
        link: String,
        /// Minutes the link stays valid.
        valid_minutes: i64,
    },
}

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
}

impl MailTemplate {
    /// Template name, stored with the email.
    pub fn name(&self) -> &'static str {
        match self {
            MailTemplate::Activation { .. } => "activation",
            MailTemplate::PasswordReset { .. } => "password_reset",
        }
    }

    /// Renders in `lang`.
    pub fn render(&self, lang: Language) -> Rendered {
        let (subject, greeting, lines, link, action) = match (self, lang) {
            (MailTemplate::Activation { name, link, valid_days }, Language::Es) => (
                "Activa tu cuenta de caas".to_owned(),
                format!("Hola, {name}:"),
                vec![
                    "Se ha creado tu cuenta en caas. Para empezar, elige tu contraseña con este enlace.".to_owned(),
                    format!("El enlace sirve una sola vez y caduca en {valid_days} días."),
                    "Si no esperabas este mensaje, ignóralo.".to_owned(),
                ],
                link,
                "Activar mi cuenta",
            ),
            (MailTemplate::Activation { name, link, valid_days }, Language::En) => (
                "Activate your caas account".to_owned(),
                format!("Hello {name},"),
                vec![
                    "Your caas account has been created. To get started, choose your password with this link.".to_owned(),
                    format!("The link works once and expires in {valid_days} days."),
                    "If you did not expect this message, ignore it.".to_owned(),
                ],
                link,
                "Activate my account",
            ),
            (MailTemplate::PasswordReset { name, link, valid_minutes }, Language::Es) => (
                "Restablece tu contraseña de caas".to_owned(),
                format!("Hola, {name}:"),
                vec![
                    "Hemos recibido una solicitud para restablecer tu contraseña.".to_owned(),
                    format!("El enlace sirve una sola vez y caduca en {valid_minutes} minutos."),
                    "Si no lo has pedido tú, ignora este mensaje: tu contraseña no cambia.".to_owned(),
                ],
                link,
                "Elegir una contraseña nueva",
            ),
            (MailTemplate::PasswordReset { name, link, valid_minutes }, Language::En) => (
                "Reset your caas password".to_owned(),
                format!("Hello {name},"),
                vec![
                    "We received a request to reset your password.".to_owned(),
                    format!("The link works once and expires in {valid_minutes} minutes."),
                    "If you did not ask for it, ignore this message: your password stays the same.".to_owned(),
                ],
                link,
                "Choose a new password",
            ),
        };
        let text = format!(
            "{greeting}\n\n{}\n\n{action}: {link}\n\n{}\n\n— caas\n",
            lines[0],
            lines[1..].join("\n")
        );
        let html = format!(
            "<!doctype html><html lang=\"{lang}\"><body style=\"font-family:sans-serif\"><p>{g}</p><p>{l0}</p>\
             <p><a href=\"{href}\">{a}</a></p><p style=\"font-size:small\">{href}</p><p>{rest}</p><p>— caas</p></body></html>",
            lang = lang.as_str(),
            g = escape(&greeting),
            l0 = escape(&lines[0]),
            href = escape(link),
            a = escape(action),
            rest = lines[1..].iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br>"),
        );
        Rendered {
            subject,
            text,
            html,
        }
    }
}

/// Minimal HTML escaping for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activation_mail_carries_the_link_in_both_languages() {
        let t = MailTemplate::Activation {
            name: "Ana <b>".into(),
            link: "http://x/activate?token=abc&x=1".into(),
            valid_days: 7,
        };
        let es = t.render(Language::Es);
        let en = t.render(Language::En);
        assert!(es.subject.contains("Activa"));
        assert!(en.subject.contains("Activate"));
        assert!(es.text.contains("http://x/activate?token=abc&x=1"));
        assert!(en
            .html
            .contains("href=\"http://x/activate?token=abc&amp;x=1\""));
        assert!(
            en.html.contains("Ana &lt;b&gt;"),
            "names are escaped in HTML"
        );
    }
}
