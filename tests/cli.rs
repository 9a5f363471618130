//! End-to-end tests of the binary: malformed input gives one clear line and
//! exit 2; outputs are deterministic; the run needs no network.

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

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn analyze(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut c = bin();
    c.arg("analyze");
    for i in inputs {
        c.arg(i);
    }
    c.arg("--out").arg(out).arg("-q").args(extra);
    c.output().unwrap()
}

/// `parent/name/statement.csv`: a copy of case 01 (a statement with a time header).
fn statement_dir(parent: &Path, name: &str) -> PathBuf {
    let d = parent.join(name);
    std::fs::create_dir(&d).unwrap();
    std::fs::copy(
        case("01-statement-time-header.csv"),
        d.join("statement.csv"),
    )
    .unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn unparseable_amount_names_file_line_column_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "trades.csv",
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n\
         2021-05-09 19:20:01,VETUSDT,BUY,0.2,50VET,10USDT,0.1BNB\n\
         2021-05-09 19:20:02,VETUSDT,BUY,0.2,1.2.3VET,10USDT,0.1BNB\n",
    );
    let o = analyze(&[&f], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(
        e.contains("trades.csv line 3, column `Executed`, value `1.2.3VET`"),
        "{e}"
    );
    assert!(e.contains("--skip-errors"), "{e}");
    assert!(!dir.path().join("out/findings.json").exists());
}

#[test]
fn truncated_row_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "statement.csv",
        "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
         1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n\
         1,2024-01-02 00:00:00,Spot,Deposit\n",
    );
    let o = analyze(&[&f], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("statement.csv line 3"), "{e}");
    assert!(
        e.contains("the row has 4 fields where the header has 7"),
        "{e}"
    );
}

#[test]
fn wrong_header_is_refused_and_skip_errors_lists_it_as_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "notes.csv",
        "name,comment\nalice,hello\nbob,hi\n",
    );
    let good = case("34-utf8-bom.csv");
    let o = analyze(&[&bad, &good], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("notes.csv line 1"), "{}", stderr(&o));
    assert!(stderr(&o).contains("no known Binance export header"));

    let o = analyze(&[&bad, &good], &dir.path().join("out2"), &["--skip-errors"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out2/findings.json")).unwrap(),
    )
    .unwrap();
    let unknown = doc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "unknown")
        .expect("unknown input listed");
    // Three lines: a header-like first line and two data rows, all rejected.
    assert_eq!(unknown["rows_read"], 2);
    assert_eq!(unknown["rows_rejected"], 2);
    assert_eq!(unknown["rows_normalized"], 0);
}

#[test]
fn skip_errors_counts_and_lists_a_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "statement.csv",
        "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
         1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n\
         1,2024-01-02 00:00:00,Spot,Deposit,USDT,ten,\n",
    );
    let o = analyze(&[&f], &dir.path().join("out"), &["--skip-errors"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/findings.json")).unwrap(),
    )
    .unwrap();
    let inp = &doc["inputs"][0];
    assert_eq!(inp["rows_read"], 2);
    assert_eq!(inp["rows_normalized"], 1);
    assert_eq!(inp["rows_rejected"], 1);
    assert_eq!(inp["rejections"][0]["row"], 3);
    assert_eq!(inp["rejections"][0]["column"], "Change");
    let usdt: Vec<&serde_json::Value> = doc["reconciliation"].as_array().unwrap().iter().collect();
    assert_eq!(usdt[0]["net_change"], "10");
}

