//! Who is acting and from where, carried into audit entries.

/// Correlation data of the request or job driving a use case.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// `X-Request-Id` of the request (or job id).
    pub request_id: Option<String>,
    /// Client address.
    pub ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
}

impl RequestContext {
    /// Context for command-line actions.
    pub fn cli() -> Self {
        Self {
            request_id: Some(format!("cli-{}", crate::secrets::random_token(8))),
            ip: None,
            user_agent: Some("caas-cli".into()),
        }
    }
}
