//! UI strings of the customer delivery pages (final payment, vehicle, app link), in Spanish and English, reached from
//! [`Msg`](crate::web::i18n::Msg). One line per string with both languages,
//! so a missing translation does not compile.

macro_rules! vehicle_msgs {
    ($($name:ident: $es:expr, $en:expr;)*) => {
        /// This group's messages of one language.
        #[allow(missing_docs)]
        #[derive(Debug)]
        pub struct VehicleMsg {
            $(pub $name: &'static str,)*
        }

        /// Spanish.
        pub static ES: VehicleMsg = VehicleMsg { $($name: $es,)* };

        /// English.
        pub static EN: VehicleMsg = VehicleMsg { $($name: $en,)* };
    };
}

vehicle_msgs! {
    nav_vehicle: "Mi vehículo", "My vehicle";
    store_link: "Tienda de funciones: activa más funciones", "Feature store: switch on more features";
    reg_pdf: "Descargar los datos de matriculación (PDF)", "Download the registration record (PDF)";
    step_at_dealership: "En el concesionario", "At the dealership";
    step_final_paid: "Pago final", "Final payment";
    step_registered: "Matriculado", "Registered";
    step_out: "En reparto", "Out for delivery";
    step_delivered: "Entregado", "Delivered";
    step_operational: "Operativo", "Operational";
    carrier: "Transportista", "Carrier";
    window: "Franja de entrega", "Delivery window";
    window_pending: "por confirmar", "to be confirmed";
    collect_title: "Recoge tu vehículo en el concesionario", "Collect your vehicle at the dealership";
    collect_generic: "No pudimos entregarte el vehículo en casa. Recógelo en el concesionario con tu documento de identidad: la dirección y el horario están en tu expediente.", "We could not deliver your vehicle at home. Collect it at the dealership with your identity document: the address and opening hours are in your purchase file.";
    collect_returning: "El transportista lo está llevando de vuelta al concesionario; te avisaremos cuando haya llegado.", "The carrier is taking it back to the dealership; we will tell you when it is there.";
    lost_note: "Reserva perdida: el vehículo ya no está reservado para este pedido.", "Reservation lost: the vehicle is no longer reserved for this order.";
    final_due: "Pago final pendiente", "Final payment due";
    before: "antes del", "before";
    fp_title: "Pago final", "Final payment";
    fp_amount: "Importe pendiente", "Amount due";
    fp_amount_note: "Precio del vehículo menos la señal ya pagada.", "Vehicle price minus the deposit already paid.";
    fp_deadline: "Fecha límite", "Deadline";
    fp_requested: "Solicitado el", "Requested on";
    fp_deadline_note: "Si el pago no se completa antes de la fecha límite, la reserva se pierde y el vehículo vuelve al stock del concesionario.", "If the payment is not complete by the deadline, the reservation is lost and the vehicle goes back to the dealership's stock.";
    fp_reminders: "Recordatorios (días antes de la fecha límite)", "Reminders (days before the deadline)";
    fp_reminders_sent: "Recordatorios enviados", "Reminders sent";
    fp_none_sent: "ninguno todavía", "none yet";
    fp_pay_title: "Pagar el importe final", "Pay the final amount";
    fp_pay: "Pagar el importe final", "Pay the final amount";
    fp_at_dealership: "También puedes pagar en el concesionario.", "You can also pay at the dealership.";
    fp_settling: "Pago recibido. Estamos esperando la liquidación del banco: el pago se completa cuando el banco la confirma. Esta página se actualiza sola.", "Payment received, waiting for the bank's settlement: the payment is complete once the bank confirms it. This page refreshes by itself.";
    fp_processing: "Tu pago se está procesando. Esta página se actualiza sola.", "Your payment is being processed. This page refreshes by itself.";
    fp_settlement_failed: "El banco no pudo liquidar tu pago anterior. Vuelve a pagar con otra tarjeta antes de la fecha límite.", "The bank could not settle your previous payment. Pay again with another card before the deadline.";
    fp_done: "Pago final completado.", "Final payment complete.";
    fp_settled_at: "Liquidado el", "Settled on";
    fp_not_yet: "El pago final se solicitará cuando el vehículo llegue al concesionario.", "The final payment will be requested when the vehicle reaches the dealership.";
    fp_expected: "Importe previsto", "Expected amount";
    fp_lost_title: "Reserva perdida", "Reservation lost";
    fp_lost_deadline: "El pago final no se completó antes de la fecha límite y el vehículo ya no está reservado para ti.", "The final payment was not completed by the deadline and the vehicle is no longer reserved for you.";
    fp_lost_staff: "El concesionario registró que no podías completar el pago y el vehículo ya no está reservado para ti.", "The dealership recorded that you could not complete the payment and the vehicle is no longer reserved for you.";
    fp_senal_retained: "La señal no se devuelve, según las condiciones de la reserva.", "The deposit is kept, as the reservation terms say.";
    fp_senal_refund: "Te devolveremos la señal.", "We will refund your deposit.";
    fp_senal_refunded: "Te hemos devuelto la señal a tu tarjeta.", "Your deposit has been refunded to your card.";
    fp_senal_refund_delayed: "La devolución de la señal a tu tarjeta no ha podido completarse; el concesionario se pondrá en contacto contigo.", "The refund of your deposit to your card could not be completed; the dealership will contact you.";
    fp_lost_readonly: "Puedes seguir consultando este expediente; ya no se puede pagar.", "You can still read this purchase file; no payment can be made any more.";
    fp_open: "Pagar el importe final", "Pay the final amount";
    fp_view: "Ver el pago final", "See the final payment";
    code: "código", "code";
    n_final_captured: "Pago recibido. Estamos esperando la liquidación del banco.", "Payment received, waiting for the bank's settlement.";
    n_final_processing: "El pago se está procesando. Te confirmaremos el resultado en cuanto lo sepamos.", "The payment is being processed. We will confirm the result as soon as we know it.";
    veh_title: "Mi vehículo", "My vehicle";
    veh_open: "Ver mi vehículo", "Open my vehicle";
    veh_none: "Los datos del vehículo aparecerán cuando llegue al concesionario.", "The vehicle's data will show once it reaches the dealership.";
    registration: "Matriculación", "Registration";
    reg_authority: "Organismo", "Authority";
    reg_certificate: "Certificado", "Certificate";
    reg_date: "Fecha de matriculación", "Registration date";
    reg_pending: "Pendiente", "Pending";
    connectivity: "Conectividad", "Connectivity";
    online: "En línea", "Online";
    offline: "Sin conexión", "Offline";
    no_data: "Sin datos todavía", "No data yet";
    last_seen: "Última conexión", "Last seen";
    last_report: "Último informe del vehículo", "Latest vehicle report";
    firmware: "Firmware", "Firmware";
    battery: "Batería", "Battery";
    odometer: "Cuentakilómetros", "Odometer";
    features: "Opciones del plan en el vehículo", "Plan options on the vehicle";
    enabled: "Activada", "Enabled";
    disabled: "Desactivada", "Disabled";
    unconfirmed: "Sin confirmar", "Not confirmed yet";
    keys: "Llaves del móvil", "Phone keys";
    no_keys: "Ninguna llave vinculada.", "No key linked.";
    key: "Llave", "Key";
    key_label: "Nombre", "Name";
    installed: "Instalada", "Installed";
    installing: "Instalándose", "Being installed";
    revoked: "Revocada", "Revoked";
    app_link: "App del móvil como llave", "Phone app as key";
    status_none: "Sin vincular", "Not linked";
    status_pending: "Vinculando… Esta página se actualiza sola.", "Linking… This page refreshes by itself.";
    status_linked: "Vinculada", "Linked";
    status_failed: "No se pudo vincular", "Linking failed";
    attempts: "Intentos", "Attempts";
    last_error: "Último error", "Last error";
    linked_at: "Vinculada el", "Linked on";
    link_intro: "Vincula este móvil como llave del vehículo. La clave privada se crea en este dispositivo y nunca sale de él.", "Link this phone as a key of the vehicle. The private key is created on this device and never leaves it.";
    device_label: "Nombre del dispositivo", "Device name";
    device_default: "Mi móvil", "My phone";
    link_button: "Vincular este móvil", "Link this phone";
    retry_button: "Reintentar la vinculación", "Retry linking";
    link_nojs: "La vinculación necesita JavaScript, porque la clave se crea en tu dispositivo. Actívalo o usa la app móvil.", "Linking needs JavaScript, because the key is created on your device. Turn it on or use the mobile app.";
    link_unsupported: "Este navegador no puede crear la clave (WebCrypto). Usa un navegador actualizado o la app móvil.", "This browser cannot create the key (WebCrypto). Use an up-to-date browser or the mobile app.";
    link_working: "Creando la clave en este dispositivo…", "Creating the key on this device…";
    link_not_yet: "Podrás vincular tu móvil cuando te entreguen el vehículo.", "You can link your phone once the vehicle is handed over to you.";
    this_device: "Este dispositivo guarda la llave privada de esta vinculación.", "This device holds the private key of this link.";
    link_failed_note: "La vinculación no bloquea la entrega: puedes reintentarla cuando quieras.", "A failed link does not block the handover: you can retry whenever you like.";
    n_link_requested: "Vinculación solicitada: el vehículo está instalando la llave.", "Link requested: the vehicle is installing the key.";
    err_bad_key: "La clave pública no es válida: debe ser una clave EC P-256 (SubjectPublicKeyInfo DER en base64).", "The public key is not valid: it must be an EC P-256 key (DER SubjectPublicKeyInfo in base64).";
    err_already_linked: "Este vehículo ya está vinculado a tu app.", "This vehicle is already linked to your app.";
}
