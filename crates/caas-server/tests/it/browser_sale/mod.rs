//! The sale journey in a real headless Chromium, end to end: a SALES
//! employee registers a sale in the intranet form and takes the señal at the
//! dealership; the customer opens the activation link from the email a real
//! SMTP server (aiosmtpd) received, sets a password, logs in and watches the
//! tracker on the dashboard move as the embedded factory simulator builds
//! the car.
//!
//! Skipped when chromedriver or aiosmtpd is missing, unless
//! `CAAS_REQUIRE_BROWSER=1` / `CAAS_REQUIRE_SMTP=1`. A failing step leaves a
//! screenshot in `CAAS_SCREENSHOT_DIR` (default `target/browser-screenshots`).

mod end_to_end;

use crate::support::journey;
use crate::support::smtp;

use crate::support::app::*;
use crate::support::browser::*;
use anyhow::{bail, ensure, Context as _};
use caas_domain::clock::SystemClock;
use caas_server::config::Secret;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SELLER: &str = "vera@concesionario.es";
const CUSTOMER: &str = "lucia.fernandez@example.com";
const CUSTOMER_NAME: &str = "Lucía Fernández Núñez";
const CUSTOMER_PASSWORD: &str = "lucia-clave-muy-larga-7";
/// How long the customer may watch the dashboard for the tracker to move.
const WATCH: Duration = Duration::from_secs(30);

/// Whether an element matches the XPath expression now (no waiting).
async fn exists(b: &Browser, xpath: &str) -> anyhow::Result<bool> {
    match b.c.find(Locator::XPath(xpath)).await {
        Ok(_) => Ok(true),
        Err(e) if webdriver::is_missing(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Number of `<li>` children of the element `#id`, now.
async fn items(b: &Browser, id: &str) -> anyhow::Result<usize> {
    let mut n = 0;
    while exists(b, &format!("//*[@id={}][count(li) > {n}]", xpath_str(id))).await? {
        n += 1;
    }
    Ok(n)
}

/// Waits until the current path (and query) satisfies `ok`; returns it.
async fn wait_path_where(
    b: &Browser,
    what: &str,
    ok: impl Fn(&str) -> bool,
) -> anyhow::Result<String> {
    let started = Instant::now();
    loop {
        let path = b.path().await?;
        if ok(&path) {
            return Ok(path);
        }
        if started.elapsed() > WAIT {
            bail!("expected to be on {what} but the browser is on {path}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Selects the `<option>` with `value` in the `<select>` `#select_id`.
async fn choose(b: &Browser, select_id: &str, value: &str) -> anyhow::Result<()> {
    b.click(&format!("#{select_id} option[value='{value}']"))
        .await?;
    let chosen = b
        .el(&format!("#{select_id}"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        chosen == value,
        "#{select_id} should be {value:?}, is {chosen:?}"
    );
    Ok(())
}

/// Ticks the checkbox `#id` (once).
async fn tick(b: &Browser, id: &str) -> anyhow::Result<()> {
    let css = format!("#{id}");
    let boxed = b.el(&css).await?;
    if boxed.prop("checked").await?.as_deref() != Some("true") {
        boxed.click().await?;
    }
    ensure!(
        boxed.prop("checked").await?.as_deref() == Some("true"),
        "{css} is not ticked after clicking it"
    );
    Ok(())
}

/// Fills a text field and checks the browser kept exactly what was typed.
async fn type_in(b: &Browser, id: &str, value: &str) -> anyhow::Result<()> {
    let css = format!("#{id}");
    b.fill(&css, value).await?;
    let kept = b.el(&css).await?.prop("value").await?.unwrap_or_default();
    ensure!(kept == value, "{css} holds {kept:?} instead of {value:?}");
    Ok(())
}

/// What the customer's tracker for one order shows at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TrackerView {
    state: String,
    step: u8,
    step_label: String,
    milestones: usize,
}

/// Reads the tracker `#tracker-<order>` of the current page.
async fn tracker(b: &Browser, order: &str) -> anyhow::Result<TrackerView> {
    let section = b.el(&format!("#tracker-{order}")).await?;
    let state = section.attr("data-state").await?.unwrap_or_default();
    let current = b.el(&format!("#steps-{order} li.step.current")).await?;
    ensure!(
        current.attr("aria-current").await?.as_deref() == Some("step"),
        "the current step is not marked aria-current=step"
    );
    let step: u8 = current
        .attr("data-step")
        .await?
        .unwrap_or_default()
        .parse()
        .context("data-step of the current step is not a number")?;
    // Every step before the current one is done, none after it.
    for i in 1..=5u8 {
        let done = exists(
            b,
            &format!(
                "//ol[@id='steps-{order}']/li[@data-step='{i}'][contains(concat(' ', @class, ' '), ' done ')]"
            ),
        )
        .await?;
        ensure!(
            done == (i <= step),
            "step {i} should {}be done when the current step is {step}",
            if i <= step { "" } else { "not " }
        );
    }
    Ok(TrackerView {
        state,
        step,
        step_label: current.text().await?,
        milestones: items(b, &format!("timeline-{order}")).await?,
    })
}
