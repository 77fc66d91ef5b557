//! The owner-facing words of every purchase refusal (SVC-6, MNT-3..6,
//! MNT-8): what is wrong and what the owner can do, in Spanish and English.

use crate::refusal::Refusal;
use caas_domain::purchase::eligibility::PurchaseRefusal;

/// The refusal `r` for `option` in both languages.
pub fn refusal(r: &PurchaseRefusal, option_es: &str, option_en: &str) -> Refusal {
    let code = r.code();
    match r {
        PurchaseRefusal::NotOperational => Refusal::new(
            code,
            "Podrás comprar opciones cuando el vehículo esté operativo (entregado y vinculado a tu app).",
            "You can buy options once the vehicle is operational (delivered and linked to your app).",
        ),
        PurchaseRefusal::NotYours => Refusal::new(code, "No encontrado.", "Not found."),
        PurchaseRefusal::NotOffered => Refusal::new(
            code,
            format!("{option_es} no está a la venta con esa oferta para este vehículo."),
            format!("{option_en} is not sold with that offer for this vehicle."),
        ),
        PurchaseRefusal::NotConfigurable => Refusal::new(
            code,
            format!("El vehículo no informa {option_es} como configurable; conéctalo (arráncalo) y vuelve a intentarlo."),
            format!("The vehicle does not report {option_en} as configurable; connect it (switch it on) and try again."),
        ),
        PurchaseRefusal::InPlan => Refusal::new(
            code,
            format!("{option_es} ya forma parte de tu plan comercial y está activa de por vida."),
            format!("{option_en} is already part of your commercial plan and active for life."),
        ),
        PurchaseRefusal::Removed => Refusal::new(
            code,
            format!("{option_es} ya no está disponible para ti tras tu desistimiento; el servicio de atención puede restaurarla."),
            format!("{option_en} is no longer available to you after your withdrawal; customer service can restore it."),
        ),
        PurchaseRefusal::InProgress => Refusal::new(
            code,
            format!("Ya hay una compra de {option_es} en curso; espera a que termine."),
            format!("A purchase of {option_en} is already in progress; wait for it to finish."),
        ),
        PurchaseRefusal::AlreadyForLife => Refusal::new(
            code,
            format!("{option_es} ya está activa de por vida en este vehículo."),
            format!("{option_en} is already active for life on this vehicle."),
        ),
        PurchaseRefusal::Maintenance { blocks } => {
            let list = blocks.join(", ");
            Refusal::new(
                code,
                format!("{option_es} requiere el mantenimiento al día de: {list}. Puedes hacerlo en cualquier taller oficial o autorizado; después podrás comprarla. Nada más cambia en tu vehículo."),
                format!("{option_en} needs up-to-date maintenance of: {list}. It can be done at any official or approved workshop; you can buy it afterwards. Nothing else on your vehicle changes."),
            )
        }
        PurchaseRefusal::MaintenanceUnknown => Refusal::new(
            code,
            format!("Ahora no podemos consultar el estado de mantenimiento que requiere {option_es}; inténtalo más tarde. Las demás opciones no se ven afectadas."),
            format!("We cannot check the maintenance status {option_en} requires right now; try again later. Other options are not affected."),
        ),
    }
}
