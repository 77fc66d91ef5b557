//! The customer's portal: dashboard, expediente, final payment, the vehicle
//! page with its tracker (the shared [`crate::web::order_view`]), inbox, preferences and push devices.

pub mod cards;
pub mod expediente;
pub mod final_payment;
pub mod inbox;
pub mod portal;
pub mod preferences;
pub mod push_device;
pub mod store;
pub mod vehicle;
