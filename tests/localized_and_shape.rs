//! End to end: localized exports (Czech trade history, Spanish and German
//! statements) are recognized by their header; files whose header names
//! nothing known are recognized by the shape of their values with a
//! `layout-guessed` warning; a file recognized by neither is refused.

#[path = "support/analyze.rs"]
mod support;

use support::{analyze, fixture, nets, write};

#[test]
fn czech_trade_history_example() {
    let run = analyze(
        &[fixture("formats/spot-trade-history-v2-cs-localized.csv")],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let i = run.input("spot-trade-history-v2-cs-localized.csv");
    assert_eq!(
        (i["kind"].as_str(), i["layout"].as_str()),
        (Some("spot-trades"), Some("spot-trades/v2"))
    );
    assert_eq!(
        (i["rows_read"].as_u64(), i["rows_normalized"].as_u64()),
        (Some(3), Some(3))
    );
    // BUY 0.00120 BTC for 98.40 EUR, fee 0.0000012 BTC → BTC 0.0011988;
    // SELL 0.05 ETH for 135 EUR, fee 0.135 EUR; BUY 1 SOL for 120.50 EUR, fee 0.00018 BNB.
    // EUR: −98.40 + 135 − 0.135 − 120.50 = −84.035.
    assert_eq!(
        run.net(),
        nets(&[
            ("BNB", "-0.00018"),
            ("BTC", "0.0011988"),
            ("ETH", "-0.05"),
            ("EUR", "-84.035"),
            ("SOL", "1"),
        ])
    );
    // `Čas` names no zone: read as UTC with a warning; YY dates.
    assert_eq!(
        run.warnings("spot-trade-history-v2-cs-localized.csv"),
        vec!["tz-unknown"]
    );
    assert_eq!(i["first_time"], "2025-11-17T10:05:12.000Z");
}

#[test]
fn spanish_statement_of_case_07() {
    let name = "07-localized-statement-local-time.csv";
    let run = analyze(
        &[fixture(&format!("cases/{name}"))],
        &["--tz", "Europe/Madrid"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.input(name)["layout"], "statement/v2");
    // Deposit 100 EUR, spend 90 EUR, buy 0.0015 BTC.
    assert_eq!(run.net(), nets(&[("BTC", "0.0015"), ("EUR", "10")]));
}

#[test]
fn german_statement() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "Binance-Transaktionsverlauf.csv",
        "\u{feff}Benutzer-ID,Zeit,Konto,Vorgang,Münze,Änderung,Bemerkung\n\
         20000002,24-03-01 09:00:00,Spot,Deposit,EUR,500,\n\
         20000002,24-03-01 09:10:00,Spot,Transaction Spend,EUR,-300,\n\
         20000002,24-03-01 09:10:00,Spot,Transaction Buy,ETH,0.1,\n\
         20000002,24-03-01 09:10:00,Spot,Transaction Fee,ETH,-0.0001,\n\
         20000002,24-03-02 12:00:00,Funding,Simple Earn Flexible Interest,USDT,0.02,Binance Earn\n",
    );
    let run = analyze(&[f], &["--tz", "+01:00"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let i = run.input("Binance-Transaktionsverlauf.csv");
    assert_eq!(
        (i["kind"].as_str(), i["layout"].as_str()),
        (Some("statement"), Some("statement/v2"))
    );
    assert_eq!(i["rows_normalized"], 5);
    // EUR 500 − 300 = 200; ETH 0.1 − 0.0001 = 0.0999; USDT 0.02.
    assert_eq!(
        run.net(),
        nets(&[("ETH", "0.0999"), ("EUR", "200"), ("USDT", "0.02")])
    );
    // 09:00 at UTC+01:00 is 08:00 UTC; the user id comes from `Benutzer-ID`.
    assert_eq!(i["first_time"], "2024-03-01T08:00:00.000Z");
    assert_eq!(run.doc()["accounts"][0]["account"], "20000002");
}

#[test]
fn trade_history_with_an_unknown_language_header_is_recognized_by_shape() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "trades-ja.csv",
        "日時,ペア,売買,価格,約定数量,約定金額,手数料\n\
         2021-06-01 08:15:02,ADAUSDT,BUY,1.7600000000,25.0000000000ADA,44.00000000USDT,0.0250000000ADA\n\
         2021-06-01 09:30:44,BTCUSDT,SELL,\"36,512.3400000000\",0.0020000000BTC,73.02468000USDT,0.0000912000BNB\n",
    );
    let run = analyze(&[f], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let i = run.input("trades-ja.csv");
    assert_eq!(i["layout"], "spot-trades/v2");
    let w = &i["warnings"].as_array().unwrap();
    let guessed = w
        .iter()
        .find(|w| w["code"] == "layout-guessed")
        .expect("layout-guessed warning");
    let msg = guessed["message"].as_str().unwrap();
    assert!(msg.contains("`spot-trades/v2`"), "{msg}");
    assert!(msg.contains("column 5 `約定数量` → executed"), "{msg}");
    assert!(msg.contains("column 6 `約定金額` → amount"), "{msg}");
    assert!(msg.contains("column 7 `手数料` → fee"), "{msg}");
    // ADA 25 − 0.025 = 24.975; USDT −44 + 73.02468 = 29.02468; BTC −0.002; BNB −0.0000912.
    assert_eq!(
        run.net(),
        nets(&[
            ("ADA", "24.975"),
            ("BNB", "-0.0000912"),
            ("BTC", "-0.002"),
            ("USDT", "29.02468"),
        ])
    );
}

#[test]
fn statement_with_garbled_header_names_is_recognized_by_shape() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "statement.csv",
        "Us3r_1D,T1m3,Acc0unt,0p3r@t10n,C01n,Ch@ng3,R3m@rk\n\
         10000001,2024-01-01 00:00:00,Spot,Deposit,USDT,100,\n\
         10000001,2024-01-01 00:05:00,Spot,Transaction Spend,USDT,-50,\n\
         10000001,2024-01-01 00:05:00,Spot,Transaction Buy,BTC,0.001,\n\
         10000001,2024-01-01 00:05:00,Spot,Transaction Fee,BNB,-0.0001,\n",
    );
    let run = analyze(&[f], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let i = run.input("statement.csv");
    assert_eq!(i["layout"], "statement/v2");
    let codes = run.warnings("statement.csv");
    assert!(codes.contains(&"layout-guessed".to_string()), "{codes:?}");
    // USDT 100 − 50 = 50; BTC 0.001; BNB −0.0001. The user id column was found by shape.
    assert_eq!(
        run.net(),
        nets(&[("BNB", "-0.0001"), ("BTC", "0.001"), ("USDT", "50")])
    );
    assert_eq!(run.doc()["accounts"][0]["account"], "10000001");
}

