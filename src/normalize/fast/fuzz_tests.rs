//! Adversarial tests of the fast reader against the general path: edge
//! cases written by hand (the deterministic mutation fuzzer is in
//! `mutation_tests.rs`, on the helpers here). Whatever the fast reader takes must be
//! exactly what the general path makes of the file; whatever the general
//! path refuses, the fast reader must leave to it.
//!
//! The five disagreements these tests first found are fixed; their tests
//! are in `found_tests.rs`.

use super::*;
use crate::ingest::read_general;
use crate::normalize::normalize_file;
use crate::normalize::time::TzSpec;
use crate::normalize::NormalizedFile;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Both readers on one file: `Some(general)` when the fast reader took it
/// (and agreed), `None` when it gave up. Panics when they disagree.
pub(super) fn compare(
    display: &str,
    bytes: &[u8],
    opts: &SniffOptions,
    block: usize,
) -> Option<NormalizedFile> {
    let fast = stream_blocks(display, None, opts, bytes, false, block).unwrap();
    let general =
        read_general(display, None, bytes, opts).and_then(|raw| normalize_file(raw, "acct", false));
    let mut fast = fast?;
    let general = general.unwrap_or_else(|e| {
        panic!("{display}: the fast reader took a file the general path refuses: {e}")
    });
    fast.sha256 = general.summary.sha256.clone();
    let ids = crate::ingest::file_user_ids(&fast);
    let fast = normalize_file(fast, "acct", false).unwrap();
    assert_eq!(fast.summary, general.summary, "{display}: summaries differ");
    assert!(fast.rows == general.rows, "{display}: rows differ");
    let general_ids =
        crate::ingest::file_user_ids(&read_general(display, None, bytes, opts).unwrap());
    assert_eq!(ids, general_ids, "{display}: user ids differ");
    Some(general)
}

/// `compare` without panicking: `Ok(taken)` or a description of the
/// disagreement (a panic of the fast reader itself included).
pub(super) fn check(
    display: &str,
    bytes: &[u8],
    opts: &SniffOptions,
    blocks: &[usize],
) -> Result<bool, String> {
    let general = read_general(display, None, bytes, opts);
    let general_ids = general.as_ref().ok().map(crate::ingest::file_user_ids);
    let general = general.and_then(|raw| normalize_file(raw, "acct", false));
    let mut taken = false;
    for &block in blocks {
        let fast = catch_unwind(AssertUnwindSafe(|| {
            stream_blocks(display, None, opts, bytes, false, block)
        }));
        let fast = match fast {
            Err(_) => return Err(format!("block {block}: the fast reader panicked")),
            Ok(Err(e)) => return Err(format!("block {block}: io error {e}")),
            Ok(Ok(None)) => continue,
            Ok(Ok(Some(f))) => f,
        };
        taken = true;
        let general = match &general {
            Ok(g) => g,
            Err(e) => {
                return Err(format!(
                    "block {block}: the fast reader took a file the general path refuses: {e}"
                ))
            }
        };
        let mut fast = fast;
        fast.sha256 = general.summary.sha256.clone();
        let ids = crate::ingest::file_user_ids(&fast);
        let fast = match catch_unwind(AssertUnwindSafe(|| normalize_file(fast, "acct", false))) {
            Ok(Ok(f)) => f,
            Ok(Err(e)) => return Err(format!("block {block}: normalize of fast rows failed: {e}")),
            Err(_) => return Err(format!("block {block}: normalize of fast rows panicked")),
        };
        if fast.summary != general.summary {
            return Err(format!(
                "block {block}: summaries differ\n fast:    {:?}\n general: {:?}",
                fast.summary, general.summary
            ));
        }
        if fast.rows != general.rows {
            return Err(format!(
                "block {block}: rows differ\n fast:    {:?}\n general: {:?}",
                fast.rows, general.rows
            ));
        }
        if Some(&ids) != general_ids.as_ref() {
            return Err(format!(
                "block {block}: user ids differ: fast {ids:?}, general {general_ids:?}"
            ));
        }
    }
    Ok(taken)
}

const BLOCKS: &[usize] = &[1, 3, 16, 61, 4096, 1 << 20];

pub(super) fn opts_tz(tz: Option<TzSpec>) -> SniffOptions {
    SniffOptions {
        tz,
        direction: None,
    }
}

pub(super) fn named(z: &str) -> Option<TzSpec> {
    Some(TzSpec::Named(z.parse().unwrap()))
}

