//! Unit tests of invoice rendering and money formatting.

use super::*;
use crate::documents::pdf::tests::check_structure;
use InvoiceLanguage::{En, Es};

fn sample(language: InvoiceLanguage) -> InvoiceDocument {
    let (deposit, balance) = match language {
        Es => (
            "Señal — reserva SUV-E-26 (ord_2026_000123)",
            "Pago final del vehículo",
        ),
        En => (
            "Reservation deposit (ord_2026_000123)",
            "Final vehicle payment",
        ),
    };
    InvoiceDocument {
        number: "FAC-2026-000123".into(),
        issued_at: NaiveDate::from_ymd_opt(2026, 1, 15).expect("date"),
        seller: InvoiceSeller {
            name: "Concesionario Castellana, S.L.".into(),
            address: "Paseo de la Castellana 100\n28046 Madrid".into(),
            country: "ES".into(),
        },
        buyer: InvoiceBuyer {
            name: "José Ñúñez Güell".into(),
            document_type: "DNI".into(),
            document_number: "12345678Z".into(),
            address: "Calle Mayor 1, 3º izq.\n28013 Madrid".into(),
        },
        lines: vec![
            InvoiceLine {
                description: deposit.into(),
                amount: 150_000,
            },
            InvoiceLine {
                description: balance.into(),
                amount: 4_000_000,
            },
        ],
        currency: "EUR".into(),
        total: 4_150_000,
        language,
        payment_reference: "pi_3Qx9".into(),
    }
}

#[test]
fn money_is_formatted_per_language_without_floats() {
    assert_eq!(format_money(4_150_000, "EUR", Es), "41.500,00 €");
    assert_eq!(format_money(4_150_000, "EUR", En), "€41,500.00");
    assert_eq!(format_money(0, "EUR", Es), "0,00 €");
    assert_eq!(format_money(5, "EUR", En), "€0.05");
    assert_eq!(format_money(99_999, "EUR", Es), "999,99 €");
    assert_eq!(format_money(100_000, "EUR", Es), "1.000,00 €");
    assert_eq!(format_money(-123_456, "EUR", Es), "-1.234,56 €");
    assert_eq!(
        format_money(123_456_789_012, "EUR", En),
        "€1,234,567,890.12"
    );
    assert_eq!(format_money(1_500, "JPY", En), "JPY 1,500");
    assert_eq!(format_money(1_500, "CHF", Es), "15,00 CHF");
    assert_eq!(format_money(1_234_567, "KWD", En), "KWD 1,234.567");
    assert!(format_money(i64::MIN, "EUR", Es).starts_with("-92.233.720.368.547.758,08"));
}

#[test]
fn language_tags_select_labels() {
    assert_eq!(InvoiceLanguage::from_tag("es-ES"), Es);
    assert_eq!(InvoiceLanguage::from_tag("ES"), Es);
    assert_eq!(InvoiceLanguage::from_tag("en-GB"), En);
    assert_eq!(InvoiceLanguage::from_tag("pt-PT"), En);
}

#[test]
fn invoice_pdf_is_well_formed_in_both_languages() {
    for (language, title) in [(Es, "(Factura) Tj"), (En, "(Invoice) Tj")] {
        let pdf = render_invoice_pdf(&sample(language));
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        assert_eq!(check_structure(&pdf), 7, "one page");
        let text = String::from_utf8(pdf).expect("ascii");
        assert!(text.contains(title));
        assert!(text.contains("(Jos\\351 \\321\\372\\361ez G\\374ell) Tj"));
    }
}

#[test]
fn long_invoices_continue_on_more_pages() {
    let mut doc = sample(Es);
    doc.lines = (1..=80)
        .map(|i| InvoiceLine {
            description: format!("Servicio ({i}) con una descripción larga que ocupa más de una línea en la tabla de conceptos de la factura"),
            amount: 1_990,
        })
        .collect();
    let pdf = render_invoice_pdf(&doc);
    let objects = check_structure(&pdf);
    let pages = (objects - 5) / 2;
    assert!(pages >= 3, "{pages} pages");
    let text = String::from_utf8(pdf).expect("ascii");
    assert!(text.contains(&format!("/Count {pages}")));
    assert!(text.contains(&format!("(P\\341gina {pages} de {pages}) Tj")));
    assert!(text.contains("(continuaci\\363n\\)) Tj"));
}

/// Extracts the text with poppler's `pdftotext`, or `None` when absent.
fn pdftotext(pdf: &[u8], name: &str) -> Option<String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let path = std::env::temp_dir().join(format!("caas-{name}-{}-{nanos}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write pdf");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&path);
    match out {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).expect("utf-8 text"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("pdftotext: {e}"),
    }
}

#[test]
fn pdftotext_reads_accents_and_euro_amounts() {
    let Some(es) = pdftotext(&render_invoice_pdf(&sample(Es)), "es") else {
        eprintln!("NOTE: pdftotext not installed; skipping text extraction check");
        return;
    };
    for needle in [
        "Factura",
        "FAC-2026-000123",
        "José Ñúñez Güell",
        "41.500,00 €",
        "1.500,00 €",
        "Señal — reserva",
        "Fecha de emisión: 15/01/2026",
        "3º izq.",
        "España",
        "pi_3Qx9",
    ] {
        assert!(es.contains(needle), "{needle:?} not in:\n{es}");
    }
    let en = pdftotext(&render_invoice_pdf(&sample(En)), "en").expect("pdftotext");
    for needle in [
        "Invoice",
        "€41,500.00",
        "José Ñúñez Güell",
        "15 January 2026",
        "Reservation deposit",
        "Spain",
    ] {
        assert!(en.contains(needle), "{needle:?} not in:\n{en}");
    }
}