#[test]
fn deposit_file_without_direction_in_its_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "history.csv",
        "Date(UTC),Coin,Amount,TransactionFee,Address,TXID,SourceAddress,PaymentID,Status\n\
         2020-05-01 10:00:00,BTC,0.5,0,addr1,tx1,,,Completed\n",
    );
    let o = analyze(&[&f], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--direction"), "{}", stderr(&o));
    let o = analyze(&[&f], &dir.path().join("out2"), &["--direction", "deposit"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn binary_garbage_and_urls_are_refused_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("garbage.csv");
    std::fs::write(&p, [0u8, 1, 2, 255, 254, 0, 7]).unwrap();
    let o = analyze(&[&p], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("garbage.csv"), "{}", stderr(&o));
    let x = dir.path().join("fake.xlsx");
    std::fs::write(&x, b"not a zip at all").unwrap();
    let o = analyze(&[&x], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = bin()
        .args(["analyze", "https://example.invalid/export.csv", "--out"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("local paths only"));
}

#[test]
fn two_runs_give_byte_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    // The sample account: an incident, charts, evidence; plus an overlapping pair.
    let inputs = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/compromised"),
        case("17-overlap-exports-part1.csv"),
    ];
    let refs: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    // Two different user ids need --account to be analyzed as one.
    let acc = ["--account", "demo"];
    assert_eq!(analyze(&refs, &a, &acc).status.code(), Some(0));
    assert_eq!(analyze(&refs, &b, &acc).status.code(), Some(0));
    let mut names: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.iter().any(|n| n == "findings.json"), "{names:?}");
    for n in names {
        let x = std::fs::read(a.join(&n)).unwrap();
        let y = std::fs::read(b.join(&n)).unwrap();
        assert!(x == y, "{n:?} differs between runs");
    }
}

#[test]
fn analyze_runs_without_any_network() {
    // A fresh network namespace has no interfaces up: nothing can be reached.
    if !Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("unshare -n is not permitted here; run as root to exercise this test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new("unshare")
        .arg("-n")
        .arg(env!("CARGO_BIN_EXE_binance-forensics"))
        .arg("analyze")
        .arg(case("01-statement-time-header.csv"))
        .arg("--out")
        .arg(dir.path())
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("findings.json").exists());
}

#[test]
fn no_network_crate_among_the_product_dependencies() {
    let o = Command::new(env!("CARGO"))
        .args(["tree", "-e", "normal", "--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tree = String::from_utf8_lossy(&o.stdout);
    assert!(
        tree.contains("polars"),
        "cargo tree printed no dependency list"
    );
    let banned = [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "isahc",
        "surf",
        "attohttpc",
        "tungstenite",
        "h2",
        "rustls",
        "native-tls",
        "openssl",
    ];
    for line in tree.lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        assert!(
            !banned.contains(&name),
            "network crate in the product: {line}"
        );
    }
}

#[test]
fn two_user_ids_without_account_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/compromised");
    let other = case("17-overlap-exports-part1.csv");
    let o = analyze(&[&sample, &other], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("2 different user ids") && e.contains("--account"),
        "{e}"
    );
}

#[test]
fn two_user_ids_are_refused_naming_where_each_first_appears() {
    use std::io::Write;
    const HEAD: &str = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n";
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    // a.zip/part-0.csv: line 2 carries no id, `111` from line 3 on (a plain
    // statement: the fast reader takes it).
    let member = format!(
        "{HEAD},2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n\
         111,2024-01-02 00:00:00,Spot,Deposit,USDT,10,\n"
    );
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    z.start_file("part-0.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(member.as_bytes()).unwrap();
    std::fs::write(inputs.join("a.zip"), z.finish().unwrap().into_inner()).unwrap();
    // b.csv: `111` again.
    write(
        &inputs,
        "b.csv",
        &format!("{HEAD}111,2024-01-03 00:00:00,Spot,Deposit,USDT,1,\n"),
    );
    // c-stray.csv: `222` from line 3 (a doubled quote: the general path).
    write(
        &inputs,
        "c-stray.csv",
        &format!(
            "{HEAD},2024-01-04 00:00:00,Spot,Deposit,USDT,1,\"a \"\"b\"\"\"\n\
             222,2024-01-05 00:00:00,Spot,Deposit,USDT,1,\n"
        ),
    );
    let o = analyze(&[&inputs], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim_end(),
        "error: the inputs carry 2 different user ids (`111` in a.zip/part-0.csv line 3 and 1 \
         other file; `222` in c-stray.csv line 3): one run is one account. Analyze each \
         account's exports separately, or pass --account NAME to treat them as one account"
    );
}

#[test]
fn a_row_shifted_by_a_stray_delimiter_is_named_as_a_row_of_too_many_fields() {
    let dir = tempfile::tempdir().unwrap();
    let text = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
                7,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n\
                7,2024-01-02 00:00:00,Spot,Buy, Crypto,USDT,10,\n";
    let f = write(dir.path(), "statement.csv", text);
    let o = analyze(&[&f], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim_end(),
        format!(
            "error: {} line 3, value `7,2024-01-02 00:00:00,Spot,Buy, Crypto,USDT,10,`: the row \
             has 8 fields where the header has 7 and other rows 7 (a stray delimiter inside an \
             unquoted value, such as `0,5`, shifted the cells after it?). Hint: quote a value \
             that holds the delimiter, re-export or re-copy the file, or use --skip-errors to \
             skip such rows (they are counted and listed).",
            f.display()
        )
    );
}

#[test]
fn compare_names_both_directories_of_one_account_id() {
    let dir = tempfile::tempdir().unwrap();
    // Two folders holding the same statement (user id 10000001).
    let a = statement_dir(dir.path(), "alice");
    let b = statement_dir(dir.path(), "alice-copy");
    let o = bin()
        .arg("compare")
        .arg(&a)
        .arg(&b)
        .arg("-q")
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim_end(),
        format!(
            "error: account id `10000001` appears in two directories, `{}` and `{}`; each \
             directory must hold one account (move the stray exports, or remove the copy)",
            a.display(),
            b.display()
        )
    );
}

#[test]
fn fail_on_sets_exit_status_one_for_a_finding_at_or_above_the_level() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/compromised");
    let o = analyze(&[&sample], &dir.path().join("a"), &["--fail-on", "high"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let quiet = case("34-utf8-bom.csv");
    let o = analyze(&[&quiet], &dir.path().join("b"), &["--fail-on", "low"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn no_export_files_is_an_error_not_a_clean_report() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    write(&inputs, "notes.txt", "hello");
    let o = analyze(&[&inputs], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no export files"), "{}", stderr(&o));
}

#[test]
fn negative_amounts_in_a_trade_export_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "trades.csv",
        "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n\
         2021-05-09 19:20:01,BTCUSDT,BUY,40000,-0.01BTC,-400USDT,0.00001BTC\n",
    );
    let o = analyze(&[&f], &dir.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("negative value"), "{}", stderr(&o));
}

#[test]
fn negative_tz_offsets_hidden_files_and_own_reports_are_handled() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = statement_dir(dir.path(), "in");
    write(&inputs, "._statement.csv", "\u{0}\u{5}binary resource fork");
    // --tz with a negative offset parses (no `--tz=` needed).
    let out = inputs.join("report");
    let o = analyze(&[&inputs], &out, &["--tz", "-05:00"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap();
    // 2026-03-05 09:15:02 at UTC−5 is 14:15:02 UTC.
    assert_eq!(doc["inputs"][0]["first_time"], "2026-03-05T14:15:02.000Z");
    // A second run reads the same inputs, not its own report inside them.
    let o = analyze(&[&inputs], &out, &["--tz", "-05:00"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap();
    assert_eq!(again["inputs"].as_array().unwrap().len(), 1);
}

#[test]
fn a_report_written_into_the_input_directory_itself_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = statement_dir(dir.path(), "evidence");
    let o = analyze(&[&inputs], &inputs, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is the input directory"),
        "{}",
        stderr(&o)
    );
    // Nothing was written among the evidence.
    let names: Vec<_> = std::fs::read_dir(&inputs).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn contradicting_balances_and_rejected_rows_are_printed_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let st = write(
        dir.path(),
        "statement.csv",
        "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
         7,2025-01-02 10:00:00,Spot,Deposit,USDT,1000,\n\
         7,2025-01-03 10:00:00,Spot,Withdraw,USDT,-200,\n\
         7,2025-01-03 11:00:00,Spot,Deposit,USDT,abc,\n",
    );
    // Expected after 2025-01-03 10:00: 1000 − 200 = 800; line 3 says 800.3.
    let bal = write(
        dir.path(),
        "balances.csv",
        "asset,balance,wallet,time\n\
         USDT,0,Spot,2025-01-01\n\
         USDT,800.3,Spot,2025-01-03 23:00\n\
         USDT,800,Spot,\n",
    );
    let b = bal.to_string_lossy().to_string();
    // Not quiet: what the terminal shows is the point.
    let o = bin()
        .arg("analyze")
        .arg(&st)
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--balances", &b, "--skip-errors"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("balances: Spot USDT: balances file line 3: observed 800.3, expected 800, difference 0.3"),
        "{e}"
    );
    // The closing balance agrees: no line for line 4.
    assert!(!e.contains("line 4"), "{e}");
    assert!(e.contains("1 row(s) rejected"), "{e}");
    assert!(e.contains("row 4, column `Change`"), "{e}");
}

#[test]
fn every_command_takes_a_negative_tz_offset_as_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = statement_dir(dir.path(), "in");
    let run = |args: &[&str]| {
        let o = bin().args(args).arg(&inputs).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    // 2026-03-05 09:15:02 at UTC−5 is 14:15:02 UTC.
    let out = run(&["inspect", "--tz", "-05:00"]);
    assert!(out.contains("UTC-05:00"), "{out}");
    let tables = dir.path().join("tables");
    let t = tables.to_string_lossy().to_string();
    run(&[
        "normalize",
        "--tz",
        "-05:00",
        "--format",
        "csv",
        "-q",
        "--out",
        &t,
    ]);
    assert!(tables.exists());
}

#[test]
fn rules_prints_every_listed_section_alone_and_refuses_an_unknown_one() {
    let all = bin().arg("rules").output().unwrap();
    assert_eq!(all.status.code(), Some(0));
    let all = String::from_utf8_lossy(&all.stdout).to_string();
    // Every section `rules` lists (a line without indentation) prints alone.
    let ids: Vec<&str> = all
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(
        ids.contains(&"burst") && ids.contains(&"allowlists"),
        "{ids:?}"
    );
    for id in &ids {
        let o = bin().args(["rules", id]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "rules {id}: {}", stderr(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).starts_with(id),
            "rules {id}"
        );
    }
    let o = bin().args(["rules", "nope"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("allowlists"), "{}", stderr(&o));
}
