//! `caas fleet …`: the production fleet broker's configuration.
//!
//! `caas fleet broker-config --out DIR [--vin VIN]… [--vins-file FILE]`
//! writes a Mosquitto 2 `passwd` (the platform's login from `fleet_username`
//! / `fleet_password`, and each listed VIN with the secret derived from
//! `fleet_vehicle_key`), the `acl` (the platform on `fleet/v1/#`, each car
//! only on its own topics) and a `mosquitto.conf` fragment using both.
//! Re-run it when cars are added (the car's secret is the same every time,
//! only the salt changes) and reload Mosquitto (`SIGHUP`).

use crate::config::Config;
use anyhow::Context;
use clap::Subcommand;
use std::path::PathBuf;

/// Fleet tasks.
#[derive(Debug, Subcommand)]
pub enum FleetTask {
    /// Write Mosquitto's password file, ACL file and a config fragment.
    BrokerConfig {
        /// Directory to write `passwd`, `acl` and `mosquitto.conf` into.
        #[arg(long)]
        out: PathBuf,
        /// A vehicle to let in (repeat for more).
        #[arg(long = "vin")]
        vins: Vec<String>,
        /// A file with one VIN per line (blank lines and `#` comments skipped).
        #[arg(long)]
        vins_file: Option<PathBuf>,
    },
}

/// Runs a fleet task.
pub fn run_fleet(config: &Config, task: FleetTask) -> anyhow::Result<()> {
    match task {
        FleetTask::BrokerConfig {
            out,
            mut vins,
            vins_file,
        } => {
            if let Some(file) = vins_file {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                vins.extend(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(str::to_owned),
                );
            }
            if let Some(bad) = vins
                .iter()
                .find(|v| !caas_fleet::topics::is_valid_vin_level(v))
            {
                anyhow::bail!("{bad:?} cannot be a VIN (topic level)");
            }
            vins.sort();
            vins.dedup();
            let auth = crate::fleet_setup::broker_auth(config).context(
                "set fleet_username, fleet_password and fleet_vehicle_key \
                 (CAAS_FLEET_USERNAME, CAAS_FLEET_PASSWORD, CAAS_FLEET_VEHICLE_KEY)",
            )?;
            let written = caas_fleet::mosquitto::write_broker_config(&out, &auth, &vins)
                .with_context(|| format!("writing into {}", out.display()))?;
            for path in written {
                println!("wrote {}", path.display());
            }
            println!(
                "{} vehicle(s) and the platform user {:?}",
                vins.len(),
                auth.platform_username()
            );
            Ok(())
        }
    }
}
