//! Running balances per (wallet, asset): the book's changes sorted by time
//! with exact prefix sums, so that the balance "after every change at or
//! before T" is one binary search away. Used for the opening and observed
//! balances of `--balances`, locating residuals in time, the first negative
//! balance and the incident attribution.

use crate::decimal::Dec;
use crate::model::{LedgerRow, TimeMs};
use crate::sym::{FnvBuild, Sym};
use std::collections::{BTreeMap, HashMap};

/// One (wallet, asset) series: times ascending, `prefix[i]` = Σ changes
/// of rows `0..=i`.
#[derive(Debug, Default, Clone)]
pub struct Series {
    pub times: Vec<TimeMs>,
    pub prefix: Vec<Dec>,
}

impl Series {
    /// Σ changes at or before `t` (zero before the first row).
    pub fn through(&self, t: TimeMs) -> Dec {
        let n = self.times.partition_point(|&x| x <= t);
        if n == 0 {
            Dec::ZERO
        } else {
            self.prefix[n - 1]
        }
    }

    /// Σ changes with `from <= time <= to`.
    pub fn between(&self, from: TimeMs, to: TimeMs) -> Dec {
        if to < from {
            return Dec::ZERO;
        }
        self.through(to) - self.through(from.saturating_sub(1))
    }

    pub fn first_time(&self) -> Option<TimeMs> {
        self.times.first().copied()
    }

    pub fn last_time(&self) -> Option<TimeMs> {
        self.times.last().copied()
    }

    /// First time at which `opening` + the running sum is negative, with
    /// all changes of one timestamp applied together (inflows first).
    pub fn first_negative(&self, opening: Dec) -> Option<TimeMs> {
        let n = self.times.len();
        (0..n)
            .filter(|&i| i + 1 == n || self.times[i + 1] != self.times[i])
            .find(|&i| (opening + self.prefix[i]).is_negative())
            .map(|i| self.times[i])
    }
}

/// All series of a book, keyed by (wallet, asset).
pub type Running = BTreeMap<(String, String), Series>;

/// Build the series of every (wallet, asset) of `rows`. Grouping borrows
/// the names, so a million rows cost no string copies.
pub fn running(rows: &[LedgerRow]) -> Running {
    let mut groups: HashMap<(Sym, Sym), Vec<(TimeMs, Dec)>, FnvBuild> = HashMap::default();
    for r in rows {
        groups
            .entry((r.wallet, r.coin))
            .or_default()
            .push((r.time, r.change));
    }
    groups
        .into_iter()
        .map(|((w, c), mut v)| {
            // Within one timestamp the order does not change any sum we read.
            v.sort_by_key(|x| x.0);
            let mut acc = Dec::ZERO;
            let mut s = Series {
                times: Vec::with_capacity(v.len()),
                prefix: Vec::with_capacity(v.len()),
            };
            for (t, d) in v {
                acc += d;
                s.times.push(t);
                s.prefix.push(acc);
            }
            ((w.to_string(), c.to_string()), s)
        })
        .collect()
}

/// Index of the first element of `0..n` where `pred` holds, assuming it is
/// false then true (a gap that appears stays). `n` when it never holds.
pub fn first_true(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;

    fn row(wallet: &str, coin: &str, time: TimeMs, change: &str) -> LedgerRow {
        crate::reconcile::test_rows::ledger(wallet, coin, time, Category::Deposit, change)
    }

    #[test]
    fn prefix_sums_answer_balance_at_any_time() {
        let rows = vec![
            row("Spot", "BTC", 30, "-0.4"),
            row("Spot", "BTC", 10, "1"),
            row("Spot", "BTC", 30, "0.1"),
            row("Funding", "BTC", 20, "5"),
        ];
        let r = running(&rows);
        let s = &r[&("Spot".to_string(), "BTC".to_string())];
        assert_eq!(s.through(9), Dec::ZERO);
        assert_eq!(s.through(10), Dec::parse("1").unwrap());
        // Both changes at 30: 1 − 0.4 + 0.1 = 0.7.
        assert_eq!(s.through(30), Dec::parse("0.7").unwrap());
        assert_eq!(s.between(11, 30), Dec::parse("-0.3").unwrap());
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn first_negative_applies_a_timestamp_at_once_and_respects_the_opening() {
        let rows = vec![
            row("Spot", "ETH", 10, "-1"),
            row("Spot", "ETH", 10, "1"),
            row("Spot", "ETH", 20, "-2"),
        ];
        let s = &running(&rows)[&("Spot".to_string(), "ETH".to_string())];
        // At 10: −1 + 1 = 0 (not negative); at 20: −2.
        assert_eq!(s.first_negative(Dec::ZERO), Some(20));
        assert_eq!(s.first_negative(Dec::parse("2").unwrap()), None);
    }

    #[test]
    fn first_true_finds_the_boundary() {
        let v = [false, false, true, true];
        assert_eq!(first_true(4, |i| v[i]), 2);
        assert_eq!(first_true(4, |_| false), 4);
        assert_eq!(first_true(0, |_| true), 0);
    }
}
