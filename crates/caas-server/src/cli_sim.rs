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
    /// Registration services of ES, PT, FR, DE, IT under `/es`, `/pt`, … (`registration-api.md`).
    Registry {
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:9105")]
        listen: String,
        /// Simulator settings.
        #[command(flatten)]
        cfg: caas_sim::registry::RegistrySimConfig,
    },
    /// Carrier (`transport-api.md`).
    Carrier {
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:9106")]
        listen: String,
        /// Simulator settings.
        #[command(flatten)]
        cfg: caas_sim::carrier::CarrierSimConfig,
    },
    /// Simulated vehicles on an MQTT broker (`iot-api.md`).
    Fleet {
        /// Listen address of the controls.
        #[arg(long, default_value = "127.0.0.1:9108")]
        listen: String,
        /// Simulator settings (`--broker URL`, `--vehicles N`, …).
        #[command(flatten)]
        cfg: caas_sim::fleet::FleetSimConfig,
    },
    /// Workshop system, read-only (`vss-api.md`).
    Vss {
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:9107")]
        listen: String,
        /// Simulator settings.
        #[command(flatten)]
        cfg: caas_sim::vss::VssSimConfig,
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
        SimCommand::Registry { listen, cfg } => (
            "registry",
            caas_sim::registry::start(cfg, bind(listen).await?).await?,
        ),
        SimCommand::Carrier { listen, cfg } => (
            "carrier",
            caas_sim::carrier::start(cfg, bind(listen).await?).await?,
        ),
        SimCommand::Vss { listen, cfg } => {
            ("vss", caas_sim::vss::start(cfg, bind(listen).await?).await?)
        }
        SimCommand::Fleet { listen, cfg } => {
            let broker = cfg.broker.clone();
            let sim = caas_sim::fleet::start(cfg, bind(listen).await?).await?;
            println!(
                "fleet simulator on {broker}; controls at {}/_sim/vehicles",
                sim.handle.base_url
            );
            crate::startup::shutdown_signal().await;
            sim.shutdown().await;
            return Ok(());
        }
    };
    println!(
        "{name} simulator listening on {}  (controls: {}/_sim/…)",
        handle.base_url, handle.base_url
    );
    crate::startup::shutdown_signal().await;
    handle.shutdown().await;
    Ok(())
}
