//! Recognition by value shape, for files whose header names nothing known
//! (a language without aliases, a garbled or hand-edited header).
//!
//! The values of the first rows give each column a shape: a date, a pair
//! (`BTCUSDT`), BUY/SELL, a wallet name (`Spot`), a statement operation, a
//! futures income type (`REALIZED_PNL`), a coin (`USDT`), a plain or
//! asset-suffixed amount (`0.5BTC`). A layout is guessed only when its
//! columns are all found without ambiguity and the guessed mapping matches
//! that layout in the table; the sniffer then warns `layout-guessed` with the
//! mapping. Guessed layouts: transaction statement, spot trade history (T2
//! and T1) and futures transaction history. Deposit and withdrawal files are
//! never guessed (their direction must never be guessed either).

use super::grid::Grid;
use super::layouts::{field as f, match_layout, Layout};
use crate::decimal::Dec;
use crate::normalize::amount::{parse_number, split_suffixed, NumStyle};
use crate::normalize::futures_transactions::type_category;
use crate::normalize::operations::{rule, wallet};
use crate::normalize::symbols::{split_by_quotes, split_by_suffixes};
use crate::normalize::time::detect;
use crate::normalize::trades::side_word;

/// How many data rows are looked at.
pub const SAMPLE_ROWS: usize = 20;

/// Normalized wallet names (ARCHITECTURE.md "Wallet names").
const WALLETS: &[&str] = &[
    "Spot",
    "Funding",
    "Earn",
    "Cross Margin",
    "Isolated Margin",
    "USD-M Futures",
    "Coin-M Futures",
    "Pool",
    "Card",
    "P2P",
    "Savings",
    "Options",
    "Mining",
    "Sub-account",
];

/// A guessed layout with a field per column.
#[derive(Debug, Clone)]
pub struct Guess {
    pub layout: &'static Layout,
    pub fields: Vec<Option<&'static str>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Empty,
    Date,
    Side,
    Wallet,
    FuturesType,
    Operation,
    Pair,
    Coin,
    Number,
    Suffixed,
    Text,
}

/// One column's shape and a few facts about its numbers.
#[derive(Debug, Clone)]
struct Col {
    shape: Shape,
    /// Every value an integer of 6+ digits (ids).
    id_like: bool,
    /// Every value the same.
    constant: bool,
    negative: bool,
}

fn number(v: &str) -> Option<Dec> {
    parse_number(v, NumStyle::default())
        .or_else(|_| {
            parse_number(
                v,
                NumStyle {
                    decimal_comma: true,
                },
            )
        })
        .ok()
}

fn is_coin(v: &str) -> bool {
    (2..=15).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && v.bytes().any(|b| b.is_ascii_uppercase())
}

fn is_pair(v: &str) -> bool {
    (v.contains('/') && v.split('/').all(is_coin))
        || (v.len() >= 5 && is_coin(v) && split_by_quotes(v, None).is_some())
}

fn is_suffixed(v: &str) -> bool {
    number(v).is_none()
        && split_suffixed(v, &[], NumStyle::default())
            .is_ok_and(|(_, a)| a.bytes().any(|b| b.is_ascii_alphabetic()))
}

