//! The fast reader against the general path: on every file it takes, the
//! rows, counts and warnings must be exactly the general path's; on files
//! it cannot read exactly it must give up.

use super::*;
use crate::ingest::read_general;
use crate::normalize::normalize_file;
use crate::normalize::time::TzSpec;
use crate::normalize::NormalizedFile;

/// Both readers on one file: `Some(general)` when the fast reader took it
/// (and agreed), `None` when it gave up. Panics when they disagree.
fn compare(
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

fn test_csvs() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [
        "samples/compromised",
        "tests/fixtures/cases",
        "tests/fixtures/formats",
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

#[test]
fn both_readers_agree_on_every_test_file() {
    let opts = SniffOptions::default();
    let mut taken = Vec::new();
    for path in test_csvs() {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for block in [64, 1 << 20] {
            if compare(&name, &bytes, &opts, block).is_some() && block == 64 {
                taken.push(name.clone());
            }
        }
    }
    // Statements and trade histories in plain form are read fast; the faults
    // of cases 09 (re-saved dates), 26 (preamble), 35 (semicolons) and
    // 36 (blank rows) are left to the general path.
    for want in [
        "Binance-Transaction-History-202503141611(UTC+0)_219020e6.csv",
        "Binance-Spot-Trade-History-202503141616(UTC+0)_4ebd9789.csv",
        "01-statement-time-header.csv",
        "02-statement-no-user-id.csv",
        "03-trade-history-asset-suffix.csv",
        "13-unknown-operations.csv",
        "20-old-trade-format-fee-in-received-asset.csv",
    ] {
        assert!(
            taken.iter().any(|t| t == want),
            "{want} not taken: {taken:?}"
        );
    }
    for not in [
        "09-excel-resaved-dates.csv",
        "35-semicolon-comma-decimal.csv",
        "36-trailing-empty-rows.csv",
    ] {
        assert!(!taken.iter().any(|t| t == not), "{not} taken");
    }
}

/// A statement with every variation the fast reader must reproduce exactly.
fn statement(rows: usize, crlf: bool) -> String {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut s = format!(
        "\"User_ID\",\"UTC_Time\",\"Account\",\"Operation\",\"Coin\",\"Change\",\"Remark\"{nl}"
    );
    let ops = [
        "Deposit",
        "Transaction Buy",
        "Fee",
        "Zzz New Operation",
        "Transaction Spend",
    ];
    let accounts = ["Spot", "SPOT", "Funding", "usdt-futures", ""];
    let coins = ["BTC", "usdt", "1INCH", "BNB"];
    for i in 0..rows {
        let t = 1_704_067_200 + (i as i64) * 37;
        let time = chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .format("%Y-%m-%d %H:%M:%S");
        let change = match i % 4 {
            0 => format!("{}.{:08}", i, i * 7 % 100_000_000),
            1 => format!("-0.{:08}", i % 99_999_999 + 1),
            2 => "-7E-08".to_string(),
            _ => format!("\"1,{:03}.5\"", i % 1000),
        };
        let user = if i % 500 == 499 { "99" } else { "71234567" };
        let remark = if i % 3 == 0 { "" } else { "  a remark  " };
        if i % 2 == 0 {
            s += &format!(
                "\"{user}\",\"{time}\",\"{}\",\"{}\",\"{}\",{change},\"{remark}\"{nl}",
                accounts[i % 5],
                ops[i % 5],
                coins[i % 4]
            );
        } else {
            s += &format!(
                "{user},{time},{},{},{},{change},{remark}{nl}",
                accounts[i % 5],
                ops[i % 5],
                coins[i % 4]
            );
        }
        if i % 97 == 0 {
            s += nl; // an empty line: no record
        }
    }
    s
}

#[test]
fn generated_statements_read_the_same_at_any_block_size() {
    let name = "Binance-Transaction-History-202401020000(UTC+0).csv";
    for crlf in [false, true] {
        let text = statement(3000, crlf);
        for block in [50, 4096, 1 << 20] {
            let got = compare(name, text.as_bytes(), &SniffOptions::default(), block)
                .unwrap_or_else(|| panic!("not taken (block {block}, crlf {crlf})"));
            assert_eq!(got.rows.ledger.len(), 3000);
            // The rows were dated after the export time in the name.
            assert!(got
                .summary
                .warnings
                .iter()
                .any(|w| w.code == "after-export"));
            assert!(got
                .summary
                .warnings
                .iter()
                .any(|w| w.code == "unclassified-operation"));
        }
    }
    // The last line without its line end.
    let text = statement(10, false);
    let got = compare(
        name,
        text.trim_end().as_bytes(),
        &SniffOptions::default(),
        64,
    )
    .unwrap();
    assert_eq!(got.rows.ledger.len(), 10);
}

#[test]
fn repeated_dst_hour_is_reported_as_the_general_path_does() {
    let mut text =
        String::from("ID de usuario,Tiempo,Cuenta,Operación,Moneda,Cambio,Observación\n");
    // 2024-10-27 02:30 happens twice in Madrid.
    for (i, t) in [
        "2024-10-27 01:30:00",
        "2024-10-27 02:30:00",
        "2024-10-27 02:45:10",
    ]
    .iter()
    .enumerate()
    {
        text += &format!("7,{t},Spot,Deposit,BTC,0.{i}1,\n");
    }
    let opts = SniffOptions {
        tz: Some(TzSpec::Named("Europe/Madrid".parse().unwrap())),
        direction: None,
    };
    let got = compare("statement.csv", text.as_bytes(), &opts, 40).expect("taken");
    let w: Vec<_> = got
        .summary
        .warnings
        .iter()
        .map(|w| w.code.as_str())
        .collect();
    assert!(w.contains(&"tz-ambiguous"), "{w:?}");
}

#[test]
fn trade_histories_read_the_same() {
    let mut v2 = String::from("Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n");
    let mut v1 = String::from("Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin\n");
    for i in 0..800 {
        let t = chrono::DateTime::from_timestamp(1_704_067_200 + i * 61, 0)
            .unwrap()
            .format("%Y-%m-%d %H:%M:%S");
        let (pair, base, quote, price) = match i % 3 {
            0 => ("BTCUSDT", "BTC", "USDT", "42000.5"),
            1 => ("1INCHUSDT", "1INCH", "USDT", "0.41"),
            _ => ("ETH/BTC", "ETH", "BTC", "0.05"),
        };
        let side = if i % 2 == 0 { "BUY" } else { "sell" };
        // Every tenth total is off by far more than rounding: amount-mismatch.
        let total = if i % 10 == 0 { "999" } else { "2.1" };
        v2 += &format!(
            "{t},{pair},{side},{price},{}.5{base},{total}{quote},0.001BNB\n",
            i % 7 + 1
        );
        v1 += &format!(
            "{t},{pair},{side},{price},{}.5,{total},0.01,{}\n",
            i % 7 + 1,
            if i % 4 == 0 { "bnb" } else { base }
        );
    }
    for (name, text) in [("trades-v2.csv", &v2), ("trades-v1.csv", &v1)] {
        for block in [100, 1 << 20] {
            let got = compare(name, text.as_bytes(), &SniffOptions::default(), block)
                .unwrap_or_else(|| panic!("{name} not taken"));
            assert_eq!(got.rows.fills.len(), 800);
            assert!(got
                .summary
                .warnings
                .iter()
                .any(|w| w.code == "amount-mismatch"));
        }
    }
}

#[test]
fn gives_up_where_only_the_general_path_reads_exactly() {
    let good = statement(400, false);
    let lines: Vec<&str> = good.lines().collect();
    let with = |i: usize, line: &str| {
        let mut l = lines.clone();
        l[i] = line;
        l.join("\n") + "\n"
    };
    let cases = [
        // an escaped quote, deep in the file (after several blocks)
        with(
            350,
            "71234567,2024-01-02 00:00:00,Spot,Deposit,BTC,1,\"say \"\"hi\"\"\"",
        ),
        // a short row (the general path refuses it, or skips it with --skip-errors)
        with(300, "71234567,2024-01-02 00:00:00,Spot,Deposit"),
        // a time without seconds
        with(200, "71234567,2024-01-02 00:00,Spot,Deposit,BTC,1,"),
        // an amount the general path rejects
        with(100, "71234567,2024-01-02 00:00:00,Spot,Deposit,BTC,1.2.3,"),
        // a blank row (ignored and counted by the general path)
        with(390, ",,,,,,"),
        // a time before Binance existed
        with(5, "71234567,2015-01-02 00:00:00,Spot,Deposit,BTC,1,"),
    ];
    for (i, text) in cases.iter().enumerate() {
        let r = stream_blocks(
            "s.csv",
            None,
            &SniffOptions::default(),
            text.as_bytes(),
            false,
            512,
        )
        .unwrap();
        assert!(r.is_none(), "case {i} was taken");
    }
}

#[test]
fn the_hash_is_of_every_byte_read_whatever_the_block_size() {
    let text = statement(700, true);
    let want = crate::ingest::sha256_hex(text.as_bytes());
    for block in [64, 333, 4096, 1 << 20] {
        let name = "Binance-Transaction-History-202401020000(UTC+0).csv";
        let raw = stream_blocks(
            name,
            None,
            &SniffOptions::default(),
            text.as_bytes(),
            true,
            block,
        )
        .unwrap()
        .expect("taken");
        assert_eq!(raw.sha256, want, "block {block}");
    }
}

#[test]
fn a_file_mapped_in_windows_reads_as_the_same_bytes_in_memory() {
    // Windows start at line ends that are not page-aligned, a window grows
    // when one line is longer than the block, and a long file crosses many
    // 64 KiB map boundaries: rows, counts and hash must be the memory's.
    let mut text = statement(3000, false);
    let long_remark = "r".repeat(5000);
    text.push_str(&format!(
        "71234567,2024-01-09 00:00:00,Spot,Deposit,BTC,1,{long_remark}\n"
    ));
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join("Binance-Transaction-History-202401100000(UTC+0).csv");
    std::fs::write(&path, &text).unwrap();
    let display = path.file_name().unwrap().to_str().unwrap();
    let want = crate::ingest::sha256_hex(text.as_bytes());
    let opts = SniffOptions::default();
    let in_memory = stream_blocks(display, None, &opts, text.as_bytes(), true, 1 << 20)
        .unwrap()
        .expect("taken");
    let in_memory = normalize_file(in_memory, "acct", false).unwrap();
    assert_eq!(in_memory.summary.rows_read, 3001);
    for block in [64, 777, 4096, 70_001, 1 << 20] {
        let file = std::fs::File::open(&path).unwrap();
        let src = Mapped {
            file,
            len: text.len(),
        };
        let raw = stream_blocks(display, None, &opts, &src, true, block)
            .unwrap()
            .expect("taken");
        assert_eq!(raw.sha256, want, "block {block}");
        let mapped = normalize_file(raw, "acct", false).unwrap();
        assert_eq!(mapped.summary, in_memory.summary, "block {block}");
        assert!(mapped.rows == in_memory.rows, "block {block}: rows differ");
    }
    // And through `read_path`, as `load` reads files.
    match read_path(&path, display, &opts).unwrap() {
        Outcome::Done(raw) => assert_eq!(raw.sha256, want),
        Outcome::Slow(..) => panic!("the fast reader gave up"),
    }
}
