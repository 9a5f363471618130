//! `liquidate-concentrate`: signature A+B of a trade-only key theft.
//!
//! What: within one window (60 min) at least 3 distinct assets are sold into
//! one quote asset, the median share of each holding sold is ≥ 0.9, and
//! ≥ 0.8 of that quote (received in the window + held before) is spent
//! buying one symbol. Holding = the Spot running balance in the ledger just
//! before the asset's first sale in the window; where the ledger has none,
//! the account's net bought − sold from its fills before; where neither
//! knows, the share is taken as 1 and the explanation says so. Sales of the
//! target itself (a dump after the pump) are evidence, not part of the
//! liquidation. Value = the quote spent on that symbol.
//! Why: with a trade-only key the thief can only move value through trades:
//! everything is sold into one quote asset and poured into a thin token
//! where the thief's own orders wait (DETECTORS.md signatures A and B;
//! VIA/BTC 2018, SYS/BTC 2018).
//! False positives: a deliberate rotation of the whole portfolio into one
//! coin; Convert and dust operations are not fills, so they never count.

use super::ctx::Ctx;
use super::finding::Severity;
use super::holdings::{holding_before, trade_cutoff};
use super::util::{
    amt, fill_evidence, finding, join_sorted, median_f64, pct, ratio_dec, stat, Flagged,
};
use crate::decimal::Dec;
use crate::model::{Side, TimeMs};
use crate::timefmt::human;
use std::collections::{BTreeMap, BTreeSet};

pub fn detect(ctx: &Ctx) -> Vec<Flagged> {
    let fills = &ctx.account.fills;
    let quotes: BTreeSet<&str> = fills
        .iter()
        .filter(|f| f.side == Side::Sell)
        .map(|f| f.quote.as_str())
        .collect();
    let by_time = |v: &mut Vec<usize>| {
        v.sort_by(|&a, &b| {
            (fills[a].time, &fills[a].origin).cmp(&(fills[b].time, &fills[b].origin))
        })
    };
    let mut out = Vec::new();
    for q in quotes {
        let pick = |side: Side| -> Vec<usize> {
            (0..fills.len())
                .filter(|&i| fills[i].side == side && fills[i].quote == q)
                .collect()
        };
        let (mut sells, mut buys) = (pick(Side::Sell), pick(Side::Buy));
        by_time(&mut sells);
        by_time(&mut buys);
        let mut skip_until = TimeMs::MIN;
        for &anchor in &sells {
            let t0 = fills[anchor].time;
            if t0 < skip_until {
                continue;
            }
            if let Some(f) = check_window(ctx, q, &sells, &buys, t0) {
                skip_until = t0 + i64::from(ctx.cfg.liquidate_concentrate.window_s) * 1000;
                out.push(f);
            }
        }
    }
    out
}

/// Quote a sell fill left in the account: proceeds minus a fee charged in
/// the quote asset (a fee in BNB or another asset leaves the proceeds whole).
pub fn net_quote_received(f: &crate::model::Fill) -> Dec {
    match (f.fee, f.fee_asset.as_deref()) {
        (Some(fee), Some(a)) if a == f.quote => f.quote_qty - fee,
        _ => f.quote_qty,
    }
}

/// The fills of `idx` (time order) with time in [t0, t1).
fn slice(fills: &[crate::model::Fill], idx: &[usize], t0: TimeMs, t1: TimeMs) -> Vec<usize> {
    let a = idx.partition_point(|&i| fills[i].time < t0);
    let b = idx.partition_point(|&i| fills[i].time < t1);
    idx[a..b.max(a)].to_vec()
}

