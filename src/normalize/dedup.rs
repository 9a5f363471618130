//! Overlapping exports merge as multisets: for every identical row key, the
//! file holding it most often is kept whole and the same rows in the other
//! files count as duplicates. Identical rows inside one file are separate
//! events (several fills at one second) and are never merged. A file whose
//! times lost their seconds matches any time within the minute.

use super::file::FileRows;
use super::NormalizedFile;
use crate::model::{Conversion, Fill, FuturesFill, LedgerRow, Order, TimeMs, Transfer};
use std::collections::{BTreeMap, BTreeSet};

/// Remove cross-file duplicates from every table, updating the counts.
///
/// A file whose times lost their seconds (a spreadsheet re-save) holds a
/// time that stands for any time within its minute: where such a file takes
/// part, rows are compared by the minute, and the file holding the key most
/// often in that minute wins (on a tie a file with seconds, then the earlier
/// file). Between files that both carry seconds, times compare exactly.
pub fn dedup(files: &mut [NormalizedFile]) {
    table(files, |r| &mut r.ledger, |r| r.time, ledger_key);
    table(files, |r| &mut r.fills, |r| r.time, fill_key);
    table(files, |r| &mut r.orders, |r| r.time, order_key);
    table(files, |r| &mut r.transfers, |r| r.time, transfer_key);
    table(files, |r| &mut r.conversions, |r| r.time, conversion_key);
    table(
        files,
        |r| &mut r.futures_fills,
        |r| r.time,
        futures_fill_key,
    );
}

const MINUTE_MS: TimeMs = 60_000;

/// (row key without the time, start of the row's minute).
type Group = (String, TimeMs);

fn table<T>(
    files: &mut [NormalizedFile],
    get: fn(&mut FileRows) -> &mut Vec<T>,
    time: fn(&T) -> TimeMs,
    key: fn(&T) -> String,
) {
    // Cross-file duplicates need rows of this table in two files at least.
    let mut holding = 0;
    for f in files.iter_mut() {
        holding += usize::from(!get(&mut f.rows).is_empty());
    }
    if holding < 2 {
        return;
    }
    let minute_only: Vec<bool> = files.iter().map(|f| f.seconds_missing()).collect();
    let group = |r: &T| (key(r), time(r).div_euclid(MINUTE_MS) * MINUTE_MS);
    // (key, minute) → file index → exact time → count
    let mut counts: BTreeMap<Group, BTreeMap<usize, BTreeMap<TimeMs, usize>>> = BTreeMap::new();
    for (i, f) in files.iter_mut().enumerate() {
        for row in get(&mut f.rows).iter() {
            *counts
                .entry(group(row))
                .or_default()
                .entry(i)
                .or_default()
                .entry(time(row))
                .or_default() += 1;
        }
    }
    // Rows to drop: (file, group, exact time or None for the whole minute).
    let mut drop: BTreeSet<(usize, Group, Option<TimeMs>)> = BTreeSet::new();
    for (g, per) in counts.iter().filter(|(_, per)| per.len() > 1) {
        if per.keys().any(|i| minute_only[*i]) {
            let n: Vec<(usize, usize)> = per.iter().map(|(i, t)| (*i, t.values().sum())).collect();
            let best = winner(&n, &minute_only);
            for (i, _) in n.into_iter().filter(|(i, _)| *i != best) {
                drop.insert((i, g.clone(), None));
            }
        } else {
            let exact: BTreeSet<TimeMs> = per.values().flat_map(|t| t.keys().copied()).collect();
            for t in exact {
                let n: Vec<(usize, usize)> = per
                    .iter()
                    .filter_map(|(i, ts)| ts.get(&t).map(|c| (*i, *c)))
                    .collect();
                if n.len() < 2 {
                    continue;
                }
                let best = winner(&n, &minute_only);
                for (i, _) in n.into_iter().filter(|(i, _)| *i != best) {
                    drop.insert((i, g.clone(), Some(t)));
                }
            }
        }
    }
    if drop.is_empty() {
        return;
    }
    for (i, f) in files.iter_mut().enumerate() {
        let rows = get(&mut f.rows);
        let before = rows.len();
        rows.retain(|r| {
            let g = group(r);
            let t = time(r);
            !drop.contains(&(i, g.clone(), None)) && !drop.contains(&(i, g, Some(t)))
        });
        let removed = (before - rows.len()) as u64;
        f.summary.rows_normalized -= removed;
        f.summary.rows_duplicate += removed;
    }
}

/// The file holding the key most often; on a tie a file with seconds, then
/// the earliest file.
fn winner(counts: &[(usize, usize)], minute_only: &[bool]) -> usize {
    counts
        .iter()
        .max_by(|a, b| {
            a.1.cmp(&b.1)
                .then(minute_only[b.0].cmp(&minute_only[a.0]))
                .then(b.0.cmp(&a.0))
        })
        .map(|(i, _)| *i)
        .unwrap_or(0)
}

fn ledger_key(r: &LedgerRow) -> String {
    format!(
        "{}|{}|{}|{}|{}",
        r.wallet,
        r.operation.to_lowercase(),
        r.coin,
        r.change,
        r.remark
    )
}

fn fill_key(r: &Fill) -> String {
    format!(
        "{}|{:?}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}",
        r.symbol, r.side, r.price, r.qty, r.quote_qty, r.fee, r.fee_asset, r.order_id, r.trade_id
    )
}

fn order_key(r: &Order) -> String {
    format!(
        "{:?}|{}|{:?}|{}|{:?}|{:?}|{}|{}",
        r.order_id, r.symbol, r.side, r.order_type, r.price, r.orig_qty, r.executed_qty, r.status
    )
}

fn transfer_key(r: &Transfer) -> String {
    format!(
        "{:?}|{}|{}|{}|{:?}|{:?}|{}",
        r.direction, r.coin, r.amount, r.fee, r.address, r.txid, r.status
    )
}

fn conversion_key(r: &Conversion) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}",
        r.wallet, r.from_asset, r.from_qty, r.to_asset, r.to_qty, r.status
    )
}

fn futures_fill_key(r: &FuturesFill) -> String {
    format!(
        "{}|{:?}|{}|{}|{}|{}|{}|{}|{:?}",
        r.symbol,
        r.side,
        r.price,
        r.qty,
        r.fee,
        r.fee_asset,
        r.realized_pnl,
        r.pnl_asset,
        r.trade_id
    )
}
