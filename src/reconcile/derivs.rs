//! Book legs of the futures and margin exports (called by `book::build`).
//!
//! - Futures transaction history: each row is a balance change of the
//!   futures wallet. Inside the statement's span it is matched against the
//!   statement; outside it is the book of that wallet.
//! - Futures trade history: a trade changes the wallet only by its fee and
//!   realized PnL. Where the futures transaction history covers the time,
//!   that history is the book (it holds the same commission and PnL rows),
//!   so the trade legs are matched against it and never added twice; the
//!   statement wins over both inside its span.
//! - Margin borrow/repay and interest: legs of category `margin`, matched
//!   against the statement inside its span, added outside it.

use super::book::{match_leg, Coverage, Times, TRADE_TOLERANCE_MS};
use super::by_time::ByTime;
use crate::analysis::UnmatchedRow;
use crate::model::{Category, FuturesFill, LedgerRow, TimeMs};

/// Legs, unmatched rows and notes to add to the book.
#[derive(Debug, Default)]
pub struct DerivLegs {
    pub rows: Vec<LedgerRow>,
    pub unmatched: Vec<(String, String, UnmatchedRow)>,
    pub notes: Vec<String>,
}

/// The futures and margin inputs of the book.
#[derive(Debug, Default, Clone, Copy)]
pub struct DerivSources<'a> {
    pub futures_fills: &'a [FuturesFill],
    /// Futures transaction history rows (already ledger rows).
    pub futures_ledger: &'a [LedgerRow],
    pub margin: &'a [LedgerRow],
}

fn covers(span: Option<(TimeMs, TimeMs)>, t: TimeMs) -> bool {
    span.is_some_and(|(a, b)| t >= a - TRADE_TOLERANCE_MS && t <= b + TRADE_TOLERANCE_MS)
}

fn in_statement(coverage: &Coverage, t: TimeMs) -> bool {
    coverage.covers((t, t), TRADE_TOLERANCE_MS)
}

fn span_of<'a>(rows: impl Iterator<Item = &'a LedgerRow>) -> Option<(TimeMs, TimeMs)> {
    rows.fold(None, |acc, r| match acc {
        None => Some((r.time, r.time)),
        Some((a, b)) => Some((a.min(r.time), b.max(r.time))),
    })
}

/// Match `leg` against `rows`; an unmatched leg is listed, never counted.
fn match_or_list(
    rows: &[LedgerRow],
    idx: &ByTime,
    used: &mut [bool],
    leg: &LedgerRow,
    out: &mut DerivLegs,
) -> bool {
    match match_leg(rows, idx, used, leg, &Times::default()) {
        Some(i) => {
            used[i] = true;
            true
        }
        None => {
            // A futures trade's legs carry their operation; ledger rows are one event.
            let row = if leg.operation.ends_with("(trade history)") {
                let name = if leg.operation.starts_with("Futures fee") {
                    "fee"
                } else {
                    "realized_pnl"
                };
                UnmatchedRow::of(leg, "fills", Some(name))
            } else {
                UnmatchedRow::of(leg, "ledger", None)
            };
            out.unmatched
                .push((leg.wallet.to_string(), leg.coin.to_string(), row));
            false
        }
    }
}

/// The fee and realized-PnL legs of one futures fill (zero legs omitted).
pub fn futures_fill_legs(f: &FuturesFill) -> Vec<LedgerRow> {
    let leg = |op: &str, coin: &str, change| LedgerRow {
        origin: f.origin.clone(),
        time: f.time,
        wallet: f.wallet,
        operation: op.into(),
        category: Category::Futures,
        coin: coin.into(),
        change,
        remark: f.symbol.to_string(),
    };
    let mut v = Vec::new();
    if !f.fee.is_zero() {
        v.push(leg("Futures fee (trade history)", &f.fee_asset, -f.fee));
    }
    if !f.realized_pnl.is_zero() {
        v.push(leg(
            "Realized PnL (trade history)",
            &f.pnl_asset,
            f.realized_pnl,
        ));
    }
    v
}

