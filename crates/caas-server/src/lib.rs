//! The caas server: configuration, startup, the HTTP surfaces (web pages,
//! JSON API, system endpoints) and the command line.

pub mod api;
pub mod bench;
pub mod cli;
pub mod cli_fleet;
pub mod cli_sim;
pub mod config;
pub mod error;
pub mod extract;
pub mod fleet_setup;
pub mod middleware;
pub mod partners_setup;
pub mod routes;
pub mod startup;
pub mod state;
pub mod system;
pub mod telemetry;
pub mod tls;
pub mod web;
pub mod webhooks;

pub use startup::Application;
