//! Observed balances (`--balances`) against the bridge, per (wallet, asset):
//!
//! - **opening**: the latest snapshot at or before the row's first change,
//!   less the changes at or before the snapshot's time (a snapshot at T is
//!   the balance after every change at or before T); without one, zero at
//!   the first export row (said so).
//! - **observed closing**: the latest other snapshot (an untimed one is the
//!   end of the exports). `residual = observed − (opening + Σ changes at or
//!   before its time)`, exact; when the snapshot is at or after the last
//!   change that is `observed − expected_closing`.
//! - **location**: with several snapshots, the residual at each is computed
//!   in O(log n) and a binary search finds the first snapshot that already
//!   shows the final residual; the gap appeared between the snapshot before
//!   it and that one (a day, with daily snapshots).

use super::running::{first_true, Running, Series};
use super::snapshots::Snapshot;
use crate::analysis::{BalanceMismatch, ReconRow, RowFacts};
use crate::decimal::Dec;
use crate::model::TimeMs;
use crate::timefmt::rfc3339_ms;
use std::collections::BTreeMap;

/// Fill opening, observed closing, residual and first negative of `rows`
/// (adding rows for assets that only the balances file names) and return
/// one [`RowFacts`] per row, in row order.
pub fn apply(
    account: &str,
    rows: &mut Vec<ReconRow>,
    run: &Running,
    snaps: &[Snapshot],
) -> Vec<RowFacts> {
    let mut by_key: BTreeMap<(String, String), Vec<&Snapshot>> = BTreeMap::new();
    for s in snaps {
        by_key
            .entry((s.wallet.clone(), s.asset.clone()))
            .or_default()
            .push(s);
    }
    for (wallet, asset) in by_key.keys() {
        if !rows
            .iter()
            .any(|r| &r.wallet == wallet && &r.asset == asset)
        {
            rows.push(empty_row(account, wallet, asset));
        }
    }
    rows.sort_by(|a, b| (&a.wallet, &a.asset).cmp(&(&b.wallet, &b.asset)));
    let empty = Series::default();
    rows.iter_mut()
        .map(|r| {
            let key = (r.wallet.clone(), r.asset.clone());
            let series = run.get(&key).unwrap_or(&empty);
            let mut list = by_key.get(&key).cloned().unwrap_or_default();
            list.sort_by_key(|s| (s.time.unwrap_or(TimeMs::MAX), s.line));
            apply_one(r, series, &list)
        })
        .collect()
}

fn empty_row(account: &str, wallet: &str, asset: &str) -> ReconRow {
    ReconRow {
        account: account.to_string(),
        wallet: wallet.to_string(),
        asset: asset.to_string(),
        opening: None,
        net_change: Dec::ZERO,
        by_category: BTreeMap::new(),
        expected_closing: Some(Dec::ZERO),
        observed_closing: None,
        residual: None,
        first_negative_at: None,
        unmatched_rows: Vec::new(),
    }
}

