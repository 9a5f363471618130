//! Cross-account detectors (DETECTORS.md, "Cross-account").
//!
//! `compare` streams accounts through the single-account analysis and keeps
//! only an [`AccountSummary`] of each: verdict, loss, incident windows, the
//! first fill of every symbol, the fills inside suspicious windows, and the
//! transfers that carry an address or TXID. The detectors below join these
//! summaries; memory is bounded by the largest account's analysis plus the
//! small summaries. Plain data only (no polars types).

pub mod burst_sync;
pub mod campaign;
pub mod counterparty;
pub mod first_entry;
pub mod same_price;
pub mod shared_transfer;
pub mod summary;

#[cfg(test)]
mod tests;

pub use campaign::{Campaign, CampaignMember};
pub use summary::{AccountSummary, FirstEntry};

use crate::detect::finding::{Evidence, Finding, Severity};
use crate::model::TimeMs;
use std::collections::BTreeSet;

/// Co-timed window of the cross-account joins (DETECTORS.md: 15 min).
pub const WINDOW_MS: TimeMs = 15 * 60_000;

/// Everything the cross-account stage concludes.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareResult {
    /// Sorted by account id.
    pub accounts: Vec<AccountSummary>,
    /// Cross-account findings, numbered `<detector>-NNN` in time order.
    pub findings: Vec<Finding>,
    /// One per symbol and window; sorted by start.
    pub campaigns: Vec<Campaign>,
}

/// Run every cross-account detector over the summaries.
pub fn run(mut accounts: Vec<AccountSummary>) -> CompareResult {
    accounts.sort_by(|a, b| a.account.cmp(&b.account));
    let mut findings = Vec::new();
    findings.extend(first_entry::detect(&accounts));
    findings.extend(same_price::detect(&accounts));
    findings.extend(counterparty::detect(&accounts));
    findings.extend(burst_sync::detect(&accounts));
    findings.extend(shared_transfer::detect(&accounts));
    number(&mut findings);
    let mut campaigns = campaign::detect(&accounts, &findings);
    for (i, c) in campaigns.iter_mut().enumerate() {
        c.finding.id = format!("{}-{:03}", campaign::DETECTOR, i + 1);
    }
    findings.extend(campaigns.iter().map(|c| c.finding.clone()));
    CompareResult {
        accounts,
        findings,
        campaigns,
    }
}

/// Sort in a total order and number per detector: `<detector>-NNN`.
fn number(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            a.start,
            &a.detector,
            a.end,
            &a.account,
            &a.symbols,
            &a.explanation,
        )
            .cmp(&(
                b.start,
                &b.detector,
                b.end,
                &b.account,
                &b.symbols,
                &b.explanation,
            ))
    });
    let mut counters: std::collections::BTreeMap<String, usize> = Default::default();
    for f in findings.iter_mut() {
        let n = counters.entry(f.detector.clone()).or_default();
        *n += 1;
        f.id = format!("{}-{:03}", f.detector, n);
    }
}

/// The comma-separated sorted account list of a cross-account finding.
pub fn account_list<'a>(ids: impl IntoIterator<Item = &'a str>) -> String {
    let set: BTreeSet<&str> = ids.into_iter().collect();
    set.into_iter().collect::<Vec<_>>().join(",")
}

/// A cross-account finding with the common fields filled in.
#[allow(clippy::too_many_arguments)]
pub fn finding(
    detector: &str,
    severity: Severity,
    accounts: &BTreeSet<String>,
    start: TimeMs,
    end: TimeMs,
    symbols: Vec<String>,
    mut evidence: Vec<Evidence>,
    explanation: String,
) -> Finding {
    evidence.sort();
    evidence.dedup();
    Finding {
        id: String::new(),
        detector: detector.to_string(),
        severity,
        account: account_list(accounts.iter().map(String::as_str)),
        start,
        end,
        symbols,
        assets: Vec::new(),
        addresses: Vec::new(),
        txids: Vec::new(),
        value: None,
        statistic: None,
        evidence,
        explanation,
    }
}

/// Groups time-sorted items into clusters whose consecutive gaps are at
/// most `gap` ms (single linkage). Returns index ranges.
pub fn clusters(times: &[TimeMs], gap: TimeMs) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=times.len() {
        if i == times.len() || times[i] - times[i - 1] > gap {
            if i > start {
                out.push(start..i);
            }
            start = i;
        }
    }
    out
}
