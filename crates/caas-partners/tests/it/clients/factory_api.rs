//! Factory Orders API client: create, reads and status classification.

use super::*;

pub(crate) fn order_request() -> FactoryOrderRequest {
    FactoryOrderRequest {
        order_reference: "ord_2026_000123".into(),
        model_code: "SUV-E-26".into(),
        option_codes: vec!["HEAT_PUMP".into(), "PANORAMIC_ROOF".into()],
        dealership_id: "dlr_es_mad_001".into(),
        delivery: FactoryDelivery {
            country: "ES".into(),
            locality: "Madrid".into(),
            postal_code: Some("28001".into()),
        },
    }
}

pub(crate) const ORDER: &str = r#"{"factory_order_id": "fo_7KD2M9", "order_reference": "ord_2026_000123", "status": "received", "model_code": "SUV-E-26",
 "option_codes": ["HEAT_PUMP", "PANORAMIC_ROOF"], "dealership_id": "dlr_es_mad_001",
 "delivery": {"country": "ES", "locality": "Madrid", "postal_code": "28001"},
 "estimated_completion_date": "2026-04-20", "vin": null, "last_sequence": 0,
 "created_at": "2026-01-15T09:29:58Z", "updated_at": "2026-01-15T09:29:58Z"}"#;

#[tokio::test]
async fn factory_create_sends_bearer_and_reuses_the_idempotency_key() {
    let (client, log) = factory(201, &[], ORDER).await;
    let order = client
        .create_order(&order_request(), "idem-1")
        .await
        .unwrap();
    assert_eq!(order.factory_order_id, "fo_7KD2M9");
    assert_eq!(
        order.estimated_completion_date.unwrap().to_string(),
        "2026-04-20"
    );
    client
        .create_order(&order_request(), "idem-1")
        .await
        .unwrap();
    let reqs = seen(&log);
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.method, "POST");
        assert_eq!(r.uri, "/v1/orders");
        assert_eq!(r.header("authorization").unwrap(), format!("Bearer {KEY}"));
        assert_eq!(r.header("idempotency-key").unwrap(), "idem-1");
        assert!(!r.header("x-request-id").unwrap().is_empty());
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["delivery"]["postal_code"], "28001");
    }
    assert_ne!(
        reqs[0].header("x-request-id"),
        reqs[1].header("x-request-id")
    );
}

