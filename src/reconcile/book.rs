//! The book of record. Inside the time span the statement covers, the
//! statement is the book and the other exports are matched against it;
//! outside it (or with no statement) their rows become derived legs. An
//! event is counted once.
//!
//! Matching tolerances (DETECTORS.md): trade legs ±1 s; deposits and
//! withdrawals up to 60 min (statement rows lag the histories); withdrawal
//! amounts are net in the history and gross in the statement. Ledger rows
//! of other exports (earn interest) match like transfers; conversions
//! (convert, buy-crypto, P2P) only count outside the span. The fiat, P2P and
//! earn legs are built in `money_legs`.

use super::by_time::ByTime;
pub use super::coverage::{Coverage, Times};
use super::derivs::{self, DerivSources};
use super::money_legs::{conversion_legs, place_history_rows, transfer_categories, transfer_keys};
use crate::analysis::UnmatchedRow;
use crate::decimal::Dec;
use crate::model::{
    Category, Conversion, Direction, Fill, LedgerRow, Order, Origin, Side, TimeMs, Transfer,
};

pub const TRANSFER_TOLERANCE_MS: i64 = 60 * 60 * 1000;
pub const TRADE_TOLERANCE_MS: i64 = 1000;

/// The book: every balance change counted once, and what did not match.
#[derive(Debug, Default, Clone)]
pub struct Book {
    pub rows: Vec<LedgerRow>,
    /// (wallet, coin, row) of rows of either side that found no counterpart.
    pub unmatched: Vec<(String, String, UnmatchedRow)>,
    pub has_statement: bool,
    /// What the statement covers: the union of its files' own spans.
    pub coverage: Coverage,
    /// Notes for the report (which sources were used).
    pub notes: Vec<String>,
}

/// Inputs of the book.
#[derive(Default)]
pub struct Sources<'a> {
    pub statement: &'a [LedgerRow],
    pub fills: &'a [Fill],
    pub orders: &'a [Order],
    pub transfers: &'a [Transfer],
    pub conversions: &'a [Conversion],
    /// Ledger rows of exports other than the statement (earn interest).
    pub history_ledger: &'a [LedgerRow],
    /// Futures trades, futures transactions and margin rows (`derivs.rs`).
    pub derivs: DerivSources<'a>,
    /// Each statement file's own span (first, last row time); empty: taken
    /// per file from the statement rows.
    pub statement_spans: &'a [(TimeMs, TimeMs)],
    /// Files whose times lost their seconds (a spreadsheet re-save): a time
    /// there stands for any time within that minute.
    pub minute_files: &'a [String],
}

