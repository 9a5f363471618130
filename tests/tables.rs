//! `normalize` and `inspect` end to end: the canonical tables written as CSV
//! and Parquet read back with the right values, and `inspect` reports every
//! file's accounting the way `analyze` counts it.

use binance_forensics::Dec;
use polars::prelude::*;
use polars_io::prelude::{ParquetReader, SerReader};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
}

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cases")
        .join(name)
}

/// Trade history (case 03), convert history (32) and a withdrawal history
/// (30): no statement, so the ledger is made of derived legs.
fn mixed_inputs() -> Vec<PathBuf> {
    vec![
        case("03-trade-history-asset-suffix.csv"),
        case("32-convert-history.csv"),
        case("withdrawal-history-30.csv"),
    ]
}

fn normalize(out: &Path, format: &str) -> Output {
    let o = bin()
        .arg("normalize")
        .args(mixed_inputs())
        .args(["--account", "acct 1", "--format", format, "-q", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

const TABLES: [&str; 5] = ["fills", "orders", "transfers", "ledger", "conversions"];

fn part(out: &Path, table: &str, ext: &str) -> PathBuf {
    out.join(table)
        .join("account=acct%201")
        .join(format!("part-0.{ext}"))
}

/// Rows of a CSV table as maps column → text.
fn read_csv(p: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(p).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            head.iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The expected net change per coin of the mixed inputs:
/// ETH +0.001 − 0.000001 − 0.002 = −0.001001 (case 03);
/// USDT −2.3 + 4.62 − 0.00462 = 2.31538 (03), +48 (32), −49 − 1 (30) → 0.31538;
/// BTC −0.001 (32; the expired conversion moves nothing).
fn expected_nets() -> BTreeMap<String, Dec> {
    [("BTC", "-0.001"), ("ETH", "-0.001001"), ("USDT", "0.31538")]
        .iter()
        .map(|(k, v)| (k.to_string(), Dec::parse(v).unwrap()))
        .collect()
}

#[test]
fn normalize_csv_round_trips_exact_values_with_their_origin() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tables");
    normalize(&out, "csv");
    let fills = read_csv(&part(&out, "fills", "csv"));
    assert_eq!(fills.len(), 2);
    let f = &fills[0];
    assert_eq!(f["account"], "acct 1");
    assert_eq!(f["time"], "2023-12-31T18:12:45.000Z");
    assert_eq!(
        (
            f["symbol"].as_str(),
            f["base"].as_str(),
            f["quote"].as_str()
        ),
        ("ETHUSDT", "ETH", "USDT")
    );
    assert_eq!(f["side"], "BUY");
    // 2300.0000000000 × 0.0010000000ETH = 2.30000000USDT, fee 0.0000010000ETH.
    assert_eq!(
        (
            f["price"].as_str(),
            f["qty"].as_str(),
            f["quote_qty"].as_str()
        ),
        ("2300", "0.001", "2.3")
    );
    assert_eq!(
        (f["fee"].as_str(), f["fee_asset"].as_str()),
        ("0.000001", "ETH")
    );
    assert!(f["source_file"].ends_with("03-trade-history-asset-suffix.csv"));
    assert_eq!(f["source_row"], "2");
    assert_eq!(fills[1]["fee"], "0.00462");

    let transfers = read_csv(&part(&out, "transfers", "csv"));
    let w = transfers
        .iter()
        .find(|t| t["completed"] == "true")
        .expect("the completed withdrawal");
    assert_eq!(w["direction"], "withdrawal");
    assert_eq!((w["amount"].as_str(), w["fee"].as_str()), ("49", "1"));
    // `24-02-01 10:00:00` under `Date(UTC+0)`.
    assert_eq!(w["time"], "2024-02-01T10:00:00.000Z");
    assert_eq!(w["source_row"], "2");

    let conv = read_csv(&part(&out, "conversions", "csv"));
    let c = conv.iter().find(|c| c["completed"] == "true").unwrap();
    assert_eq!(
        (c["from_asset"].as_str(), c["from_qty"].as_str()),
        ("BTC", "0.001")
    );
    assert_eq!(
        (c["to_asset"].as_str(), c["to_qty"].as_str()),
        ("USDT", "48")
    );

    // The ledger sums to the net change per coin, exactly.
    let mut sums: BTreeMap<String, Dec> = BTreeMap::new();
    for r in read_csv(&part(&out, "ledger", "csv")) {
        *sums.entry(r["coin"].clone()).or_default() += Dec::parse(&r["change"]).unwrap();
    }
    sums.retain(|_, v| !v.is_zero());
    assert_eq!(sums, expected_nets());
    // Every table is written, with its header, even when empty.
    let orders = std::fs::read_to_string(part(&out, "orders", "csv")).unwrap();
    assert!(
        orders.starts_with("account,time,update_time,order_id,"),
        "{orders}"
    );
    assert_eq!(orders.lines().count(), 1);
}

fn read_parquet(p: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(p).unwrap())
        .finish()
        .unwrap()
}

#[test]
fn normalize_parquet_reads_back_with_the_csv_row_counts_and_exact_sums() {
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("pq");
    let csv = dir.path().join("csv");
    normalize(&pq, "parquet");
    normalize(&csv, "csv");
    for t in TABLES {
        let df = read_parquet(&part(&pq, t, "parquet"));
        assert_eq!(
            df.height(),
            read_csv(&part(&csv, t, "csv")).len(),
            "rows of {t}"
        );
        assert_eq!(
            df.column("time").unwrap().dtype(),
            &DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)),
            "{t}"
        );
    }
    let ledger = read_parquet(&part(&pq, "ledger", "parquet"));
    let change = ledger.column("change").unwrap();
    assert_eq!(change.dtype(), &DataType::Decimal(38, 18));
    let change = change.decimal().unwrap();
    let coin = ledger.column("coin").unwrap().str().unwrap();
    let mut sums: BTreeMap<String, Dec> = BTreeMap::new();
    for i in 0..ledger.height() {
        let raw = change.physical().get(i).unwrap();
        *sums.entry(coin.get(i).unwrap().to_string()).or_default() += Dec::from_raw(raw);
    }
    sums.retain(|_, v| !v.is_zero());
    assert_eq!(sums, expected_nets());
    // Hive partition and origin columns.
    let acc = ledger.column("account").unwrap().str().unwrap();
    assert!((0..acc.len()).all(|i| acc.get(i) == Some("acct 1")));
    assert!(ledger.column("source_row").unwrap().u32().is_ok());
}

