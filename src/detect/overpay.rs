//! `overpay`: buying far above (selling far below) the account's own prices.
//!
//! What: per symbol and trading session (fills with gaps ≤ 1 h), the
//! reference price of a fill is the median of the 10 own fills in the
//! symbol nearest in time outside ±6 h and within ±7 d (`reference.rs`:
//! ≥ 5 of them, and the fill ≥ 3 robust deviations from it); with none (the
//! usual case: a never-traded token) it is the first fill of the session's
//! first order.
//! Flagged: buys ≥ 20 % above (sells ≥ 20 % below) their reference, or —
//! the sweep trigger — consecutive buy orders rising in price (sell orders
//! falling) with a within-order sweep ≥ 5 % or a move ≥ 20 % across them,
//! which flags every buy above (sell below) the reference. `medium` with a
//! sweep or a deviation ≥ 50 % from the account's own prices; else `low`
//! (a lone price signal in a moving market; a burst next to it still makes
//! the incident high). Value = Σ (price − reference) × qty over the
//! flagged buys plus Σ (reference − price) × qty over the flagged sells, in
//! the quote asset, exact.
//! Why: the thief's profit is the victim's overpayment into the thief's own
//! resting orders (DETECTORS.md signature B; SYS/BTC price outliers 2018).
//! False positives: volatile coins, new listings, de-pegs; a large market
//! order on a thin book.

use super::config::OverpayConfig;
use super::ctx::Ctx;
use super::finding::Severity;
use super::orders::{rebuild, OrderView};
use super::reference::{log_deviations, nearest_medians, session_scale, sessions, Span};
use super::util::{amt, fill_evidence, finding, pct, ratio_dec, stat, Flagged};
use crate::decimal::Dec;
use crate::model::{Side, TimeMs};
use crate::timefmt::human;
use std::collections::BTreeMap;

pub fn detect(ctx: &Ctx) -> Vec<Flagged> {
    let cfg = &ctx.cfg.overpay;
    let fills = &ctx.account.fills;
    let mut by_symbol: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    // fills without a positive price and quantity cannot carry a price signal
    for (i, f) in fills.iter().enumerate() {
        if f.price.is_positive() && f.qty.is_positive() {
            by_symbol.entry(f.symbol.as_str()).or_default().push(i);
        }
    }
    let exclude = i64::from(cfg.exclude_s) * 1000;
    let gap = i64::from(cfg.session_gap_s) * 1000;
    let mut out = Vec::new();
    for idx in by_symbol.values_mut() {
        idx.sort_by(|&a, &b| {
            (fills[a].time, &fills[a].origin).cmp(&(fills[b].time, &fills[b].origin))
        });
        let mut refs = nearest_medians(
            fills,
            idx,
            Span {
                exclude,
                horizon: i64::from(cfg.reference_horizon_s) * 1000,
            },
            cfg.reference_fills as usize,
            cfg.min_reference_fills as usize,
        );
        // Robust z of the log deviation: a reference only counts where the
        // fill stands ≥ min_robust_z robust deviations (over the account's
        // sessions) from it; a sparse or volatile history has a wide spread.
        let devs = log_deviations(fills, idx, &refs);
        let bounds = sessions(fills, idx, gap);
        let scale = session_scale(&devs, &bounds).unwrap_or(f64::NAN);
        for (r, d) in refs.iter_mut().zip(&devs) {
            let z = d.map_or(f64::NAN, |d| d.abs() / scale);
            if z.is_nan() || z < cfg.min_robust_z {
                *r = None;
            }
        }
        for (s, e) in bounds {
            out.extend(session(ctx, &idx[s..e], &refs[s..e]));
        }
    }
    out
}

/// The price path of one side's orders in a session.
#[derive(Clone, Copy, Debug, Default)]
struct Run {
    /// Longest run of consecutive orders whose VWAP moves strictly in the
    /// side's direction (up for buys, down for sells).
    len: usize,
    /// Largest move from the first to the last VWAP of a run of at least
    /// min_rising_orders orders, as a share.
    moved: f64,
    /// Largest within-order sweep.
    sweep: f64,
    /// The run together with a sweep ≥ min_sweep: the thin-book signature.
    swept: bool,
    /// The run with a sweep or a move ≥ min_deviation: fills beyond the
    /// session's first fill count.
    trigger: bool,
}

