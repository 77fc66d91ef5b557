//! Store conformance: sessions (owner scoping, liveness, revocation), single-use
//! account tokens and login-attempt counting.

mod login_attempts;
mod lookup;
mod revocation;
mod tokens;

use crate::fixtures::*;
use caas_domain::ids::{AccountTokenId, SessionId};
use caas_domain::ports::*;
use caas_domain::session::{Session, SessionKind, TokenPurpose};
use caas_store_tests::fresh_store;
use chrono::Duration;

fn ids(v: Vec<Session>) -> Vec<SessionId> {
    v.into_iter().map(|s| s.id).collect()
}
