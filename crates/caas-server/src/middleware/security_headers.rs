//! Security headers on every response, HSTS included when the site is
//! reached over HTTPS (served here, or `public_url` is https behind a proxy).
//! Frames may come only from the payment gateway's origin (its hosted card
//! fields, PAY-1); without a gateway, from nowhere.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Content Security Policy for our pages: everything from self, no framing
/// of us; [`Headers::new`] adds the `frame-src` of the gateway.
pub const CSP: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The bundled Swagger UI sets inline styles; its scripts are files we serve.
const CSP_DOCS: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// `Strict-Transport-Security`: one year, subdomains left to the operator.
pub const HSTS: &str = "max-age=31536000";

/// What the layer sends, computed once at start.
#[derive(Debug, Clone)]
pub struct Headers {
    /// Send HSTS.
    pub hsts: bool,
    /// The pages' CSP with its `frame-src`.
    pub csp: HeaderValue,
}

impl Headers {
    /// The headers for a gateway at `frame_origin` (an origin already
    /// checked by the configuration; anything unsafe allows no frames).
    pub fn new(hsts: bool, frame_origin: Option<&str>) -> Self {
        let frame = frame_origin.unwrap_or("'none'");
        let csp = HeaderValue::from_str(&format!("{CSP}; frame-src {frame}"))
            .unwrap_or_else(|_| HeaderValue::from_static(CSP_NO_FRAMES));
        Self { hsts, csp }
    }
}

const CSP_NO_FRAMES: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; frame-src 'none'";

/// Adds CSP, nosniff, Referrer-Policy and framing protection, and HSTS when `hsts`.
pub async fn add(State(headers): State<Headers>, req: Request, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/api/docs");
    let mut resp = next.run(req).await;
    let hsts = headers.hsts;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        if docs {
            HeaderValue::from_static(CSP_DOCS)
        } else {
            headers.csp
        },
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    resp
}
