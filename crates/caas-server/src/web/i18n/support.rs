//! UI strings of the support pages (ADM-4, OTA-10), in Spanish and English,
//! reached from [`Msg::sup`](crate::web::i18n::Msg): the queue, a case's
//! diagnostic package and resolution, and the per-car read-only view. One
//! line per string with both languages, so a missing translation does not
//! compile.

macro_rules! support_msgs {
    ($($name:ident: $es:expr, $en:expr;)*) => {
        /// This group's messages of one language.
        #[allow(missing_docs)]
        #[derive(Debug)]
        pub struct SupportMsg {
            $(pub $name: &'static str,)*
        }

        /// Spanish.
        pub static ES: SupportMsg = SupportMsg { $($name: $es,)* };

        /// English.
        pub static EN: SupportMsg = SupportMsg { $($name: $en,)* };
    };
}

support_msgs! {
    nav: "Soporte", "Support";
    queue_title: "Cola de soporte", "Support queue";
    no_cases: "No hay escalados.", "No escalations.";
    case: "Caso", "Case";
    priority: "Prioridad", "Priority";
    high: "Alta", "High";
    normal: "Normal", "Normal";
    activation_failed: "Activación fallida", "Activation failed";
    deactivation_failed: "No se pudo desactivar", "Could not be switched off";
    opened: "Abierto", "Opened";
    open: "Abierto", "Open";
    resolved: "Resuelto", "Resolved";
    purchase: "Compra", "Purchase";
    vehicle: "Vehículo", "Vehicle";
    package: "Paquete de diagnóstico", "Diagnostic package";
    attempts: "Intentos", "Attempts";
    command: "Comando", "Command";
    kind: "Tipo", "Type";
    issued: "Emitido", "Issued";
    publishes: "Publicaciones", "Publications";
    status: "Estado", "Status";
    code: "Código", "Code";
    answered: "Respondido", "Answered";
    snapshot: "Estado informado por la consulta de confirmación", "State reported by the confirming query";
    no_snapshot: "Sin consulta de estado respondida.", "No answered state query.";
    payment_reference: "Referencia del pago", "Payment reference";
    voided: "Autorización anulada (no se cobró)", "Authorisation voided (not charged)";
    not_voided: "Autorización no anulada", "Authorisation not voided";
    resolution: "Resolución", "Resolution";
    resolve: "Registrar resolución", "Record resolution";
    resolved_by: "por", "by";
    vehicle_title: "Vehículo (solo lectura)", "Vehicle (read-only)";
    presence: "Presencia", "Presence";
    last_report: "Último informe de estado", "Latest state report";
    no_report: "El vehículo aún no ha informado de su estado.", "The vehicle has not reported its state yet.";
    features: "Funciones opcionales: deseado frente a informado", "Optional features: desired versus reported";
    feature: "Función", "Feature";
    desired: "Deseado", "Desired";
    reported: "Informado", "Reported";
    on: "Activada", "On";
    off: "Desactivada", "Off";
    held: "Sin corregir ahora (compra en curso o fin de periodo)", "Left alone now (purchase in progress or period ending)";
    not_reported: "No informada", "Not reported";
    fixed: "Plataforma base y plan comercial (nunca se envían comandos)", "Plataforma base and plan comercial (never commanded)";
    corrections: "Correcciones de la reconciliación", "Reconciliation corrections";
    no_corrections: "Ninguna corrección.", "No corrections.";
    commands: "Historial de comandos", "Command history";
    no_commands: "Ningún comando.", "No commands.";
    ask_state: "Pedir su estado al vehículo", "Ask the car for its state";
    state_asked: "Consulta de estado enviada: el vehículo responderá con su último estado.", "State query sent: the car will answer with its latest state.";
}
