//! Formatting of UTC millisecond times for outputs.

use crate::model::TimeMs;
use chrono::{DateTime, Utc};

/// RFC 3339 UTC with milliseconds: `2024-06-30T23:30:00.000Z`.
pub fn rfc3339_ms(t: TimeMs) -> String {
    match DateTime::<Utc>::from_timestamp_millis(t) {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => "1970-01-01T00:00:00.000Z".to_string(),
    }
}

/// Human form for reports: `2024-06-30 23:30:00 UTC`.
pub fn human(t: TimeMs) -> String {
    match DateTime::<Utc>::from_timestamp_millis(t) {
        Some(dt) => dt.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        None => "?".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn formats_utc_with_millis() {
        assert_eq!(rfc3339_ms(1_719_790_200_000), "2024-06-30T23:30:00.000Z");
        assert_eq!(human(0), "1970-01-01 00:00:00 UTC");
    }
}
