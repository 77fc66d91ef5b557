//! Request ids without a random draw per request: a random prefix chosen at
//! start, then a counter (`x-request-id` sent by a client is kept instead).

use axum::http::{HeaderValue, Request};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tower_http::request_id::{MakeRequestId, RequestId};

/// Makes `r<prefix>-<counter>` ids.
#[derive(Clone, Debug)]
pub struct CountingRequestId {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl Default for CountingRequestId {
    fn default() -> Self {
        Self {
            prefix: format!("r{}", &uuid::Uuid::new_v4().simple().to_string()[..8]).into(),
            next: Arc::default(),
        }
    }
}

impl MakeRequestId for CountingRequestId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n:x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}
