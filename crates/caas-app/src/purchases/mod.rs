//! The feature store (issue 11): quotes and baskets ([`confirm`]), the
//! purchase saga ([`saga`]), what the car says about it ([`replies`]), the
//! maintenance verdict ([`maintenance`]) and the owner's words for each
//! refusal ([`refusals`]); one car's store in [`store`]. Rules are in `caas_domain::purchase`.

pub mod confirm;
pub mod history;
pub mod invoice;
pub mod maintenance;
mod notices;
pub mod refusals;
mod reminder;
pub mod replies;
pub mod saga;
pub mod store;
pub mod view;

pub use confirm::{
    check_own_car, confirm_purchases, quote_purchase, BasketItemIn, BasketOutcome, Quote,
};
pub use store::{view_store, StoreView};
pub use view::{list_car_purchases, view_purchase};
