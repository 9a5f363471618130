//! `counterparty`: two accounts on opposite sides of the same trade (same
//! symbol and trade id, one BUY and one SELL).
//!
//! Why: Binance gives both sides of a trade the same trade id, so where
//! exports carry trade ids, a victim's fills can be joined to the account
//! that sold to it. A suspect account's export (`--suspect DIR`, all of its
//! fills kept) joined against the victims' fills names the receiving side
//! of the campaign. Severity is high when one side is a suspect.
//! False positives: none for the match itself (ids are exchange-assigned);
//! two friends trading with each other is still a true match.

use super::{finding, AccountSummary};
use crate::detect::finding::{Evidence, Finding, Severity, Statistic};
use crate::timefmt::human;
use std::collections::{BTreeMap, BTreeSet};

pub const DETECTOR: &str = "counterparty";

pub fn detect(accounts: &[AccountSummary]) -> Vec<Finding> {
    let mut by_trade: BTreeMap<(&str, &str), Vec<(&str, &Evidence)>> = BTreeMap::new();
    for a in accounts {
        for e in &a.fills {
            if let (Some(sym), Some(id)) = (&e.symbol, &e.trade_id) {
                by_trade
                    .entry((sym.as_str(), id.as_str()))
                    .or_default()
                    .push((a.account.as_str(), e));
            }
        }
    }
    let suspects: BTreeSet<&str> = accounts
        .iter()
        .filter(|a| a.suspect)
        .map(|a| a.account.as_str())
        .collect();
    // (symbol, buyer, seller) → matched fills.
    let mut pairs: BTreeMap<(&str, &str, &str), Vec<&Evidence>> = BTreeMap::new();
    for (&(symbol, _), fills) in &by_trade {
        for &(ba, be) in fills.iter().filter(|f| f.1.side.as_deref() == Some("BUY")) {
            for &(sa, se) in fills.iter().filter(|f| f.1.side.as_deref() == Some("SELL")) {
                if ba != sa {
                    let v = pairs.entry((symbol, ba, sa)).or_default();
                    v.push(be);
                    v.push(se);
                }
            }
        }
    }
    pairs
        .into_iter()
        .map(|((symbol, buyer, seller), ev)| {
            let start = ev.iter().map(|e| e.time).min().unwrap_or(0);
            let end = ev.iter().map(|e| e.time).max().unwrap_or(0);
            let trades = ev.len() / 2;
            let suspect = suspects.contains(buyer) || suspects.contains(seller);
            let accs: BTreeSet<String> = [buyer.to_string(), seller.to_string()].into();
            let mut f = finding(
                DETECTOR,
                if suspect { Severity::High } else { Severity::Medium },
                &accs,
                start,
                end,
                vec![symbol.to_string()],
                ev.into_iter().cloned().collect(),
                format!(
                    "{seller}{} sold {symbol} to {buyer}{} in {trades} trade(s) with the same trade ids \
                     between {} and {}.",
                    if suspects.contains(seller) { " (suspect)" } else { "" },
                    if suspects.contains(buyer) { " (suspect)" } else { "" },
                    human(start),
                    human(end)
                ),
            );
            f.statistic = Some(Statistic {
                name: "matched_trades".into(),
                value: Some(trades as f64),
                threshold: Some(1.0),
                p_value: None,
            });
            f
        })
        .collect()
}
