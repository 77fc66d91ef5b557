//! What a simulated registry hands out: plate numbers in each country's
//! format (`registration-api.md`, plate table), registration ids
//! `reg_{cc}_…` and certificate numbers.

use rand::seq::SliceRandom;
use rand::Rng;

/// ES: consonants without Ñ and Q.
const ES_LETTERS: &[u8] = b"BCDFGHJKLMNPRSTVWXYZ";
/// PT and DE: any letter.
const ALL_LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// FR SIV: no I, O, U.
const FR_LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTVWXYZ";
/// IT: no I, O, Q, U.
const IT_LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTVWXYZ";
/// DE districts (some with umlauts, up to three letters).
const DE_DISTRICTS: &[&str] = &[
    "B", "M", "HH", "K", "F", "S", "KA", "HB", "MÜ", "DÜW", "BÖ", "LÖ",
];
/// Characters of registration id suffixes.
const ID_CHARS: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn letters(rng: &mut impl Rng, alphabet: &[u8], n: usize) -> String {
    (0..n)
        .filter_map(|_| alphabet.choose(rng).map(|b| char::from(*b)))
        .collect()
}

/// A random plate of `cc` (upper case) for a vehicle of `propulsion`;
/// `None` for an unknown country. Uniqueness is the caller's job.
pub fn random_plate(cc: &str, propulsion: &str, rng: &mut impl Rng) -> Option<String> {
    let plate = match cc {
        "ES" => format!(
            "{:04} {}",
            rng.gen_range(0..10_000),
            letters(rng, ES_LETTERS, 3)
        ),
        "PT" => format!(
            "{}-{:02}-{}",
            letters(rng, ALL_LETTERS, 2),
            rng.gen_range(0..100),
            letters(rng, ALL_LETTERS, 2)
        ),
        "FR" => format!(
            "{}-{:03}-{}",
            letters(rng, FR_LETTERS, 2),
            rng.gen_range(1..1000),
            letters(rng, FR_LETTERS, 2)
        ),
        "DE" => de_plate(propulsion == "bev", rng),
        "IT" => format!(
            "{} {:03} {}",
            letters(rng, IT_LETTERS, 2),
            rng.gen_range(0..1000),
            letters(rng, IT_LETTERS, 2)
        ),
        _ => return None,
    };
    Some(plate)
}

/// `M-CA 123E`: district, 1–2 letters, 1–4 digits without a leading zero,
/// `E` for electric vehicles; at most 8 letters and digits including the `E`.
fn de_plate(electric: bool, rng: &mut impl Rng) -> String {
    let district = DE_DISTRICTS.choose(rng).copied().unwrap_or("B");
    let middle_len = rng.gen_range(1..=2);
    let middle = letters(rng, ALL_LETTERS, middle_len);
    let used = district.chars().count() + middle.len() + usize::from(electric);
    let digits = 8usize.saturating_sub(used).clamp(1, 4);
    let max = 10u32.pow(u32::try_from(digits).unwrap_or(1));
    let number = rng.gen_range(1..max);
    let suffix = if electric { "E" } else { "" };
    format!("{district}-{middle} {number}{suffix}")
}

/// A random `reg_{cc}_XXXXXXXX` id (uniqueness is the caller's job).
pub fn random_registration_id(cc: &str, rng: &mut impl Rng) -> String {
    format!(
        "reg_{}_{}",
        cc.to_ascii_lowercase(),
        letters(rng, ID_CHARS, 8)
    )
}

/// The certificate number of the `seq`-th registration of `cc` in `year`,
/// e.g. `ES-PC-2026-0000042`.
pub fn certificate_number(cc: &str, year: i32, seq: usize) -> String {
    let kind = match cc {
        "ES" => "PC",
        "PT" => "DUA",
        "FR" => "CI",
        "DE" => "ZB1",
        _ => "DU",
    };
    format!("{cc}-{kind}-{year}-{seq:07}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use caas_partners::registration::{plate_matches, COUNTRIES};

    #[test]
    fn generated_plates_match_the_contract_regexes() {
        let mut rng = rand::thread_rng();
        for cc in COUNTRIES {
            for propulsion in ["bev", "phev", "petrol"] {
                for _ in 0..300 {
                    let plate = random_plate(cc, propulsion, &mut rng).unwrap();
                    assert!(plate_matches(cc, &plate), "{cc} {plate}");
                    if cc == "DE" {
                        assert_eq!(plate.ends_with('E'), propulsion == "bev", "{plate}");
                        let total = plate.chars().filter(|c| c.is_alphanumeric()).count();
                        assert!(total <= 8, "{plate}");
                    }
                }
            }
        }
        assert!(random_plate("GB", "bev", &mut rng).is_none());
    }

    #[test]
    fn ids_and_certificates_have_the_documented_shapes() {
        let id = random_registration_id("ES", &mut rand::thread_rng());
        assert!(id.starts_with("reg_es_") && id.len() == 15, "{id}");
        assert_eq!(certificate_number("ES", 2026, 42), "ES-PC-2026-0000042");
    }
}
