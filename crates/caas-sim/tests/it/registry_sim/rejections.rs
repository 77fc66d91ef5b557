//! Registry rejections: every `owner_identity_invalid` reason (format,
//! check digit, all-zeros not_found, underage, wrong type), missing
//! documents per country, partial payment, wrong country, vehicle data,
//! `400 invalid_request` shape errors and injected rejections.

use super::support::*;
use caas_domain::partners_delivery::{RegistrationApi, RegistrationRequest};
use caas_partners::registration::COUNTRIES;
use chrono::{Months, Utc};
use serde_json::{json, Value};

async fn refuse(sim: &Sim, req: &RegistrationRequest) -> (u16, String, Value) {
    let cc = req.country.clone();
    let err = sim.client(&cc).register(req).await.unwrap_err();
    rejected(err)
}

fn with_doc(cc: &str, kind: &str, number: &str) -> RegistrationRequest {
    let mut req = request(cc, &vin());
    req.owner.id_document.kind = kind.into();
    req.owner.id_document.number = number.into();
    req
}

#[tokio::test]
async fn registry_rejects_each_identity_problem_with_its_reason() {
    let sim = Sim::start().await;
    let cases = [
        (
            with_doc("ES", "dni", "12345678A"),
            "owner.id_document.number",
            "check_digit",
        ),
        (
            with_doc("ES", "nie", "X1234567T"),
            "owner.id_document.number",
            "check_digit",
        ),
        (
            with_doc("ES", "dni", "1234567Z"),
            "owner.id_document.number",
            "format",
        ),
        (
            with_doc("ES", "dni", "00000000T"),
            "owner.id_document.number",
            "not_found",
        ),
        (
            with_doc("PT", "nif", "100000000"),
            "owner.id_document.number",
            "not_found",
        ),
        (
            with_doc("IT", "carta_identita", "AA00000AA"),
            "owner.id_document.number",
            "not_found",
        ),
        (
            with_doc("PT", "nif", "012345678"),
            "owner.id_document.number",
            "format",
        ),
        (
            with_doc("DE", "personalausweis", "A01X00T47"),
            "owner.id_document.number",
            "format",
        ),
        (
            with_doc("PT", "dni", "12345678Z"),
            "owner.id_document.type",
            "format",
        ),
        (
            with_doc("ES", "cif", "B12345674"),
            "owner.id_document.type",
            "format",
        ),
    ];
    for (req, field, reason) in cases {
        let doc = req.owner.id_document.clone();
        let (status, code, details) = refuse(&sim, &req).await;
        assert_eq!(
            (status, code.as_str()),
            (422, "owner_identity_invalid"),
            "{doc:?}"
        );
        assert_eq!(details["field"], field, "{doc:?}");
        assert_eq!(details["reason"], reason, "{doc:?}");
    }
    let mut minor = request("FR", &vin());
    let today = Utc::now().date_naive();
    minor.owner.birth_date = today.checked_sub_months(Months::new(12 * 18 - 1));
    let (_, code, details) = refuse(&sim, &minor).await;
    assert_eq!(code, "owner_identity_invalid");
    assert_eq!(
        details,
        json!({"field": "owner.birth_date", "reason": "underage"})
    );
    let mut adult_today = request("FR", &vin());
    adult_today.owner.birth_date = today.checked_sub_months(Months::new(12 * 18));
    sim.client("FR").register(&adult_today).await.unwrap();
    let passport = with_doc("DE", "passport", "C01X00T47");
    sim.client("DE").register(&passport).await.unwrap();
    let stats = sim.stats().await;
    assert_eq!(stats["rejections"], 11);
    assert_eq!(stats["registrations_created"], 2);
}

#[tokio::test]
async fn registry_accepts_companies_with_company_documents() {
    let sim = Sim::start().await;
    let mut req = with_doc("ES", "cif", "B12345674");
    req.owner.kind = "company".into();
    req.owner.given_names = None;
    req.owner.family_names = None;
    req.owner.birth_date = None;
    req.owner.legal_name = Some("Flotas Ibéricas SL".into());
    sim.client("ES").register(&req).await.unwrap();
    req.vin = vin();
    req.owner.id_document.number = "B00000000".into();
    let (_, _, details) = refuse(&sim, &req).await;
    assert_eq!(details["reason"], "not_found");
}

