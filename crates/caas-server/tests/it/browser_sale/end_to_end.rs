//! The sale journey end to end in the browser: sale registered, señal
//! taken, account activated from the email, tracker watched as the
//! factory builds the car.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seller_registers_a_sale_and_the_customer_activates_from_the_email_and_watches_the_tracker_move(
) {
    let Some(smtp) = smtp::SmtpServer::start_or_skip() else {
        return;
    };
    let Some(b) = Browser::start(
        "a_seller_registers_a_sale_and_the_customer_activates_from_the_email_and_watches_the_tracker_move",
    )
    .await
    else {
        return;
    };
    let smtp_url = smtp.url();
    // A factory step every 1.5 s: slow enough for the customer to log in
    // before the car is on its way, fast enough to watch it move.
    let t = spawn_app_with(
        move |c| {
            c.sim_factory_step_ms = 1500;
            c.sim_fast_payments = true;
            c.sim_retry_speedup = 1000.0;
            c.smtp_url = Some(Secret::new(smtp_url));
        },
        Arc::new(SystemClock),
    )
    .await;
    journey::seller(&t, SELLER).await;

    let outcome: anyhow::Result<()> = async {
        b.step("log in as the SALES employee", async {
            b.goto(&t.url("/login")).await?;
            submit_login(&b, SELLER, journey::PW).await?;
            b.wait_path("/intranet").await?;
            let who = b.id_with_text("who", SELLER).await?.text().await?;
            ensure!(who.contains("SALES"), "#who should name SALES, got {who:?}");
            Ok(())
        })
        .await?;

        b.step("fill the new-sale form field by field", async {
            b.goto(&t.url("/intranet/sales/new")).await?;
            b.el("#sale-form").await?;
            type_in(&b, "customer_name", CUSTOMER_NAME).await?;
            choose(&b, "document_type", "DNI").await?;
            type_in(&b, "document_number", "12345678Z").await?;
            type_in(&b, "email", CUSTOMER).await?;
            type_in(&b, "phone", "+34699000001").await?;
            choose(&b, "language", "es").await?;
            type_in(&b, "address_line1", "Calle de Alcalá 100").await?;
            type_in(&b, "address_postal_code", "28009").await?;
            type_in(&b, "address_locality", "Madrid").await?;
            choose(&b, "address_country", "ES").await?;
            type_in(&b, "delivery_line1", "Avenida de la Constitución 5").await?;
            type_in(&b, "delivery_postal_code", "41004").await?;
            type_in(&b, "delivery_locality", "Sevilla").await?;
            choose(&b, "delivery_country", "ES").await?;
            choose(&b, "platform_code", "SUV-E-26").await?;
            tick(&b, "opt-SUV-E-26-HEAT_PUMP").await?;
            tick(&b, "opt-SUV-E-26-DRIVER_ASSIST").await?;
            type_in(&b, "vehicle_price", "52900.00").await?;
            type_in(&b, "senal", "2000.00").await?;
            choose(&b, "currency", "EUR").await?;
            tick(&b, "maintenance_included").await?;
            Ok(())
        })
        .await?;

        let order = b
            .step("submit the sale and land on its order page", async {
                b.click("#sale-submit").await?;
                let path = wait_path_where(&b, "the new order's page", |p| {
                    p.starts_with("/intranet/orders/") && p.ends_with("?n=registered")
                })
                .await?;
                let order = b.text("#order-id").await?;
                ensure!(
                    path == format!("/intranet/orders/{order}?n=registered"),
                    "the page {path} is not the one of order {order}"
                );
                let notice = b.text("#notice").await?;
                ensure!(
                    notice.contains("Venta registrada"),
                    "the notice should confirm the sale, got {notice:?}"
                );
                let state = b
                    .el(&format!("#tracker-{order}"))
                    .await?
                    .attr("data-state")
                    .await?;
                ensure!(
                    state.as_deref() == Some("SALE_REGISTERED"),
                    "the new order should be SALE_REGISTERED, is {state:?}"
                );
                let badge = b.text(&format!("#tracker-{order} .order-state")).await?;
                ensure!(
                    badge == "Venta registrada",
                    "the state badge should read \"Venta registrada\", got {badge:?}"
                );
                let customer = b.text("#customer").await?;
                for fact in [CUSTOMER_NAME, "DNI 12345678Z", CUSTOMER, "+34699000001"] {
                    ensure!(
                        customer.contains(fact),
                        "the customer card lacks {fact:?}: {customer:?}"
                    );
                }
                let plan = b.text("#plan").await?;
                for fact in ["HEAT_PUMP", "DRIVER_ASSIST"] {
                    ensure!(plan.contains(fact), "the plan lacks {fact}: {plan:?}");
                }
                Ok(order)
            })
            .await?;

        b.step(
            "pay the señal at the dealership with the test card in the gateway's fields",
            async {
                let amount = b.text("#senal-amount").await?;
                ensure!(
                    amount.contains("2000") || amount.contains("2.000"),
                    "the señal to pay should be 2000 €, the form shows {amount:?}"
                );
                // The card goes into the gateway's iframe; its token submits the form.
                b.el("#card-fields").await?.enter_frame().await?;
                b.fill("#card-number", "4242 4242 4242 4242").await?;
                b.fill("#card-expiry", "12/30").await?;
                b.fill("#card-cvc", "123").await?;
                b.click("#card-submit").await?;
                b.c.enter_parent_frame().await?;
                wait_path_where(&b, "the order page after paying", |p| {
                    p == format!("/intranet/orders/{order}?n=senal_paid")
                })
                .await?;
                let notice = b.text("#notice").await?;
                ensure!(
                    notice.contains("Señal pagada"),
                    "the notice should say the señal is paid, got {notice:?}"
                );
                let payments = b.text("table.payments tbody").await?;
                ensure!(
                    payments.contains("Cobrado") || payments.contains("Liquidado"),
                    "the payments table should show the señal paid, got {payments:?}"
                );
                ensure!(
                    b.absent("#senal-form").await?,
                    "the señal form should be gone once it is paid"
                );
                let state = b
                    .el(&format!("#tracker-{order}"))
                    .await?
                    .attr("data-state")
                    .await?
                    .unwrap_or_default();
                ensure!(
                    state != "SALE_REGISTERED",
                    "the order should have moved past SALE_REGISTERED"
                );
                Ok(())
            },
        )
        .await?;

        b.step("log out of the SALES session", async {
            b.click("#logout").await?;
            b.wait_path("/login").await?;
            b.el("#login-submit").await?;
            ensure!(b.absent("#who").await?, "nobody should be logged in");
            Ok(())
        })
        .await?;

        let link = b
            .step("read the activation email at the SMTP server", async {
                let started = Instant::now();
                loop {
                    let found = smtp
                        .delivered()
                        .iter()
                        .map(|f| smtp::parse_message(f))
                        .find(|m| m.to == [CUSTOMER] && m.text.contains("/activate?token="));
                    if let Some(m) = found {
                        let link = link_in(&m.text, "/activate")
                            .context("no activation link in the email's text")?;
                        ensure!(
                            link.starts_with(&format!("{}/activate?token=", t.address)),
                            "the link should point at this server ({}), got {link}",
                            t.address
                        );
                        ensure!(
                            m.html.contains("/activate?token="),
                            "the HTML part lacks the link too"
                        );
                        eprintln!("activation email: {:?}", m.subject);
                        return Ok(link);
                    }
                    if started.elapsed() > WAIT {
                        bail!(
                            "no activation email to {CUSTOMER} reached aiosmtpd within {WAIT:?} \
                             ({} messages); log:\n{}",
                            smtp.delivered().len(),
                            smtp.log()
                        );
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
            .await?;

        b.step("open the activation link", async {
            b.goto(&link).await?;
            b.wait_path("/activate").await?;
            b.id_with_text("account-email", CUSTOMER).await?;
            b.el("#set-password-submit").await?;
            Ok(())
        })
        .await?;

        b.step("set the password twice", async {
            b.fill("#password", CUSTOMER_PASSWORD).await?;
            b.fill("#confirm", CUSTOMER_PASSWORD).await?;
            b.click("#set-password-submit").await?;
            let message = b.text("#message").await?;
            ensure!(
                !message.trim().is_empty(),
                "the confirmation message is empty"
            );
            Ok(())
        })
        .await?;

        b.step("log in as the customer and land on the dashboard", async {
            b.click("#message-link").await?;
            b.wait_path("/login").await?;
            submit_login(&b, CUSTOMER, CUSTOMER_PASSWORD).await?;
            b.wait_path("/customer").await?;
            let who = b.id_with_text("who", CUSTOMER).await?.text().await?;
            ensure!(
                who.contains("CUSTOMER"),
                "#who should name CUSTOMER, got {who:?}"
            );
            Ok(())
        })
        .await?;

        let first = b
            .step("see the order's tracker on the dashboard", async {
                b.el(&format!("#order-{order}")).await?;
                let v = tracker(&b, &order).await?;
                eprintln!("first look: {v:?}");
                ensure!(
                    (2..5).contains(&v.step),
                    "with the señal paid and the car not yet on its way the tracker should be \
                     between \"Señal pagada\" and \"En fabricación\", shows {v:?}"
                );
                ensure!(
                    v.milestones >= 2,
                    "the milestone list should hold the sale and the señal, holds {}",
                    v.milestones
                );
                Ok(v)
            })
            .await?;

        b.step("reload until the tracker moves to a later step", async {
            let started = Instant::now();
            let last = loop {
                tokio::time::sleep(Duration::from_millis(400)).await;
                b.goto(&t.url("/customer")).await?;
                let v = tracker(&b, &order).await?;
                if v.step > first.step && v.milestones > first.milestones && v.step >= 4 {
                    break v;
                }
                if started.elapsed() > WATCH {
                    bail!("after {WATCH:?} the tracker still shows {v:?} (first {first:?})");
                }
            };
            eprintln!(
                "moved to: {last:?} after {} ms",
                started.elapsed().as_millis()
            );
            ensure!(
                last.state != first.state,
                "the order state should have changed too ({} → {})",
                first.state,
                last.state
            );
            ensure!(
                matches!(
                    last.step_label.as_str(),
                    "En fabricación" | "De camino al concesionario"
                ),
                "the current step should read \"En fabricación\" or \"De camino al \
                 concesionario\", reads {:?}",
                last.step_label
            );
            let estimate = b.el(&format!("#estimate-{order}")).await?;
            let date = b
                .text(&format!("#estimate-{order} strong"))
                .await
                .context("the factory's estimated date is not shown")?;
            ensure!(
                chrono::NaiveDate::parse_from_str(&date, "%d/%m/%Y").is_ok(),
                "the estimate should be a date, got {date:?}"
            );
            let label = estimate.text().await?;
            ensure!(
                label.contains("estimación"),
                "the date should be labelled as an estimate, got {label:?}"
            );
            let heading = b
                .xpath(
                    &format!("//dd[@id='estimate-{order}']/preceding-sibling::dt[1]"),
                    "the estimate's label",
                )
                .await?
                .text()
                .await?;
            ensure!(
                heading.contains("estimada"),
                "the estimate's label should say it is estimated, got {heading:?}"
            );
            Ok(())
        })
        .await?;
        Ok(())
    }
    .await;
    b.finish(outcome).await;
}
