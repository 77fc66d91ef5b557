//! The country rules of `registration-api.md`, as pure functions the
//! platform runs before calling a registry and the simulator enforces:
//! identity document types and formats (with the Spanish DNI/NIE letter),
//! plate formats, required documents and the authority of each service.
//! Patterns are quoted verbatim from the contract.

use super::pattern;
use thiserror::Error;

/// The countries with a registration service.
pub const COUNTRIES: [&str; 5] = ["ES", "PT", "FR", "DE", "IT"];

/// `passport` is accepted everywhere for individuals.
pub const PASSPORT_PATTERN: &str = "^[A-Z0-9]{6,9}$";

/// Check letters of the Spanish DNI/NIE, indexed by `number mod 23`.
const ES_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// Who may register with a document type (`owner.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerKind {
    /// `individual`.
    Individual,
    /// `company`.
    Company,
}

impl OwnerKind {
    /// The contract value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Company => "company",
        }
    }

    /// Parses the contract value.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "individual" => Some(Self::Individual),
            "company" => Some(Self::Company),
            _ => None,
        }
    }
}

/// `(country, type, owner kind, format)` of every national document type.
const IDENTITY: &[(&str, &str, OwnerKind, &str)] = {
    use OwnerKind::{Company as C, Individual as I};
    &[
        ("ES", "dni", I, "^[0-9]{8}[A-Z]$"),
        ("ES", "nie", I, "^[XYZ][0-9]{7}[A-Z]$"),
        ("ES", "cif", C, "^[A-HJNPQRSUVW][0-9]{7}[0-9A-J]$"),
        (
            "PT",
            "cartao_cidadao",
            I,
            "^[0-9]{8} ?[0-9][A-Z0-9]{2}[0-9]$",
        ),
        ("PT", "nif", I, "^[1-9][0-9]{8}$"),
        ("PT", "nipc", C, "^[5-9][0-9]{8}$"),
        ("FR", "cni", I, "^[A-Z0-9]{9,12}$"),
        ("FR", "titre_sejour", I, "^[0-9]{10}$"),
        ("FR", "siren", C, "^[0-9]{9}$"),
        ("DE", "personalausweis", I, "^[CFGHJKLMNPRTVWXYZ0-9]{9}$"),
        ("DE", "aufenthaltstitel", I, "^[A-Z0-9]{9}$"),
        ("DE", "handelsregister", C, "^HR[AB] [0-9]{1,6}[A-Z]?$"),
        ("IT", "carta_identita", I, "^[A-Z]{2}[0-9]{5}[A-Z]{2}$"),
        (
            "IT",
            "codice_fiscale",
            I,
            "^[A-Z]{6}[0-9]{2}[A-Z][0-9]{2}[A-Z][0-9]{3}[A-Z]$",
        ),
        ("IT", "partita_iva", C, "^[0-9]{11}$"),
    ]
};

/// `(country, authority, plate format)`.
const COUNTRY: &[(&str, &str, &str)] = &[
    ("ES", "DGT", "^[0-9]{4} [BCDFGHJKLMNPRSTVWXYZ]{3}$"),
    ("PT", "IMT", "^[A-Z]{2}-[0-9]{2}-[A-Z]{2}$"),
    (
        "FR",
        "ANTS",
        "^[A-HJ-NP-TV-Z]{2}-[0-9]{3}-[A-HJ-NP-TV-Z]{2}$",
    ),
    ("DE", "KBA", "^[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} [1-9][0-9]{0,3}E?$"),
    (
        "IT",
        "MCTC",
        "^[A-HJ-NPR-TV-Z]{2} [0-9]{3} [A-HJ-NPR-TV-Z]{2}$",
    ),
];

/// Documents every service requires.
const BASE_DOCUMENTS: [&str; 3] = [
    "certificate_of_conformity",
    "purchase_invoice",
    "owner_identity",
];

/// Why an identity document number is refused before calling the registry.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdentityProblem {
    /// No registration service for this country.
    #[error("no registration service for country {0}")]
    UnknownCountry(String),
    /// The document type is not accepted by this country's service.
    #[error("document type {doc_type} is not accepted in {country}")]
    UnsupportedType {
        /// Service country.
        country: String,
        /// Offending type.
        doc_type: String,
    },
    /// The number does not match the type's format.
    #[error("{doc_type} number does not match {pattern}")]
    Format {
        /// Document type.
        doc_type: String,
        /// The contract format.
        pattern: &'static str,
    },
    /// Spanish DNI/NIE with the wrong control letter.
    #[error("{doc_type} control letter should be {expected}")]
    CheckDigit {
        /// `dni` or `nie`.
        doc_type: String,
        /// The correct letter.
        expected: char,
    },
}

impl IdentityProblem {
    /// The contract `reason` of `owner_identity_invalid`: `check_digit` or `format`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::CheckDigit { .. } => "check_digit",
            _ => "format",
        }
    }
}

