//! Human texts, in Spanish and English, for the codes the pages show: order
//! and payment states, timeline kinds, factory refusal violations, card
//! decline codes and alert kinds (option categories, pricing models and
//! periods: [`catalogue`]; notification rows and channels: [`notify`]).

use caas_domain::account::Language;
use caas_domain::order::OrderState;
use caas_domain::partners::FactoryViolation;
use caas_domain::timeline::{CarrierStep, StaffStep, TimelineKind};
mod catalogue;
pub mod notify;
mod payments;

pub use catalogue::*;
pub use payments::*;

pub(crate) fn t(lang: Language, es: &'static str, en: &'static str) -> &'static str {
    match lang {
        Language::Es => es,
        Language::En => en,
    }
}

/// An order state for people.
pub fn order_state(s: OrderState, lang: Language) -> &'static str {
    use OrderState::*;
    match s {
        SaleRegistered => t(lang, "Venta registrada", "Sale registered"),
        Reserved => t(lang, "Reservado", "Reserved"),
        FactoryOrderPending => t(lang, "Pedido a fábrica pendiente", "Factory order pending"),
        OrderRejected => t(
            lang,
            "Pedido rechazado por la fábrica",
            "Order refused by the factory",
        ),
        Ordered => t(lang, "Pedido a fábrica", "Ordered"),
        InProduction => t(lang, "En fabricación", "In production"),
        InTransitToDealership => t(
            lang,
            "De camino al concesionario",
            "On the way to the dealership",
        ),
        AwaitingFinalPayment => t(
            lang,
            "En el concesionario: pago final pendiente",
            "At the dealership: final payment due",
        ),
        Paid => t(
            lang,
            "Pagado: matriculación en curso",
            "Paid: registration under way",
        ),
        RegistrationIssue => t(lang, "Matriculación retrasada", "Registration delayed"),
        Registered => t(lang, "Matriculado", "Registered"),
        OutForDelivery => t(lang, "En reparto", "Out for delivery"),
        ReturningToDealership => t(
            lang,
            "Volviendo al concesionario",
            "Returning to the dealership",
        ),
        HeldAtDealership => t(
            lang,
            "Para recoger en el concesionario",
            "Ready for collection at the dealership",
        ),
        Delivered => t(lang, "Entregado", "Delivered"),
        Operational => t(lang, "Operativo", "Operational"),
        ReservationLost => t(lang, "Reserva perdida", "Reservation lost"),
        Cancelled => t(lang, "Cancelado", "Cancelled"),
    }
}

/// CSS modifier of an order state badge.
pub fn order_state_class(s: OrderState) -> &'static str {
    use OrderState::*;
    match s {
        SaleRegistered | Reserved => "badge-info",
        FactoryOrderPending => "badge-warn",
        OrderRejected | Cancelled | ReservationLost => "badge-err",
        RegistrationIssue | ReturningToDealership | HeldAtDealership | AwaitingFinalPayment => {
            "badge-warn"
        }
        Ordered
        | InProduction
        | InTransitToDealership
        | Paid
        | Registered
        | OutForDelivery
        | Delivered
        | Operational => "badge-ok",
    }
}

