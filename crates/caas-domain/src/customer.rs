//! Customer identity given at sale registration: identity document, E.164
//! phone and postal addresses (SALE-1). Kept per customer account; each
//! order also keeps the snapshot it was sold with.

use crate::dealership::parse_country;
use crate::ids::AccountId;
use crate::DomainError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Kind of identity document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum DocumentType {
    /// Spanish national id.
    Dni,
    /// Spanish foreigner id.
    Nie,
    /// Passport.
    Passport,
    /// Other national id card.
    IdCard,
    /// Tax id of a company.
    Tax,
}

impl DocumentType {
    /// Every type.
    pub const ALL: [Self; 5] = [
        Self::Dni,
        Self::Nie,
        Self::Passport,
        Self::IdCard,
        Self::Tax,
    ];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dni => "DNI",
            Self::Nie => "NIE",
            Self::Passport => "PASSPORT",
            Self::IdCard => "ID_CARD",
            Self::Tax => "TAX",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let up = s.trim().to_ascii_uppercase();
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == up)
            .ok_or_else(|| {
                DomainError::invalid("document_type", "choose DNI, NIE, PASSPORT, ID_CARD or TAX")
            })
    }
}

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityDocument {
    /// Kind.
    pub kind: DocumentType,
    /// Number, upper case without spaces.
    pub number: String,
}

impl IdentityDocument {
    /// Validates the number (4–20 letters or digits; a DNI is 8 digits and its letter).
    pub fn parse(kind: DocumentType, number: &str) -> Result<Self, DomainError> {
        let n: String = number
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let n = n.to_ascii_uppercase();
        if !(4..=20).contains(&n.len()) || !n.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(DomainError::invalid(
                "document_number",
                "use 4 to 20 letters or digits",
            ));
        }
        if kind == DocumentType::Dni {
            let (digits, letter) = n.split_at(n.len().saturating_sub(1));
            let ok = digits.len() == 8
                && digits.bytes().all(|b| b.is_ascii_digit())
                && digits
                    .parse::<u32>()
                    .ok()
                    .map(|v| DNI_LETTERS[(v % 23) as usize])
                    == letter.bytes().next();
            if !ok {
                return Err(DomainError::invalid(
                    "document_number",
                    "not a valid DNI (8 digits and its check letter)",
                ));
            }
        }
        Ok(Self { kind, number: n })
    }
}

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// A phone number in E.164 (`+34612345678`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts `+` and 8–15 digits; spaces are removed.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let p: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let digits = p.strip_prefix('+').unwrap_or("");
        if (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
        {
            Ok(Self(p))
        } else {
            Err(DomainError::invalid(
                "phone",
                "use international format, e.g. +34612345678",
            ))
        }
    }

    /// The number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        Self::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// A postal address in a country of operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalAddress {
    /// Street and number.
    pub line1: String,
    /// Postal code.
    pub postal_code: String,
    /// Town or city.
    pub locality: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

impl PostalAddress {
    /// Validates each part; `prefix` names the form group (`address`, `delivery`).
    pub fn parse(
        fields: [&'static str; 4],
        line1: &str,
        postal_code: &str,
        locality: &str,
        country: &str,
    ) -> Result<Self, DomainError> {
        let req = |field: &'static str, v: &str, max: usize| -> Result<String, DomainError> {
            let v = v.trim();
            if v.is_empty() {
                Err(DomainError::invalid(field, "required"))
            } else if v.chars().count() > max {
                Err(DomainError::invalid(
                    field,
                    format!("at most {max} characters"),
                ))
            } else {
                Ok(v.to_owned())
            }
        };
        let line1 = req(fields[0], line1, 200)?;
        let postal_code = req(fields[1], postal_code, 12)?;
        let locality = req(fields[2], locality, 100)?;
        let country = parse_country(country).map_err(|_| {
            DomainError::invalid(fields[3], "not a country of operation (ES, PT, FR, DE, IT)")
        })?;
        Ok(Self {
            line1,
            postal_code,
            locality,
            country,
        })
    }
}

/// What the platform knows about a customer beyond the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerProfile {
    /// The customer account.
    pub account_id: AccountId,
    /// Identity document.
    pub document: IdentityDocument,
    /// Mobile phone (SMS channel).
    pub phone: Option<Phone>,
    /// Home address.
    pub address: PostalAddress,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dni_needs_its_check_letter() {
        assert!(IdentityDocument::parse(DocumentType::Dni, "12345678Z").is_ok());
        assert!(IdentityDocument::parse(DocumentType::Dni, "12345678A").is_err());
        assert!(IdentityDocument::parse(DocumentType::Passport, "X1234567").is_ok());
    }

    #[test]
    fn phones_must_be_e164() {
        assert_eq!(
            Phone::parse("+34 612 345 678").unwrap().as_str(),
            "+34612345678"
        );
        assert!(Phone::parse("612345678").is_err());
        assert!(Phone::parse("+34abc").is_err());
    }

    #[test]
    fn addresses_need_every_part_and_a_country_of_operation() {
        let f = ["a", "b", "c", "d"];
        assert!(PostalAddress::parse(f, "Gran Vía 1", "28013", "Madrid", "es").is_ok());
        assert_eq!(
            PostalAddress::parse(f, "x", "1", "y", "US").unwrap_err(),
            DomainError::invalid("d", "not a country of operation (ES, PT, FR, DE, IT)")
        );
        assert!(PostalAddress::parse(f, " ", "1", "y", "ES").is_err());
    }
}
