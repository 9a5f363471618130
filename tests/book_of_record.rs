//! The book of record (reviewer's bugs): statement coverage with gaps
//! between statement files, minute-truncated times from a spreadsheet
//! re-save, intermediate balance observations, and unmatched rows of both
//! sides. Every expected value is worked out by hand in the comments.

#[path = "support/analyze.rs"]
mod support;

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use support::{analyze, nets, write};

const ST: &str = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n";
const TRADES: &str = "Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin\n";
const TRANSFERS: &str =
    "Date(UTC),Coin,Network,Amount,TransactionFee,Address,TXID,SourceAddress,PaymentID,Status\n";

#[path = "support/schema.rs"]
mod schema;
use schema::schema_errors;

/// Run analyze and return findings.json (checked against the schema) and index.html.
fn run_with_html(files: &[PathBuf], extra: &[&str]) -> (Value, String) {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
        .arg("analyze")
        .args(files)
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("findings.json")).unwrap())
            .unwrap();
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert_eq!(schema_errors(&doc), Vec::<String>::new());
    (doc, html)
}

/// Every unmatched row of the reconciliation as (file, row).
fn unmatched(doc: &Value) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = doc["reconciliation"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["unmatched_rows"].as_array().unwrap().iter())
        .map(|o| {
            (
                o["file"].as_str().unwrap().to_string(),
                o["row"].as_u64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

// ---- Bug 1: the gap between statement files is not covered ----

#[test]
fn other_exports_count_inside_the_gap_between_two_statement_files() {
    let dir = tempfile::tempdir().unwrap();
    let jan = write(
        dir.path(),
        "Binance-Transaction-History-jan.csv",
        &format!("{ST}8,2025-01-01 10:00:00,Spot,Deposit,USDT,1000,\n8,2025-01-05 10:00:00,Spot,Deposit,USDT,1,\n"),
    );
    let mar = write(
        dir.path(),
        "Binance-Transaction-History-mar.csv",
        &format!("{ST}8,2025-03-01 10:00:00,Spot,Deposit,USDT,1,\n8,2025-03-05 10:00:00,Spot,Deposit,USDT,1,\n"),
    );
    let trades = write(
        dir.path(),
        "trades.csv",
        &format!("{TRADES}2025-02-10 12:00:00,BTCUSDT,BUY,50000,0.01,500,0.00001,BTC\n"),
    );
    let wd = write(
        dir.path(),
        "Binance-withdraw-history.csv",
        &format!("{TRANSFERS}2025-02-11 12:00:00,BTC,BTC,0.005,0.0001,bc1qx,tx1,,,Completed\n"),
    );
    let (doc, html) = run_with_html(&[jan, mar, trades, wd], &[]);
    // USDT: 1000 + 1 + 1 + 1 − 500 (the February buy) = 503.
    // BTC: +0.01 − 0.00001 fee − 0.005 withdrawn − 0.0001 fee = 0.00489.
    let run = support::Run {
        code: 0,
        stderr: String::new(),
        doc: Some(doc.clone()),
    };
    assert_eq!(run.net(), nets(&[("USDT", "503"), ("BTC", "0.00489")]));
    assert!(unmatched(&doc).is_empty(), "{:?}", unmatched(&doc));
    assert!(
        html.contains("gap from 2025-01-05 10:00:00 UTC to 2025-03-01 10:00:00 UTC"),
        "the book notes must warn about the gap"
    );
}

#[test]
fn overlapping_statement_files_cover_their_union_even_after_duplicates_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    // A: Jan 1 … Jan 15; B: Jan 15 … Jan 31. B's Jan 15 row is A's (a duplicate):
    // without it B's rows start Jan 31, but B covers Jan 15 … Jan 31.
    let a = write(
        dir.path(),
        "statement-a.csv",
        &format!("{ST}8,2025-01-01 10:00:00,Spot,Deposit,USDT,1000,\n8,2025-01-15 10:00:00,Spot,Deposit,USDT,5,\n"),
    );
    let b = write(
        dir.path(),
        "statement-b.csv",
        &format!("{ST}8,2025-01-15 10:00:00,Spot,Deposit,USDT,5,\n8,2025-01-31 10:00:00,Spot,Deposit,USDT,2,\n"),
    );
    // A trade on Jan 20 (inside B) that no statement row shows: listed, not counted.
    // A trade on Feb 3 (after both files): counted.
    let trades = write(
        dir.path(),
        "trades.csv",
        &format!(
            "{TRADES}2025-01-20 12:00:00,BTCUSDT,BUY,50000,0.01,500,0.00001,BTC\n\
             2025-02-03 12:00:00,BTCUSDT,BUY,50000,0.001,50,0.000001,BTC\n"
        ),
    );
    let (doc, html) = run_with_html(&[a, b, trades], &[]);
    let run = support::Run {
        code: 0,
        stderr: String::new(),
        doc: Some(doc.clone()),
    };
    // USDT: 1000 + 5 + 2 − 50 = 957; BTC: 0.001 − 0.000001 = 0.000999.
    assert_eq!(run.net(), nets(&[("USDT", "957"), ("BTC", "0.000999")]));
    assert!(
        unmatched(&doc)
            .iter()
            .all(|(f, r)| f.ends_with("trades.csv") && *r == 2),
        "{:?}",
        unmatched(&doc)
    );
    assert_eq!(unmatched(&doc).len(), 3, "three legs of the Jan 20 trade");
    assert!(
        !html.contains("leave a gap"),
        "overlapping files leave no gap"
    );
}

#[test]
fn one_statement_file_other_exports_count_before_and_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        &format!("{ST}8,2025-01-10 10:00:00,Spot,Deposit,USDT,1000,\n8,2025-01-20 10:00:00,Spot,Deposit,USDT,1,\n"),
    );
    let dep = write(
        dir.path(),
        "Binance-Deposit-History.csv",
        &format!(
            "{TRANSFERS}2025-01-05 10:00:00,USDT,TRX,30,0,Ta,t1,,,Completed\n\
             2025-01-10 10:20:00,USDT,TRX,1000,0,Ta,t2,,,Completed\n\
             2025-01-25 10:00:00,USDT,TRX,4,0,Ta,t3,,,Completed\n"
        ),
    );
    let run = analyze(&[st, dep], &[]);
    // 30 (before) + 1000 (matched, once) + 1 + 4 (after) = 1035.
    assert_eq!(run.net(), nets(&[("USDT", "1035")]));
    // The statement's deposit of 1 (line 3) lies inside the deposit history's
    // span with no history row: listed (and counted: the statement is the book).
    let u = unmatched(run.doc());
    assert_eq!(u.len(), 1, "{u:?}");
    assert!(u[0].0.ends_with("statement.csv") && u[0].1 == 3, "{u:?}");
}

