//! Glyph widths (1/1000 em) of the standard Helvetica and Helvetica-Bold
//! fonts (Adobe AFM), indexed by WinAnsi byte, used to align and wrap text.
//! Accented letters take the width of their base letter.

/// Helvetica, bytes 0x20..=0x7E.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // sp..'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..'?'
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// Helvetica-Bold, bytes 0x20..=0x7E.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // sp..'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0..'?'
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P.._
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // `..o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // p..~
];

/// Width of one WinAnsi byte in 1/1000 em.
pub(crate) fn glyph_width(bold: bool, byte: u8) -> u16 {
    let table = if bold { &HELVETICA_BOLD } else { &HELVETICA };
    let ascii = |c: u8| table[usize::from(c - 0x20)];
    match byte {
        0x20..=0x7E => ascii(byte),
        0xA0 => 278,
        0xA1 => 333,
        0xBF => 611,
        0xAA | 0xBA => 370,
        0xB0 => 400,
        0xC6 | 0x8C => 1000,
        0xE6 | 0x9C => 889,
        0xDF => 611,
        0xC0..=0xC5 => ascii(b'A'),
        0xC7 => ascii(b'C'),
        0xC8..=0xCB => ascii(b'E'),
        0xCC..=0xCF => ascii(b'I'),
        0xD1 => ascii(b'N'),
        0xD2..=0xD6 | 0xD8 => ascii(b'O'),
        0xD9..=0xDC => ascii(b'U'),
        0xDD | 0x9F => ascii(b'Y'),
        0xE0..=0xE5 => ascii(b'a'),
        0xE7 => ascii(b'c'),
        0xE8..=0xEB => ascii(b'e'),
        0xEC..=0xEF => 278,
        0xF1 => ascii(b'n'),
        0xF2..=0xF6 | 0xF8 => ascii(b'o'),
        0xF9..=0xFC => ascii(b'u'),
        0xFD | 0xFF => ascii(b'y'),
        0x96 => 556,
        0x97 => 1000,
        _ => 556,
    }
}
