//! Spot order history → orders (and fills, for the nested XLSX layout).
//! O2: one flat row per order, amounts glued to assets, no fee column.
//! O1/O1b/O1c: an order row, then a fill sub-header row and fill rows whose
//! first cell is empty.

use super::file::{CellResult, FileCtx};
use super::symbols::{split_by_quotes, split_by_suffixes};
use super::trades::side;
use crate::decimal::Dec;
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::{Fill, Order};
use crate::sym::Sym;

/// Upper-case canonical status.
pub fn status(s: &str) -> String {
    let k: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_uppercase();
    match k.as_str() {
        "FILLED" => "FILLED".into(),
        "CANCELED" | "CANCELLED" => "CANCELED".into(),
        "PARTIALFILL" | "PARTIALLYFILLED" | "PARTIALLYFILL" => "PARTIALLY_FILLED".into(),
        "EXPIRED" => "EXPIRED".into(),
        "NEW" => "NEW".into(),
        "REJECTED" => "REJECTED".into(),
        _ => s.trim().to_uppercase(),
    }
}

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    let first = ctx.rows.orders.len();
    by_layout(ctx)?;
    let mangled: Vec<(u32, String)> = ctx.rows.orders[first..]
        .iter()
        .filter_map(|o| {
            let id = o.order_id.as_deref()?;
            is_mangled_id(id).then(|| (o.origin.row, id.to_string()))
        })
        .collect();
    if let Some((row, id)) = mangled.first() {
        ctx.warn(
            "id-mangled",
            Some(*row),
            format!(
                "{} order id(s) in scientific notation (first: `{id}`, row {row}): a spreadsheet \
                 re-save rounded them and their last digits are lost; quote ids from the original \
                 export to Binance support",
                mangled.len()
            ),
        );
    }
    Ok(())
}

/// `8.38977E+18`: an 19-digit id that a spreadsheet turned into a float.
pub fn is_mangled_id(id: &str) -> bool {
    let upper = id.trim().to_ascii_uppercase();
    let Some((mantissa, exp)) = upper.split_once('E') else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !exp.is_empty()
        && exp.chars().all(|c| c.is_ascii_digit())
}

fn by_layout(ctx: &mut FileCtx) -> Result<(), Error> {
    if ctx.sniffed.layout.id == "spot-orders/v2" {
        for r in 0..ctx.grid.rows.len() {
            match flat_row(ctx, r) {
                Ok(o) => ctx.rows.orders.push(o),
                Err(e) => ctx.reject(r, e)?,
            }
        }
        let n = ctx
            .rows
            .orders
            .iter()
            .filter(|o| !o.executed_qty.is_zero())
            .count();
        if n > 0 {
            ctx.warn(
                "fees-missing",
                None,
                format!(
                    "the order history has no fee column: fees of its {n} executed orders are unknown from this file \
                     (not zero); where a trade history or statement covers the same time, they supply the fees"
                ),
            );
        }
        return Ok(());
    }
    nested(ctx)
}

fn flat_row(ctx: &FileCtx, r: usize) -> CellResult<Order> {
    let time = ctx.time(r)?;
    let pair = ctx.text(r, f::PAIR)?.to_uppercase();
    let (base, quote) = split_by_suffixes(
        &pair,
        ctx.cell(r, f::EXECUTED),
        ctx.cell(r, f::TRADING_TOTAL),
    )
    .or_else(|| {
        split_by_suffixes(
            &pair,
            ctx.cell(r, f::ORDER_AMOUNT),
            ctx.cell(r, f::TRADING_TOTAL),
        )
    })
    .or_else(|| split_by_quotes(&pair, None))
    .ok_or_else(|| ctx.err(f::PAIR, &pair, "cannot split the pair into base and quote"))?;
    let amount = |field: &'static str, asset: &str| -> CellResult<Option<Dec>> {
        let v = ctx.cell(r, field);
        if v.is_empty() {
            return Ok(None);
        }
        match ctx.number(r, field) {
            Ok(d) => Ok(Some(d)),
            Err(_) => ctx.suffixed(r, field, &[asset]).map(|(d, _)| Some(d)),
        }
    };
    let executed = amount(f::EXECUTED, &base)?.unwrap_or(Dec::ZERO);
    let price = ctx.opt_number(r, f::ORDER_PRICE)?;
    Ok(Order {
        origin: ctx.origin(r),
        time,
        update_time: ctx.other_time(r, f::UPDATE_TIME)?,
        order_id: ctx.opt_text(r, f::ORDER_NO),
        symbol: pair.into(),
        side: side(ctx, r, f::SIDE)?,
        order_type: ctx.cell(r, f::TYPE).to_uppercase(),
        price: price.filter(|p| !p.is_zero()),
        orig_qty: amount(f::ORDER_AMOUNT, &base)?,
        executed_qty: executed,
        avg_price: ctx.opt_number(r, f::AVG_PRICE)?.filter(|p| !p.is_zero()),
        quote_total: amount(f::TRADING_TOTAL, &quote)?,
        status: status(ctx.cell(r, f::STATUS)),
        base: base.into(),
        quote: quote.into(),
    })
}