// ---- Bug 2: times whose seconds were lost match within their minute ----

#[test]
fn a_resaved_statement_copy_without_seconds_is_a_duplicate_of_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let orig = write(
        dir.path(),
        "orig.csv",
        &format!("{ST}1,2025-01-01 10:00:17,Spot,Deposit,USDT,100.00000000,\n1,2025-01-13 10:00:00,Spot,Deposit,USDT,5.00000000,\n"),
    );
    let resaved = write(
        dir.path(),
        "resaved.csv",
        &format!("{ST}1,01/01/2025 10:00,Spot,Deposit,USDT,100,\n1,13/01/2025 10:00,Spot,Deposit,USDT,5,\n1,14/01/2025 10:00,Spot,Deposit,USDT,7,\n"),
    );
    let run = analyze(&[orig, resaved], &[]);
    // 100 and 5 once each, plus the 7 only the copy holds: 112.
    assert_eq!(run.net(), nets(&[("USDT", "112")]));
    assert_eq!(run.input("orig.csv")["rows_duplicate"], 0);
    assert_eq!(run.input("resaved.csv")["rows_duplicate"], 2);
    assert_eq!(run.input("resaved.csv")["rows_normalized"], 1);
}

#[test]
fn two_files_with_seconds_still_compare_times_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.csv",
        &format!("{ST}1,2025-01-01 10:00:17,Spot,Deposit,USDT,100,\n1,2025-01-02 10:00:00,Spot,Deposit,USDT,1,\n"),
    );
    let b = write(
        dir.path(),
        "b.csv",
        &format!("{ST}1,2025-01-01 10:00:45,Spot,Deposit,USDT,100,\n1,2025-01-02 10:00:00,Spot,Deposit,USDT,1,\n"),
    );
    let run = analyze(&[a, b], &[]);
    // 10:00:17 and 10:00:45 are two deposits; the Jan 2 row is one: 100 + 100 + 1.
    assert_eq!(run.net(), nets(&[("USDT", "201")]));
}