/// Legs of the futures and margin exports. `statement` are the statement
/// rows (with `used` marking those already matched) and `coverage` the time they cover.
pub fn legs(
    src: &DerivSources,
    statement: &[LedgerRow],
    idx: &ByTime,
    used: &mut [bool],
    coverage: &Coverage,
) -> DerivLegs {
    let mut out = DerivLegs::default();
    for r in src.futures_ledger.iter().chain(src.margin) {
        if in_statement(coverage, r.time) {
            match_or_list(statement, idx, used, r, &mut out);
        } else {
            out.rows.push(r.clone());
        }
    }
    let txn_span = span_of(src.futures_ledger.iter());
    let mut txn_used = vec![false; src.futures_ledger.len()];
    let txn_idx = ByTime::new(src.futures_ledger);
    let (mut added, mut matched, mut listed) = (0usize, 0usize, 0usize);
    for f in src.futures_fills {
        for leg in futures_fill_legs(f) {
            if in_statement(coverage, leg.time) {
                match_or_list(statement, idx, used, &leg, &mut out);
            } else if covers(txn_span, leg.time) {
                if match_or_list(src.futures_ledger, &txn_idx, &mut txn_used, &leg, &mut out) {
                    matched += 1;
                } else {
                    listed += 1;
                }
            } else {
                out.rows.push(leg);
                added += 1;
            }
        }
    }
    if !src.futures_fills.is_empty() && !src.futures_ledger.is_empty() {
        out.notes.push(format!(
            "the futures transaction history is the book of record for the futures wallet where it covers the time: \
             the futures trade history's fees and realized PnL are matched against it, not added again \
             ({matched} matched, {listed} without a counterpart, {added} outside its span added)"
        ));
    } else if added > 0 {
        out.notes.push(format!(
            "{added} fee and realized-PnL leg(s) of the futures wallet come from the futures trade history; \
             funding fees and transfers of that wallet are not in that export"
        ));
    }
    if !src.margin.is_empty() {
        out.notes.push(
            "margin loans add the borrowed coin to the margin wallet and repayments take it out; interest is \
             counted as a cost when charged (if a repayment amount already includes its interest, that interest \
             appears twice: compare with the statement)"
                .into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decimal::Dec;
    use crate::model::{Origin, Side};

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }
    fn fill(row: u32, time: TimeMs, fee: &str, pnl: &str) -> FuturesFill {
        FuturesFill {
            origin: Origin {
                file: "ft.csv".into(),
                row,
            },
            time,
            wallet: "USD-M Futures".into(),
            symbol: "BTCUSDT".into(),
            side: Side::Sell,
            price: d("39250"),
            qty: d("0.01"),
            quote_qty: d("392.5"),
            fee: d(fee),
            fee_asset: "USDT".into(),
            realized_pnl: d(pnl),
            pnl_asset: "USDT".into(),
            order_id: None,
            trade_id: None,
            is_maker: None,
        }
    }
    fn txn(row: u32, time: TimeMs, op: &str, change: &str) -> LedgerRow {
        LedgerRow {
            origin: Origin {
                file: "fx.csv".into(),
                row,
            },
            time,
            wallet: "USD-M Futures".into(),
            operation: op.into(),
            category: Category::Futures,
            coin: "USDT".into(),
            change: d(change),
            remark: String::new(),
        }
    }
    fn sum(rows: &[LedgerRow]) -> Dec {
        rows.iter().map(|r| r.change).sum()
    }

    #[test]
    fn trade_legs_are_not_added_where_the_transaction_history_covers_them() {
        // Transaction history: commission −0.157 and PnL +2.5 at t=10 s (row 2, 3).
        let ledger = vec![
            txn(2, 10_000, "COMMISSION", "-0.157"),
            txn(3, 10_000, "REALIZED_PNL", "2.5"),
        ];
        // The same trade (fee 0.157, PnL 2.5) and one an hour later, outside the history.
        let fills = vec![
            fill(2, 10_000, "0.157", "2.5"),
            fill(3, 3_610_000, "0.1", "-1"),
        ];
        let src = DerivSources {
            futures_fills: &fills,
            futures_ledger: &ledger,
            margin: &[],
        };
        let out = legs(&src, &[], &ByTime::default(), &mut [], &Coverage::default());
        // Book: the two history rows + the later trade's legs: −0.157 + 2.5 − 0.1 − 1 = 1.243.
        assert_eq!(out.rows.len(), 4);
        assert_eq!(sum(&out.rows), d("1.243"));
        assert!(out.unmatched.is_empty(), "{:?}", out.unmatched);
        assert!(out.notes[0].contains("2 matched, 0 without a counterpart, 2 outside"));
    }

    #[test]
    fn inside_the_statement_span_futures_rows_are_matched_not_added() {
        let statement = vec![txn(5, 10_000, "Funding Fee", "-0.0312")];
        let ledger = vec![
            txn(2, 10_000, "FUNDING_FEE", "-0.0312"),
            txn(3, 10_500, "COMMISSION", "-1"),
        ];
        let src = DerivSources {
            futures_ledger: &ledger,
            ..DerivSources::default()
        };
        let mut used = vec![false];
        let out = legs(
            &src,
            &statement,
            &ByTime::new(&statement),
            &mut used,
            &Coverage::new(vec![(10_000, 10_000)]),
        );
        assert!(out.rows.is_empty());
        assert_eq!(used, vec![true]);
        // The commission has no statement row: listed, not counted.
        assert_eq!(out.unmatched.len(), 1);
        assert_eq!(out.unmatched[0].2.origin.row, 3);
    }
}
