//! Hostile and broken inputs: each is refused with exit 2 and one line
//! naming the file (or, for a header-only export, read as 0 rows), by both
//! `analyze` and `inspect`, and never panics.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const STATEMENT: &str = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n";
const TRADES: &str = "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n";

fn run(cmd: &str, input: &Path, out: &Path) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_binance-forensics"));
    c.arg(cmd).arg(input);
    if cmd == "analyze" {
        c.arg("--out").arg(out).arg("-q");
    }
    c.output().unwrap()
}

/// `analyze` of `input` into `dir/out`, which must succeed; its findings.json.
fn analyzed(dir: &Path, input: &Path) -> serde_json::Value {
    let out = dir.join("out");
    let o = run("analyze", input, &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Both commands refuse `name` with exit 2 and one line that names it and
/// contains `what`; no report is written.
fn refused(name: &str, bytes: &[u8], what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), name, bytes);
    for cmd in ["analyze", "inspect"] {
        let out = dir.path().join("out");
        let o = run(cmd, &p, &out);
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{cmd} {name}: {e}");
        assert!(!e.contains("panicked"), "{cmd} {name}: {e}");
        assert_eq!(e.lines().count(), 1, "{cmd} {name}: {e}");
        assert!(
            e.starts_with(&format!("error: {}", p.display())),
            "{cmd}: {e}"
        );
        assert!(e.contains(what), "{cmd} {name}: {e}");
        assert!(!out.join("findings.json").exists());
        assert!(o.stdout.is_empty(), "{cmd} {name}");
    }
}

#[test]
fn truncated_mid_line() {
    let text = format!(
        "{STATEMENT}1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n1,2024-01-02 00:00:00,Spot,Dep"
    );
    // Line 3 stops in the Operation column: 4 of the header's 7 fields.
    refused(
        "cut.csv",
        text.as_bytes(),
        "line 3, value `1,2024-01-02 00:00:00,Spot,Dep`: the row has 4 fields where the header has 7",
    );
}

#[test]
fn truncated_mid_quote() {
    let text = format!(
        "{TRADES}2022-02-18 13:24:05,ADABTC,BUY,\"1,500.5\",1ADA,2BTC,0.1BNB\n2022-02-18 13:24:06,ADABTC,BUY,\"1,5"
    );
    refused(
        "cutquote.csv",
        text.as_bytes(),
        "line 3: the file ends inside a quoted field",
    );
}

/// `analyze --skip-errors` of `input` into `dir/out`, which must succeed.
fn analyzed_skipping(dir: &Path, input: &Path) -> serde_json::Value {
    let out = dir.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
        .arg("analyze")
        .arg(input)
        .arg("--skip-errors")
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

#[test]
fn cut_inside_a_quote_with_skip_errors_keeps_the_rows_before_the_cut() {
    // A statement whose download stopped inside the quoted Remark of line 4.
    let text = format!(
        "{STATEMENT}71234567,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n\
         71234567,2024-01-02 00:00:00,Spot,Withdraw,USDT,-4,\"to my, wallet\"\n\
         71234567,2024-01-03 00:00:00,Spot,Deposit,USDT,7,\"from a"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "statement.csv", text.as_bytes());
    let doc = analyzed_skipping(dir.path(), &p);
    let input = &doc["inputs"][0];
    assert_eq!(input["kind"], "statement", "{input}");
    assert_eq!(input["account"], "71234567", "{input}");
    assert_eq!(input["rows_read"], 3, "{input}");
    assert_eq!(input["rows_normalized"], 2, "{input}");
    assert_eq!(input["rows_rejected"], 1, "{input}");
    let rejections = input["rejections"].as_array().unwrap();
    assert_eq!(rejections.len(), 1, "{input}");
    assert_eq!(rejections[0]["row"], 4);
    assert_eq!(
        rejections[0]["reason"],
        "the file ends inside a quoted field — the download was probably cut off; export again"
    );
    // The two rows read make the balance: 10 − 4 USDT on Spot.
    let usdt: Vec<&serde_json::Value> = doc["reconciliation"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["asset"] == "USDT")
        .collect();
    assert_eq!(usdt.len(), 1, "{usdt:?}");
    assert_eq!(usdt[0]["net_change"], "6", "{usdt:?}");
    // Any kind: a deposit history cut in a quoted TXID; without
    // --skip-errors, refused naming the file and line.
    let deposits = "Date(UTC+0),Coin,Network,Amount,Address,TXID,Status\n\
                    2024-01-01 00:00:00,USDT,TRX,10,TXyz,\"abc\",Completed\n\
                    2024-01-02 00:00:00,USDT,TRX,5,TXyz,\"de";
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "deposit-history.csv", deposits.as_bytes());
    let doc = analyzed_skipping(dir.path(), &p);
    let input = &doc["inputs"][0];
    assert_eq!(input["kind"], "deposits", "{input}");
    assert_eq!(
        (
            &input["rows_read"],
            &input["rows_normalized"],
            &input["rows_rejected"]
        ),
        (&2.into(), &1.into(), &1.into()),
        "{input}"
    );
    refused(
        "deposit-history.csv",
        deposits.as_bytes(),
        "line 3: the file ends inside a quoted field — the download was probably cut off; export again",
    );
}