fn classify(vals: &[&str]) -> Col {
    let all = |p: &dyn Fn(&str) -> bool| vals.iter().all(|v| p(v));
    let nums: Vec<Dec> = vals.iter().filter_map(|v| number(v)).collect();
    let mut col = Col {
        shape: Shape::Text,
        id_like: !vals.is_empty()
            && all(&|v| v.len() >= 6 && v.bytes().all(|b| b.is_ascii_digit())),
        constant: vals.windows(2).all(|w| w[0] == w[1]),
        negative: nums.iter().any(|n| n.is_negative()),
    };
    let known_ops = vals.iter().filter(|v| rule(v).is_some()).count();
    col.shape = if vals.is_empty() {
        Shape::Empty
    } else if all(&|v| v.contains(':')) && detect(vals).is_ok() {
        Shape::Date
    } else if all(&|v| side_word(v).is_some()) {
        Shape::Side
    } else if all(&|v| WALLETS.contains(&wallet(v).as_str())) {
        Shape::Wallet
    } else if all(&|v| {
        type_category(v).is_some() || (v.contains('_') && is_coin(&v.replace('_', "")))
    }) {
        Shape::FuturesType
    } else if known_ops * 5 >= vals.len() * 3 {
        Shape::Operation
    } else if all(&is_suffixed) && vals.iter().any(|v| v.contains('.')) {
        // `25.0ADA` (a decimal point proves an amount, not a `1INCH`-like ticker)
        Shape::Suffixed
    } else if all(&is_pair) {
        Shape::Pair
    } else if all(&is_coin) {
        Shape::Coin
    } else if nums.len() == vals.len() {
        Shape::Number
    } else if all(&is_suffixed) {
        Shape::Suffixed
    } else {
        Shape::Text
    };
    col
}

/// Guess the layout of a grid whose header was not recognized.
pub fn guess(grid: &Grid) -> Option<Guess> {
    let n = grid.rows.iter().take(SAMPLE_ROWS).map(Vec::len).max()?;
    let sample: Vec<&Vec<String>> = grid.rows.iter().take(SAMPLE_ROWS).collect();
    let column = |c: usize| -> Vec<&str> {
        sample
            .iter()
            .filter_map(|r| r.get(c).map(|v| v.trim()))
            .filter(|v| !v.is_empty())
            .collect()
    };
    let cols: Vec<Col> = (0..n).map(|c| classify(&column(c))).collect();
    let first = |s: Shape| cols.iter().position(|c| c.shape == s);
    let only = |s: Shape| {
        let v: Vec<usize> = (0..n).filter(|&i| cols[i].shape == s).collect();
        (v.len() == 1).then(|| v[0])
    };
    let candidates = [
        statement(&cols, first, only),
        trades_v2(&cols, &sample, first, only),
        trades_v1(&cols, &sample, first, only),
        futures_txns(&cols, first, only),
    ];
    candidates.into_iter().flatten().find_map(|fields| {
        let layout = match_layout(&fields)?;
        Some(Guess { layout, fields })
    })
}

type Fields = Vec<Option<&'static str>>;

fn statement(
    cols: &[Col],
    first: impl Fn(Shape) -> Option<usize>,
    only: impl Fn(Shape) -> Option<usize>,
) -> Option<Fields> {
    let mut fields: Fields = vec![None; cols.len()];
    fields[first(Shape::Date)?] = Some(f::TIME);
    fields[only(Shape::Wallet)?] = Some(f::ACCOUNT);
    fields[only(Shape::Operation).or_else(|| only(Shape::Side))?] = Some(f::OPERATION);
    fields[only(Shape::Coin)?] = Some(f::COIN);
    let nums: Vec<usize> = (0..cols.len())
        .filter(|&i| cols[i].shape == Shape::Number)
        .collect();
    let user: Vec<usize> = nums
        .iter()
        .copied()
        .filter(|&i| cols[i].id_like && cols[i].constant)
        .collect();
    let change: Vec<usize> = nums.iter().copied().filter(|i| !user.contains(i)).collect();
    let change = match change.as_slice() {
        [one] => *one,
        many => {
            let signed: Vec<usize> = many.iter().copied().filter(|&i| cols[i].negative).collect();
            (signed.len() == 1).then(|| signed[0])?
        }
    };
    fields[change] = Some(f::CHANGE);
    if let [u] = user.as_slice() {
        fields[*u] = Some(f::USER_ID);
    }
    if let Some(next) = fields.get(change + 1) {
        if next.is_none() && matches!(cols[change + 1].shape, Shape::Text | Shape::Empty) {
            fields[change + 1] = Some(f::REMARK);
        }
    }
    Some(fields)
}

