//! Invoice PDFs: the data an invoice shows ([`InvoiceDocument`]), money
//! formatting per language without floats, and the A4 layout drawn with the
//! writer in [`super::pdf`]. Long invoices continue on further pages.

use super::labels::{country_name, Labels, EN, ES};
use super::pdf::{wrap, Font, Page, PdfDocument};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Language of the fixed labels, dates and amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvoiceLanguage {
    /// Spanish: "Factura", `15/01/2026`, `41.500,00 €`.
    Es,
    /// English: "Invoice", `15 January 2026`, `€41,500.00`.
    En,
}

impl InvoiceLanguage {
    /// From a BCP 47 tag: `es`, `es-ES`… → Spanish, anything else → English.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("es") {
            Self::Es
        } else {
            Self::En
        }
    }
}

/// The issuing dealership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSeller {
    /// Dealership name.
    pub name: String,
    /// Postal address; `\n` separates lines.
    pub address: String,
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
}

/// The customer invoiced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceBuyer {
    /// Full name as on the identity document.
    pub name: String,
    /// `DNI`, `NIE`, `Passport`…
    pub document_type: String,
    /// Identity document number.
    pub document_number: String,
    /// Postal address; `\n` separates lines.
    pub address: String,
}

/// One invoiced concept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// Shown as given (already in the invoice language).
    pub description: String,
    /// Minor units of the invoice currency.
    pub amount: i64,
}

/// Everything printed on an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDocument {
    /// Invoice number, e.g. `FAC-2026-000123`.
    pub number: String,
    /// Issue date.
    pub issued_at: NaiveDate,
    /// Issuer.
    pub seller: InvoiceSeller,
    /// Customer.
    pub buyer: InvoiceBuyer,
    /// Invoiced concepts, in order.
    pub lines: Vec<InvoiceLine>,
    /// ISO 4217 code of every amount.
    pub currency: String,
    /// Total in minor units (printed as given, not recomputed).
    pub total: i64,
    /// Language of labels and formats.
    pub language: InvoiceLanguage,
    /// Payment the invoice settles (e.g. the gateway's `pi_…`).
    pub payment_reference: String,
}

/// Digits after the decimal separator of a currency (ISO 4217 exponent).
fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "HUF" => 0,
        "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "LYD" | "IQD" => 3,
        _ => 2,
    }
}

/// Formats minor units: `4150000 EUR` → `41.500,00 €` (es) / `€41,500.00` (en).
/// Integer arithmetic only; currencies without a symbol print their code.
pub fn format_money(minor: i64, currency: &str, language: InvoiceLanguage) -> String {
    let digits = minor_digits(currency);
    let scale = 10u64.pow(digits);
    let abs = minor.unsigned_abs();
    let (units, fraction) = (abs / scale, abs % scale);
    let (thousands, decimal) = match language {
        InvoiceLanguage::Es => ('.', ','),
        InvoiceLanguage::En => (',', '.'),
    };
    let raw = units.to_string();
    let mut number = String::with_capacity(raw.len() + raw.len() / 3 + 4);
    for (i, c) in raw.chars().enumerate() {
        if i > 0 && (raw.len() - i) % 3 == 0 {
            number.push(thousands);
        }
        number.push(c);
    }
    if digits > 0 {
        number.push(decimal);
        number.push_str(&format!("{fraction:0width$}", width = digits as usize));
    }
    let sign = if minor < 0 { "-" } else { "" };
    let symbol = match currency {
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        "USD" => Some("$"),
        _ => None,
    };
    match (language, symbol) {
        (InvoiceLanguage::Es, _) => format!("{sign}{number} {}", symbol.unwrap_or(currency)),
        (InvoiceLanguage::En, Some(s)) => format!("{sign}{s}{number}"),
        (InvoiceLanguage::En, None) => format!("{sign}{currency} {number}"),
    }
}

const LEFT: f32 = 50.0;
const RIGHT: f32 = 545.0;
const TOP: f32 = 790.0;
const BOTTOM: f32 = 80.0;
const DESCRIPTION_WIDTH: f32 = 380.0;

/// Draws the invoice page by page.
struct Layout<'a> {
    doc: &'a InvoiceDocument,
    labels: &'static Labels,
    pages: Vec<Page>,
    page: Page,
    y: f32,
}

