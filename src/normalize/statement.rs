//! Transaction statement (S-v1, S-v2, S-v3 and localized headers) → ledger.
//! One row per balance change; the sign of `Change` wins over the label;
//! unknown operations are applied as `unclassified` and reported.

use super::file::{CellResult, FileCtx};
use super::operations::{classify, wallet};
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::{Category, LedgerRow, Warning};

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    for r in 0..ctx.grid.rows.len() {
        match row(ctx, r) {
            Ok(row) => {
                if row.category == Category::Unclassified {
                    let w = unclassified_warning(&row, ctx.row_no(r));
                    ctx.warnings.push(w);
                }
                ctx.rows.ledger.push(row);
            }
            Err(e) => ctx.reject(r, e)?,
        }
    }
    Ok(())
}

/// `unclassified-operation` for one row whose operation is not known.
pub fn unclassified_warning(row: &LedgerRow, row_no: u32) -> Warning {
    Warning {
        code: "unclassified-operation".into(),
        row: Some(row_no),
        message: format!(
            "unknown operation `{}` ({} {}): applied to the balance and tagged unclassified",
            row.operation, row.change, row.coin
        ),
    }
}

fn row(ctx: &FileCtx, r: usize) -> CellResult<LedgerRow> {
    let time = ctx.time(r)?;
    let coin = ctx.text(r, f::COIN)?.to_uppercase();
    let change = ctx.number(r, f::CHANGE)?;
    let operation = ctx.text(r, f::OPERATION)?;
    let category = classify(&operation, change.is_negative()).unwrap_or(Category::Unclassified);
    Ok(LedgerRow {
        origin: ctx.origin(r),
        time,
        wallet: wallet(ctx.cell(r, f::ACCOUNT)).into(),
        operation: operation.into(),
        category,
        coin: coin.into(),
        change,
        remark: ctx.cell(r, f::REMARK).to_string(),
    })
}