fn trades_v2(
    cols: &[Col],
    sample: &[&Vec<String>],
    first: impl Fn(Shape) -> Option<usize>,
    only: impl Fn(Shape) -> Option<usize>,
) -> Option<Fields> {
    let mut fields: Fields = vec![None; cols.len()];
    fields[first(Shape::Date)?] = Some(f::TIME);
    let pair = only(Shape::Pair)?;
    fields[pair] = Some(f::PAIR);
    fields[only(Shape::Side)?] = Some(f::SIDE);
    let price = (0..cols.len()).find(|&i| cols[i].shape == Shape::Number && !cols[i].id_like)?;
    fields[price] = Some(f::PRICE);
    let suffixed: Vec<usize> = (0..cols.len())
        .filter(|&i| cols[i].shape == Shape::Suffixed)
        .collect();
    let [a, b, c] = suffixed.as_slice() else {
        return None;
    };
    let cell =
        |r: &Vec<String>, i: usize| r.get(i).map(|v| v.trim().to_string()).unwrap_or_default();
    let splits = |x: usize, y: usize| {
        sample
            .iter()
            .all(|r| split_by_suffixes(&cell(r, pair), &cell(r, x), &cell(r, y)).is_some())
    };
    let (exec, amount, fee) = [(*a, *b, *c), (*a, *c, *b), (*b, *c, *a)]
        .into_iter()
        .find(|&(x, y, _)| splits(x, y))?;
    fields[exec] = Some(f::EXECUTED);
    fields[amount] = Some(f::AMOUNT);
    fields[fee] = Some(f::FEE);
    Some(fields)
}

fn trades_v1(
    cols: &[Col],
    sample: &[&Vec<String>],
    first: impl Fn(Shape) -> Option<usize>,
    only: impl Fn(Shape) -> Option<usize>,
) -> Option<Fields> {
    let mut fields: Fields = vec![None; cols.len()];
    fields[first(Shape::Date)?] = Some(f::TIME);
    fields[only(Shape::Pair)?] = Some(f::MARKET);
    fields[only(Shape::Side)?] = Some(f::TYPE);
    fields[only(Shape::Coin)?] = Some(f::FEE_COIN);
    let nums: Vec<usize> = (0..cols.len())
        .filter(|&i| cols[i].shape == Shape::Number && !cols[i].id_like)
        .collect();
    let [price, amount, total, fee] = nums.as_slice() else {
        return None;
    };
    // Price × amount must give the total (within 1 %) on every sampled row.
    let num = |r: &Vec<String>, i: usize| r.get(i).and_then(|v| number(v));
    let consistent =
        sample.iter().all(
            |r| match (num(r, *price), num(r, *amount), num(r, *total)) {
                (Some(p), Some(a), Some(t)) => {
                    let diff = (p.mul_round(a) - t).abs();
                    diff.mul_round(Dec::from_int(100)) <= t.abs()
                }
                _ => false,
            },
        );
    if !consistent {
        return None;
    }
    fields[*price] = Some(f::PRICE);
    fields[*amount] = Some(f::AMOUNT);
    fields[*total] = Some(f::TOTAL);
    fields[*fee] = Some(f::FEE);
    Some(fields)
}

fn futures_txns(
    cols: &[Col],
    first: impl Fn(Shape) -> Option<usize>,
    only: impl Fn(Shape) -> Option<usize>,
) -> Option<Fields> {
    let mut fields: Fields = vec![None; cols.len()];
    fields[first(Shape::Date)?] = Some(f::TIME);
    fields[only(Shape::FuturesType)?] = Some(f::TYPE);
    fields[only(Shape::Coin)?] = Some(f::COIN);
    if let Some(p) = only(Shape::Pair) {
        fields[p] = Some(f::SYMBOL);
    }
    let nums: Vec<usize> = (0..cols.len())
        .filter(|&i| cols[i].shape == Shape::Number)
        .collect();
    let ids: Vec<usize> = nums.iter().copied().filter(|&i| cols[i].id_like).collect();
    let amounts: Vec<usize> = nums.iter().copied().filter(|&i| !cols[i].id_like).collect();
    let ([id], [amount]) = (ids.as_slice(), amounts.as_slice()) else {
        return None;
    };
    fields[*id] = Some(f::TRANSACTION_ID);
    fields[*amount] = Some(f::AMOUNT);
    Some(fields)
}