#[tokio::test]
async fn registry_lists_missing_documents_per_country_and_partial_payment() {
    let sim = Sim::start().await;
    let extra = [
        ("ES", Some("registration_tax_receipt")),
        ("PT", None),
        ("FR", Some("proof_of_address")),
        ("DE", Some("insurance_confirmation")),
        ("IT", None),
    ];
    for (cc, country_doc) in extra {
        let mut req = request(cc, &vin());
        req.documents
            .retain(|d| d.kind == "certificate_of_conformity");
        let (status, code, details) = refuse(&sim, &req).await;
        assert_eq!((status, code.as_str()), (422, "missing_document"));
        let mut expected = vec![
            json!({"type": "purchase_invoice", "reason": "absent"}),
            json!({"type": "owner_identity", "reason": "absent"}),
        ];
        if let Some(doc) = country_doc {
            expected.push(json!({"type": doc, "reason": "absent"}));
        }
        assert_eq!(details["missing"], json!(expected), "{cc}");
    }
    let mut unpaid = request("IT", &vin());
    unpaid.proof_of_payment.amount_paid = 4_000_000;
    let (_, code, details) = refuse(&sim, &unpaid).await;
    assert_eq!(code, "missing_document");
    assert_eq!(
        details["missing"],
        json!([{"type": "proof_of_payment", "reason": "not_fully_paid"}])
    );
    assert_eq!(sim.get_json("/_sim/registrations").await["total"], 0);
}

#[tokio::test]
async fn registry_rejects_wrong_country_bad_vin_and_bad_vehicle_data() {
    let sim = Sim::start().await;
    let mut req = request("ES", &vin());
    req.country = "PT".into();
    let (_, code, details) = refuse_at(&sim, "ES", &req).await;
    assert_eq!(
        (code.as_str(), &details["field"]),
        ("wrong_country", &json!("country"))
    );
    let mut req = request("ES", &vin());
    req.owner.address.country = "FR".into();
    let (_, code, details) = refuse(&sim, &req).await;
    assert_eq!(code, "wrong_country");
    assert_eq!(details["field"], "owner.address.country");

    let bad_vin = request("ES", "VSSZZZ5FZR600012O");
    let (status, code, details) = refuse(&sim, &bad_vin).await;
    assert_eq!((status, code.as_str()), (422, "invalid_vehicle_data"));
    assert_eq!(
        details["violations"],
        json!([{"field": "vin", "reason": "format"}])
    );
    let mut vehicle = request("ES", &vin());
    vehicle.vehicle.co2_g_km = 12;
    vehicle.vehicle.coc_number = "COC-UNKNOWN-1".into();
    let (_, code, details) = refuse(&sim, &vehicle).await;
    assert_eq!(code, "invalid_vehicle_data");
    assert_eq!(details["violations"].as_array().unwrap().len(), 2);
}

async fn refuse_at(sim: &Sim, cc: &str, req: &RegistrationRequest) -> (u16, String, Value) {
    rejected(sim.client(cc).register(req).await.unwrap_err())
}

#[tokio::test]
async fn registry_answers_400_with_the_field_for_malformed_bodies() {
    let sim = Sim::start().await;
    let full = serde_json::to_value(request("ES", &vin())).unwrap();
    let cases = [
        ("/owner/birth_date", "owner.birth_date"),
        ("/vehicle/power_kw", "vehicle.power_kw"),
        ("/proof_of_payment", "proof_of_payment"),
        ("/documents/0/reference", "documents[0].reference"),
    ];
    for (pointer, field) in cases {
        let mut body = full.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let parent = if parent.is_empty() {
            &mut body
        } else {
            body.pointer_mut(parent).unwrap()
        };
        parent.as_object_mut().unwrap().remove(key);
        let (status, err) = sim.post_raw("es", &body).await;
        assert_eq!(status, 400, "{pointer}");
        assert_eq!(err["error"]["code"], "invalid_request");
        assert_eq!(err["error"]["details"]["field"], field, "{pointer}");
    }
    let mut body = full.clone();
    body["owner"]["type"] = json!("robot");
    assert_eq!(
        sim.post_raw("es", &body).await.1["error"]["details"]["field"],
        "owner.type"
    );
    let resp = sim
        .http
        .post(sim.url("/es/v1/registrations"))
        .bearer_auth("sim_registry_key")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn registry_answers_injected_rejections_once_each() {
    let sim = Sim::start().await;
    let details = json!({"field": "owner.family_names", "reason": "name_mismatch"});
    sim.control(
        "/_sim/scenario",
        json!({"reject_next": [{"code": "owner_identity_invalid", "details": details},
                               {"code": "missing_document", "status": 422,
                                "details": {"missing": [{"type": "owner_identity", "reason": "unreadable"}]}}]}),
    )
    .await;
    let req = request(COUNTRIES[0], &vin());
    let (_, code, got) = refuse(&sim, &req).await;
    assert_eq!((code.as_str(), got), ("owner_identity_invalid", details));
    let (_, code, got) = refuse(&sim, &req).await;
    assert_eq!(code, "missing_document");
    assert_eq!(got["missing"][0]["reason"], "unreadable");
    sim.client("ES").register(&req).await.unwrap();
}
