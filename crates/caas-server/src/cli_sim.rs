//! `caas sim …`: runs one partner simulator as a standalone HTTP server
//! (contract over the network, scenario controls under `/_sim/`).

use clap::Subcommand;

/// The simulators.
#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Factory Orders API (`shared/contracts/factory-api.md`).
    Factory {
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:9101")]
        listen: String,
        /// Simulator settings.
        #[command(flatten)]
        cfg: caas_sim::factory::FactorySimConfig,
    },
    /// Card payment gateway (`payment-gateway.md`).
    Payments {
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:9102")]
        listen: String,
        /// Simulator settings.
        #[command(flatten)]
        cfg: caas_sim::payments::PaymentsSimConfig,
    },
    /// SMS provider (`notification-providers.md` §2).
    Sms {
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:9103")]
        listen: String,
        /// Simulator settings.
        #[command(flatten)]
        cfg: caas_sim::sms::SmsSimConfig,
    },
    /// Web Push service (`notification-providers.md` §3).
    Push {
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:9104")]
        listen: String,
        /// Simulator settings.
        #[command(flatten)]
        cfg: caas_sim::push::PushSimConfig,
    },
}

/// Runs the chosen simulator until Ctrl-C or SIGTERM.
pub async fn run_sim(cmd: SimCommand) -> anyhow::Result<()> {
    let bind = |a: String| async move {
        tokio::net::TcpListener::bind(&a)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {a}: {e}"))
    };
    let (name, handle) = match cmd {
        SimCommand::Factory { listen, cfg } => (
            "factory",
            caas_sim::factory::start(cfg, bind(listen).await?).await?,
        ),
        SimCommand::Payments { listen, cfg } => (
            "payments",
            caas_sim::payments::start(cfg, bind(listen).await?).await?,
        ),
        SimCommand::Sms { listen, cfg } => {
            ("sms", caas_sim::sms::start(cfg, bind(listen).await?).await?)
        }
        SimCommand::Push { listen, cfg } => (
            "push",
            caas_sim::push::start(cfg, bind(listen).await?).await?,
        ),
    };
    println!(
        "{name} simulator listening on {}  (controls: {}/_sim/…)",
        handle.base_url, handle.base_url
    );
    crate::startup::shutdown_signal().await;
    handle.shutdown().await;
    Ok(())
}
