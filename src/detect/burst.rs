//! `burst`: rapid-fire orders.
//!
//! What: for each window length w (10 s, 60 s, 300 s) the busiest window
//! [t, t + w) holds k orders; under the account's own baseline rate λ
//! (orders outside that window over the rest of the history span T,
//! floored at 1 order/day) the chance of so many is p_w = P(N ≥ k),
//! N ~ Poisson(λ·w), times max(1, T/w) for the window positions tried
//! (Bonferroni), capped at 1; p = min(1, L · min_w p_w) for the L lengths.
//! Flag p < alpha. Kleinberg's two-state automaton (s = 2, γ = 1) over the
//! inter-arrival gaps of the orders around the busiest window delimits the
//! burst interval the finding reports.
//! Why: a stolen key is used by a script: dozens of orders within seconds
//! (DETECTORS.md signature D; VIA/BTC 2018, 3Commas 2022).
//! Source: DETECTORS.md; J. Kleinberg, "Bursty and hierarchical structure
//! in streams" (KDD 2002).
//! False positives: the user's own bots (DCA, grid) — their rate is the
//! baseline, so only a burst beyond their own pace stands out; one market
//! order's many fills (orders are counted, not fills).

use super::ctx::Ctx;
use super::finding::Severity;
use super::util::{dur, finding, pval, stat, Flagged};
use crate::model::TimeMs;
use statrs::distribution::{DiscreteCDF, Poisson};

const DAY_S: f64 = 86_400.0;

/// P(N ≥ k) for N ~ Poisson(mu).
pub fn p_at_least(k: u64, mu: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    match Poisson::new(mu) {
        Ok(p) => p.sf(k - 1),
        Err(_) => 0.0,
    }
}

/// The busiest window of length `w_ms`: (k, index of its first order).
/// Earliest window wins a tie. `times` must be sorted.
pub fn busiest(times: &[TimeMs], w_ms: i64) -> (usize, usize) {
    let (mut best_k, mut best_i) = (0, 0);
    let mut j = 0;
    for i in 0..times.len() {
        if j < i {
            j = i;
        }
        while j < times.len() && times[j] < times[i] + w_ms {
            j += 1;
        }
        if j - i > best_k {
            best_k = j - i;
            best_i = i;
        }
    }
    (best_k, best_i)
}

/// The test of one window length.
#[derive(Clone, Debug, PartialEq)]
struct WindowTest {
    w_s: f64,
    k: usize,
    first: usize,
    /// Baseline rate, orders per second.
    lambda: f64,
    /// Bonferroni-corrected, capped p_w.
    p: f64,
}

fn corrected(k: usize, mu: f64, span_s: f64, w_s: f64) -> f64 {
    (p_at_least(k as u64, mu) * (span_s / w_s).max(1.0)).min(1.0)
}

/// Kleinberg two-state Viterbi over gaps (seconds): the state of each gap
/// (false = base rate, true = s × base).
pub fn kleinberg_states(gaps: &[f64], base: f64, s: f64, gamma: f64, n: usize) -> Vec<bool> {
    if gaps.is_empty() || base <= 0.0 {
        return vec![false; gaps.len()];
    }
    let rates = [base, s * base];
    let enter = gamma * (n.max(2) as f64).ln();
    let cost = |q: usize, x: f64| -rates[q].ln() + rates[q] * x;
    // cost[q] of the best path ending in state q, with back-pointers
    let mut acc = [cost(0, gaps[0]), enter + cost(1, gaps[0])];
    let mut back: Vec<[usize; 2]> = vec![[0, 0]];
    for &x in &gaps[1..] {
        let to0 = if acc[0] <= acc[1] {
            (acc[0], 0)
        } else {
            (acc[1], 1)
        };
        let to1 = if acc[0] + enter < acc[1] {
            (acc[0] + enter, 0)
        } else {
            (acc[1], 1)
        };
        acc = [to0.0 + cost(0, x), to1.0 + cost(1, x)];
        back.push([to0.1, to1.1]);
    }
    let mut q = if acc[1] < acc[0] { 1 } else { 0 };
    let mut states = vec![false; gaps.len()];
    for g in (0..gaps.len()).rev() {
        states[g] = q == 1;
        q = back[g][q];
    }
    states
}

