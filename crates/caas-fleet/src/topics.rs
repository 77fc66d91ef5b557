//! Topic names of the fleet contract (`fleet/v1/{vin}/…`) and their parsing.
//! The `{vin}` in the topic is authoritative.

/// Largest payload the contract allows (16 KiB).
pub const MAX_PAYLOAD: usize = 16 * 1024;

/// The filters the platform subscribes to (QoS 1).
pub const PLATFORM_FILTERS: [&str; 3] = [
    "fleet/v1/+/replies",
    "fleet/v1/+/state",
    "fleet/v1/+/presence",
];

/// The last level of a fleet topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    /// `commands` (platform → vehicle).
    Commands,
    /// `replies` (vehicle → platform).
    Replies,
    /// `state` (retained state reports).
    State,
    /// `presence` (retained presence, also the last will).
    Presence,
}

impl Leaf {
    /// The topic level name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commands => "commands",
            Self::Replies => "replies",
            Self::State => "state",
            Self::Presence => "presence",
        }
    }
}

/// `fleet/v1/{vin}/{leaf}`.
pub fn topic(vin: &str, leaf: Leaf) -> String {
    format!("fleet/v1/{vin}/{}", leaf.as_str())
}

/// `fleet/v1/{vin}/commands`.
pub fn commands(vin: &str) -> String {
    topic(vin, Leaf::Commands)
}

/// `fleet/v1/{vin}/replies`.
pub fn replies(vin: &str) -> String {
    topic(vin, Leaf::Replies)
}

/// `fleet/v1/{vin}/state`.
pub fn state(vin: &str) -> String {
    topic(vin, Leaf::State)
}

/// `fleet/v1/{vin}/presence`.
pub fn presence(vin: &str) -> String {
    topic(vin, Leaf::Presence)
}

/// Whether `vin` can stand as one topic level (non-empty, no `/`, `+`, `#`,
/// no control characters, at most 64 bytes).
pub fn is_valid_vin_level(vin: &str) -> bool {
    !vin.is_empty()
        && vin.len() <= 64
        && !vin
            .chars()
            .any(|c| matches!(c, '/' | '+' | '#') || c.is_control())
}

/// Splits `fleet/v1/{vin}/{leaf}`; `None` for any other topic.
pub fn parse(topic: &str) -> Option<(&str, Leaf)> {
    let mut parts = topic.split('/');
    let (Some("fleet"), Some("v1"), Some(vin), Some(leaf), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    if !is_valid_vin_level(vin) {
        return None;
    }
    let leaf = match leaf {
        "commands" => Leaf::Commands,
        "replies" => Leaf::Replies,
        "state" => Leaf::State,
        "presence" => Leaf::Presence,
        _ => return None,
    };
    Some((vin, leaf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for leaf in [Leaf::Commands, Leaf::Replies, Leaf::State, Leaf::Presence] {
            let t = topic("VSSZZZ5FZR6000123", leaf);
            assert_eq!(parse(&t), Some(("VSSZZZ5FZR6000123", leaf)));
        }
        assert_eq!(replies("V1"), "fleet/v1/V1/replies");
        assert_eq!(parse("fleet/v1//state"), None);
        assert_eq!(parse("fleet/v2/V1/state"), None);
        assert_eq!(parse("fleet/v1/V1/state/x"), None);
        assert_eq!(parse("fleet/v1/V1/other"), None);
        assert!(!is_valid_vin_level("a+b"));
        assert!(!is_valid_vin_level(""));
    }
}
