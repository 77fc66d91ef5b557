//! Wiring of the partner systems: in the embedded default the factory,
//! payments, SMS, Web Push, registry, carrier and VSS simulators start on
//! loopback (real HTTP, fresh signing secrets shared with the receivers);
//! otherwise the configured URLs are used. Produces the clients behind the ports and the webhook secrets.

use crate::config::{Config, Secret, SimMode};
use anyhow::Context;
use caas_app::Partners;
use caas_partners::factory::FactoryClient;
use caas_partners::payments::PaymentsClient;
use caas_partners::registration::RegistrationClient;
use caas_partners::sms::SmsClient;
use caas_partners::transport::TransportClient;
use caas_partners::vss::VssClient;
use caas_partners::webhooks::WebhookSecret;
use caas_partners::webpush::{VapidKeys, WebPushClient, WebPushConfig};
use caas_sim::common::SimHandle;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Secrets the webhook receivers verify with.
#[derive(Clone, Default)]
pub struct WebhookSecrets {
    /// Factory.
    pub factory: Option<WebhookSecret>,
    /// Payment gateway.
    pub payments: Option<WebhookSecret>,
    /// SMS provider.
    pub sms: Option<WebhookSecret>,
    /// Carrier.
    pub transport: Option<WebhookSecret>,
}

/// The embedded simulators, for the operator banner and for tests.
pub struct Simulators {
    /// Factory base URL.
    pub factory_url: String,
    /// Payment gateway base URL.
    pub payments_url: String,
    /// SMS provider base URL.
    pub sms_url: String,
    /// Web Push service base URL.
    pub push_url: String,
    /// Registry simulator base URL (countries under `/es`, `/pt`, …).
    pub registry_url: String,
    /// Carrier simulator base URL.
    pub carrier_url: String,
    /// VSS simulator base URL (fixtures under `/_sim/vehicles/{vin}`).
    pub vss_url: String,
    handles: Vec<SimHandle>,
}

impl Simulators {
    /// Stops every simulator.
    pub async fn shutdown(self) {
        for h in self.handles {
            h.shutdown().await;
        }
    }
}

/// Everything [`wire_partners`] produces.
pub struct Wiring {
    /// Clients for the use cases.
    pub partners: Partners,
    /// Secrets for the receivers.
    pub secrets: WebhookSecrets,
    /// Running simulators (embedded mode).
    pub simulators: Option<Simulators>,
}

async fn loopback() -> anyhow::Result<TcpListener> {
    TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding a simulator port")
}

fn secret(s: &Option<Secret>) -> anyhow::Result<Option<WebhookSecret>> {
    s.as_ref()
        .map(|s| WebhookSecret::parse(s.expose()).map_err(|e| anyhow::anyhow!("{e}")))
        .transpose()
}

/// Builds the partner clients (starting the simulators in embedded mode).
pub async fn wire_partners(
    config: &Config,
    public_url: &str,
    fleet_sim_url: Option<String>,
) -> anyhow::Result<Wiring> {
    let timeout = Duration::from_secs(config.partner_timeout_secs);
    let push = push_client(config)?;
    match config.simulators {
        SimMode::Off => {
            let key = |k: &Option<Secret>| {
                k.as_ref()
                    .map(|s| s.expose().to_owned())
                    .unwrap_or_default()
            };
            let mut partners = Partners {
                push: Some(push),
                ..Partners::default()
            };
            if let Some(u) = &config.factory_base_url {
                partners.factory = Some(Arc::new(FactoryClient::new(
                    u,
                    key(&config.factory_api_key),
                    timeout,
                )?));
            }
            if let Some(u) = &config.payment_base_url {
                partners.payments = Some(Arc::new(PaymentsClient::new(
                    u,
                    key(&config.payment_api_key),
                    timeout,
                )?));
            }
            if let Some(u) = &config.sms_base_url {
                partners.sms = Some(Arc::new(SmsClient::new(
                    u,
                    key(&config.sms_api_key),
                    caas_partners::sms::DEFAULT_TIMEOUT,
                )?));
            }
            let d = &config.delivery;
            for (cc, url) in d.registry_urls() {
                let c = RegistrationClient::new(
                    &url,
                    key(&d.registry_api_key),
                    Duration::from_secs(d.registry_timeout_secs),
                )?;
                partners.registries.insert(cc, Arc::new(c));
            }
            let m = &config.maintenance;
            if let Some(u) = &m.vss_base_url {
                let t = Duration::from_secs(m.vss_timeout_secs);
                partners.vss = Some(Arc::new(VssClient::new(u, key(&m.vss_api_key), t)?));
            }
            if let Some(u) = &d.carrier_base_url {
                partners.transport = Some(Arc::new(TransportClient::new(
                    u,
                    key(&d.carrier_api_key),
                    caas_partners::transport::DEFAULT_TIMEOUT,
                )?));
            }
            let secrets = WebhookSecrets {
                factory: secret(&config.factory_webhook_secret)?,
                payments: secret(&config.payment_webhook_secret)?,
                sms: secret(&config.sms_webhook_secret)?,
                transport: secret(&config.delivery.carrier_webhook_secret)?,
            };
            Ok(Wiring {
                partners,
                secrets,
                simulators: None,
            })
        }
        SimMode::Embedded => embedded(config, public_url, timeout, push, fleet_sim_url).await,
    }
}

