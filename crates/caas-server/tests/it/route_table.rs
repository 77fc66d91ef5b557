//! Sweeps over the router's route table: no route creates a customer account
//! (only a registered sale does), and no route lets one customer reach
//! another customer's resources (404, never 403).

use crate::support::app::*;
use crate::support::sales::valid_sale;
use axum::http::Method;
use caas_domain::account::Role;
use caas_server::routes::{table, Access, Surface};

const PW: &str = "una-clave-larga-1";

/// A caller of the sweep: web cookie client with its CSRF token, and a bearer token.
struct Caller {
    label: &'static str,
    web: reqwest::Client,
    csrf: String,
    bearer: Option<String>,
}

async fn anonymous(t: &TestApp) -> Caller {
    let web = client();
    let csrf = t.csrf(&web, "/login").await;
    Caller {
        label: "anonymous",
        web,
        csrf,
        bearer: None,
    }
}

async fn logged_in(t: &TestApp, label: &'static str, email: &str, pw: &str, page: &str) -> Caller {
    let web = t.web_login(email, pw).await;
    let csrf = t.csrf(&web, page).await;
    let bearer = Some(t.api_token(email, pw).await);
    Caller {
        label,
        web,
        csrf,
        bearer,
    }
}

/// Fields a sign-up attempt would send.
fn signup_fields(csrf: &str, n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("_csrf", csrf.to_owned()),
        ("email", format!("signup{n}@example.com")),
        ("name", "Sign Up".into()),
        ("password", "sign-up-password-1".into()),
        ("confirm", "sign-up-password-1".into()),
        ("new_password", "sign-up-password-1".into()),
        ("role", "CUSTOMER".into()),
        ("language", "es".into()),
        ("lang", "es".into()),
        ("country", "ES".into()),
        ("locality", "Madrid".into()),
        ("token", "x".into()),
        ("dealership_id", "".into()),
    ]
}