#[test]
fn normalize_output_is_byte_identical_on_a_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    normalize(&a, "parquet");
    normalize(&b, "parquet");
    for t in TABLES {
        assert_eq!(
            std::fs::read(part(&a, t, "parquet")).unwrap(),
            std::fs::read(part(&b, t, "parquet")).unwrap(),
            "{t}"
        );
    }
}

fn inspect(args: &[&str], inputs: &[PathBuf]) -> Output {
    bin()
        .arg("inspect")
        .args(inputs)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn inspect_prints_one_block_per_file_with_the_accounting_of_analyze() {
    let inputs = [
        case("17-overlap-exports-part1.csv"),
        case("17-overlap-exports-part2.csv"),
    ];
    let o = inspect(&[], &inputs);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    let p2 = inputs[1].display().to_string();
    let block = text.split(&format!("== {p2}\n")).nth(1).unwrap();
    let block = block.split("\n\n").next().unwrap();
    let sha = binance_forensics::ingest::sha256_hex(&std::fs::read(&inputs[1]).unwrap());
    // part2's first three rows are also in part1: 4 read = 1 + 3 duplicates.
    assert_eq!(
        block,
        format!(
            "kind:       statement (layout statement/v2)\n\
             sha256:     {sha}\n\
             time zone:  UTC (the header says UTC)\n\
             first time: 2024-03-20T12:00:00.000Z\n\
             last time:  2024-06-01T12:00:00.000Z\n\
             rows:       read 4 = normalized 1 + rejected 0 + duplicate 3 + ignored 0\n\
             warnings:   0\n\
             rejected or ignored rows: 0\n"
        )
    );
    assert!(text.starts_with("account: 10000001 (2 file(s), 0 archive(s), 0 not read)\n"));
    // Deterministic, and the JSON form carries the same facts.
    assert_eq!(inspect(&[], &inputs).stdout, o.stdout);
    let j: serde_json::Value =
        serde_json::from_slice(&inspect(&["--json"], &inputs).stdout).unwrap();
    assert_eq!(j["files"][1]["rows_duplicate"], 3);
    assert_eq!(j["files"][0]["first_time"], "2024-01-10T08:00:00.000Z");
    assert_eq!(j["files"][1]["sha256"], sha.as_str());
}

#[test]
fn inspect_lists_rejections_warnings_and_several_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    std::fs::write(
        &a,
        "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
         1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n\
         1,2024-01-02 00:00:00,Spot,Deposit,USDT,1.2.3,\n,,,,,,\n",
    )
    .unwrap();
    let b = dir.path().join("b.csv");
    std::fs::write(
        &b,
        "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
         2,2024-01-01 00:00:00,Spot,Deposit,USDT,5,\n",
    )
    .unwrap();
    let inputs = [a.clone(), b];
    // Without --skip-errors the bad cell stops the run.
    let o = inspect(&[], &inputs);
    assert_eq!(o.status.code(), Some(2));
    let o = inspect(&["--skip-errors"], &inputs);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("account: 1, 2 (2 file(s)"), "{text}");
    // Line 3 rejected, line 4 blank (ignored): 3 read = 1 + 1 + 0 + 1.
    assert!(
        text.contains("rows:       read 3 = normalized 1 + rejected 1 + duplicate 0 + ignored 1\n"),
        "{text}"
    );
    assert!(text.contains("  - line 3, column `Change`: "), "{text}");
    assert!(text.contains("`1.2.3`"), "{text}");
    assert!(text.contains("  - line 4: blank row\n"), "{text}");
}

#[test]
fn inspect_shows_archives_and_what_was_not_read() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let csv = std::fs::read(case("34-utf8-bom.csv")).unwrap();
    let mut w = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in ["part-00000.csv", "notes.txt"] {
        w.start_file(name, ::zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&csv).unwrap();
    }
    let z = dir.path().join("x(UTC+2).zip");
    let bytes = w.finish().unwrap().into_inner();
    std::fs::write(&z, &bytes).unwrap();
    let o = inspect(&["--json"], std::slice::from_ref(&z));
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let zd = z.display().to_string();
    assert_eq!(j["archives"][0]["path"], zd.as_str());
    assert_eq!(
        j["archives"][0]["sha256"],
        binance_forensics::ingest::sha256_hex(&bytes).as_str()
    );
    assert_eq!(
        j["files"][0]["path"],
        format!("{zd}/part-00000.csv").as_str()
    );
    assert_eq!(
        j["files"][0]["time_zone"],
        "UTC+02:00 (from the archive name)"
    );
    assert_eq!(j["not_read"][0]["path"], format!("{zd}/notes.txt").as_str());
}
