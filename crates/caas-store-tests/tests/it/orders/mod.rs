//! Store conformance: the sale-to-factory repositories — catalogue, customer
//! profiles, dealership details, orders and their optimistic versioning,
//! payments and their constraints, counters and invoices.

mod catalogue;
mod factory_contact;
mod invoices;
mod lookup;
mod payments;
mod rollback;
mod versions;

use crate::fixtures::*;
use caas_domain::account::Role;
use caas_domain::ids::{AccountId, DealershipId, InvoiceId, OrderId, PaymentId};
use caas_domain::order::{Order, OrderState};
use caas_domain::partners::FactoryViolation;
use caas_domain::payment::{PaymentChannel, PaymentKind, PaymentState};
use caas_domain::ports::*;
use caas_store_tests::fresh_store;
use chrono::{Duration, NaiveDate, SubsecRound};

async fn find_order(store: &dyn Store, id: &OrderId) -> Option<Order> {
    store.read().await.unwrap().find_order(id).await.unwrap()
}

fn ids<'a>(orders: impl IntoIterator<Item = &'a Order>) -> Vec<OrderId> {
    orders.into_iter().map(|o| o.id.clone()).collect()
}