/// The `layout-guessed` warning text: layout and column mapping.
pub fn describe(grid: &Grid, g: &Guess) -> String {
    let mapped: Vec<String> = g
        .fields
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            let name = grid.header.get(i).map(String::as_str).unwrap_or("");
            k.map(|k| format!("column {} `{name}` → {k}", i + 1))
        })
        .collect();
    format!(
        "the header matches no known layout; from the values of the first {} row(s) the file was read as `{}` ({}): {}. \
         Check the mapping; unmapped columns are ignored",
        grid.rows.len().min(SAMPLE_ROWS),
        g.layout.id,
        g.layout.kind.as_str(),
        mapped.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(text: &str) -> Grid {
        crate::ingest::csv::read_csv("x.csv", text.as_bytes()).unwrap()
    }

    #[test]
    fn a_statement_with_garbled_names_is_guessed() {
        let g = grid(
            "a,b,c,d,e,f,g\n\
             10000001,2024-01-01 00:00:00,Spot,Deposit,USDT,100,\n\
             10000001,2024-01-01 00:05:00,Spot,Transaction Spend,USDT,-50,\n\
             10000001,2024-01-01 00:05:00,Spot,Transaction Buy,BTC,0.001,x\n",
        );
        let got = guess(&g).unwrap();
        assert_eq!(got.layout.id, "statement/v2");
        let want = [
            f::USER_ID,
            f::TIME,
            f::ACCOUNT,
            f::OPERATION,
            f::COIN,
            f::CHANGE,
            f::REMARK,
        ];
        assert_eq!(got.fields, want.map(Some).to_vec());
    }

    #[test]
    fn a_t1_trade_history_needs_consistent_price_amount_total() {
        let ok = "w,x,y,z,p,q,r,s\n2020-02-04 16:19:07,LTCBTC,BUY,0.007393,1.61,0.01190273,0.00161,LTC\n";
        let got = guess(&grid(ok)).unwrap();
        assert_eq!(got.layout.id, "spot-trades/v1");
        assert_eq!(got.fields[5], Some(f::TOTAL));
        // 0.007393 × 1.61 = 0.01190273; a total of 5 is not that product.
        let bad = "w,x,y,z,p,q,r,s\n2020-02-04 16:19:07,LTCBTC,BUY,0.007393,1.61,5,0.00161,LTC\n";
        assert!(guess(&grid(bad)).is_none());
    }

    #[test]
    fn amounts_with_a_decimal_point_are_not_tickers() {
        assert_eq!(classify(&["25.0ADA", "0.5BTC"]).shape, Shape::Suffixed);
        assert_eq!(classify(&["1.5 EUR"]).shape, Shape::Suffixed);
        assert_eq!(classify(&["1INCH", "BTC"]).shape, Shape::Coin);
        assert_eq!(classify(&["1INCHUSDT", "BTC/USDT"]).shape, Shape::Pair);
        assert_eq!(
            classify(&["REALIZED_PNL", "COMMISSION"]).shape,
            Shape::FuturesType
        );
        assert_eq!(classify(&["Spot", "FUNDING"]).shape, Shape::Wallet);
        assert_eq!(
            classify(&["Deposit", "Transaction Buy", "Zzz"]).shape,
            Shape::Operation
        );
    }

    #[test]
    fn random_tables_are_not_guessed() {
        assert!(guess(&grid("a,b,c\n1,2,3\n4,5,6\n")).is_none());
        assert!(guess(&grid("name,city,when\nann,Oslo,2024-01-01 10:00:00\n")).is_none());
    }
}
