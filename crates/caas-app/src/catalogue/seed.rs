//! The seed catalogue loaded on first start of an empty database: four
//! plataformas base and fourteen options, with the factory's codes, texts in
//! Spanish and English and pricing offers for the feature store.

use caas_domain::catalogue::{
    CatalogueOption, Localized, MaintenanceDependency, Offer, OptionCategory, PeriodLength,
    Platform, PricingModel,
};
use caas_domain::ids::OfferId;
use caas_domain::money::{Currency, Money};
use chrono::{DateTime, Utc};

fn eur(minor: i64) -> Money {
    Money {
        minor,
        currency: Currency::EUR,
    }
}

fn l(es: &str, en: &str) -> Localized {
    Localized {
        es: es.into(),
        en: en.into(),
    }
}

/// Plataformas base of the seed.
pub fn platforms(now: DateTime<Utc>) -> Vec<Platform> {
    let p = |code: &str, name: (&str, &str), desc: (&str, &str), price: i64| Platform {
        code: code.into(),
        name: l(name.0, name.1),
        description: l(desc.0, desc.1),
        base_price: eur(price),
        active: true,
        updated_at: now,
    };
    vec![
        p(
            "CITY-E-26",
            ("Urbano eléctrico 2026", "City EV 2026"),
            (
                "Compacto eléctrico de 5 plazas, 320 km de autonomía.",
                "Five-seat compact EV, 320 km range.",
            ),
            2_890_000,
        ),
        p(
            "SEDAN-E-26",
            ("Berlina eléctrica 2026", "Electric Sedan 2026"),
            (
                "Berlina de 5 plazas, 520 km de autonomía.",
                "Five-seat sedan, 520 km range.",
            ),
            4_150_000,
        ),
        p(
            "SUV-E-26",
            ("SUV eléctrico 2026", "Electric SUV 2026"),
            (
                "SUV de 7 plazas con tracción total, 480 km.",
                "Seven-seat all-wheel-drive SUV, 480 km.",
            ),
            5_290_000,
        ),
        p(
            "VAN-E-26",
            ("Furgoneta eléctrica 2026", "Electric Van 2026"),
            (
                "Furgoneta de carga de 6 m³, 350 km.",
                "Six cubic metre cargo van, 350 km.",
            ),
            4_490_000,
        ),
    ]
}

struct Seed {
    code: &'static str,
    name: (&'static str, &'static str),
    desc: (&'static str, &'static str),
    category: OptionCategory,
    not_on: &'static [&'static str],
    blocks: &'static [&'static str],
    day: i64,
    month: i64,
    life: i64,
}

const ALL: [&str; 4] = ["CITY-E-26", "SEDAN-E-26", "SUV-E-26", "VAN-E-26"];

