//! SMS encoding and segment counting: GSM 03.38 (GSM-7, with the extension
//! table counting two septets) or UCS-2 when any character is outside it.

use serde::Serialize;

/// GSM 03.38 basic character set (without the escape code).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension table (each costs an escape plus the character).
const GSM7_EXTENSION: &str = "\u{0c}^{}\\[~]|€";

/// Most segments a message may have.
pub const MAX_SEGMENTS: u32 = 6;

/// How a body is encoded on the air interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// 7-bit default alphabet: 160 septets single, 153 per concatenated part.
    Gsm7,
    /// UTF-16: 70 units single, 67 per concatenated part.
    Ucs2,
}

impl Encoding {
    /// `gsm7` / `ucs2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gsm7 => "gsm7",
            Self::Ucs2 => "ucs2",
        }
    }
}

/// Encoding, length in encoding units and number of segments of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segmentation {
    /// Chosen encoding.
    pub encoding: Encoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    /// Segments needed (1 for an empty body).
    pub segments: u32,
}

/// Septets a character costs in GSM-7, or `None` if it is not representable.
fn gsm7_cost(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Segments `units` need, given the single-part and per-part capacities.
fn segments_for(units: usize, single: usize, part: usize) -> u32 {
    let n = if units <= single {
        1
    } else {
        units.div_ceil(part)
    };
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Counts the segments of `body`.
pub fn segment(body: &str) -> Segmentation {
    let septets: Option<usize> = body.chars().map(gsm7_cost).sum();
    match septets {
        Some(units) => Segmentation {
            encoding: Encoding::Gsm7,
            units,
            segments: segments_for(units, 160, 153),
        },
        None => {
            let units = body.encode_utf16().count();
            Segmentation {
                encoding: Encoding::Ucs2,
                units,
                segments: segments_for(units, 70, 67),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_gsm7_and_splits_at_160_then_153() {
        assert_eq!(segment(&"a".repeat(160)).segments, 1);
        assert_eq!(segment(&"a".repeat(161)).segments, 2);
        assert_eq!(segment(&"a".repeat(306)).segments, 2);
        assert_eq!(segment(&"a".repeat(307)).segments, 3);
        assert_eq!(segment(&"a".repeat(918)).segments, 6);
        assert_eq!(segment(&"a".repeat(919)).segments, 7);
        assert_eq!(segment("Tu vehículo llega mañana").encoding, Encoding::Ucs2);
        assert_eq!(segment("Su vehículo").encoding, Encoding::Ucs2);
        assert_eq!(
            segment("Entrega: ¿mañana? Ñandù à €").encoding,
            Encoding::Gsm7
        );
    }

    #[test]
    fn extension_characters_cost_two_septets() {
        let s = segment("€[]");
        assert_eq!((s.encoding, s.units), (Encoding::Gsm7, 6));
        assert_eq!(segment(&"€".repeat(80)).segments, 1);
        assert_eq!(segment(&"€".repeat(81)).segments, 2);
    }

    #[test]
    fn any_non_gsm_character_forces_ucs2_with_70_then_67() {
        let emoji = format!("{}✓", "a".repeat(69));
        assert_eq!(segment(&emoji).segments, 1);
        let s = segment(&format!("{}✓", "a".repeat(70)));
        assert_eq!((s.encoding, s.units, s.segments), (Encoding::Ucs2, 71, 2));
        assert_eq!(segment(&"í".repeat(402)).segments, 6);
        assert_eq!(segment(&"í".repeat(403)).segments, 7);
        // Surrogate pairs count as two UTF-16 units.
        assert_eq!(segment("🚗").units, 2);
    }
}
