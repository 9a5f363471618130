//! Earn interest history `Date(UTC),Product Name,Coin,Amount` (seen with a
//! BOM and with `;`) → ledger rows on the Earn wallet, category `earn`.
//! These are not statement rows: the book matches them against the
//! statement inside its span and adds them outside it.

use super::file::{CellResult, FileCtx};
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::{Category, LedgerRow};

/// Operation label of the ledger rows read from this export.
pub const OPERATION: &str = "Earn interest (history)";

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    for r in 0..ctx.grid.rows.len() {
        match row(ctx, r) {
            Ok(l) => ctx.rows.ledger.push(l),
            Err(e) => ctx.reject(r, e)?,
        }
    }
    Ok(())
}

fn row(ctx: &FileCtx, r: usize) -> CellResult<LedgerRow> {
    Ok(LedgerRow {
        origin: ctx.origin(r),
        time: ctx.time(r)?,
        wallet: "Earn".into(),
        operation: OPERATION.into(),
        category: Category::Earn,
        coin: ctx.text(r, f::COIN)?.to_uppercase().into(),
        change: ctx.number(r, f::AMOUNT)?,
        remark: ctx.cell(r, f::PRODUCT).to_string(),
    })
}
