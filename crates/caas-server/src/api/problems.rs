//! The error half of the OpenAPI document, written once: every operation
//! gets the RFC 9457 `application/problem+json` responses it can answer
//! (400/422 when it takes a body, 401/403 when it needs a token, 404 when
//! its path names a resource, 409 when it changes something, 503 always),
//! and any error response a path declared is served as problem+json. The
//! stable codes in `type` are the ones of [`crate::error::classify`].

use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder};
use utoipa::Modify;

/// Adds the problem responses to every operation.
pub struct ProblemResponses;

const PROBLEM_JSON: &str = "application/problem+json";

fn problem(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                PROBLEM_JSON,
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}

fn describe(code: u16) -> &'static str {
    match code {
        400 => "`/problems/bad_request`: the body is not JSON or not an object of the expected shape",
        401 => "`/problems/unauthenticated` or `invalid_credentials`: no valid bearer token",
        403 => "`/problems/forbidden`: the caller's role may not do this",
        404 => "`/problems/not_found`: no such resource for this caller (another customer's resources are not found either)",
        409 => "`/problems/conflict`: the resource is in a state that refuses this, or changed meanwhile",
        422 => "`/problems/validation_failed`: every invalid field listed in `errors[]` with its message",
        429 => "`/problems/too_many_attempts`: retry after `Retry-After` seconds",
        503 => "`/problems/overloaded` or `timed_out`: nothing was changed; retry after `Retry-After` seconds",
        _ => "An error, as problem+json",
    }
}

fn document(op: &mut Operation, path: &str, mutating: bool) {
    let mut codes = vec![503];
    if op.request_body.is_some() {
        codes.extend([400, 422]);
    }
    if op.security.is_some() {
        codes.extend([401, 403]);
    }
    if path.contains('{') {
        codes.push(404);
    }
    if mutating {
        codes.push(409);
    }
    let responses = &mut op.responses.responses;
    for (status, response) in responses.iter_mut() {
        let is_error = status.parse::<u16>().is_ok_and(|s| s >= 400);
        if let (true, RefOr::T(r)) = (is_error, response) {
            let schema = Some(Ref::from_schema_name("Problem"));
            r.content.clear();
            r.content.insert(
                PROBLEM_JSON.to_owned(),
                ContentBuilder::new().schema(schema).build(),
            );
        }
    }
    for code in codes {
        responses
            .entry(code.to_string())
            .or_insert_with(|| problem(describe(code)));
    }
}

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                (&mut item.get, false),
                (&mut item.post, true),
                (&mut item.put, true),
                (&mut item.patch, true),
                (&mut item.delete, true),
            ];
            for (op, mutating) in ops {
                if let Some(op) = op.as_mut() {
                    document(op, path, mutating);
                }
            }
        }
    }
}
