//! The registration record (EXP-2, EXP-5): a PDF of what the registry
//! answered for the customer's vehicle — authority, registration id, plate,
//! date, certificate number, VIN and owner — in the customer's language.
//! The official certificate itself is the authority's; this is the record
//! the platform keeps of it.

use crate::documents::pdf::{Font, Page, PdfDocument};
use caas_domain::account::Language;
use caas_domain::order::Order;

/// The PDF, or `None` while the vehicle is not registered.
pub fn render_registration_pdf(order: &Order, lang: Language) -> Option<Vec<u8>> {
    let r = &order.registration;
    let plate = r.plate_number.clone()?;
    let es = lang == Language::Es;
    let t = |a: &'static str, b: &'static str| if es { a } else { b };
    let date = r
        .registration_date
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_default();
    let c = &order.customer;
    let rows = [
        (
            t("Autoridad", "Authority"),
            r.authority.clone().unwrap_or_default(),
        ),
        (t("País", "Country"), order.delivery.country.clone()),
        (
            t("Número de registro", "Registration number"),
            r.registration_id.clone().unwrap_or_default(),
        ),
        (t("Matrícula", "Plate"), plate),
        (t("Fecha de matriculación", "Registration date"), date),
        (
            t("Número del permiso", "Certificate number"),
            r.certificate_number.clone().unwrap_or_default(),
        ),
        ("VIN", order.factory.vin.clone().unwrap_or_default()),
        (
            t("Plataforma base", "Plataforma base"),
            order.plan.platform_code.clone(),
        ),
        (t("Titular", "Owner"), c.name.clone()),
        (
            t("Documento", "Document"),
            format!("{} {}", c.document.kind.as_str(), c.document.number),
        ),
    ];
    let title = t("Datos de matriculación", "Registration record");
    let mut page = Page::new();
    page.text(56.0, 780.0, Font::Bold, 18.0, title);
    page.text(
        56.0,
        760.0,
        Font::Regular,
        10.0,
        &format!("{} {}", t("Pedido", "Order"), order.id),
    );
    page.rule((56.0, 750.0), (539.0, 750.0), 0.8, 0.4);
    let mut y = 725.0;
    for (label, value) in &rows {
        page.text(56.0, y, Font::Bold, 11.0, label);
        page.text(220.0, y, Font::Regular, 11.0, value);
        y -= 20.0;
    }
    let note = t(
        "Resumen de los datos comunicados por el registro. El permiso de circulación oficial lo emite la autoridad indicada.",
        "Summary of the data the registry returned. The official registration certificate is issued by the authority above.",
    );
    for (i, line) in crate::documents::pdf::wrap(note, Font::Regular, 9.0, 483.0)
        .iter()
        .enumerate()
    {
        page.text(56.0, y - 14.0 - 12.0 * i as f32, Font::Regular, 9.0, line);
    }
    let mut doc = PdfDocument::new();
    doc.set_title(title);
    doc.push_page(page);
    Some(doc.to_bytes())
}
