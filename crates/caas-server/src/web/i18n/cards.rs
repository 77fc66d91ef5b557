//! UI strings of the card form (the gateway's hosted card fields embedded in
//! the payment pages) and of the saved cards page `/account/cards`, in
//! Spanish and English. One line per string with both languages, so a
//! missing translation does not compile. Reached with [`CardMsg::for_lang`].

use caas_domain::account::Language;

macro_rules! card_msgs {
    ($($name:ident: $es:expr, $en:expr;)*) => {
        /// This group's messages of one language.
        #[allow(missing_docs)]
        #[derive(Debug)]
        pub struct CardMsg {
            $(pub $name: &'static str,)*
        }

        /// Spanish.
        pub static ES: CardMsg = CardMsg { $($name: $es,)* };

        /// English.
        pub static EN: CardMsg = CardMsg { $($name: $en,)* };
    };
}

impl CardMsg {
    /// The messages of `lang`.
    pub fn for_lang(lang: Language) -> &'static CardMsg {
        match lang {
            Language::Es => &ES,
            Language::En => &EN,
        }
    }
}

card_msgs! {
    pay_with: "Pagar con", "Pay with";
    saved_card: "Tarjeta guardada", "Saved card";
    expires: "caduca", "exp";
    new_card: "Una tarjeta nueva", "A new card";
    frame_title: "Datos de la tarjeta (pasarela de pago)", "Card details (payment gateway)";
    new_card_hint: "Los datos de la tarjeta se escriben en el recuadro seguro de la pasarela de pago; nunca llegan a caas. Pulsa «Usar esta tarjeta» para continuar.", "Card details are typed into the payment gateway's secure box; they never reach caas. Press «Use this card» to continue.";
    save_this: "Guardar esta tarjeta para próximos pagos", "Save this card for next time";
    no_script: "Para pagar con una tarjeta nueva hace falta JavaScript (el recuadro seguro de la pasarela). Puedes pagar con una tarjeta guardada.", "Paying with a new card needs JavaScript (the gateway's secure box). You can pay with a saved card.";
    unavailable: "El pago con tarjeta no está disponible ahora mismo.", "Card payment is not available right now.";
    press_frame: "Escribe la tarjeta y pulsa «Usar esta tarjeta» en el recuadro de la pasarela.", "Type the card and press «Use this card» in the gateway's box.";
    choose_card: "Elige una tarjeta guardada o escribe una nueva.", "Choose a saved card or enter a new one.";
    not_yours: "Esa tarjeta guardada no es tuya; elige una de tus tarjetas.", "That saved card is not yours; choose one of your cards.";
    card_unreadable: "No se ha podido leer la tarjeta; escríbela de nuevo.", "The card could not be read; enter it again.";
    cards_title: "Tarjetas guardadas", "Saved cards";
    cards_link: "Tarjetas de pago", "Payment cards";
    cards_intro: "Guarda una tarjeta una vez y paga con ella la señal, el pago final y las funciones de tu vehículo. La pasarela de pago la guarda; caas solo ve la marca, los cuatro últimos dígitos y la caducidad.", "Save a card once and pay the deposit, the final payment and your vehicle's features with it. The payment gateway keeps it; caas sees only the brand, the last four digits and the expiry.";
    cards_empty: "No tienes tarjetas guardadas.", "You have no saved cards.";
    brand: "Marca", "Brand";
    number: "Número", "Number";
    expiry: "Caducidad", "Expiry";
    delete: "Eliminar", "Delete";
    delete_confirm: "¿Eliminar esta tarjeta? Los pagos ya hechos no cambian.", "Delete this card? Payments already made do not change.";
    delete_yes: "Sí, eliminarla", "Yes, delete it";
    delete_no: "No, conservarla", "No, keep it";
    add_title: "Añadir una tarjeta", "Add a card";
    saved_notice: "Tarjeta guardada.", "Card saved.";
    deleted_notice: "Tarjeta eliminada.", "Card deleted.";
}