const SEEDS: [Seed; 14] = [
    Seed {
        code: "POWER_PLUS_50",
        name: ("+50 % de potencia", "+50 % power"),
        desc: (
            "Libera la potencia máxima del motor.",
            "Unlocks the motor's full power.",
        ),
        category: OptionCategory::Performance,
        not_on: &["VAN-E-26"],
        blocks: &["powertrain", "brakes"],
        day: 1_500,
        month: 4_900,
        life: 190_000,
    },
    Seed {
        code: "DRIVER_ASSIST",
        name: ("Asistencia a la conducción", "Driver assistance"),
        desc: (
            "Control de crucero adaptativo y mantenimiento de carril.",
            "Adaptive cruise control and lane keeping.",
        ),
        category: OptionCategory::Assistance,
        not_on: &[],
        blocks: &["adas_sensors"],
        day: 900,
        month: 2_900,
        life: 120_000,
    },
    Seed {
        code: "HIGHWAY_AUTOPILOT",
        name: (
            "Conducción autónoma en autopista",
            "Highway autonomous driving",
        ),
        desc: (
            "Conducción autónoma de nivel 3 en autopista.",
            "Level 3 autonomous driving on motorways.",
        ),
        category: OptionCategory::Assistance,
        not_on: &["CITY-E-26"],
        blocks: &["adas_sensors", "brakes"],
        day: 2_500,
        month: 9_900,
        life: 390_000,
    },
    Seed {
        code: "TERRAIN_MODES",
        name: ("Modos de terreno", "Terrain modes"),
        desc: ("Nieve, barro y arena.", "Snow, mud and sand."),
        category: OptionCategory::Terrain,
        not_on: &["CITY-E-26"],
        blocks: &["powertrain"],
        day: 700,
        month: 1_900,
        life: 59_000,
    },
    Seed {
        code: "CLIMATE_PLUS",
        name: ("Climatización avanzada", "Advanced climate"),
        desc: (
            "Preacondicionamiento remoto y climatización por zonas.",
            "Remote pre-conditioning and zoned climate.",
        ),
        category: OptionCategory::Comfort,
        not_on: &[],
        blocks: &[],
        day: 300,
        month: 990,
        life: 29_000,
    },
    Seed {
        code: "HEAT_PUMP",
        name: ("Bomba de calor", "Heat pump"),
        desc: ("Más autonomía en invierno.", "More range in winter."),
        category: OptionCategory::Comfort,
        not_on: &[],
        blocks: &["hvac"],
        day: 400,
        month: 1_290,
        life: 49_000,
    },
    Seed {
        code: "PANORAMIC_ROOF",
        name: ("Techo panorámico inteligente", "Smart panoramic roof"),
        desc: ("Opacidad regulable del techo.", "Adjustable roof tint."),
        category: OptionCategory::Comfort,
        not_on: &["VAN-E-26"],
        blocks: &[],
        day: 200,
        month: 590,
        life: 19_000,
    },
    Seed {
        code: "PREMIUM_AUDIO",
        name: ("Sonido premium", "Premium audio"),
        desc: (
            "Doce altavoces y sonido envolvente.",
            "Twelve speakers and surround sound.",
        ),
        category: OptionCategory::Entertainment,
        not_on: &["VAN-E-26"],
        blocks: &[],
        day: 200,
        month: 690,
        life: 24_000,
    },
    Seed {
        code: "ENTERTAINMENT_PACK",
        name: ("Paquete de entretenimiento", "Entertainment pack"),
        desc: (
            "Streaming y juegos en la pantalla central.",
            "Streaming and games on the centre screen.",
        ),
        category: OptionCategory::Entertainment,
        not_on: &[],
        blocks: &[],
        day: 300,
        month: 990,
        life: 29_000,
    },
    Seed {
        code: "SPORT_SUSPENSION",
        name: ("Suspensión deportiva", "Sport suspension"),
        desc: (
            "Amortiguación adaptativa más firme.",
            "Firmer adaptive damping.",
        ),
        category: OptionCategory::Performance,
        not_on: &["VAN-E-26"],
        blocks: &["suspension_steering"],
        day: 600,
        month: 1_900,
        life: 69_000,
    },
    Seed {
        code: "OFFROAD_PACK",
        name: ("Paquete todoterreno", "Off-road pack"),
        desc: (
            "Altura libre y control de descenso.",
            "Ride height and hill descent control.",
        ),
        category: OptionCategory::Terrain,
        not_on: &["CITY-E-26", "SEDAN-E-26"],
        blocks: &["suspension_steering"],
        day: 800,
        month: 2_490,
        life: 79_000,
    },
    Seed {
        code: "TOW_HITCH",
        name: ("Gancho de remolque", "Tow hitch"),
        desc: ("Remolque de hasta 1.600 kg.", "Towing up to 1,600 kg."),
        category: OptionCategory::Terrain,
        not_on: &["CITY-E-26"],
        blocks: &["brakes"],
        day: 500,
        month: 1_490,
        life: 39_000,
    },
    Seed {
        code: "PARK_ASSIST",
        name: ("Aparcamiento automático", "Park assist"),
        desc: (
            "Aparca solo en línea y en batería.",
            "Parks itself, parallel and bay.",
        ),
        category: OptionCategory::Safety,
        not_on: &[],
        blocks: &["adas_sensors"],
        day: 300,
        month: 990,
        life: 34_000,
    },
    Seed {
        code: "ADAPTIVE_LIGHTS",
        name: ("Luces adaptativas", "Adaptive lights"),
        desc: (
            "Faros matriciales antideslumbramiento.",
            "Glare-free matrix headlights.",
        ),
        category: OptionCategory::Safety,
        not_on: &[],
        blocks: &[],
        day: 200,
        month: 590,
        life: 21_000,
    },
];

/// Options of the seed.
pub fn options(now: DateTime<Utc>) -> Vec<CatalogueOption> {
    SEEDS
        .iter()
        .map(|s| CatalogueOption {
            code: s.code.into(),
            name: l(s.name.0, s.name.1),
            description: l(s.desc.0, s.desc.1),
            category: s.category,
            platforms: ALL
                .iter()
                .filter(|p| !s.not_on.contains(p))
                .map(|p| p.to_string())
                .collect(),
            offers: vec![
                Offer {
                    id: OfferId::new(),
                    pricing: PricingModel::TimeLimited {
                        length: PeriodLength::days(1),
                    },
                    price: eur(s.day),
                    active: true,
                },
                Offer {
                    id: OfferId::new(),
                    pricing: PricingModel::TimeLimited {
                        length: PeriodLength::days(7),
                    },
                    price: eur(s.day * 5),
                    active: true,
                },
                Offer {
                    id: OfferId::new(),
                    pricing: PricingModel::TimeLimited {
                        length: PeriodLength::days(30),
                    },
                    price: eur(s.day * 15),
                    active: true,
                },
                Offer {
                    id: OfferId::new(),
                    pricing: PricingModel::Subscription,
                    price: eur(s.month),
                    active: true,
                },
                Offer {
                    id: OfferId::new(),
                    pricing: PricingModel::Lifetime,
                    price: eur(s.life),
                    active: true,
                },
            ],
            maintenance: MaintenanceDependency::on(
                s.blocks.iter().map(|b| b.to_string()).collect(),
            ),
            iot_feature: s.code.to_owned(),
            iot_config: None,
            active: true,
            updated_at: now,
        })
        .collect()
}
