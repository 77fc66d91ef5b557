//! UI strings of the maintenance section of the expediente (MNT-7, EXP-4),
//! in Spanish and English, reached from [`Msg::mnt`](crate::web::i18n::Msg):
//! headings, block names, statuses, networks and warranty reasons of the
//! VSS contract. One line per string with both languages, so a missing
//! translation does not compile.

macro_rules! maintenance_msgs {
    ($($name:ident: $es:expr, $en:expr;)*) => {
        /// This group's messages of one language.
        #[allow(missing_docs)]
        #[derive(Debug)]
        pub struct MaintenanceMsg {
            $(pub $name: &'static str,)*
        }

        /// Spanish.
        pub static ES: MaintenanceMsg = MaintenanceMsg { $($name: $es,)* };

        /// English.
        pub static EN: MaintenanceMsg = MaintenanceMsg { $($name: $en,)* };
    };
}

maintenance_msgs! {
    title: "Mantenimiento", "Maintenance";
    source: "Datos del sistema de talleres (VSS) a las", "Data from the workshop system (VSS) at";
    stale: "VSS no responde ahora: mostramos la última copia que recibimos, que puede no estar al día.", "VSS is not answering right now: this is the last copy we received, which may be out of date.";
    unavailable: "Los datos de mantenimiento no están disponibles en este momento. Vuelve a intentarlo más tarde; no afecta al uso de tu vehículo.", "Maintenance data is unavailable right now. Please try again later; it does not affect the use of your vehicle.";
    no_data: "Aún no hay mantenimiento registrado para este vehículo.", "No maintenance has been recorded for this vehicle yet.";
    plan_ok: "Plan de mantenimiento al día.", "Maintenance plan up to date.";
    plan_late: "Hay mantenimiento pendiente en el plan.", "Some scheduled maintenance is overdue.";
    free_choice: "Tú decides cuándo y dónde: en un taller oficial o en uno multimarca autorizado.", "You decide when and where: at an official or an approved multi-brand workshop.";
    blocks: "Cumplimiento por bloque", "Compliance per block";
    block: "Bloque", "Block";
    compliance: "Cumplimiento", "Compliance";
    last_service: "Último servicio", "Last service";
    next_due: "Próximo", "Next due";
    warranty: "Garantía del fabricante", "Manufacturer warranty";
    warranty_valid: "En vigor", "Valid";
    warranty_until: "hasta el", "until";
    warranty_lost: "Perdida", "Lost";
    visits: "Historial de visitas al taller", "Workshop visit history";
    no_visits: "Sin visitas registradas.", "No visits recorded.";
    date: "Fecha", "Date";
    workshop: "Taller", "Workshop";
    network: "Red", "Network";
    odometer: "Kilómetros", "Odometer (km)";
    plan_service: "revisión del plan", "scheduled service";
    net_official: "Oficial", "Official";
    net_approved: "Multimarca autorizado", "Approved multi-brand";
    net_other: "Otro", "Other";
    st_ok: "Al día", "Up to date";
    st_due_soon: "Próximo a vencer", "Due soon";
    st_overdue: "Vencido", "Overdue";
    b_brakes: "Frenos", "Brakes";
    b_tyres: "Neumáticos", "Tyres";
    b_suspension_steering: "Suspensión y dirección", "Suspension and steering";
    b_adas_sensors: "Sensores de asistencia (ADAS)", "Driver-assistance sensors (ADAS)";
    b_battery: "Batería", "Battery";
    b_powertrain: "Tren motriz", "Powertrain";
    b_hvac: "Climatización", "Climate control";
    b_body_electrics: "Carrocería y electricidad", "Body and electrics";
    why_maintenance_overdue: "falta mantenimiento obligatorio", "required maintenance is missing";
    why_unofficial_repair: "reparación fuera de la red autorizada", "repair outside the authorised network";
    why_expired: "ha vencido", "it has expired";
}
