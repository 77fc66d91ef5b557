//! Helpers of the order tests: a SALES employee, a valid sale, a captured
//! señal with its invoice and a push subscription, made through the use
//! cases (or the store) without the partner simulators.

use super::app::TestApp;
use caas_app::RequestContext;
use caas_domain::account::{Account, Language};

/// Test password of the staff and customers made by the helpers below.
pub const HELPER_PW: &str = "una-clave-larga-1";

/// A valid sale of an SUV with two options for `email`, as the use case takes it.
pub fn valid_sale(email: &str, name: &str) -> caas_app::sales::SaleIn {
    caas_app::sales::SaleIn {
        customer_name: name.into(),
        document_type: "DNI".into(),
        document_number: "12345678Z".into(),
        email: email.into(),
        phone: "+34612345678".into(),
        language: "es".into(),
        address_line1: "Calle de Alcalá 100".into(),
        address_postal_code: "28009".into(),
        address_locality: "Madrid".into(),
        address_country: "ES".into(),
        delivery_line1: "Calle de Alcalá 100".into(),
        delivery_postal_code: "28009".into(),
        delivery_locality: "Madrid".into(),
        delivery_country: "ES".into(),
        platform_code: "SUV-E-26".into(),
        option_codes: vec!["HEAT_PUMP".into(), "DRIVER_ASSIST".into()],
        vehicle_price: "52900.00".into(),
        senal: "1500.00".into(),
        currency: "EUR".into(),
        maintenance_included: true,
        birth_date: Some("1988-07-02".into()),
        stock_vehicle_id: None,
    }
}

impl TestApp {
    /// A dealership with an active SALES employee `email` (password [`HELPER_PW`]).
    pub async fn sales_staff(&self, email: &str) -> Account {
        let ctx = RequestContext::default();
        let d = caas_app::dealerships::create_dealership(
            &self.app,
            &ctx,
            "test",
            "Concesionario Norte",
            "ES",
            "Bilbao",
        )
        .await
        .unwrap();
        let input = caas_app::auth::staff::NewStaff {
            email: email.into(),
            name: "Saúl Vendedor".into(),
            role: caas_domain::account::Role::Sales,
            dealership_id: Some(d.id.clone()),
            language: Language::Es,
        };
        let a = caas_app::auth::staff::create_staff(&self.app, &ctx, "test", &input)
            .await
            .unwrap();
        self.activate(email, HELPER_PW).await;
        a
    }

    /// Registers `sale` through the use case as `seller`.
    pub async fn sell(
        &self,
        seller: &Account,
        sale: &caas_app::sales::SaleIn,
    ) -> caas_domain::order::Order {
        caas_app::sales::register_sale(&self.app, &RequestContext::default(), seller, sale)
            .await
            .expect("the sale registers")
    }

    /// Records a captured señal of `order` with its invoice, without the gateway.
    pub async fn captured_senal_invoice(
        &self,
        order: &caas_domain::order::Order,
    ) -> caas_domain::records::Invoice {
        use caas_domain::payment::{Payment, PaymentChannel, PaymentKind, PaymentState};
        let now = self.app.clock.now();
        let p = Payment {
            id: caas_domain::ids::PaymentId::new(),
            order_id: order.id.clone(),
            customer_id: order.customer_id.clone(),
            kind: PaymentKind::Senal,
            amount: order.plan.senal,
            state: PaymentState::Captured,
            channel: PaymentChannel::Dealership,
            started_by: order.sold_by.clone(),
            payment_method: "tok_test_ok".into(),
            idempotency_key: format!("test-{}", order.id),
            intent_id: None,
            decline_code: None,
            failure_message: None,
            last_sequence: 0,
            version: 0,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.app.store.begin().await.unwrap();
        tx.insert_payment(&p).await.unwrap();
        let inv = caas_app::payments::invoices::issue_invoice_in(&mut *tx, &self.app, order, &p)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        inv
    }

    /// Registers a push subscription for `customer` under their newest live
    /// session (dummy keys of the right size).
    pub async fn push_subscription(
        &self,
        customer: &Account,
        endpoint: &str,
    ) -> caas_domain::records::PushSubscription {
        let session = {
            let mut tx = self.app.store.read().await.unwrap();
            tx.list_live_sessions_for_account(&customer.id, chrono::Utc::now())
                .await
                .unwrap()
                .into_iter()
                .next()
                .expect("the customer is logged in")
                .id
        };
        caas_app::notify::prefs::subscribe_push(
            &self.app,
            customer,
            &session,
            endpoint,
            "BAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc",
            "CQkJCQkJCQkJCQkJCQkJCQ",
            "Test browser",
        )
        .await
        .expect("the subscription registers")
    }
}
