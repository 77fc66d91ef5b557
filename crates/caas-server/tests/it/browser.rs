//! The web UI in a real headless Chromium, driven over WebDriver by a
//! `chromedriver` each test starts (and stops) itself.
//!
//! Skipped (with `skipped: chromedriver not installed` on stderr) when
//! `/usr/bin/chromedriver` is missing, unless `CAAS_REQUIRE_BROWSER=1`, which
//! turns a missing browser into a failure. A failing step leaves a screenshot
//! named `<test>--<step>.png` in `CAAS_SCREENSHOT_DIR` (default
//! `target/browser-screenshots`).

use crate::support::app::*;

use crate::support::browser::*;

use anyhow::{ensure, Context as _};

const ANA: &str = "ana@example.com";
const ANA_PASSWORD: &str = "ana-clave-muy-larga-1";

/// Waits until the landing page `path` shows `#who` with `email` and `role`.
async fn landed_as(b: &Browser, path: &str, email: &str, role: &str) -> anyhow::Result<()> {
    b.wait_path(path).await?;
    b.el("#page-title").await?;
    let who = b.id_with_text("who", email).await?.text().await?;
    ensure!(
        who.contains(role),
        "#who should name the role {role}, got {who:?}"
    );
    Ok(())
}

/// Clicks `#logout` and waits for the login form.
async fn log_out(b: &Browser) -> anyhow::Result<()> {
    b.click("#logout").await?;
    b.wait_path("/login").await?;
    b.el("#login-submit").await?;
    ensure!(
        b.absent("#who").await?,
        "after logging out nobody should be shown as logged in"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_admin_login_works_in_a_browser() {
    let Some(b) = Browser::start("the_printed_admin_login_works_in_a_browser").await else {
        return;
    };
    let t = spawn_app().await;
    let outcome: anyhow::Result<()> = async {
        b.step("open the login page", async {
            b.goto(&t.url("/login")).await?;
            b.el("#login-submit").await?;
            Ok(())
        })
        .await?;
        b.step("log in with the printed ADMIN credentials", async {
            submit_login(&b, &t.admin.email, &t.admin.password).await
        })
        .await?;
        b.step(
            "land on /ops as ADMIN",
            landed_as(&b, "/ops", &t.admin.email, "ADMIN"),
        )
        .await?;
        b.step("log out", log_out(&b)).await?;
        Ok(())
    }
    .await;
    b.finish(outcome).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_activates_from_the_emailed_link_and_logs_in() {
    let Some(b) = Browser::start("a_customer_activates_from_the_emailed_link_and_logs_in").await
    else {
        return;
    };
    let t = spawn_app().await;
    t.provision_customer(ANA).await;
    let outcome: anyhow::Result<()> = async {
        b.step("log in as ADMIN", async {
            b.goto(&t.url("/login")).await?;
            submit_login(&b, &t.admin.email, &t.admin.password).await?;
            landed_as(&b, "/ops", &t.admin.email, "ADMIN").await
        })
        .await?;
        b.step("open ana's activation email in the outbox", async {
            b.goto(&t.url("/ops/mail")).await?;
            let row = format!(
                "//table[@id='mail-table']//tr[td[normalize-space(.)={}] and td[normalize-space(.)='activation']]\
                 //a[contains(concat(' ', @class, ' '), ' mail-open ')]",
                xpath_str(ANA)
            );
            b.xpath(&row, "activation email to ana in the outbox").await?.click().await?;
            b.el("#mail-body").await?;
            let to = b.text("#mail-to").await?;
            ensure!(to == ANA, "the opened email should be addressed to {ANA}, got {to:?}");
            Ok(())
        })
        .await?;
        let link = b
            .step("find the activation link in the body", async {
                let a = b.el("#mail-body a.mail-link[href*='/activate?token=']").await?;
                let href = a.attr("href").await?.context("the activation link has no href")?;
                ensure!(
                    href.starts_with(&t.address),
                    "the activation link should point at this server ({}), got {href}",
                    t.address
                );
                Ok(href)
            })
            .await?;
        b.step("log out of the ADMIN session", log_out(&b)).await?;
        b.step("open the activation link", async {
            b.goto(&link).await?;
            b.wait_path("/activate").await?;
            b.id_with_text("account-email", ANA).await?;
            b.el("#set-password-submit").await?;
            Ok(())
        })
        .await?;
        b.step("set a password", async {
            b.fill("#password", ANA_PASSWORD).await?;
            b.fill("#confirm", ANA_PASSWORD).await?;
            b.click("#set-password-submit").await?;
            let message = b.text("#message").await?;
            ensure!(!message.trim().is_empty(), "the confirmation message is empty");
            Ok(())
        })
        .await?;
        b.step("follow the link to the login page", async {
            b.click("#message-link").await?;
            b.wait_path("/login").await?;
            b.el("#login-submit").await?;
            Ok(())
        })
        .await?;
        b.step("log in as ana", submit_login(&b, ANA, ANA_PASSWORD)).await?;
        b.step("land on /customer as ana", landed_as(&b, "/customer", ANA, "CUSTOMER")).await?;
        Ok(())
    }
    .await;
    b.finish(outcome).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_shows_a_readable_error() {
    let Some(b) = Browser::start("a_wrong_password_shows_a_readable_error").await else {
        return;
    };
    let t = spawn_app().await;
    let outcome: anyhow::Result<()> = async {
        b.step("submit a wrong password", async {
            b.goto(&t.url("/login")).await?;
            submit_login(&b, &t.admin.email, "not-the-password-at-all").await
        })
        .await?;
        b.step("see the error on the login form", async {
            let error = b.el("#login-error").await?;
            let text = error.text().await?;
            ensure!(error.is_displayed().await?, "#login-error is not visible");
            ensure!(
                text.chars().filter(|c| c.is_alphabetic()).count() >= 10,
                "#login-error should be a sentence, got {text:?}"
            );
            ensure!(
                b.path().await? == "/login",
                "should still be on /login, is on {}",
                b.path().await?
            );
            b.el("#login-submit").await?;
            let kept = b
                .el("#email")
                .await?
                .prop("value")
                .await?
                .unwrap_or_default();
            ensure!(
                kept == t.admin.email,
                "the email should be kept in the form, got {kept:?}"
            );
            ensure!(b.absent("#who").await?, "nobody should be logged in");
            Ok(())
        })
        .await?;
        Ok(())
    }
    .await;
    b.finish(outcome).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_turns_the_pages_to_english() {
    let Some(b) = Browser::start("the_language_switch_turns_the_pages_to_english").await else {
        return;
    };
    let t = spawn_app().await;
    let outcome: anyhow::Result<()> = async {
        b.step("open the login page in Spanish", async {
            b.goto(&t.url("/login")).await?;
            b.xpath(
                "//button[@id='login-submit'][normalize-space(.)='Entrar']",
                "the Spanish submit button",
            )
            .await?;
            Ok(())
        })
        .await?;
        b.step("click EN", b.click("button[name='lang'][value='en']"))
            .await?;
        b.step("see the login page in English", async {
            b.xpath(
                "//button[@id='login-submit'][normalize-space(.)='Log in']",
                "the English submit button",
            )
            .await?;
            b.xpath(
                "//h1[contains(normalize-space(.), 'Log in')]",
                "the English heading",
            )
            .await?;
            b.wait_path("/login").await?;
            let lang = b.el("html").await?.attr("lang").await?.unwrap_or_default();
            ensure!(lang == "en", "<html lang> should be en, got {lang:?}");
            Ok(())
        })
        .await?;
        Ok(())
    }
    .await;
    b.finish(outcome).await;
}
