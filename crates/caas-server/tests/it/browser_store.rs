//! Buying a 30-day option in a real headless Chromium: the owner of an
//! operational car opens the store, chooses the option's 30-day offer,
//! types the test card 4242 4242 4242 4242 into the gateway's hosted card
//! fields (an iframe of the gateway's origin: card data never reaches caas),
//! and the purchase page goes from activating to active without a reload.
//! The page takes no message from any origin but the gateway's. The car
//! must have got exactly one `feature.enable` for it, valid ~30 days.
//!
//! Skipped when chromedriver is missing, unless `CAAS_REQUIRE_BROWSER=1`. A
//! failing step leaves a screenshot in `CAAS_SCREENSHOT_DIR`; the purchase
//! page once active is saved there too.

use crate::support::browser::*;
use crate::support::delivery::*;
use crate::support::journey::*;
use crate::support::store::*;
use anyhow::{bail, ensure, Context as _};
use chrono::{DateTime, Duration as Days, Utc};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const OWNER: &str = "marta.tienda@example.com";
const OPTION: &str = "PREMIUM_AUDIO";
/// How long the page may take to show the car's confirmation.
const ACTIVATING: Duration = Duration::from_secs(60);

/// Posts a forged token and error from the page itself, then a probe; returns
/// the hidden token's value and whether the error stayed hidden.
const FORGE: &str = r#"return new Promise(function (resolve) {
  window.addEventListener("message", function probe(e) {
    if (e.data !== "probe") return;
    window.removeEventListener("message", probe);
    resolve(document.getElementById("card-token").value + "|" + document.getElementById("card-error").hidden);
  });
  window.postMessage({type: "gateway.token", token: "tok_forged"}, "*");
  window.postMessage({type: "gateway.error", message: "forged"}, "*");
  window.postMessage("probe", "*");
});"#;

