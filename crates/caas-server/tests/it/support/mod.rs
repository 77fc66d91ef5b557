//! What the integration tests share: the application booted on port 0
//! ([`app`]), the catalogue editing calls ([`catalogue`]), typed shortcuts
//! through the use cases ([`sales`]), the JSON
//! API and simulator controls of the sale-to-factory journeys ([`journey`])
//! and of the delivery half ([`delivery`]), the feature store ([`store`]) and its service history ([`services`]), the twin and support queue ([`twin`]), a real SMTP server ([`smtp`])
//! and a headless Chromium over WebDriver ([`browser`]).

pub mod app;
pub mod browser;
pub mod cards;
pub mod catalogue;
pub mod delivery;
pub mod journey;
pub mod sales;
pub mod services;
pub mod smtp;
pub mod store;
pub mod twin;