pub fn build(src: &Sources) -> Book {
    let mut book = Book {
        rows: src.statement.to_vec(),
        has_statement: !src.statement.is_empty(),
        ..Book::default()
    };
    let times = Times {
        minute_files: src.minute_files,
    };
    book.coverage = coverage(src, &times);
    let cov = book.coverage.clone();
    let inside = |o: &Origin, t: TimeMs, tol: i64| cov.covers(times.window(o, t), tol);
    let mut used = vec![false; book.rows.len()];
    let idx = ByTime::new(&book.rows);

    // Deposits and withdrawals.
    let mut transfers: Vec<&Transfer> = src.transfers.iter().filter(|t| t.completed).collect();
    transfers.sort_by_key(|t| (t.time, t.origin.clone()));
    let mut derived: Vec<LedgerRow> = Vec::new();
    let mut splits: Vec<(usize, LedgerRow)> = Vec::new();
    for t in transfers {
        if let Some(i) = match_transfer(&book.rows, &idx, &used, t, &times) {
            used[i] = true;
            if t.direction == Direction::Withdrawal
                && !t.fee.is_zero()
                && book.rows[i].change == -(t.amount + t.fee)
            {
                // Split the gross statement row into amount and fee.
                let mut fee = book.rows[i].clone();
                fee.category = transfer_categories(t).1;
                fee.change = -t.fee;
                book.rows[i].change = -t.amount;
                splits.push((i, fee));
            }
            continue;
        }
        if inside(&t.origin, t.time, TRANSFER_TOLERANCE_MS) {
            let principal = &transfer_legs(t)[0];
            book.unmatched.push((
                "Spot".into(),
                t.coin.to_string(),
                UnmatchedRow::of(principal, "transfers", None),
            ));
            continue;
        }
        derived.extend(transfer_legs(t));
    }
    // Ledger rows of other exports (earn interest).
    let placed = place_history_rows(src.statement, &idx, &mut used, src.history_ledger, |t| {
        cov.covers((t, t), TRANSFER_TOLERANCE_MS)
    });
    derived.extend(placed.added);
    book.unmatched.extend(placed.unmatched);
    // Trades.
    let fill_span = span(src.fills.iter().map(|f| f.time));
    for f in src.fills {
        if inside(&f.origin, f.time, TRADE_TOLERANCE_MS) {
            for (leg, name) in fill_legs(f).into_iter().zip(FILL_LEGS) {
                match match_leg(&book.rows, &idx, &used, &leg, &times) {
                    Some(i) => used[i] = true,
                    None => book.unmatched.push((
                        leg.wallet.to_string(),
                        leg.coin.to_string(),
                        UnmatchedRow::of(&leg, "fills", Some(name)),
                    )),
                }
            }
        } else {
            derived.extend(fill_legs(f));
        }
    }
    // Orders stand in for fills only where no trade export covers their time.
    let covered = |t: TimeMs| {
        fill_span.is_some_and(|(a, b)| t >= a - TRADE_TOLERANCE_MS && t <= b + TRADE_TOLERANCE_MS)
    };
    let mut from_orders = 0usize;
    for o in src.orders {
        if o.executed_qty.is_zero()
            || inside(&o.origin, o.time, TRADE_TOLERANCE_MS)
            || covered(o.time)
        {
            continue;
        }
        derived.extend(order_legs(o));
        from_orders += 1;
    }
    if from_orders > 0 {
        book.notes.push(format!(
            "{from_orders} executed order(s) from the order history stand in for missing trade rows; their fees are unknown"
        ));
    }
    for c in src.conversions.iter().filter(|c| c.completed) {
        if !inside(&c.origin, c.time, TRANSFER_TOLERANCE_MS) {
            derived.extend(conversion_legs(c));
        }
    }
    let extra = derivs::legs(&src.derivs, &book.rows, &idx, &mut used, &book.coverage);
    derived.extend(extra.rows);
    book.unmatched.extend(extra.unmatched);
    book.notes.extend(extra.notes);
    book.unmatched
        .extend(statement_unmatched(src, &book.rows, &used, &times));
    for (_, fee) in splits {
        book.rows.push(fee);
    }
    book.rows.extend(derived);
    book.rows
        .sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
    book.unmatched.sort();
    for (a, b) in book.coverage.gaps() {
        book.notes.push(format!(
            "the transaction statement files leave a gap from {} to {}: no statement covers it, so the other exports are the book there",
            crate::timefmt::human(a),
            crate::timefmt::human(b)
        ));
    }
    book.notes.push(match book.coverage.is_empty() {
        false => "the transaction statement is the book of record inside its time span; other exports are matched against it".into(),
        true => "no transaction statement: the bridge rests on the trade, order and transfer exports and is partial (other wallet activity is not visible)".into(),
    });
    book
}

/// Names of the legs `fill_legs` returns, in order.
const FILL_LEGS: [&str; 3] = ["base", "quote", "fee"];

