//! `co-timed-entry`: several accounts buy a symbol for the first time in
//! their history within 15 minutes of each other.
//!
//! Why: a takeover campaign drives every victim into the same thin token
//! in the same minutes; ordinary users discover a token on different days.
//! Only first entries after at least [`MIN_HISTORY_MS`] of history count, so
//! the first trades at the start of an export are not "new" symbols.
//! False positives: a listing or a pump that many users chase at once (the
//! campaign needs more than this finding; see `campaign`).

use super::{clusters, finding, AccountSummary, FirstEntry, WINDOW_MS};
use crate::detect::finding::{Finding, Severity, Statistic};
use crate::model::Side;
use crate::timefmt::human;
use std::collections::{BTreeMap, BTreeSet};

pub const DETECTOR: &str = "co-timed-entry";
/// History an account must have before a first entry for it to count (24 h).
pub const MIN_HISTORY_MS: i64 = 86_400_000;

/// One co-timed group: the symbol and each account's first fill.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryGroup<'a> {
    pub symbol: String,
    pub entries: Vec<(&'a str, &'a FirstEntry)>,
}

impl EntryGroup<'_> {
    pub fn start(&self) -> i64 {
        self.entries.iter().map(|e| e.1.time).min().unwrap_or(0)
    }
    pub fn end(&self) -> i64 {
        self.entries.iter().map(|e| e.1.time).max().unwrap_or(0)
    }
    pub fn accounts(&self) -> BTreeSet<String> {
        self.entries.iter().map(|e| e.0.to_string()).collect()
    }
}

/// The groups of ≥ 2 accounts, sorted by (start, symbol).
pub fn groups(accounts: &[AccountSummary]) -> Vec<EntryGroup<'_>> {
    let mut by_symbol: BTreeMap<&str, Vec<(&str, &FirstEntry)>> = BTreeMap::new();
    for a in accounts {
        for e in &a.first_entries {
            if e.side == Side::Buy && e.history_before >= MIN_HISTORY_MS {
                by_symbol
                    .entry(e.symbol.as_str())
                    .or_default()
                    .push((a.account.as_str(), e));
            }
        }
    }
    let mut out = Vec::new();
    for (symbol, mut entries) in by_symbol {
        entries.sort_by(|x, y| (x.1.time, x.0).cmp(&(y.1.time, y.0)));
        let times: Vec<i64> = entries.iter().map(|e| e.1.time).collect();
        for r in clusters(&times, WINDOW_MS) {
            if r.len() >= 2 {
                out.push(EntryGroup {
                    symbol: symbol.to_string(),
                    entries: entries[r].to_vec(),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.start(), &a.symbol).cmp(&(b.start(), &b.symbol)));
    out
}

pub fn detect(accounts: &[AccountSummary]) -> Vec<Finding> {
    groups(accounts)
        .iter()
        .map(|g| {
            let n = g.entries.len();
            let mut f = finding(
                DETECTOR,
                Severity::Medium,
                &g.accounts(),
                g.start(),
                g.end(),
                vec![g.symbol.clone()],
                g.entries.iter().map(|e| e.1.evidence.clone()).collect(),
                format!(
                    "{n} accounts bought {} for the first time in their history within {} s of each other ({} – {}); \
                     independent users rarely discover the same symbol in the same minutes.",
                    g.symbol,
                    (g.end() - g.start()) / 1000,
                    human(g.start()),
                    human(g.end())
                ),
            );
            f.statistic = Some(Statistic {
                name: "accounts".into(),
                value: Some(n as f64),
                threshold: Some(2.0),
                p_value: None,
            });
            f
        })
        .collect()
}
