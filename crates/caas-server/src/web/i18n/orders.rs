//! UI strings of the order pages (intranet, catalogue, customer portal), in
//! Spanish and English, reached from [`Msg::o`](crate::web::i18n::Msg). One
//! line per string with both languages, so a missing translation does not
//! compile.

macro_rules! order_msgs {
    ($($name:ident: $es:expr, $en:expr;)*) => {
        /// The order pages' messages of one language.
        #[allow(missing_docs)]
        #[derive(Debug)]
        pub struct OrderMsg {
            $(pub $name: &'static str,)*
        }

        /// Spanish.
        pub static ES: OrderMsg = OrderMsg { $($name: $es,)* };

        /// English.
        pub static EN: OrderMsg = OrderMsg { $($name: $en,)* };
    };
}

order_msgs! {
    nav_orders: "Pedidos", "Orders";
    nav_alerts: "Alertas", "Alerts";
    nav_catalogue: "Catálogo", "Catalogue";
    nav_inbox: "Avisos", "Notifications";
    nav_prefs: "Preferencias", "Preferences";
    orders_title: "Pedidos", "Orders";
    order_title: "Pedido", "Order";
    order: "Pedido", "Order";
    no_orders: "Todavía no hay pedidos.", "There are no orders yet.";
    new_sale: "Registrar una venta", "Register a sale";
    count_awaiting_senal: "Pendientes de señal", "Awaiting deposit";
    count_attention: "Rechazados o pendientes en fábrica", "Refused or pending at the factory";
    count_open_alerts: "Alertas abiertas", "Open alerts";
    sale_title: "Registrar una venta", "Register a sale";
    fix_errors: "Revisa los campos marcados; no se ha guardado nada.", "Check the marked fields; nothing was saved.";
    customer: "Cliente", "Customer";
    phone: "Teléfono (formato internacional)", "Phone (international format)";
    document: "Documento", "Document";
    document_type: "Tipo de documento", "Document type";
    document_number: "Número de documento", "Document number";
    home_address: "Domicilio", "Home address";
    delivery_address: "Dirección de entrega", "Delivery address";
    delivery_country: "País de entrega y matriculación", "Delivery and registration country";
    street: "Calle y número", "Street and number";
    postal_code: "Código postal", "Postal code";
    plan: "Plan comercial", "Commercial plan";
    model: "Plataforma base", "Base platform";
    choose: "— elige —", "— choose —";
    options: "Opciones", "Options";
    options_hint: "Marca las opciones en el grupo de la plataforma base elegida; solo se aceptan opciones de esa plataforma.", "Tick the options in the group of the chosen base platform; only that platform's options are accepted.";
    fits: "disponible en", "fits";
    price: "Precio del vehículo", "Vehicle price";
    senal: "Señal", "Reservation deposit";
    currency: "Moneda", "Currency";
    maintenance: "Mantenimiento programado incluido", "Scheduled maintenance included";
    register_sale: "Registrar venta", "Register sale";
    yes: "Sí", "Yes";
    no: "No", "No";
    factory: "Fábrica", "Factory";
    factory_order_id: "Pedido de fábrica", "Factory order";
    factory_status: "Estado en fábrica", "Factory status";
    refusal: "Motivos del rechazo de la fábrica", "Why the factory refused the order";
    tracker: "Seguimiento", "Tracking";
    cancelled_note: "Este pedido está cancelado.", "This order is cancelled.";
    factory_estimate: "Fecha estimada por la fábrica", "Date estimated by the factory";
    estimate_note: "(es una estimación de la fábrica y puede cambiar)", "(an estimate by the factory; it may change)";
    no_estimate: "La fábrica aún no ha dado fecha", "The factory has not given a date yet";
    arrival_estimate: "Llegada estimada al concesionario", "Estimated arrival at the dealership";
    revisions: "Cambios de la fecha estimada", "Changes of the estimated date";
    reason: "Motivo", "Reason";
    timeline: "Historial", "History";
    payments: "Pagos", "Payments";
    no_payments: "No hay pagos todavía.", "No payments yet.";
    concept: "Concepto", "Item";
    amount: "Importe", "Amount";
    channel: "Canal", "Channel";
    invoices: "Facturas", "Invoices";
    no_invoices: "No hay facturas todavía.", "No invoices yet.";
    pay_senal_title: "Pagar la señal", "Pay the reservation deposit";
    pay_senal: "Pagar la señal", "Pay the deposit";
    resubmit_title: "Corregir y reenviar a fábrica", "Correct and resubmit to the factory";
    resubmit: "Reenviar a fábrica", "Resubmit to the factory";
    cancel_note: "La venta puede cancelarse mientras la señal no esté pagada o si la fábrica rechazó el pedido (la señal se devuelve).", "The sale can be cancelled while the deposit is unpaid or after the factory refused the order (the deposit is refunded).";
    cancel_sale: "Cancelar la venta", "Cancel the sale";
    alerts_title: "Alertas", "Alerts";
    alert: "Alerta", "Alert";
    no_alerts: "No hay alertas.", "There are no alerts.";
    open: "Abierta", "Open";
    resolve: "Marcar resuelta", "Mark resolved";
    resolved: "Resuelta", "Resolved";
    catalogue_title: "Catálogo", "Catalogue";
    platforms: "Plataformas base", "Base platforms";
    code: "Código", "Code";
    base_price: "Precio base", "Base price";
    active: "Activa", "Active";
    active_hint: "Se ofrece en ventas nuevas", "Offered in new sales";
    category: "Categoría", "Category";
    offers: "Ofertas (modelo, duración, precio)", "Offers (model, duration, price)";
    offers_kept: "Las ofertas de precio de la opción se conservan tal como están.", "The option's pricing offers are kept as they are.";
    edit: "Editar", "Edit";
    description: "Descripción", "Description";
    platform_form: "Crear o editar una plataforma base", "Create or edit a base platform";
    option_form: "Crear o editar una opción", "Create or edit an option";
    save_hint: "Con un código existente se actualiza esa entrada.", "An existing code updates that entry.";
    save: "Guardar", "Save";
    expediente_title: "Expediente de compra", "Purchase file";
    open_expediente: "Ver el expediente", "Open the purchase file";
    vehicle: "Vehículo", "Vehicle";
    vin_pending: "Se conocerá cuando la fábrica termine el vehículo", "Known once the factory completes the vehicle";
    plate: "Matrícula", "Plate";
    plate_pending: "Pendiente de matriculación", "Not registered yet";
    inbox_title: "Avisos", "Notifications";
    inbox_empty: "No tienes avisos.", "You have no notifications.";
    mark_all_read: "Marcar todo como leído", "Mark all as read";
    new: "Nuevo", "New";
    prefs_title: "Preferencias de avisos", "Notification preferences";
    prefs_intro: "Elige por qué canales quieres recibir cada aviso. Los marcados como obligatorios no se pueden desactivar.", "Choose the channels for each notification. Those marked mandatory cannot be switched off.";
    prefs_legend: "M: obligatorio · O: opcional · B: si es posible · –: no se usa", "M: mandatory · O: optional · B: best effort · –: not used";
    event: "Aviso", "Notification";
    mandatory: "Obligatorio", "Mandatory";
    push_title: "Recibir avisos en este dispositivo", "Receive notifications on this device";
    push_intro: "Dispositivos en los que recibes avisos push:", "Devices receiving push notifications:";
    no_push: "Ningún dispositivo registrado.", "No device registered.";
    push_enable: "Activar avisos en este dispositivo", "Enable notifications on this device";
    push_unsupported: "Este navegador no puede recibir avisos push.", "This browser cannot receive push notifications.";
    remove: "Quitar", "Remove";
    address: "Dirección", "Address";
    opening_hours: "Horario", "Opening hours";
    save_details: "Guardar datos", "Save details";
}