/// Test the window [t0, t0 + window) for quote asset `q`.
fn check_window(
    ctx: &Ctx,
    q: &str,
    sells: &[usize],
    buys: &[usize],
    t0: TimeMs,
) -> Option<Flagged> {
    let cfg = &ctx.cfg.liquidate_concentrate;
    let fills = &ctx.account.fills;
    let t1 = t0 + i64::from(cfg.window_s) * 1000;
    let buys_in = slice(fills, buys, t0, t1);
    let mut spent: BTreeMap<&str, Dec> = BTreeMap::new();
    for f in buys_in.iter().map(|&i| &fills[i]) {
        *spent.entry(f.symbol.as_str()).or_insert(Dec::ZERO) += f.quote_qty;
    }
    // the symbol with the most quote spent; ties go to the first name
    let (target, amount) = spent
        .iter()
        .fold(None::<(&str, Dec)>, |best, (s, v)| match best {
            Some((_, bv)) if bv >= *v => best,
            _ => Some((s, *v)),
        })?;
    // selling the target back (a dump) is not part of the liquidation that
    // funded it: it neither counts as an asset sold nor as quote available
    let in_win: Vec<usize> = slice(fills, sells, t0, t1)
        .into_iter()
        .filter(|&i| fills[i].symbol != target)
        .collect();
    // per asset sold: (qty sold, first sale time)
    let mut sold: BTreeMap<&str, (Dec, TimeMs)> = BTreeMap::new();
    for &i in &in_win {
        let e = sold
            .entry(fills[i].base.as_str())
            .or_insert((Dec::ZERO, fills[i].time));
        e.0 += fills[i].qty;
        e.1 = e.1.min(fills[i].time);
    }
    if sold.len() < cfg.min_assets as usize {
        return None;
    }
    let mut shares = Vec::new();
    let mut unknown = Vec::new();
    for (asset, (qty, first)) in &sold {
        let cut = trade_cutoff(*first);
        match holding_before(&ctx.holdings, asset, &["Spot"], cut) {
            Some((h, _)) => shares.push(qty.div_round(h).map_or(1.0, |s| s.to_f64().min(1.0))),
            None => {
                shares.push(1.0);
                unknown.push(asset.to_string());
            }
        }
    }
    let med = median_f64(&shares)?;
    if med < cfg.min_median_share_sold {
        return None;
    }
    // proceeds net of fees paid in the quote asset: what the account received
    let received: Dec = in_win.iter().map(|&i| net_quote_received(&fills[i])).sum();
    let held =
        holding_before(&ctx.holdings, q, &["Spot"], trade_cutoff(t0)).map_or(Dec::ZERO, |(h, _)| h);
    let available = received + held;
    let conc = amount.div_round(available)?.to_f64();
    if conc < cfg.min_concentration {
        return None;
    }
    let mut evidence: Vec<_> = in_win.iter().map(|&i| fill_evidence(&fills[i])).collect();
    evidence.extend(
        buys_in
            .iter()
            .map(|&i| &fills[i])
            .filter(|f| f.symbol == target)
            .map(fill_evidence),
    );
    // the target sold back in the window after it was bought (signature C)
    let first_buy = buys_in
        .iter()
        .map(|&i| &fills[i])
        .find(|f| f.symbol == target)
        .map_or(t0, |f| f.time);
    evidence.extend(
        slice(fills, sells, first_buy, t1)
            .into_iter()
            .map(|i| &fills[i])
            .filter(|f| f.symbol == target)
            .map(fill_evidence),
    );
    let assets: Vec<String> = sold.keys().map(|s| s.to_string()).collect();
    let unknown_note = if unknown.is_empty() {
        String::new()
    } else {
        format!(
            " The holding of {} before the sale is not in the exports; taken as fully sold.",
            unknown.join(", ")
        )
    };
    // A rotation into a coin the account already trades, at ordinary
    // prices, is what a user does on purpose: `low`. A never-traded target
    // or sweeping buys is the thief's signature: `medium`.
    let traded_before = fills.iter().any(|f| f.symbol == target && f.time < t0);
    let min_sweep = ratio_dec(ctx.cfg.overpay.min_sweep);
    let sweeping = ctx.orders.iter().any(|o| {
        o.symbol == target
            && o.side == Side::Buy
            && o.time >= t0
            && o.time < t1
            && o.sweep.is_some_and(|s| s >= min_sweep)
    });
    let severity = if traded_before && !sweeping {
        Severity::Low
    } else {
        Severity::Medium
    };
    let mut f = finding(
        "liquidate-concentrate",
        severity,
        &ctx.account.id,
        evidence,
        Some((q.to_string(), amount)),
        Some(stat(
            "share_spent_on_one_symbol",
            conc,
            Some(cfg.min_concentration),
            None,
        )),
        String::new(),
    );
    f.explanation = format!(
        "Between {} and {}, {} assets ({}) were sold into {q}, a median {} of each holding, \
         and {} of the {q} available ({} received + {} held before) bought {target} \
         for {} {q}.{unknown_note}",
        human(f.start),
        human(f.end),
        assets.len(),
        join_sorted(assets.iter().cloned()),
        pct(med),
        pct(conc),
        amt(received),
        amt(held),
        amt(amount),
    );
    if severity == Severity::Low {
        f.explanation.push_str(&format!(
            " {target} was traded before and no buy swept {} of the book: consistent with a \
             deliberate rotation, hence low.",
            pct(ctx.cfg.overpay.min_sweep)
        ));
    }
    let mut all_assets = assets;
    all_assets.push(q.to_string());
    if let Some(b) = fills.iter().find(|f| f.symbol == target).map(|f| f.base) {
        all_assets.push(b.to_string());
    }
    all_assets.sort();
    all_assets.dedup();
    f.assets = all_assets;
    Some(Flagged {
        finding: f,
        targets: vec![target.to_string()],
        sweep: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::testkit::{d, t, AccountBuilder};

    /// Deposits on day 0, then on day 20 three assets sold into USDT and
    /// the USDT spent on XYZUSDT. `eth_sold` varies the ETH share sold.
    fn account(eth_sold: &str, ada_sold: &str) -> crate::model::Account {
        AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "ETH", "2")
            .deposit(t(0, 0, 0, 0), "BNB", "10")
            .deposit(t(0, 0, 0, 0), "ADA", "1000")
            .deposit(t(0, 0, 0, 0), "USDT", "100")
            .fill(t(20, 10, 0, 0), "ETH/USDT", "SELL", "2000", eth_sold)
            .fill(t(20, 10, 0, 1), "BNB/USDT", "SELL", "300", "10")
            .fill(t(20, 10, 0, 2), "ADA/USDT", "SELL", "0.5", ada_sold)
            .fill(t(20, 10, 1, 0), "XYZ/USDT", "BUY", "2", "3000")
            .fill(t(20, 10, 1, 0), "XYZ/USDT", "BUY", "2.1", "500")
            .fill(t(20, 10, 2, 0), "LTC/USDT", "BUY", "50", "1")
            .build()
    }

    #[test]
    fn flags_liquidation_into_one_symbol() {
        let a = account("2", "1000");
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        // received 2*2000 + 10*300 + 1000*0.5 = 4000 + 3000 + 500 = 7500 USDT,
        // held before 100: available 7600. XYZ: 3000*2 + 500*2.1 = 7050 USDT.
        // 7050 / 7600 = 0.92763 >= 0.8; every holding sold in full (median 1)
        assert_eq!(f.value, Some(("USDT".to_string(), d("7050"))));
        let s = f.statistic.as_ref().unwrap();
        assert!((s.value.unwrap() - 7050.0 / 7600.0).abs() < 1e-12);
        assert_eq!(found[0].targets, vec!["XYZUSDT".to_string()]);
        assert_eq!(f.symbols, vec!["ADAUSDT", "BNBUSDT", "ETHUSDT", "XYZUSDT"]);
        assert_eq!(f.assets, vec!["ADA", "BNB", "ETH", "USDT", "XYZ"]);
        assert_eq!((f.start, f.end), (t(20, 10, 0, 0), t(20, 10, 1, 0)));
        // 3 sells + 2 XYZ buys; the LTC buy is not evidence
        assert_eq!(f.evidence.len(), 5);
        assert!(f
            .explanation
            .contains("3 assets (ADA, BNB, ETH) were sold into USDT, a median 100 %"));
    }

    #[test]
    fn dumping_the_target_back_is_evidence_not_liquidation() {
        // the same attack, then XYZ sold back far lower at 10:01:30: the
        // dump is neither a fourth asset sold nor quote available (else
        // 7050 / (7600 + 0.5 * 3000) = 0.77 would miss the 0.8 threshold)
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "ETH", "2")
            .deposit(t(0, 0, 0, 0), "BNB", "10")
            .deposit(t(0, 0, 0, 0), "ADA", "1000")
            .deposit(t(0, 0, 0, 0), "USDT", "100")
            .fill(t(20, 10, 0, 0), "ETH/USDT", "SELL", "2000", "2")
            .fill(t(20, 10, 0, 1), "BNB/USDT", "SELL", "300", "10")
            .fill(t(20, 10, 0, 2), "ADA/USDT", "SELL", "0.5", "1000")
            .fill(t(20, 10, 1, 0), "XYZ/USDT", "BUY", "2", "3000")
            .fill(t(20, 10, 1, 0), "XYZ/USDT", "BUY", "2.1", "500")
            .fill(t(20, 10, 1, 30), "XYZ/USDT", "SELL", "0.5", "3000")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        let s = f.statistic.as_ref().unwrap();
        assert!((s.value.unwrap() - 7050.0 / 7600.0).abs() < 1e-12);
        assert!(f.explanation.contains("3 assets (ADA, BNB, ETH)"));
        // 3 sells + 2 buys + the dump
        assert_eq!(f.evidence.len(), 6);
        assert_eq!(f.end, t(20, 10, 1, 30));
    }

    #[test]
    fn partial_sales_are_not_a_liquidation() {
        // ETH 1 of 2 (0.5), ADA 500 of 1000 (0.5), BNB 10 of 10 (1): median 0.5 < 0.9
        let a = account("1", "500");
        let cfg = DetectConfig::default();
        assert!(detect(&Ctx::new(&a, &cfg)).is_empty());
    }

    #[test]
    fn two_assets_are_not_enough() {
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "ETH", "2")
            .deposit(t(0, 0, 0, 0), "BNB", "10")
            .fill(t(20, 10, 0, 0), "ETH/USDT", "SELL", "2000", "2")
            .fill(t(20, 10, 0, 1), "BNB/USDT", "SELL", "300", "10")
            .fill(t(20, 10, 1, 0), "XYZ/USDT", "BUY", "2", "3500")
            .build();
        let cfg = DetectConfig::default();
        assert!(detect(&Ctx::new(&a, &cfg)).is_empty());
    }
}

