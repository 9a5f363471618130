//! Convert history (v1, v2) → conversions. Only successful rows move funds;
//! the others are kept with `completed = false`.

use super::file::{CellResult, FileCtx};
use super::operations::wallet;
use super::transfers::completed;
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::Conversion;

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    for r in 0..ctx.grid.rows.len() {
        match row(ctx, r) {
            Ok(c) => ctx.rows.conversions.push(c),
            Err(e) => ctx.reject(r, e)?,
        }
    }
    Ok(())
}

fn row(ctx: &FileCtx, r: usize) -> CellResult<Conversion> {
    let (from_qty, from_asset) = ctx.suffixed(r, f::SELL, &[])?;
    let (to_qty, to_asset) = ctx.suffixed(r, f::BUY, &[])?;
    let status = ctx.cell(r, f::STATUS).to_string();
    Ok(Conversion {
        origin: ctx.origin(r),
        time: ctx.time(r)?,
        wallet: wallet(ctx.cell(r, f::WALLET)),
        from_asset: from_asset.to_uppercase(),
        from_qty,
        to_asset: to_asset.to_uppercase(),
        to_qty,
        completed: completed(&status),
        status,
        channel: "convert".into(),
    })
}
