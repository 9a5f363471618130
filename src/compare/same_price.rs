//! `same-fill-price`: fills of several accounts at the same non-round price
//! in the same symbol within 15 minutes.
//!
//! Why: when one attacker drives many accounts into the same resting sell
//! orders, every victim's fills land on the same price levels (e.g.
//! 0.1237, 0.1291, …). Independent traders of a liquid symbol rarely share
//! a price with ≥ [`MIN_SIG_DIGITS`] significant digits in the same minutes.
//! False positives: two people trading the same liquid pair in the same
//! second; the campaign needs more than this finding.

use super::{clusters, finding, AccountSummary, WINDOW_MS};
use crate::decimal::Dec;
use crate::detect::finding::{Evidence, Finding, Severity, Statistic};
use crate::timefmt::human;
use std::collections::{BTreeMap, BTreeSet};

pub const DETECTOR: &str = "same-fill-price";
/// A price is non-round when it has at least this many significant digits.
pub const MIN_SIG_DIGITS: u32 = 4;

/// Significant digits of a decimal (trailing zeros dropped); 0 for zero.
pub fn sig_digits(v: Dec) -> u32 {
    let mut r = v.raw().unsigned_abs();
    if r == 0 {
        return 0;
    }
    while r % 10 == 0 {
        r /= 10;
    }
    r.ilog10() + 1
}

/// One price shared by ≥ 2 accounts in one symbol and window.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedPrice {
    pub symbol: String,
    pub price: Dec,
    pub start: i64,
    pub end: i64,
    pub accounts: BTreeSet<String>,
    /// (account, fill), sorted by time.
    pub fills: Vec<(String, Evidence)>,
}

/// Every shared price, sorted by (symbol, start, price).
pub fn shared(accounts: &[AccountSummary]) -> Vec<SharedPrice> {
    let mut by_key: BTreeMap<(&str, Dec), Vec<(&str, &Evidence)>> = BTreeMap::new();
    for a in accounts {
        for e in &a.fills {
            if let (Some(sym), Some(p)) = (&e.symbol, e.price) {
                if sig_digits(p) >= MIN_SIG_DIGITS {
                    by_key
                        .entry((sym.as_str(), p))
                        .or_default()
                        .push((a.account.as_str(), e));
                }
            }
        }
    }
    let mut out = Vec::new();
    for ((symbol, price), mut fills) in by_key {
        let distinct: BTreeSet<&str> = fills.iter().map(|f| f.0).collect();
        if distinct.len() < 2 {
            continue;
        }
        fills.sort_by(|x, y| (x.1.time, x.0, &x.1.origin).cmp(&(y.1.time, y.0, &y.1.origin)));
        let times: Vec<i64> = fills.iter().map(|f| f.1.time).collect();
        for r in clusters(&times, WINDOW_MS) {
            let part = &fills[r];
            let accounts: BTreeSet<String> = part.iter().map(|f| f.0.to_string()).collect();
            if accounts.len() < 2 {
                continue;
            }
            out.push(SharedPrice {
                symbol: symbol.to_string(),
                price,
                start: part[0].1.time,
                end: part[part.len() - 1].1.time,
                accounts,
                fills: part
                    .iter()
                    .map(|f| (f.0.to_string(), f.1.clone()))
                    .collect(),
            });
        }
    }
    out.sort_by(|a, b| (&a.symbol, a.start, a.price).cmp(&(&b.symbol, b.start, b.price)));
    out
}

/// Shared prices of one symbol grouped into windows (start gaps ≤ 15 min).
pub fn windows(shared: &[SharedPrice]) -> Vec<Vec<&SharedPrice>> {
    let mut out: Vec<Vec<&SharedPrice>> = Vec::new();
    for s in shared {
        match out.last_mut() {
            Some(w)
                if w[0].symbol == s.symbol
                    && s.start <= w.iter().map(|x| x.end).max().unwrap_or(0) + WINDOW_MS =>
            {
                w.push(s)
            }
            _ => out.push(vec![s]),
        }
    }
    out
}

pub fn detect(accounts: &[AccountSummary]) -> Vec<Finding> {
    let all = shared(accounts);
    windows(&all)
        .into_iter()
        .map(|w| {
            let accs: BTreeSet<String> = w.iter().flat_map(|s| s.accounts.clone()).collect();
            let start = w.iter().map(|s| s.start).min().unwrap_or(0);
            let end = w.iter().map(|s| s.end).max().unwrap_or(0);
            let prices: Vec<String> = w.iter().take(5).map(|s| s.price.to_string()).collect();
            let more = if w.len() > 5 { ", …" } else { "" };
            let mut f = finding(
                DETECTOR,
                Severity::Low,
                &accs,
                start,
                end,
                vec![w[0].symbol.clone()],
                w.iter().flat_map(|s| s.fills.iter().map(|f| f.1.clone())).collect(),
                format!(
                    "{} accounts were filled at {} identical non-round {} price(s) ({}{more}) between {} and {}: \
                     the same resting orders filled them.",
                    accs.len(),
                    w.len(),
                    w[0].symbol,
                    prices.join(", "),
                    human(start),
                    human(end)
                ),
            );
            f.statistic = Some(Statistic {
                name: "shared_prices".into(),
                value: Some(w.len() as f64),
                threshold: Some(1.0),
                p_value: None,
            });
            f
        })
        .collect()
}