#[test]
fn a_resaved_trade_history_matches_the_statement_within_the_minute() {
    let dir = tempfile::tempdir().unwrap();
    let trades = write(
        dir.path(),
        "trades.csv",
        &format!(
            "{TRADES}02/01/2025 12:00,BTCUSDT,BUY,50000,0.01,500,0.00001,BTC\n\
             13/01/2025 12:00,BTCUSDT,BUY,50000,0.001,50,0.000001,BTC\n"
        ),
    );
    let st = write(
        dir.path(),
        "statement.csv",
        &format!(
            "{ST}7,2025-01-02 12:00:37,Spot,Transaction Buy,BTC,0.01000000,\n\
             7,2025-01-02 12:00:37,Spot,Transaction Spend,USDT,-500.00000000,\n\
             7,2025-01-02 12:00:37,Spot,Transaction Fee,BTC,-0.00001000,\n\
             7,2025-01-20 12:00:00,Spot,Deposit,USDT,50,\n"
        ),
    );
    let run = analyze(&[trades, st], &[]);
    // The 12:00 trade is the statement's 12:00:37 trade: counted once.
    // The Jan 13 trade lies inside the statement with no row there: listed, not counted.
    // BTC 0.01 − 0.00001 = 0.00999; USDT −500 + 50 = −450.
    assert_eq!(run.net(), nets(&[("BTC", "0.00999"), ("USDT", "-450")]));
    let u = unmatched(run.doc());
    assert!(
        u.iter().all(|(f, r)| f.ends_with("trades.csv") && *r == 3),
        "{u:?}"
    );
    assert_eq!(u.len(), 3, "three legs of the Jan 13 trade: {u:?}");
}

#[test]
fn a_resaved_statement_matches_a_trade_with_seconds_within_the_minute() {
    let dir = tempfile::tempdir().unwrap();
    let trades = write(
        dir.path(),
        "trades.csv",
        &format!("{TRADES}2025-01-02 12:00:37,BTCUSDT,BUY,50000,0.01,500,0.00001,BTC\n"),
    );
    let st = write(
        dir.path(),
        "statement.csv",
        &format!(
            "{ST}7,02/01/2025 12:00,Spot,Transaction Buy,BTC,0.01,\n\
             7,02/01/2025 12:00,Spot,Transaction Spend,USDT,-500,\n\
             7,02/01/2025 12:00,Spot,Transaction Fee,BTC,-0.00001,\n\
             7,20/01/2025 12:00,Spot,Deposit,USDT,50,\n"
        ),
    );
    let run = analyze(&[trades, st], &[]);
    // Counted once from the statement: BTC 0.00999, USDT −450.
    assert_eq!(run.net(), nets(&[("BTC", "0.00999"), ("USDT", "-450")]));
    assert!(
        unmatched(run.doc()).is_empty(),
        "{:?}",
        unmatched(run.doc())
    );
}

#[test]
fn a_resaved_trade_history_and_an_order_history_count_a_fill_once() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "orders.csv",
        "Date(UTC),Pair,Type,Order Price,Order Amount,AvgTrading Price,Filled,Total,status\n\
         2025-01-02 12:00:37,BTCUSDT,BUY,0.0,0.01,50000,0.01,500,Filled\n\
         ,Date(UTC),Trading Price,Filled,Total,Fee,,,\n\
         ,2025-01-02 12:00:37,50000,0.01,500,0.00001BTC,,,\n",
    );
    write(
        dir.path(),
        "trades.csv",
        &format!(
            "{TRADES}02/01/2025 12:00,BTCUSDT,BUY,50000,0.01,500,0.00001,BTC\n\
             13/01/2025 12:00,BTCUSDT,BUY,50000,0.001,50,0.000001,BTC\n"
        ),
    );
    let run = analyze(&[dir.path().to_path_buf()], &[]);
    // The 12:00 trade is the order's 12:00:37 fill: once. No statement.
    // BTC 0.01 − 0.00001 + 0.001 − 0.000001 = 0.010989; USDT −500 − 50 = −550.
    assert_eq!(run.net(), nets(&[("BTC", "0.010989"), ("USDT", "-550")]));
}

// ---- Bug 3: every given balance the exports contradict is reported ----

#[test]
fn an_intermediate_balance_that_contradicts_the_exports_is_reported_when_the_last_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        &format!(
            "{ST}1,2025-01-01 10:00:00,Spot,Deposit,USDT,1000,\n\
             1,2025-01-02 12:00:00,Spot,Transaction Spend,USDT,-500,\n\
             1,2025-01-02 12:00:00,Spot,Transaction Buy,BTC,0.01,\n\
             1,2025-01-03 13:00:01,Spot,Transaction Revenue,USDT,300,\n\
             1,2025-01-03 13:00:01,Spot,Transaction Sold,BTC,-0.005,\n\
             1,2025-01-03 13:00:01,Spot,Transaction Fee,USDT,-0.3,\n\
             1,2025-01-04 14:00:00,Spot,Withdraw,USDT,-700,\n"
        ),
    );
    // Line 2: opening 0; line 3: 800 on Jan 3 23:00, where the exports give
    // 1000 − 500 + 300 − 0.3 = 799.7 (0.3 too much); line 4: 99.7 at the end,
    // 799.7 − 700 = 99.7 (agrees); line 5: BTC 0.005 at the end (agrees).
    let bal = write(
        dir.path(),
        "balances.csv",
        "asset,balance,wallet,time\nUSDT,0,Spot,2024-12-31\nUSDT,800,,2025-01-03 23:00\nUSDT,99.7,,\nBTC,0.005,,\n",
    );
    let (doc, html) = run_with_html(&[st], &["--balances", bal.to_str().unwrap()]);
    let rows = doc["reconciliation"].as_array().unwrap();
    let usdt = rows.iter().find(|r| r["asset"] == "USDT").unwrap();
    assert_eq!(usdt["residual"], "0");
    assert_eq!(
        usdt["balance_mismatches"],
        serde_json::json!([{
            "line": 3,
            "at": "2025-01-03T23:00:00.000Z",
            "observed": "800",
            "expected": "799.7",
            "difference": "0.3"
        }])
    );
    let btc = rows.iter().find(|r| r["asset"] == "BTC").unwrap();
    assert_eq!(btc.get("balance_mismatches"), None);
    assert!(
        html.contains(
            "balances file line 3: 800 at 2025-01-03 23:00:00 UTC, expected 799.7, difference 0.3"
        ),
        "the HTML must show the contradicted balance"
    );
}

