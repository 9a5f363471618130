//! Fiat (F2) and Buy Crypto histories as Binance delivers them: XLSX
//! workbooks with text cells on a sheet whose name varies (`sheet1 -1`),
//! here with some cells re-typed as numbers and real dates.

use binance_forensics::Dec;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// A workbook of text cells (an empty string leaves the cell empty), then
/// `extra` writes typed cells.
fn workbook(rows: &[&[&str]], extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("sheet1 -1").unwrap();
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    extra(ws);
    wb.save_to_buffer().unwrap()
}

fn analyze(path: &Path) -> Value {
    let out = path.parent().unwrap().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
        .arg("analyze")
        .arg(path)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap()
}

fn net(doc: &Value) -> BTreeMap<String, Dec> {
    let mut m: BTreeMap<String, Dec> = BTreeMap::new();
    for r in doc["reconciliation"].as_array().unwrap() {
        *m.entry(r["asset"].as_str().unwrap().to_string())
            .or_default() += Dec::parse(r["net_change"].as_str().unwrap()).unwrap();
    }
    m
}

#[test]
fn fiat_deposit_history_f2_xlsx() {
    let bytes = workbook(
        &[
            &[
                "Date(UTC+1)",
                "Method",
                "Deposit Amount",
                "Receive Amount",
                "Fee",
                "Status",
                "Transaction ID",
            ],
            &[
                "2023-07-08 12:40:27",
                "Bank Transfer",
                "387.81 EUR",
                "386.81 EUR",
                "1.00 EUR",
                "Successful",
                "00000000000000000000000001",
            ],
            &[
                "",
                "Offline Charge",
                "1000.00 EUR",
                "999 EUR",
                "1.00 EUR",
                "Successful",
                "00000000000000000000000002",
            ],
            &[
                "2023-07-20 19:05:00",
                "Bank Transfer",
                "50.00 EUR",
                "49.00 EUR",
                "1.00 EUR",
                "Processing",
                "00000000000000000000000003",
            ],
        ],
        |ws| {
            // Row 3's date re-typed as a real Excel date by a spreadsheet.
            let fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
            let t = ExcelDateTime::parse_from_str("2023-07-14 08:13:49").unwrap();
            ws.write_datetime_with_format(2, 0, &t, &fmt).unwrap();
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Binance-Fiat-Deposit-History.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let doc = analyze(&path);
    let inp = &doc["inputs"][0];
    assert_eq!(inp["kind"], "fiat-deposits");
    assert_eq!(inp["layout"], "fiat/f2");
    assert_eq!(inp["rows_read"], 3);
    assert_eq!(inp["rows_normalized"], 3);
    // 12:40:27 at UTC+1 (header) is 11:40:27 UTC.
    assert_eq!(inp["first_time"], "2023-07-08T11:40:27.000Z");
    // Net received: 386.81 + 999 = 1385.81 EUR; the Processing row moves nothing.
    assert_eq!(net(&doc).get("EUR"), Some(&Dec::parse("1385.81").unwrap()));
}

#[test]
fn buy_crypto_history_xlsx_with_number_cells() {
    let bytes = workbook(
        &[
            &[
                "Date(UTC+1)",
                "Method",
                "Spend Amount",
                "Receive Amount",
                "Fee",
                "Price",
                "Status",
                "Transaction ID",
            ],
            &[
                "2024-01-15 14:30:00",
                "Card",
                "100.00 EUR",
                "0.00235000 BTC",
                "",
                "",
                "Successful",
                "FAKETXN1",
            ],
            &[
                "2024-01-20 09:12:44",
                "Card",
                "50.00 EUR",
                "48.10000000 USDT",
                "",
                "",
                "Successful",
                "FAKETXN3",
            ],
        ],
        |ws| {
            // Fee and Price as number cells.
            ws.write_number(1, 4, 1.5).unwrap();
            ws.write_number(1, 5, 41914.89).unwrap();
            ws.write_number(2, 4, 1.5).unwrap();
            ws.write_number(2, 5, 1.0083).unwrap();
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("buysell-history.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let doc = analyze(&path);
    let inp = &doc["inputs"][0];
    assert_eq!(inp["kind"], "buy-crypto");
    assert_eq!(inp["layout"], "buy-crypto/v1");
    assert_eq!(inp["rows_read"], 2);
    assert_eq!(inp["rows_normalized"], 2);
    let n = net(&doc);
    let d = |s: &str| Dec::parse(s).unwrap();
    // EUR −(100 + 50) = −150 (fees inside Spend Amount); BTC +0.00235; USDT +48.1.
    assert_eq!(n.get("EUR"), Some(&d("-150")));
    assert_eq!(n.get("BTC"), Some(&d("0.00235")));
    assert_eq!(n.get("USDT"), Some(&d("48.1")));
}

#[test]
fn data_on_a_second_sheet_is_named_as_not_read() {
    let mut wb = Workbook::new();
    let rows: [[&str; 7]; 2] = [
        [
            "User_ID",
            "UTC_Time",
            "Account",
            "Operation",
            "Coin",
            "Change",
            "Remark",
        ],
        [
            "7",
            "2025-01-02 10:00:00",
            "Spot",
            "Deposit",
            "USDT",
            "5",
            "",
        ],
    ];
    for sheet in ["Jan", "Feb"] {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.add_worksheet().set_name("Empty").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("statement.xlsx");
    std::fs::write(&p, wb.save_to_buffer().unwrap()).unwrap();
    let prep = binance_forensics::prepare::prepare(
        &binance_forensics::prepare::InputOptions {
            paths: vec![p],
            sniff: Default::default(),
            account: None,
            skip_errors: false,
        },
        binance_forensics::prepare::Accounts::One,
    )
    .unwrap();
    let s = &prep.files[0].summary;
    assert_eq!(s.rows_read, 1);
    let w: Vec<_> = s
        .warnings
        .iter()
        .filter(|w| w.code == "sheets-not-read")
        .collect();
    assert_eq!(w.len(), 1, "{:?}", s.warnings);
    assert!(
        w[0].message.contains("only sheet `Jan` was read"),
        "{}",
        w[0].message
    );
    assert!(w[0].message.contains("`Feb`") && !w[0].message.contains("Empty"));
}
