//! Fiat deposit and withdrawal histories → transfers with `fiat = true`.
//!
//! - F1 `Date(UTC),Coin,Amount,Status,Payment Method,Indicated Amount,Fee,Order ID`:
//!   `Amount` is net, `Indicated Amount` gross (= Amount + Fee); the
//!   direction comes from the file name.
//! - F2 `…,Method,Deposit Amount,Receive Amount,Fee,…` and F3 `Time,Method,
//!   Amount,Receive Amount,Fee,…`: amounts carry their currency (`387.81 EUR`);
//!   `Receive Amount` is net, the other gross. F2 is a deposit history by
//!   its header; F3's direction comes from the file name.
//!
//! As for crypto: a deposit adds the net amount, a withdrawal removes net +
//! fee (the gross). A gross that is not net + fee is warned about, not fixed.

use super::file::{CellResult, FileCtx};
use super::transfers::completed;
use crate::decimal::Dec;
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::{Direction, FileKind, Transfer};
use crate::sym::Sym;

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    let direction = if ctx.sniffed.kind == FileKind::FiatWithdrawals {
        Direction::Withdrawal
    } else {
        Direction::Deposit
    };
    for r in 0..ctx.grid.rows.len() {
        let parsed = if ctx.col(f::COIN).is_some() {
            f1_row(ctx, r, direction)
        } else {
            suffixed_row(ctx, r, direction)
        };
        match parsed {
            Ok((t, gross)) => {
                if let Some(g) = gross.filter(|g| *g != t.amount + t.fee) {
                    let n = ctx.row_no(r);
                    let msg = format!(
                        "gross amount {g} {c} is not the net amount {} plus the fee {}; the net amount is used",
                        t.amount, t.fee, c = t.coin
                    );
                    ctx.warn("fiat-amounts-inconsistent", Some(n), msg);
                }
                ctx.rows.transfers.push(t)
            }
            Err(e) => ctx.reject(r, e)?,
        }
    }
    Ok(())
}

/// F1: a coin column and plain numbers. Returns the transfer and the gross.
fn f1_row(ctx: &FileCtx, r: usize, direction: Direction) -> CellResult<(Transfer, Option<Dec>)> {
    let amount = ctx.number(r, f::AMOUNT)?;
    let fee = ctx.opt_number(r, f::FEE)?.unwrap_or(Dec::ZERO);
    let gross = ctx.opt_number(r, f::INDICATED_AMOUNT)?;
    let coin = ctx.text(r, f::COIN)?.to_uppercase();
    Ok((transfer(ctx, r, direction, coin, amount, fee)?, gross))
}

/// F2/F3: `qty CUR` amounts, net in `Receive Amount`.
fn suffixed_row(
    ctx: &FileCtx,
    r: usize,
    direction: Direction,
) -> CellResult<(Transfer, Option<Dec>)> {
    let gross_field = if ctx.col(f::DEPOSIT_AMOUNT).is_some() {
        f::DEPOSIT_AMOUNT
    } else {
        f::AMOUNT
    };
    let (net, net_cur) = ctx.money(r, f::RECEIVE_AMOUNT)?;
    let gross = ctx.opt_money(r, gross_field)?;
    let fee = ctx.opt_money(r, f::FEE)?;
    let mut coin: Option<String> = None;
    for (field, cur) in [
        (f::RECEIVE_AMOUNT, net_cur),
        (gross_field, gross.as_ref().and_then(|g| g.1.clone())),
        (f::FEE, fee.as_ref().and_then(|x| x.1.clone())),
    ] {
        match (&coin, cur) {
            (None, Some(c)) => coin = Some(c),
            (Some(a), Some(c)) if *a != c => {
                let v = ctx.cell(r, field);
                return Err(ctx.err(
                    field,
                    v,
                    &format!("currency {c} differs from {a} in the same row"),
                ));
            }
            _ => {}
        }
    }
    let coin = coin.ok_or_else(|| {
        ctx.err(
            f::RECEIVE_AMOUNT,
            ctx.cell(r, f::RECEIVE_AMOUNT),
            "no currency in the amounts of this row (expected e.g. `386.81 EUR`)",
        )
    })?;
    let gross = gross.map(|g| g.0);
    let fee = match (fee, gross) {
        (Some((x, _)), _) => x,
        (None, Some(g)) => g - net,
        (None, None) => Dec::ZERO,
    };
    Ok((transfer(ctx, r, direction, coin, net, fee)?, gross))
}

fn transfer(
    ctx: &FileCtx,
    r: usize,
    direction: Direction,
    coin: String,
    amount: Dec,
    fee: Dec,
) -> CellResult<Transfer> {
    let status = ctx.cell(r, f::STATUS).to_string();
    let method = ctx
        .opt_text(r, f::PAYMENT_METHOD)
        .or_else(|| ctx.opt_text(r, f::METHOD));
    let id = ctx
        .opt_text(r, f::ORDER_NO)
        .or_else(|| ctx.opt_text(r, f::TRANSACTION_ID));
    Ok(Transfer {
        origin: ctx.origin(r),
        time: ctx.time(r)?,
        direction,
        coin: coin.into(),
        // The payment rail (`Bank Transfer`, `Card`) stands where a crypto
        // transfer names its network.
        network: method.map(Sym::from),
        amount,
        fee,
        address: None,
        txid: id,
        memo: None,
        completed: completed(&status),
        status,
        fiat: true,
    })
}