fn price_run(orders: &[OrderView], side: Side, cfg: &OverpayConfig) -> Run {
    let v: Vec<&OrderView> = orders.iter().filter(|o| o.side == side).collect();
    let move_of = |a: Dec, b: Dec| {
        let r = b.to_f64() / a.to_f64();
        match side {
            Side::Buy => r - 1.0,
            Side::Sell => 1.0 - r,
        }
    };
    let (mut len, mut moved) = (usize::from(!v.is_empty()), 0.0);
    let mut cur_start = 0;
    for k in 1..v.len() {
        let up = match (v[k - 1].vwap, v[k].vwap) {
            (Some(a), Some(b)) => (side == Side::Buy && b > a) || (side == Side::Sell && b < a),
            _ => false,
        };
        if !up {
            cur_start = k;
            continue;
        }
        let n = k - cur_start + 1;
        let m = match (v[cur_start].vwap, v[k].vwap) {
            (Some(a), Some(b)) => move_of(a, b),
            _ => 0.0,
        };
        len = len.max(n);
        if n >= cfg.min_rising_orders as usize {
            moved = f64::max(moved, m);
        }
    }
    let sweep = v
        .iter()
        .filter_map(|o| o.sweep.map(|s| s.to_f64()))
        .fold(0.0, f64::max);
    let long = len >= cfg.min_rising_orders as usize;
    let swept = long && sweep >= cfg.min_sweep;
    Run {
        len,
        moved,
        sweep,
        swept,
        trigger: swept || (long && moved >= cfg.min_deviation),
    }
}

fn session(ctx: &Ctx, idx: &[usize], refs: &[Option<Dec>]) -> Option<Flagged> {
    let cfg = &ctx.cfg.overpay;
    let fills = &ctx.account.fills;
    let first = &fills[*idx.first()?];
    let fallback = first.price;
    let orders = rebuild(fills, idx);
    let buy = price_run(&orders, Side::Buy, cfg);
    let sell = price_run(&orders, Side::Sell, cfg);
    let up = Dec::ONE + ratio_dec(cfg.min_deviation);
    let down = Dec::ONE - ratio_dec(cfg.min_deviation);
    let mut flagged: Vec<(usize, Dec)> = Vec::new(); // (fill, reference)
    let mut max_dev: Option<f64> = None;
    for (k, &i) in idx.iter().enumerate() {
        let f = &fills[i];
        let by_dev = refs[k].filter(|r| match f.side {
            Side::Buy => f.price >= r.mul_round(up),
            Side::Sell => f.price <= r.mul_round(down),
        });
        if let Some(r) = by_dev {
            let dev = (f.price - r).div_round(r).map_or(0.0, |x| x.to_f64().abs());
            max_dev = Some(max_dev.map_or(dev, |m: f64| m.max(dev)));
            flagged.push((i, r));
            continue;
        }
        let r = refs[k].unwrap_or(fallback);
        let swept = match f.side {
            Side::Buy => buy.trigger && f.price > r,
            Side::Sell => sell.trigger && f.price < r,
        };
        if swept {
            flagged.push((i, r));
        }
    }
    if flagged.is_empty() {
        return None;
    }
    let value: Dec = flagged
        .iter()
        .map(|&(i, r)| {
            let f = &fills[i];
            match f.side {
                Side::Buy => (f.price - r).mul_round(f.qty),
                Side::Sell => (r - f.price).mul_round(f.qty),
            }
        })
        .sum();
    let statistic = match max_dev {
        Some(d) => stat("deviation_from_reference", d, Some(cfg.min_deviation), None),
        None if buy.sweep.max(sell.sweep) >= cfg.min_sweep => stat(
            "within_order_sweep",
            buy.sweep.max(sell.sweep),
            Some(cfg.min_sweep),
            None,
        ),
        None => stat(
            "move_across_orders",
            buy.moved.max(sell.moved),
            Some(cfg.min_deviation),
            None,
        ),
    };
    // Alone, one price signal is `medium` only when it is the thin-book
    // signature (consecutive orders sweeping the book) or extreme against
    // the account's own prices; else `low` (a burst next to it still makes
    // the incident high).
    let severity = if buy.swept || sell.swept || max_dev.is_some_and(|d| d >= cfg.medium_deviation)
    {
        Severity::Medium
    } else {
        Severity::Low
    };
    let evidence = flagged
        .iter()
        .map(|&(i, _)| fill_evidence(&fills[i]))
        .collect();
    let mut f = finding(
        "overpay",
        severity,
        &ctx.account.id,
        evidence,
        Some((first.quote.to_string(), value)),
        Some(statistic),
        String::new(),
    );
    f.assets = vec![first.base.to_string(), first.quote.to_string()];
    f.assets.sort();
    f.assets.dedup();
    f.explanation = explain(
        ctx,
        idx,
        refs,
        &flagged,
        value,
        (buy, sell),
        (f.start, f.end),
    );
    if severity == Severity::Low {
        f.explanation.push_str(&format!(
            " Low on its own: no order swept {} of the book and no fill was {} above \
             (below) the account's own prices.",
            pct(cfg.min_sweep),
            pct(cfg.medium_deviation)
        ));
    }
    Some(Flagged {
        finding: f,
        // value was poured into the symbol only where buys were flagged
        targets: if flagged.iter().any(|&(i, _)| fills[i].side == Side::Buy) {
            vec![first.symbol.to_string()]
        } else {
            Vec::new()
        },
        sweep: false,
    })
}

