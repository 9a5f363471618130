//! Fiat deposit/withdrawal (F1, F2), Buy Crypto, P2P (v1, v2), Convert
//! (v1–v3) and Earn interest exports: each example of FORMATS.md (copied to
//! `tests/fixtures/formats/`) is recognized and normalized, and its net
//! change per asset — worked out by hand in the comments — is exact.

use binance_forensics::Dec;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

/// `analyze` the files; (exit code, stderr, findings.json when written).
fn analyze(files: &[PathBuf], args: &[&str]) -> (i32, String, Option<Value>) {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
        .arg("analyze")
        .args(files)
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .args(args)
        .output()
        .unwrap();
    let doc = std::fs::read_to_string(out.path().join("findings.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).to_string(),
        doc,
    )
}

/// Analyze files that must succeed; returns findings.json.
fn ok(files: &[PathBuf], args: &[&str]) -> Value {
    let (code, stderr, doc) = analyze(files, args);
    assert_eq!(code, 0, "{stderr}");
    doc.unwrap()
}

fn d(s: &str) -> Dec {
    Dec::parse(s).unwrap()
}

/// Net change per asset over all wallets (zero nets dropped).
fn net(doc: &Value) -> BTreeMap<String, Dec> {
    let mut m: BTreeMap<String, Dec> = BTreeMap::new();
    for r in doc["reconciliation"].as_array().unwrap() {
        *m.entry(r["asset"].as_str().unwrap().to_string())
            .or_default() += d(r["net_change"].as_str().unwrap());
    }
    m.retain(|_, v| !v.is_zero());
    m
}

fn want(pairs: &[(&str, &str)]) -> BTreeMap<String, Dec> {
    pairs.iter().map(|(a, v)| (a.to_string(), d(v))).collect()
}

/// Kind, layout and row counts (read, normalized, rejected, ignored) of the only input.
fn input(doc: &Value, kind: &str, layout: &str, rows: [u64; 4]) -> Value {
    let inputs = doc["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1);
    let i = inputs[0].clone();
    assert_eq!(i["kind"], kind);
    assert_eq!(i["layout"], layout);
    let n = |k: &str| i[k].as_u64().unwrap();
    assert_eq!(
        [
            n("rows_read"),
            n("rows_normalized"),
            n("rows_rejected"),
            n("rows_ignored")
        ],
        rows
    );
    i
}

/// (wallet, asset) → by_category of the reconciliation.
fn categories(doc: &Value, wallet: &str, asset: &str) -> Value {
    doc["reconciliation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["wallet"] == wallet && r["asset"] == asset)
        .map(|r| r["by_category"].clone())
        .unwrap_or(Value::Null)
}

#[test]
fn fiat_f1_direction_comes_from_the_name_or_the_option() {
    let f = fixture("fiat-deposit-withdrawal-history-v1.csv");
    // The name says both `deposit` and `withdraw`: refused without --direction.
    let (code, stderr, _) = analyze(std::slice::from_ref(&f), &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--direction"), "{stderr}");

    let doc = ok(std::slice::from_ref(&f), &["--direction", "deposit"]);
    input(&doc, "fiat-deposits", "fiat/f1", [3, 3, 0, 0]);
    // Deposits add the net Amount: EUR 998.20 + 2495.00 = 3493.20; GBP 249.50.
    assert_eq!(net(&doc), want(&[("EUR", "3493.20"), ("GBP", "249.50")]));
    assert_eq!(categories(&doc, "Spot", "EUR")["fiat"], "3493.2");

    // The same rows in a file named as a withdrawal history: the wallet loses
    // Amount + Fee = Indicated Amount: EUR −(998.20 + 1.80) − (2495.00 + 5.00)
    // = −3500; GBP −(249.50 + 0.50) = −250.
    let dir = tempfile::tempdir().unwrap();
    let wd = dir.path().join("Binance-Fiat-Withdraw-History.csv");
    std::fs::copy(&f, &wd).unwrap();
    let doc = ok(&[wd], &[]);
    input(&doc, "fiat-withdrawals", "fiat/f1", [3, 3, 0, 0]);
    assert_eq!(net(&doc), want(&[("EUR", "-3500"), ("GBP", "-250")]));
}

#[test]
fn fiat_f1_with_a_header_offset() {
    let doc = ok(
        &[fixture("fiat-deposit-withdrawal-history-v1-utc-offset.csv")],
        &["--direction", "deposit"],
    );
    let i = input(&doc, "fiat-deposits", "fiat/f1", [3, 3, 0, 0]);
    // Date(UTC+1) 2023-03-01 10:15:00 is 09:15:00 UTC.
    assert_eq!(i["first_time"], "2023-03-01T09:15:00.000Z");
    // 499.00 + 199.00 + 1000.00 = 1698 EUR.
    assert_eq!(net(&doc), want(&[("EUR", "1698")]));
}

#[test]
fn fiat_f2_amounts_carry_their_currency() {
    // The header (`Deposit Amount`) says deposit, whatever the name says.
    let doc = ok(&[fixture("fiat-deposit-withdrawal-history-v2.csv")], &[]);
    let i = input(&doc, "fiat-deposits", "fiat/f2", [3, 3, 0, 0]);
    assert_eq!(i["first_time"], "2023-07-08T11:40:27.000Z");
    // Receive Amount (net): 386.81 + 999 + 49.00 = 1434.81 EUR.
    assert_eq!(net(&doc), want(&[("EUR", "1434.81")]));
    // Each gross is net + fee (387.81 = 386.81 + 1.00, …): no warning.
    assert_eq!(i["warnings"].as_array().unwrap().len(), 0);
}

#[test]
fn fiat_f3_direction_from_the_name_and_currency_from_the_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Binance-Fiat-Withdraw-History-202507201905(UTC+2)_ab12.csv");
    std::fs::write(
        &p,
        "Time,Method,Amount,Receive Amount,Fee,Status,Transaction ID\n\
         25-07-20 19:05:00,Bank Transfer,100.00 EUR,99.00 EUR,1.00 EUR,Successful,T1\n\
         25-07-21 08:00:00,Bank Transfer,40.00 EUR,39.50 EUR,0.80 EUR,Successful,T2\n\
         25-07-22 08:00:00,Bank Transfer,70.00 EUR,69.00 EUR,1.00 EUR,Failed,T3\n",
    )
    .unwrap();
    let doc = ok(&[p], &[]);
    let i = input(&doc, "fiat-withdrawals", "fiat/f3", [3, 3, 0, 0]);
    // 25-07-20 19:05:00 at UTC+2 (file name) is 17:05:00 UTC.
    assert_eq!(i["first_time"], "2025-07-20T17:05:00.000Z");
    // Net + fee leaves: −(99.00 + 1.00) − (39.50 + 0.80) = −140.30; the failed row moves nothing.
    assert_eq!(net(&doc), want(&[("EUR", "-140.30")]));
    // Row 3: gross 40.00 ≠ 39.50 + 0.80 = 40.30 is reported.
    let by_code = |code: &str| {
        i["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("no {code} warning: {}", i["warnings"]))
    };
    assert_eq!(by_code("fiat-amounts-inconsistent")["row"], 3);
    // The name says exported 2025-07-20 19:05 (UTC+2); rows 3 and 4 are dated later.
    let late = by_code("after-export");
    assert_eq!(late["row"], 3);
    assert!(late["message"].as_str().unwrap().starts_with("2 row(s)"));
}

#[test]
fn buy_crypto_spends_fiat_for_crypto() {
    let doc = ok(&[fixture("buy-crypto-history-v1.csv")], &[]);
    let i = input(&doc, "buy-crypto", "buy-crypto/v1", [3, 3, 0, 0]);
    // Earliest row 2024-01-14 10:00:00 at UTC+1.
    assert_eq!(i["first_time"], "2024-01-14T09:00:00.000Z");
    // Spend Amount includes the fee: EUR −(100 + 500 + 50) = −650;
    // received BTC 0.00235, ETH 0.23, USDT 48.1.
    assert_eq!(
        net(&doc),
        want(&[
            ("BTC", "0.00235"),
            ("ETH", "0.23"),
            ("EUR", "-650"),
            ("USDT", "48.1")
        ])
    );
    assert_eq!(categories(&doc, "Spot", "EUR")["fiat"], "-650");
}

#[test]
fn buy_crypto_time_variant_with_a_failed_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Binance-Fiat-Buy-History-202601021200(UTC--6)_ab12.csv");
    std::fs::write(
        &p,
        "Time,Method,Spend Amount,Receive Amount,Fee,Price,Status,Transaction ID\n\
         26-01-02 06:00:00,Card,200.00 USD,0.00200000 BTC,2.00 USD,99000.00,Successful,X1\n\
         26-01-02 07:00:00,Card,50.00 USD,0.00050000 BTC,0.50 USD,99000.00,Failed,X2\n",
    )
    .unwrap();
    let doc = ok(&[p], &[]);
    let i = input(&doc, "buy-crypto", "buy-crypto/v2", [2, 2, 0, 0]);
    // 06:00 at UTC−6 is 12:00 UTC.
    assert_eq!(i["first_time"], "2026-01-02T12:00:00.000Z");
    // Only the successful row: USD −200, BTC +0.002.
    assert_eq!(net(&doc), want(&[("BTC", "0.002"), ("USD", "-200")]));
}

#[test]
fn p2p_v1_moves_only_the_crypto() {
    let doc = ok(&[fixture("p2p-order-history-v1.csv")], &[]);
    let i = input(&doc, "p2p", "p2p/v1", [3, 3, 0, 0]);
    // The time column is the last (`Created Time`).
    assert_eq!(i["first_time"], "2022-09-08T14:11:12.000Z");
    // Buy +386.91, Sell −100, the cancelled Buy of 50 nothing: USDT 286.91.
    // The VND is paid off the exchange: no VND row.
    assert_eq!(net(&doc), want(&[("USDT", "286.91")]));
    assert_eq!(categories(&doc, "Funding", "USDT")["fiat"], "286.91");
}

#[test]
fn p2p_v2_fees_are_paid_in_the_crypto() {
    let doc = ok(&[fixture("p2p-order-history-v2.csv")], &[]);
    input(&doc, "p2p", "p2p/v2", [3, 3, 0, 0]);
    // Sell 175.44 + taker fee 0.05 leaves: −175.49. Buy 87.11 − fee 0.05
    // arrives: +87.06. Cancelled: nothing. −175.49 + 87.06 = −88.43 USDT.
    assert_eq!(net(&doc), want(&[("USDT", "-88.43")]));
}

#[test]
fn convert_v1() {
    let doc = ok(&[fixture("convert-history-v1.csv")], &[]);
    input(&doc, "convert", "convert/v1", [3, 3, 0, 0]);
    assert_eq!(
        net(&doc),
        want(&[
            ("ETH", "-0.06"),
            ("LTC", "1.63850661"),
            ("ETHW", "-17.11711731"),
            ("USDT", "46.55766488"),
            ("BNB", "-0.5"),
            ("BUSD", "301.25"),
        ])
    );
}

#[test]
fn convert_v2() {
    let doc = ok(&[fixture("convert-history-v2.csv")], &[]);
    input(&doc, "convert", "convert/v2", [3, 3, 0, 0]);
    // USDT: +55.1 (for 100 ADA) − 300 (for 0.01 BTC) = −244.9.
    assert_eq!(
        net(&doc),
        want(&[
            ("BUSD", "-124.60184573"),
            ("ETH", "0.05"),
            ("ADA", "-100"),
            ("USDT", "-244.9"),
            ("BTC", "0.01"),
        ])
    );
}

#[test]
fn convert_v3_time_header_and_two_digit_years() {
    let doc = ok(&[fixture("convert-history-v3-time.csv")], &[]);
    let i = input(&doc, "convert", "convert/v3", [3, 3, 0, 0]);
    assert_eq!(i["first_time"], "2021-05-11T00:44:32.000Z");
    // ETH: +0.03158115 − 1 = −0.96841885; BNB +4; SOL −2; USDT +300.
    assert_eq!(
        net(&doc),
        want(&[
            ("BUSD", "-124.60184573"),
            ("ETH", "-0.96841885"),
            ("BNB", "4"),
            ("SOL", "-2"),
            ("USDT", "300"),
        ])
    );
}

#[test]
fn convert_v3_glued_amounts_and_success_status() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Binance-Convert-Order-History-202510120900(UTC+2)_ab12.csv");
    std::fs::write(
        &p,
        "Time,Wallet,Pair,Type,Sell,Buy,Price,Inverse Price,Date Updated,Status\n\
         25-10-11 01:01:13,Spot,ETHBNB,Market,1.00000000ETH,4.00000000BNB,1 ETH = 4 BNB,1 BNB = 0.25 ETH,25-10-11 01:01:13,Success\n\
         25-10-11 02:00:00,Spot,1INCHUSDT,Market,5.11INCH,2.04USDT,1 1INCH = 0.4 USDT,1 USDT = 2.5 1INCH,25-10-11 02:00:00,Success\n\
         25-10-11 03:00:00,Spot,ETHBNB,Market,2.00000000ETH,8.00000000BNB,1 ETH = 4 BNB,1 BNB = 0.25 ETH,25-10-11 03:00:00,Failed\n",
    )
    .unwrap();
    let doc = ok(&[p], &[]);
    let i = input(&doc, "convert", "convert/v3", [3, 3, 0, 0]);
    // 01:01:13 at UTC+2 (file name) is 23:01:13 UTC the day before.
    assert_eq!(i["first_time"], "2025-10-10T23:01:13.000Z");
    // `5.11INCH` in 1INCHUSDT is 5.1 1INCH; the failed row moves nothing.
    assert_eq!(
        net(&doc),
        want(&[
            ("ETH", "-1"),
            ("BNB", "4"),
            ("1INCH", "-5.1"),
            ("USDT", "2.04")
        ])
    );
}

#[test]
fn earn_interest_history_with_bom() {
    let doc = ok(&[fixture("earn-interest-history-v1.csv")], &[]);
    let i = input(&doc, "earn", "earn/v1", [3, 3, 0, 0]);
    assert_eq!(i["first_time"], "2023-01-04T04:59:00.000Z");
    assert_eq!(
        net(&doc),
        want(&[
            ("IOTX", "0.00006298"),
            ("BUSD", "0.00032876"),
            ("LDO", "0.00005492")
        ])
    );
    assert_eq!(categories(&doc, "Earn", "BUSD")["earn"], "0.00032876");
}

#[test]
fn earn_interest_history_semicolon_decimal_comma() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("earn.csv");
    std::fs::write(
        &p,
        "\u{feff}Date(UTC);Product Name;Coin;Amount\n\
         2023-01-04 05:43:39;IOTX;IOTX;0,00006298\n\
         2023-01-05 05:43:39;IOTX;IOTX;0,00006302\n",
    )
    .unwrap();
    let doc = ok(&[p], &[]);
    input(&doc, "earn", "earn/v1", [2, 2, 0, 0]);
    // 0.00006298 + 0.00006302 = 0.000126.
    assert_eq!(net(&doc), want(&[("IOTX", "0.000126")]));
}

#[test]
fn statement_is_the_book_for_fiat_and_earn_rows_it_covers() {
    let dir = tempfile::tempdir().unwrap();
    let st = dir.path().join("statement.csv");
    // The statement spans 2023-01-04 04:00–06:00. It books the BUSD and
    // IOTX interest (to Spot) and a fiat deposit of the net 998.20 EUR.
    std::fs::write(
        &st,
        "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
         1,2023-01-04 04:00:00,Spot,Fiat Deposit,EUR,998.20000000,\n\
         1,2023-01-04 05:10:50,Spot,Simple Earn Flexible Interest,BUSD,0.00032876,\n\
         1,2023-01-04 05:43:40,Spot,Simple Earn Flexible Interest,IOTX,0.00006298,\n\
         1,2023-01-04 06:00:00,Spot,Deposit,USDT,10.00000000,\n",
    )
    .unwrap();
    let fiat = dir.path().join("fiat-deposit-history.csv");
    std::fs::write(
        &fiat,
        "Date(UTC),Coin,Amount,Status,Payment Method,Indicated Amount,Fee,Order ID\n\
         2023-01-04 03:59:40,EUR,998.20,Successful,Bank Transfer,1000.00,1.80,A1\n\
         2023-01-05 12:00:00,EUR,100.00,Successful,Bank Transfer,100.00,0.00,A2\n",
    )
    .unwrap();
    let doc = ok(&[st, fiat, fixture("earn-interest-history-v1.csv")], &[]);
    // EUR: the statement's 998.20 counted once, plus the deposit after the
    // span (100) = 1098.20. BUSD and IOTX once each (the statement's). The
    // LDO interest at 04:59 lies inside the span with no statement row: it
    // is not counted, but listed as unmatched.
    assert_eq!(
        net(&doc),
        want(&[
            ("EUR", "1098.20"),
            ("BUSD", "0.00032876"),
            ("IOTX", "0.00006298"),
            ("USDT", "10"),
        ])
    );
    let ldo = doc["reconciliation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["asset"] == "LDO")
        .unwrap();
    assert_eq!(ldo["unmatched_rows"].as_array().unwrap().len(), 1);
}
