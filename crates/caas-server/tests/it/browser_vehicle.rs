//! Linking the phone from the vehicle page in a real headless Chromium: the
//! vehicle is paid, registered and delivered through the simulators; the
//! customer logs in, opens the vehicle page from the dashboard and clicks
//! "link". WebCrypto creates the P-256 key pair on the device (private key
//! not extractable, kept in IndexedDB), the page posts the public key, and
//! the page moves from pending to linked. The fleet simulator must have got
//! exactly one `app.link`, carrying a 91-byte DER SubjectPublicKeyInfo.
//!
//! Skipped when chromedriver is missing, unless `CAAS_REQUIRE_BROWSER=1`. A
//! failing step leaves a screenshot in `CAAS_SCREENSHOT_DIR`.

use crate::support::browser::*;
use crate::support::delivery::*;
use crate::support::journey::*;
use anyhow::{bail, ensure, Context as _};
use base64::Engine as _;
use std::time::{Duration, Instant};

const CUSTOMER: &str = "lucia.movil@example.com";
/// How long the page may take to show the car's answer.
const LINKING: Duration = Duration::from_secs(45);

/// Whether an element matches the CSS selector now (no waiting).
async fn present(b: &Browser, css: &str) -> anyhow::Result<bool> {
    Ok(!b.absent(css).await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_links_the_phone_from_the_vehicle_page_with_a_webcrypto_key() {
    let Some(b) =
        Browser::start("the_customer_links_the_phone_from_the_vehicle_page_with_a_webcrypto_key")
            .await
    else {
        return;
    };
    let t = delivery_app(|_| {}).await;
    let seller = seller(&t, "vera@concesionario.test").await;
    let sale = sale_body(CUSTOMER, "+34699000121");
    let (order, token, vin) = at_dealership(&t, &seller, &sale).await;
    carrier_plan(&t, &vin, "delivered").await;
    let (status, p) = pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    assert_eq!(status, 200, "{p}");
    let delivered = "carrier.delivery_attempted";
    wait_for_state(&t, &token, &order, "DELIVERED", delivered, 60).await;
    let vehicle_path = format!("/vehicle/{order}");

    let outcome: anyhow::Result<()> = async {
        b.step("log in as the customer", async {
            b.goto(&t.url("/login")).await?;
            submit_login(&b, CUSTOMER, PW).await?;
            b.wait_path("/customer").await
        })
        .await?;

        b.step("open the vehicle page from the dashboard", async {
            b.click(&format!("#vehicle-link-{order}")).await?;
            b.wait_path(&vehicle_path).await?;
            let status = b.el("#link-status").await?.attr("data-status").await?;
            ensure!(
                status.as_deref() == Some("none"),
                "a delivered car is not linked yet, the page says {status:?}"
            );
            let plate = b.text("#plate").await?;
            ensure!(!plate.trim().is_empty(), "the plate is shown");
            // The script found WebCrypto and enabled the button.
            let started = Instant::now();
            while b
                .el("#app-link-submit")
                .await?
                .prop("disabled")
                .await?
                .as_deref()
                != Some("false")
            {
                if started.elapsed() > WAIT {
                    bail!("the link button stayed disabled: the script did not run");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Ok(())
        })
        .await?;

        b.step(
            "click link: the key is made on the device and the page shows linked",
            async {
                b.fill("#label", "Chromium de Lucía").await?;
                b.click("#app-link-submit").await?;
                let started = Instant::now();
                loop {
                    if present(&b, "#link-status[data-status='linked']").await? {
                        break;
                    }
                    if present(&b, "#link-error").await? {
                        bail!("the link was refused: {}", b.text("#link-error").await?);
                    }
                    if started.elapsed() > LINKING {
                        bail!("the page did not show the link within {LINKING:?}");
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                let path = b.path().await?;
                ensure!(
                    path == format!("{vehicle_path}?n=link_requested"),
                    "after linking the page is {path}"
                );
                let label = b.text("#keys").await?;
                ensure!(
                    label.contains("Chromium de Lucía"),
                    "the key is listed: {label:?}"
                );
                Ok(())
            },
        )
        .await?;

        b.step(
            "this device holds the private key, and it is not extractable",
            async {
                let here = b.el("#this-device[data-held='true']").await?;
                let extractable = here.attr("data-extractable").await?;
                ensure!(
                    extractable.as_deref() == Some("false"),
                    "the stored private key should not be extractable, is {extractable:?}"
                );
                Ok(())
            },
        )
        .await?;

        b.step(
            "the car got exactly one app.link with a 91-byte DER key",
            async {
                let car = fleet_vehicle(&t, &vin).await;
                let links = car["commands"]
                    .as_array()
                    .context("commands")?
                    .iter()
                    .filter(|c| c["type"] == "app.link")
                    .count();
                ensure!(links == 1, "one app.link command expected: {car}");
                let keys = car["app_keys"].as_array().context("app_keys")?;
                ensure!(keys.len() == 1, "the car holds one key: {car}");
                let b64 = keys[0]["public_key"].as_str().context("public_key")?;
                let der = base64::engine::general_purpose::STANDARD.decode(b64)?;
                ensure!(der.len() == 91, "DER SPKI of {} bytes", der.len());
                ensure!(
                    der[..2] == [0x30, 0x59] && der[26] == 0x04,
                    "not a P-256 SPKI"
                );
                let e = expediente(&t, &token, &order).await;
                ensure!(
                    e["order"]["state"] == "OPERATIONAL",
                    "{}",
                    e["order"]["state"]
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
