//! Builds the registration request (`registration-api.md`) from the order,
//! its payments and invoices, and checks locally what the registry would
//! refuse for certain (missing birth date, unpaid balance) so staff can fix
//! it before a call is wasted. Technical data per plataforma base is fixed
//! here until the factory sends it.

use caas_domain::customer::DocumentType;
use caas_domain::order::Order;
use caas_domain::partners_delivery::{
    PartnerAddress, ProofOfPayment, RegistrationDocumentRef, RegistrationOwner,
    RegistrationRequest, RegistrationVehicle, RegistryIdDocument,
};
use caas_domain::payment::{Payment, PaymentKind};
use caas_domain::records::Invoice;

/// Technical data of a plataforma base: (model name, power kW, mass kg, colour).
fn spec(platform: &str) -> (&'static str, i64, i64, &'static str) {
    match platform {
        "CITY-E-26" => ("Aurora City", 90, 1350, "white"),
        "SEDAN-E-26" => ("Aurora Sedan", 160, 1780, "grey"),
        "SUV-E-26" => ("Aurora SUV", 150, 1980, "blue"),
        "VAN-E-26" => ("Aurora Van", 120, 2350, "white"),
        _ => ("Aurora", 120, 1800, "white"),
    }
}

/// Contract document type and owner type for the order's identity document.
pub fn id_document_type(kind: DocumentType, country: &str) -> (&'static str, &'static str) {
    match (kind, country) {
        (DocumentType::Dni, _) => ("dni", "individual"),
        (DocumentType::Nie, _) => ("nie", "individual"),
        (DocumentType::Passport, _) => ("passport", "individual"),
        (DocumentType::IdCard, "PT") => ("cartao_cidadao", "individual"),
        (DocumentType::IdCard, "FR") => ("cni", "individual"),
        (DocumentType::IdCard, "DE") => ("personalausweis", "individual"),
        (DocumentType::IdCard, "IT") => ("carta_identita", "individual"),
        (DocumentType::IdCard, _) => ("dni", "individual"),
        (DocumentType::Tax, "ES") => ("cif", "company"),
        (DocumentType::Tax, "PT") => ("nipc", "company"),
        (DocumentType::Tax, "FR") => ("siren", "company"),
        (DocumentType::Tax, "DE") => ("handelsregister", "company"),
        (DocumentType::Tax, _) => ("partita_iva", "company"),
    }
}

/// Documents required by every country plus the country's own.
pub fn documents(order: &Order, invoice: &Invoice, vin: &str) -> Vec<RegistrationDocumentRef> {
    let doc = |kind: &str, reference: String| RegistrationDocumentRef {
        kind: kind.into(),
        reference,
        sha256: None,
    };
    let mut out = vec![
        doc("certificate_of_conformity", format!("doc_coc_{vin}")),
        doc("purchase_invoice", invoice.id.to_string()),
        doc("owner_identity", format!("doc_id_{}", order.customer_id)),
    ];
    match order.delivery.country.as_str() {
        "ES" => out.push(doc(
            "registration_tax_receipt",
            format!("doc_576_{}", order.id),
        )),
        "FR" => out.push(doc(
            "proof_of_address",
            format!("doc_addr_{}", order.customer_id),
        )),
        "DE" => out.push(doc(
            "insurance_confirmation",
            format!("doc_evb_{}", order.id),
        )),
        _ => {}
    }
    out
}

/// Builds the request, or says in plain words what staff must fix first.
pub fn build(
    order: &Order,
    payments: &[Payment],
    invoices: &[Invoice],
) -> Result<RegistrationRequest, String> {
    let country = order.delivery.country.clone();
    let vin = order
        .factory
        .vin
        .clone()
        .ok_or("the VIN is not known yet")?;
    let paid: Vec<&Payment> = payments.iter().filter(|p| p.state.is_paid()).collect();
    let amount_paid: i64 = paid.iter().map(|p| p.amount.minor).sum();
    let final_payment = paid
        .iter()
        .filter(|p| p.kind == PaymentKind::Final)
        .max_by_key(|p| p.updated_at)
        .ok_or("the final payment is not complete")?;
    let invoice = invoices
        .iter()
        .find(|i| i.payment_id == final_payment.id)
        .ok_or("the final invoice is missing")?;
    let (doc_type, owner_type) = id_document_type(order.customer.document.kind, &country);
    let individual = owner_type == "individual";
    let birth_date = order.registration.owner_birth_date;
    if individual && birth_date.is_none() {
        return Err("the owner's birth date is missing: add it and resubmit".into());
    }
    let name = order.customer.name.trim();
    let (given, family) = match name.split_once(' ') {
        Some((g, f)) => (g.trim().to_owned(), f.trim().to_owned()),
        None => (name.to_owned(), name.to_owned()),
    };
    let issuing = match order.customer.document.kind {
        DocumentType::Dni | DocumentType::Nie => "ES".to_owned(),
        _ => country.clone(),
    };
    let (model_name, power_kw, mass_kg, colour) = spec(&order.plan.platform_code);
    Ok(RegistrationRequest {
        vin: vin.clone(),
        country: country.clone(),
        owner: RegistrationOwner {
            kind: owner_type.into(),
            id_document: RegistryIdDocument {
                kind: doc_type.into(),
                number: order.customer.document.number.clone(),
                issuing_country: issuing,
            },
            given_names: individual.then(|| given.clone()),
            family_names: individual.then(|| family.clone()),
            birth_date: if individual { birth_date } else { None },
            legal_name: (!individual).then(|| name.to_owned()),
            address: PartnerAddress {
                line1: order.delivery.line1.clone(),
                line2: None,
                postal_code: order.delivery.postal_code.clone(),
                locality: order.delivery.locality.clone(),
                region: None,
                country: country.clone(),
            },
            email: Some(order.customer.email.clone()),
            phone: order.customer.phone.as_ref().map(|p| p.as_str().to_owned()),
        },
        vehicle: RegistrationVehicle {
            make: "CaaS Motors".into(),
            model_code: order.plan.platform_code.clone(),
            model_name: model_name.into(),
            propulsion: "bev".into(),
            power_kw,
            mass_kg,
            co2_g_km: 0,
            colour: colour.into(),
            completed_on: order
                .factory
                .estimated_completion_date
                .unwrap_or_else(|| order.created_at.date_naive()),
            coc_number: format!("COC-{vin}"),
        },
        dealership_id: order.dealership_id.to_string(),
        proof_of_payment: ProofOfPayment {
            invoice_number: invoice.number.clone(),
            invoice_date: invoice.issued_at.date_naive(),
            total_amount: order.plan.vehicle_price.minor,
            amount_paid,
            currency: order.plan.vehicle_price.currency.code().into(),
            paid_at: final_payment.updated_at,
            payment_references: paid.iter().filter_map(|p| p.intent_id.clone()).collect(),
        },
        documents: documents(order, invoice, &vin),
    })
}
