//! Invoices (PAY-14): numbered consecutively per year, rendered to PDF at
//! issue time and stored with the expediente, downloadable by the customer
//! and by staff of the dealership.

use crate::documents::invoice::{
    render_invoice_pdf, InvoiceBuyer, InvoiceDocument, InvoiceLanguage, InvoiceLine, InvoiceSeller,
};
use crate::error::{AppError, AppResult};
use crate::App;
use caas_domain::account::Account;
use caas_domain::ids::{InvoiceId, OrderId};
use caas_domain::order::Order;
use caas_domain::payment::{Payment, PaymentKind};
use caas_domain::ports::Tx;
use caas_domain::records::Invoice;
use chrono::Datelike;

/// Issues the invoice of a captured payment, inside the caller's transaction.
pub async fn issue_invoice_in(
    tx: &mut dyn Tx,
    app: &App,
    order: &Order,
    p: &Payment,
) -> AppResult<Invoice> {
    let now = app.clock.now();
    let year = now.year();
    let n = tx.next_counter(&format!("invoice-{year}")).await?;
    let number = format!("F-{year}-{n:06}");
    let dealership = tx
        .find_dealership(&order.dealership_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let customer = tx
        .find_account(&order.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (desc_es, desc_en) = match p.kind {
        PaymentKind::Senal => ("Señal de reserva", "Reservation deposit"),
        PaymentKind::Final => ("Pago final del vehículo", "Final vehicle payment"),
    };
    let lang = InvoiceLanguage::from_tag(customer.language.as_str());
    let description = format!(
        "{} — {} {} ({})",
        if lang == InvoiceLanguage::Es {
            desc_es
        } else {
            desc_en
        },
        order.plan.platform_code,
        order.plan.option_codes.join(", "),
        order.id
    );
    let doc = InvoiceDocument {
        number: number.clone(),
        issued_at: now.date_naive(),
        seller: crate::payments::invoices::seller_of(&dealership),
        buyer: crate::payments::invoices::buyer_of(order),
        lines: vec![InvoiceLine {
            description: description.clone(),
            amount: p.amount.minor,
        }],
        currency: p.amount.currency.code().to_owned(),
        total: p.amount.minor,
        language: lang,
        payment_reference: p.intent_id.clone().unwrap_or_else(|| p.id.to_string()),
    };
    let pdf = render_invoice_pdf(&doc);
    let inv = Invoice {
        id: InvoiceId::new(),
        number,
        order_id: order.id.clone(),
        customer_id: order.customer_id.clone(),
        payment_id: p.id.clone(),
        description,
        total: p.amount,
        issued_at: now,
    };
    tx.insert_invoice(&inv, &pdf).await?;
    Ok(inv)
}

/// An invoice PDF of the customer's own order.
pub async fn invoice_pdf_for_customer(
    app: &App,
    customer: &Account,
    id: &InvoiceId,
) -> AppResult<(Invoice, Vec<u8>)> {
    let mut tx = app.store.read().await?;
    tx.find_invoice_pdf_for_customer(&customer.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// An invoice PDF for staff of the order's dealership (ADMIN: any).
pub async fn invoice_pdf_for_staff(
    app: &App,
    staff: &Account,
    id: &InvoiceId,
) -> AppResult<(Invoice, Vec<u8>)> {
    let mut tx = app.store.read().await?;
    let (inv, pdf) = tx.find_invoice_pdf(id).await?.ok_or(AppError::NotFound)?;
    let order = tx
        .find_order(&inv.order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::orders::staff::check_scope(staff, &order)?;
    Ok((inv, pdf))
}

/// Invoices of an order (the caller already checked access to the order).
pub async fn list_invoices_in(tx: &mut dyn Tx, order: &OrderId) -> AppResult<Vec<Invoice>> {
    Ok(tx.list_invoices_for_order(order).await?)
}

/// The seller block of an invoice: the selling dealership.
pub(crate) fn seller_of(dealership: &caas_domain::dealership::Dealership) -> InvoiceSeller {
    InvoiceSeller {
        name: dealership.name.clone(),
        address: format!("{}\n{}", dealership.address, dealership.locality),
        country: dealership.country.clone(),
    }
}

/// The buyer block of an invoice: the customer as recorded at the sale.
pub(crate) fn buyer_of(order: &caas_domain::order::Order) -> InvoiceBuyer {
    let a = &order.customer.address;
    InvoiceBuyer {
        name: order.customer.name.clone(),
        document_type: order.customer.document.kind.as_str().to_owned(),
        document_number: order.customer.document.number.clone(),
        address: format!(
            "{}\n{} {}\n{}",
            a.line1, a.postal_code, a.locality, a.country
        ),
    }
}
