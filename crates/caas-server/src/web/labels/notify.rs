//! Human texts, in Spanish and English, of the notification matrix: its
//! rows (events), its channels and the states of a delivery.

use crate::web::labels::t;
use caas_domain::account::Language;
use caas_domain::notification::{Channel, DeliveryState, NotificationKind};

/// A row of the notification matrix.
pub fn notification_kind(k: NotificationKind, lang: Language) -> &'static str {
    match k {
        NotificationKind::FactoryOrderPlaced => {
            t(lang, "Pedido enviado a fábrica", "Factory order placed")
        }
        NotificationKind::ManufacturingMilestone => t(
            lang,
            "Hitos de fabricación y nuevas fechas estimadas",
            "Manufacturing milestones and revised estimates",
        ),
        NotificationKind::VehicleAvailable => t(
            lang,
            "Vehículo disponible (pago final)",
            "Vehicle available (final payment due)",
        ),
        NotificationKind::PaymentConfirmed => t(lang, "Pago confirmado", "Payment confirmed"),
        NotificationKind::FinalPaymentReminder => {
            t(lang, "Recordatorio de pago final", "Final-payment reminder")
        }
        NotificationKind::ReservationLost => t(lang, "Reserva perdida", "Reservation lost"),
        NotificationKind::RegistrationDone => t(lang, "Matriculación hecha", "Registration done"),
        NotificationKind::RegistrationDelayed => {
            t(lang, "Matriculación retrasada", "Registration delayed")
        }
        NotificationKind::DeliveryScheduled => t(lang, "Entrega programada", "Delivery scheduled"),
        NotificationKind::CollectAtDealership => t(
            lang,
            "Recoger en el concesionario",
            "Collect at the dealership",
        ),
        NotificationKind::VehicleOperational => {
            t(lang, "Vehículo operativo", "Vehicle operational")
        }
        NotificationKind::SaleCancelled => t(lang, "Venta cancelada", "Sale cancelled"),
        NotificationKind::RefundDone => t(lang, "Devolución hecha", "Refund done"),
        NotificationKind::ActivationInProgress => {
            t(lang, "Activación en curso", "Activation in progress")
        }
        NotificationKind::ServiceActivated => t(lang, "Servicio activado", "Service activated"),
        NotificationKind::ActivationFailed => t(
            lang,
            "Activación fallida — sin cargo",
            "Activation failed — not charged",
        ),
        NotificationKind::ServiceExpired => t(lang, "Servicio finalizado", "Service expired"),
        NotificationKind::ServiceExpiring => {
            t(lang, "Servicio a punto de caducar", "Service expiring soon")
        }
        NotificationKind::OptionRefused => t(
            lang,
            "Opción rechazada por mantenimiento",
            "Option refused for maintenance",
        ),
    }
}

/// A notification channel.
pub fn channel(c: Channel, lang: Language) -> &'static str {
    match c {
        Channel::Email => t(lang, "Correo", "Email"),
        Channel::Push => t(lang, "Push", "Push"),
        Channel::Display => t(lang, "Pantalla del vehículo", "Vehicle display"),
        Channel::Sms => t(lang, "SMS", "SMS"),
    }
}

/// A delivery state.
pub fn delivery_state(s: DeliveryState, lang: Language) -> &'static str {
    match s {
        DeliveryState::Pending => t(lang, "pendiente", "pending"),
        DeliveryState::Sent => t(lang, "enviado", "sent"),
        DeliveryState::Delivered => t(lang, "entregado", "delivered"),
        DeliveryState::Failed => t(lang, "fallido", "failed"),
        DeliveryState::Skipped => t(lang, "no enviado", "not sent"),
    }
}