/// Statement rows (`rows[..used.len()]`) that no other export matched,
/// where an export of their kind covers their time: deposits and
/// withdrawals inside the deposit or withdrawal history's span (±60 min),
/// Spot trade legs inside the trade history's span (±1 s). They stay in the
/// book (the statement is the book of record) and are listed.
fn statement_unmatched(
    src: &Sources,
    rows: &[LedgerRow],
    used: &[bool],
    times: &Times,
) -> Vec<(String, String, UnmatchedRow)> {
    // The span (first..last) of each export.
    let cover = |w: Vec<(TimeMs, TimeMs)>| {
        Coverage::new(
            w.into_iter()
                .reduce(|a, b| (a.0.min(b.0), a.1.max(b.1)))
                .into_iter()
                .collect(),
        )
    };
    let history = |dir: Direction| {
        cover(
            src.transfers
                .iter()
                .filter(|t| t.completed && !t.fiat && t.direction == dir)
                .map(|t| times.window(&t.origin, t.time))
                .collect(),
        )
    };
    let (deposits, withdrawals) = (history(Direction::Deposit), history(Direction::Withdrawal));
    let fills = cover(
        src.fills
            .iter()
            .map(|f| times.window(&f.origin, f.time))
            .collect(),
    );
    rows.iter()
        .zip(used)
        .filter(|(r, used)| {
            let w = times.window(&r.origin, r.time);
            !**used
                && match r.category {
                    Category::Deposit => deposits.covers(w, TRANSFER_TOLERANCE_MS),
                    Category::Withdrawal => withdrawals.covers(w, TRANSFER_TOLERANCE_MS),
                    Category::Buy | Category::Sell | Category::TradeFee => {
                        r.wallet == "Spot" && fills.covers(w, TRADE_TOLERANCE_MS)
                    }
                    _ => false,
                }
        })
        .map(|(r, _)| {
            (
                r.wallet.to_string(),
                r.coin.to_string(),
                UnmatchedRow::of(r, "ledger", None),
            )
        })
        .collect()
}

fn span(times: impl Iterator<Item = TimeMs>) -> Option<(TimeMs, TimeMs)> {
    times.fold(None, |acc, t| match acc {
        None => Some((t, t)),
        Some((a, b)) => Some((a.min(t), b.max(t))),
    })
}

/// The statement span of each file: as given, else from the statement rows
/// per file (a minute-only file's span ends with its last minute).
fn coverage(src: &Sources, times: &Times) -> Coverage {
    let mut spans: Vec<(TimeMs, TimeMs)> = src.statement_spans.to_vec();
    if spans.is_empty() {
        let mut per_file: std::collections::BTreeMap<&str, (TimeMs, TimeMs)> =
            std::collections::BTreeMap::new();
        for r in src.statement {
            let (lo, hi) = times.window(&r.origin, r.time);
            let e = per_file.entry(r.origin.file.as_str()).or_insert((lo, hi));
            *e = (e.0.min(lo), e.1.max(hi));
        }
        spans = per_file.into_values().collect();
    }
    Coverage::new(spans)
}

/// How far apart two rows' times may be when one of them stands for a whole
/// minute (seconds lost): the time index is searched this much wider.
const MINUTE_SLACK_MS: TimeMs = 60_000;

fn match_transfer(
    rows: &[LedgerRow],
    idx: &ByTime,
    used: &[bool],
    t: &Transfer,
    times: &Times,
) -> Option<usize> {
    let (cats, amounts) = transfer_keys(t);
    let dist = |r: &LedgerRow| times.distance((&r.origin, r.time), (&t.origin, t.time));
    idx.around(t.time, TRANSFER_TOLERANCE_MS + MINUTE_SLACK_MS)
        .map(|i| (i, &rows[i]))
        .filter(|(i, r)| {
            !used[*i]
                && cats.contains(&r.category)
                && r.coin == t.coin
                && amounts.contains(&r.change)
                && dist(r) <= TRANSFER_TOLERANCE_MS
        })
        .min_by_key(|(i, r)| (dist(r), (r.time - t.time).abs(), *i))
        .map(|(i, _)| i)
}

pub(super) fn match_leg(
    rows: &[LedgerRow],
    idx: &ByTime,
    used: &[bool],
    leg: &LedgerRow,
    times: &Times,
) -> Option<usize> {
    let dist = |r: &LedgerRow| times.distance((&r.origin, r.time), (&leg.origin, leg.time));
    idx.around(leg.time, TRADE_TOLERANCE_MS + MINUTE_SLACK_MS)
        .map(|i| (i, &rows[i]))
        .filter(|(i, r)| {
            !used[*i]
                && r.coin == leg.coin
                && r.change == leg.change
                && dist(r) <= TRADE_TOLERANCE_MS
        })
        .min_by_key(|(i, r)| (dist(r), (r.time - leg.time).abs(), *i))
        .map(|(i, _)| i)
}

