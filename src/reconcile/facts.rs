//! Everything the reconciliation says beyond the bridge sums: openings and
//! observed balances (`balances.rs`), internal transfers that do not net to
//! zero, the change per asset inside each incident window versus outside,
//! and the running balances drawn in `balances.png`.

use super::balances::apply;
use super::book::{Book, TRADE_TOLERANCE_MS};
use super::running::{running, Running};
use super::snapshots::Snapshot;
use crate::analysis::{Attribution, BalanceFacts, BalanceSeries, ReconRow};
use crate::decimal::Dec;
use crate::detect::finding::Incident;
use crate::model::{Category, LedgerRow, TimeMs};
use std::collections::{BTreeMap, BTreeSet};

/// Most assets drawn in `balances.png`.
pub const CHART_ASSETS: usize = 4;
/// Most points per drawn asset (the last balance of each time bucket).
pub const CHART_POINTS: usize = 1500;

/// Complete `rows` (from `bridge`) with the balances file and the
/// incidents, and gather the facts the report shows.
pub fn balance_facts(
    account: &str,
    book: &Book,
    rows: &mut Vec<ReconRow>,
    snaps: &[Snapshot],
    incidents: &[Incident],
) -> BalanceFacts {
    let run = running(&book.rows);
    let facts = apply(account, rows, &run, snaps);
    let mut notes = Vec::new();
    if snaps.is_empty() {
        notes.push(
            "no balances file (--balances): openings are zero at the first export row and no residual can be computed"
                .to_string(),
        );
    } else {
        let known = rows.iter().filter(|r| r.opening.is_some()).count();
        notes.push(format!(
            "{} balance(s) given with --balances; {known} of {} rows have an opening from them, the others start at zero at their first export row",
            snaps.len(),
            rows.len()
        ));
    }
    let attribution = attribute(&run, incidents);
    let charts = charts(&book.rows, rows, &attribution);
    BalanceFacts {
        rows: facts,
        transfer_imbalances: transfer_imbalances(rows),
        attribution,
        charts,
        notes,
    }
}

/// Assets whose `transfer` category does not sum to zero over all wallets.
pub fn transfer_imbalances(rows: &[ReconRow]) -> Vec<(String, Dec)> {
    let mut net: BTreeMap<&str, Dec> = BTreeMap::new();
    for r in rows {
        if let Some(v) = r.by_category.get(&Category::Transfer) {
            *net.entry(r.asset.as_str()).or_default() += *v;
        }
    }
    net.into_iter()
        .filter(|(_, v)| !v.is_zero())
        .map(|(a, v)| (a.to_string(), v))
        .collect()
}

/// Windows widened by the trade-leg tolerance, so that statement legs
/// booked a second after the last fill still count inside.
fn window(i: &Incident) -> (TimeMs, TimeMs) {
    (
        i.start.saturating_sub(TRADE_TOLERANCE_MS),
        i.end.saturating_add(TRADE_TOLERANCE_MS),
    )
}

/// Per asset (summed over wallets) the change inside each incident window
/// and outside all of them (overlapping windows merged); only assets that
/// changed inside some window.
pub fn attribute(run: &Running, incidents: &[Incident]) -> Vec<Attribution> {
    if incidents.is_empty() {
        return Vec::new();
    }
    let mut merged: Vec<(TimeMs, TimeMs)> = incidents.iter().map(window).collect();
    merged.sort();
    let mut union: Vec<(TimeMs, TimeMs)> = Vec::new();
    for (a, b) in merged {
        match union.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => union.push((a, b)),
        }
    }
    let mut per_asset: BTreeMap<&str, (Vec<Dec>, Dec, Dec)> = BTreeMap::new();
    for ((_, asset), s) in run {
        let e = per_asset
            .entry(asset.as_str())
            .or_insert_with(|| (vec![Dec::ZERO; incidents.len()], Dec::ZERO, Dec::ZERO));
        for (k, inc) in incidents.iter().enumerate() {
            let (a, b) = window(inc);
            e.0[k] += s.between(a, b);
        }
        let total = s.prefix.last().copied().unwrap_or_default();
        let inside: Dec = union.iter().map(|&(a, b)| s.between(a, b)).sum();
        e.1 += total - inside;
        e.2 += total;
    }
    per_asset
        .into_iter()
        .filter(|(_, (ins, _, _))| ins.iter().any(|v| !v.is_zero()))
        .map(|(asset, (ins, outside, total))| Attribution {
            asset: asset.to_string(),
            inside: incidents.iter().map(|i| i.id.clone()).zip(ins).collect(),
            outside,
            total,
        })
        .collect()
}