/// `snaps`: this row's snapshots, by time (untimed last).
fn apply_one(r: &mut ReconRow, s: &Series, snaps: &[&Snapshot]) -> RowFacts {
    let first = s.first_time();
    // Opening: the latest timed snapshot at or before the first change
    // (any timed snapshot when there is no change at all).
    let opening_idx = snaps
        .iter()
        .rposition(|x| x.time.is_some_and(|t| first.is_none_or(|f| t <= f)));
    let mut facts = RowFacts {
        wallet: r.wallet.clone(),
        asset: r.asset.clone(),
        opening_source: match first {
            Some(f) => format!("zero at the first export row ({})", rfc3339_ms(f)),
            None => "zero (no balance change in the exports)".to_string(),
        },
        observed_at: None,
        residual_window: None,
        mismatches: Vec::new(),
    };
    let mut opening = Dec::ZERO;
    let mut opening_time = None;
    if let Some(i) = opening_idx {
        let snap = snaps[i];
        let t = snap.time.unwrap_or(TimeMs::MIN);
        opening = snap.balance - s.through(t);
        opening_time = Some(t);
        r.opening = Some(opening);
        facts.opening_source = format!(
            "balances file line {} ({} at {})",
            snap.line,
            snap.balance,
            rfc3339_ms(t)
        );
    }
    r.expected_closing = Some(opening + r.net_change);
    r.first_negative_at = s.first_negative(opening);
    // Check points: every snapshot after the opening one.
    let checks: Vec<&Snapshot> = match opening_idx {
        Some(i) => snaps[i + 1..].to_vec(),
        None => snaps.to_vec(),
    };
    let expected_at =
        |x: &Snapshot| -> Dec { opening + x.time.map_or(r.net_change, |t| s.through(t)) };
    let residual_at = |x: &Snapshot| -> Dec { x.balance - expected_at(x) };
    // Every given balance but the opening's, checked against the exports.
    facts.mismatches = snaps
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != opening_idx)
        .map(|(_, x)| BalanceMismatch {
            line: x.line,
            at: x.time,
            observed: x.balance,
            expected: expected_at(x),
            difference: residual_at(x),
        })
        .filter(|m| !m.difference.is_zero())
        .collect();
    let Some(last) = checks.last() else {
        return facts;
    };
    let residual = residual_at(last);
    r.observed_closing = Some(last.balance);
    r.residual = Some(residual);
    facts.observed_at = last.time;
    if !residual.is_zero() {
        let k = first_true(checks.len(), |i| residual_at(checks[i]) == residual);
        let before = if k == 0 {
            opening_time
        } else {
            checks[k - 1].time
        };
        facts.residual_window = Some((before, checks[k].time));
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::super::running::running;
    use super::*;
    use crate::model::{Category, LedgerRow};

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }
    fn row(time: TimeMs, change: &str) -> LedgerRow {
        crate::reconcile::test_rows::ledger("Spot", "BTC", time, Category::Deposit, change)
    }
    fn snap(time: Option<TimeMs>, balance: &str, line: u32) -> Snapshot {
        Snapshot {
            wallet: "Spot".into(),
            asset: "BTC".into(),
            balance: d(balance),
            time,
            line,
        }
    }
    fn recon(net: &str) -> ReconRow {
        let mut r = empty_row("acc", "Spot", "BTC");
        r.net_change = d(net);
        r
    }

    #[test]
    fn opening_before_the_first_row_and_closing_after_the_last() {
        // Changes +1 at 100, −0.25 at 200: net 0.75.
        let run = running(&[row(100, "1"), row(200, "-0.25")]);
        let snaps = [snap(Some(50), "2", 2), snap(None, "2.75", 3)];
        let mut rows = vec![recon("0.75")];
        let facts = apply("acc", &mut rows, &run, &snaps);
        assert_eq!(rows[0].opening, Some(d("2")));
        assert_eq!(rows[0].expected_closing, Some(d("2.75")));
        assert_eq!(rows[0].residual, Some(Dec::ZERO));
        assert!(facts[0].opening_source.starts_with("balances file line 2"));
        assert_eq!(facts[0].residual_window, None);
    }

    #[test]
    fn a_snapshot_at_the_first_rows_time_already_holds_that_row() {
        // Snapshot 1 at t=100 includes the +1 at 100: opening 0.
        let run = running(&[row(100, "1"), row(200, "-0.25")]);
        let mut rows = vec![recon("0.75")];
        apply(
            "acc",
            &mut rows,
            &run,
            &[snap(Some(100), "1", 2), snap(Some(300), "0.7", 3)],
        );
        assert_eq!(rows[0].opening, Some(Dec::ZERO));
        // Observed 0.7 against expected 0.75: −0.05.
        assert_eq!(rows[0].residual, Some(d("-0.05")));
    }

    #[test]
    fn residual_is_located_between_two_snapshots() {
        // Real account: +1 at each of t = 10, 20, 30, 40; the export lost the one at 30.
        let run = running(&[row(10, "1"), row(20, "1"), row(40, "1")]);
        let snaps: Vec<Snapshot> = (1..=4)
            .map(|k| snap(Some(k * 10 + 5), &k.to_string(), k as u32 + 1))
            .collect();
        let mut rows = vec![recon("3")];
        let facts = apply("acc", &mut rows, &run, &snaps);
        // Opening unknown (zero); observed 4 at 45 vs expected 3.
        assert_eq!(rows[0].opening, None);
        assert_eq!(rows[0].residual, Some(d("1")));
        // At 25 the residual is 0 (2 − 2), at 35 it is 1 (3 − 2): between 25 and 35.
        assert_eq!(facts[0].residual_window, Some((Some(25), Some(35))));
        assert_eq!(facts[0].observed_at, Some(45));
        assert!(facts[0]
            .opening_source
            .starts_with("zero at the first export row"));
    }

    #[test]
    fn opening_makes_a_negative_running_balance_positive() {
        let run = running(&[row(100, "-1")]);
        let mut rows = vec![recon("-1")];
        apply("acc", &mut rows, &run, &[]);
        assert_eq!(rows[0].first_negative_at, Some(100));
        apply("acc", &mut rows, &run, &[snap(Some(1), "1", 2)]);
        assert_eq!(rows[0].first_negative_at, None);
        assert_eq!(rows[0].expected_closing, Some(Dec::ZERO));
    }

    #[test]
    fn assets_only_in_the_balances_file_get_a_row() {
        let mut rows = Vec::new();
        let facts = apply(
            "acc",
            &mut rows,
            &Running::new(),
            &[snap(Some(1), "3", 2), snap(None, "3", 3)],
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].opening, Some(d("3")));
        assert_eq!(rows[0].residual, Some(Dec::ZERO));
        assert_eq!(facts.len(), 1);
    }
}
