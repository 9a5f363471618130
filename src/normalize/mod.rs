//! Raw files → canonical rows, with every row accounted for:
//! `rows_read = normalized + rejected + duplicate + ignored`.

pub mod amount;
pub mod buy_crypto;
pub mod convert;
pub mod dedup;
pub mod earn;
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
use crate::model::{FileKind, InputSummary, Rejection, TimeMs};
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

/// Normalize one sniffed file.
pub fn normalize_file(
    raw: &RawFile,
    account: &str,
    skip_errors: bool,
) -> Result<NormalizedFile, Error> {
    let (checked, short_rows) = row_shape::check(raw, skip_errors)?;
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
    if raw.grid.preamble_lines > 0 {
        let n = raw.grid.preamble_lines;
        ctx.warn(
            "preamble-skipped",
            None,
            format!("{n} line(s) before the header were skipped (not data)"),
        );
    }
    if raw.grid.unwrapped_rows > 0 {
        let n = raw.grid.unwrapped_rows;
        ctx.warn(
            "whole-line-quoted",
            None,
            format!(
                "{n} row(s) were wrapped whole in quotes (a broken re-save) and were unwrapped"
            ),
        );
    }
    if !raw.grid.other_sheets.is_empty() {
        ctx.warn(
            "sheets-not-read",
            None,
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
    let rows = std::mem::take(&mut ctx.rows);
    let times = row_times(&rows);
    let n_norm = (rows.fills.len()
        + rows.orders.len()
        + rows.transfers.len()
        + rows.ledger.len()
        + rows.conversions.len()
        + rows.futures_fills.len()) as u64;
    let mut rejections = ctx.rejections.clone();
    let n_rejected = rejections.len() as u64;
    let n_ignored = ctx.ignored.len() as u64;
    rejections.extend(ctx.ignored.iter().cloned());
    rejections.sort();
    let mut warnings = ctx.warnings.clone();
    warnings.sort_by(|a, b| (a.row, &a.code, &a.message).cmp(&(b.row, &b.code, &b.message)));
    let summary = InputSummary {
        path: raw.display.clone(),
        sha256: raw.sha256.clone(),
        kind: raw.sniffed.kind,
        layout: raw.sniffed.layout.id.to_string(),
        account: account.to_string(),
        time_zone: raw.sniffed.tz_note.clone(),
        first_time: times.iter().min().copied(),
        last_time: times.iter().max().copied(),
        rows_read: (raw.grid.rows.len() + raw.grid.blank_rows.len()) as u64,
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
    Ok(NormalizedFile { rows, summary })
}

fn row_times(rows: &FileRows) -> Vec<TimeMs> {
    let mut t: Vec<TimeMs> = Vec::new();
    t.extend(rows.fills.iter().map(|r| r.time));
    t.extend(rows.orders.iter().map(|r| r.time));
    t.extend(rows.transfers.iter().map(|r| r.time));
    t.extend(rows.ledger.iter().map(|r| r.time));
    t.extend(rows.conversions.iter().map(|r| r.time));
    t.extend(rows.futures_fills.iter().map(|r| r.time));
    t
}