async fn embedded(
    config: &Config,
    public_url: &str,
    timeout: Duration,
    push: Arc<dyn caas_domain::partners::PushApi>,
    fleet_sim_url: Option<String>,
) -> anyhow::Result<Wiring> {
    // Configured secrets win (tests sign their own events); otherwise fresh ones per start.
    let pick = |s: &Option<Secret>| {
        s.as_ref()
            .map(|s| s.expose().to_owned())
            .unwrap_or_else(WebhookSecret::generate)
    };
    let (fs, ps, ss) = (
        pick(&config.factory_webhook_secret),
        pick(&config.payment_webhook_secret),
        pick(&config.sms_webhook_secret),
    );
    let mut f =
        caas_sim::factory::FactorySimConfig::new(Some(format!("{public_url}/webhooks/factory")));
    f.webhook_secret = fs.clone();
    f.step_ms = config.sim_factory_step_ms;
    f.retry_speedup = config.sim_retry_speedup;
    f.fleet_control_url = fleet_sim_url;
    let factory = caas_sim::factory::start(f.clone(), loopback().await?).await?;

    let pay_url = Some(format!("{public_url}/webhooks/payments"));
    let mut p = if config.sim_fast_payments {
        caas_sim::payments::PaymentsSimConfig::for_tests(pay_url)
    } else {
        caas_sim::payments::PaymentsSimConfig {
            webhook_url: pay_url,
            ..Default::default()
        }
    };
    p.webhook_secret = ps.clone();
    p.retry_speedup = config.sim_retry_speedup;
    p.timeout_hold_secs = config.sim_payment_timeout_hold_secs;
    p.publishable_key = config.card_fields.payment_publishable_key.clone();
    let payments = caas_sim::payments::start(p.clone(), loopback().await?).await?;

    let mut s = caas_sim::sms::SmsSimConfig::for_tests(Some(format!("{public_url}/webhooks/sms")));
    s.webhook_secret = ss.clone();
    s.retry_speedup = config.sim_retry_speedup;
    s.receipt_delay_scale = 1.0;
    let sms = caas_sim::sms::start(s.clone(), loopback().await?).await?;

    let cs = pick(&config.delivery.carrier_webhook_secret);
    let mut c =
        caas_sim::carrier::CarrierSimConfig::new(Some(format!("{public_url}/webhooks/transport")));
    c.webhook_secret = cs.clone();
    c.step_ms = config.delivery.sim_carrier_step_ms;
    c.retry_speedup = config.sim_retry_speedup;
    let carrier = caas_sim::carrier::start(c.clone(), loopback().await?).await?;
    let r = caas_sim::registry::RegistrySimConfig::default();
    let registry = caas_sim::registry::start(r.clone(), loopback().await?).await?;

    let v = caas_sim::vss::VssSimConfig {
        unknown_vin_preset: config.maintenance.sim_unknown_vin_preset(),
        ..Default::default()
    };
    let vss = caas_sim::vss::start(v.clone(), loopback().await?).await?;

    let pushsim = caas_sim::push::start(
        caas_sim::push::PushSimConfig {
            public_base_url: None,
        },
        loopback().await?,
    )
    .await?;

    let partners = Partners {
        factory: Some(Arc::new(FactoryClient::new(
            &factory.base_url,
            f.api_key.clone(),
            timeout,
        )?)),
        payments: Some(Arc::new(PaymentsClient::new(
            &payments.base_url,
            p.api_key.clone(),
            timeout,
        )?)),
        sms: Some(Arc::new(SmsClient::new(
            &sms.base_url,
            s.api_key.clone(),
            caas_partners::sms::DEFAULT_TIMEOUT,
        )?)),
        push: Some(push),
        transport: Some(Arc::new(TransportClient::new(
            &carrier.base_url,
            c.api_key.clone(),
            caas_partners::transport::DEFAULT_TIMEOUT,
        )?)),
        vss: Some(Arc::new(VssClient::new(
            &vss.base_url,
            v.api_key.clone(),
            Duration::from_secs(config.maintenance.vss_timeout_secs),
        )?)),
        ..Partners::default()
    };
    let mut partners = partners;
    for cc in caas_domain::dealership::COUNTRIES {
        let url = format!("{}/{}", registry.base_url, cc.to_ascii_lowercase());
        let client = RegistrationClient::new(
            &url,
            r.api_key.clone(),
            Duration::from_secs(config.delivery.registry_timeout_secs),
        )?;
        partners.registries.insert(cc.to_owned(), Arc::new(client));
    }
    let parse = |s: &str| WebhookSecret::parse(s).map_err(|e| anyhow::anyhow!("{e}"));
    let secrets = WebhookSecrets {
        factory: Some(parse(&fs)?),
        payments: Some(parse(&ps)?),
        sms: Some(parse(&ss)?),
        transport: Some(parse(&cs)?),
    };
    let simulators = Simulators {
        factory_url: factory.base_url.clone(),
        payments_url: payments.base_url.clone(),
        sms_url: sms.base_url.clone(),
        push_url: pushsim.base_url.clone(),
        registry_url: registry.base_url.clone(),
        carrier_url: carrier.base_url.clone(),
        vss_url: vss.base_url.clone(),
        handles: vec![factory, payments, sms, pushsim, carrier, registry, vss],
    };
    Ok(Wiring {
        partners,
        secrets,
        simulators: Some(simulators),
    })
}

