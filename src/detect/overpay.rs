//! `overpay`: buying far above (selling far below) the account's own prices.
//!
//! What: per symbol and trading session (fills with gaps ≤ 1 h), the
//! reference price of a fill is the median of the account's own fills in the
//! symbol outside ±6 h; with none (the usual case: a never-traded token) it
//! is the first fill of the session's first order. Flagged: buys ≥ 20 %
//! above (sells ≥ 20 % below) their reference, or — the sweep trigger — a
//! within-order sweep ≥ 5 % together with prices rising across consecutive
//! buy orders (falling across sell orders), which flags every buy above
//! (sell below) the reference. Value = Σ (price − reference) × qty over the
//! flagged buys plus Σ (reference − price) × qty over the flagged sells, in
//! the quote asset, exact.
//! Why: the thief's profit is the victim's overpayment into the thief's own
//! resting orders (DETECTORS.md signature B; SYS/BTC price outliers 2018).
//! False positives: volatile coins, new listings, de-pegs; a large market
//! order on a thin book.

use super::ctx::Ctx;
use super::finding::Severity;
use super::orders::{rebuild, OrderView};
use super::util::{amt, fill_evidence, finding, pct, ratio_dec, stat, Flagged};
use crate::decimal::Dec;
use crate::model::{Fill, Side, TimeMs};
use crate::timefmt::human;
use std::collections::BTreeMap;