/// The burst interval as order indices [a, b] (inclusive): the high-state
/// run of the automaton that overlaps the busiest window most, else the
/// busiest window itself.
fn interval(ctx: &Ctx, times: &[TimeMs], first: usize, k: usize) -> (usize, usize) {
    let cfg = &ctx.cfg.burst;
    let last = first + k - 1;
    let c_ms = i64::from(cfg.context_s) * 1000;
    let (lo_t, hi_t) = (times[first] - c_ms, times[last] + c_ms);
    let a = times.partition_point(|&t| t < lo_t);
    let b = times.partition_point(|&t| t <= hi_t);
    let m = b - a;
    if m < 3 {
        return (first, last);
    }
    let gaps: Vec<f64> = (a + 1..b)
        .map(|i| (times[i] - times[i - 1]) as f64 / 1000.0)
        .collect();
    let len_s = (hi_t - lo_t) as f64 / 1000.0;
    let states = kleinberg_states(
        &gaps,
        m as f64 / len_s,
        cfg.kleinberg_s,
        cfg.kleinberg_gamma,
        m,
    );
    let mut best: Option<(usize, usize, usize)> = None; // (overlap, a, b)
    let mut g = 0;
    while g < states.len() {
        if !states[g] {
            g += 1;
            continue;
        }
        let start = g;
        while g < states.len() && states[g] {
            g += 1;
        }
        // gaps start..g-1 join orders a+start ..= a+g
        let (ra, rb) = (a + start, a + g);
        let overlap = (rb.min(last) + 1).saturating_sub(ra.max(first));
        if overlap > 0 && best.is_none_or(|(o, _, _)| overlap > o) {
            best = Some((overlap, ra, rb));
        }
    }
    match best {
        Some((_, ra, rb)) => (ra, rb),
        None => (first, last),
    }
}

/// Distinct days, more than a day away from the window starting at order
/// `first`, on which some window of `w_s` seconds holds ≥ `min_k` orders.
pub fn routine_days(times: &[TimeMs], first: usize, w_s: f64, min_k: usize) -> usize {
    let w = (w_s * 1000.0) as i64;
    let t0 = times.get(first).copied().unwrap_or(0);
    let mut days = std::collections::BTreeSet::new();
    let mut j = 0;
    for i in 0..times.len() {
        if j < i {
            j = i;
        }
        while j < times.len() && times[j] < times[i] + w {
            j += 1;
        }
        if j - i >= min_k && (times[i] - t0).abs() > DAY_S as i64 * 1000 {
            days.insert(times[i].div_euclid(DAY_S as i64 * 1000));
        }
    }
    days.len()
}

