//! Ledger rows for the reconcile unit tests (one builder, not one per file).

use crate::decimal::Dec;
use crate::model::{Category, LedgerRow, Origin, TimeMs};

/// A statement row `s.csv` row 2 with the given wallet, coin, time, category and change.
pub fn ledger(
    wallet: &str,
    coin: &str,
    time: TimeMs,
    category: Category,
    change: &str,
) -> LedgerRow {
    LedgerRow {
        origin: Origin {
            file: "s.csv".into(),
            row: 2,
        },
        time,
        wallet: wallet.into(),
        operation: "x".into(),
        category,
        coin: coin.into(),
        change: Dec::parse(change).unwrap(),
        remark: String::new(),
    }
}
