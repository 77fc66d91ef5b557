//! What the customer's vehicle page shows, built from the order and the
//! vehicle: plate and registration, connectivity, the plan options as the
//! car reports them, the phone keys and where the app link stands.
//! Reached as `crate::web::customer::vehicle::view`.

use crate::web::i18n::Msg;
use crate::web::order_view::day;
use crate::web::render::when;
use caas_app::orders::expediente::Expediente;
use caas_domain::account::Language;
use caas_domain::order::OrderState;
use caas_domain::vehicle::Vehicle;

/// One plan option as the car reports it.
#[derive(Debug, Clone)]
pub struct FeatureRow {
    /// Option code.
    pub code: String,
    /// Name in the viewer's language.
    pub name: String,
    /// Enabled, disabled or not confirmed.
    pub status: &'static str,
    /// Badge class.
    pub class: &'static str,
}

/// One phone key.
#[derive(Debug, Clone)]
pub struct KeyRow {
    /// Key id.
    pub key_id: String,
    /// Label.
    pub label: String,
    /// Installed at, or empty.
    pub installed: String,
    /// Installed, being installed or revoked.
    pub status: &'static str,
    /// Badge class.
    pub class: &'static str,
}

/// Where the app link stands (DLV-9/10).
#[derive(Debug, Clone)]
pub struct LinkView {
    /// `none`, `pending`, `linked` or `failed`.
    pub status: &'static str,
    /// Status for people.
    pub text: &'static str,
    /// Badge class.
    pub class: &'static str,
    /// Install attempts.
    pub attempts: u32,
    /// Last failure.
    pub last_error: String,
    /// Linked at, or empty.
    pub linked_at: String,
    /// The form is offered (DELIVERED, nothing in flight or a failure to retry).
    pub can_link: bool,
    /// The form offers a retry.
    pub retry: bool,
    /// The public key of the command still in flight (a retry republishes it).
    pub pending_key: String,
    /// The public key being or last installed (the page tells whether this
    /// device holds its private half).
    pub key: String,
    /// Before the handover: linking comes later.
    pub not_yet: bool,
    /// The page refreshes itself while the car installs the key.
    pub refresh: bool,
}

/// The vehicle page's facts.
#[derive(Debug, Clone)]
pub struct VehicleView {
    /// A vehicle is assigned to the order.
    pub present: bool,
    /// VIN.
    pub vin: String,
    /// Plate, or empty.
    pub plate: String,
    /// Registry id.
    pub registration_id: String,
    /// Authority.
    pub authority: String,
    /// Certificate number.
    pub certificate: String,
    /// Registration day.
    pub registered_on: String,
    /// Online, offline or no data.
    pub presence: &'static str,
    /// Badge class of the presence.
    pub presence_class: &'static str,
    /// When the presence was last reported.
    pub last_seen: String,
    /// Time of the latest state report.
    pub report_at: String,
    /// Firmware version.
    pub firmware: String,
    /// Battery charge.
    pub battery: String,
    /// Odometer.
    pub odometer: String,
    /// Plan options.
    pub features: Vec<FeatureRow>,
    /// Phone keys.
    pub keys: Vec<KeyRow>,
    /// App link.
    pub link: LinkView,
    /// The car's feature store, once OPERATIONAL (else empty).
    pub store_link: String,
}

/// The app-link part of the page.
pub fn link_view(x: &Expediente, lang: Language) -> LinkView {
    let v = Msg::for_lang(lang).v;
    let o = &x.order;
    let a = &o.app_link;
    let linked = a.linked_at.is_some() || o.state == OrderState::Operational;
    let pending = a.pending_command.is_some();
    let failed = a.last_error.is_some();
    let (status, text, class) = if linked {
        ("linked", v.status_linked, "badge-ok")
    } else if failed {
        ("failed", v.status_failed, "badge-err")
    } else if pending {
        ("pending", v.status_pending, "badge-info")
    } else {
        ("none", v.status_none, "badge-muted")
    };
    let delivered = o.state == OrderState::Delivered;
    LinkView {
        status,
        text,
        class,
        attempts: a.attempts,
        last_error: a.last_error.clone().unwrap_or_default(),
        linked_at: a.linked_at.map(|t| when(&t)).unwrap_or_default(),
        can_link: delivered && (!pending || failed),
        retry: delivered && failed,
        pending_key: if pending {
            a.public_key.clone().unwrap_or_default()
        } else {
            String::new()
        },
        key: a.public_key.clone().unwrap_or_default(),
        not_yet: !linked && o.state.progress_step() < 10 && o.state.progress_step() > 0,
        refresh: delivered && pending && !failed,
    }
}

