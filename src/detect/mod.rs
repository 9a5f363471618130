//! Single-account detectors. Each detector is one file with a doc comment
//! (what, why, source, false positives); thresholds live in `config`
//! (embedded `defaults.toml`, overridable).
//!
//! `run` builds the shared context (orders, holdings), runs every detector,
//! numbers the findings in time order (`<detector>-NNN`), groups them into
//! incidents (`INC-NNN`), estimates the loss and decides the verdict.

pub mod allow;
pub mod burst;
pub mod config;
pub mod ctx;
pub mod finding;
pub mod first_seen;
pub mod funding_context;
pub mod holdings;
pub mod incident;
pub mod liquidate_concentrate;
pub mod loss;
pub mod orders;
pub mod overpay;
pub mod prices;
pub mod reference;
pub mod round_trip;
pub mod rules;
pub mod self_trade;
pub mod size_pattern;
pub mod util;
pub mod withdrawal_sweep;

#[cfg(test)]
pub mod testkit;
#[cfg(test)]
mod tests;

pub use config::DetectConfig;

use crate::model::Account;
use finding::{Detection, Finding, Severity, Verdict};
use std::collections::BTreeMap;
use util::Flagged;

/// Run every single-account detector on `account`.
pub fn run(account: &Account, cfg: &DetectConfig) -> Detection {
    let filtered;
    let account = if cfg.allow.symbols.is_empty() {
        account
    } else {
        filtered = allow::without_symbols(account, &cfg.allow.symbols);
        &filtered
    };
    let ctx = ctx::Ctx::new(account, cfg);
    let mut found: Vec<Flagged> = Vec::new();
    found.extend(burst::detect(&ctx));
    found.extend(liquidate_concentrate::detect(&ctx));
    found.extend(overpay::detect(&ctx));
    found.extend(round_trip::detect(&ctx));
    found.extend(first_seen::detect(&ctx));
    found.extend(size_pattern::detect(&ctx));
    found.extend(self_trade::detect(&ctx));
    found.extend(withdrawal_sweep::detect(&ctx));
    let context = funding_context::detect(&ctx, &found);
    found.extend(context);
    number(&mut found);
    let incidents = incident::group(&ctx, &mut found);
    let loss = loss::estimate(&ctx, &found, &incidents);
    let verdict = match incidents.iter().map(|i| i.severity).max() {
        Some(Severity::High) => Verdict::Compromised,
        Some(Severity::Medium) => Verdict::Suspicious,
        _ => Verdict::Clean,
    };
    Detection {
        verdict,
        findings: found.into_iter().map(|f| f.finding).collect(),
        incidents,
        loss,
    }
}

/// Total order of findings before ids exist: time, detector, then content.
fn order_key(f: &Finding) -> (i64, &str, i64, Option<&crate::model::Origin>, &str) {
    (
        f.start,
        f.detector.as_str(),
        f.end,
        f.evidence.first().map(|e| &e.origin),
        f.explanation.as_str(),
    )
}

/// Sort by (start, detector, …) and number per detector in that order.
fn number(found: &mut [Flagged]) {
    found.sort_by(|a, b| order_key(&a.finding).cmp(&order_key(&b.finding)));
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for f in found.iter_mut() {
        let n = counts.entry(f.finding.detector.clone()).or_insert(0);
        *n += 1;
        f.finding.id = format!("{}-{:03}", f.finding.detector, n);
    }
}
