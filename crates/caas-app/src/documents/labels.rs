//! Fixed invoice texts in Spanish and English, and country names.

use super::invoice::InvoiceLanguage;

/// Fixed texts of one language.
pub(crate) struct Labels {
    pub(crate) title: &'static str,
    pub(crate) number: &'static str,
    pub(crate) date: &'static str,
    pub(crate) seller: &'static str,
    pub(crate) buyer: &'static str,
    pub(crate) description: &'static str,
    pub(crate) amount: &'static str,
    pub(crate) total: &'static str,
    pub(crate) payment_reference: &'static str,
    pub(crate) page: &'static str,
    pub(crate) of: &'static str,
    pub(crate) continued: &'static str,
}

pub(crate) const ES: Labels = Labels {
    title: "Factura",
    number: "Nº de factura",
    date: "Fecha de emisión",
    seller: "Emisor",
    buyer: "Cliente",
    description: "Concepto",
    amount: "Importe",
    total: "Total",
    payment_reference: "Referencia de pago",
    page: "Página",
    of: "de",
    continued: "continuación",
};

pub(crate) const EN: Labels = Labels {
    title: "Invoice",
    number: "Invoice number",
    date: "Issue date",
    seller: "Seller",
    buyer: "Bill to",
    description: "Description",
    amount: "Amount",
    total: "Total",
    payment_reference: "Payment reference",
    page: "Page",
    of: "of",
    continued: "continued",
};

pub(crate) fn country_name(code: &str, language: InvoiceLanguage) -> String {
    let (es, en) = match code {
        "ES" => ("España", "Spain"),
        "PT" => ("Portugal", "Portugal"),
        "FR" => ("Francia", "France"),
        "DE" => ("Alemania", "Germany"),
        "IT" => ("Italia", "Italy"),
        _ => (code, code),
    };
    match language {
        InvoiceLanguage::Es => es.to_owned(),
        InvoiceLanguage::En => en.to_owned(),
    }
}