/// A timeline entry kind for people: every kind the platform writes has its
/// text here (the match is exhaustive), a newer release's key shows as written.
pub fn timeline_kind(kind: &TimelineKind, lang: Language) -> String {
    use TimelineKind as K;
    let s = match kind {
        K::Factory(k) => return caas_app::notify::texts::milestone_title(k.key(), lang),
        K::Staff(StaffStep::FactoryEmbarked) => {
            return caas_app::notify::texts::milestone_title("vehicle_dispatched", lang)
        }
        K::Other(key) | K::Carrier(CarrierStep::Other(key)) => return key.replace('_', " "),
        K::SaleRegistered => t(lang, "Venta registrada", "Sale registered"),
        K::DealershipReception => t(
            lang,
            "Recibido en el concesionario",
            "Received at the dealership",
        ),
        K::FinalPaymentCaptured => t(lang, "Pago final cobrado", "Final payment captured"),
        K::FinalPaymentSettled => t(lang, "Pago final liquidado", "Final payment settled"),
        K::FinalPaymentReminder => t(lang, "Recordatorio de pago final", "Final-payment reminder"),
        K::ReservationLost => t(lang, "Reserva perdida", "Reservation lost"),
        K::SenalRefundRequested => t(
            lang,
            "Devolución de la señal solicitada",
            "Deposit refund requested",
        ),
        K::SenalRefunded => t(lang, "Señal devuelta", "Deposit refunded"),
        K::SenalRefundFailed => t(
            lang,
            "La devolución de la señal ha fallado",
            "Deposit refund failed",
        ),
        K::Registered => t(lang, "Vehículo matriculado", "Vehicle registered"),
        K::RegistrationIssue => t(lang, "Matriculación rechazada", "Registration refused"),
        K::RegistrationResubmitted => {
            t(lang, "Matriculación reenviada", "Registration resubmitted")
        }
        K::DeliveryBooked => t(
            lang,
            "Entrega a domicilio reservada",
            "Home delivery booked",
        ),
        K::Carrier(CarrierStep::Embarked) | K::Staff(StaffStep::Embarked) => t(
            lang,
            "Vehículo cargado para la entrega",
            "Vehicle loaded for delivery",
        ),
        K::Carrier(CarrierStep::Arrived) | K::Staff(StaffStep::Arrived) => t(
            lang,
            "Transportista en tu domicilio",
            "Carrier at your address",
        ),
        K::Carrier(CarrierStep::DeliveryAttempted)
        | K::Staff(StaffStep::Delivered)
        | K::Staff(StaffStep::NotDelivered) => t(lang, "Intento de entrega", "Delivery attempt"),
        K::Carrier(CarrierStep::PhoneContact)
        | K::Staff(StaffStep::PhoneAgreed)
        | K::Staff(StaffStep::PhoneUnreachable) => {
            t(lang, "Llamada del transportista", "Call from the carrier")
        }
        K::Carrier(CarrierStep::ReturnedToDealership) => t(
            lang,
            "Devuelto al concesionario",
            "Returned to the dealership",
        ),
        K::Carrier(CarrierStep::ReceivedAtDealership) | K::ReturnReceived => t(
            lang,
            "Recibido de vuelta en el concesionario",
            "Received back at the dealership",
        ),
        K::CollectedAtDealership => t(
            lang,
            "Recogido en el concesionario",
            "Collected at the dealership",
        ),
        K::RedeliveryRequested => t(
            lang,
            "Nueva entrega a domicilio solicitada",
            "New home delivery requested",
        ),
        K::HandoverCheck => t(
            lang,
            "Opciones del plan comprobadas en el vehículo",
            "Plan options checked on the vehicle",
        ),
        K::AppLinked => t(
            lang,
            "App vinculada: vehículo operativo",
            "App linked: vehicle operational",
        ),
        K::AppLinkFailed => t(lang, "No se pudo vincular la app", "App link failed"),
        K::PurchaseActivating => t(
            lang,
            "Activando una opción comprada",
            "Switching on a bought option",
        ),
        K::PurchaseActivated => t(
            lang,
            "Opción activada y cobrada",
            "Option switched on and charged",
        ),
        K::PurchaseFailed => t(
            lang,
            "Opción no activada — no se ha cobrado nada",
            "Option not switched on — nothing charged",
        ),
        K::PurchaseDeclined => t(
            lang,
            "Pago de una opción rechazado",
            "Option payment declined",
        ),
        K::PurchaseExpired => t(lang, "Servicio finalizado", "Service ended"),
        K::PurchaseExpiring => t(lang, "Servicio a punto de caducar", "Service ending soon"),
        K::PurchaseRejected => t(
            lang,
            "Compra de una opción rechazada",
            "Option purchase refused",
        ),
        K::SenalPaid => t(lang, "Señal pagada", "Reservation deposit paid"),
        K::PaymentDeclined => t(lang, "Pago rechazado", "Payment declined"),
        K::FactoryOrderPlaced => t(
            lang,
            "Pedido enviado a fábrica",
            "Order placed with the factory",
        ),
        K::FactoryOrderRejected => t(
            lang,
            "La fábrica rechazó el pedido",
            "The factory refused the order",
        ),
        K::FactoryUnavailable => t(
            lang,
            "Fábrica no disponible; se reintentará",
            "Factory unavailable; will retry",
        ),
        K::FactoryOrderResubmitted => t(
            lang,
            "Pedido reenviado a fábrica",
            "Order resubmitted to the factory",
        ),
        K::SaleCancelled => t(lang, "Venta cancelada", "Sale cancelled"),
    };
    s.to_owned()
}

