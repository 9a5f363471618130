//! P2P (C2C) order history, v1 and v2 (with `Maker Fee,Taker Fee`) →
//! conversions on the Funding wallet, channel `p2p`. The fiat is paid off
//! the exchange (`offchain_asset`), so only the crypto side moves a
//! balance: a completed Buy adds `Quantity`, a Sell removes it. A maker or
//! taker fee is charged in the crypto asset (Binance's C2C API documents
//! its `commission` as "Transaction Fee (in Crypto)"): a Buy receives
//! Quantity − fee, a Sell gives Quantity + fee. Note Binance's typo
//! `Couterparty` and that the time column (`Created Time`) is the last.

use super::file::{CellResult, FileCtx};
use super::transfers::completed;
use crate::decimal::Dec;
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::{Conversion, Side};
use crate::sym::Sym;

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    for r in 0..ctx.grid.rows.len() {
        match row(ctx, r) {
            Ok(c) => ctx.rows.conversions.push(c),
            Err(e) => ctx.reject(r, e)?,
        }
    }
    Ok(())
}

fn side(ctx: &FileCtx, r: usize) -> CellResult<Side> {
    let v = ctx.cell(r, f::ORDER_TYPE);
    match v.to_lowercase().as_str() {
        "buy" => Ok(Side::Buy),
        "sell" => Ok(Side::Sell),
        _ => Err(ctx.err(f::ORDER_TYPE, v, "order type is neither Buy nor Sell")),
    }
}

/// Maker plus taker fee (one of them is normally empty), in `asset`.
fn fee(ctx: &FileCtx, r: usize, asset: &str) -> CellResult<Option<Dec>> {
    let mut total: Option<Dec> = None;
    for field in [f::MAKER_FEE, f::TAKER_FEE] {
        if let Some((q, cur)) = ctx.opt_money(r, field)? {
            if cur.as_deref().is_some_and(|c| c != asset) {
                let v = ctx.cell(r, field);
                return Err(ctx.err(field, v, &format!("fee not in the order's asset {asset}")));
            }
            total = Some(total.unwrap_or(Dec::ZERO) + q);
        }
    }
    Ok(total)
}

fn row(ctx: &FileCtx, r: usize) -> CellResult<Conversion> {
    let side = side(ctx, r)?;
    let asset = ctx.text(r, f::ASSET_TYPE)?.to_uppercase();
    let fiat = ctx.text(r, f::FIAT_TYPE)?.to_uppercase();
    let qty = ctx.number(r, f::QUANTITY)?;
    let total = ctx.number(r, f::TOTAL_PRICE)?;
    let fee = fee(ctx, r, &asset)?;
    let paid = fee.unwrap_or(Dec::ZERO);
    let status = ctx.cell(r, f::STATUS).to_string();
    let (from_asset, from_qty, to_asset, to_qty) = match side {
        Side::Buy => (fiat.clone(), total, asset.clone(), qty - paid),
        Side::Sell => (asset.clone(), qty + paid, fiat.clone(), total),
    };
    Ok(Conversion {
        origin: ctx.origin(r),
        time: ctx.time(r)?,
        wallet: "Funding".into(),
        from_asset: from_asset.into(),
        from_qty,
        to_asset: to_asset.into(),
        to_qty,
        completed: completed(&status),
        status,
        channel: "p2p".into(),
        fee,
        fee_asset: fee.map(|_| Sym::new(&asset)),
        offchain_asset: Some(fiat.into()),
    })
}