impl Layout<'_> {
    /// Draws wrapped address lines at `x` from `self.y` downwards.
    fn block(&mut self, x: f32, width: f32, size: f32, text: &str) {
        for line in text
            .lines()
            .flat_map(|l| wrap(l, Font::Regular, size, width))
        {
            self.page.text(x, self.y, Font::Regular, size, &line);
            self.y -= size + 3.0;
        }
    }

    fn header(&mut self) {
        let (doc, l) = (self.doc, self.labels);
        let date = match doc.language {
            InvoiceLanguage::Es => doc.issued_at.format("%d/%m/%Y").to_string(),
            InvoiceLanguage::En => doc.issued_at.format("%-d %B %Y").to_string(),
        };
        self.page.text_right(RIGHT, TOP, Font::Bold, 22.0, l.title);
        let (number, date) = (
            format!("{}: {}", l.number, doc.number),
            format!("{}: {date}", l.date),
        );
        self.page
            .text_right(RIGHT, TOP - 24.0, Font::Regular, 10.0, &number);
        self.page
            .text_right(RIGHT, TOP - 38.0, Font::Regular, 10.0, &date);
        self.page.text(LEFT, TOP, Font::Regular, 8.0, l.seller);
        self.page
            .text(LEFT, TOP - 16.0, Font::Bold, 14.0, &doc.seller.name);
        self.y = TOP - 32.0;
        let country = country_name(&doc.seller.country, doc.language);
        let seller = format!("{}\n{country}", doc.seller.address);
        self.block(LEFT, 250.0, 9.0, &seller);
        self.y = self.y.min(TOP - 60.0) - 16.0;
        self.page.text(LEFT, self.y, Font::Regular, 8.0, l.buyer);
        self.y -= 15.0;
        self.page
            .text(LEFT, self.y, Font::Bold, 12.0, &doc.buyer.name);
        self.y -= 14.0;
        let id = format!("{} {}", doc.buyer.document_type, doc.buyer.document_number);
        self.page.text(LEFT, self.y, Font::Regular, 10.0, &id);
        self.y -= 13.0;
        self.block(LEFT, 300.0, 10.0, &doc.buyer.address);
        self.y -= 20.0;
        self.table_header();
    }

    fn table_header(&mut self) {
        self.page
            .text(LEFT, self.y, Font::Bold, 10.0, self.labels.description);
        self.page
            .text_right(RIGHT, self.y, Font::Bold, 10.0, self.labels.amount);
        self.page
            .rule((LEFT, self.y - 5.0), (RIGHT, self.y - 5.0), 0.8, 0.0);
        self.y -= 20.0;
    }

    /// Starts a new page when `height` more points do not fit.
    fn ensure(&mut self, height: f32) {
        if self.y - height >= BOTTOM {
            return;
        }
        let full = std::mem::take(&mut self.page);
        self.pages.push(full);
        let title = format!(
            "{} {} ({})",
            self.labels.title, self.doc.number, self.labels.continued
        );
        self.page.text(LEFT, TOP, Font::Bold, 12.0, &title);
        self.y = TOP - 30.0;
        self.table_header();
    }

    fn lines(&mut self) {
        let doc = self.doc;
        for line in &doc.lines {
            let wrapped = wrap(&line.description, Font::Regular, 10.0, DESCRIPTION_WIDTH);
            self.ensure(14.0 * wrapped.len() as f32);
            let amount = format_money(line.amount, &doc.currency, doc.language);
            self.page
                .text_right(RIGHT, self.y, Font::Regular, 10.0, &amount);
            for part in wrapped {
                self.page.text(LEFT, self.y, Font::Regular, 10.0, &part);
                self.y -= 14.0;
            }
            self.y -= 4.0;
        }
    }

    fn totals(&mut self) {
        let doc = self.doc;
        self.ensure(60.0);
        self.page
            .rule((LEFT, self.y + 8.0), (RIGHT, self.y + 8.0), 0.5, 0.4);
        self.y -= 8.0;
        let total = format_money(doc.total, &doc.currency, doc.language);
        self.page
            .text_right(RIGHT - 120.0, self.y, Font::Bold, 12.0, self.labels.total);
        self.page
            .text_right(RIGHT, self.y, Font::Bold, 12.0, &total);
        self.y -= 30.0;
        let reference = format!(
            "{}: {}",
            self.labels.payment_reference, doc.payment_reference
        );
        self.page.text(LEFT, self.y, Font::Regular, 9.0, &reference);
    }

    fn finish(mut self) -> Vec<Page> {
        self.pages.push(self.page);
        let count = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let footer = format!("{} {} {} {count}", self.labels.page, i + 1, self.labels.of);
            let issuer = format!("{} · {}", self.doc.seller.name, self.doc.number);
            page.text(LEFT, 40.0, Font::Regular, 8.0, &issuer);
            page.text_right(RIGHT, 40.0, Font::Regular, 8.0, &footer);
        }
        self.pages
    }
}

/// Renders the invoice as a PDF 1.4 file (A4, one or more pages).
pub fn render_invoice_pdf(doc: &InvoiceDocument) -> Vec<u8> {
    let labels = match doc.language {
        InvoiceLanguage::Es => &ES,
        InvoiceLanguage::En => &EN,
    };
    let mut layout = Layout {
        doc,
        labels,
        pages: Vec::new(),
        page: Page::new(),
        y: TOP,
    };
    layout.header();
    layout.lines();
    layout.totals();
    let mut pdf = PdfDocument::new();
    pdf.set_title(&format!("{} {}", labels.title, doc.number));
    for page in layout.finish() {
        pdf.push_page(page);
    }
    pdf.to_bytes()
}

#[cfg(test)]
mod tests;