pub fn detect(ctx: &Ctx) -> Vec<Flagged> {
    let cfg = &ctx.cfg.burst;
    let times: Vec<TimeMs> = ctx.orders.iter().map(|o| o.time).collect();
    let n = times.len();
    if n < cfg.min_orders as usize || n < 2 {
        return Vec::new();
    }
    let first_t = ctx.first_time().unwrap_or(times[0]).min(times[0]);
    let last_t = ctx.last_time().unwrap_or(times[n - 1]).max(times[n - 1]);
    let span_s = ((last_t - first_t) as f64 / 1000.0).max(1.0);
    let floor = cfg.min_rate_per_day / DAY_S;
    let tests: Vec<WindowTest> = cfg
        .windows_s
        .iter()
        .map(|&w| {
            let w_s = f64::from(w);
            let (k, first) = busiest(&times, i64::from(w) * 1000);
            let rest_s = span_s - w_s;
            let lambda = if rest_s > 0.0 {
                ((n - k) as f64 / rest_s).max(floor)
            } else {
                floor
            };
            let p = corrected(k, lambda * w_s, span_s, w_s);
            WindowTest {
                w_s,
                k,
                first,
                lambda,
                p,
            }
        })
        .collect();
    let Some(best) = tests.iter().min_by(|a, b| a.p.total_cmp(&b.p)).cloned() else {
        return Vec::new();
    };
    let lengths = tests.len() as f64;
    let p = (lengths * best.p).min(1.0);
    if p.is_nan() || p >= cfg.alpha || best.k < cfg.min_orders as usize {
        return Vec::new();
    }
    // smallest k flagged at this baseline
    let mu = best.lambda * best.w_s;
    let k_min = (1..=n.max(best.k) + 1000)
        .find(|&k| (lengths * corrected(k, mu, span_s, best.w_s)).min(1.0) < cfg.alpha)
        .map(|k| k.max(cfg.min_orders as usize));
    // A burst the account shows on other days too is its own routine (a bot).
    let routine_days = routine_days(
        &times,
        best.first,
        best.w_s,
        best.k.div_ceil(2).max(cfg.min_orders as usize),
    );
    let routine = routine_days >= cfg.routine_days as usize;
    let (a, b) = interval(ctx, &times, best.first, best.k);
    let count = b - a + 1;
    let dur_ms = times[b] - times[a];
    let rate = count as f64 / (dur_ms as f64 / 1000.0).max(1.0);
    let ratio = rate / best.lambda;
    let ratio_s = if ratio >= 100.0 {
        format!("{ratio:.0}")
    } else {
        format!("{ratio:.1}")
    };
    let evidence = ctx.orders[a..=b]
        .iter()
        .flat_map(|o| o.evidence(ctx.account))
        .collect();
    let explanation = format!(
        "{count} orders in {}, {ratio_s}× the account's baseline rate of {:.2} orders/day \
         (p = {}); the busiest {:.0} s window holds {} orders, where {} would already be flagged.",
        dur(dur_ms),
        best.lambda * DAY_S,
        pval(p),
        best.w_s,
        best.k,
        k_min.map_or("none".to_string(), |k| k.to_string()),
    );
    // A handful of orders is within a person's reach (a rush into a new
    // listing); a script places many more.
    let by_hand = best.k < cfg.medium_orders as usize;
    let explanation = if routine {
        format!(
            "{explanation} The account shows bursts of at least half this size on {routine_days} other day(s), \
             as a trading bot does: low on its own."
        )
    } else if by_hand {
        format!(
            "{explanation} Fewer than {} orders in the window can be placed by hand: low on its own.",
            cfg.medium_orders
        )
    } else {
        explanation
    };
    let mut f = finding(
        "burst",
        if routine || by_hand {
            Severity::Low
        } else {
            Severity::Medium
        },
        &ctx.account.id,
        evidence,
        None,
        Some(stat(
            "orders_in_window",
            best.k as f64,
            k_min.map(|k| k as f64),
            Some(p),
        )),
        explanation,
    );
    let mut assets: Vec<String> = ctx.orders[a..=b]
        .iter()
        .flat_map(|o| [o.base.clone(), o.quote.clone()])
        .collect();
    assets.sort();
    assets.dedup();
    f.assets = assets;
    vec![Flagged {
        finding: f,
        targets: Vec::new(),
        sweep: false,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::testkit::{t, AccountBuilder};

    #[test]
    fn a_bot_bursting_every_day_is_routine_and_low() {
        // 20 orders in 2 minutes (one every 6 s) at 09:00 on each of 30 days.
        let mut b = AccountBuilder::new("bot");
        for day in 0..30 {
            for k in 0..20 {
                b = b.fill(t(day, 9, 0, 6 * k), "BTC/USDT", "BUY", "100", "0.01");
            }
        }
        let cfg = DetectConfig::default();
        let a = b.build();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.severity, Severity::Low);
        // The busiest window is day 0's (first of equals). Every other day has a
        // window more than 24 h later holding ≥ 10 (half of 20) orders — day 1's
        // from its second order (24 h 6 s later, 19 orders): 29 other days.
        assert!(
            found[0].finding.explanation.contains("on 29 other day(s)"),
            "{}",
            found[0].finding.explanation
        );
    }

    #[test]
    fn routine_days_counts_other_days_only() {
        let d = 86_400_000;
        // 3 orders within 10 s on days 0, 1 and 5; the candidate is day 5's window.
        let times = [
            0,
            1000,
            2000,
            d,
            d + 1000,
            d + 2000,
            5 * d,
            5 * d + 1000,
            5 * d + 2000,
        ];
        assert_eq!(routine_days(&times, 6, 10.0, 3), 2);
        assert_eq!(routine_days(&times, 6, 10.0, 4), 0);
    }

    #[test]
    fn poisson_tail_by_hand() {
        // mu = 0.5, k = 3: 1 - e^-0.5 (1 + 0.5 + 0.125) = 1 - 0.6065306597 * 1.625
        //                 = 1 - 0.9856123220 = 0.0143876780
        assert!((p_at_least(3, 0.5) - 0.014_387_678).abs() < 1e-9);
        assert_eq!(p_at_least(0, 0.5), 1.0);
    }

    #[test]
    fn busiest_window_counts_half_open() {
        // [0, 10 s) holds 0, 1, 2, 9 s; 20 s is outside
        let times = [0, 1000, 2000, 9000, 20_000];
        assert_eq!(busiest(&times, 10_000), (4, 0));
        // [9 s, 19 s) and [2 s, 12 s) hold 2; [0, 1 s) holds 1
        assert_eq!(busiest(&times, 1000), (1, 0));
        assert_eq!(busiest(&[], 1000), (0, 0));
    }

    #[test]
    fn kleinberg_marks_the_dense_gaps() {
        // n = 10 gaps summing to 4005 s: base = 10 / 4005 = 0.002497.
        // Gap of 1 s: low cost -ln(b) + b = 5.993, high -ln(2b) + 2b = 5.300,
        // saving 0.693 per gap; 5 such gaps save 3.47 > ln(10) = 2.30: enter.
        // Gap of 1000 s: low 5.993 + 2.497 = 8.49 < high 5.300 + 4.994 = 10.29.
        let gaps = [1000.0, 1000.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1000.0, 1000.0];
        let s = kleinberg_states(&gaps, 10.0 / 4005.0, 2.0, 1.0, 10);
        assert_eq!(
            s,
            vec![false, false, true, true, true, true, true, false, false]
        );
        // 2 short gaps save 1.39 < 2.30: stay low
        let gaps = [1000.0, 1.0, 1.0, 1000.0];
        assert_eq!(
            kleinberg_states(&gaps, 10.0 / 4005.0, 2.0, 1.0, 10),
            vec![false; 4]
        );
    }

    /// 30 daily orders at noon (days 0..29), then 10 orders one second
    /// apart at day 30 00:00:00..09.
    fn burst_account() -> crate::model::Account {
        let mut b = AccountBuilder::new("a");
        for day in 0..30 {
            b = b.fill(t(day, 12, 0, 0), "BTC/USDT", "BUY", "100", "0.01");
        }
        for s in 0..10 {
            b = b.fill(t(30, 0, 0, s), "BTC/USDT", "SELL", "100", "0.01");
        }
        b.build()
    }

    #[test]
    fn burst_p_value_by_hand() {
        let a = burst_account();
        let cfg = DetectConfig::default();
        let ctx = Ctx::new(&a, &cfg);
        let found = detect(&ctx);
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        // T = 29.5 d + 9 s = 2_548_809 s. w = 10 s holds k = 10.
        // lambda = (40 - 10) / (T - 10) = 30 / 2_548_799 = 1.177024e-5 /s (> 1/day)
        // mu = 1.177024e-4; P(N >= 10) ~ mu^10 / 10! = 5.1033e-40 / 3_628_800
        //    = 1.40634e-46 (next term mu/11 is 1e-5 relative)
        // times T / w = 254_880.9 -> 3.5845e-41; p = 3 x that = 1.0753e-40
        // (w = 60 s and 300 s give far larger p_w: mu is 6x / 30x bigger)
        let s = f.statistic.as_ref().unwrap();
        let p = s.p_value.unwrap();
        assert!((p / 1.0753e-40 - 1.0).abs() < 1e-3, "p = {p:e}");
        assert_eq!(s.value, Some(10.0));
        // smallest k flagged: need P(N >= k) < 1e-3 / 3 / 254_880.9 = 1.3078e-9;
        // P(N >= 2) ~ mu^2/2 = 6.93e-9 (no), P(N >= 3) ~ mu^3/6 = 2.72e-13 (yes)
        // -> 3, raised to min_orders = 5
        assert_eq!(s.threshold, Some(5.0));
        // the automaton keeps exactly the 10 one-second orders (the previous
        // order is 12 h earlier, outside the 1 h context)
        assert_eq!((f.start, f.end), (t(30, 0, 0, 0), t(30, 0, 0, 9)));
        assert_eq!(f.evidence.len(), 10);
        assert!(
            f.explanation.starts_with("10 orders in 9 s"),
            "{}",
            f.explanation
        );
        assert_eq!(f.severity, Severity::Medium);
    }

    #[test]
    fn a_handful_of_orders_is_low_on_its_own() {
        // 30 daily orders, then 6 orders 10 s apart: p is tiny
        // (mu = 30/T x 60 s ~ 7e-4, P(N >= 6) ~ mu^6/720 ~ 2e-22) but
        // 6 < medium_orders = 10: a person can click that
        let mut b = AccountBuilder::new("a");
        for day in 0..30 {
            b = b.fill(t(day, 12, 0, 0), "BTC/USDT", "BUY", "100", "0.01");
        }
        for k in 0..6 {
            b = b.fill(t(30, 0, 0, 10 * k), "NEW/USDT", "BUY", "1", "1");
        }
        let a = b.build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.severity, Severity::Low);
        assert!(found[0].finding.explanation.contains("placed by hand"));
    }

    #[test]
    fn tiny_and_steady_inputs_give_nothing() {
        let cfg = DetectConfig::default();
        for n in 0..3 {
            let mut b = AccountBuilder::new("a");
            for s in 0..n {
                b = b.fill(t(0, 0, 0, s), "BTC/USDT", "BUY", "1", "1");
            }
            let a = b.build();
            assert!(detect(&Ctx::new(&a, &cfg)).is_empty());
        }
        // five orders at the same millisecond in five symbols: span 0 handled
        let mut b = AccountBuilder::new("a");
        for s in ["A", "B", "C", "D", "E"] {
            b = b.fill(t(0, 0, 0, 0), &format!("{s}/USDT"), "BUY", "1", "1");
        }
        let a = b.build();
        // T floored at 1 s, lambda at 1/day: mu = 10/86400, P(N >= 5) ~ 1.7e-22: flagged
        assert_eq!(detect(&Ctx::new(&a, &cfg)).len(), 1);
        // one order a day for 60 days: the busiest 300 s window holds 1
        let mut b = AccountBuilder::new("a");
        for day in 0..60 {
            b = b.fill(t(day, 9, 0, 0), "BTC/USDT", "BUY", "1", "1");
        }
        let a = b.build();
        assert!(detect(&Ctx::new(&a, &cfg)).is_empty());
    }
}
