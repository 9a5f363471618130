//! `.zip` inputs as Binance delivers them: members read in memory give the
//! same nets as the plain files, the archive name's offset and direction
//! apply, and oversized or lying members are refused with exit 2 (the plain
//! zip bomb is in `hostile.rs`).

use binance_forensics::Dec;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use zip::write::SimpleFileOptions;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
}

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cases")
        .join(name)
}

fn zip_bytes(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in files {
        w.start_file(*name, SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn write_zip(dir: &Path, name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, zip_bytes(files)).unwrap();
    p
}

fn analyze(inputs: &[&Path], out: &Path) -> (Output, Option<Value>) {
    let o = bin()
        .arg("analyze")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .output()
        .unwrap();
    let doc = std::fs::read_to_string(out.join("findings.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    (o, doc)
}

/// Net change per asset over the reconciliation rows, as text.
fn nets(doc: &Value) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, Dec> = BTreeMap::new();
    for r in doc["reconciliation"].as_array().unwrap() {
        let v = Dec::parse(r["net_change"].as_str().unwrap()).unwrap();
        *m.entry(r["asset"].as_str().unwrap().to_string())
            .or_default() += v;
    }
    m.into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn zip_with_one_csv_gives_the_nets_of_the_plain_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = std::fs::read(case("01-statement-time-header.csv")).unwrap();
    let z = write_zip(
        dir.path(),
        "Binance-Transaction-History-202603051000(UTC+0)_ab12.zip",
        &[("part-00000-0c1d.csv", &csv)],
    );
    let (o, zipped) = analyze(&[&z], &dir.path().join("z"));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (_, plain) = analyze(
        &[&case("01-statement-time-header.csv")],
        &dir.path().join("p"),
    );
    // BTC: +0.004 − 0.000004 = 0.003996; USDT: 250 − 240 = 10.
    let want = map(&[("BTC", "0.003996"), ("USDT", "10")]);
    assert_eq!(nets(&zipped.clone().unwrap()), want);
    assert_eq!(nets(&plain.unwrap()), want);
    let input = &zipped.unwrap()["inputs"][0];
    assert_eq!(
        input["path"].as_str().unwrap(),
        format!("{}/part-00000-0c1d.csv", z.display())
    );
    // The member's own hash, and the archive's in a warning.
    let member_sha = binance_forensics::ingest::sha256_hex(&csv);
    assert_eq!(input["sha256"].as_str().unwrap(), member_sha);
    let archive_sha = binance_forensics::ingest::sha256_hex(&std::fs::read(&z).unwrap());
    let w = input["warnings"].as_array().unwrap();
    assert!(
        w.iter().any(|w| w["code"] == "archive-member"
            && w["message"].as_str().unwrap().contains(&archive_sha)),
        "{w:?}"
    );
}

#[test]
fn zip_with_two_csvs_in_a_directory_gives_the_nets_of_the_plain_files() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("account");
    std::fs::create_dir(&inputs).unwrap();
    let p1 = std::fs::read(case("17-overlap-exports-part1.csv")).unwrap();
    let p2 = std::fs::read(case("17-overlap-exports-part2.csv")).unwrap();
    write_zip(
        &inputs,
        "exports.zip",
        &[
            ("part-2.csv", &p2),
            ("part-1.csv", &p1),
            ("readme.txt", b"x"),
        ],
    );
    let (o, doc) = analyze(&[&inputs], &dir.path().join("out"));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc = doc.unwrap();
    // SOL: the two +1 rows appear in both files and count once each: 2.
    // USDT: +500 − 200 − 50 = 250.
    assert_eq!(nets(&doc), map(&[("SOL", "2"), ("USDT", "250")]));
    let paths: Vec<&str> = doc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["exports.zip/part-1.csv", "exports.zip/part-2.csv"]);
    // part-2's three rows that part-1 also holds are duplicates: 4 = 1 + 3.
    assert_eq!(doc["inputs"][1]["rows_duplicate"], 3);
    assert_eq!(doc["inputs"][1]["rows_normalized"], 1);
    let (_, plain) = analyze(
        &[
            &case("17-overlap-exports-part1.csv"),
            &case("17-overlap-exports-part2.csv"),
        ],
        &dir.path().join("plain"),
    );
    assert_eq!(nets(&plain.unwrap()), nets(&doc));
}

#[test]
fn offset_and_direction_in_the_archive_name_apply_to_its_members() {
    let dir = tempfile::tempdir().unwrap();
    // D1 withdrawal layout: the direction comes only from a name.
    let csv = "Date(UTC),Coin,Amount,TransactionFee,Address,TXID,SourceAddress,PaymentID,Status\n\
               2024-01-01 10:00:00,USDT,49,1,TFAKE,tx1,,,Completed\n";
    let z = write_zip(
        dir.path(),
        "Binance-Withdraw-History-202601011200(UTC+7)_ab.zip",
        &[("part-00000-x.csv", csv.as_bytes())],
    );
    let (o, doc) = analyze(&[&z], &dir.path().join("out"));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc = doc.unwrap();
    let input = &doc["inputs"][0];
    assert_eq!(input["kind"], "withdrawals");
    // 10:00 at UTC+7 is 03:00 UTC.
    assert_eq!(input["first_time"], "2024-01-01T03:00:00.000Z");
    assert!(
        input["time_zone"]
            .as_str()
            .unwrap()
            .contains("archive name"),
        "{}",
        input["time_zone"]
    );
    // 49 sent + 1 fee leave the wallet.
    assert_eq!(nets(&doc), map(&[("USDT", "-50")]));
}

/// The `after-export` warnings of the first input of `doc`.
fn after_export(doc: &Value) -> Vec<(Value, String)> {
    doc["inputs"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "after-export")
        .map(|w| (w["row"].clone(), w["message"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn a_member_takes_the_export_time_of_the_archive_name() {
    let dir = tempfile::tempdir().unwrap();
    // Exported 2024-12-31 12:00 UTC; line 3 is dated five days later.
    let csv = "Date(UTC+0),Coin,Network,Amount,Address,TXID,Status\n\
               2024-12-30 10:00:00,USDT,TRX,10,TFAKE,tx1,Completed\n\
               2025-01-05 10:00:00,USDT,TRX,5,TFAKE,tx2,Completed\n";
    let z = write_zip(
        dir.path(),
        "Binance-Deposit-History-202412311200(UTC+0)_ab.zip",
        &[("part-00000-x.csv", csv.as_bytes())],
    );
    let (o, doc) = analyze(&[&z], &dir.path().join("out"));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc = doc.unwrap();
    assert_eq!(doc["inputs"][0]["kind"], "deposits");
    let w = after_export(&doc);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, 3);
    assert!(
        w[0].1.starts_with("1 row(s) dated after the export time"),
        "{}",
        w[0].1
    );
}

/// A statement member is read by the fast reader: it too takes the
/// export time of the archive's name.
#[test]
fn a_statement_member_takes_the_export_time_of_the_archive_name() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
               7,2024-12-30 10:00:00,Spot,Deposit,USDT,10,\n\
               7,2025-01-05 10:00:00,Spot,Deposit,USDT,5,\n";
    let z = write_zip(
        dir.path(),
        "Binance-Transaction-History-202412311200(UTC+0)_ab.zip",
        &[("part-00000-x.csv", csv.as_bytes())],
    );
    let (o, doc) = analyze(&[&z], &dir.path().join("out"));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let w = after_export(&doc.unwrap());
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, 3);
}

/// 100 MiB of zeros in one member: deflate packs it about 1030:1.
fn bomb() -> Vec<u8> {
    let zeros = vec![0u8; 100 << 20];
    zip_bytes(&[("zeros.csv", &zeros)])
}

/// Set the uncompressed size of the first member, in the local header and
/// the central directory, to `size`.
fn patch_declared_size(zip: &mut [u8], size: u32) {
    let local = 22;
    zip[local..local + 4].copy_from_slice(&size.to_le_bytes());
    let central = zip
        .windows(4)
        .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
        .unwrap();
    zip[central + 24..central + 28].copy_from_slice(&size.to_le_bytes());
}

#[test]
fn a_bomb_whose_header_lies_about_its_size_is_refused_while_reading() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = bomb();
    // Declares 1000 bytes: passes the declared checks, so reading must stop
    // it — the zip reader at the declared size, else our cap past 10 MiB.
    patch_declared_size(&mut bytes, 1000);
    let p = dir.path().join("liar.zip");
    std::fs::write(&p, &bytes).unwrap();
    let (o, _) = analyze(&[&p], &dir.path().join("out"));
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("liar.zip/zeros.csv: cannot decompress this archive member"),
        "{e}"
    );
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn a_member_declaring_more_than_2_gib_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = std::fs::read(case("01-statement-time-header.csv")).unwrap();
    let mut bytes = zip_bytes(&[("s.csv", &csv)]);
    patch_declared_size(&mut bytes, 3 << 30);
    let p = dir.path().join("huge.zip");
    std::fs::write(&p, &bytes).unwrap();
    let (o, _) = analyze(&[&p], &dir.path().join("out"));
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains(
            "huge.zip/s.csv: refused archive member: it declares more than 3221225472 bytes"
        ),
        "{e}"
    );
}

#[test]
fn skip_errors_lists_a_bomb_as_unknown_and_reads_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("bomb.zip"), bomb()).unwrap();
    std::fs::copy(case("34-utf8-bom.csv"), inputs.join("34.csv")).unwrap();
    let out = dir.path().join("out");
    let o = bin()
        .arg("analyze")
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .args(["-q", "--skip-errors"])
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
    let kinds: Vec<(&str, &str)> = doc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["path"].as_str().unwrap(), i["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("34.csv", "statement"), ("bomb.zip/zeros.csv", "unknown")]
    );
    assert_eq!(nets(&doc), map(&[("USDT", "10")]));
}