/// Every case through `check` at every block size; all failures listed.
fn run_cases(cases: &[(&str, String, SniffOptions)]) -> usize {
    let mut failures = Vec::new();
    let mut taken = 0;
    for (name, text, opts) in cases {
        match check(name, text.as_bytes(), opts, BLOCKS) {
            Ok(t) => taken += usize::from(t),
            Err(e) => failures.push(format!("{name} {:?} (tz {:?}): {e}", text, opts.tz)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    taken
}

pub(super) const S_HEAD: &str = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n";
pub(super) const T2_HEAD: &str = "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n";
pub(super) const T1_HEAD: &str = "Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin\n";
pub(super) const S_ROW: &str = "71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\n";

fn st(rows: &[&str]) -> String {
    let mut s = S_HEAD.to_string();
    for r in rows {
        s += r;
        s += "\n";
    }
    s
}

// ---------------------------------------------------------------------------
// Hand-written edge cases (all expected to agree).
// ---------------------------------------------------------------------------

#[test]
fn quoting_and_line_end_edge_cases_agree() {
    let d = SniffOptions::default();
    let row = "71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,";
    let texts: Vec<String> = vec![
        // quotes
        st(&["\"71234567\",\"2024-01-01 00:00:00\",\"Spot\",\"Deposit\",\"BTC\",\"0.5\",\"\""]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\"\""]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\"a,b\""]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\"say \"\"hi\"\"\""]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,a\"b"]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\"a\"b"]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\"a\" "]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5, \"a\""]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\""]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\"\"\"\""]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\"multi", "line\""]),
        st(&["\"71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\""]),
        st(&["\"71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,\"\"1,000.5\"\",\""]),
        // delimiters at the end, extra and missing columns
        st(&[&format!("{row},")]),
        st(&[&format!("{row},,,")]),
        st(&[&format!("{row}, ,\t,")]),
        st(&[&format!("{row},\"\",\" \"")]),
        st(&[&format!("{row},x")]),
        st(&[&format!("{row},\u{a0}")]),
        st(&[&format!("{row},\u{b}")]),
        st(&[&format!("{row},\u{c}")]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5"]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC"]),
        // empty, whitespace-only and comma-only lines
        st(&[row, "", row]),
        st(&[row, " ", row]),
        st(&[row, "\t", row]),
        st(&[row, ",,,,,,", row]),
        st(&[row, "\"\",\"\",\"\",\"\",\"\",\"\",\"\"", row]),
        st(&[row, "\"\"", row]),
        st(&["", "", row]),
        format!("{S_HEAD}\r\n\r\n{row}\r\n\r\n"),
        format!("{S_HEAD}{row}\n\n\n"),
        // CR/LF mixes
        format!("{}\r\n{row}\r\n{row}\r\n", S_HEAD.trim_end()),
        format!("{S_HEAD}{row}\r\n{row}\n{row}"),
        format!("{S_HEAD}{row}\r{row}\n"),
        format!("{S_HEAD}{row}\r\r\n{row}\n"),
        format!("{S_HEAD}{row}\n\r{row}\n"),
        format!("{S_HEAD}{row}\n\r\n\r{row}\n"),
        format!("{S_HEAD}{row}\r"),
        format!("{S_HEAD}{row}\n\r"),
        format!("{S_HEAD}{row}"),
        format!("{}\r{row}\n{row}\n", S_HEAD.trim_end()),
        format!("{}\r\r\n{row}\n", S_HEAD.trim_end()),
        format!("{S_HEAD}{}\"x\r\ny\"\n", &row[..row.len()]),
        // BOM, preamble, header only
        format!("\u{feff}{S_HEAD}{row}\n"),
        format!("\u{feff}\u{feff}{S_HEAD}{row}\n"),
        format!("{S_HEAD}\u{feff}{row}\n{row}\n"),
        format!("{S_HEAD}{row}\n\u{feff}{row}\n"),
        format!("Binance Transaction History\nGenerated: 2024-01-02\n\n{S_HEAD}{row}\n"),
        format!("a,b\n{S_HEAD}{row}\n"),
        format!("\"a,b\",c\n{S_HEAD}{row}\n"),
        format!("x\n\"quoted\nacross\"\n{S_HEAD}{row}\n"),
        S_HEAD.to_string(),
        S_HEAD.trim_end().to_string(),
        format!("{}\r\n", S_HEAD.trim_end()),
        format!("{S_HEAD}\n\n"),
        format!("{S_HEAD}{S_HEAD}{row}\n"),
        format!("{S_HEAD}{row}\n{S_HEAD}{row}\n"),
        // header variants
        format!("\"{}\"\n{row}\n", S_HEAD.trim_end()),
        format!("{},\n{row},\n", S_HEAD.trim_end()),
        format!("{},\n{row}\n", S_HEAD.trim_end()),
        format!("{},Extra\n{row},x\n", S_HEAD.trim_end()),
        format!("{},Change\n{row},9\n", S_HEAD.trim_end()),
        format!("{},UTC_Time\n{row},2030-01-01 00:00:00\n", S_HEAD.trim_end()),
        format!("{},User_ID\n{row},42\n", S_HEAD.trim_end()),
        "user_id , utc_time , account , operation , coin , change , remark\n".to_string() + row + "\n",
        "UTC_Time,Account,Operation,Coin,Change,Remark\n2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\n"
            .to_string(),
        "User_ID,UTC_Time,Account,Operation,Asset,Change,Remark\n".to_string() + row + "\n",
        "Remark,Change,Coin,Operation,Account,UTC_Time,User_ID\n,0.5,BTC,Deposit,Spot,2024-01-01 00:00:00,7\n"
            .to_string(),
        "User_ID,Time,Account,Operation,Coin,Change\n7,2024-01-01 00:00:00,Spot,Deposit,BTC,1\n"
            .to_string(),
        "User_ID,UTC_Time(UTC+8),Account,Operation,Coin,Change,Remark\n".to_string() + row + "\n",
        "User_ID;UTC_Time;Account;Operation;Coin;Change;Remark\n7;2024-01-01 00:00:00;Spot;Deposit;BTC;0.5;\n"
            .to_string(),
        "User_ID\tUTC_Time\tAccount\tOperation\tCoin\tChange\tRemark\n7\t2024-01-01 00:00:00\tSpot\tDeposit\tBTC\t0.5\t\n"
            .to_string(),
        "ID de usuario,Tiempo,Cuenta,Operación,Moneda,Cambio,Observación\n7,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\n"
            .to_string(),
        // non-ASCII and odd bytes
        st(&["71234567,2024-01-01 00:00:00,Spot,Depósito,BTC,0.5,ñandú ✓"]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,ß,0.5,"]),
        st(&["71234567,2024-01-01 00:00:00,Spöt,Deposit,ǆ,0.5,"]),
        st(&["\u{a0}71234567\u{a0},2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\u{3000}"]),
        st(&["71234567,\u{a0}2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,"]),
        // (a BOM opening the first row: see `bom_opening_the_first_row`)
        st(&[row, "\u{feff}71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,"]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,a\u{0}b"]),
        st(&["71234567,2024-01-01 00:00:00,Spot,Deposit,BTC,0.5,\u{85}"]),
    ];
    let cases: Vec<_> = texts.into_iter().map(|t| ("s.csv", t, d.clone())).collect();
    let taken = run_cases(&cases);
    assert!(taken > 20, "only {taken} taken");
}

