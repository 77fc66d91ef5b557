//! Accounts, roles and languages, with the rules on who may exist and how.

use crate::email::EmailAddress;
use crate::ids::{AccountId, DealershipId};
use crate::DomainError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The roles of SEC-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// A car owner; created only by a registered sale.
    Customer,
    /// Dealership sales employee.
    Sales,
    /// Dealership operations staff.
    DealerOps,
    /// Technical support.
    Support,
    /// Platform administrator (belongs to no dealership).
    Admin,
}

impl Role {
    /// All roles, in display order.
    pub const ALL: [Role; 5] = [
        Role::Customer,
        Role::Sales,
        Role::DealerOps,
        Role::Support,
        Role::Admin,
    ];

    /// Stable text form, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "CUSTOMER",
            Role::Sales => "SALES",
            Role::DealerOps => "DEALER_OPS",
            Role::Support => "SUPPORT",
            Role::Admin => "ADMIN",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| DomainError::invalid("role", format!("unknown role {s:?}")))
    }

    /// Staff roles work for a dealership (all but CUSTOMER and ADMIN).
    pub fn needs_dealership(self) -> bool {
        matches!(self, Role::Sales | Role::DealerOps | Role::Support)
    }

    /// Whether this is a staff role (anything but CUSTOMER).
    pub fn is_staff(self) -> bool {
        self != Role::Customer
    }
}

/// Lifecycle of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Created; waiting for the owner to set a password through the emailed link.
    Pending,
    /// Can log in.
    Active,
    /// Blocked by an administrator; sessions and tokens revoked.
    Disabled,
}

impl AccountStatus {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Pending => "pending",
            AccountStatus::Active => "active",
            AccountStatus::Disabled => "disabled",
        }
    }

    /// Parses the text form.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        match s {
            "pending" => Ok(Self::Pending),
            "active" => Ok(Self::Active),
            "disabled" => Ok(Self::Disabled),
            _ => Err(DomainError::invalid(
                "status",
                format!("unknown status {s:?}"),
            )),
        }
    }
}

/// The languages the platform speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Spanish (default).
    #[default]
    Es,
    /// English.
    En,
}

impl Language {
    /// BCP 47 primary tag.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Es => "es",
            Language::En => "en",
        }
    }

    /// Parses a BCP 47 tag (`es`, `es-ES`, `en-GB`…).
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let primary = s
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "es" => Ok(Self::Es),
            "en" => Ok(Self::En),
            _ => Err(DomainError::invalid(
                "language",
                format!("unsupported language {s:?}"),
            )),
        }
    }

    /// Picks the best supported language from an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Language)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if let Ok(lang) = Language::parse(tag) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, l)| l)
    }
}

/// Display name of a person (1–120 chars, trimmed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    /// Validates a name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DomainError::invalid("name", "is required"));
        }
        if s.chars().count() > 120 || s.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "name",
                "must be at most 120 printable characters",
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person who can log in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Identifier.
    pub id: AccountId,
    /// Login and contact address (unique).
    pub email: EmailAddress,
    /// Display name.
    pub name: String,
    /// Role (SEC-2).
    pub role: Role,
    /// Dealership of staff; `None` for customers and administrators.
    pub dealership_id: Option<DealershipId>,
    /// Preferred language.
    pub language: Language,
    /// Lifecycle status.
    pub status: AccountStatus,
    /// Argon2id PHC string; `None` until activation.
    #[serde(skip)]
    pub password_hash: Option<String>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic version: an update writes `version + 1` over `version`.
    pub version: i64,
}

impl Account {
    /// Checks the role/dealership pairing rule: staff belong to exactly one
    /// dealership, ADMIN and CUSTOMER to none.
    pub fn check_role_dealership(
        role: Role,
        dealership: Option<&DealershipId>,
    ) -> Result<(), DomainError> {
        match (role.needs_dealership(), dealership) {
            (true, None) => Err(DomainError::invalid(
                "dealership_id",
                "staff must belong to a dealership",
            )),
            (false, Some(_)) => Err(DomainError::invalid(
                "dealership_id",
                format!("{} accounts belong to no dealership", role.as_str()),
            )),
            _ => Ok(()),
        }
    }

    /// Whether the account may log in.
    pub fn can_log_in(&self) -> bool {
        self.status == AccountStatus::Active && self.password_hash.is_some()
    }
}

/// Password rules (AUTH-7 covers storage; this covers choice).
pub fn check_new_password(password: &str) -> Result<(), DomainError> {
    let n = password.chars().count();
    if n < 10 {
        return Err(DomainError::invalid(
            "password",
            "must have at least 10 characters",
        ));
    }
    if n > 200 {
        return Err(DomainError::invalid(
            "password",
            "must have at most 200 characters",
        ));
    }
    if password.trim().is_empty() {
        return Err(DomainError::invalid("password", "must not be blank"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_need_exactly_one_dealership_and_admins_none() {
        let d = DealershipId::new();
        assert!(Account::check_role_dealership(Role::Sales, None).is_err());
        assert!(Account::check_role_dealership(Role::Sales, Some(&d)).is_ok());
        assert!(Account::check_role_dealership(Role::Admin, Some(&d)).is_err());
        assert!(Account::check_role_dealership(Role::Admin, None).is_ok());
        assert!(Account::check_role_dealership(Role::Customer, Some(&d)).is_err());
    }

    #[test]
    fn accept_language_prefers_the_highest_quality_supported_tag() {
        assert_eq!(
            Language::from_accept_language("en-GB,en;q=0.9,es;q=0.8"),
            Some(Language::En)
        );
        assert_eq!(
            Language::from_accept_language("fr-FR, es;q=0.5, en;q=0.4"),
            Some(Language::Es)
        );
        assert_eq!(Language::from_accept_language("de, fr"), None);
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("a-long-enough-one").is_ok());
    }

    #[test]
    fn roles_round_trip_through_text() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("ROOT").is_err());
    }
}
