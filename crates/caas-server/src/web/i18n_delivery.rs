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
}
