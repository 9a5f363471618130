//! Spot trade history → fills. T2/T3 (`Pair,Side,Price,Executed,Amount,Fee`
//! with asset-suffixed amounts, localized headers) and T1
//! (`Market,Type,Price,Amount,Total,Fee,Fee Coin`, plain numbers).

use super::file::{CellResult, FileCtx};
use super::symbols::{split_by_quotes, split_by_suffixes};
use crate::decimal::Dec;
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::{Fill, Side, Warning};

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    let v1 = ctx.sniffed.layout.id == "spot-trades/v1";
    let first = ctx.rows.fills.len();
    for r in 0..ctx.grid.rows.len() {
        let res = if v1 { row_v1(ctx, r) } else { row_v2(ctx, r) };
        match res {
            Ok(fill) => ctx.rows.fills.push(fill),
            Err(e) => ctx.reject(r, e)?,
        }
    }
    if let Some(w) = amount_mismatch_warning(&ctx.rows.fills[first..]) {
        ctx.warnings.push(w);
    }
    Ok(())
}

/// `amount-mismatch`: fills whose total is not price × quantity.
pub fn amount_mismatch_warning(fills: &[Fill]) -> Option<Warning> {
    let off: Vec<u32> = fills
        .iter()
        .filter(|f| !amount_agrees(f))
        .map(|f| f.origin.row)
        .collect();
    Some(mismatch_warning(off.len(), *off.first()?))
}

/// The `amount-mismatch` warning for `count` rows, the first at `row`.
pub fn mismatch_warning(count: usize, row: u32) -> Warning {
    Warning {
        code: "amount-mismatch".into(),
        row: Some(row),
        message: format!(
            "{} row(s) whose total differs from price × quantity by more than 0.1 % (first: \
             row {row}); the totals are used as exported — check the file was not edited",
            count
        ),
    }
}

/// The exported total is price × quantity, rounded by Binance to the quote
/// asset's precision: within 0.1 % (and 1e-8) of the product.
pub fn amount_agrees(f: &Fill) -> bool {
    let product = f.price.mul_round(f.qty);
    let diff = (product - f.quote_qty).abs();
    // 0.001 and 1e-8 as raw values (× 10^18).
    let tolerance = f
        .quote_qty
        .abs()
        .mul_round(Dec::from_raw(1_000_000_000_000_000));
    diff <= tolerance.max(Dec::from_raw(10_000_000_000))
}

/// `ETH/BTC`, `ETH-BTC`, `ETH_BTC` → `ETHBTC`, the form of every other export.
pub fn plain_symbol(pair: &str) -> String {
    pair.trim()
        .to_uppercase()
        .chars()
        .filter(|c| !matches!(c, '/' | '-' | '_' | ' '))
        .collect()
}

/// Trade exports carry unsigned amounts: a negative one is a damaged row.
fn unsigned(
    ctx: &FileCtx,
    r: usize,
    field: &'static str,
    v: crate::decimal::Dec,
) -> CellResult<crate::decimal::Dec> {
    if v.is_negative() {
        return Err(ctx.err(
            field,
            ctx.cell(r, field),
            "negative value in a trade export (amounts here are unsigned)",
        ));
    }
    Ok(v)
}

pub fn side(ctx: &FileCtx, r: usize, field: &'static str) -> CellResult<Side> {
    let v = ctx.cell(r, field);
    side_word(v).ok_or_else(|| ctx.err(field, v, "side is neither BUY nor SELL"))
}

/// BUY/SELL, also as localized words (exports keep them in English; re-saved
/// or translated copies may not).
pub fn side_word(v: &str) -> Option<Side> {
    match v.trim().to_uppercase().as_str() {
        "BUY" | "COMPRA" | "NÁKUP" | "NAKUP" | "ACHAT" | "KAUF" | "COMPRAR" | "ACQUISTO"
        | "ALIŞ" | "ALIS" | "ПОКУПКА" | "MUA" | "BELI" => Some(Side::Buy),
        "SELL" | "VENTA" | "PRODEJ" | "VENTE" | "VERKAUF" | "VENDER" | "VENDA" | "VENDITA"
        | "SATIŞ" | "SATIS" | "ПРОДАЖА" | "BÁN" | "JUAL" => Some(Side::Sell),
        _ => None,
    }
}

fn row_v2(ctx: &FileCtx, r: usize) -> CellResult<Fill> {
    let time = ctx.time(r)?;
    let pair = plain_symbol(&ctx.text(r, f::PAIR)?);
    let qty_field = if ctx.col(f::EXECUTED).is_some() {
        f::EXECUTED
    } else {
        f::QUANTITY
    };
    let (base, quote) = split_by_suffixes(&pair, ctx.cell(r, qty_field), ctx.cell(r, f::AMOUNT))
        .ok_or_else(|| {
            ctx.err(
                f::PAIR,
                &pair,
                "cannot split the pair into base and quote using the asset suffixes of the amounts",
            )
        })?;
    let qty = unsigned(ctx, r, qty_field, ctx.suffixed(r, qty_field, &[&base])?.0)?;
    let quote_qty = unsigned(ctx, r, f::AMOUNT, ctx.suffixed(r, f::AMOUNT, &[&quote])?.0)?;
    let (fee, fee_asset) = ctx.suffixed(r, f::FEE, &[&base, &quote, "BNB"])?;
    let fee = unsigned(ctx, r, f::FEE, fee)?;
    Ok(Fill {
        origin: ctx.origin(r),
        time,
        symbol: pair.into(),
        side: side(ctx, r, f::SIDE)?,
        price: unsigned(ctx, r, f::PRICE, ctx.number(r, f::PRICE)?)?,
        qty,
        quote_qty,
        fee: Some(fee),
        fee_asset: Some(fee_asset.into()),
        order_id: None,
        trade_id: None,
        is_maker: None,
        base: base.into(),
        quote: quote.into(),
    })
}

fn row_v1(ctx: &FileCtx, r: usize) -> CellResult<Fill> {
    let time = ctx.time(r)?;
    let pair = plain_symbol(&ctx.text(r, f::MARKET)?);
    let fee_coin = ctx.text(r, f::FEE_COIN)?.to_uppercase();
    let (base, quote) = split_by_quotes(&pair, Some(&fee_coin))
        .filter(|(b, q)| fee_coin == *b || fee_coin == *q || fee_coin == "BNB")
        .or_else(|| split_by_quotes(&pair, None))
        .ok_or_else(|| {
            ctx.err(
                f::MARKET,
                &pair,
                "cannot split the market into base and quote",
            )
        })?;
    Ok(Fill {
        origin: ctx.origin(r),
        time,
        symbol: pair.into(),
        side: side(ctx, r, f::TYPE)?,
        price: unsigned(ctx, r, f::PRICE, ctx.number(r, f::PRICE)?)?,
        qty: unsigned(ctx, r, f::AMOUNT, ctx.number(r, f::AMOUNT)?)?,
        quote_qty: unsigned(ctx, r, f::TOTAL, ctx.number(r, f::TOTAL)?)?,
        fee: Some(unsigned(ctx, r, f::FEE, ctx.number(r, f::FEE)?)?),
        fee_asset: Some(fee_coin.into()),
        order_id: None,
        trade_id: None,
        is_maker: None,
        base: base.into(),
        quote: quote.into(),
    })
}