/// Deterministic noise (a linear congruential generator), no NUL-free
/// guarantee either way.
fn garbage(n: usize) -> Vec<u8> {
    let mut x: u32 = 12345;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect()
}

#[test]
fn binary_garbage() {
    refused("noise.csv", &garbage(64 << 10), "not a text CSV file");
    refused(
        "noise.xlsx",
        &garbage(64 << 10),
        "cannot open as a spreadsheet",
    );
    refused(
        "noise.zip",
        &garbage(64 << 10),
        "cannot open as a zip archive",
    );
}

#[test]
fn empty_file() {
    refused("empty.csv", b"", "the file is empty");
}

#[test]
fn xlsx_that_is_not_a_zip() {
    // Binary bytes that are no workbook: refused.
    let mut junk = vec![0u8, 0x9c, 0xff, 0x01];
    junk.extend(std::iter::repeat_n(0x5a, 300));
    refused("report.xlsx", &junk, "cannot open as a spreadsheet");
    // CSV text renamed to .xlsx: read as CSV, and said so.
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "statement.xlsx", STATEMENT.as_bytes());
    let doc = analyzed(dir.path(), &p);
    let codes: Vec<&str> = doc["inputs"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(codes.contains(&"not-xlsx"), "{codes:?}");
    assert_eq!(doc["inputs"][0]["kind"], "statement");
}

#[test]
fn truncated_zip_and_xlsx() {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("s.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(STATEMENT.repeat(200).as_bytes()).unwrap();
    let z = w.finish().unwrap().into_inner();
    let half = &z[..z.len() / 2];
    refused("half.zip", half, "cannot open as a zip archive");
    refused("half.xlsx", half, "cannot open as a spreadsheet");
}

#[test]
fn a_line_of_10_mb() {
    let long = "9".repeat(10 << 20);
    let text = format!("{STATEMENT}1,2024-01-01 00:00:00,Spot,Deposit,USDT,{long},\n");
    refused(
        "long.csv",
        text.as_bytes(),
        "line 2: line longer than 1048576 bytes",
    );
    // With --skip-errors only that line is rejected; the others are read.
    let text = format!(
        "{STATEMENT}1,2024-01-01 00:00:00,Spot,Deposit,USDT,3,\n\
         1,2024-01-01 00:00:00,Spot,Deposit,USDT,{long},\n\
         1,2024-01-02 00:00:00,Spot,Deposit,USDT,4,\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "statement.csv", text.as_bytes());
    let doc = analyzed_skipping(dir.path(), &p);
    assert_eq!(counts(&doc), (3, 2, 1, "1".into()));
    let r = &doc["inputs"][0]["rejections"][0];
    assert_eq!(
        (&r["row"], &r["reason"]),
        (&3.into(), &"line longer than 1048576 bytes".into())
    );
    // Before the header it is no preamble either.
    let text = format!("{long}\n{STATEMENT}");
    refused(
        "longhead.csv",
        text.as_bytes(),
        "line 1: line longer than 1048576 bytes",
    );
    // Without a header at all the message quotes only the line's start.
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "nohead.csv", "9".repeat(1000).as_bytes());
    let o = run("inspect", &p, dir.path());
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(e.contains("no known Binance export header"), "{e}");
    assert!(e.len() < 600, "{} bytes", e.len());
}

#[test]
fn zip_bomb() {
    // 100 MiB of zeros deflate to about 100 KiB (~1030:1).
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("zeros.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(&vec![0u8; 100 << 20]).unwrap();
    let z = w.finish().unwrap().into_inner();
    let start = std::time::Instant::now();
    refused("bomb.zip", &z, "zip bomb");
    // Two runs, each refused from the declared sizes before decompressing.
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

#[test]
fn header_only_export_is_valid_with_zero_rows() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "quiet.csv", STATEMENT.as_bytes());
    let doc = analyzed(dir.path(), &p);
    assert_eq!(doc["inputs"][0]["rows_read"], 0);
    assert_eq!(doc["inputs"][0]["kind"], "statement");
    let o = run("inspect", &p, dir.path());
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("rows:       read 0 = normalized 0 + rejected 0 + duplicate 0 + ignored 0"),
        "{text}"
    );
    assert!(o.stderr.is_empty());
}