#[test]
fn time_edge_cases_agree() {
    let rows = [
        "2024-02-29 12:00:00",
        "2023-02-29 12:00:00",
        "2024-01-01 24:00:00",
        "2024-06-30 23:59:60",
        "2024-12-31 23:59:59",
        "2017-06-30 23:59:59",
        "2017-07-01 00:00:00",
        "2017-07-01 07:59:59",
        "2017-07-01 08:00:00",
        "2017-06-30 20:00:00",
        "2016-01-01 00:00:00",
        "2099-12-31 23:59:59",
        "9999-12-31 23:59:59",
        "0000-01-01 00:00:00",
        "2024-01-01T00:00:00",
        "2024-01-01 00:00:00.000",
        "2024-01-01 00:00",
        "2024-01-01",
        "24-01-01 00:00:00",
        "2024-1-01 00:00:00",
        "2024-01-01  0:00:00",
        " 2024-01-01 00:00:00 ",
        "\"2024-01-01 00:00:00\"",
        "2024-03-31 02:30:00", // Madrid gap
        "2024-10-27 02:30:00", // Madrid repeat
        "2024-03-10 02:30:00", // New York gap
        "2024-11-03 01:30:00", // New York repeat
        "2024-01-01 00:00:00Z",
        "2024-01-0１ 00:00:00",
        "",
    ];
    let names = [
        "s.csv",
        "Binance-Transaction-History-202401020000(UTC+0)_ab.csv",
        "Binance-Transaction-History-202401020000(UTC+8)_ab.csv",
        "Binance-Transaction-History-202401020000(UTC-5)_ab.csv",
        "Binance-Transaction-History-202401020000(UTC--6)_ab.csv",
        "Binance-Transaction-History-201707010800(UTC+8)_ab.csv",
        "x(UTC+5:30).csv",
    ];
    let tzs = [
        None,
        named("Europe/Madrid"),
        named("America/New_York"),
        Some(TzSpec::Fixed(-5 * 3600)),
    ];
    let mut cases = Vec::new();
    for (i, t) in rows.iter().enumerate() {
        let mut text = S_HEAD.to_string();
        text += "7,2024-01-01 00:00:00,Spot,Deposit,BTC,1,\n";
        text += &format!("7,{t},Spot,Deposit,BTC,1,\n");
        text += "7,2024-10-27 02:45:10,Spot,Deposit,BTC,1,\n";
        let name = names[i % names.len()];
        for tz in &tzs {
            cases.push((name, text.clone(), opts_tz(tz.clone())));
        }
        // every name, default options
        for n in names {
            cases.push((n, text.clone(), SniffOptions::default()));
        }
    }
    run_cases(&cases);
}

