//! Crypto deposit and withdrawal histories (D0–D4) → transfers. A
//! withdrawal's `Amount` is net of its fee; the wallet loses Amount + Fee.

use super::file::{CellResult, FileCtx};
use crate::decimal::Dec;
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::{Direction, FileKind, Transfer};
use crate::sym::Sym;

/// Whether a transfer status means the funds moved.
pub fn completed(status: &str) -> bool {
    matches!(
        status.trim().to_lowercase().as_str(),
        "completed" | "success" | "successful" | "finished" | "confirmed" | "credited"
    )
}

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    let direction = if ctx.sniffed.kind == FileKind::Withdrawals {
        Direction::Withdrawal
    } else {
        Direction::Deposit
    };
    for r in 0..ctx.grid.rows.len() {
        match row(ctx, r, direction) {
            Ok(t) => ctx.rows.transfers.push(t),
            Err(e) => ctx.reject(r, e)?,
        }
    }
    Ok(())
}

fn row(ctx: &FileCtx, r: usize, direction: Direction) -> CellResult<Transfer> {
    let status = ctx.cell(r, f::STATUS).to_string();
    let fee_field = if ctx.col(f::FEE).is_some() {
        f::FEE
    } else {
        f::TX_FEE
    };
    let fee = ctx.opt_number(r, fee_field)?.unwrap_or(Dec::ZERO);
    Ok(Transfer {
        origin: ctx.origin(r),
        time: ctx.time(r)?,
        direction,
        coin: ctx.text(r, f::COIN)?.to_uppercase().into(),
        network: ctx.opt_text(r, f::NETWORK).map(Sym::from),
        amount: ctx.number(r, f::AMOUNT)?,
        fee: if direction == Direction::Withdrawal {
            fee
        } else {
            Dec::ZERO
        },
        address: ctx.opt_text(r, f::ADDRESS),
        txid: ctx.opt_text(r, f::TXID),
        memo: ctx.opt_text(r, f::PAYMENT_ID),
        completed: completed(&status),
        status,
        fiat: false,
    })
}
