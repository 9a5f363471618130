//! Normalized files → one account's typed views and the book of record.

use crate::analysis::ActivityBucket;
use crate::model::{Account, Conversion, FileKind, Fill, LedgerRow, TimeMs};
use crate::normalize::NormalizedFile;
use crate::reconcile::derivs::DerivSources;
use crate::reconcile::{build_book, Book, Sources};
use std::collections::BTreeMap;

/// Everything downstream needs from the normalized inputs.
pub struct Assembled {
    pub account: Account,
    pub book: Book,
    pub conversions: Vec<Conversion>,
}

pub fn assemble(id: &str, files: &[NormalizedFile]) -> Assembled {
    let mut statement: Vec<LedgerRow> = Vec::new();
    let mut trade_fills: Vec<Fill> = Vec::new();
    let mut order_fills: Vec<Fill> = Vec::new();
    let mut account = Account {
        id: id.to_string(),
        ..Account::default()
    };
    let mut conversions = Vec::new();
    let mut history_ledger: Vec<LedgerRow> = Vec::new();
    let (mut futures_fills, mut futures_ledger, mut margin) = (Vec::new(), Vec::new(), Vec::new());
    // Each statement file's own span (taken before cross-file duplicates were
    // removed), and the files whose times lost their seconds.
    let mut statement_spans = Vec::new();
    let mut minute_files = Vec::new();
    for f in files {
        let minute = f.seconds_missing();
        if minute {
            minute_files.push(f.summary.path.clone());
        }
        match f.summary.kind {
            FileKind::Statement => {
                statement.extend(f.rows.ledger.iter().cloned());
                account.has_statement = true;
                if let (Some(a), Some(b)) = (f.summary.first_time, f.summary.last_time) {
                    statement_spans.push((a, if minute { b + 59_999 } else { b }));
                }
            }
            FileKind::FuturesTrades => futures_fills.extend(f.rows.futures_fills.iter().cloned()),
            FileKind::FuturesTransactions => futures_ledger.extend(f.rows.ledger.iter().cloned()),
            FileKind::Margin => margin.extend(f.rows.ledger.iter().cloned()),
            FileKind::SpotOrders => {
                account.has_order_history = true;
                order_fills.extend(f.rows.fills.iter().cloned());
            }
            _ => {
                trade_fills.extend(f.rows.fills.iter().cloned());
                history_ledger.extend(f.rows.ledger.iter().cloned());
            }
        }
        account.orders.extend(f.rows.orders.iter().cloned());
        account.transfers.extend(f.rows.transfers.iter().cloned());
        conversions.extend(f.rows.conversions.iter().cloned());
    }
    account.fills = merge_fills(trade_fills, order_fills, &minute_files);
    account
        .fills
        .sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
    account
        .orders
        .sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
    account
        .transfers
        .sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
    let book = build_book(&Sources {
        statement: &statement,
        fills: &account.fills,
        orders: &account.orders,
        transfers: &account.transfers,
        conversions: &conversions,
        history_ledger: &history_ledger,
        derivs: DerivSources {
            futures_fills: &futures_fills,
            futures_ledger: &futures_ledger,
            margin: &margin,
        },
        statement_spans: &statement_spans,
        minute_files: &minute_files,
    });
    account.ledger = book.rows.clone();
    let mut book = book;
    if account.fills.is_empty() && account.orders.is_empty() && !statement.is_empty() {
        // No trade or order history: the detectors read the trades from the statement.
        account.fills = crate::normalize::statement_fills::fills_from_statement(&statement);
        if !account.fills.is_empty() {
            book.notes.push(format!(
                "no trade or order history was given: {} fills were rebuilt from the statement's trade rows                  (symbols and prices inferred from the paired legs; order ids unknown)",
                account.fills.len()
            ));
        }
    }
    Assembled {
        account,
        book,
        conversions,
    }
}

/// Trade-history fills, plus nested order-history fills that the trade
/// history does not already hold (same symbol, side, price, qty and second;
/// a time from a file whose seconds were lost stands for its whole minute).
fn merge_fills(trades: Vec<Fill>, order_fills: Vec<Fill>, minute_files: &[String]) -> Vec<Fill> {
    let key = |f: &Fill| (f.symbol, f.side, f.price, f.qty);
    let window = |f: &Fill| {
        let len = if minute_files.iter().any(|m| f.origin.file == *m) {
            60_000
        } else {
            1000
        };
        let start = f.time.div_euclid(len) * len;
        (start, start + len - 1)
    };
    // key → (window, still unclaimed) of each trade-history fill
    let mut have: BTreeMap<_, Vec<((TimeMs, TimeMs), bool)>> = BTreeMap::new();
    for f in &trades {
        have.entry(key(f)).or_default().push((window(f), true));
    }
    let mut out = trades;
    for f in order_fills {
        let (lo, hi) = window(&f);
        let hit = have.get_mut(&key(&f)).and_then(|v| {
            v.iter_mut()
                .find(|((a, b), free)| *free && *a <= hi && lo <= *b)
        });
        match hit {
            Some(slot) => slot.1 = false,
            None => out.push(f),
        }
    }
    out
}

/// Orders per minute: order-history rows, else fills grouped into orders
/// (same symbol, side and second).
pub fn activity(account: &Account) -> Vec<ActivityBucket> {
    let mut per_min: BTreeMap<TimeMs, u32> = BTreeMap::new();
    if !account.orders.is_empty() {
        for o in &account.orders {
            *per_min
                .entry(o.time.div_euclid(60_000) * 60_000)
                .or_default() += 1;
        }
    } else {
        let mut seen = std::collections::BTreeSet::new();
        for f in &account.fills {
            if seen.insert((f.symbol, f.side, f.time.div_euclid(1000))) {
                *per_min
                    .entry(f.time.div_euclid(60_000) * 60_000)
                    .or_default() += 1;
            }
        }
    }
    per_min
        .into_iter()
        .map(|(minute, orders)| ActivityBucket { minute, orders })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decimal::Dec;
    use crate::model::{Origin, Side};

    fn fill(file: &str, time: TimeMs, order_id: Option<&str>) -> Fill {
        Fill {
            origin: Origin {
                file: file.into(),
                row: 2,
            },
            time,
            symbol: "BTCUSDT".into(),
            base: "BTC".into(),
            quote: "USDT".into(),
            side: Side::Buy,
            price: Dec::parse("50000").unwrap(),
            qty: Dec::parse("0.01").unwrap(),
            quote_qty: Dec::parse("500").unwrap(),
            fee: None,
            fee_asset: None,
            order_id: order_id.map(str::to_string),
            trade_id: None,
            is_maker: None,
        }
    }

    #[test]
    fn an_order_fill_matches_a_minute_only_trade_row_within_its_minute() {
        // Trade row at 12:00 (seconds lost); order fill at 12:00:37 and one at 12:01:05.
        let t = 1_735_819_200_000; // 2025-01-02 12:00:00 UTC
        let trades = vec![fill("trades.csv", t, None)];
        let orders = vec![
            fill("orders.xlsx", t + 37_000, Some("1")),
            fill("orders.xlsx", t + 65_000, Some("2")),
        ];
        let minute = vec!["trades.csv".to_string()];
        let out = merge_fills(trades.clone(), orders.clone(), &minute);
        // 12:00:37 is the trade row; 12:01:05 is not: 2 fills.
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].order_id.as_deref(), Some("2"));
        // Without the minute flag the times differ: all 3 kept.
        assert_eq!(merge_fills(trades, orders, &[]).len(), 3);
    }
}
