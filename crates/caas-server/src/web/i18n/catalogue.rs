//! UI strings of the catalogue's feature-store section (`/ops/catalogue`:
//! IoT feature, maintenance dependency, offers), in Spanish and English, the
//! names of VSS's functional blocks, and the field errors of those forms in
//! the viewer's language. One line per string with both languages, so a
//! missing translation does not compile.

use caas_domain::account::Language;

macro_rules! catalogue_msgs {
    ($($name:ident: $es:expr, $en:expr;)*) => {
        /// This group's messages of one language.
        #[allow(missing_docs)]
        #[derive(Debug)]
        pub struct CatalogueMsg {
            $(pub $name: &'static str,)*
        }

        /// Spanish.
        pub static ES: CatalogueMsg = CatalogueMsg { $($name: $es,)* };

        /// English.
        pub static EN: CatalogueMsg = CatalogueMsg { $($name: $en,)* };
    };
}

catalogue_msgs! {
    store_title: "Tienda de funciones", "Feature store";
    store_hint: "Cómo se activa la opción en el coche y qué mantenimiento exige.", "How the option is switched on in the car and what maintenance it needs.";
    iot_feature: "Código de la función IoT", "IoT feature code";
    iot_feature_hint: "De 2 a 40 mayúsculas, cifras o _ (como en la API IoT).", "2 to 40 capital letters, digits or _ (as in the IoT API).";
    iot_config: "Configuración de la función (objeto JSON, opcional)", "Feature config (JSON object, optional)";
    maintenance: "Mantenimiento exigido (bloques de VSS)", "Required maintenance (VSS blocks)";
    maintenance_hint: "Sin bloques marcados, la opción no depende del mantenimiento.", "With no block ticked, the option does not depend on maintenance.";
    threshold: "Cumplimiento mínimo de cada bloque (%)", "Minimum compliance of each block (%)";
    when_unreachable: "Si VSS no responde", "If VSS does not answer";
    when_refuse: "Rechazar la compra (probar más tarde)", "Refuse the purchase (try again later)";
    when_allow: "Permitir la compra", "Allow the purchase";
    option_active: "A la venta en la tienda (desactivada, sigue en los coches que la compraron)", "On sale in the store (inactive, it stays on cars that bought it)";
    save_store: "Guardar la tienda", "Save the store fields";
    offers_title: "Ofertas", "Offers";
    offers_hint: "Una oferta no se borra ni cambia de modelo o duración, porque las compras se refieren a ella: desactívala y añade otra. Un cambio de precio no altera las compras hechas.", "An offer is never deleted and never changes model or length, because purchases refer to it: deactivate it and add another. A price change does not alter purchases already made.";
    model: "Modelo", "Model";
    length: "Duración", "Length";
    price: "Precio", "Price";
    currency: "Moneda", "Currency";
    offer_active: "Disponible", "Available";
    change: "Guardar", "Save";
    add_offer: "Añadir oferta", "Add offer";
    count: "Duración (número; vacío para de por vida o suscripción)", "Length (number; empty for lifetime or subscription)";
    unit: "Unidad", "Unit";
    unit_day: "días", "days";
    unit_week: "semanas", "weeks";
    unit_month: "meses", "months";
    unit_year: "años", "years";
    no_offers: "Sin ofertas todavía.", "No offers yet.";
}

/// The messages of `lang`.
pub fn for_lang(lang: Language) -> &'static CatalogueMsg {
    match lang {
        Language::Es => &ES,
        Language::En => &EN,
    }
}

/// A VSS functional block for people (the code itself when unknown).
pub fn block(code: &str, lang: Language) -> &str {
    let (es, en) = match code {
        "brakes" => ("Frenos", "Brakes"),
        "tyres" => ("Neumáticos", "Tyres"),
        "suspension_steering" => ("Suspensión y dirección", "Suspension and steering"),
        "adas_sensors" => ("Sensores de asistencia (ADAS)", "Assistance sensors (ADAS)"),
        "battery" => ("Batería", "Battery"),
        "powertrain" => ("Tren motriz", "Powertrain"),
        "hvac" => ("Climatización", "Climate control"),
        "body_electrics" => ("Electricidad de carrocería", "Body electrics"),
        _ => return code,
    };
    crate::web::labels::t(lang, es, en)
}

/// What to fix in a field of the feature-store forms, in `lang`; `None` for
/// a field these forms do not have (the message is shown as it came).
pub fn field_error(field: &str, lang: Language) -> Option<&'static str> {
    let (es, en) = match field {
        "iot_feature" => (
            "Usa de 2 a 40 letras mayúsculas, cifras o _.",
            "Use 2 to 40 capital letters, digits or _.",
        ),
        "iot_config" => (
            "Escribe un objeto JSON, como {\"nivel\": 2}, o déjalo vacío.",
            "Write a JSON object, such as {\"level\": 2}, or leave it empty.",
        ),
        "maintenance.blocks" => (
            "Elige bloques de la lista de VSS, cada uno una vez.",
            "Choose blocks from VSS's list, each once.",
        ),
        "maintenance.threshold_percent" => (
            "Usa un número entero del 1 al 100.",
            "Use a whole number from 1 to 100.",
        ),
        "maintenance.when_unreachable" => ("Elige rechazar o permitir.", "Choose refuse or allow."),
        "model" => ("Elige un modelo de precio.", "Choose a pricing model."),
        "count" => (
            "Por tiempo, programada y recurrente necesitan una duración de 1 a 999; de por vida y suscripción, ninguna.",
            "Time-limited, planned and recurring need a length from 1 to 999; lifetime and subscription none.",
        ),
        "unit" => (
            "Elige días, semanas, meses o años.",
            "Choose days, weeks, months or years.",
        ),
        "price" => (
            "Escribe un precio mayor que cero, como 9,90.",
            "Write a price above zero, such as 9.90.",
        ),
        "currency" => ("Elige una moneda admitida.", "Choose a supported currency."),
        "offer" => (
            "Ya hay una oferta activa con este modelo, duración y moneda: desactívala antes.",
            "There is already an active offer with this model, length and currency: deactivate it first.",
        ),
        "active" => (
            "Otra oferta activa tiene este modelo, duración y moneda.",
            "Another active offer has this model, length and currency.",
        ),
        _ => return None,
    };
    Some(crate::web::labels::t(lang, es, en))
}
