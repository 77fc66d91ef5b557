//! UI strings of the services section of the expediente and the vehicle
//! page (EXP-2: active services with end dates, service history, service
//! invoices), in Spanish and English, reached from
//! [`Msg::svc`](crate::web::i18n::Msg). One line per string with both
//! languages, so a missing translation does not compile.

macro_rules! services_msgs {
    ($($name:ident: $es:expr, $en:expr;)*) => {
        /// This group's messages of one language.
        #[allow(missing_docs)]
        #[derive(Debug)]
        pub struct ServicesMsg {
            $(pub $name: &'static str,)*
        }

        /// Spanish.
        pub static ES: ServicesMsg = ServicesMsg { $($name: $es,)* };

        /// English.
        pub static EN: ServicesMsg = ServicesMsg { $($name: $en,)* };
    };
}

services_msgs! {
    title: "Servicios", "Services";
    active: "Servicios activos", "Active services";
    no_active: "Ningún servicio activo ahora.", "No service is active now.";
    until: "hasta el", "until";
    for_life: "de por vida", "for life";
    history: "Historial de servicios", "Service history";
    no_history: "Aún no has comprado ningún servicio para este vehículo.", "You have not bought any service for this vehicle yet.";
    option: "Opción", "Option";
    period: "Periodo", "Period";
    price: "Precio", "Price";
    outcome: "Resultado", "Outcome";
    steps: "Cambios", "Changes";
    invoice: "Factura", "Invoice";
    invoices: "Facturas de servicios", "Service invoices";
    no_invoices: "Sin facturas de servicios.", "No service invoices.";
    open: "Ver compra", "View purchase";
    st_scheduled: "Programada", "Scheduled";
    st_requested: "Solicitada", "Requested";
    st_rejected: "Rechazada, no cobrada", "Refused, not charged";
    st_authorizing: "Autorizando el pago", "Authorising the payment";
    st_declined: "Pago rechazado, no cobrado", "Payment declined, not charged";
    st_activating: "Activando en el vehículo", "Switching on in the vehicle";
    st_retry: "Reintento programado", "Retry scheduled";
    st_active: "Activada", "Switched on";
    st_failed: "No activado, no cobrado", "Not activated, not charged";
    st_captured: "Cobrada", "Charged";
    st_debt: "Activada; cobro pendiente", "Switched on; charge pending";
    st_reminded: "Aviso de caducidad enviado", "Expiry reminder sent";
    st_voided: "Autorización de la tarjeta anulada", "Card authorisation cancelled";
    st_deactivating: "Desactivando", "Switching off";
    st_expired: "Finalizada y desactivada", "Ended and switched off";
    st_withdrawn: "Desistida", "Withdrawn";
    st_cancelled: "Cancelada", "Cancelled";
}