#[allow(clippy::too_many_arguments)]
fn explain(
    ctx: &Ctx,
    idx: &[usize],
    refs: &[Option<Dec>],
    flagged: &[(usize, Dec)],
    value: Dec,
    (buy, sell): (Run, Run),
    (start, end): (TimeMs, TimeMs),
) -> String {
    let fills = &ctx.account.fills;
    let first = &fills[idx[0]];
    let (sym, q) = (&first.symbol, &first.quote);
    let n_buy = flagged
        .iter()
        .filter(|(i, _)| fills[*i].side == Side::Buy)
        .count();
    let n_sell = flagged.len() - n_buy;
    let own_ref = refs.iter().any(|r| r.is_some());
    let cfg = &ctx.cfg.overpay;
    let away = format!(
        "{} h to {} away",
        cfg.exclude_s / 3600,
        super::util::dur(i64::from(cfg.reference_horizon_s) * 1000)
    );
    let reference = if own_ref {
        format!(
            "the median of the account's {} own {sym} fills nearest in time, {away}",
            cfg.reference_fills
        )
    } else {
        format!(
            "the first fill of the session at {}, since the account's own {sym} fills {away} \
             give no reference",
            first.price
        )
    };
    let worst = flagged
        .iter()
        .filter_map(|&(i, r)| (fills[i].price - r).div_round(r).map(|d| d.to_f64().abs()))
        .fold(0.0, f64::max);
    let mut s = format!(
        "Between {} and {}, {n_buy} buy and {n_sell} sell fills of {sym} were priced up to {} \
         away from the reference ({reference}).",
        human(start),
        human(end),
        pct(worst),
    );
    for (run, side, verb) in [(buy, "buy", "rose"), (sell, "sell", "fell")] {
        if !run.trigger {
            continue;
        }
        s.push_str(&format!(
            " {} consecutive {side} orders {verb} in price, {} from the first to the last",
            run.len,
            pct(run.moved)
        ));
        if run.swept {
            s.push_str(&format!(", and one swept {} of the book", pct(run.sweep)));
        }
        s.push('.');
    }
    s.push_str(&format!(" Overpayment: {} {q}.", amt(value)));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::testkit::{d, t, AccountBuilder};

    #[test]
    fn years_of_monthly_buys_in_a_moving_market_are_not_overpayment() {
        // 48 monthly BTC buys drifting from 10,000 to ~28,800 with ±15 % swings:
        // many fills are > 20 % from the all-time median, but the spread of
        // log prices is wide (robust z well below 3), so nothing is flagged.
        let mut b = AccountBuilder::new("a");
        for i in 0..48i64 {
            let swing = 1.0 + 0.15 * ((i as f64) * 1.3).sin();
            let p = (10_000.0 * (1.0 + 0.04 * i as f64) * swing).round() as i64;
            b = b.fill(
                t(i * 30, 12, 0, 0),
                "BTC/USDT",
                "BUY",
                &p.to_string(),
                "0.01",
            );
        }
        let cfg = DetectConfig::default();
        assert!(detect(&Ctx::new(&b.build(), &cfg)).is_empty());
    }

    #[test]
    fn too_few_reference_fills_make_no_reference() {
        // Case 04's shape: one fill at 11,400 and one at 9,000 days apart.
        // With fewer than 5 reference fills the market's own move is not an overpayment.
        let a = AccountBuilder::new("a")
            .fill(t(0, 9, 0, 0), "BTC/USDT", "BUY", "11400", "0.05")
            .fill(t(4, 10, 0, 0), "BTC/USDT", "SELL", "9000", "0.2")
            .build();
        let cfg = DetectConfig::default();
        assert!(detect(&Ctx::new(&a, &cfg)).is_empty());
    }

    #[test]
    fn buy_far_above_own_median() {
        let mut b = AccountBuilder::new("a");
        for day in 0..5 {
            b = b.fill(t(day, 12, 0, 0), "BTC/USDT", "BUY", "100", "1");
        }
        // six days later, within the 7-day reference horizon
        let a = b
            .fill(t(6, 12, 0, 0), "BTC/USDT", "BUY", "130", "2")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        // reference = median of the five fills at 100 = 100; (130 - 100) * 2 = 60
        assert_eq!(f.value, Some(("USDT".to_string(), d("60"))));
        let s = f.statistic.as_ref().unwrap();
        assert_eq!(s.name, "deviation_from_reference");
        assert!((s.value.unwrap() - 0.3).abs() < 1e-12);
        assert_eq!(f.evidence.len(), 1);
        assert_eq!(f.start, t(6, 12, 0, 0));
        // alone and 30 % (< 50 %) above: low
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(found[0].targets, vec!["BTCUSDT".to_string()]);
    }

    #[test]
    fn sweeping_rising_buys_of_a_new_token() {
        // order 1 (second 0): 1.00 and 1.10 -> sweep 10 %, VWAP 1.05
        // order 2 (second 30): 1.20 and 1.25 -> VWAP 1.225
        // order 3 (second 60): 1.30 -> rising across 3 orders
        let a = AccountBuilder::new("a")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1.00", "100")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1.10", "100")
            .fill(t(0, 10, 0, 30), "XYZ/USDT", "BUY", "1.20", "100")
            .fill(t(0, 10, 0, 30), "XYZ/USDT", "BUY", "1.25", "100")
            .fill(t(0, 10, 1, 0), "XYZ/USDT", "BUY", "1.30", "100")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        // reference = first fill 1.00; (0.10 + 0.20 + 0.25 + 0.30) * 100 = 85
        assert_eq!(f.value, Some(("USDT".to_string(), d("85"))));
        let s = f.statistic.as_ref().unwrap();
        assert_eq!(s.name, "within_order_sweep");
        assert!((s.value.unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(f.evidence.len(), 4);
        assert_eq!((f.start, f.end), (t(0, 10, 0, 0), t(0, 10, 1, 0)));
        assert!(
            f.explanation.contains("3 consecutive buy orders rose"),
            "{}",
            f.explanation
        );
    }

    #[test]
    fn steady_prices_are_not_flagged() {
        // one order sweeping 10 % but the next is cheaper: no rise, no flag
        let a = AccountBuilder::new("a")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1.00", "100")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1.10", "100")
            .fill(t(0, 10, 0, 30), "XYZ/USDT", "BUY", "1.00", "100")
            .build();
        let cfg = DetectConfig::default();
        assert!(detect(&Ctx::new(&a, &cfg)).is_empty());
    }

    #[test]
    fn extreme_deviation_is_medium_and_a_lone_sell_has_no_target() {
        let history = || {
            let mut b = AccountBuilder::new("a");
            for day in 0..5 {
                b = b.fill(t(day, 12, 0, 0), "BTC/USDT", "BUY", "100", "1");
            }
            b
        };
        // 60 % above the account's own price: medium on its own
        let a = history()
            .fill(t(6, 12, 0, 0), "BTC/USDT", "BUY", "160", "1")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found[0].finding.severity, Severity::Medium);
        // a sale 30 % below: flagged (low), but nothing was poured into BTC
        let a = history()
            .fill(t(6, 12, 0, 0), "BTC/USDT", "SELL", "70", "1")
            .build();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.severity, Severity::Low);
        assert!(found[0].targets.is_empty());
    }

    #[test]
    fn a_steep_rise_across_orders_without_a_sweep_is_low() {
        // single-fill orders rising 1.00 -> 1.10 -> 1.25: a 25 % move
        // across three orders flags the buys above the first fill, but no
        // order swept the book: low alone
        let a = AccountBuilder::new("a")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1.00", "100")
            .fill(t(0, 10, 0, 20), "XYZ/USDT", "BUY", "1.10", "100")
            .fill(t(0, 10, 0, 40), "XYZ/USDT", "BUY", "1.25", "100")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        // (0.10 + 0.25) * 100 = 35
        assert_eq!(f.value, Some(("USDT".to_string(), d("35"))));
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(f.statistic.as_ref().unwrap().name, "move_across_orders");
        assert!(f
            .explanation
            .contains("3 consecutive buy orders rose in price, 25 %"));
    }
}