pub fn detect(ctx: &Ctx) -> Vec<Flagged> {
    let fills = &ctx.account.fills;
    let mut by_symbol: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    // fills without a positive price and quantity cannot carry a price signal
    for (i, f) in fills.iter().enumerate() {
        if f.price.is_positive() && f.qty.is_positive() {
            by_symbol.entry(f.symbol.as_str()).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for idx in by_symbol.values_mut() {
        idx.sort_by(|&a, &b| {
            (fills[a].time, &fills[a].origin).cmp(&(fills[b].time, &fills[b].origin))
        });
        let exclude = i64::from(ctx.cfg.overpay.exclude_s) * 1000;
        let min_ref = ctx.cfg.overpay.min_reference_fills as usize;
        let mut refs = outside_medians(fills, idx, exclude, min_ref);
        // Robust z of the log price: a reference only counts where the fill
        // stands ≥ min_robust_z robust deviations from it (a history spanning
        // years of a moving market has a wide spread, a stable one a narrow one).
        let scale = log_price_scale(fills, idx);
        for (k, &i) in idx.iter().enumerate() {
            if let Some(r) = refs[k] {
                let z = (fills[i].price.to_f64() / r.to_f64()).ln().abs() / scale;
                if z.is_nan() || z < ctx.cfg.overpay.min_robust_z {
                    refs[k] = None;
                }
            }
        }
        let gap = i64::from(ctx.cfg.overpay.session_gap_s) * 1000;
        let mut s = 0;
        while s < idx.len() {
            let mut e = s + 1;
            while e < idx.len() && fills[idx[e]].time - fills[idx[e - 1]].time <= gap {
                e += 1;
            }
            out.extend(session(ctx, &idx[s..e], &refs[s..e]));
            s = e;
        }
    }
    out
}

/// 1.4826 × the median absolute deviation of ln(price) over the fills
/// (the robust standard deviation; 0 when all prices are equal).
fn log_price_scale(fills: &[Fill], idx: &[usize]) -> f64 {
    let mut logs: Vec<f64> = idx.iter().map(|&i| fills[i].price.to_f64().ln()).collect();
    let med = median_f64(&mut logs);
    let mut dev: Vec<f64> = logs.iter().map(|l| (l - med).abs()).collect();
    1.4826 * median_f64(&mut dev)
}

fn median_f64(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// For fills `idx` (time order), the median price of the other fills more
/// than `exclude` ms away, via a Fenwick tree over price ranks.
pub fn outside_medians(
    fills: &[Fill],
    idx: &[usize],
    exclude: i64,
    min_count: usize,
) -> Vec<Option<Dec>> {
    let n = idx.len();
    let mut by_price: Vec<usize> = (0..n).collect();
    by_price.sort_by(|&a, &b| (fills[idx[a]].price, a).cmp(&(fills[idx[b]].price, b)));
    let mut rank = vec![0; n];
    for (r, &p) in by_price.iter().enumerate() {
        rank[p] = r;
    }
    let mut bit = Fenwick::new(n);
    for r in 0..n {
        bit.add(r, 1);
    }
    let time = |p: usize| fills[idx[p]].time;
    let (mut lo, mut hi) = (0, 0); // positions [lo, hi) are excluded
    let mut out = Vec::with_capacity(n);
    for p in 0..n {
        while hi < n && time(hi) <= time(p) + exclude {
            if hi >= lo {
                bit.add(rank[hi], -1);
            }
            hi += 1;
        }
        while lo < n && time(lo) < time(p) - exclude {
            if lo < hi {
                bit.add(rank[lo], 1);
            }
            lo += 1;
        }
        let c = n - (hi - lo);
        let price_at = |k: usize| fills[idx[by_price[bit.kth(k)]]].price;
        out.push(match c {
            _ if c == 0 || c < min_count => None,
            _ if c % 2 == 1 => Some(price_at(c.div_ceil(2))),
            _ => (price_at(c / 2) + price_at(c / 2 + 1)).div_round(Dec::from_int(2)),
        });
    }
    out
}

/// Counts per rank; `kth(k)` finds the rank holding the k-th (1-based) item.
struct Fenwick {
    tree: Vec<i64>,
}

impl Fenwick {
    fn new(n: usize) -> Fenwick {
        Fenwick {
            tree: vec![0; n + 1],
        }
    }
    fn add(&mut self, i: usize, v: i64) {
        let mut i = i + 1;
        while i < self.tree.len() {
            self.tree[i] += v;
            i += i & i.wrapping_neg();
        }
    }
    fn kth(&self, k: usize) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut rem = k as i64;
        let mut step = n.next_power_of_two();
        while step > 0 {
            if pos + step <= n && self.tree[pos + step] < rem {
                pos += step;
                rem -= self.tree[pos];
            }
            step /= 2;
        }
        pos.min(n.saturating_sub(1))
    }
}

/// Longest run of consecutive orders whose VWAP moves strictly in the
/// side's direction (up for buys, down for sells), and the largest sweep.
fn run_and_sweep(orders: &[OrderView], side: Side) -> (usize, f64) {
    let v: Vec<&OrderView> = orders.iter().filter(|o| o.side == side).collect();
    let mut best = usize::from(!v.is_empty());
    let mut cur = best;
    for w in v.windows(2) {
        let moved = match (w[0].vwap, w[1].vwap) {
            (Some(a), Some(b)) => (side == Side::Buy && b > a) || (side == Side::Sell && b < a),
            _ => false,
        };
        cur = if moved { cur + 1 } else { 1 };
        best = best.max(cur);
    }
    let sweep = v
        .iter()
        .filter_map(|o| o.sweep.map(|s| s.to_f64()))
        .fold(0.0, f64::max);
    (best, sweep)
}

fn session(ctx: &Ctx, idx: &[usize], refs: &[Option<Dec>]) -> Option<Flagged> {
    let cfg = &ctx.cfg.overpay;
    let fills = &ctx.account.fills;
    let first = &fills[*idx.first()?];
    let fallback = first.price;
    let orders = rebuild(fills, idx);
    let (buy_run, buy_sweep) = run_and_sweep(&orders, Side::Buy);
    let (sell_run, sell_sweep) = run_and_sweep(&orders, Side::Sell);
    let min_run = cfg.min_rising_orders as usize;
    let buy_trigger = buy_run >= min_run && buy_sweep >= cfg.min_sweep;
    let sell_trigger = sell_run >= min_run && sell_sweep >= cfg.min_sweep;
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
            Side::Buy => buy_trigger && f.price > r,
            Side::Sell => sell_trigger && f.price < r,
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
        None => stat(
            "within_order_sweep",
            buy_sweep.max(sell_sweep),
            Some(cfg.min_sweep),
            None,
        ),
    };
    let evidence = flagged
        .iter()
        .map(|&(i, _)| fill_evidence(&fills[i]))
        .collect();
    let mut f = finding(
        "overpay",
        Severity::Medium,
        &ctx.account.id,
        evidence,
        Some((first.quote.clone(), value)),
        Some(statistic),
        String::new(),
    );
    f.assets = vec![first.base.clone(), first.quote.clone()];
    f.assets.sort();
    f.assets.dedup();
    f.explanation = explain(
        ctx,
        idx,
        refs,
        &flagged,
        value,
        (buy_trigger, buy_run, buy_sweep),
        (sell_trigger, sell_run, sell_sweep),
        (f.start, f.end),
    );
    Some(Flagged {
        finding: f,
        targets: vec![first.symbol.clone()],
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
    buy: (bool, usize, f64),
    sell: (bool, usize, f64),
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
    let hours = ctx.cfg.overpay.exclude_s / 3600;
    let reference = if own_ref {
        format!("the median of the account's own {sym} fills more than {hours} h away")
    } else {
        format!(
            "the first fill of the session at {}, since the account has no other {sym} fills \
             more than {hours} h away",
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
    if buy.0 {
        s.push_str(&format!(
            " One buy order swept {} of the book and {} consecutive buy orders rose in price.",
            pct(buy.2),
            buy.1
        ));
    }
    if sell.0 {
        s.push_str(&format!(
            " One sell order swept {} of the book and {} consecutive sell orders fell in price.",
            pct(sell.2),
            sell.1
        ));
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
    fn outside_medians_exclude_six_hours() {
        // fills at 0, 1, 10, 20, 30 h priced 1, 2, 3, 4, 5
        let a = AccountBuilder::new("a")
            .fill(t(0, 0, 0, 0), "X/U", "BUY", "1", "1")
            .fill(t(0, 1, 0, 0), "X/U", "BUY", "2", "1")
            .fill(t(0, 10, 0, 0), "X/U", "BUY", "3", "1")
            .fill(t(0, 20, 0, 0), "X/U", "BUY", "4", "1")
            .fill(t(1, 6, 0, 0), "X/U", "BUY", "5", "1")
            .build();
        let idx: Vec<usize> = (0..5).collect();
        let m = outside_medians(&a.fills, &idx, 6 * 3_600_000, 1);
        // 0 h: others beyond 6 h are {3, 4, 5} -> 4
        // 1 h: {3, 4, 5} -> 4
        // 10 h: {1, 2, 4, 5} -> (2 + 4) / 2 = 3
        // 20 h: {1, 2, 3, 5} -> (2 + 3) / 2 = 2.5
        // 30 h: {1, 2, 3, 4} -> 2.5
        assert_eq!(
            m,
            vec![
                Some(d("4")),
                Some(d("4")),
                Some(d("3")),
                Some(d("2.5")),
                Some(d("2.5"))
            ]
        );
        // a lone fill has no reference
        assert_eq!(
            outside_medians(&a.fills, &[2], 6 * 3_600_000, 1),
            vec![None]
        );
    }

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
        let a = b
            .fill(t(10, 12, 0, 0), "BTC/USDT", "BUY", "130", "2")
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
        assert_eq!(f.start, t(10, 12, 0, 0));
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
}