/// Where browsers load the gateway's hosted card fields: the configured
/// origin, else the embedded simulator's, else `payment_base_url`'s.
pub fn card_fields(
    config: &Config,
    simulators: Option<&Simulators>,
    public_url: &str,
) -> crate::web::card_form::CardFields {
    let base = match simulators {
        Some(s) => Some(s.payments_url.as_str()),
        None => config.payment_base_url.as_deref(),
    };
    let c = &config.card_fields;
    crate::web::card_form::CardFields {
        origin: c.origin(base),
        publishable_key: c.payment_publishable_key.clone(),
        parent_origin: crate::config::card_fields::origin_of(public_url, true).unwrap_or_default(),
    }
}

fn push_client(config: &Config) -> anyhow::Result<Arc<dyn caas_domain::partners::PushApi>> {
    let keys = match (&config.vapid_public_key, &config.vapid_private_key) {
        (Some(public), Some(private)) => VapidKeys::from_base64url(public, private.expose())
            .map_err(|e| anyhow::anyhow!("vapid keys: {e}"))?,
        _ => {
            tracing::warn!("no VAPID keys configured: generated for this run; push subscriptions will not survive a restart");
            VapidKeys::generate()
        }
    };
    let cfg = WebPushConfig {
        vapid: keys,
        subject: config.vapid_subject.clone(),
        timeout: Duration::from_secs(10),
    };
    Ok(Arc::new(WebPushClient::new(cfg)?))
}