fn leg(
    origin: &Origin,
    time: TimeMs,
    op: &str,
    category: Category,
    coin: &str,
    change: Dec,
) -> LedgerRow {
    LedgerRow {
        origin: origin.clone(),
        time,
        wallet: "Spot".into(),
        operation: op.into(),
        category,
        coin: coin.into(),
        change,
        remark: String::new(),
    }
}

pub fn transfer_legs(t: &Transfer) -> Vec<LedgerRow> {
    let (cat, fee_cat) = transfer_categories(t);
    let fiat = if t.fiat { "Fiat " } else { "" };
    match t.direction {
        Direction::Deposit => vec![leg(
            &t.origin,
            t.time,
            &format!("{fiat}Deposit (history)"),
            cat,
            &t.coin,
            t.amount,
        )],
        Direction::Withdrawal => {
            let mut v = vec![leg(
                &t.origin,
                t.time,
                &format!("{fiat}Withdraw (history)"),
                cat,
                &t.coin,
                -t.amount,
            )];
            if !t.fee.is_zero() {
                v.push(leg(
                    &t.origin,
                    t.time,
                    &format!("{fiat}Withdraw fee (history)"),
                    fee_cat,
                    &t.coin,
                    -t.fee,
                ));
            }
            v
        }
    }
}

pub fn fill_legs(f: &Fill) -> Vec<LedgerRow> {
    let (b, q) = match f.side {
        Side::Buy => (f.qty, -f.quote_qty),
        Side::Sell => (-f.qty, f.quote_qty),
    };
    let cat = |d: Dec| {
        if d.is_negative() {
            Category::Sell
        } else {
            Category::Buy
        }
    };
    let mut v = vec![
        leg(&f.origin, f.time, "Trade (history)", cat(b), &f.base, b),
        leg(&f.origin, f.time, "Trade (history)", cat(q), &f.quote, q),
    ];
    if let (Some(fee), Some(asset)) = (f.fee, f.fee_asset.as_deref()) {
        if !fee.is_zero() {
            v.push(leg(
                &f.origin,
                f.time,
                "Trade fee (history)",
                Category::TradeFee,
                asset,
                -fee,
            ));
        }
    }
    v
}

