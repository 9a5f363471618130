//! The result of one `analyze` run: plain data handed to `report/`.

use crate::decimal::Dec;
use crate::detect::finding::Detection;
use crate::model::{Category, InputSummary, Origin, TimeMs};
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
    pub unmatched_rows: Vec<Origin>,
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
}