#[cfg(test)]
mod fee_tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::testkit::{t, AccountBuilder};

    #[test]
    fn rotation_into_a_coin_traded_before_is_low() {
        // same liquidation, but the target was bought on day 1 at 2.0 and
        // the window's buys are single-price orders: no sweep
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "ETH", "2")
            .deposit(t(0, 0, 0, 0), "BNB", "10")
            .deposit(t(0, 0, 0, 0), "ADA", "1000")
            .deposit(t(0, 0, 0, 0), "USDT", "10")
            .fill(t(1, 0, 0, 0), "XYZ/USDT", "BUY", "2", "5")
            .fill(t(20, 10, 0, 0), "ETH/USDT", "SELL", "2000", "2")
            .fill(t(20, 10, 5, 0), "BNB/USDT", "SELL", "300", "10")
            .fill(t(20, 10, 10, 0), "ADA/USDT", "SELL", "0.5", "1000")
            .fill(t(20, 10, 15, 0), "XYZ/USDT", "BUY", "2", "3700")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.severity, Severity::Low);
        assert!(found[0].finding.explanation.contains("deliberate rotation"));
    }

    /// Regression (known bug): "received" counted the proceeds before the
    /// fees charged in the quote asset.
    #[test]
    fn received_is_net_of_quote_fees() {
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "ETH", "2")
            .deposit(t(0, 0, 0, 0), "BNB", "10")
            .deposit(t(0, 0, 0, 0), "ADA", "1000")
            .fill(t(20, 10, 0, 0), "ETH/USDT", "SELL", "2000", "2")
            .fee("4", "USDT")
            .fill(t(20, 10, 0, 1), "BNB/USDT", "SELL", "300", "10")
            .fee("3", "USDT")
            .fill(t(20, 10, 0, 2), "ADA/USDT", "SELL", "0.5", "1000")
            .fee("0.01", "BNB")
            .fill(t(20, 10, 1, 0), "XYZ/USDT", "BUY", "2", "3600")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        // 4000 - 4 + 3000 - 3 + 500 (BNB fee leaves USDT whole) = 7493
        assert!(
            f.explanation.contains("(7493 received + 0 held before)"),
            "{}",
            f.explanation
        );
        // 7200 / 7493
        let s = f.statistic.as_ref().unwrap();
        assert!((s.value.unwrap() - 7200.0 / 7493.0).abs() < 1e-12);
    }
}
