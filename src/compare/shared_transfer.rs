//! `shared-address` / `shared-txid`: several accounts withdraw to the same
//! external address, or a TXID appears in more than one account (one
//! account's withdrawal is another's deposit, or the same on-chain batch).
//!
//! Why: a campaign's proceeds converge on the attacker's wallet.
//! False positives: family members or one person's several accounts paying
//! the same wallet; a custodial deposit address reused by an exchange.

use super::{finding, AccountSummary};
use crate::detect::finding::{Evidence, Finding, Severity};
use crate::timefmt::human;
use std::collections::{BTreeMap, BTreeSet};

pub const ADDRESS: &str = "shared-address";
pub const TXID: &str = "shared-txid";

pub fn detect(accounts: &[AccountSummary]) -> Vec<Finding> {
    let mut by_addr: BTreeMap<&str, Vec<(&str, &Evidence)>> = BTreeMap::new();
    let mut by_txid: BTreeMap<&str, Vec<(&str, &Evidence)>> = BTreeMap::new();
    for a in accounts {
        for e in &a.transfers {
            if let (Some(addr), Some("withdrawal")) = (&e.address, e.side.as_deref()) {
                by_addr
                    .entry(addr.as_str())
                    .or_default()
                    .push((a.account.as_str(), e));
            }
            if let Some(tx) = &e.txid {
                by_txid
                    .entry(tx.as_str())
                    .or_default()
                    .push((a.account.as_str(), e));
            }
        }
    }
    let mut out = Vec::new();
    for (kind, map) in [(ADDRESS, by_addr), (TXID, by_txid)] {
        for (key, rows) in map {
            let accs: BTreeSet<String> = rows.iter().map(|r| r.0.to_string()).collect();
            if accs.len() < 2 {
                continue;
            }
            let start = rows.iter().map(|r| r.1.time).min().unwrap_or(0);
            let end = rows.iter().map(|r| r.1.time).max().unwrap_or(0);
            let what = if kind == ADDRESS {
                format!("withdrew to the same address {key}")
            } else {
                format!("share the transaction {key}")
            };
            let mut f = finding(
                kind,
                Severity::Medium,
                &accs,
                start,
                end,
                Vec::new(),
                rows.iter().map(|r| r.1.clone()).collect(),
                format!(
                    "{} accounts {what} ({} – {}).",
                    accs.len(),
                    human(start),
                    human(end)
                ),
            );
            if kind == ADDRESS {
                f.addresses = vec![key.to_string()];
            } else {
                f.txids = vec![key.to_string()];
            }
            let assets: BTreeSet<String> = rows.iter().filter_map(|r| r.1.asset.clone()).collect();
            f.assets = assets.into_iter().collect();
            out.push(f);
        }
    }
    out
}
