//! A tiny PDF 1.4 writer: A4 pages of text and rules in the standard
//! Helvetica / Helvetica-Bold fonts with `WinAnsiEncoding` (so Spanish text
//! and `€` render without embedding fonts), uncompressed content streams and
//! an exact cross-reference table. The output is plain ASCII.

use super::metrics::glyph_width;
use std::fmt::Write as _;

/// A4 width in points.
pub const PAGE_WIDTH: f32 = 595.0;
/// A4 height in points.
pub const PAGE_HEIGHT: f32 = 842.0;

/// The two built-in fonts available on every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Font {
    /// Helvetica (`/F1`).
    Regular,
    /// Helvetica-Bold (`/F2`).
    Bold,
}

impl Font {
    fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }
}

/// Maps one character to its WinAnsi (cp1252) byte; unmappable → `?`.
fn win_ansi_byte(c: char) -> u8 {
    match c {
        ' '..='~' | '\u{A0}'..='\u{FF}' => u8::try_from(c).unwrap_or(b'?'),
        '\t' | '\u{2002}'..='\u{200A}' | '\u{202F}' => b' ',
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => b'?',
    }
}

/// Encodes text in WinAnsiEncoding (`€` → 0x80, `ñ` → 0xF1, …).
pub fn encode_win_ansi(text: &str) -> Vec<u8> {
    text.chars().map(win_ansi_byte).collect()
}

/// A PDF literal string `( … )` of `bytes`: `(`, `)` and `\` are escaped,
/// bytes outside printable ASCII become octal escapes.
pub fn literal(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7E => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push(')');
    out
}

/// Width of `text` in points at `size`.
pub fn text_width(font: Font, size: f32, text: &str) -> f32 {
    let bold = font == Font::Bold;
    let units: u32 = encode_win_ansi(text)
        .into_iter()
        .map(|b| u32::from(glyph_width(bold, b)))
        .sum();
    units as f32 * size / 1000.0
}

/// Splits `text` into lines no wider than `max_width` (greedy, on spaces;
/// a word wider than a line is cut between characters).
pub fn wrap(text: &str, font: Font, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if text_width(font, size, &candidate) <= max_width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if text_width(font, size, &line) > max_width && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// One page being drawn; coordinates in points from the bottom-left corner.
#[derive(Debug, Clone, Default)]
pub struct Page {
    ops: String,
}

impl Page {
    /// An empty A4 page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Draws `text` with its baseline starting at (`x`, `y`).
    pub fn text(&mut self, x: f32, y: f32, font: Font, size: f32, text: &str) {
        let _ = writeln!(
            self.ops,
            "BT /{} {size:.1} Tf {x:.2} {y:.2} Td {} Tj ET",
            font.resource(),
            literal(&encode_win_ansi(text))
        );
    }

    /// Draws `text` so that it ends at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, font: Font, size: f32, text: &str) {
        self.text(right - text_width(font, size, text), y, font, size, text);
    }

    /// Draws a straight line `width` points thick in the gray `level` (0 = black).
    pub fn rule(&mut self, from: (f32, f32), to: (f32, f32), width: f32, level: f32) {
        let _ = writeln!(
            self.ops,
            "q {level:.2} G {width:.2} w {:.2} {:.2} m {:.2} {:.2} l S Q",
            from.0, from.1, to.0, to.1
        );
    }
}

/// A document under construction: pages plus an optional title.
#[derive(Debug, Clone, Default)]
pub struct PdfDocument {
    title: Option<String>,
    pages: Vec<Page>,
}

impl PdfDocument {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the `/Title` shown by viewers.
    pub fn set_title(&mut self, title: &str) {
        self.title = Some(title.to_owned());
    }

    /// Appends a page.
    pub fn push_page(&mut self, page: Page) {
        self.pages.push(page);
    }

    /// Serialises the document (one blank page if none was added).
    pub fn to_bytes(&self) -> Vec<u8> {
        let blank = [Page::new()];
        let pages: &[Page] = if self.pages.is_empty() {
            &blank
        } else {
            &self.pages
        };
        let font = |name: &str| {
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>"
            )
        };
        let kids: Vec<String> = (0..pages.len())
            .map(|i| format!("{} 0 R", 6 + 2 * i))
            .collect();
        let mut objects = vec![
            "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                pages.len()
            ),
            font("Helvetica"),
            font("Helvetica-Bold"),
            format!(
                "<< /Producer (caas) /Title {} >>",
                utf16_hex(self.title.as_deref().unwrap_or(""))
            ),
        ];
        for (i, page) in pages.iter().enumerate() {
            objects.push(format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH:.0} {PAGE_HEIGHT:.0}] \
                 /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                7 + 2 * i
            ));
            objects.push(format!(
                "<< /Length {} >>\nstream\n{}endstream",
                page.ops.len(),
                page.ops
            ));
        }
        let mut out = String::from("%PDF-1.4\n");
        let mut offsets = Vec::with_capacity(objects.len());
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            let _ = write!(out, "{} 0 obj\n{body}\nendobj\n", i + 1);
        }
        let xref = out.len();
        let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
        for offset in offsets {
            let _ = writeln!(out, "{offset:010} 00000 n ");
        }
        let _ = write!(
            out,
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        );
        out.into_bytes()
    }
}

/// A text string as UTF-16BE hex with a byte-order mark (for `/Info`).
fn utf16_hex(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

#[cfg(test)]
pub(crate) mod tests;
