//! USD-M futures trade history → futures fills. Old layout
//! `Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit` (plain
//! numbers; optional `Quote Asset`, `Position Side`, `Order Type`) and new
//! `Uid,Time,…,Buyer,Maker,Trade ID,Order ID` (fee `0.29528919 USDC` or
//! glued `0.03682290USDT`). A futures trade moves no asset: only its fee
//! and realized PnL change the wallet, both in the margin asset (the quote
//! of a USD-M symbol, the base of a Coin-M `…USD_PERP` symbol) unless the
//! row names another asset.

use super::amount::{parse_number, split_suffixed};
use super::file::{CellResult, FileCtx};
use super::symbols::{split_by_quotes, KNOWN_QUOTES};
use super::trades::side;
use crate::decimal::Dec;
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::FuturesFill;

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    for r in 0..ctx.grid.rows.len() {
        match row(ctx, r) {
            Ok(fill) => ctx.rows.futures_fills.push(fill),
            Err(e) => ctx.reject(r, e)?,
        }
    }
    Ok(())
}

/// (base, margin asset, wallet) of a futures symbol: `BTCUSDT`,
/// `BTCUSDT_240329` (USD-M, margined in the quote), `BTCUSD_PERP`,
/// `ETHUSD_240329` (Coin-M, margined in the base). `hint` is an asset the
/// row names as its quote (the `Quote Asset` column or the fee's asset).
pub fn futures_symbol(symbol: &str, hint: Option<&str>) -> Option<(String, String, &'static str)> {
    let s = symbol.trim().to_uppercase();
    let core = match s.rsplit_once('_') {
        Some((c, tail)) if tail == "PERP" || tail.bytes().all(|b| b.is_ascii_digit()) => c,
        _ => s.as_str(),
    };
    let usd_m_quote = KNOWN_QUOTES
        .iter()
        .any(|q| core.len() > q.len() && core.ends_with(q));
    if let Some(base) = core.strip_suffix("USD").filter(|b| !b.is_empty()) {
        if !usd_m_quote {
            return Some((base.to_string(), base.to_string(), "Coin-M Futures"));
        }
    }
    let (base, quote) = split_by_quotes(core, hint)?;
    Some((base, quote, "USD-M Futures"))
}

fn flag(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

fn row(ctx: &FileCtx, r: usize) -> CellResult<FuturesFill> {
    let time = ctx.time(r)?;
    let symbol = ctx.text(r, f::SYMBOL)?.to_uppercase();
    let quote_col = ctx.opt_text(r, f::QUOTE_ASSET).map(|s| s.to_uppercase());
    let fee_cell = ctx.cell(r, f::FEE);
    let plain_fee = parse_number(fee_cell, ctx.style).ok();
    let fee_suffix = match plain_fee {
        Some(_) => None,
        None => split_suffixed(fee_cell, &[], ctx.style)
            .ok()
            .map(|(_, a)| a),
    };
    let hint = quote_col
        .clone()
        .or(fee_suffix.filter(|a| a.as_str() != "BNB"));
    let (base, margin, wallet) = futures_symbol(&symbol, hint.as_deref()).ok_or_else(|| {
        ctx.err(
            f::SYMBOL,
            &symbol,
            "cannot tell the base and margin asset of this futures symbol",
        )
    })?;
    let (fee, fee_asset) = match plain_fee {
        Some(v) => (v, quote_col.clone().unwrap_or_else(|| margin.clone())),
        None => ctx.suffixed(r, f::FEE, &[&margin, &base, "BNB"])?,
    };
    Ok(FuturesFill {
        origin: ctx.origin(r),
        time,
        wallet: wallet.into(),
        side: side(ctx, r, f::SIDE)?,
        price: ctx.number(r, f::PRICE)?,
        qty: ctx.number(r, f::QUANTITY)?,
        quote_qty: ctx.number(r, f::AMOUNT)?,
        fee,
        fee_asset: fee_asset.into(),
        realized_pnl: ctx.opt_number(r, f::REALIZED_PNL)?.unwrap_or(Dec::ZERO),
        pnl_asset: quote_col.unwrap_or(margin).into(),
        order_id: ctx.opt_text(r, f::ORDER_NO),
        trade_id: ctx.opt_text(r, f::TRADE_ID),
        is_maker: flag(ctx.cell(r, f::MAKER)),
        symbol: symbol.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str, hint: Option<&str>) -> Option<(String, String, &'static str)> {
        futures_symbol(s, hint)
    }

    #[test]
    fn margin_asset_of_futures_symbols() {
        let usdm = |b: &str, q: &str| Some((b.to_string(), q.to_string(), "USD-M Futures"));
        assert_eq!(sym("BTCUSDT", None), usdm("BTC", "USDT"));
        assert_eq!(sym("BTCUSDC", Some("USDC")), usdm("BTC", "USDC"));
        assert_eq!(sym("ETHUSDT_240329", None), usdm("ETH", "USDT"));
        assert_eq!(sym("1000PEPEUSDT", None), usdm("1000PEPE", "USDT"));
        assert_eq!(sym("BTCBUSD", None), usdm("BTC", "BUSD"));
        assert_eq!(
            sym("BTCUSD_PERP", Some("BTC")),
            Some(("BTC".into(), "BTC".into(), "Coin-M Futures"))
        );
        assert_eq!(sym("XYZ", None), None);
    }
}