#[tokio::test]
async fn factory_422_lists_every_violation() {
    let body = r#"{"error": {"code": "order_validation_failed", "message": "2 violations", "details": {"violations": [
  {"code": "option_not_available_for_model", "field": "option_codes[1]", "value": "TOW_HITCH"},
  {"code": "option_combination_invalid", "field": "option_codes", "conflicting_codes": ["SPORT_SUSPENSION", "OFFROAD_PACK"]}]}}}"#;
    let (client, _) = factory(422, &[], body).await;
    match client.create_order(&order_request(), "k").await {
        Err(FactoryOrderError::Rejected(v)) => {
            assert_eq!(v.len(), 2);
            assert_eq!(v[0].code, "option_not_available_for_model");
            assert_eq!(v[0].value.as_deref(), Some("TOW_HITCH"));
            assert_eq!(v[1].conflicting_codes, ["SPORT_SUSPENSION", "OFFROAD_PACK"]);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn factory_409_duplicate_reference_names_the_existing_order() {
    let body = r#"{"error": {"code": "duplicate_order_reference", "message": "dup", "details": {"factory_order_id": "fo_OLD1"}}}"#;
    let (client, _) = factory(409, &[], body).await;
    let err = client
        .create_order(&order_request(), "k")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FactoryOrderError::Duplicate {
            factory_order_id: "fo_OLD1".into()
        }
    );
}

#[tokio::test]
async fn status_503_with_retry_after_is_transient() {
    let body = r#"{"error": {"code": "factory_unavailable", "message": "down"}}"#;
    let (client, _) = factory(503, &[("retry-after", "17")], body).await;
    match client.create_order(&order_request(), "k").await {
        Err(FactoryOrderError::Call(CallError::Transient {
            retry_after_secs, ..
        })) => {
            assert_eq!(retry_after_secs, Some(17))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn other_transient_and_definitive_statuses() {
    let cases: [(u16, &str, bool); 6] = [
        (429, "rate_limited", true),
        (500, "internal_error", true),
        (502, "bad_gateway", true),
        (409, "idempotency_key_in_use", true),
        (409, "idempotency_key_reused", false),
        (400, "invalid_request", false),
    ];
    for (status, code, transient) in cases {
        let body = format!(r#"{{"error": {{"code": "{code}", "message": "m"}}}}"#);
        let (client, _) = factory(status, &[], &body).await;
        let err = client
            .create_order(&order_request(), "k")
            .await
            .unwrap_err();
        match err {
            FactoryOrderError::Call(CallError::Transient { .. }) => assert!(transient, "{code}"),
            FactoryOrderError::Call(CallError::Refused { code: c, .. }) => {
                assert!(!transient, "{code}");
                assert_eq!(c, code);
            }
            other => panic!("{other:?}"),
        }
    }
    // 504 from a proxy without a contract body.
    let (client, _) = factory(504, &[], "<html>gateway timeout</html>").await;
    let err = client.get_order("fo_1").await.unwrap_err();
    assert!(
        matches!(
            err,
            CallError::Transient {
                retry_after_secs: None,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn status_401_and_403_are_unauthorized() {
    for status in [401, 403] {
        let (client, _) = factory(
            status,
            &[],
            r#"{"error": {"code": "unauthenticated", "message": "no"}}"#,
        )
        .await;
        let err = client
            .create_order(&order_request(), "k")
            .await
            .unwrap_err();
        assert!(
            matches!(err, FactoryOrderError::Call(CallError::Unauthorized(_))),
            "{err:?}"
        );
        let err = client.get_order("fo_1").await.unwrap_err();
        assert!(matches!(err, CallError::Unauthorized(_)), "{err:?}");
    }
}

#[tokio::test]
async fn factory_reads_orders_and_events() {
    let (client, log) = factory(
        404,
        &[],
        r#"{"error": {"code": "order_not_found", "message": "x"}}"#,
    )
    .await;
    assert_eq!(client.get_order("fo/../x").await.unwrap(), None);
    assert_eq!(seen(&log)[0].uri, "/v1/orders/fo%2F..%2Fx");
    assert!(seen(&log)[0].header("idempotency-key").is_none());

    let (client, _) = factory(200, &[], ORDER).await;
    assert_eq!(
        client.get_order("fo_7KD2M9").await.unwrap().unwrap().status,
        "received"
    );

    let (client, log) = factory(200, &[], &format!(r#"{{"data": [{ORDER}]}}"#)).await;
    let found = client
        .find_order_by_reference("ord_2026_000123")
        .await
        .unwrap();
    assert_eq!(found.unwrap().factory_order_id, "fo_7KD2M9");
    assert_eq!(
        seen(&log)[0].uri,
        "/v1/orders?order_reference=ord_2026_000123"
    );

    let events = r#"{"data": [
      {"id": "evt_1", "type": "order.accepted", "occurred_at": "2026-01-15T09:30:00Z", "data": {"sequence": 1}},
      {"id": "evt_2", "type": "order.production_scheduled", "occurred_at": "2026-01-16T09:30:00Z", "data": {"sequence": 2}}]}"#;
    let (client, log) = factory(200, &[], events).await;
    let list = client.list_events("fo_7KD2M9").await.unwrap();
    assert_eq!(seen(&log)[0].uri, "/v1/orders/fo_7KD2M9/events");
    assert_eq!(
        list.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["evt_1", "evt_2"]
    );
    assert!(!list[0].body.contains(' ') && !list[0].body.contains('\n'));
    let parsed: serde_json::Value = serde_json::from_str(&list[1].body).unwrap();
    assert_eq!(parsed["data"]["sequence"], 2);
}
