//! `evidence.csv`: one row per evidence row of every finding, in finding
//! order, for spreadsheets and support tickets.
//!
//! Spreadsheet safety (CSV/formula injection): a text cell that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a
//! spreadsheet shows it as text instead of evaluating it. Plain numbers
//! (`-0.5`) are left alone.

use crate::analysis::Analysis;
use crate::decimal::Dec;
use crate::timefmt::rfc3339_ms;
use std::borrow::Cow;

/// The header row of `evidence.csv`.
pub const HEADER: [&str; 15] = [
    "finding_id",
    "detector",
    "severity",
    "time_utc",
    "symbol",
    "side",
    "price",
    "qty",
    "asset",
    "order_id",
    "trade_id",
    "txid",
    "address",
    "source_file",
    "source_row",
];

/// Render `evidence.csv` (header + one row per evidence row, `\n` line ends).
pub fn evidence_csv(a: &Analysis) -> Result<Vec<u8>, String> {
    let err = |e: ::csv::Error| format!("cannot write evidence.csv: {e}");
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(HEADER).map_err(err)?;
    for f in &a.detection.findings {
        for e in &f.evidence {
            let opt = |v: &Option<String>| v.clone().unwrap_or_default();
            let dec = |v: Option<Dec>| v.map(|d| d.to_string()).unwrap_or_default();
            let row: [String; 15] = [
                f.id.clone(),
                f.detector.clone(),
                f.severity.as_str().to_string(),
                rfc3339_ms(e.time),
                opt(&e.symbol),
                opt(&e.side),
                dec(e.price),
                dec(e.qty),
                opt(&e.asset),
                opt(&e.order_id),
                opt(&e.trade_id),
                opt(&e.txid),
                opt(&e.address),
                e.origin.file.to_string(),
                e.origin.row.to_string(),
            ];
            w.write_record(row.iter().map(|c| neutralize(c).into_owned()))
                .map_err(err)?;
        }
    }
    w.into_inner()
        .map_err(|e| format!("cannot write evidence.csv: {}", e.error()))
}

/// Prefix `'` to a cell a spreadsheet would read as a formula; plain
/// numbers (`-0.5`, `12`) stay as they are.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-?digits(.digits)?`: what `Dec`'s Display and integer rows produce.
fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{sample_analysis, XSS};

    #[test]
    fn neutralizes_formula_cells() {
        assert_eq!(neutralize("=cmd"), "'=cmd");
        assert_eq!(neutralize("+1+1"), "'+1+1");
        assert_eq!(neutralize("@x"), "'@x");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert_eq!(neutralize("\rx"), "'\rx");
        assert_eq!(neutralize("-1+2"), "'-1+2");
        assert_eq!(neutralize("-"), "'-");
        assert_eq!(neutralize("-.5"), "'-.5");
        assert_eq!(neutralize("+5"), "'+5");
    }

    #[test]
    fn keeps_plain_numbers_and_ordinary_text() {
        assert_eq!(neutralize("-0.5"), "-0.5");
        assert_eq!(neutralize("-52.4"), "-52.4");
        assert_eq!(neutralize("0.0000141"), "0.0000141");
        assert_eq!(neutralize("PEPEUSDT"), "PEPEUSDT");
        assert_eq!(neutralize("a=b"), "a=b");
        assert_eq!(neutralize(""), "");
    }

    #[test]
    fn one_row_per_evidence_row_with_header() {
        let text = String::from_utf8(evidence_csv(&sample_analysis()).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // burst 3 + overpay 2 + sweep 1 + context 0 = 6 rows, plus the header.
        assert_eq!(lines.len(), 7);
        assert_eq!(
            lines[0],
            "finding_id,detector,severity,time_utc,symbol,side,price,qty,asset,\
             order_id,trade_id,txid,address,source_file,source_row"
        );
        assert_eq!(
            lines[1],
            "burst-0001,burst,medium,2024-06-30T22:01:00.000Z,PEPEUSDT,BUY,\
             0.0000125,8000000,,1001,,,,spot-orders.csv,2"
        );
        assert_eq!(
            lines[5],
            format!(
                "overpay-0001,overpay,medium,2024-06-30T22:03:00.500Z,PEPEUSDT,BUY,\
                 0.0000141,7000000,,1003,5003,,,{XSS},3"
            )
        );
        // The address `=cmd` is neutralized; the amount 250.5 is a number.
        assert_eq!(
            lines[6],
            "withdrawal-sweep-0001,withdrawal-sweep,high,2024-06-30T22:30:00.000Z,,\
             withdrawal,,250.5,USDT,,,0xabc123,'=cmd,withdrawals.csv,2"
        );
    }

    #[test]
    fn negative_quantities_stay_numbers() {
        let mut a = sample_analysis();
        a.detection.findings[2].evidence[0].qty = Some(Dec::parse("-250.5").unwrap());
        let text = String::from_utf8(evidence_csv(&a).unwrap()).unwrap();
        assert!(text.contains(",withdrawal,,-250.5,USDT,"), "{text}");
    }
}