#[test]
fn amount_edge_cases_agree() {
    let amounts = [
        "1",
        "-1",
        "+1",
        "-0",
        "+0",
        "0",
        "-0.0",
        ".5",
        "-.5",
        "5.",
        "1e3",
        "1E-8",
        "-7E-08",
        "1e+3",
        "1e",
        "e3",
        "\"1,000.5\"",
        "\"-1,000,000.5\"",
        "\"1,00.5\"",
        "\"1,000,00\"",
        "\",100\"",
        "$5",
        "€1",
        "£0.1",
        "-$5",
        "USD5",
        "1.000000000000000001",
        "1.0000000000000000001",
        "0.0000000000000000001",
        "10000000000000000",
        "10000000000000001",
        "-10000000000000000",
        "123456789012345678901234567890",
        "1e16",
        "1e17",
        "1e-30",
        "1e999999999",
        "1.2.3",
        "NaN",
        "inf",
        "0x10",
        " 1 ",
        "1 000",
        "1_000",
        "١",
        "--1",
        "+-1",
        "1-",
        "",
    ];
    let mut cases = Vec::new();
    for a in amounts {
        let text = st(&[&format!(
            "7,2024-01-01 00:00:00,Spot,Transaction Buy,BTC,{a},"
        )]);
        cases.push(("s.csv", text, SniffOptions::default()));
        let text = format!("{T1_HEAD}2024-01-01 00:00:00,BTCUSDT,BUY,{a},1,{a},{a},BNB\n");
        cases.push(("t1.csv", text, SniffOptions::default()));
        let text = format!("{T2_HEAD}2024-01-01 00:00:00,BTCUSDT,BUY,{a},1BTC,2USDT,0.1BNB\n");
        cases.push(("t2.csv", text, SniffOptions::default()));
        let a_unq = a.trim_matches('"');
        for cell in [
            format!("{a_unq}BTC"),
            format!("{a_unq} BTC"),
            format!("\"{a_unq}BTC\""),
        ] {
            let text = format!("{T2_HEAD}2024-01-01 00:00:00,BTCUSDT,BUY,1,{cell},2USDT,{cell}\n");
            cases.push(("t2.csv", text, SniffOptions::default()));
        }
    }
    run_cases(&cases);
}