/// The whole page's facts (`vehicle`: the customer's vehicle, if assigned).
pub fn vehicle_view(x: &Expediente, vehicle: Option<&Vehicle>, lang: Language) -> VehicleView {
    let m = Msg::for_lang(lang);
    let o = &x.order;
    let reg = &o.registration;
    let state = vehicle.and_then(|v| v.last_state.as_ref());
    let presence = vehicle.and_then(|v| v.presence.as_ref());
    let (presence_text, presence_class) = match presence.map(|p| p.status.as_str()) {
        Some("online") => (m.v.online, "badge-ok"),
        Some(_) => (m.v.offline, "badge-warn"),
        None => (m.v.no_data, "badge-muted"),
    };
    let features = o
        .plan
        .option_codes
        .iter()
        .map(|code| {
            let name = x
                .options
                .iter()
                .find(|c| &c.code == code)
                .map(|c| c.name.get(lang).to_owned())
                .unwrap_or_else(|| code.clone());
            let reported = state.and_then(|s| s.features.iter().find(|f| &f.code == code));
            let (status, class) = match reported.map(|f| f.enabled) {
                Some(true) => (m.v.enabled, "badge-ok"),
                Some(false) => (m.v.disabled, "badge-warn"),
                None => (m.v.unconfirmed, "badge-muted"),
            };
            FeatureRow {
                code: code.clone(),
                name,
                status,
                class,
            }
        })
        .collect();
    let keys = vehicle
        .map(|v| {
            v.keys
                .iter()
                .filter(|k| k.customer_id == o.customer_id)
                .map(|k| {
                    let (status, class) = match (k.revoked_at, k.installed_at) {
                        (Some(_), _) => (m.v.revoked, "badge-muted"),
                        (None, Some(_)) => (m.v.installed, "badge-ok"),
                        (None, None) => (m.v.installing, "badge-info"),
                    };
                    KeyRow {
                        key_id: k.key_id.clone(),
                        label: k.label.clone(),
                        installed: k.installed_at.map(|t| when(&t)).unwrap_or_default(),
                        status,
                        class,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    VehicleView {
        present: vehicle.is_some(),
        vin: vehicle
            .map(|v| v.vin.clone())
            .or_else(|| o.factory.vin.clone())
            .unwrap_or_default(),
        plate: reg
            .plate_number
            .clone()
            .or_else(|| vehicle.and_then(|v| v.plate_number.clone()))
            .unwrap_or_default(),
        registration_id: reg.registration_id.clone().unwrap_or_default(),
        authority: reg.authority.clone().unwrap_or_default(),
        certificate: reg.certificate_number.clone().unwrap_or_default(),
        registered_on: reg
            .registration_date
            .map(|d| day(d, lang))
            .unwrap_or_default(),
        presence: presence_text,
        presence_class,
        last_seen: presence
            .and_then(|p| p.at)
            .or_else(|| vehicle.and_then(|v| v.presence_at))
            .or_else(|| state.map(|s| s.reported_at))
            .map(|t| when(&t))
            .unwrap_or_default(),
        report_at: state.map(|s| when(&s.reported_at)).unwrap_or_default(),
        firmware: state
            .map(|s| s.firmware_version.clone())
            .unwrap_or_default(),
        battery: state
            .filter(|s| !s.battery.status.is_empty() || s.battery.soc_percent > 0.0)
            .map(|s| format!("{:.0} %", s.battery.soc_percent))
            .unwrap_or_default(),
        odometer: state
            .map(|s| format!("{:.0} km", s.odometer_km))
            .unwrap_or_default(),
        features,
        keys,
        link: link_view(x, lang),
        store_link: vehicle
            .filter(|_| o.state == OrderState::Operational)
            .map(|v| format!("/vehicle/{}/store", v.id))
            .unwrap_or_default(),
    }
}
