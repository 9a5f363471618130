//! Overlapping exports merge as multisets: for every identical row key, the
//! file holding it most often is kept whole and the same rows in the other
//! files count as duplicates. Identical rows inside one file are separate
//! events (several fills at one second) and are never merged.

use super::file::FileRows;
use super::NormalizedFile;
use crate::model::{Conversion, Fill, FuturesFill, LedgerRow, Order, Transfer};
use std::collections::BTreeMap;

/// Remove cross-file duplicates from every table, updating the counts.
pub fn dedup(files: &mut [NormalizedFile]) {
    table(files, |r| &mut r.ledger, ledger_key);
    table(files, |r| &mut r.fills, fill_key);
    table(files, |r| &mut r.orders, order_key);
    table(files, |r| &mut r.transfers, transfer_key);
    table(files, |r| &mut r.conversions, conversion_key);
    table(files, |r| &mut r.futures_fills, futures_fill_key);
}

fn table<T>(
    files: &mut [NormalizedFile],
    get: fn(&mut FileRows) -> &mut Vec<T>,
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
    // key → count per file index
    let mut counts: BTreeMap<String, BTreeMap<usize, usize>> = BTreeMap::new();
    for (i, f) in files.iter_mut().enumerate() {
        for row in get(&mut f.rows).iter() {
            *counts.entry(key(row)).or_default().entry(i).or_default() += 1;
        }
    }
    // winner file per key: most rows, then the earliest file
    let winner: BTreeMap<&String, usize> = counts
        .iter()
        .filter(|(_, per)| per.len() > 1)
        .map(|(k, per)| {
            let best = per
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(i, _)| *i)
                .unwrap_or(0);
            (k, best)
        })
        .collect();
    if winner.is_empty() {
        return;
    }
    for (i, f) in files.iter_mut().enumerate() {
        let rows = get(&mut f.rows);
        let before = rows.len();
        rows.retain(|r| winner.get(&key(r)).is_none_or(|w| *w == i));
        let removed = (before - rows.len()) as u64;
        f.summary.rows_normalized -= removed;
        f.summary.rows_duplicate += removed;
    }
}

fn ledger_key(r: &LedgerRow) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}",
        r.time,
        r.wallet,
        r.operation.to_lowercase(),
        r.coin,
        r.change,
        r.remark
    )
}

fn fill_key(r: &Fill) -> String {
    format!(
        "{}|{}|{:?}|{}|{}|{}|{:?}|{:?}|{:?}|{:?}",
        r.time,
        r.symbol,
        r.side,
        r.price,
        r.qty,
        r.quote_qty,
        r.fee,
        r.fee_asset,
        r.order_id,
        r.trade_id
    )
}

fn order_key(r: &Order) -> String {
    format!(
        "{}|{:?}|{}|{:?}|{}|{:?}|{:?}|{}|{}",
        r.time,
        r.order_id,
        r.symbol,
        r.side,
        r.order_type,
        r.price,
        r.orig_qty,
        r.executed_qty,
        r.status
    )
}

fn transfer_key(r: &Transfer) -> String {
    format!(
        "{}|{:?}|{}|{}|{}|{:?}|{:?}|{}",
        r.time, r.direction, r.coin, r.amount, r.fee, r.address, r.txid, r.status
    )
}

fn conversion_key(r: &Conversion) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}",
        r.time, r.wallet, r.from_asset, r.from_qty, r.to_asset, r.to_qty, r.status
    )
}

fn futures_fill_key(r: &FuturesFill) -> String {
    format!(
        "{}|{}|{:?}|{}|{}|{}|{}|{}|{}|{:?}",
        r.time,
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