fn order_legs(o: &Order) -> Vec<LedgerRow> {
    let quote = o
        .quote_total
        .or_else(|| o.avg_price.map(|p| p.mul_round(o.executed_qty)))
        .unwrap_or(Dec::ZERO);
    let (b, q) = match o.side {
        Side::Buy => (o.executed_qty, -quote),
        Side::Sell => (-o.executed_qty, quote),
    };
    let cat = |d: Dec| {
        if d.is_negative() {
            Category::Sell
        } else {
            Category::Buy
        }
    };
    let t = o.update_time.unwrap_or(o.time);
    vec![
        leg(&o.origin, t, "Order (history)", cat(b), &o.base, b),
        leg(&o.origin, t, "Order (history)", cat(q), &o.quote, q),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }
    fn o(file: &str, row: u32) -> Origin {
        Origin {
            file: file.into(),
            row,
        }
    }
    fn st(row: u32, time: TimeMs, op: &str, cat: Category, coin: &str, change: &str) -> LedgerRow {
        LedgerRow {
            origin: o("statement.csv", row),
            time,
            wallet: "Spot".into(),
            operation: op.into(),
            category: cat,
            coin: coin.into(),
            change: d(change),
            remark: String::new(),
        }
    }
    fn wd(row: u32, time: TimeMs, amount: &str, fee: &str) -> Transfer {
        Transfer {
            origin: o("withdrawals.csv", row),
            time,
            direction: Direction::Withdrawal,
            coin: "USDT".into(),
            network: None,
            amount: d(amount),
            fee: d(fee),
            address: Some("addr".into()),
            txid: Some("tx".into()),
            memo: None,
            status: "Completed".into(),
            completed: true,
            fiat: false,
        }
    }
    fn sum(book: &Book, coin: &str) -> Dec {
        book.rows
            .iter()
            .filter(|r| r.coin == coin)
            .map(|r| r.change)
            .sum()
    }

    #[test]
    fn withdrawal_matches_the_gross_statement_row_and_splits_the_fee() {
        // Statement: +100 deposit at t=0, −50 gross withdrawal 26 min after the history row.
        let statement = vec![
            st(2, 0, "Deposit", Category::Deposit, "USDT", "100"),
            st(
                3,
                3_600_000 + 26 * 60_000,
                "Withdraw",
                Category::Withdrawal,
                "USDT",
                "-50",
            ),
        ];
        let transfers = vec![wd(2, 3_600_000, "49", "1")];
        let book = build(&Sources {
            statement: &statement,
            fills: &[],
            orders: &[],
            transfers: &transfers,
            conversions: &[],
            ..Sources::default()
        });
        // Counted once: 100 − 49 − 1 = 50.
        assert_eq!(sum(&book, "USDT"), d("50"));
        let fee: Vec<_> = book
            .rows
            .iter()
            .filter(|r| r.category == Category::WithdrawalFee)
            .collect();
        assert_eq!(fee.len(), 1);
        assert_eq!(fee[0].change, d("-1"));
        assert!(book.unmatched.is_empty());
    }

    #[test]
    fn history_rows_outside_the_statement_span_are_added_inside_are_matched() {
        let statement = vec![st(
            2,
            10_000_000,
            "Deposit",
            Category::Deposit,
            "USDT",
            "100",
        )];
        // One withdrawal long after the statement ends (counted), one inside without a match (listed).
        let transfers = vec![
            wd(2, 10_000_000 + 5 * 3_600_000, "10", "0.5"),
            wd(3, 10_000_500, "7", "0"),
        ];
        let book = build(&Sources {
            statement: &statement,
            fills: &[],
            orders: &[],
            transfers: &transfers,
            conversions: &[],
            ..Sources::default()
        });
        // 100 − 10 − 0.5 = 89.5; the unmatched 7 is not counted.
        assert_eq!(sum(&book, "USDT"), d("89.5"));
        assert_eq!(
            book.unmatched,
            vec![(
                "Spot".into(),
                "USDT".into(),
                UnmatchedRow {
                    origin: o("withdrawals.csv", 3),
                    table: "transfers",
                    time: 10_000_500,
                    leg: None,
                    change: d("-7"),
                }
            )]
        );
        assert!(book.has_statement);
    }

    #[test]
    fn fills_inside_the_statement_span_match_legs_one_second_apart() {
        let statement = vec![
            st(2, 1_000, "Transaction Spend", Category::Sell, "USDT", "-10"),
            st(3, 2_000, "Transaction Buy", Category::Buy, "BTC", "0.0002"),
            st(
                4,
                2_000,
                "Transaction Fee",
                Category::TradeFee,
                "BNB",
                "-0.00001",
            ),
        ];
        let fill = Fill {
            origin: o("trades.csv", 2),
            time: 1_000,
            symbol: "BTCUSDT".into(),
            base: "BTC".into(),
            quote: "USDT".into(),
            side: Side::Buy,
            price: d("50000"),
            qty: d("0.0002"),
            quote_qty: d("10"),
            fee: Some(d("0.00001")),
            fee_asset: Some("BNB".into()),
            order_id: None,
            trade_id: None,
            is_maker: None,
        };
        let book = build(&Sources {
            statement: &statement,
            fills: &[fill],
            orders: &[],
            transfers: &[],
            conversions: &[],
            ..Sources::default()
        });
        assert_eq!(book.rows.len(), 3, "fill legs must not be added again");
        assert!(book.unmatched.is_empty(), "{:?}", book.unmatched);
        assert_eq!(sum(&book, "BTC"), d("0.0002"));
    }
}
