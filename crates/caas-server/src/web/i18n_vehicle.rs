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
}
