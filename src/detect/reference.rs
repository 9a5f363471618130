//! The account's own price reference for `overpay`.
//!
//! What: for each fill of a symbol, the median price of the `k` own fills
//! of that symbol nearest in time, more than `exclude` (6 h) but at most
//! `horizon` (7 d) away, so the
//! suspicious fills do not set their own reference and a moving market is
//! compared with what the account paid around the same days, not months
//! earlier. The spread of ordinary deviations is measured per trading
//! session (fills with gaps ≤ 1 h): each session's median log deviation
//! ln(price / reference), and the robust scale 1.4826 × the median absolute
//! session deviation. A session is one vote however many fills it has, so
//! one attack of eighty fills cannot widen the scale it is judged by.
//! Why: DETECTORS.md `overpay` (deviation from own fills outside ±6 h;
//! robust z of the log price ≥ 3).
//! False positives: a sparse history (the nearest fills are weeks away) —
//! its session deviations are wide too, so the robust z stays small.

use super::util::median;
use crate::decimal::Dec;
use crate::model::{Fill, TimeMs};

/// How far the reference fills may lie from the fill they price.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    /// Fills within this many ms are left out (± `exclude`).
    pub exclude: i64,
    /// Fills beyond this many ms are not a reference (± `horizon`).
    pub horizon: i64,
}

/// For fills `idx` (time order), the median price of the `k` fills nearest
/// in time more than `span.exclude` and at most `span.horizon` ms away
/// (ties: the earlier); `None` with fewer than `min_count` such fills.
pub fn nearest_medians(
    fills: &[Fill],
    idx: &[usize],
    span: Span,
    k: usize,
    min_count: usize,
) -> Vec<Option<Dec>> {
    let Span { exclude, horizon } = span;
    let n = idx.len();
    let time = |p: usize| fills[idx[p]].time;
    let price = |p: usize| fills[idx[p]].price;
    let (mut lo, mut hi) = (0, 0); // positions [lo, hi) are within ±exclude
    let mut out = Vec::with_capacity(n);
    for p in 0..n {
        let t = time(p);
        while lo < n && time(lo) < t - exclude {
            lo += 1;
        }
        while hi < n && time(hi) <= t + exclude {
            hi += 1;
        }
        let (mut before, mut after) = (lo, hi);
        let mut picked: Vec<Dec> = Vec::with_capacity(k);
        while picked.len() < k {
            let db = (before > 0)
                .then(|| t - time(before - 1))
                .filter(|&d| d <= horizon);
            let da = (after < n)
                .then(|| time(after) - t)
                .filter(|&d| d <= horizon);
            match (db, da) {
                (Some(b), Some(a)) if b <= a => {
                    before -= 1;
                    picked.push(price(before));
                }
                (Some(_), None) => {
                    before -= 1;
                    picked.push(price(before));
                }
                (_, Some(_)) => {
                    picked.push(price(after));
                    after += 1;
                }
                (None, None) => break,
            }
        }
        out.push(if picked.len() < min_count.max(1) {
            None
        } else {
            median(&picked)
        });
    }
    out
}

/// ln(price / reference) per fill of `idx` where a reference exists.
pub fn log_deviations(fills: &[Fill], idx: &[usize], refs: &[Option<Dec>]) -> Vec<Option<f64>> {
    idx.iter()
        .zip(refs)
        .map(|(&i, r)| {
            r.and_then(|r| {
                let d = (fills[i].price.to_f64() / r.to_f64()).ln();
                d.is_finite().then_some(d)
            })
        })
        .collect()
}

/// Session bounds `[s, e)` over `idx` (time order): gaps ≤ `gap` ms.
pub fn sessions(fills: &[Fill], idx: &[usize], gap: TimeMs) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    while s < idx.len() {
        let mut e = s + 1;
        while e < idx.len() && fills[idx[e]].time - fills[idx[e - 1]].time <= gap {
            e += 1;
        }
        out.push((s, e));
        s = e;
    }
    out
}

/// 1.4826 × the median over sessions of |the session's median deviation|:
/// the robust spread of the account's ordinary deviations from its own
/// reference (0 when every session sits on its reference; `None` without
/// any session that has a reference).
pub fn session_scale(devs: &[Option<f64>], bounds: &[(usize, usize)]) -> Option<f64> {
    let per_session: Vec<f64> = bounds
        .iter()
        .filter_map(|&(s, e)| {
            let d: Vec<f64> = devs[s..e].iter().flatten().copied().collect();
            super::util::median_f64(&d).map(f64::abs)
        })
        .collect();
    super::util::median_f64(&per_session).map(|m| 1.4826 * m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testkit::{d, t, AccountBuilder};

    #[test]
    fn nearest_fills_outside_six_hours() {
        // fills at 0, 1, 10, 20, 30 h priced 1, 2, 3, 4, 5
        let a = AccountBuilder::new("a")
            .fill(t(0, 0, 0, 0), "X/U", "BUY", "1", "1")
            .fill(t(0, 1, 0, 0), "X/U", "BUY", "2", "1")
            .fill(t(0, 10, 0, 0), "X/U", "BUY", "3", "1")
            .fill(t(0, 20, 0, 0), "X/U", "BUY", "4", "1")
            .fill(t(1, 6, 0, 0), "X/U", "BUY", "5", "1")
            .build();
        let idx: Vec<usize> = (0..5).collect();
        let h6 = Span {
            exclude: 6 * 3_600_000,
            horizon: 30 * 3_600_000,
        };
        // all outside fills (k = 5): 0 h: {3, 4, 5} -> 4; 1 h: {3, 4, 5} -> 4;
        // 10 h: {1, 2, 4, 5} -> 3; 20 h: {1, 2, 3, 5} -> 2.5; 30 h: {1..4} -> 2.5
        assert_eq!(
            nearest_medians(&a.fills, &idx, h6, 5, 1),
            vec![
                Some(d("4")),
                Some(d("4")),
                Some(d("3")),
                Some(d("2.5")),
                Some(d("2.5"))
            ]
        );
        // the nearest two only: 0 h: {3 (10 h), 4 (20 h)} -> 3.5;
        // 20 h: {3 (10 h before), 5 (10 h after)}: tie, the earlier first -> 4
        let m = nearest_medians(&a.fills, &idx, h6, 2, 1);
        assert_eq!((m[0], m[3]), (Some(d("3.5")), Some(d("4"))));
        // too few outside fills: no reference
        assert_eq!(nearest_medians(&a.fills, &idx, h6, 5, 4)[0], None);
        assert_eq!(nearest_medians(&a.fills, &[2], h6, 5, 1), vec![None]);
        // a horizon of 12 h: 0 h sees only 10 h (3); 30 h sees only 20 h (4)
        let near = Span {
            horizon: 12 * 3_600_000,
            ..h6
        };
        let m = nearest_medians(&a.fills, &idx, near, 5, 1);
        assert_eq!((m[0], m[4]), (Some(d("3")), Some(d("4"))));
    }

    #[test]
    fn one_vote_per_session() {
        // sessions: [0, 3) deviations 0.1, 0.2, 0.3 -> 0.2; [3, 4) -> -0.1;
        // [4, 5) none; [5, 6) 0.0 -> |.| = {0.2, 0.1, 0.0} -> median 0.1
        let devs = [Some(0.1), Some(0.2), Some(0.3), Some(-0.1), None, Some(0.0)];
        let s = session_scale(&devs, &[(0, 3), (3, 4), (4, 5), (5, 6)]).unwrap();
        assert!((s - 0.14826).abs() < 1e-12);
        assert_eq!(session_scale(&[None], &[(0, 1)]), None);
    }
}
