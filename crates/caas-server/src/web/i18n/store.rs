//! UI strings of the customer's feature store pages (the car's store, the
//! confirmation of one offer, a purchase), in Spanish and English. One line
//! per string with both languages, so a missing translation does not
//! compile. Reached with [`StoreMsg::for_lang`].

use caas_domain::account::Language;

macro_rules! store_msgs {
    ($($name:ident: $es:expr, $en:expr;)*) => {
        /// This group's messages of one language.
        #[allow(missing_docs)]
        #[derive(Debug)]
        pub struct StoreMsg {
            $(pub $name: &'static str,)*
        }

        /// Spanish.
        pub static ES: StoreMsg = StoreMsg { $($name: $es,)* };

        /// English.
        pub static EN: StoreMsg = StoreMsg { $($name: $en,)* };
    };
}

impl StoreMsg {
    /// The messages of `lang`.
    pub fn for_lang(lang: Language) -> &'static StoreMsg {
        match lang {
            Language::Es => &ES,
            Language::En => &EN,
        }
    }
}

store_msgs! {
    store_title: "Tienda de funciones", "Feature store";
    store_link: "Tienda de funciones de tu vehículo", "Your vehicle's feature store";
    store_intro: "Activa funciones de tu vehículo por un tiempo o para siempre. Solo se cobra cuando el vehículo confirma que la función está activa.", "Switch on features of your vehicle for a while or for good. You are charged only when the vehicle confirms the feature is on.";
    store_empty: "Tu vehículo no informa de ninguna función configurable fuera de tu plan comercial. Arráncalo para que se conecte y vuelve a mirar.", "Your vehicle reports no configurable feature outside your commercial plan. Switch it on so it connects and look again.";
    not_operational: "Podrás comprar funciones cuando el vehículo esté operativo (entregado y vinculado a tu app).", "You can buy features once the vehicle is operational (delivered and linked to your app).";
    back_vehicle: "Mi vehículo", "My vehicle";
    back_store: "Volver a la tienda", "Back to the store";
    connectivity: "Conexión", "Connection";
    online: "Conectado", "Online";
    offline: "Desconectado", "Offline";
    unknown: "Sin datos todavía", "No data yet";
    last_seen: "última señal", "last heard";
    offline_note: "Si compras ahora, la función se activará cuando el vehículo se conecte.", "If you buy now, the feature is switched on when the vehicle connects.";
    available: "Disponible", "Available";
    activating: "Activándose…", "Activating…";
    active_for_life: "Activa de por vida", "Active for life";
    active_until: "Activa hasta", "Active until";
    maintenance_note: "Requiere el mantenimiento al día; se comprueba al comprar.", "Needs up-to-date maintenance; checked when you buy.";
    buy: "Comprar", "Buy";
    extend: "Ampliar", "Extend";
    price: "Precio", "Price";
    duration: "Duración", "Duration";
    for_life: "De por vida", "For life";
    history: "Tus compras", "Your purchases";
    no_history: "Todavía no has comprado ninguna función para este vehículo.", "You have not bought any feature for this vehicle yet.";
    option: "Función", "Feature";
    created: "Fecha", "Date";
    confirm_title: "Confirmar la compra", "Confirm the purchase";
    starts: "Empieza", "Starts";
    ends: "Termina", "Ends";
    never_ends: "No termina (de por vida)", "Never (for life)";
    starts_now: "al activarse", "when activated";
    extends_note: "Amplía tu periodo actual: empieza cuando termine el que está en curso.", "Extends your current period: it starts when the running one ends.";
    withdrawal: "Desistimiento", "Withdrawal";
    charge_note: "Se autoriza el importe en tu tarjeta y solo se cobra cuando el vehículo confirma la función activa; si no se activa, no se cobra nada.", "The amount is authorised on your card and charged only when the vehicle confirms the feature is on; if it is not switched on, nothing is charged.";
    refused_title: "No se puede comprar ahora", "It cannot be bought now";
    confirm_button: "Confirmar y pagar", "Confirm and pay";
    purchase_title: "Compra", "Purchase";
    state: "Estado", "State";
    payment: "Pago", "Payment";
    period: "Periodo", "Period";
    withdraw_until: "Puedes desistir hasta el", "You can withdraw until";
    steps: "Historial", "History";
    live_note: "Esta página se actualiza sola.", "This page updates by itself.";
    s_scheduled: "Programada", "Scheduled";
    s_requested: "Solicitada", "Requested";
    s_authorizing: "Autorizando el pago", "Authorising the payment";
    s_activating: "Activándose", "Activating";
    s_attempt: "intento", "attempt";
    s_of: "de", "of";
    s_retry_wait: "Esperando para reintentar", "Waiting to retry";
    s_active: "Activa", "Active";
    s_failed: "No activada — no se ha cobrado nada", "Not activated — nothing was charged";
    s_declined: "Pago rechazado", "Payment declined";
    s_rejected: "Rechazada", "Refused";
    s_deactivating: "Desactivándose", "Switching off";
    s_expired: "Terminada", "Ended";
    s_withdrawn: "Desistida", "Withdrawn";
    s_cancelled: "Cancelada", "Cancelled";
    p_created: "Pendiente", "Pending";
    p_authorized: "Autorizado, sin cobrar", "Authorised, not charged";
    p_declined: "Rechazado", "Declined";
    p_captured: "Cobrado", "Charged";
    p_voided: "Autorización anulada: no se ha cobrado nada", "Authorisation cancelled: nothing was charged";
    p_debt: "Pendiente de cobro", "Charge pending";
}