/// (rows read, normalized, rejected) and the account of the one input.
fn counts(doc: &serde_json::Value) -> (u64, u64, u64, String) {
    let i = &doc["inputs"][0];
    (
        i["rows_read"].as_u64().unwrap(),
        i["rows_normalized"].as_u64().unwrap(),
        i["rows_rejected"].as_u64().unwrap(),
        i["account"].as_str().unwrap().to_string(),
    )
}

#[test]
fn lines_ended_by_a_carriage_return_alone_are_read() {
    // A classic Mac save: every line, the last too, ends in `\r` only.
    let text = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\r\
                12345678,2024-01-01 00:00:00,Spot,Deposit,USDT,5,\r\
                12345678,2024-01-01 00:00:01,Spot,Deposit,USDT,6,\r";
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "statement.csv", text.as_bytes());
    let doc = analyzed(dir.path(), &p);
    assert_eq!(counts(&doc), (2, 2, 0, "12345678".into()));
    let usdt = doc["reconciliation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["asset"] == "USDT")
        .unwrap();
    assert_eq!(usdt["net_change"], "11");
}

#[test]
fn a_stray_or_cut_line_is_no_second_account() {
    // The download stopped after `12345` of the last line; a byte-order
    // mark opens a row of a second export joined on.
    let text = format!(
        "{STATEMENT}12345678,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n\
         \u{feff}12345678,2024-01-02 00:00:00,Spot,Deposit,USDT,4,\n\
         12345"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "statement.csv", text.as_bytes());
    let doc = analyzed_skipping(dir.path(), &p);
    assert_eq!(counts(&doc), (3, 2, 1, "12345678".into()));
    assert_eq!(doc["inputs"][0]["rejections"][0]["row"], 4);
}

#[test]
fn with_skip_errors_a_time_no_format_reads_rejects_its_row_only() {
    // Two exports joined with `cat`: the second header sits on line 3.
    let text = format!(
        "{STATEMENT}12345678,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n\
         User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
         12345678,2024-01-02 00:00:00,Spot,Deposit,USDT,4,\n\
         12345678,garbage,Spot,Deposit,USDT,1,\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "statement.csv", text.as_bytes());
    let doc = analyzed_skipping(dir.path(), &p);
    assert_eq!(counts(&doc), (4, 2, 2, "12345678".into()));
    let rejected: Vec<(u64, &str)> = doc["inputs"][0]["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["column"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(rejected, [(3, "UTC_Time"), (5, "UTC_Time")]);
    // Without --skip-errors: refused, naming the first such line.
    refused(
        "statement.csv",
        text.as_bytes(),
        "line 3, column `UTC_Time`, value `UTC_Time`",
    );
}
