//! Buy Crypto history (card or bank; `Date(UTC+1),…` and the newer `Time,…`)
//! → conversions on the Spot wallet, channel `buy-crypto`: the fiat spent
//! (`Spend Amount`, `100.00 EUR`, fee included) for the crypto received
//! (`Receive Amount`, `0.00132001 BTC`). `Fee` may omit its currency; it is
//! then the currency spent. Only successful rows move funds.

use super::file::{CellResult, FileCtx};
use super::transfers::completed;
use crate::decimal::Dec;
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::Conversion;
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

/// An amount that must name its asset.
fn with_asset(ctx: &FileCtx, r: usize, field: &'static str) -> CellResult<(Dec, String)> {
    match ctx.money(r, field)? {
        (q, Some(a)) => Ok((q, a)),
        (_, None) => Err(ctx.err(
            field,
            ctx.cell(r, field),
            "amount without its currency (expected e.g. `100.00 EUR`)",
        )),
    }
}

fn row(ctx: &FileCtx, r: usize) -> CellResult<Conversion> {
    let (spend, spend_cur) = with_asset(ctx, r, f::SPEND_AMOUNT)?;
    let (received, asset) = with_asset(ctx, r, f::RECEIVE_AMOUNT)?;
    let fee = ctx.opt_money(r, f::FEE)?;
    let status = ctx.cell(r, f::STATUS).to_string();
    Ok(Conversion {
        origin: ctx.origin(r),
        time: ctx.time(r)?,
        wallet: "Spot".into(),
        from_asset: Sym::new(&spend_cur),
        from_qty: spend,
        to_asset: asset.into(),
        to_qty: received,
        completed: completed(&status),
        status,
        channel: "buy-crypto".into(),
        fee_asset: fee
            .as_ref()
            .map(|(_, c)| Sym::new(c.as_deref().unwrap_or(&spend_cur))),
        fee: fee.map(|(q, _)| q),
        offchain_asset: None,
    })
}
