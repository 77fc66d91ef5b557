//! HTTP client of the subcontracted carrier (`shared/contracts/transport-api.md`),
//! implementing the [`TransportApi`] port. It classifies answers only: 4xx
//! business refusals become [`ShipmentError::Refused`] with the contract code
//! and details, transport failures / 429 / 5xx become transient
//! [`CallError`]s; the caller's durable job retries with the same key.

use crate::http::{classify, ApiKey, ConfigError, Failure, PartnerHttp, Reply};
use caas_domain::partners::{CallError, RawEvent};
use caas_domain::partners_delivery::{
    Shipment, ShipmentError, ShipmentRequest, TimeWindow, TransportApi,
};
use reqwest::Method;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

/// Client timeout required by the contract (the carrier answers within 10 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// REST client of the carrier (`TRANSPORT_BASE_URL`, `TRANSPORT_API_KEY`).
#[derive(Debug, Clone)]
pub struct TransportClient {
    http: PartnerHttp,
}

impl TransportClient {
    /// `base_url` without `/v1`; `timeout` bounds each call (contract: 30 s).
    pub fn new(
        base_url: &str,
        api_key: impl Into<String>,
        timeout: Duration,
    ) -> Result<Self, ConfigError> {
        let http = PartnerHttp::new("transport", base_url, ApiKey::new(api_key), timeout)?;
        Ok(Self { http })
    }

    async fn post(
        &self,
        segments: &[&str],
        key: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<Shipment, ShipmentError> {
        let url = self.http.url(segments, &[]);
        let reply = self.http.send(Method::POST, url, key, Some(body)).await?;
        shipment_or_refusal(reply)
    }
}

/// A 2xx Shipment, or the refusal / call error the reply stands for.
fn shipment_or_refusal(reply: Reply) -> Result<Shipment, ShipmentError> {
    if reply.is_success() {
        return Ok(reply.json()?);
    }
    let error = reply.error();
    let status = reply.status;
    match classify(Failure::Status(reply)) {
        CallError::Refused { .. } => {
            tracing::info!(status, code = %error.code, "carrier refused the request");
            Err(ShipmentError::Refused {
                status,
                code: error.code,
                message: error.message,
                details: error.details,
            })
        }
        other => Err(ShipmentError::Call(other)),
    }
}

#[async_trait::async_trait]
impl TransportApi for TransportClient {
    #[tracing::instrument(skip_all, fields(
        partner = "transport",
        shipment_reference = %req.shipment_reference,
        vin = %req.vin,
        idempotency_key = %key,
    ))]
    async fn book(&self, req: &ShipmentRequest, key: &str) -> Result<Shipment, ShipmentError> {
        let body = serde_json::to_value(req)
            .map_err(|e| CallError::transient(format!("request not serialisable: {e}")))?;
        let shipment = self.post(&["v1", "shipments"], Some(key), &body).await?;
        tracing::info!(shipment_id = %shipment.shipment_id, status = %shipment.status, "shipment booked");
        Ok(shipment)
    }

    #[tracing::instrument(skip_all, fields(partner = "transport", shipment_id = %shipment_id))]
    async fn get_shipment(&self, shipment_id: &str) -> Result<Option<Shipment>, CallError> {
        let url = self.http.url(&["v1", "shipments", shipment_id], &[]);
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        match reply.status {
            404 => Ok(None),
            _ if reply.is_success() => reply.json().map(Some),
            _ => Err(reply.into_call_error()),
        }
    }

    #[tracing::instrument(skip_all, fields(partner = "transport", shipment_id = %shipment_id))]
    async fn list_events(&self, shipment_id: &str) -> Result<Vec<RawEvent>, CallError> {
        let url = self
            .http
            .url(&["v1", "shipments", shipment_id, "events"], &[]);
        let reply = self.http.send::<()>(Method::GET, url, None, None).await?;
        if !reply.is_success() {
            return Err(reply.into_call_error());
        }
        raw_events(&reply.body)
    }

    #[tracing::instrument(skip_all, fields(
        partner = "transport",
        shipment_id = %shipment_id,
        reason = %reason,
        idempotency_key = %key,
    ))]
    async fn reschedule(
        &self,
        shipment_id: &str,
        window: &TimeWindow,
        reason: &str,
        key: &str,
    ) -> Result<Shipment, ShipmentError> {
        let body = json!({ "delivery_window": window, "reason": reason });
        let segments = ["v1", "shipments", shipment_id, "reschedule"];
        let shipment = self.post(&segments, Some(key), &body).await?;
        tracing::info!(status = %shipment.status, "shipment rescheduled");
        Ok(shipment)
    }

    #[tracing::instrument(skip_all, fields(partner = "transport", shipment_id = %shipment_id))]
    async fn cancel(&self, shipment_id: &str, reason: &str) -> Result<Shipment, ShipmentError> {
        let body = json!({ "reason": reason });
        let segments = ["v1", "shipments", shipment_id, "cancel"];
        let shipment = self.post(&segments, None, &body).await?;
        tracing::info!(status = %shipment.status, "shipment cancelled");
        Ok(shipment)
    }
}

