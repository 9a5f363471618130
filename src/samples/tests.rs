//! Tests of the generated files as a reader would see them: determinism,
//! exact headers, and exact internal consistency (statement ↔ trade, order,
//! deposit and withdrawal histories), parsed back with `csv` and `calamine`.

use super::generate;
use super::truth_json;
use crate::decimal::Dec;
use crate::model::TimeMs;
use chrono::NaiveDateTime;
use std::collections::BTreeMap;

pub(super) type Row = BTreeMap<String, String>;

pub(super) fn dec(s: &str) -> Dec {
    Dec::parse(&s.replace(',', "")).unwrap_or_else(|e| panic!("not a decimal: {s:?} ({e})"))
}

pub(super) fn ms(s: &str) -> TimeMs {
    let fmt = if s.len() == 17 {
        "%y-%m-%d %H:%M:%S"
    } else {
        "%Y-%m-%d %H:%M:%S"
    };
    NaiveDateTime::parse_from_str(s, fmt)
        .unwrap_or_else(|e| panic!("bad time {s:?}: {e}"))
        .and_utc()
        .timestamp_millis()
}

/// `0.0528450000BTC` → (0.052845, "BTC"): digits and `.` then the ticker.
pub(super) fn split_amount(s: &str) -> (Dec, String) {
    let i = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    (dec(&s[..i]), s[i..].to_string())
}

/// The generated files of `seed`, by kind.
pub(super) struct Files {
    pub statement: Vec<Row>,
    pub trades: Vec<Row>,
    pub orders: Vec<Row>,
    pub deposits: Vec<Row>,
    pub withdrawals: Vec<Row>,
}