/// Assets with a residual or a negative balance, not already in `first`.
fn flagged(rows: &[ReconRow], first: &[String]) -> Vec<String> {
    let set: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.residual.is_some_and(|x| !x.is_zero()) || r.first_negative_at.is_some())
        .map(|r| r.asset.as_str())
        .filter(|a| !first.iter().any(|x| x == a))
        .collect();
    set.into_iter().map(str::to_string).collect()
}

/// Running balance of the affected assets over all wallets, starting at the
/// sum of the known openings: the last balance in each of at most
/// [`CHART_POINTS`] equal time buckets (exact values). Assets changed inside
/// an incident come first, the largest share of their peak balance moved
/// inside first (then by name); then assets with a residual or a negative
/// balance; at most [`CHART_ASSETS`].
fn charts(
    book: &[LedgerRow],
    rows: &[ReconRow],
    attribution: &[Attribution],
) -> Vec<BalanceSeries> {
    let mut ranked: Vec<(f64, BalanceSeries)> = attribution
        .iter()
        .filter_map(|a| {
            let s = series(book, rows, &a.asset)?;
            let inside: Dec = a.inside.iter().map(|(_, v)| v.abs()).sum();
            let peak = s
                .points
                .iter()
                .map(|p| p.1.abs())
                .max()
                .unwrap_or(Dec::ZERO);
            let share = if peak.is_zero() {
                0.0
            } else {
                inside.to_f64() / peak.to_f64()
            };
            Some((share, s))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.asset.cmp(&b.1.asset)));
    let mut out: Vec<BalanceSeries> = ranked.into_iter().map(|(_, s)| s).collect();
    let names: Vec<String> = out.iter().map(|s| s.asset.clone()).collect();
    out.extend(
        flagged(rows, &names)
            .iter()
            .filter_map(|a| series(book, rows, a)),
    );
    out.truncate(CHART_ASSETS);
    out
}