/// Splits a `{"data": [Event, …]}` body into [`RawEvent`]s whose `body` is
/// the exact text the carrier sent for each event (no re-serialisation).
pub fn raw_events(body: &[u8]) -> Result<Vec<RawEvent>, CallError> {
    let mut cur = Cursor { body, pos: 0 };
    cur.expect(b'{')?;
    loop {
        let key: String = cur.value()?;
        cur.expect(b':')?;
        if key == "data" {
            return cur.events();
        }
        cur.value::<IgnoredAny>()?;
        cur.expect(b',')?;
    }
}

/// A read position in a JSON text; values are parsed by `serde_json`.
struct Cursor<'a> {
    body: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn skip_ws(&mut self) -> Option<u8> {
        while let Some(b) = self.body.get(self.pos) {
            if !b.is_ascii_whitespace() {
                return Some(*b);
            }
            self.pos += 1;
        }
        None
    }

    fn expect(&mut self, byte: u8) -> Result<(), CallError> {
        if self.skip_ws() != Some(byte) {
            return Err(bad_list(&format!("expected `{}`", char::from(byte))));
        }
        self.pos += 1;
        Ok(())
    }

    /// Parses the next value and moves past it.
    fn value<T: for<'de> Deserialize<'de>>(&mut self) -> Result<T, CallError> {
        let rest = self.body.get(self.pos..).unwrap_or_default();
        let mut stream = serde_json::Deserializer::from_slice(rest).into_iter::<T>();
        match stream.next() {
            Some(Ok(v)) => {
                self.pos += stream.byte_offset();
                Ok(v)
            }
            Some(Err(e)) => Err(bad_list(&e.to_string())),
            None => Err(bad_list("unexpected end")),
        }
    }

    /// The elements of the array at the cursor, each with its exact text.
    fn events(&mut self) -> Result<Vec<RawEvent>, CallError> {
        #[derive(Deserialize)]
        struct Head {
            id: String,
        }
        self.expect(b'[')?;
        let mut out = Vec::new();
        if self.skip_ws() == Some(b']') {
            return Ok(out);
        }
        loop {
            let start = self.skip_ws().map(|_| self.pos).unwrap_or(self.pos);
            let head: Head = self.value()?;
            let text = std::str::from_utf8(&self.body[start..self.pos])
                .map_err(|_| bad_list("event is not UTF-8"))?;
            out.push(RawEvent {
                id: head.id,
                body: text.to_owned(),
            });
            match self.skip_ws() {
                Some(b',') => self.pos += 1,
                Some(b']') => return Ok(out),
                _ => return Err(bad_list("expected `,` or `]` in data")),
            }
        }
    }
}

fn bad_list(what: &str) -> CallError {
    CallError::Refused {
        code: "invalid_response".into(),
        message: format!("events list breaks the contract: {what}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn raw_events_keep_the_exact_text_of_each_event() {
        let e1 =
            r#"{"type":"shipment.embarked","id":"evt_trn_1","data":{"sequence":1,"s":"a]\"}"}}"#;
        let e2 = r#"{ "id" : "evt_trn_2", "data": {"n": [1, 2.5e3]} }"#;
        let body = format!("{{\"has_more\": false, \"data\" : [ {e1},\n {e2} ], \"x\": 1}}");
        let events = raw_events(body.as_bytes()).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(
            (events[0].id.as_str(), events[0].body.as_str()),
            ("evt_trn_1", e1)
        );
        assert_eq!(
            (events[1].id.as_str(), events[1].body.as_str()),
            ("evt_trn_2", e2)
        );
        assert!(raw_events(br#"{"data": []}"#).unwrap().is_empty());
    }

    #[test]
    fn malformed_event_lists_are_refused_as_invalid_response() {
        for body in [
            &b"[]"[..],
            br#"{"items": []}"#,
            br#"{"data": [{"x": 1}]}"#,
            b"{\"data\": [{}",
        ] {
            let err = raw_events(body).unwrap_err();
            assert!(
                matches!(err, CallError::Refused { ref code, .. } if code == "invalid_response")
            );
        }
    }
}
