//! Margin borrow/repay history (`Pair,Coin,Date,Amount,Type,Status`) and
//! margin interest history (`Pair,Coin,Amount,Time,Interest Type`) → ledger
//! rows of the margin wallet, category `margin`.
//!
//! A loan adds the borrowed coin to the wallet, a repayment takes it out;
//! rows whose status is not a confirmation (pending, failed) change nothing
//! and are ignored with their reason. Interest is counted as a cost when
//! charged. The wallet is `Isolated Margin` when the `Pair` cell names a
//! pair (isolated loans belong to one pair) or says `Isolated`, else
//! `Cross Margin` (empty, `-`, `Cross`).

use super::file::{CellResult, FileCtx};
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::{Category, LedgerRow};

/// Wallet named by a margin export's `Pair` cell.
pub fn margin_wallet(pair: &str) -> &'static str {
    let p = pair.trim().to_lowercase();
    if p.contains("isolated") {
        return "Isolated Margin";
    }
    if p.is_empty() || p == "-" || p == "--" || p.contains("cross") {
        return "Cross Margin";
    }
    "Isolated Margin"
}

/// Whether a borrow/repay status means the loan or repayment happened.
fn confirmed(status: &str) -> bool {
    matches!(
        status.trim().to_lowercase().as_str(),
        "confirm" | "confirmed" | "success" | "successful" | "completed" | "finished"
    )
}

/// +1 for a borrowing, −1 for a repayment.
fn direction(kind: &str) -> Option<i8> {
    let k = kind.to_lowercase();
    if k.contains("repay") || k.contains("repaid") {
        Some(-1)
    } else if k.contains("borrow") || k.contains("loan") {
        Some(1)
    } else {
        None
    }
}

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    let interest = ctx.sniffed.layout.id.starts_with("margin-interest");
    for r in 0..ctx.grid.rows.len() {
        if !interest {
            let status = ctx.cell(r, f::STATUS);
            if !confirmed(status) {
                let reason = format!("status `{status}`: the loan or repayment did not happen");
                ctx.ignore(r, &reason);
                continue;
            }
        }
        let res = if interest {
            interest_row(ctx, r)
        } else {
            loan_row(ctx, r)
        };
        match res {
            Ok(row) => ctx.rows.ledger.push(row),
            Err(e) => ctx.reject(r, e)?,
        }
    }
    Ok(())
}

fn base_row(ctx: &FileCtx, r: usize, operation: String) -> CellResult<LedgerRow> {
    let pair = ctx.cell(r, f::PAIR);
    Ok(LedgerRow {
        origin: ctx.origin(r),
        time: ctx.time(r)?,
        wallet: margin_wallet(pair).into(),
        operation: operation.into(),
        category: Category::Margin,
        coin: ctx.text(r, f::COIN)?.to_uppercase().into(),
        change: ctx.number(r, f::AMOUNT)?.abs(),
        remark: pair.to_string(),
    })
}

fn loan_row(ctx: &FileCtx, r: usize) -> CellResult<LedgerRow> {
    let kind = ctx.text(r, f::TYPE)?;
    let sign = direction(&kind).ok_or_else(|| {
        ctx.err(
            f::TYPE,
            &kind,
            "type is neither a borrowing nor a repayment",
        )
    })?;
    let mut row = base_row(ctx, r, kind)?;
    if sign < 0 {
        row.change = -row.change;
    }
    Ok(row)
}

fn interest_row(ctx: &FileCtx, r: usize) -> CellResult<LedgerRow> {
    let kind = ctx.cell(r, f::INTEREST_TYPE);
    let op = if kind.is_empty() {
        "Margin interest".to_string()
    } else {
        format!("Margin interest ({kind})")
    };
    let mut row = base_row(ctx, r, op)?;
    row.change = -row.change;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wallets_types_and_statuses() {
        assert_eq!(margin_wallet("ADA/USDT"), "Isolated Margin");
        assert_eq!(margin_wallet("BTCUSDT (Isolated)"), "Isolated Margin");
        assert_eq!(margin_wallet(""), "Cross Margin");
        assert_eq!(margin_wallet("Cross"), "Cross Margin");
        assert_eq!(direction("Auto borrowing"), Some(1));
        assert_eq!(direction("Margin Loan"), Some(1));
        assert_eq!(direction("Auto repayment"), Some(-1));
        assert_eq!(direction("Transfer"), None);
        assert!(confirmed("CONFIRM"));
        assert!(!confirmed("FAILED"));
        assert!(!confirmed("PENDING"));
    }
}
