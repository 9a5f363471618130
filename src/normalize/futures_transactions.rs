//! USD-M futures transaction history (`Date(UTC),type,Amount,Asset,Symbol,
//! Transaction ID` and the newer `Time,Type,…`) → ledger rows of the
//! futures wallet. Each row is one balance change of that wallet: realized
//! PnL, commission, funding fee, rebates, coin swaps … (category `futures`)
//! or a transfer in or out of the wallet (`transfer`). An unknown type is
//! applied as `futures` and reported.

use super::file::{CellResult, FileCtx};
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::{Category, LedgerRow};

/// Wallet of every row of this export.
pub const FUTURES_WALLET: &str = "USD-M Futures";

/// Known income types (Binance futures API `incomeType`) → category.
pub const FUTURES_TYPES: &[(&str, Category)] = &[
    ("REALIZED_PNL", Category::Futures),
    ("COMMISSION", Category::Futures),
    ("FUNDING_FEE", Category::Futures),
    ("INSURANCE_CLEAR", Category::Futures),
    ("DELIVERED_SETTELMENT", Category::Futures),
    ("DELIVERED_SETTLEMENT", Category::Futures),
    ("POSITION_LIMIT_INCREASE_FEE", Category::Futures),
    ("LIQUIDATION_FEE", Category::Futures),
    ("OPTIONS_PREMIUM_FEE", Category::Futures),
    ("OPTIONS_SETTLE_PROFIT", Category::Futures),
    ("FEE_RETURN", Category::Futures),
    ("WELCOME_BONUS", Category::Futures),
    ("REFERRAL_KICKBACK", Category::Futures),
    ("COMMISSION_REBATE", Category::Futures),
    ("API_REBATE", Category::Futures),
    ("CONTEST_REWARD", Category::Futures),
    ("BFUSD_REWARD", Category::Futures),
    ("TRANSFER", Category::Transfer),
    ("INTERNAL_TRANSFER", Category::Transfer),
    ("CROSS_COLLATERAL_TRANSFER", Category::Transfer),
    ("STRATEGY_UMFUTURES_TRANSFER", Category::Transfer),
    ("DEPOSIT", Category::Transfer),
    ("WITHDRAW", Category::Transfer),
    ("COIN_SWAP_DEPOSIT", Category::Futures),
    ("COIN_SWAP_WITHDRAW", Category::Futures),
    ("AUTO_EXCHANGE", Category::Futures),
];

/// Category of a type (`REALIZED_PNL`, `Realized PnL`, …), if known.
pub fn type_category(t: &str) -> Option<Category> {
    let key = t.trim().to_uppercase().replace([' ', '-'], "_");
    FUTURES_TYPES
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, c)| *c)
}

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    for r in 0..ctx.grid.rows.len() {
        match row(ctx, r) {
            Ok((row, known)) => {
                if !known {
                    let msg = format!(
                        "unknown futures transaction type `{}` ({} {}): applied to the futures wallet as `futures`",
                        row.operation, row.change, row.coin
                    );
                    let n = ctx.row_no(r);
                    ctx.warn("unknown-futures-type", Some(n), msg);
                }
                ctx.rows.ledger.push(row);
            }
            Err(e) => ctx.reject(r, e)?,
        }
    }
    Ok(())
}

fn row(ctx: &FileCtx, r: usize) -> CellResult<(LedgerRow, bool)> {
    let time = ctx.time(r)?;
    let operation = ctx.text(r, f::TYPE)?;
    let coin = ctx.text(r, f::COIN)?.to_uppercase();
    let change = ctx.number(r, f::AMOUNT)?;
    let category = type_category(&operation);
    let mut remark = ctx.cell(r, f::SYMBOL).to_string();
    if let Some(id) = ctx.opt_text(r, f::TRANSACTION_ID) {
        remark = if remark.is_empty() {
            format!("#{id}")
        } else {
            format!("{remark} #{id}")
        };
    }
    Ok((
        LedgerRow {
            origin: ctx.origin(r),
            time,
            wallet: FUTURES_WALLET.into(),
            operation: operation.into(),
            category: category.unwrap_or(Category::Futures),
            coin: coin.into(),
            change,
            remark,
        },
        category.is_some(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_map_to_categories() {
        assert_eq!(type_category("REALIZED_PNL"), Some(Category::Futures));
        assert_eq!(type_category("Funding Fee"), Some(Category::Futures));
        assert_eq!(type_category("transfer"), Some(Category::Transfer));
        assert_eq!(type_category("COIN_SWAP_DEPOSIT"), Some(Category::Futures));
        assert_eq!(type_category("SOMETHING_NEW"), None);
    }
}