#[test]
fn trade_history_edge_cases_agree() {
    let v2 = [
        "2024-01-01 00:00:00,1INCHUSDT,BUY,0.41,5.11INCH,2.1USDT,0.001BNB",
        "2024-01-01 00:00:00,1INCHUSDT,BUY,0.41,5.11INCH,2.1USDT,0.0051INCH",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5 BTC,21000 USDT,0.001 BNB",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5BTC,21000USDT,0.001ETH",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5BTC,21000USDT,0.001",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5BTC,21000USDT,",
        "2024-01-01 00:00:00,BTC/USDT,sell,42000,0.5BTC,21000USDT,1USDT",
        "2024-01-01 00:00:00,btc_usdt,Sell,42000,0.5BTC,21000USDT,1USDT",
        "2024-01-01 00:00:00,btcusdt,BUY,42000,0.5btc,21000usdt,1usdt",
        "2024-01-01 00:00:00,BTC USDT,BUY,42000,0.5BTC,21000USDT,1USDT",
        "2024-01-01 00:00:00,BTCUSDT,Kauf,42000,0.5BTC,21000USDT,1USDT",
        "2024-01-01 00:00:00,BTCUSDT,ALIŞ,42000,0.5BTC,21000USDT,1USDT",
        "2024-01-01 00:00:00,BTCUSDT,HOLD,42000,0.5BTC,21000USDT,1USDT",
        "2024-01-01 00:00:00,BTCUSDT,BUY,\"42,000.00\",\"1,000BTC\",\"42,000,000USDT\",1USDT",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,-0.5BTC,21000USDT,1USDT",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5BTC,21000USDT,-1USDT",
        "2024-01-01 00:00:00,BTCUSDT,BUY,-42000,0.5BTC,21000USDT,1USDT",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5ETH,21000USDT,1USDT",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5BTC,999USDT,1USDT",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,5E-1BTC,2.1E4USDT,1E-8BNB",
        "2024-01-01 00:00:00,BTCBTC,BUY,1,1BTC,1BTC,0BTC",
        "2024-01-01 00:00:00,AAA,BUY,1,1AA,1A,0A",
        "2024-01-01 00:00:00,,BUY,1,1AA,1A,0A",
        "2024-01-01 00:00:00,ÄÖÜ,BUY,1,1Ä,1ÖÜ,0Ä",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5 BTC ,21000USDT,1 USDT ",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,BTC,21000USDT,1USDT",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5BTC,21000USDT,1US-DT",
    ];
    let v1 = [
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5,21000,0.01,BNB",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5,21000,0.01,bnb",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5,21000,0.01,ETH",
        "2024-01-01 00:00:00,ETH/BTC,sell,0.05,1,0.05,0.01,ETH",
        "2024-01-01 00:00:00,ETHBTC,sell,0.05,1,0.05,0.01,",
        "2024-01-01 00:00:00,XYZ,sell,0.05,1,0.05,0.01,XYZ",
        "2024-01-01 00:00:00,XYZ,sell,0.05,1,0.05,0.01,X",
        "2024-01-01 00:00:00,XYZ,sell,0.05,1,0.05,0.01,Q",
        "2024-01-01 00:00:00,XYZ,sell,0.05,1,0.05,0.01,XYZ1",
        "2024-01-01 00:00:00,BNB,sell,0.05,1,0.05,0.01,BNB",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5,999,0.01,BNB",
        "2024-01-01 00:00:00,BTCUSDT,BUY,42000,-0.5,21000,0.01,BNB",
        "2024-01-01 00:00:00,ǅUSDT,BUY,42000,0.5,21000,0.01,ǆ",
    ];
    let mut cases = Vec::new();
    let names = [
        "Binance-Spot-Trade-History-202401020000(UTC+0)_ab.csv",
        "Binance-Spot-Trade-History-202312310000(UTC+8)_ab.csv",
        "t.csv",
    ];
    for (i, r) in v2.iter().enumerate() {
        let ok = "2024-01-01 00:00:01,BTCUSDT,BUY,42000,0.5BTC,21000USDT,1USDT";
        cases.push((
            names[i % 3],
            format!("{T2_HEAD}{ok}\n{r}\n{r}\n"),
            SniffOptions::default(),
        ));
        let h3 = "Date(UTC),Pair,Side,Price,Quantity,Amount,Fee\n";
        cases.push((names[i % 3], format!("{h3}{r}\n"), SniffOptions::default()));
    }
    for (i, r) in v1.iter().enumerate() {
        let ok = "2024-01-01 00:00:01,BTCUSDT,BUY,42000,0.5,21000,0.01,BNB";
        cases.push((
            names[i % 3],
            format!("{T1_HEAD}{ok}\n{r}\n{r}\n"),
            SniffOptions::default(),
        ));
    }
    // header variants
    for h in [
        "Date(UTC+8),Pair,Side,Price,Executed,Amount,Fee\n",
        "Date(UTC-5),Pair,Side,Price,Executed,Amount,Fee\n",
        "Date,Pair,Side,Price,Executed,Amount,Fee\n",
        "Time,Pair,Side,Price,Executed,Amount,Fee\n",
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee,\n",
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee,Total\n",
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee,Date(UTC)\n",
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee,Fee Coin\n",
        "\"Date(UTC)\",\"Pair\",\"Side\",\"Price\",\"Executed\",\"Amount\",\"Fee\"\n",
        "Fee,Amount,Executed,Price,Side,Pair,Date(UTC)\n",
    ] {
        let row = "2024-01-01 00:00:00,BTCUSDT,BUY,42000,0.5BTC,21000USDT,1USDT,";
        for n in names {
            cases.push((n, format!("{h}{row}\n{row}x\n"), SniffOptions::default()));
            cases.push((n, format!("{h}{row}\n"), opts_tz(named("Asia/Tokyo"))));
        }
    }
    run_cases(&cases);
}

