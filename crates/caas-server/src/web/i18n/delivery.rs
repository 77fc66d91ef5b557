//! UI strings of the intranet delivery pages (reception, stock, registration issues, deliveries, pickups), in Spanish and English, reached from
//! [`Msg`](crate::web::i18n::Msg). One line per string with both languages,
//! so a missing translation does not compile.

macro_rules! delivery_msgs {
    ($($name:ident: $es:expr, $en:expr;)*) => {
        /// This group's messages of one language.
        #[allow(missing_docs)]
        #[derive(Debug)]
        pub struct DeliveryMsg {
            $(pub $name: &'static str,)*
        }

        /// Spanish.
        pub static ES: DeliveryMsg = DeliveryMsg { $($name: $es,)* };

        /// English.
        pub static EN: DeliveryMsg = DeliveryMsg { $($name: $en,)* };
    };
}

delivery_msgs! {
    nav_stock: "Stock", "Stock";
    entries_title: "Registro manual del transporte", "Manual transport entries";
    entries_hint: "Cuando el transportista o la fábrica no envían sus avisos, registra aquí cada paso: el pedido avanza igual que con sus avisos.", "When the carrier or the factory send no updates, record each step here: the order moves just as with their updates.";
    factory_leg_title: "Salida de fábrica hacia el concesionario", "Left the factory for the dealership";
    carrier_name: "Transportista", "Carrier";
    origin: "Origen", "Origin";
    vin_if_unknown: "VIN (si la fábrica no lo ha comunicado)", "VIN (if the factory has not reported it)";
    embark_title: "Sale hacia el domicilio del cliente", "Left for the customer's home";
    window_start: "Franja: desde (UTC)", "Window: from (UTC)";
    window_end: "Franja: hasta (UTC, máx. 4 h)", "Window: until (UTC, max 4 h)";
    arrived_title: "Ha llegado al domicilio", "Arrived at the address";
    door_delivered_title: "Entregado al cliente identificado", "Handed to the identified customer";
    door_failed_title: "No entregado", "Not handed over";
    outcome_absent: "Cliente ausente", "Customer absent";
    outcome_identity: "Identidad no verificada", "Identity not verified";
    outcome_refused: "Rechazado por el cliente", "Refused by the customer";
    phone_title: "Resultado de la llamada al cliente", "Outcome of the call to the customer";
    phone_reached: "Localizado: nueva franja acordada", "Reached: new window agreed";
    phone_unreachable: "No localizado o no puede recibirlo: vuelve al concesionario", "Not reached or cannot accept: back to the dealership";
    record_entry: "Registrar", "Record";
    notice_entry: "Paso del transporte registrado.", "Transport step recorded.";
    nav_queues: "Colas", "Queues";
    section: "Entrega", "Delivery";
    vehicle: "Vehículo", "Vehicle";
    vin: "VIN", "VIN";
    plate: "Matrícula", "Plate";
    registration_number: "Número de matriculación", "Registration number";
    certificate: "Certificado", "Certificate";
    authority: "Autoridad", "Authority";
    registration_date: "Fecha de matriculación", "Registration date";
    not_yet: "Aún no", "Not yet";
    reception_title: "Recepción en el concesionario", "Reception at the dealership";
    reception_hint: "Registra la llegada del vehículo: se pedirá al cliente el pago final.", "Record the vehicle's arrival: the customer will be asked for the final payment.";
    notes: "Notas sobre el estado del vehículo", "Notes on the vehicle's condition";
    record_reception: "Registrar la recepción", "Record the reception";
    received: "Recibido en el concesionario", "Received at the dealership";
    by: "por", "by";
    final_title: "Pago final", "Final payment";
    final_amount: "Importe pendiente", "Amount due";
    final_deadline: "Fecha límite", "Deadline";
    final_settled: "Pagado", "Paid";
    pay_final: "Cobrar el pago final", "Take the final payment";
    cannot_pay_title: "El cliente no puede pagar", "The customer cannot pay";
    cannot_pay_note: "La reserva se pierde y el vehículo pasa al stock sin asignar. No se puede deshacer.", "The reservation is lost and the vehicle goes to unassigned stock. This cannot be undone.";
    cannot_pay_confirm: "Confirmo que el cliente no puede completar el pago", "I confirm the customer cannot complete the payment";
    record_cannot_pay: "Registrar que no puede pagar", "Record that they cannot pay";
    confirm_required: "Marca la casilla de confirmación para continuar.", "Tick the confirmation box to continue.";
    registration_title: "Matriculación", "Registration";
    registry_refused: "El registro rechazó la matriculación", "The registry refused the registration";
    registry_error: "Error del registro", "Registry error";
    submissions: "Envíos", "Submissions";
    fix_title: "Corregir y reenviar al registro", "Correct and resubmit to the registry";
    fix_hint: "Rellena solo lo que haya que corregir; lo demás se conserva.", "Fill in only what needs correcting; the rest is kept.";
    birth_date: "Fecha de nacimiento", "Birth date";
    birth_date_hint: "AAAA-MM-DD; la necesita el registro para particulares.", "YYYY-MM-DD; the registry needs it for individuals.";
    now: "Ahora", "Now";
    resubmit_registration: "Reenviar al registro", "Resubmit to the registry";
    home_title: "Entrega a domicilio", "Home delivery";
    shipment_reference: "Referencia del envío", "Shipment reference";
    carrier: "Transportista", "Carrier";
    window: "Franja acordada", "Agreed window";
    carrier_status: "Estado en el transportista", "Carrier status";
    attempts_title: "Intentos de entrega", "Delivery attempts";
    no_attempts: "Aún no hay intentos de entrega.", "No delivery attempts yet.";
    attempt: "Intento", "Attempt";
    embarked: "Salida", "Departed";
    arrived: "Llegada", "Arrived";
    at_door: "En la puerta", "At the door";
    phone_call: "Llamada", "Phone call";
    outcome: "Resultado", "Outcome";
    outcome_pending: "En curso", "Under way";
    outcome_delivered: "Entregado al cliente identificado", "Handed to the identified customer";
    outcome_rescheduled: "Nueva franja acordada", "Rescheduled";
    outcome_returned: "Devuelto al concesionario", "Returned to the dealership";
    handover_title: "Entrega con comprobación de identidad", "Handover with identity check";
    place: "Lugar", "Place";
    place_home: "A domicilio", "At home";
    place_dealership: "En el concesionario", "At the dealership";
    receiver: "Recibió", "Received by";
    document_checked: "Documento comprobado", "Document checked";
    proof: "Comprobante", "Proof";
    return_title: "Recepción de la devolución", "Reception of the return";
    return_hint: "El transportista devuelve el vehículo. Registra su llegada; después el cliente podrá recogerlo aquí.", "The carrier is bringing the vehicle back. Record its arrival; the customer can then collect it here.";
    record_return: "Registrar la devolución", "Record the return";
    returned: "Devuelto al concesionario", "Returned to the dealership";
    pickup_title: "Recogida en el concesionario", "Collection at the dealership";
    pickup_hint: "Comprueba el documento de identidad del comprador antes de entregar el vehículo.", "Check the buyer's identity document before handing over the vehicle.";
    receiver_name: "Nombre de quien recoge", "Name of the person collecting";
    document_shown: "Número del documento mostrado", "Number of the document shown";
    receiver_required: "Escribe el nombre de quien recoge el vehículo.", "Enter the name of the person collecting the vehicle.";
    record_pickup: "Registrar la entrega", "Record the handover";
    redelivery_title: "Nueva entrega a domicilio", "New home delivery";
    redelivery_hint: "Reserva otro intento con el transportista, mientras queden intentos.", "Books another attempt with the carrier, while attempts remain.";
    request_redelivery: "Pedir una nueva entrega", "Request a new delivery";
    notice_received: "Recepción registrada. Se ha pedido al cliente el pago final.", "Reception recorded. The customer has been asked for the final payment.";
    notice_final_paid: "Pago final cobrado. Empieza la matriculación.", "Final payment taken. Registration starts.";
    notice_final_processing: "El pago final se está procesando; el pedido avanzará cuando se confirme.", "The final payment is being processed; the order moves on once it is confirmed.";
    notice_cannot_pay: "Registrado: la reserva se ha perdido y el vehículo está en stock.", "Recorded: the reservation is lost and the vehicle is in stock.";
    notice_resubmitted: "Datos corregidos y reenviados al registro.", "Data corrected and resubmitted to the registry.";
    notice_return: "Devolución registrada. Hemos avisado al cliente para que lo recoja.", "Return recorded. The customer has been told to collect the vehicle.";
    notice_pickup: "Entrega registrada con la comprobación de identidad.", "Handover recorded with the identity check.";
    notice_redelivery: "Nueva entrega a domicilio solicitada.", "New home delivery requested.";
    stock_title: "Stock sin asignar", "Unassigned stock";
    stock_intro: "Vehículos del concesionario sin cliente, listos para venta inmediata.", "The dealership's vehicles without a customer, ready for immediate sale.";
    no_stock: "No hay vehículos en stock.", "There are no vehicles in stock.";
    reception_date: "Recepción", "Reception";
    history: "Historial", "History";
    sell_vehicle: "Vender este vehículo", "Sell this vehicle";
    queues_title: "Colas de trabajo", "Work queues";
    q_receptions: "Recepciones pendientes", "Receptions pending";
    q_final: "Pago final pendiente", "Awaiting final payment";
    q_registration: "Incidencias de matriculación", "Registration issues";
    q_delivery: "En reparto o volviendo al concesionario", "Out for delivery or returning";
    q_pickups: "Para recoger en el concesionario", "Held for collection";
    q_empty: "Nada pendiente.", "Nothing pending.";
    detail: "Detalle", "Detail";
    stock_vehicle: "Vehículo de stock", "Stock vehicle";
    stock_none: "— ninguno: pedido a fábrica —", "— none: factory order —";
    stock_hint: "Con un vehículo de stock, su plataforma y sus opciones sustituyen a las elegidas abajo.", "With a stock vehicle, its platform and options replace those chosen below.";
}

/// The notice shown after a delivery action on the order page, from the
/// key its redirect carries.
pub fn notice(key: &str, lang: caas_domain::account::Language) -> Option<&'static str> {
    let d = crate::web::i18n::Msg::for_lang(lang).d;
    Some(match key {
        "received" => d.notice_received,
        "final_paid" => d.notice_final_paid,
        "final_processing" => d.notice_final_processing,
        "cannot_pay" => d.notice_cannot_pay,
        "registration_resubmitted" => d.notice_resubmitted,
        "return_received" => d.notice_return,
        "picked_up" => d.notice_pickup,
        "redelivery" => d.notice_redelivery,
        "entry_recorded" => d.notice_entry,
        _ => return None,
    })
}