fn fill(path: &str, ids: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').unwrap() + start;
        out.push_str(&rest[..start]);
        out.push_str(&ids(&rest[start + 1..end]));
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

async fn call(
    t: &TestApp,
    c: &Caller,
    method: &Method,
    surface: Surface,
    path: &str,
    n: usize,
) -> reqwest::StatusCode {
    let fields = signup_fields(&c.csrf, n);
    let url = t.url(path);
    let req = match surface {
        Surface::Api => {
            let json: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
                .collect();
            let r = client().request(method.clone(), &url).json(&json);
            match &c.bearer {
                Some(b) => r.bearer_auth(b),
                None => r,
            }
        }
        _ if *method == Method::GET => c.web.get(&url),
        _ => c.web.request(method.clone(), &url).form(&fields),
    };
    req.send().await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_route_creates_a_customer_account() {
    let t = spawn_app().await;
    t.active_customer("cliente@example.com", PW).await;
    let before = t.customer_count().await;
    assert_eq!(before, 1);

    let mut callers = vec![
        anonymous(&t).await,
        logged_in(&t, "customer", "cliente@example.com", PW, "/customer").await,
        logged_in(
            &t,
            "admin",
            &t.admin.email.clone(),
            &t.admin.password.clone(),
            "/ops",
        )
        .await,
    ];
    // Staff of a dealership too.
    let d = caas_app::dealerships::create_dealership(
        &t.app,
        &Default::default(),
        "test",
        "Concesionario Sur",
        "ES",
        "Sevilla",
    )
    .await
    .unwrap();
    caas_app::auth::staff::create_staff(
        &t.app,
        &Default::default(),
        "test",
        &caas_app::auth::staff::NewStaff {
            role: Role::Sales,
            dealership_id: Some(d.id.clone()),
            email: "ventas@example.com".into(),
            name: "Ventas".into(),
            language: caas_domain::account::Language::Es,
        },
    )
    .await
    .unwrap();
    t.activate("ventas@example.com", PW).await;
    callers.push(logged_in(&t, "sales", "ventas@example.com", PW, "/intranet").await);

    // Routes that end the caller's session go last.
    let mut routes = table();
    routes.sort_by_key(|r| r.path.contains("logout") || r.path.contains("revoke"));
    let mut n = 0;
    let mut calls = 0;
    for c in &callers {
        for r in &routes {
            n += 1;
            let path = fill(r.path, &|p| {
                format!(
                    "{}x{n}",
                    p.trim_end_matches("_id")
                        .chars()
                        .take(3)
                        .collect::<String>()
                        + "_"
                )
            });
            let status = call(&t, c, &r.method, r.surface, &path, n).await;
            assert!(
                !status.is_server_error(),
                "{} {} as {} → {status}",
                r.method,
                path,
                c.label
            );
            calls += 1;
        }
    }
    assert!(
        calls >= 4 * 20,
        "the sweep covered the table ({calls} calls)"
    );
    assert_eq!(
        t.customer_count().await,
        before,
        "no route created a customer account"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_a_gets_404_for_every_resource_of_customer_b_on_every_route() {
    let t = spawn_app().await;
    t.active_customer("a@example.com", PW).await;
    t.active_customer("b@example.com", PW).await;
    let a = logged_in(&t, "customer A", "a@example.com", PW, "/customer").await;
    let b_web = t.web_login("b@example.com", PW).await;
    let b_token = t.api_token("b@example.com", PW).await;

    // Customer B's resources, by the path parameter that names them.
    let sessions: serde_json::Value = client()
        .get(t.url("/api/v1/me/sessions"))
        .bearer_auth(&b_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let b_session = sessions[0]["id"].as_str().unwrap().to_owned();
    // B's order (a sale reuses B's account), its invoice and a push device.
    let seller = t.sales_staff("ventas-b@example.com").await;
    let b_order = t
        .sell(&seller, &valid_sale("b@example.com", "Cliente B"))
        .await;
    let b_invoice = t.captured_senal_invoice(&b_order).await;
    let b_account = caas_app::auth::staff::list_accounts(&t.app, Some(Role::Customer))
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.email.as_str() == "b@example.com")
        .unwrap();
    assert_eq!(b_order.customer_id, b_account.id);
    let b_push = t
        .push_subscription(&b_account, "https://push.example.com/b")
        .await;
    let (b_vehicle, b_purchase) =
        crate::support::store::owned_vehicle_and_purchase(&t, &b_order).await;
    let (_, b_card) = crate::support::cards::save_card(&t, &b_token, "4242424242424242").await;
    let b_card = b_card["id"].as_str().unwrap().to_owned();
    let b_resource = |param: &str| -> String {
        match param {
            "session_id" => b_session.clone(),
            "order_id" => b_order.id.to_string(),
            "invoice_id" => b_invoice.id.to_string(),
            "subscription_id" => b_push.id.to_string(),
            "vehicle_id" => b_vehicle.clone(),
            "purchase_id" => b_purchase.clone(),
            "payment_method_id" => b_card.clone(),
            other => panic!("route parameter {{{other}}} is unknown to this test: map it to a resource owned by customer B"),
        }
    };

    let mut checked = Vec::new();
    let mut wrong = Vec::new();
    for r in table() {
        let customer_may_call = match r.access {
            Access::Public | Access::Authenticated => true,
            Access::Roles(roles) => roles.contains(&Role::Customer),
        };
        if !customer_may_call || !r.path.contains('{') {
            continue;
        }
        let path = fill(r.path, &b_resource);
        let status = call(&t, &a, &r.method, r.surface, &path, 0).await;
        if status != 404 {
            wrong.push(format!("{} {} → {status}", r.method, r.path));
        }
        checked.push(format!("{} {}", r.method, r.path));
    }
    assert!(
        wrong.is_empty(),
        "these routes must answer 404 to customer A for customer B's resources:\n{}",
        wrong.join("\n")
    );
    assert!(
        checked.len() >= 2,
        "routes with customer-owned resources were checked: {checked:?}"
    );
    // B's session and token survived every attempt.
    assert_eq!(
        b_web.get(t.url("/customer")).send().await.unwrap().status(),
        200
    );
    assert_eq!(
        client()
            .get(t.url("/api/v1/me"))
            .bearer_auth(&b_token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