#[test]
fn block_boundaries_inside_lines_and_after_cr() {
    // Every block size from 1 to past the file's length, CRLF, with and
    // without the final line end.
    let mut text = String::from("\u{feff}Preamble\r\n");
    text += S_HEAD.trim_end();
    text += "\r\n";
    for i in 0..30 {
        text += &format!(
            "\"{}\",2024-01-{:02} 10:00:{:02},Spot,Deposit,BTC,\"1,{:03}.5\",r{i}\r\n",
            70 + i % 3,
            1 + i % 28,
            i,
            i
        );
        if i % 7 == 0 {
            text += "\r\n";
        }
    }
    let mut failures = Vec::new();
    for t in [
        text.clone(),
        text.trim_end().to_string(),
        text.replace("\r\n", "\n"),
    ] {
        let blocks: Vec<usize> = (1..=t.len() + 1).collect();
        match check("s.csv", t.as_bytes(), &SniffOptions::default(), &blocks) {
            Ok(true) => {}
            Ok(false) => failures.push(format!("not taken: {t:?}")),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn more_than_64_head_lines_and_late_faults() {
    // Faults after the head (the first 64 lines the general reader sniffs):
    // the fast reader must still give up or agree.
    let mut base = S_HEAD.to_string();
    for i in 0..100 {
        base += &format!(
            "7,2024-01-01 00:{:02}:{:02},Spot,Deposit,BTC,1,\n",
            i / 60,
            i % 60
        );
    }
    let lines: Vec<&str> = base.lines().collect();
    let faults = [
        "",
        " ",
        ",,,,,,",
        "\"7,2024-01-02 00:00:00,Spot,Deposit,BTC,1,\"",
        "7,2024-01-02 00:00:00,Spot,Deposit,BTC,1,\"open",
        "7,2024-01-02 00:00:00,Spot,Deposit,BTC,1,\"x\r\"",
        "7,2024-01-02 00:00:00,Spot,Deposit,BTC,1",
        "7,2024-01-02 00:00:00,Spot,Deposit,BTC,1,,",
        "7,2024-01-02 00:00:00,Spot,Deposit,BTC,1,,x",
        "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark",
        "7,02/01/2024 00:00,Spot,Deposit,BTC,1,",
        // (a NUL here is `nul_in_the_first_8k_after_the_first_buffer`)
        "\u{feff}7,2024-01-02 00:00:00,Spot,Deposit,BTC,1,",
        "7,2024-01-02 00:00:00,Spot,,BTC,1,",
        "7,2024-01-02 00:00:00,Spot,Deposit,,1,",
        "7,2024-01-02 00:00:00,Spot,Deposit,BTC,,",
        "8,2024-01-02 00:00:00,Spot,Deposit,BTC,1,",
        "7,2030-01-02 00:00:00,Spot,Deposit,BTC,1,",
    ];
    let mut cases = Vec::new();
    for (i, f) in faults.iter().enumerate() {
        for at in [2, 63, 64, 65, 66, 100] {
            let mut l = lines.clone();
            l.insert(at.min(l.len()), f);
            let name = if i % 2 == 0 {
                "Binance-Transaction-History-202501010000(UTC+0)_x.csv"
            } else {
                "s.csv"
            };
            cases.push((name, l.join("\n") + "\n", SniffOptions::default()));
        }
    }
    run_cases(&cases);
}

#[test]
fn many_chunks_with_ambiguous_and_unclassified_rows() {
    // Ambiguous DST rows and unknown operations spread over many chunks: the
    // counts and the first rows must be the general path's.
    let mut text = String::from(S_HEAD);
    for i in 0..400 {
        let t = if i % 50 == 13 {
            "2024-10-27 02:30:00".to_string()
        } else {
            format!("2024-10-{:02} 10:00:00", 1 + i % 26)
        };
        let op = if i % 40 == 7 { "Mystery" } else { "Deposit" };
        text += &format!("{},{t},Spot,{op},BTC,1,\n", 70 + i % 5);
    }
    let opts = opts_tz(named("Europe/Madrid"));
    for block in [1, 37, 500, 4096, 1 << 20] {
        compare("s.csv", text.as_bytes(), &opts, block).expect("taken");
    }
}