// ---- Bug 4: unmatched rows of both sides, each trade leg named ----

#[test]
fn unmatched_rows_list_both_sides_and_name_each_trade_leg() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "trades.csv",
        &format!(
            "{TRADES}2025-01-01 12:00:00,BTCUSDT,BUY,50000,0.02,1000,0.00002,BTC\n\
             2025-01-02 12:00:00,BTCUSDT,BUY,50000,0.01,500,0.00001,BTC\n\
             2025-01-03 12:00:00,BTCUSDT,SELL,60000,0.01,600,0.6,USDT\n\
             2025-01-06 12:00:00,BTCUSDT,SELL,60000,0.001,60,0.06,USDT\n"
        ),
    );
    write(
        dir.path(),
        "Binance-Deposit-History.csv",
        &format!(
            "{TRANSFERS}2024-12-31 12:00:00,USDT,TRX,2000,0,Ta,t1,,,Completed\n\
             2025-01-05 11:59:40,USDT,TRX,55,0,Ta,t2,,,Completed\n"
        ),
    );
    write(
        dir.path(),
        "statement.csv",
        &format!(
            "{ST}7,2025-01-02 12:00:00,Spot,Transaction Buy,BTC,0.01000000,\n\
             7,2025-01-02 12:00:00,Spot,Transaction Spend,USDT,-500.00000000,\n\
             7,2025-01-02 12:00:00,Spot,Transaction Fee,BTC,-0.00001000,\n\
             7,2025-01-05 12:00:00,Spot,Deposit,USDT,50,\n"
        ),
    );
    let (doc, html) = run_with_html(&[dir.path().to_path_buf()], &[]);
    let run = support::Run {
        code: 0,
        stderr: String::new(),
        doc: Some(doc),
    };
    assert!(
        html.contains("trades.csv row 4 (quote leg, 600)"),
        "the HTML names the leg"
    );
    // Statement span Jan 2 12:00 … Jan 5 12:00. Outside it: deposit 2000, the
    // Jan 1 buy (+0.02 BTC, −1000 USDT, −0.00002 BTC), the Jan 6 sell
    // (−0.001 BTC, +60 USDT, −0.06 USDT). Inside: the statement's rows; the
    // Jan 3 sell and the 55 deposit have no statement row (not counted), the
    // statement's 50 deposit has no history row (counted, listed).
    // USDT: 2000 − 1000 − 500 + 50 + 60 − 0.06 = 609.94.
    // BTC: 0.02 − 0.00002 + 0.01 − 0.00001 − 0.001 = 0.02897.
    assert_eq!(run.net(), nets(&[("USDT", "609.94"), ("BTC", "0.02897")]));
    let rows = run.doc()["reconciliation"].as_array().unwrap();
    let list =
        |asset: &str| rows.iter().find(|r| r["asset"] == asset).unwrap()["unmatched_rows"].clone();
    assert_eq!(
        list("BTC"),
        serde_json::json!([
            {"file": "trades.csv", "row": 4, "table": "fills",
             "time": "2025-01-03T12:00:00.000Z", "leg": "base", "change": "-0.01"}
        ])
    );
    assert_eq!(
        list("USDT"),
        serde_json::json!([
            {"file": "Binance-Deposit-History.csv", "row": 3, "table": "transfers",
             "time": "2025-01-05T11:59:40.000Z", "change": "55"},
            {"file": "statement.csv", "row": 5, "table": "ledger",
             "time": "2025-01-05T12:00:00.000Z", "change": "50"},
            {"file": "trades.csv", "row": 4, "table": "fills",
             "time": "2025-01-03T12:00:00.000Z", "leg": "fee", "change": "-0.6"},
            {"file": "trades.csv", "row": 4, "table": "fills",
             "time": "2025-01-03T12:00:00.000Z", "leg": "quote", "change": "600"}
        ])
    );
}
