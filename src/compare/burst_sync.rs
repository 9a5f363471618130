//! `burst-synchrony`: the single-account `burst` findings of several
//! accounts overlap in time.
//!
//! Why: one operator driving many keys trades them in the same minutes.
//! Overlap is taken pairwise and chained: accounts whose burst intervals
//! overlap (directly or through another account) form one group.
//! False positives: market-wide events (a crash) make many users trade at
//! once; the campaign needs more than this finding.

use super::{finding, AccountSummary};
use crate::detect::finding::{Finding, Severity, Statistic};
use crate::timefmt::human;
use std::collections::BTreeSet;

pub const DETECTOR: &str = "burst-synchrony";

pub fn detect(accounts: &[AccountSummary]) -> Vec<Finding> {
    // (start, end, account), sorted; chain overlapping intervals.
    let mut iv: Vec<(i64, i64, &str)> = accounts
        .iter()
        .flat_map(|a| {
            a.finding_windows
                .iter()
                .filter(|w| w.0 == "burst")
                .map(move |w| (w.1, w.2, a.account.as_str()))
        })
        .collect();
    iv.sort();
    let mut groups: Vec<Vec<(i64, i64, &str)>> = Vec::new();
    for x in iv {
        match groups.last_mut() {
            Some(g) if x.0 <= g.iter().map(|y| y.1).max().unwrap_or(i64::MIN) => g.push(x),
            _ => groups.push(vec![x]),
        }
    }
    groups
        .into_iter()
        .filter_map(|g| {
            let accs: BTreeSet<String> = g.iter().map(|x| x.2.to_string()).collect();
            if accs.len() < 2 {
                return None;
            }
            let start = g.iter().map(|x| x.0).min().unwrap_or(0);
            let end = g.iter().map(|x| x.1).max().unwrap_or(0);
            // Common core: latest start to earliest end (may be empty when chained).
            let core =
                g.iter().map(|x| x.1).min().unwrap_or(0) - g.iter().map(|x| x.0).max().unwrap_or(0);
            let mut f = finding(
                DETECTOR,
                Severity::Low,
                &accs,
                start,
                end,
                Vec::new(),
                Vec::new(),
                format!(
                    "Order bursts of {} accounts overlap between {} and {}.",
                    accs.len(),
                    human(start),
                    human(end)
                ),
            );
            f.statistic = Some(Statistic {
                name: "common_overlap_seconds".into(),
                value: Some((core.max(0) / 1000) as f64),
                threshold: None,
                p_value: None,
            });
            Some(f)
        })
        .collect()
}
