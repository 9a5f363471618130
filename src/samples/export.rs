//! Renders the simulated account as Binance export files (bytes only):
//! the transaction statement (S-v2), spot trade history (T2), spot order
//! history (O2), crypto deposit history (D3, xlsx) and crypto withdrawal
//! history (D3, csv). Headers match FORMATS.md exactly.

use super::book::{Book, OrdType, SimOrder};
use super::exact::div_round;
use super::fmt::{csv_line, fmt_fixed, with_thousands, ymd_hms, yy_hms};
use super::xlsx::text_sheet;
use crate::decimal::Dec;
use crate::model::TimeMs;

pub const STATEMENT_HEADER: [&str; 7] = [
    "User_ID",
    "UTC_Time",
    "Account",
    "Operation",
    "Coin",
    "Change",
    "Remark",
];
pub const TRADES_HEADER: [&str; 7] = [
    "Date(UTC)",
    "Pair",
    "Side",
    "Price",
    "Executed",
    "Amount",
    "Fee",
];
pub const ORDERS_HEADER: [&str; 12] = [
    "Date(UTC)",
    "OrderNo",
    "Pair",
    "Type",
    "Side",
    "Order Price",
    "Order Amount",
    "Time",
    "Executed",
    "Average Price",
    "Trading total",
    "Status",
];
pub const DEPOSITS_HEADER: [&str; 7] = [
    "Date(UTC+0)",
    "Coin",
    "Network",
    "Amount",
    "Address",
    "TXID",
    "Status",
];
pub const WITHDRAWALS_HEADER: [&str; 8] = [
    "Date(UTC+0)",
    "Coin",
    "Network",
    "Amount",
    "Fee",
    "Address",
    "TXID",
    "Status",
];

const BOM: &str = "\u{feff}";

/// Prices: 10 decimals, thousands separator from 1000 on (`11,426.2000000000`).
fn price(v: Dec) -> String {
    with_thousands(&fmt_fixed(v, 10))
}

/// Statement (S-v2): UTF-8 BOM, every field quoted, oldest first, 8 dp.
pub fn statement(book: &Book, user_id: &str) -> Vec<u8> {
    let mut rows: Vec<_> = book.ledger.iter().enumerate().collect();
    rows.sort_by_key(|(i, r)| (r.time, *i));
    let mut out = String::from(BOM);
    out.push_str(&csv_line(&STATEMENT_HEADER, true));
    for (_, r) in rows {
        out.push_str(&csv_line(
            &[
                user_id.to_string(),
                ymd_hms(r.time),
                r.account.to_string(),
                r.operation.to_string(),
                r.coin.clone(),
                fmt_fixed(r.change, 8),
                r.remark.to_string(),
            ],
            true,
        ));
    }
    out.into_bytes()
}

/// Orders newest first (by time, then id), as Binance lists them.
fn newest_first(book: &Book) -> Vec<&SimOrder> {
    let mut v: Vec<&SimOrder> = book.orders.iter().collect();
    v.sort_by_key(|o| std::cmp::Reverse((o.time, o.id)));
    v
}

/// Spot trade history (T2): one line per fill, newest first.
pub fn trades(book: &Book) -> Vec<u8> {
    let mut out = csv_line(&TRADES_HEADER, false);
    for o in newest_first(book) {
        for f in o.fills.iter().rev() {
            out.push_str(&csv_line(
                &[
                    ymd_hms(f.time),
                    o.symbol(),
                    o.side.as_str().to_string(),
                    price(f.price),
                    format!("{}{}", fmt_fixed(f.qty, 10), o.base),
                    format!("{}{}", fmt_fixed(f.quote, 8), o.quote),
                    format!("{}{}", fmt_fixed(f.fee, 10), f.fee_asset),
                ],
                false,
            ));
        }
    }
    out.into_bytes()
}

/// Spot order history (O2): one line per order, newest first; `Time` is
/// the last update (last fill or cancellation).
pub fn orders(book: &Book) -> Vec<u8> {
    let mut out = csv_line(&ORDERS_HEADER, false);
    for o in newest_first(book) {
        let executed = o.executed();
        let total = o.total();
        let avg = match div_round(total, executed, 10) {
            Some(a) => price(a),
            None => "0".to_string(),
        };
        let order_price = match (o.kind, o.price) {
            (OrdType::Limit, Some(p)) => price(p),
            _ => "0".to_string(),
        };
        out.push_str(&csv_line(
            &[
                ymd_hms(o.time),
                o.id.to_string(),
                o.symbol(),
                o.kind.as_str().to_string(),
                o.side.as_str().to_string(),
                order_price,
                format!("{}{}", fmt_fixed(o.orig_qty, 10), o.base),
                ymd_hms(o.update_time),
                format!("{}{}", fmt_fixed(executed, 10), o.base),
                avg,
                format!("{}{}", fmt_fixed(total, 8), o.quote),
                o.status.to_string(),
            ],
            false,
        ));
    }
    out.into_bytes()
}

/// Crypto deposit history (D3) as xlsx, newest first.
pub fn deposits(book: &Book, created: TimeMs) -> Vec<u8> {
    let mut v: Vec<_> = book.transfers.iter().filter(|t| t.deposit).collect();
    v.sort_by_key(|t| std::cmp::Reverse(t.time));
    let rows: Vec<Vec<String>> = v
        .iter()
        .map(|t| {
            vec![
                yy_hms(t.time),
                t.coin.clone(),
                t.network.clone(),
                fmt_fixed(t.amount, 8),
                t.address.clone(),
                t.txid.clone(),
                "Completed".to_string(),
            ]
        })
        .collect();
    text_sheet(&DEPOSITS_HEADER, &rows, created)
}

/// Crypto withdrawal history (D3) as csv, newest first; Amount is net of Fee.
pub fn withdrawals(book: &Book) -> Vec<u8> {
    let mut v: Vec<_> = book.transfers.iter().filter(|t| !t.deposit).collect();
    v.sort_by_key(|t| std::cmp::Reverse(t.time));
    let mut out = csv_line(&WITHDRAWALS_HEADER, false);
    for t in v {
        out.push_str(&csv_line(
            &[
                yy_hms(t.time),
                t.coin.clone(),
                t.network.clone(),
                fmt_fixed(t.amount, 8),
                fmt_fixed(t.fee, 8),
                t.address.clone(),
                t.txid.clone(),
                "Completed".to_string(),
            ],
            false,
        ));
    }
    out.into_bytes()
}
