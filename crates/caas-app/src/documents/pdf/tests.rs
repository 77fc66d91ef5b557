//! Unit tests of the PDF writer.

use super::*;

/// Parses the trailer and xref table back and checks that every in-use
/// entry points at its `N 0 obj` line; returns the number of objects.
pub(crate) fn check_structure(pdf: &[u8]) -> usize {
    assert!(pdf.starts_with(b"%PDF-1.4\n"));
    assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
    let text = std::str::from_utf8(pdf).expect("the writer emits ASCII only");
    let tail = &text[text.rfind("startxref\n").expect("startxref")..];
    let xref: usize = tail
        .lines()
        .nth(1)
        .expect("offset")
        .parse()
        .expect("number");
    let mut lines = text[xref..].lines();
    assert_eq!(lines.next(), Some("xref"));
    let header = lines.next().expect("subsection");
    let count: usize = header
        .strip_prefix("0 ")
        .expect("starts at 0")
        .parse()
        .expect("count");
    assert_eq!(lines.next(), Some("0000000000 65535 f "));
    for n in 1..count {
        let entry = lines.next().expect("entry");
        assert_eq!(entry.len(), 19, "{entry:?}");
        assert!(entry.ends_with(" 00000 n "), "{entry:?}");
        let offset: usize = entry[..10].parse().expect("offset");
        assert!(
            text[offset..].starts_with(&format!("{n} 0 obj\n")),
            "object {n} not at {offset}"
        );
    }
    assert_eq!(lines.next(), Some("trailer"));
    assert!(lines
        .next()
        .expect("dict")
        .contains(&format!("/Size {count}")));
    count - 1
}

#[test]
fn blank_document_is_well_formed() {
    let pdf = PdfDocument::new().to_bytes();
    assert_eq!(check_structure(&pdf), 7);
    assert!(pdf.ends_with(b"%%EOF\n"));
}

#[test]
fn xref_offsets_point_at_objects_on_every_page() {
    let mut doc = PdfDocument::new();
    doc.set_title("Factura FAC-2026-0001 (señal)");
    for i in 0..3 {
        let mut page = Page::new();
        page.text(50.0, 800.0, Font::Bold, 14.0, &format!("Página {i} (año)"));
        page.rule((50.0, 790.0), (545.0, 790.0), 0.5, 0.0);
        doc.push_page(page);
    }
    let pdf = doc.to_bytes();
    assert_eq!(check_structure(&pdf), 5 + 2 * 3);
    let text = String::from_utf8(pdf).expect("ascii");
    assert!(text.contains("/Count 3"));
    assert!(text.contains("/BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding"));
    assert!(text.contains("(P\\341gina 0 \\(a\\361o\\)) Tj"));
}

#[test]
fn stream_length_matches_content() {
    let mut page = Page::new();
    page.text(10.0, 10.0, Font::Regular, 9.0, "Hola");
    let mut doc = PdfDocument::new();
    doc.push_page(page);
    let text = String::from_utf8(doc.to_bytes()).expect("ascii");
    let at = text.find("/Length ").expect("length") + 8;
    let len: usize = text[at..]
        .split_whitespace()
        .next()
        .expect("n")
        .parse()
        .expect("n");
    let start = text[at..].find("stream\n").expect("stream") + at + 7;
    assert_eq!(&text[start + len..start + len + 9], "endstream");
}

#[test]
fn literal_strings_escape_parentheses_and_backslashes() {
    assert_eq!(literal(b"a(b)c\\d"), "(a\\(b\\)c\\\\d)");
    assert_eq!(literal(b"line\nnext"), "(line\\012next)");
    assert_eq!(literal(&[0x80, 0xF1]), "(\\200\\361)");
}

#[test]
fn spanish_characters_map_to_win_ansi() {
    assert_eq!(
        encode_win_ansi("áéíóúñüÑ¿¡€"),
        [0xE1, 0xE9, 0xED, 0xF3, 0xFA, 0xF1, 0xFC, 0xD1, 0xBF, 0xA1, 0x80]
    );
    assert_eq!(encode_win_ansi("a–b “c” 漢"), b"a\x96b \x93c\x94 ?");
}

#[test]
fn widths_and_wrapping() {
    assert!((text_width(Font::Regular, 10.0, "0000") - 22.24).abs() < 0.001);
    assert!(text_width(Font::Bold, 10.0, "mi") > text_width(Font::Regular, 10.0, "mi"));
    let lines = wrap("uno dos tres cuatro cinco seis", Font::Regular, 10.0, 50.0);
    assert!(lines.len() > 1);
    assert!(lines
        .iter()
        .all(|l| text_width(Font::Regular, 10.0, l) <= 50.0));
    assert_eq!(lines.join(" "), "uno dos tres cuatro cinco seis");
    let long = wrap("ABCDEFGHIJKLMNOPQRSTUVWXYZ", Font::Bold, 10.0, 40.0);
    assert!(long.len() > 3 && long.concat() == "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    assert_eq!(wrap("", Font::Regular, 10.0, 40.0), [""]);
}