fn country_row(country: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    COUNTRY
        .iter()
        .find(|row| row.0.eq_ignore_ascii_case(country))
}

/// The owner kind and format of `doc_type` in `country` (passport included).
pub fn identity_format(country: &str, doc_type: &str) -> Option<(OwnerKind, &'static str)> {
    country_row(country)?;
    if doc_type == "passport" {
        return Some((OwnerKind::Individual, PASSPORT_PATTERN));
    }
    IDENTITY
        .iter()
        .find(|(cc, ty, _, _)| cc.eq_ignore_ascii_case(country) && *ty == doc_type)
        .map(|(_, _, kind, pattern)| (*kind, *pattern))
}

/// The control letter of a well-formed Spanish DNI (`12345678`) or NIE
/// (`X1234567`) body: letter = `TRWAGMYFPDXBNJZSQVHLCKE`[n mod 23], with the
/// NIE's X/Y/Z read as 0/1/2. `number` may include its letter.
pub fn es_check_letter(number: &str) -> Option<char> {
    let digits: String = number
        .chars()
        .take(8)
        .enumerate()
        .map(|(i, c)| match (i, c) {
            (0, 'X') => '0',
            (0, 'Y') => '1',
            (0, 'Z') => '2',
            _ => c,
        })
        .collect();
    let n: u64 = digits.parse().ok()?;
    let index = usize::try_from(n % 23).ok()?;
    ES_LETTERS.get(index).map(|b| char::from(*b))
}

/// Validates type, format and (ES `dni`/`nie`) control letter; returns the
/// kind of owner the document belongs to.
pub fn check_identity(
    country: &str,
    doc_type: &str,
    number: &str,
) -> Result<OwnerKind, IdentityProblem> {
    if country_row(country).is_none() {
        return Err(IdentityProblem::UnknownCountry(country.to_owned()));
    }
    let (kind, format) =
        identity_format(country, doc_type).ok_or_else(|| IdentityProblem::UnsupportedType {
            country: country.to_owned(),
            doc_type: doc_type.to_owned(),
        })?;
    if !pattern::matches(format, number) {
        return Err(IdentityProblem::Format {
            doc_type: doc_type.to_owned(),
            pattern: format,
        });
    }
    let spanish = country.eq_ignore_ascii_case("ES") && matches!(doc_type, "dni" | "nie");
    if spanish {
        let expected = es_check_letter(number).ok_or_else(|| IdentityProblem::Format {
            doc_type: doc_type.to_owned(),
            pattern: format,
        })?;
        if !number.ends_with(expected) {
            return Err(IdentityProblem::CheckDigit {
                doc_type: doc_type.to_owned(),
                expected,
            });
        }
    }
    Ok(kind)
}

/// [`check_identity`] with the problem as English text.
pub fn validate_identity(country: &str, doc_type: &str, number: &str) -> Result<(), String> {
    check_identity(country, doc_type, number)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The plate regex of `country`.
pub fn plate_pattern(country: &str) -> Option<&'static str> {
    country_row(country).map(|row| row.2)
}

/// True when `plate` is in the country's format, including the contract's
/// side rules: FR digits are never `000`; DE district, letters and digits
/// (the optional `E` suffix aside) total at most 8.
pub fn plate_matches(country: &str, plate: &str) -> bool {
    let Some(format) = plate_pattern(country) else {
        return false;
    };
    if !pattern::matches(format, plate) {
        return false;
    }
    match country.to_ascii_uppercase().as_str() {
        "FR" => !plate.contains("-000-"),
        "DE" => {
            let core = plate.strip_suffix('E').unwrap_or(plate);
            core.chars().filter(|c| c.is_alphanumeric()).count() <= 8
        }
        _ => true,
    }
}

/// Document types the service of `country` requires (the three common ones
/// for an unknown country).
pub fn required_documents(country: &str) -> &'static [&'static str] {
    const ES: [&str; 4] = [
        "certificate_of_conformity",
        "purchase_invoice",
        "owner_identity",
        "registration_tax_receipt",
    ];
    const FR: [&str; 4] = [
        "certificate_of_conformity",
        "purchase_invoice",
        "owner_identity",
        "proof_of_address",
    ];
    const DE: [&str; 4] = [
        "certificate_of_conformity",
        "purchase_invoice",
        "owner_identity",
        "insurance_confirmation",
    ];
    match country.to_ascii_uppercase().as_str() {
        "ES" => &ES,
        "FR" => &FR,
        "DE" => &DE,
        _ => &BASE_DOCUMENTS,
    }
}

/// The registry authority of `country` (`DGT`, `IMT`, `ANTS`, `KBA`, `MCTC`).
pub fn authority(country: &str) -> Option<&'static str> {
    country_row(country).map(|row| row.1)
}

#[cfg(test)]
mod tests;
