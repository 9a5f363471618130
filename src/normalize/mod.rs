//! Raw files → canonical rows, with every row accounted for:
//! `rows_read = normalized + rejected + duplicate + ignored`.

pub mod amount;
pub mod buy_crypto;
pub mod convert;
pub mod dedup;
pub mod earn;
pub mod fast;
pub mod fiat;
pub mod file;
pub mod frames;
pub mod futures_trades;
pub mod futures_transactions;
pub mod margin;
pub mod operations;
pub mod orders;
pub mod p2p;
pub mod row_shape;
pub mod statement;
pub mod statement_fills;
pub mod symbols;
pub mod time;
pub mod trades;
pub mod transfers;

use crate::error::Error;
use crate::ingest::RawFile;
use crate::model::{FileKind, InputSummary, Rejection, TimeMs, Warning};
use file::{FileCtx, FileRows};

/// One normalized file: its rows and its summary (duplicates not yet counted).
pub struct NormalizedFile {
    pub rows: FileRows,
    pub summary: InputSummary,
}

impl NormalizedFile {
    /// True when the file's times lost their seconds (a spreadsheet re-save):
    /// a time there stands for any time within that minute.
    pub fn seconds_missing(&self) -> bool {
        self.summary
            .warnings
            .iter()
            .any(|w| w.code == "seconds-missing")
    }
}

/// Normalize one sniffed file (or finish one the fast reader normalized).
pub fn normalize_file(
    mut raw: RawFile,
    account: &str,
    skip_errors: bool,
) -> Result<NormalizedFile, Error> {
    if let Some(pre) = raw.pre.take() {
        let pre = *pre;
        let mut warnings = raw.sniffed.warnings.clone();
        warnings.extend(pre.warnings);
        let parts = Parts {
            rows: pre.rows,
            rejections: Vec::new(),
            ignored: Vec::new(),
            warnings,
            rows_read: pre.rows_read,
        };
        return Ok(finish(&raw, account, parts));
    }
    let (checked, short_rows) = row_shape::check(&raw, skip_errors)?;
    let grid = checked.as_ref().unwrap_or(&raw.grid);
    let mut ctx = FileCtx::new(&raw.display, grid, &raw.sniffed, skip_errors)?;
    ctx.rejections.extend(short_rows);
    match raw.sniffed.kind {
        FileKind::Statement => statement::normalize(&mut ctx)?,
        FileKind::SpotTrades => trades::normalize(&mut ctx)?,
        FileKind::SpotOrders => orders::normalize(&mut ctx)?,
        FileKind::Deposits | FileKind::Withdrawals => transfers::normalize(&mut ctx)?,
        FileKind::Convert => convert::normalize(&mut ctx)?,
        FileKind::FiatDeposits | FileKind::FiatWithdrawals => fiat::normalize(&mut ctx)?,
        FileKind::BuyCrypto => buy_crypto::normalize(&mut ctx)?,
        FileKind::P2p => p2p::normalize(&mut ctx)?,
        FileKind::Earn => earn::normalize(&mut ctx)?,
        FileKind::FuturesTrades => futures_trades::normalize(&mut ctx)?,
        FileKind::FuturesTransactions => futures_transactions::normalize(&mut ctx)?,
        FileKind::Margin => margin::normalize(&mut ctx)?,
        _ => {}
    }
    for &row in &raw.grid.blank_rows {
        ctx.ignored.push(Rejection {
            row,
            column: None,
            reason: "blank row".into(),
        });
    }
    let parts = Parts {
        rows: std::mem::take(&mut ctx.rows),
        rejections: std::mem::take(&mut ctx.rejections),
        ignored: std::mem::take(&mut ctx.ignored),
        warnings: std::mem::take(&mut ctx.warnings),
        // A record cut off at the end of the file is read and rejected.
        rows_read: (raw.grid.rows.len()
            + raw.grid.blank_rows.len()
            + usize::from(raw.grid.cut_off.is_some())
            + raw.grid.long_rows.len()) as u64,
    };
    drop(ctx);
    drop(checked);
    Ok(finish(&raw, account, parts))
}

/// What reading one file produced, whichever path read it.
struct Parts {
    rows: FileRows,
    rejections: Vec<Rejection>,
    ignored: Vec<Rejection>,
    warnings: Vec<Warning>,
    rows_read: u64,
}

/// The file's warnings about its shape, and its summary.
fn finish(raw: &RawFile, account: &str, p: Parts) -> NormalizedFile {
    let mut warnings = p.warnings;
    let mut warn = |code: &str, message: String| {
        warnings.push(Warning {
            code: code.into(),
            row: None,
            message,
        })
    };
    if raw.grid.preamble_lines > 0 {
        let n = raw.grid.preamble_lines;
        warn(
            "preamble-skipped",
            format!("{n} line(s) before the header were skipped (not data)"),
        );
    }
    if raw.grid.unwrapped_rows > 0 {
        let n = raw.grid.unwrapped_rows;
        warn(
            "whole-line-quoted",
            format!(
                "{n} row(s) were wrapped whole in quotes (a broken re-save) and were unwrapped"
            ),
        );
    }
    if !raw.grid.other_sheets.is_empty() {
        warn(
            "sheets-not-read",
            format!(
                "only sheet `{}` was read; sheet(s) {} also hold data — save each as its own \
                 file to include it",
                raw.grid.sheet.as_deref().unwrap_or(""),
                raw.grid
                    .other_sheets
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let rows = p.rows;
    let (first_time, last_time) = time_range(&rows);
    let n_norm = (rows.fills.len()
        + rows.orders.len()
        + rows.transfers.len()
        + rows.ledger.len()
        + rows.conversions.len()
        + rows.futures_fills.len()) as u64;
    let mut rejections = p.rejections;
    let n_rejected = rejections.len() as u64;
    let n_ignored = p.ignored.len() as u64;
    rejections.extend(p.ignored);
    rejections.sort();
    warnings.sort_by(|a, b| (a.row, &a.code, &a.message).cmp(&(b.row, &b.code, &b.message)));
    let summary = InputSummary {
        path: raw.display.clone(),
        sha256: raw.sha256.clone(),
        kind: raw.sniffed.kind,
        layout: raw.sniffed.layout.id.to_string(),
        account: account.to_string(),
        time_zone: raw.sniffed.tz_note.clone(),
        first_time,
        last_time,
        rows_read: p.rows_read,
        rows_normalized: n_norm,
        rows_rejected: n_rejected,
        rows_duplicate: 0,
        rows_ignored: n_ignored,
        rejections,
        warnings,
    };
    debug_assert_eq!(
        summary.rows_read,
        summary.rows_normalized + summary.rows_rejected + summary.rows_ignored,
        "{}",
        raw.display
    );
    NormalizedFile { rows, summary }
}

/// Earliest and latest time of the rows.
fn time_range(rows: &FileRows) -> (Option<TimeMs>, Option<TimeMs>) {
    let times = rows
        .fills
        .iter()
        .map(|r| r.time)
        .chain(rows.orders.iter().map(|r| r.time))
        .chain(rows.transfers.iter().map(|r| r.time))
        .chain(rows.ledger.iter().map(|r| r.time))
        .chain(rows.conversions.iter().map(|r| r.time))
        .chain(rows.futures_fills.iter().map(|r| r.time));
    times.fold(
        (None, None),
        |(lo, hi): (Option<TimeMs>, Option<TimeMs>), t| {
            (
                Some(lo.map_or(t, |x| x.min(t))),
                Some(hi.map_or(t, |x| x.max(t))),
            )
        },
    )
}
