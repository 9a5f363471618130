//! `self-trade`: buy and sell of the same symbol, equal quantity and price,
//! in the same second.
//!
//! What: pairs of fills (one buy, one sell, each used once) of one symbol
//! with the same second, price and quantity; pairs within one hour of the
//! first pair form one finding: `low` for one pair, `medium` from 2 pairs.
//! The explanation reports the volume against the net position change (0).
//! Why: an account trading against itself moves no position but pays fees
//! and prints volume — wash trading with a stolen key, or to move value
//! through a thin book (DETECTORS.md; case 38).
//! False positives: rare since self-trade prevention (2023); old histories,
//! sub-accounts, a grid bot whose buy and sell orders meet.

use super::ctx::Ctx;
use super::finding::Severity;
use super::util::{amt, fill_evidence, finding, stat, Flagged};
use crate::decimal::Dec;
use crate::model::{Side, TimeMs};
use crate::timefmt::human;
use std::collections::BTreeMap;

/// (time, buy fill, sell fill)
type Pair = (TimeMs, usize, usize);

/// All buy/sell pairs per symbol, each in time order.
fn pairs(ctx: &Ctx) -> BTreeMap<String, Vec<Pair>> {
    let fills = &ctx.account.fills;
    let mut groups: BTreeMap<(&str, i64), Vec<usize>> = BTreeMap::new();
    for (i, f) in fills
        .iter()
        .enumerate()
        .filter(|(_, f)| f.qty.is_positive())
    {
        groups
            .entry((f.symbol.as_str(), f.time.div_euclid(1000)))
            .or_default()
            .push(i);
    }
    let mut out: BTreeMap<String, Vec<Pair>> = BTreeMap::new();
    for ((sym, _), mut idx) in groups {
        idx.sort_by(|&a, &b| {
            (fills[a].time, &fills[a].origin).cmp(&(fills[b].time, &fills[b].origin))
        });
        let mut used = vec![false; idx.len()];
        for a in 0..idx.len() {
            let fa = &fills[idx[a]];
            if used[a] || fa.side != Side::Buy {
                continue;
            }
            let hit = (0..idx.len()).find(|&b| {
                let fb = &fills[idx[b]];
                !used[b] && fb.side == Side::Sell && fb.price == fa.price && fb.qty == fa.qty
            });
            if let Some(b) = hit {
                used[a] = true;
                used[b] = true;
                let t = fa.time.min(fills[idx[b]].time);
                out.entry(sym.to_string())
                    .or_default()
                    .push((t, idx[a], idx[b]));
            }
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

pub fn detect(ctx: &Ctx) -> Vec<Flagged> {
    let cfg = &ctx.cfg.self_trade;
    let fills = &ctx.account.fills;
    let window = i64::from(cfg.window_s) * 1000;
    let mut out = Vec::new();
    for (sym, ps) in pairs(ctx) {
        let mut s = 0;
        while s < ps.len() {
            let mut e = s + 1;
            while e < ps.len() && ps[e].0 < ps[s].0 + window {
                e += 1;
            }
            let group = &ps[s..e];
            s = e;
            let n = group.len();
            let severity = if n >= cfg.medium_pairs as usize {
                Severity::Medium
            } else {
                Severity::Low
            };
            let base_vol: Dec = group.iter().map(|&(_, b, _)| fills[b].qty).sum();
            let quote_vol: Dec = group.iter().map(|&(_, b, _)| fills[b].quote_qty).sum();
            let f0 = &fills[group[0].1];
            let evidence = group
                .iter()
                .flat_map(|&(_, b, s)| [fill_evidence(&fills[b]), fill_evidence(&fills[s])])
                .collect();
            let mut f = finding(
                "self-trade",
                severity,
                &ctx.account.id,
                evidence,
                Some((f0.quote.to_string(), quote_vol)),
                Some(stat(
                    "self_trade_pairs",
                    n as f64,
                    Some(f64::from(cfg.medium_pairs)),
                    None,
                )),
                String::new(),
            );
            f.explanation = format!(
                "{n} buy/sell pair(s) of {sym} with equal price and quantity in the same second, \
                 between {} and {}: {} {} bought and sold ({} {} each way) for a net position \
                 change of 0.",
                human(f.start),
                human(f.end),
                amt(base_vol),
                f0.base,
                amt(quote_vol),
                f0.quote,
            );
            f.assets = vec![f0.base.to_string(), f0.quote.to_string()];
            f.assets.sort();
            out.push(Flagged {
                finding: f,
                targets: Vec::new(),
                sweep: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::testkit::{d, t, AccountBuilder};

    #[test]
    fn case_38_two_pairs_within_an_hour_are_medium() {
        // the rows of cases/files/38-self-trade-wash-pattern.csv
        let a = AccountBuilder::new("a")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1", "1000")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "SELL", "1", "1000")
            .fill(t(0, 10, 0, 5), "XYZ/USDT", "BUY", "1", "1000")
            .fill(t(0, 10, 0, 5), "XYZ/USDT", "SELL", "1", "1000")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        assert_eq!(f.severity, Severity::Medium);
        assert_eq!(f.statistic.as_ref().unwrap().value, Some(2.0));
        // 2 pairs x 1000 XYZ at 1 = 2000 USDT each way
        assert_eq!(f.value, Some(("USDT".to_string(), d("2000"))));
        assert_eq!(f.evidence.len(), 4);
        assert!(f.explanation.contains("net position change of 0"));
    }

    #[test]
    fn one_pair_is_low_and_unequal_fills_are_nothing() {
        let a = AccountBuilder::new("a")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1", "1000")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "SELL", "1", "1000")
            // 2 h later: a separate window; unequal quantity: no pair
            .fill(t(0, 12, 0, 0), "XYZ/USDT", "BUY", "1", "1000")
            .fill(t(0, 12, 0, 0), "XYZ/USDT", "SELL", "1", "999")
            // equal but one second apart: not the same second
            .fill(t(0, 13, 0, 0), "XYZ/USDT", "BUY", "1", "5")
            .fill(t(0, 13, 0, 1), "XYZ/USDT", "SELL", "1", "5")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.severity, Severity::Low);
        assert_eq!(found[0].finding.start, t(0, 10, 0, 0));
    }
}