/// Nested layout: order rows followed by fill blocks.
fn nested(ctx: &mut FileCtx) -> Result<(), Error> {
    let mut sub: Option<SubHeader> = None;
    let mut current: Option<usize> = None; // index into ctx.rows.orders
    for r in 0..ctx.grid.rows.len() {
        let first = ctx.grid.rows[r].first().map(|s| s.trim()).unwrap_or("");
        if first.is_empty() {
            if let Some(h) = SubHeader::find(&ctx.grid.rows[r]) {
                sub = Some(h);
                ctx.ignore(r, "fill sub-header of the nested order history");
                continue;
            }
            let (Some(h), Some(oi)) = (sub.as_ref(), current) else {
                let e = ctx.err(
                    f::TIME,
                    "",
                    "fill row without an order row and sub-header above it",
                );
                ctx.reject(r, e)?;
                continue;
            };
            match fill_row(ctx, r, h, oi) {
                Ok(fill) => ctx.rows.fills.push(fill),
                Err(e) => ctx.reject(r, e)?,
            }
            continue;
        }
        sub = None;
        match order_row(ctx, r) {
            Ok(o) => {
                ctx.rows.orders.push(o);
                current = Some(ctx.rows.orders.len() - 1);
            }
            Err(e) => {
                current = None;
                ctx.reject(r, e)?;
            }
        }
    }
    Ok(())
}

fn order_row(ctx: &FileCtx, r: usize) -> CellResult<Order> {
    let time = ctx.time(r)?;
    let pair = ctx.text(r, f::PAIR)?.to_uppercase();
    let (base, quote) = split_by_quotes(&pair, None)
        .ok_or_else(|| ctx.err(f::PAIR, &pair, "cannot split the pair into base and quote"))?;
    let price = ctx.opt_number(r, f::ORDER_PRICE)?;
    Ok(Order {
        origin: ctx.origin(r),
        time,
        update_time: None,
        order_id: ctx.opt_text(r, f::ORDER_NO),
        symbol: pair.into(),
        side: side(ctx, r, f::TYPE)?,
        order_type: if price.is_some_and(|p| p.is_zero()) {
            "MARKET".into()
        } else {
            String::new()
        },
        price: price.filter(|p| !p.is_zero()),
        orig_qty: ctx.opt_number(r, f::ORDER_AMOUNT)?,
        executed_qty: ctx.opt_number(r, f::FILLED)?.unwrap_or(Dec::ZERO),
        avg_price: ctx.opt_number(r, f::AVG_PRICE)?.filter(|p| !p.is_zero()),
        quote_total: ctx.opt_number(r, f::TOTAL)?,
        status: status(ctx.cell(r, f::STATUS)),
        base: base.into(),
        quote: quote.into(),
    })
}

/// Column positions of a fill sub-header (`Date(UTC),Trading Price,Filled,Total,Fee`).
struct SubHeader {
    time: usize,
    price: usize,
    filled: usize,
    total: usize,
    fee: Option<usize>,
}

impl SubHeader {
    fn find(cells: &[String]) -> Option<SubHeader> {
        let pos = |name: &str| {
            cells
                .iter()
                .position(|c| c.trim().to_lowercase().replace(' ', "") == name)
        };
        let time = cells
            .iter()
            .position(|c| c.trim().to_lowercase().starts_with("date(utc"))?;
        Some(SubHeader {
            time,
            price: pos("tradingprice")?,
            filled: pos("filled")?,
            total: pos("total")?,
            fee: pos("fee"),
        })
    }
}

fn fill_row(ctx: &FileCtx, r: usize, h: &SubHeader, oi: usize) -> CellResult<Fill> {
    let o = &ctx.rows.orders[oi];
    let cells = &ctx.grid.rows[r];
    let get = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
    let num = |i: usize, asset: &str| -> CellResult<crate::decimal::Dec> {
        let v = get(i);
        super::amount::parse_number(v, ctx.style)
            .or_else(|_| super::amount::split_suffixed(v, &[asset], ctx.style).map(|x| x.0))
            .map_err(|p| ctx.err(f::TIME, v, &format!("fill column {}: {p}", i + 1)))
    };
    let tv = get(h.time);
    let det = super::time::detect(&[tv]).map_err(|e| ctx.err(f::TIME, tv, &e.problem))?;
    let local = super::time::parse_local(tv, det.format)
        .ok_or_else(|| ctx.err(f::TIME, tv, "not a valid date and time"))?;
    let time =
        super::time::to_utc_ms(local, &ctx.sniffed.tz).map_err(|p| ctx.err(f::TIME, tv, &p))?;
    let (fee, fee_asset) = match h.fee.map(get).filter(|v| !v.is_empty()) {
        Some(v) => {
            let (d, a) = super::amount::split_suffixed(v, &[&o.base, &o.quote, "BNB"], ctx.style)
                .map_err(|p| ctx.err(f::FEE, v, &p))?;
            (Some(d), Some(a))
        }
        None => (None, None),
    };
    Ok(Fill {
        origin: ctx.origin(r),
        time,
        symbol: o.symbol,
        base: o.base,
        quote: o.quote,
        side: o.side,
        price: num(h.price, &o.quote)?,
        qty: num(h.filled, &o.base)?,
        quote_qty: num(h.total, &o.quote)?,
        fee,
        fee_asset: fee_asset.map(Sym::from),
        order_id: o.order_id.clone(),
        trade_id: None,
        is_maker: None,
    })
}

#[cfg(test)]
mod mangled_tests {
    use super::is_mangled_id;

    #[test]
    fn scientific_notation_ids_are_recognized() {
        for id in ["8.38977E+18", "8.38977e+18", "1E+19", "3.1E18"] {
            assert!(is_mangled_id(id), "{id}");
        }
        for id in ["8389774920384729", "", "E+18", "ABC123E", "12-34", "8.3E+"] {
            assert!(!is_mangled_id(id), "{id}");
        }
    }
}