async fn data_state(b: &Browser) -> anyhow::Result<String> {
    Ok(b.el("#purchase")
        .await?
        .attr("data-state")
        .await?
        .unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_buys_30_days_with_a_card_typed_into_the_gateway_fields_and_watches_it_turn_active(
) {
    let Some(b) = Browser::start(
        "the_owner_buys_30_days_with_a_card_typed_into_the_gateway_fields_and_watches_it_turn_active",
    )
    .await
    else {
        return;
    };
    let t = store_app().await;
    let car = operational_car(&t, OWNER, "+34699000421").await;
    let offer = offer_id(&t, &car, OPTION, Some(30)).await;
    // The car answers a few seconds late, so the page is seen activating first.
    fleet_faults(&t, &car.vin, json!({"final_delay_ms": 4000})).await;
    let gateway = t
        .sims
        .clone()
        .unwrap()
        .payments
        .trim_end_matches('/')
        .to_owned();

    let outcome: anyhow::Result<()> =
        async {
            b.step("log in as the owner and open the car's store", async {
                b.goto(&t.url("/login")).await?;
                submit_login(&b, OWNER, PW).await?;
                b.wait_path("/customer").await?;
                b.goto(&t.url(&format!("/vehicle/{}/store", car.vehicle_id)))
                    .await?;
                b.el(&format!("#buy-{offer}")).await.map(drop)
            })
            .await?;

            b.step(
                "choose the 30-day offer: the gateway's fields are embedded",
                async {
                    b.click(&format!("#buy-{offer}")).await?;
                    b.wait_path(&format!("/vehicle/{}/store/confirm", car.vehicle_id))
                        .await?;
                    let src = b
                        .el("#card-fields")
                        .await?
                        .attr("src")
                        .await?
                        .unwrap_or_default();
                    ensure!(
                        src.starts_with(&format!("{gateway}/v1/hosted/card-fields?")),
                        "the iframe loads the gateway's fields: {src}"
                    );
                    ensure!(
                        b.absent("input[type=text][name=payment_method]").await?,
                        "no token field"
                    );
                    Ok(())
                },
            )
            .await?;

            b.step(
                "a message from caas's own origin is not taken for the gateway's",
                async {
                    // Messages arrive in order: once the probe is seen, the forged ones were handled.
                    let seen = b.c.execute(FORGE, vec![]).await?;
                    ensure!(
                        seen == json!("|true"),
                        "a forged message was accepted: {seen}"
                    );
                    Ok(())
                },
            )
            .await?;

            b.step(
                "type 4242 4242 4242 4242 into the gateway's iframe and submit",
                async {
                    let frame = b.el("#card-fields").await?;
                    frame.enter_frame().await?;
                    b.fill("#card-number", "4242 4242 4242 4242").await?;
                    b.fill("#card-expiry", "12/30").await?;
                    b.fill("#card-cvc", "123").await?;
                    b.click("#card-submit").await?;
                    b.c.enter_parent_frame().await?;
                    let started = Instant::now();
                    while !b.path().await?.starts_with("/purchases/pur_") {
                        if !b.absent("#card-error:not([hidden])").await? {
                            bail!("the card form said: {}", b.text("#card-error").await?);
                        }
                        if started.elapsed() > WAIT {
                            bail!("the confirmation did not lead to the purchase page");
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    Ok(())
                },
            )
            .await?;

            let purchase = b.path().await?.trim_start_matches("/purchases/").to_owned();
            b.step("the purchase page goes from activating to active without reloading", async {
            let first = data_state(&b).await?;
            ensure!(first != "ACTIVE", "the car answers late, yet the page loaded {first}");
            b.c.execute("window.__caasNotReloaded = 'still here'; return true;", vec![]).await?;
            let mut seen = vec![first];
            let started = Instant::now();
            loop {
                let now = data_state(&b).await?;
                if seen.last() != Some(&now) {
                    seen.push(now.clone());
                }
                if now == "ACTIVE" {
                    break;
                }
                if started.elapsed() > ACTIVATING {
                    bail!("the page did not show active within {ACTIVATING:?}; states {seen:?}");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            ensure!(seen.iter().any(|s| s == "ACTIVATING"), "activating was shown: {seen:?}");
            let marker = b.c.execute("return window.__caasNotReloaded || null;", vec![]).await?;
            ensure!(marker == json!("still here"), "the page was reloaded ({marker})");
            let badge = b.text("#purchase-state").await?;
            ensure!(badge.contains("Activa"), "the badge reads {badge:?}");
            b.screenshot("purchase active").await.map(drop)
        })
        .await?;

            b.step(
                "the car got exactly one feature.enable, valid for about 30 days",
                async {
                    let sim: Value = fleet_vehicle(&t, &car.vin).await;
                    let enables: Vec<&Value> = sim["commands"]
                        .as_array()
                        .context("commands")?
                        .iter()
                        .filter(|c| c["type"] == "feature.enable")
                        .collect();
                    ensure!(enables.len() == 1, "one feature.enable: {sim}");
                    let p = get_json(
                        &t.url(&format!("/api/v1/purchases/{purchase}")),
                        Some(&car.token),
                    )
                    .await;
                    ensure!(
                        p["commands"][0]["command_id"] == enables[0]["command_id"],
                        "the purchase's command is the one the car got: {p}"
                    );
                    let f = sim["features"]
                        .as_array()
                        .context("features")?
                        .iter()
                        .find(|f| f["code"] == OPTION)
                        .context("the feature installed")?;
                    ensure!(f["enabled"] == true, "{f}");
                    let until: DateTime<Utc> =
                        f["valid_until"].as_str().context("valid_until")?.parse()?;
                    let ahead = until - Utc::now();
                    ensure!(
                        ahead > Days::days(29) && ahead <= Days::days(30),
                        "valid_until {until}"
                    );
                    Ok(())
                },
            )
            .await?;
            Ok(())
        }
        .await;
    b.finish(outcome).await;
}