fn csv_rows(bytes: &[u8]) -> Vec<Row> {
    let text = std::str::from_utf8(bytes).expect("utf-8");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rd
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    rd.records()
        .map(|r| {
            let r = r.expect("record");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn xlsx_rows(bytes: &[u8]) -> Vec<Row> {
    use calamine::{open_workbook_auto_from_rs, Data, Reader};
    let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    assert_eq!(book.sheet_names(), vec!["sheet1".to_string()]);
    let range = book.worksheet_range("sheet1").expect("sheet1");
    let mut rows = range.rows();
    let text = |c: &Data| match c {
        Data::String(s) => s.clone(),
        other => panic!("cell is not text: {other:?}"),
    };
    let header: Vec<String> = rows.next().expect("header").iter().map(text).collect();
    rows.map(|r| header.iter().cloned().zip(r.iter().map(text)).collect())
        .collect()
}

pub(super) fn files(seed: u64) -> (Files, super::Truth) {
    let s = generate(seed);
    let get = |prefix: &str| -> &[u8] {
        &s.files
            .iter()
            .find(|(n, _)| n.starts_with(prefix))
            .expect(prefix)
            .1
    };
    let f = Files {
        statement: csv_rows(get("Binance-Transaction-History-")),
        trades: csv_rows(get("Binance-Spot-Trade-History-")),
        orders: csv_rows(get("Binance-Spot-Order-History-")),
        deposits: xlsx_rows(get("Binance-Deposit-History-Report-")),
        withdrawals: csv_rows(get("Binance-Withdraw-History-Report-")),
    };
    (f, s.truth)
}

pub(super) fn add(m: &mut BTreeMap<String, Dec>, k: &str, v: Dec) {
    *m.entry(k.to_string()).or_insert(Dec::ZERO) += v;
}

const SEEDS: [u64; 5] = [1, 2, 3, 7, 20_240_601];

#[test]
fn same_seed_gives_identical_bytes() {
    let (a, b) = (generate(42), generate(42));
    assert_eq!(a.files.len(), 5);
    for ((na, ba), (nb, bb)) in a.files.iter().zip(&b.files) {
        assert_eq!(na, nb);
        assert!(!ba.is_empty(), "{na} is empty");
        assert!(ba == bb, "{na} differs between two runs");
    }
    assert_eq!(truth_json(&a.truth), truth_json(&b.truth));
}

#[test]
fn different_seeds_give_different_data() {
    let (a, b) = (generate(1), generate(2));
    assert_ne!(a.truth.account, b.truth.account);
    for ((na, ba), (nb, bb)) in a.files.iter().zip(&b.files) {
        assert!(ba != bb, "{na} and {nb} are identical");
    }
}

#[test]
fn headers_and_quoting_match_formats_md() {
    let s = generate(5);
    let first_line = |i: usize| -> String {
        let text = String::from_utf8(s.files[i].1.clone()).expect("utf-8");
        text.lines().next().unwrap_or_default().to_string()
    };
    assert_eq!(
        first_line(0),
        "\u{feff}\"User_ID\",\"UTC_Time\",\"Account\",\"Operation\",\"Coin\",\"Change\",\"Remark\""
    );
    assert_eq!(
        first_line(1),
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee"
    );
    assert_eq!(
        first_line(2),
        "Date(UTC),OrderNo,Pair,Type,Side,Order Price,Order Amount,Time,Executed,Average Price,Trading total,Status"
    );
    assert_eq!(
        first_line(4),
        "Date(UTC+0),Coin,Network,Amount,Fee,Address,TXID,Status"
    );
    // Every statement field is quoted; BTC prices carry a quoted thousands separator.
    let stmt = String::from_utf8(s.files[0].1.clone()).unwrap_or_default();
    assert!(stmt
        .lines()
        .skip(1)
        .all(|l| l.starts_with('"') && l.ends_with('"') && l.matches("\",\"").count() == 6));
    let trades = String::from_utf8(s.files[1].1.clone()).unwrap_or_default();
    let btc = trades
        .lines()
        .find(|l| l.contains(",BTCUSDT,"))
        .expect("a BTC trade");
    assert!(btc.contains(",\"6") && btc.contains("00000000\","), "{btc}");
    let (f, _) = files(5);
    assert_eq!(f.deposits.first().map(|r| r.len()), Some(7));
    assert!(f
        .deposits
        .iter()
        .all(|r| r["Date(UTC+0)"].len() == 17 && r["Status"] == "Completed"));
    assert!(s.files[3].0.ends_with(".xlsx"));
}

/// Σ statement change per coin = deposits − gross withdrawals ± trades (from
/// the trade history) + Earn interest, exactly.
#[test]
fn statement_reconciles_with_the_other_exports() {
    for seed in SEEDS {
        statement_reconciles_with_the_other_exports_for(seed);
    }
}

pub(super) fn statement_reconciles_with_the_other_exports_for(seed: u64) {
    let (f, _) = files(seed);
    let mut stmt = BTreeMap::new();
    let mut expected = BTreeMap::new();
    for r in &f.statement {
        add(&mut stmt, &r["Coin"], dec(&r["Change"]));
        if r["Operation"] == "Simple Earn Flexible Interest" {
            assert_eq!(r["Account"], "Earn");
            add(&mut expected, &r["Coin"], dec(&r["Change"]));
        }
    }
    for d in &f.deposits {
        add(&mut expected, &d["Coin"], dec(&d["Amount"]));
    }
    for w in &f.withdrawals {
        add(
            &mut expected,
            &w["Coin"],
            -(dec(&w["Amount"]) + dec(&w["Fee"])),
        );
    }
    for t in &f.trades {
        let (qty, base) = split_amount(&t["Executed"]);
        let (quote, quote_asset) = split_amount(&t["Amount"]);
        let (fee, fee_asset) = split_amount(&t["Fee"]);
        assert_eq!(format!("{base}{quote_asset}"), t["Pair"]);
        let sign = if t["Side"] == "BUY" {
            Dec::ONE
        } else {
            -Dec::ONE
        };
        add(
            &mut expected,
            &base,
            if sign.is_positive() { qty } else { -qty },
        );
        add(
            &mut expected,
            &quote_asset,
            if sign.is_positive() { -quote } else { quote },
        );
        add(&mut expected, &fee_asset, -fee);
    }
    assert_eq!(stmt, expected, "seed {seed}");
}

/// Each fill's legs appear in the statement at the fill's second with the
/// trade history's exact amounts (a multiset comparison).
#[test]
fn trade_legs_equal_the_trade_history() {
    for seed in SEEDS {
        trade_legs_equal_the_trade_history_for(seed);
    }
}

pub(super) fn trade_legs_equal_the_trade_history_for(seed: u64) {
    let (f, _) = files(seed);
    let mut from_stmt: Vec<(TimeMs, String, String, Dec)> = f
        .statement
        .iter()
        .filter(|r| r["Operation"].starts_with("Transaction "))
        .map(|r| {
            (
                ms(&r["UTC_Time"]),
                r["Operation"].clone(),
                r["Coin"].clone(),
                dec(&r["Change"]),
            )
        })
        .collect();
    let mut from_trades = Vec::new();
    for t in &f.trades {
        let time = ms(&t["Date(UTC)"]);
        let (qty, base) = split_amount(&t["Executed"]);
        let (quote, q) = split_amount(&t["Amount"]);
        let (fee, fa) = split_amount(&t["Fee"]);
        // quote = price × qty, already exact at 8 dp.
        assert_eq!(super::exact::mul(dec(&t["Price"]), qty), quote);
        if t["Side"] == "BUY" {
            from_trades.push((time, "Transaction Buy".to_string(), base, qty));
            from_trades.push((time, "Transaction Spend".to_string(), q, -quote));
        } else {
            from_trades.push((time, "Transaction Sold".to_string(), base, -qty));
            from_trades.push((time, "Transaction Revenue".to_string(), q, quote));
        }
        from_trades.push((time, "Transaction Fee".to_string(), fa, -fee));
    }
    from_stmt.sort();
    from_trades.sort();
    assert_eq!(from_stmt, from_trades, "seed {seed}");
}

/// Every fill belongs to exactly one order, whose Date is its first fill's
/// second and whose Executed / Trading total are the sums of its fills.
#[test]
fn orders_are_the_sums_of_their_fills() {
    for seed in SEEDS {
        orders_are_the_sums_of_their_fills_for(seed);
    }
}

pub(super) fn orders_are_the_sums_of_their_fills_for(seed: u64) {
    let (f, _) = files(seed);
    let mut used = vec![false; f.trades.len()];
    for o in &f.orders {
        let (start, end) = (ms(&o["Date(UTC)"]), ms(&o["Time"]));
        let (executed, base) = split_amount(&o["Executed"]);
        let (total, _) = split_amount(&o["Trading total"]);
        if o["Status"] == "CANCELED" {
            // A cancelled order executed nothing; its window may span later orders.
            assert!(executed.is_zero() && total.is_zero() && o["Average Price"] == "0");
            continue;
        }
        let mut qty = Dec::ZERO;
        let mut quote = Dec::ZERO;
        let mut first = None;
        for (i, t) in f.trades.iter().enumerate() {
            let time = ms(&t["Date(UTC)"]);
            if t["Pair"] == o["Pair"] && t["Side"] == o["Side"] && time >= start && time <= end {
                assert!(!used[i], "seed {seed}: fill {i} in two orders");
                used[i] = true;
                qty += split_amount(&t["Executed"]).0;
                quote += split_amount(&t["Amount"]).0;
                first = Some(first.map_or(time, |f: TimeMs| f.min(time)));
            }
        }
        assert_eq!(
            (qty, quote),
            (executed, total),
            "seed {seed} order {}",
            o["OrderNo"]
        );
        assert!(o["Pair"].starts_with(&base));
        match o["Status"].as_str() {
            "FILLED" => assert_eq!(first, Some(start)),
            "PARTIALLY_FILLED" => assert!(executed < split_amount(&o["Order Amount"]).0),
            other => panic!("status {other}"),
        }
        if o["Type"] == "MARKET" {
            assert_eq!(o["Order Price"], "0");
        }
    }
    assert!(
        used.iter().all(|u| *u),
        "seed {seed}: a fill without an order"
    );
}

#[test]
fn balances_never_go_negative() {
    for seed in SEEDS {
        balances_never_go_negative_for(seed);
    }
}

pub(super) fn balances_never_go_negative_for(seed: u64) {
    let (f, _) = files(seed);
    let mut bal = BTreeMap::new();
    let mut last = 0;
    for r in &f.statement {
        let t = ms(&r["UTC_Time"]);
        assert!(t >= last, "statement not in time order");
        last = t;
        let key = format!("{}/{}", r["Account"], r["Coin"]);
        add(&mut bal, &key, dec(&r["Change"]));
        assert!(
            !bal[&key].is_negative(),
            "seed {seed}: {key} negative at {}",
            r["UTC_Time"]
        );
    }
}

/// Deposits are booked 15–25 s and withdrawals (gross) 5–30 min after their
/// history time.
#[test]
fn transfers_appear_in_the_statement_with_lags() {
    for seed in SEEDS {
        transfers_appear_in_the_statement_with_lags_for(seed);
    }
}

pub(super) fn transfers_appear_in_the_statement_with_lags_for(seed: u64) {
    let (f, _) = files(seed);
    assert!((2..=3).contains(&f.deposits.len()), "seed {seed}");
    assert_eq!(f.withdrawals.len(), 1, "seed {seed}");
    for d in &f.deposits {
        let t = ms(&d["Date(UTC+0)"]);
        let hits = f.statement.iter().filter(|r| {
            let lag = ms(&r["UTC_Time"]) - t;
            r["Operation"] == "Deposit"
                && r["Coin"] == d["Coin"]
                && dec(&r["Change"]) == dec(&d["Amount"])
                && (15_000..=25_000).contains(&lag)
        });
        assert_eq!(hits.count(), 1, "seed {seed}");
        assert!(d["Address"].starts_with('T') || d["Address"].starts_with("0x"));
    }
    for w in &f.withdrawals {
        let t = ms(&w["Date(UTC+0)"]);
        let gross = -(dec(&w["Amount"]) + dec(&w["Fee"]));
        let hits = f.statement.iter().filter(|r| {
            let lag = ms(&r["UTC_Time"]) - t;
            r["Operation"] == "Withdraw"
                && dec(&r["Change"]) == gross
                && r["Remark"] == "Withdraw fee is included"
                && (300_000..=1_800_000).contains(&lag)
        });
        assert_eq!(hits.count(), 1, "seed {seed}");
    }
}
