//! The result of one `analyze` run: plain data handed to `report/`.

use crate::decimal::Dec;
use crate::detect::finding::Detection;
use crate::model::{Category, InputSummary, LedgerRow, Origin, TimeMs};
use std::collections::BTreeMap;

/// One row of the reconciliation bridge: exactly one per (account, wallet, asset).
#[derive(Clone, Debug, PartialEq)]
pub struct ReconRow {
    pub account: String,
    pub wallet: String,
    pub asset: String,
    /// Opening balance, `None` when unknown (taken as zero at the first row).
    pub opening: Option<Dec>,
    pub net_change: Dec,
    /// Non-zero categories only; values sum to `net_change`.
    pub by_category: BTreeMap<crate::model::Category, Dec>,
    pub expected_closing: Option<Dec>,
    pub observed_closing: Option<Dec>,
    pub residual: Option<Dec>,
    pub first_negative_at: Option<TimeMs>,
    pub unmatched_rows: Vec<UnmatchedRow>,
}

/// A row of either side of the three-way match that found no counterpart.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnmatchedRow {
    pub origin: Origin,
    /// Canonical table: `ledger` (statement, futures, margin, earn rows),
    /// `fills` or `transfers`.
    pub table: &'static str,
    pub time: TimeMs,
    /// Which leg of a trade row: `base`, `quote` or `fee` (futures trades:
    /// `fee` or `realized_pnl`); `None` for a one-row event.
    pub leg: Option<&'static str>,
    /// The balance change the row (or leg) stands for, signed and exact.
    pub change: Dec,
}

impl UnmatchedRow {
    pub fn of(row: &LedgerRow, table: &'static str, leg: Option<&'static str>) -> UnmatchedRow {
        UnmatchedRow {
            origin: row.origin.clone(),
            table,
            time: row.time,
            leg,
            change: row.change,
        }
    }
}

impl ReconRow {
    pub fn category(&self, c: Category) -> Dec {
        self.by_category.get(&c).copied().unwrap_or(Dec::ZERO)
    }
}

/// Orders (or fills where no order history exists) per minute, for charts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityBucket {
    /// Start of the minute, UTC ms.
    pub minute: TimeMs,
    pub orders: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub tool_version: String,
    /// Options that shaped the result (sorted; no output paths).
    pub options: BTreeMap<String, String>,
    pub generated_at: TimeMs,
    pub account: String,
    pub first_time: Option<TimeMs>,
    pub last_time: Option<TimeMs>,
    pub inputs: Vec<InputSummary>,
    pub detection: Detection,
    pub reconciliation: Vec<ReconRow>,
    /// Which source the bridge rests on, in words.
    pub book_note: String,
    pub activity: Vec<ActivityBucket>,
    /// Openings, observed balances, residual location, incident attribution.
    pub balances: BalanceFacts,
}

/// Facts of the balance reconciliation beyond the bridge rows (`reconcile::facts`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BalanceFacts {
    /// One per reconciliation row, same (wallet, asset) order.
    pub rows: Vec<RowFacts>,
    /// Assets whose internal transfers between wallets do not net to zero: (asset, net).
    pub transfer_imbalances: Vec<(String, Dec)>,
    /// Per asset, the change inside each incident window and outside all of them.
    pub attribution: Vec<Attribution>,
    /// Running balances of the affected assets (all wallets), for `balances.png`.
    pub charts: Vec<BalanceSeries>,
    /// Sentences for the report (which opening, what was given).
    pub notes: Vec<String>,
}

/// Where a row's opening and observed balance come from, and where its residual appears.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowFacts {
    pub wallet: String,
    pub asset: String,
    /// "balances file line N" or "zero at the first export row".
    pub opening_source: String,
    /// Time of the observed closing; `None` for the end of the exports.
    pub observed_at: Option<TimeMs>,
    /// The residual first appears after `.0` (None: from the start) and at or before `.1` (None: the end).
    pub residual_window: Option<(Option<TimeMs>, Option<TimeMs>)>,
    /// Every given balance (other than the one the opening rests on) that
    /// differs from the expected balance at its time, in time order.
    pub mismatches: Vec<BalanceMismatch>,
}

/// A balance from the balances file that the exports contradict.
#[derive(Clone, Debug, PartialEq)]
pub struct BalanceMismatch {
    /// 1-based line in the balances file.
    pub line: u32,
    /// `None`: the end of the exports.
    pub at: Option<TimeMs>,
    pub observed: Dec,
    /// Opening plus every change at or before `at`.
    pub expected: Dec,
    /// `observed − expected`, exact.
    pub difference: Dec,
}

/// One asset's change inside each incident window (±1 s) and outside all of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    pub asset: String,
    /// (incident id, change inside its window), in incident order.
    pub inside: Vec<(String, Dec)>,
    pub outside: Dec,
    pub total: Dec,
}

/// Running balance of one asset over all wallets: (time, balance after that time).
#[derive(Clone, Debug, PartialEq)]
pub struct BalanceSeries {
    pub asset: String,
    pub points: Vec<(TimeMs, Dec)>,
}