#[test]
fn a_random_csv_is_still_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "weather.csv",
        "city,temperature,when\n\
         Oslo,3.5,2024-01-01 10:00:00\n\
         Rome,14,2024-01-01 11:00:00\n",
    );
    let run = analyze(&[f], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("weather.csv line 1"), "{}", run.stderr);
    assert!(
        run.stderr.contains("no known Binance export header"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("match no known layout"),
        "{}",
        run.stderr
    );
    assert!(run.doc.is_none());
}

#[test]
fn xlsx_with_an_unknown_header_is_recognized_by_shape_too() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("sheet1").unwrap();
    let header = ["?", "??", "???", "????", "?????", "??????"];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // A futures transaction history; amounts and ids as number cells.
    let rows: [(&str, &str, f64, &str, &str, f64); 3] = [
        (
            "2024-01-02 03:04:05",
            "REALIZED_PNL",
            1.5,
            "USDT",
            "BTCUSDT",
            3000000101.0,
        ),
        (
            "2024-01-02 03:04:05",
            "COMMISSION",
            -0.08,
            "USDT",
            "BTCUSDT",
            3000000102.0,
        ),
        (
            "2024-01-02 08:00:00",
            "FUNDING_FEE",
            0.0123,
            "USDT",
            "BTCUSDT",
            3000000103.0,
        ),
    ];
    for (r, (t, kind, amount, coin, sym, id)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *t).unwrap();
        ws.write_string(r, 1, *kind).unwrap();
        ws.write_number(r, 2, *amount).unwrap();
        ws.write_string(r, 3, *coin).unwrap();
        ws.write_string(r, 4, *sym).unwrap();
        ws.write_number(r, 5, *id).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("futures.xlsx");
    std::fs::write(&path, wb.save_to_buffer().unwrap()).unwrap();
    let run = analyze(&[path], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let i = run.input("futures.xlsx");
    assert_eq!(i["layout"], "futures-transactions/v1");
    assert!(run
        .warnings("futures.xlsx")
        .contains(&"layout-guessed".to_string()));
    // 1.5 − 0.08 + 0.0123 = 1.4323 USDT in the futures wallet.
    assert_eq!(run.net(), nets(&[("USDT", "1.4323")]));
}
