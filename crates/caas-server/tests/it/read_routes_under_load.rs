//! Every GET route of the route table, called by a caller allowed to read it
//! with real resources in its path, at eight times the database pool's size
//! at once, with the read caches off so every request needs a connection:
//! every answer is 2xx within the test's own timeout. A use case holding one
//! connection while waiting for another would deadlock here (every connection
//! held by a request waiting for a second) or be refused by the store's
//! ledger (500): both fail the test.

use crate::support::app::*;
use crate::support::delivery::*;
use crate::support::journey::*;
use axum::http::Method;
use caas_domain::account::Role;
use caas_server::routes::{table, Access, Surface};
use std::time::Duration;

/// Connections of the web pool in this test (SQLite has 4 readers too).
const POOL: usize = 4;
const CONCURRENCY: usize = 8 * POOL;

struct Caller {
    web: reqwest::Client,
    bearer: Option<String>,
}

/// A client that follows redirects (a page may send the caller on to its home).
fn following() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

async fn web_login(t: &TestApp, email: &str, pw: &str) -> reqwest::Client {
    let c = following();
    let html = c
        .get(t.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let resp = c
        .post(t.url("/login"))
        .form(&[
            ("_csrf", csrf_in(&html).as_str()),
            ("email", email),
            ("password", pw),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        resp.status().is_success(),
        "login of {email}: {}",
        resp.status()
    );
    c
}

async fn caller(t: &TestApp, email: &str, pw: &str) -> Caller {
    Caller {
        web: web_login(t, email, pw).await,
        bearer: Some(t.api_token(email, pw).await),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_read_route_answers_2xx_at_eight_times_the_pool_size() {
    let t = delivery_app(|c| {
        c.cache_ttl_secs = 0;
        c.pg_max_connections = POOL as u32;
    })
    .await;
    // A car delivered to its customer, so every page has something to show.
    let seller_token = seller(&t, "vera@concesionario.test").await;
    let body = sale_body("lucia@example.test", "+34699000101");
    let (order, token, vin) = at_dealership(&t, &seller_token, &body).await;
    let (status, p) = pay_final(&t, &token, &order, "tok_test_ok", "a1").await;
    assert_eq!(status, 200, "{p}");
    carrier_plan(&t, &vin, "delivered").await;
    let e = wait_for_state(
        &t,
        &token,
        &order,
        "DELIVERED",
        "carrier.delivery_attempted",
        60,
    )
    .await;
    let invoice = e["invoices"][0]["id"]
        .as_str()
        .expect("an invoice")
        .to_owned();
    let vehicle = e["order"]["delivery"]["vehicle_id"]
        .as_str()
        .expect("a vehicle")
        .to_owned();
    // A purchase of the customer's car (written to the store: the car is not
    // operational here), so the purchase routes have something to read.
    let order_row = {
        let mut tx = t.app.store.read().await.unwrap();
        tx.find_order(&caas_domain::ids::OrderId::parse(&order).unwrap())
            .await
            .unwrap()
            .unwrap()
    };
    let (_, purchase) = crate::support::store::owned_vehicle_and_purchase(&t, &order_row).await;
    // Charged and invoiced, so its invoice route has a PDF to serve.
    crate::support::services::invoiced(&t, &purchase).await;
    let email_id = {
        let mut tx = t.app.store.read().await.unwrap();
        tx.list_emails(1).await.unwrap()[0].id.to_string()
    };

    // Pages reached from emailed links: a pending customer's activation link
    // and a reset link of the active customer (opening them uses nothing up).
    t.provision_customer("pendiente@example.test").await;
    let activation = t.latest_link("pendiente@example.test", "/activate").await;
    let c = client();
    let csrf = t.csrf(&c, "/password/forgot").await;
    let resp = c
        .post(t.url("/password/forgot"))
        .form(&[("_csrf", csrf.as_str()), ("email", "lucia@example.test")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let reset = t.latest_link("lucia@example.test", "/password/reset").await;
    let link_path = |link: &str| link.trim_start_matches(&t.address).to_owned();

    let customer = caller(&t, "lucia@example.test", PW).await;
    let sales = caller(&t, "vera@concesionario.test", PW).await;
    let admin = caller(&t, &t.admin.email.clone(), &t.admin.password.clone()).await;
    let anonymous = Caller {
        web: following(),
        bearer: None,
    };
    let fill = |path: &str| -> String {
        match path {
            "/activate" => return link_path(&activation),
            "/password/reset" => return link_path(&reset),
            _ => {}
        }
        path.replace("{order_id}", &order)
            .replace("{invoice_id}", &invoice)
            .replace("{email_id}", &email_id)
            .replace("{vehicle_id}", &vehicle)
            .replace("{purchase_id}", &purchase)
    };

    let mut checked = Vec::new();
    let mut wrong = Vec::new();
    for r in table().into_iter().filter(|r| r.method == Method::GET) {
        let who = match r.access {
            Access::Public => &anonymous,
            Access::Authenticated => &customer,
            Access::Roles(roles) if roles.contains(&Role::Customer) => &customer,
            Access::Roles(roles) if roles.contains(&Role::Sales) => &sales,
            Access::Roles(_) => &admin,
        };
        let path = fill(r.path);
        assert!(
            !path.contains('{'),
            "map the parameters of {} in this test",
            r.path
        );
        let url = t.url(&path);
        let calls = (0..CONCURRENCY).map(|_| {
            let req = match (r.surface, &who.bearer) {
                (Surface::Api, Some(b)) => following().get(&url).bearer_auth(b),
                _ => who.web.get(&url),
            };
            async move {
                match req.send().await {
                    Ok(resp) => {
                        let status = resp.status();
                        let _ = resp.bytes().await;
                        status.as_u16()
                    }
                    Err(e) => {
                        if e.is_timeout() {
                            0
                        } else {
                            1
                        }
                    }
                }
            }
        });
        let statuses =
            tokio::time::timeout(Duration::from_secs(90), futures::future::join_all(calls))
                .await
                .unwrap_or_else(|_| {
                    panic!("GET {path}: no answer to all {CONCURRENCY} calls within 90 s")
                });
        let bad: Vec<u16> = statuses
            .iter()
            .copied()
            .filter(|s| !(200..300).contains(s))
            .collect();
        if !bad.is_empty() {
            wrong.push(format!(
                "GET {} → {} of {CONCURRENCY} not 2xx: {:?}",
                r.path,
                bad.len(),
                &bad[..bad.len().min(5)]
            ));
        }
        checked.push(r.path);
    }
    assert!(
        wrong.is_empty(),
        "under {CONCURRENCY} concurrent calls:\n{}",
        wrong.join("\n")
    );
    assert!(
        checked.len() >= 40,
        "the sweep covered the GET routes: {checked:?}"
    );
}
