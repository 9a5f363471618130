//! The small per-account summary that `compare` keeps after analyzing an
//! account (the full rows are dropped): what the joins need and the
//! per-account table shows.

use super::WINDOW_MS;
use crate::analysis::Analysis;
use crate::detect::finding::{Evidence, Incident, LossEstimate, Table, Verdict};
use crate::model::{Account, Direction, Fill, InputSummary, Side, TimeMs, Transfer};
use std::collections::BTreeMap;

/// The first fill of an account in a symbol.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstEntry {
    pub symbol: String,
    pub time: TimeMs,
    pub side: Side,
    /// Milliseconds of history the account had before this fill.
    pub history_before: TimeMs,
    pub evidence: Evidence,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AccountSummary {
    pub account: String,
    /// Name of the account's input directory; evidence files are prefixed with it.
    pub dir: String,
    pub verdict: Verdict,
    pub first_time: Option<TimeMs>,
    pub last_time: Option<TimeMs>,
    pub loss: LossEstimate,
    pub incidents: Vec<Incident>,
    /// (detector, start, end) of every single-account finding.
    pub finding_windows: Vec<(String, TimeMs, TimeMs)>,
    pub inputs: Vec<InputSummary>,
    /// Sorted by symbol.
    pub first_entries: Vec<FirstEntry>,
    /// Fills kept for the joins: inside incident windows (± 15 min), in the
    /// 15 min after a first entry, or every fill of a suspect account.
    /// Sorted by (time, origin).
    pub fills: Vec<Evidence>,
    /// Transfers with an address or TXID, sorted by (time, origin).
    pub transfers: Vec<Evidence>,
    /// Given with `--suspect`: every fill is kept and joined by trade id.
    pub suspect: bool,
}

impl AccountSummary {
    /// Summarize one analyzed account; `dir` prefixes every evidence file.
    pub fn new(a: &Analysis, acc: &Account, dir: &str, suspect: bool) -> AccountSummary {
        let prefix = |file: &str| format!("{dir}/{file}");
        let d = &a.detection;
        let mut first: BTreeMap<&str, &Fill> = BTreeMap::new();
        for f in &acc.fills {
            // Fills are sorted by (time, origin): the first seen is the first.
            first.entry(f.symbol.as_str()).or_insert(f);
        }
        let history_start = a.first_time.unwrap_or(i64::MIN / 2);
        let first_entries: Vec<FirstEntry> = first
            .values()
            .map(|f| FirstEntry {
                symbol: f.symbol.to_string(),
                time: f.time,
                side: f.side,
                history_before: f.time - history_start,
                evidence: fill_evidence(f, &prefix),
            })
            .collect();
        let mut windows: Vec<(TimeMs, TimeMs)> = d
            .incidents
            .iter()
            .map(|i| (i.start - WINDOW_MS, i.end + WINDOW_MS))
            .collect();
        windows.extend(first_entries.iter().map(|e| (e.time, e.time + WINDOW_MS)));
        let keep = |t: TimeMs| suspect || windows.iter().any(|w| w.0 <= t && t <= w.1);
        let fills = acc
            .fills
            .iter()
            .filter(|f| keep(f.time))
            .map(|f| fill_evidence(f, &prefix))
            .collect();
        let transfers = acc
            .transfers
            .iter()
            .filter(|t| t.completed && (t.address.is_some() || t.txid.is_some()))
            .map(|t| transfer_evidence(t, &prefix))
            .collect();
        let mut inputs = a.inputs.clone();
        for i in &mut inputs {
            i.path = prefix(&i.path);
        }
        AccountSummary {
            account: a.account.clone(),
            dir: dir.to_string(),
            verdict: d.verdict,
            first_time: a.first_time,
            last_time: a.last_time,
            loss: d.loss.clone(),
            incidents: d.incidents.clone(),
            finding_windows: d
                .findings
                .iter()
                .map(|f| (f.detector.clone(), f.start, f.end))
                .collect(),
            inputs,
            first_entries,
            fills,
            transfers,
            suspect,
        }
    }

    /// Whether one of the account's incidents overlaps `[start, end]` widened by 15 min.
    pub fn incident_overlaps(&self, start: TimeMs, end: TimeMs) -> bool {
        self.incidents
            .iter()
            .any(|i| i.start <= end + WINDOW_MS && start - WINDOW_MS <= i.end)
    }
}

fn fill_evidence(f: &Fill, prefix: &impl Fn(&str) -> String) -> Evidence {
    let mut e = crate::detect::util::fill_evidence(f);
    e.origin.file = prefix(&e.origin.file).into();
    e
}

fn transfer_evidence(t: &Transfer, prefix: &impl Fn(&str) -> String) -> Evidence {
    let mut origin = t.origin.clone();
    origin.file = prefix(&origin.file).into();
    Evidence {
        origin,
        table: Table::Transfers,
        time: t.time,
        symbol: None,
        side: Some(
            match t.direction {
                Direction::Deposit => "deposit",
                Direction::Withdrawal => "withdrawal",
            }
            .to_string(),
        ),
        price: None,
        qty: Some(t.amount),
        asset: Some(t.coin.to_string()),
        order_id: None,
        trade_id: None,
        txid: t.txid.clone(),
        address: t.address.clone(),
    }
}
