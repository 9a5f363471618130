//! Trade-history rows checked like a bookkeeper would: fees are unsigned,
//! `ETH/BTC` is the symbol `ETHBTC`, and a total that is not price ×
//! quantity is flagged (values worked out by hand below).

use binance_forensics::prepare::{prepare, Accounts, InputOptions};
use binance_forensics::Dec;
use std::path::{Path, PathBuf};

const HEADER: &str = "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n";

fn write(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("Binance-Spot-Trade-History-2025.csv");
    std::fs::write(&p, format!("{HEADER}{body}")).unwrap();
    p
}

fn run(p: PathBuf, skip_errors: bool) -> Result<binance_forensics::prepare::Prepared, String> {
    prepare(
        &InputOptions {
            paths: vec![p],
            sniff: Default::default(),
            account: None,
            skip_errors,
        },
        Accounts::One,
    )
    .map_err(|e| e.to_string())
}

#[test]
fn a_negative_fee_is_a_damaged_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "2025-01-02 10:00:00,ETHUSDT,BUY,3000,0.5ETH,1500USDT,-0.001ETH\n",
    );
    let Err(e) = run(p.clone(), false) else {
        panic!("a negative fee was accepted");
    };
    assert!(e.contains("negative value"), "{e}");
    assert!(e.contains("-0.001ETH"), "{e}");
    // With --skip-errors the row is rejected and counted, not lost.
    let prep = run(p, true).unwrap();
    let s = &prep.files[0].summary;
    assert_eq!((s.rows_read, s.rows_normalized, s.rows_rejected), (1, 0, 1));
}

#[test]
fn slash_pairs_are_the_plain_symbol_and_totals_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    // Row 2: 0.5 × 0.05 = 0.025 BTC, as exported. Row 3: 2 × 0.05 = 0.1,
    // exported 0.12 (20 % off). Row 4: 3000 × 0.333333 = 999.999, exported
    // 999.99 (0.0009 %: Binance's rounding, no warning).
    let p = write(
        dir.path(),
        "2025-01-02 10:00:00,ETH/BTC,BUY,0.05,0.5ETH,0.025BTC,0.0005ETH\n\
         2025-01-02 10:05:00,ETH/BTC,SELL,0.05,2ETH,0.12BTC,0.00012BTC\n\
         2025-01-02 10:10:00,ETHUSDT,BUY,3000,0.333333ETH,999.99USDT,0.000333ETH\n",
    );
    let prep = run(p, false).unwrap();
    let f = &prep.files[0];
    let symbols: Vec<(&str, &str, &str)> = f
        .rows
        .fills
        .iter()
        .map(|x| (x.symbol.as_str(), x.base.as_str(), x.quote.as_str()))
        .collect();
    assert_eq!(
        symbols,
        [
            ("ETHBTC", "ETH", "BTC"),
            ("ETHBTC", "ETH", "BTC"),
            ("ETHUSDT", "ETH", "USDT")
        ]
    );
    assert_eq!(f.rows.fills[1].quote_qty, Dec::parse("0.12").unwrap());
    let w: Vec<_> = f
        .summary
        .warnings
        .iter()
        .filter(|w| w.code == "amount-mismatch")
        .collect();
    assert_eq!(w.len(), 1, "{:?}", f.summary.warnings);
    assert_eq!(w[0].row, Some(3));
    assert!(w[0].message.starts_with("1 row(s)"), "{}", w[0].message);
}

#[test]
fn order_ids_rounded_by_a_spreadsheet_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("Binance-Spot-Order-History-2025.csv");
    std::fs::write(
        &p,
        "Date(UTC),OrderNo,Pair,Type,Side,Order Price,Order Amount,Time,Executed,Average Price,Trading total,Status\n\
         2025-03-11 03:36:18,426715414,ZEPHYUSDT,MARKET,BUY,0,238.3ZEPHY,2025-03-11 03:36:18,238.3ZEPHY,17.5,4170.25USDT,FILLED\n\
         2025-03-11 03:36:15,8.38977E+18,ZEPHYUSDT,MARKET,BUY,0,10ZEPHY,2025-03-11 03:36:15,10ZEPHY,16.6,166USDT,FILLED\n",
    )
    .unwrap();
    let prep = run(p, false).unwrap();
    let s = &prep.files[0].summary;
    assert_eq!(s.rows_normalized, 2);
    let w: Vec<_> = s
        .warnings
        .iter()
        .filter(|w| w.code == "id-mangled")
        .collect();
    assert_eq!(w.len(), 1, "{:?}", s.warnings);
    assert_eq!(w[0].row, Some(3));
    assert!(w[0].message.contains("`8.38977E+18`"), "{}", w[0].message);
}
