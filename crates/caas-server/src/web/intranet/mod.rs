//! The dealership intranet (SALES, DEALER_OPS, ADMIN): sales, the orders
//! of the dealership with their actions, delivery desk work, stock and
//! alerts.

pub mod actions;
pub mod alerts;
pub mod delivery;
pub mod delivery_entries;
pub mod orders;
pub mod sales;
pub mod stock;
