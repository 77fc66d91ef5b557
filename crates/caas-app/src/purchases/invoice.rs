//! The invoice of a captured service (PAY-14, PAY-15): issued in the
//! transaction that records the capture, numbered in the same yearly series
//! as the order's invoices, rendered to PDF and stored with the expediente.
//! The schema holds one per purchase and only for a captured one, so a
//! capture retried after a crash cannot invoice twice and a voided or
//! unpaid (debt) purchase is never invoiced. Downloadable by its owner only.

use crate::documents::invoice::{
    render_invoice_pdf, InvoiceDocument, InvoiceLanguage, InvoiceLine,
};
use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::ids::{InvoiceId, PurchaseId};
use caas_domain::ports::Tx;
use caas_domain::purchase::Purchase;
use caas_domain::records::ServiceInvoice;
use chrono::Datelike;

/// The invoice line of `p` in `lang`: option, period, car.
fn description(p: &Purchase, lang: InvoiceLanguage) -> String {
    let start = p.period.starts_at.format("%d/%m/%Y");
    let (name, period) = match (lang, p.period.ends_at) {
        (InvoiceLanguage::Es, Some(end)) => (
            &p.item.option_name.es,
            format!("del {start} al {}", end.format("%d/%m/%Y")),
        ),
        (InvoiceLanguage::Es, None) => (
            &p.item.option_name.es,
            format!("de por vida desde el {start}"),
        ),
        (InvoiceLanguage::En, Some(end)) => (
            &p.item.option_name.en,
            format!("{start} to {}", end.format("%d/%m/%Y")),
        ),
        (InvoiceLanguage::En, None) => (&p.item.option_name.en, format!("for life from {start}")),
    };
    format!("{name} — {period} (VIN {})", p.vin)
}

/// Issues the invoice of the captured purchase `p` inside `tx` (which has
/// already written `p` as captured).
pub(crate) async fn issue_service_invoice_in(
    tx: &mut dyn Tx,
    app: &App,
    p: &Purchase,
) -> AppResult<ServiceInvoice> {
    let now = app.clock.now();
    let year = now.year();
    let order = tx
        .find_order(&p.order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let dealership = tx
        .find_dealership(&p.dealership_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let customer = tx
        .find_account(&p.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let n = tx.next_counter(&format!("invoice-{year}")).await?;
    let number = format!("F-{year}-{n:06}");
    let lang = InvoiceLanguage::from_tag(customer.language.as_str());
    let line = description(p, lang);
    let doc = InvoiceDocument {
        number: number.clone(),
        issued_at: now.date_naive(),
        seller: crate::payments::invoices::seller_of(&dealership),
        buyer: crate::payments::invoices::buyer_of(&order),
        lines: vec![InvoiceLine {
            description: line.clone(),
            amount: p.item.price.minor,
        }],
        currency: p.item.price.currency.code().to_owned(),
        total: p.item.price.minor,
        language: lang,
        payment_reference: p
            .payment
            .intent_id
            .clone()
            .unwrap_or_else(|| p.id.to_string()),
    };
    let pdf = render_invoice_pdf(&doc);
    let inv = ServiceInvoice {
        id: InvoiceId::new(),
        number,
        purchase_id: p.id.clone(),
        order_id: p.order_id.clone(),
        customer_id: p.customer_id.clone(),
        option_code: p.item.option_code.clone(),
        description: line,
        total: p.item.price,
        issued_at: now,
    };
    tx.insert_service_invoice(&inv, &pdf).await?;
    Ok(inv)
}

/// The invoice PDF of one of the caller's purchases; anyone else's (or a
/// purchase without an invoice) is not found.
pub async fn service_invoice_pdf(
    app: &App,
    customer: &Account,
    purchase: &PurchaseId,
) -> AppResult<(ServiceInvoice, Vec<u8>)> {
    if customer.role != Role::Customer {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.store.read().await?;
    tx.find_service_invoice_pdf_for_customer(&customer.id, purchase)
        .await?
        .ok_or(AppError::NotFound)
}

/// The invoice of one of the caller's purchases, if it has one yet.
pub async fn purchase_invoice(
    app: &App,
    customer: &Account,
    purchase: &PurchaseId,
) -> AppResult<Option<ServiceInvoice>> {
    match service_invoice_pdf(app, customer, purchase).await {
        Ok((inv, _)) => Ok(Some(inv)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