fn series(book: &[LedgerRow], rows: &[ReconRow], asset: &str) -> Option<BalanceSeries> {
    let opening: Dec = rows
        .iter()
        .filter(|r| r.asset == asset)
        .filter_map(|r| r.opening)
        .sum();
    let mut changes: Vec<(TimeMs, Dec)> = book
        .iter()
        .filter(|r| r.coin == asset)
        .map(|r| (r.time, r.change))
        .collect();
    changes.sort_by_key(|c| c.0);
    let (first, last) = (changes.first()?.0, changes.last()?.0);
    let span = (i128::from(last) - i128::from(first)).max(1);
    let bucket =
        |t: TimeMs| (i128::from(t) - i128::from(first)) * (CHART_POINTS as i128 - 1) / span;
    let mut points: Vec<(TimeMs, Dec)> = vec![(first, opening)];
    let mut bal = opening;
    for (i, (t, c)) in changes.iter().enumerate() {
        bal += *c;
        let end_of_bucket = changes.get(i + 1).is_none_or(|n| bucket(n.0) != bucket(*t));
        if end_of_bucket {
            points.push((*t, bal));
        }
    }
    Some(BalanceSeries {
        asset: asset.to_string(),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::finding::Severity;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }
    fn row(wallet: &str, coin: &str, time: TimeMs, cat: Category, change: &str) -> LedgerRow {
        crate::reconcile::test_rows::ledger(wallet, coin, time, cat, change)
    }
    fn incident(id: &str, start: TimeMs, end: TimeMs) -> Incident {
        Incident {
            id: id.into(),
            account: "acc".into(),
            severity: Severity::High,
            start,
            end,
            symbols: vec![],
            findings: vec![],
            summary: String::new(),
        }
    }

    #[test]
    fn change_inside_each_window_and_outside_all() {
        let t = 1_000_000;
        let rows = vec![
            row("Spot", "USDT", t - 50_000, Category::Deposit, "1000"),
            // Leg one second after the window end still counts inside.
            row("Spot", "USDT", t + 10_000 + 1_000, Category::Sell, "-600"),
            row("Spot", "USDT", t + 5_000, Category::Sell, "-300"),
            row("Funding", "USDT", t + 7_000, Category::Transfer, "-50"),
            row("Spot", "USDT", t + 100_000, Category::Sell, "-20"),
            row("Spot", "XYZ", t + 20_000, Category::Buy, "5"),
        ];
        let run = running(&rows);
        let incs = [
            incident("incident-0001", t, t + 10_000),
            incident("incident-0002", t + 5_000, t + 30_000),
        ];
        let a = attribute(&run, &incs);
        assert_eq!(a.len(), 2);
        // USDT: window 1 [t−1 s, t+11 s] holds −600 −300 −50 = −950; window 2
        // [t+4 s, t+31 s] holds the same three; outside: +1000 − 20 = 980.
        assert_eq!(a[0].asset, "USDT");
        assert_eq!(
            a[0].inside,
            vec![
                ("incident-0001".to_string(), d("-950")),
                ("incident-0002".to_string(), d("-950"))
            ]
        );
        assert_eq!(a[0].outside, d("980"));
        assert_eq!(a[0].total, d("30"));
        // XYZ bought only inside window 2.
        assert_eq!(a[1].inside[0].1, Dec::ZERO);
        assert_eq!(a[1].inside[1].1, d("5"));
        assert_eq!(a[1].outside, Dec::ZERO);
    }

    #[test]
    fn transfers_that_do_not_net_to_zero_are_listed() {
        let book = Book {
            rows: vec![
                row("Spot", "PEPE", 1, Category::Transfer, "1000"),
                row("Funding", "PEPE", 1, Category::Transfer, "-1000"),
                row("Spot", "BTC", 2, Category::Transfer, "0.5"),
                row("Funding", "BTC", 2, Category::Transfer, "-0.4"),
            ],
            ..Book::default()
        };
        let mut rows = super::super::bridge("acc", &book).unwrap();
        let f = balance_facts("acc", &book, &mut rows, &[], &[]);
        assert_eq!(f.transfer_imbalances, vec![("BTC".to_string(), d("0.1"))]);
    }

    #[test]
    fn chart_puts_the_asset_most_moved_inside_an_incident_first() {
        // AAA: 100 held, 10 sold inside (share 0.1). ZZZ: 5 bought inside (share 1).
        let book = Book {
            rows: vec![
                row("Spot", "AAA", 0, Category::Deposit, "100"),
                row("Spot", "AAA", 10_000, Category::Sell, "-10"),
                row("Spot", "ZZZ", 10_000, Category::Buy, "5"),
            ],
            ..Book::default()
        };
        let mut recon = super::super::bridge("acc", &book).unwrap();
        let f = balance_facts(
            "acc",
            &book,
            &mut recon,
            &[],
            &[incident("i", 9_000, 11_000)],
        );
        let names: Vec<&str> = f.charts.iter().map(|c| c.asset.as_str()).collect();
        assert_eq!(names, ["ZZZ", "AAA"]);
        assert_eq!(
            f.charts[1].points,
            vec![(0, Dec::ZERO), (0, d("100")), (10_000, d("90"))]
        );
    }

    #[test]
    fn chart_series_is_exact_and_bucketed() {
        // 5000 deposits of 0.00000001 BTC, one per second, and one incident.
        let rows: Vec<LedgerRow> = (0..5000)
            .map(|k| row("Spot", "BTC", k * 1000, Category::Deposit, "0.00000001"))
            .collect();
        let book = Book {
            rows,
            ..Book::default()
        };
        let mut recon = super::super::bridge("acc", &book).unwrap();
        let f = balance_facts("acc", &book, &mut recon, &[], &[incident("i", 0, 10_000)]);
        let s = &f.charts[0];
        assert_eq!(s.asset, "BTC");
        assert!(s.points.len() <= CHART_POINTS + 1, "{}", s.points.len());
        assert_eq!(s.points[0], (0, Dec::ZERO));
        assert_eq!(*s.points.last().unwrap(), (4_999_000, d("0.00005")));
        // Balances never decrease here.
        assert!(s
            .points
            .windows(2)
            .all(|w| w[0].1 <= w[1].1 && w[0].0 <= w[1].0));
    }
}