/// One factory refusal violation for staff.
pub fn violation(v: &FactoryViolation, lang: Language) -> String {
    let value = v.value.clone().unwrap_or_default();
    let es = lang == Language::Es;
    match v.code.as_str() {
        "unknown_model" if es => format!("La fábrica no conoce el modelo {value}."),
        "unknown_model" => format!("The factory does not know the model {value}."),
        "unknown_option" if es => format!("La fábrica no conoce la opción {value}."),
        "unknown_option" => format!("The factory does not know the option {value}."),
        "option_not_available_for_model" if es => {
            format!("La opción {value} no está disponible para este modelo.")
        }
        "option_not_available_for_model" => {
            format!("The option {value} is not available for this model.")
        }
        "option_combination_invalid" if es => format!(
            "Estas opciones no se pueden combinar: {}.",
            v.conflicting_codes.join(", ")
        ),
        "option_combination_invalid" => format!(
            "These options cannot be combined: {}.",
            v.conflicting_codes.join(", ")
        ),
        "component_unavailable" if es => format!(
            "Falta un componente ({}) de la opción {}; quítala o espera.",
            v.component.clone().unwrap_or_default(),
            v.option_code.clone().unwrap_or_default()
        ),
        "component_unavailable" => format!(
            "A component ({}) of option {} is unavailable; remove it or wait.",
            v.component.clone().unwrap_or_default(),
            v.option_code.clone().unwrap_or_default()
        ),
        "unknown_dealership" if es => "La fábrica no conoce este concesionario.".into(),
        "unknown_dealership" => "The factory does not know this dealership.".into(),
        "delivery_locality_not_served" if es => {
            format!("La fábrica no entrega en la localidad {value}.")
        }
        "delivery_locality_not_served" => {
            format!("The factory does not deliver to the locality {value}.")
        }
        other => format!("{other} {value}").trim().to_owned(),
    }
}

/// A staff alert kind.
pub fn alert_kind(kind: &str, lang: Language) -> String {
    let s = match kind {
        "factory_order_rejected" => t(
            lang,
            "Pedido rechazado por la fábrica",
            "Factory refused an order",
        ),
        "factory_order_retries_exhausted" => t(
            lang,
            "La fábrica no responde: reintentos agotados",
            "Factory not answering: retries exhausted",
        ),
        "factory_order_cancelled" => t(
            lang,
            "La fábrica canceló un pedido",
            "The factory cancelled an order",
        ),
        "factory_order_silent" => t(
            lang,
            "Pedido sin noticias de la fábrica",
            "No news from the factory",
        ),
        "registration_issue" => t(
            lang,
            "Matriculación rechazada: corregir y reenviar",
            "Registration refused: correct and resubmit",
        ),
        "delivery_booking_refused" => t(
            lang,
            "El transportista rechazó la reserva de entrega",
            "The carrier refused the delivery booking",
        ),
        "senal_refund_failed" => t(
            lang,
            "La devolución de la señal ha fallado",
            "The deposit refund failed",
        ),
        _ => return kind.replace('_', " "),
    };
    s.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_factory_violation_code_has_a_sentence() {
        for code in [
            "unknown_model",
            "unknown_option",
            "option_not_available_for_model",
            "option_combination_invalid",
            "component_unavailable",
            "unknown_dealership",
            "delivery_locality_not_served",
        ] {
            let v = FactoryViolation {
                code: code.into(),
                field: None,
                value: Some("X".into()),
                conflicting_codes: vec!["A".into(), "B".into()],
                option_code: Some("PUMP".into()),
                component: Some("compressor".into()),
            };
            for lang in [Language::Es, Language::En] {
                let s = violation(&v, lang);
                assert!(!s.contains('_'), "{code} reads as a code: {s}");
            }
        }
    }

    #[test]
    fn decline_codes_read_naturally() {
        assert!(decline(Some("insufficient_funds"), Language::Es).contains("saldo"));
        assert!(decline(Some("expired_card"), Language::En).contains("expired"));
        assert!(decline(None, Language::En).contains("declined"));
    }
}
