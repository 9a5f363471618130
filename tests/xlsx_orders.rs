//! The nested XLSX order history (O1): order rows followed by a fill
//! sub-header and fill rows whose first cell is empty. Cells may be text,
//! numbers or real Excel dates; the sheet name varies.

use binance_forensics::Dec;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

fn o1_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("sheet1 1").unwrap();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let rows: [&[&str]; 8] = [
        &[
            "Date(UTC)",
            "Pair",
            "Type",
            "Order Price",
            "Order Amount",
            "AvgTrading Price",
            "Filled",
            "Total",
            "status",
        ],
        &[
            "2020-04-02 10:11:05",
            "ETHUSDT",
            "SELL",
            "0.0",
            "1.500000",
            "141.37",
            "1.500000",
            "212.06",
            "Filled",
        ],
        &[
            "",
            "Date(UTC)",
            "Trading Price",
            "Filled",
            "Total",
            "Fee",
            "",
            "",
            "",
        ],
        &[
            "",
            "2020-04-02 10:11:05",
            "141.36",
            "0.900000",
            "127.22400000",
            "0.00934210BNB",
            "",
            "",
            "",
        ],
        &[
            "",
            "",
            "",
            "0.600000",
            "84.83100000",
            "0.00622000BNB",
            "",
            "",
            "",
        ],
        &[
            "2020-04-03 08:00:00",
            "BTCUSDT",
            "BUY",
            "6000",
            "0.1",
            "0",
            "0",
            "0",
            "Canceled",
        ],
        &[
            "2020-04-04 09:30:00",
            "BNBUSDT",
            "BUY",
            "15",
            "2",
            "15",
            "2",
            "30",
            "Filled",
        ],
        &[
            "",
            "Date(UTC)",
            "Trading Price",
            "Filled",
            "Total",
            "Fee",
            "",
            "",
            "",
        ],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    // Second fill of the first order: a real Excel date and a numeric price.
    let t = ExcelDateTime::parse_from_str("2020-04-02 10:11:06").unwrap();
    ws.write_datetime_with_format(4, 1, &t, &date_fmt).unwrap();
    ws.write_number(4, 2, 141.385).unwrap();
    // Fill of the BNB order, priced as a number, fee in BNB.
    ws.write_string(8, 1, "2020-04-04 09:30:00").unwrap();
    ws.write_number(8, 2, 15).unwrap();
    ws.write_string(8, 3, "2").unwrap();
    ws.write_string(8, 4, "30").unwrap();
    ws.write_string(8, 5, "0.0015BNB").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn nested_order_history_xlsx_yields_orders_and_fills() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Binance Order History Report 2020.xlsx");
    std::fs::write(&path, o1_workbook()).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
        .arg("analyze")
        .arg(&path)
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
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap();
    let inp = &doc["inputs"][0];
    assert_eq!(inp["kind"], "spot-orders");
    assert_eq!(inp["layout"], "spot-orders/v1");
    // 8 rows after the header: 3 orders and 3 fills normalized, 2 fill sub-headers ignored.
    assert_eq!(inp["rows_read"], 8);
    assert_eq!(inp["rows_normalized"], 6);
    assert_eq!(inp["rows_ignored"], 2);
    assert_eq!(inp["first_time"], "2020-04-02T10:11:05.000Z");
    let mut net: BTreeMap<String, Dec> = BTreeMap::new();
    for r in doc["reconciliation"].as_array().unwrap() {
        *net.entry(r["asset"].as_str().unwrap().to_string())
            .or_default() += Dec::parse(r["net_change"].as_str().unwrap()).unwrap();
    }
    let d = |s: &str| Dec::parse(s).unwrap();
    // ETH: −0.9 − 0.6 = −1.5. USDT: +127.224 + 84.831 − 30 = 182.055.
    // BNB: +2 − 0.0093421 − 0.00622 − 0.0015 = 1.9829379. The cancelled BTC order moves nothing.
    assert_eq!(net.get("ETH"), Some(&d("-1.5")));
    assert_eq!(net.get("USDT"), Some(&d("182.055")));
    assert_eq!(net.get("BNB"), Some(&d("1.9829379")));
    assert_eq!(net.get("BTC").copied().unwrap_or_default(), Dec::ZERO);
}
