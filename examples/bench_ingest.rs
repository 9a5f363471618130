//! Benchmark helper for `bench/ingest.sh` (not a test):
//!
//! - `bench_ingest gen DIR [TRADES] [STATEMENT]` writes a spot trade history
//!   (layout T1) and a transaction statement (S-v3) of the given row counts
//!   (default 1,000,000 and 2,000,000), deterministically.
//! - `bench_ingest raw FILE...` reads each file with polars' own CSV reader
//!   (types inferred) and keeps every frame, the baseline the analyzer's
//!   ingest is compared with, and prints rows and seconds. `raw-text` reads
//!   every column as text.
//! - `bench_ingest general FILE...` normalizes the files with the general
//!   path alone (no fast reader), as files it gives up on are read.
//!
//! Peak memory is measured from outside (`/usr/bin/time -v`).

use polars::prelude::*;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// xorshift64*: a small deterministic generator (no crate needed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const PAIRS: [(&str, &str, u64); 6] = [
    ("BTC", "USDT", 6_500_000),
    ("ETH", "USDT", 330_000),
    ("BNB", "USDT", 58_000),
    ("SOL", "USDT", 14_000),
    ("ADA", "USDT", 45),
    ("XRP", "USDT", 62),
];

/// `units` hundredths as a decimal with 8 places: 12345 → "123.45000000".
fn fixed8(units: u64, scale: u32) -> String {
    let p = 10u64.pow(scale);
    let frac = format!("{:0w$}", units % p, w = scale as usize);
    format!("{}.{}{}", units / p, frac, "0".repeat(8 - scale as usize))
}

fn time_text(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .expect("in range")
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn gen(dir: &Path, trades: usize, statement: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let start = 1_704_067_200i64; // 2024-01-01T00:00:00Z
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let f = std::fs::File::create(dir.join("Binance-Spot-Trade-History-202412310000(UTC+0).csv"))?;
    let mut w = BufWriter::new(f);
    writeln!(w, "Date(UTC),Pair,Side,Price,Executed,Amount,Fee")?;
    let mut t = start;
    for _ in 0..trades {
        t += 1 + rng.below(30) as i64;
        let (base, quote, cents) = PAIRS[rng.below(PAIRS.len() as u64) as usize];
        let price = cents * (95 + rng.below(11)) / 100; // hundredths
        let qty = 1 + rng.below(100_000); // 1e-4 units
        let amount = price * qty; // 1e-6 quote units
        let side = if rng.below(2) == 0 { "BUY" } else { "SELL" };
        writeln!(
            w,
            "{},{base}{quote},{side},{},{}{base},{}{quote},{}BNB",
            time_text(t),
            fixed8(price, 2),
            fixed8(qty, 4),
            fixed8(amount, 6),
            fixed8(qty / 10 + 1, 8),
        )?;
    }
    w.flush()?;
    let f = std::fs::File::create(dir.join("Binance-Transaction-History-202412310000(UTC+0).csv"))?;
    let mut w = BufWriter::new(f);
    writeln!(
        w,
        "\"User_ID\",\"UTC_Time\",\"Account\",\"Operation\",\"Coin\",\"Change\",\"Remark\""
    )?;
    let mut t = start;
    let mut i = 0;
    while i < statement {
        t += 1 + rng.below(15) as i64;
        let when = time_text(t);
        if rng.below(50) == 0 {
            let amt = 1 + rng.below(1_000_000_000);
            writeln!(
                w,
                "\"71234567\",\"{when}\",\"Spot\",\"Deposit\",\"USDT\",\"{}\",\"\"",
                fixed8(amt, 8)
            )?;
            i += 1;
            continue;
        }
        // One fill: buy leg, spend leg, fee leg (a few fills are two legs).
        let (base, quote, cents) = PAIRS[rng.below(PAIRS.len() as u64) as usize];
        let qty = 1 + rng.below(100_000);
        let spend = cents * qty;
        let legs = [
            ("Transaction Buy", base, fixed8(qty, 4)),
            ("Transaction Spend", quote, format!("-{}", fixed8(spend, 6))),
            (
                "Transaction Fee",
                "BNB",
                format!("-{}", fixed8(qty / 10 + 1, 8)),
            ),
        ];
        for (op, coin, change) in legs.iter().take(statement - i) {
            writeln!(
                w,
                "\"71234567\",\"{when}\",\"Spot\",\"{op}\",\"{coin}\",\"{change}\",\"\""
            )?;
            i += 1;
        }
    }
    w.flush()
}

/// Every file into a frame, all frames kept (as ingest keeps every file's rows).
fn raw(files: &[PathBuf], as_text: bool) -> PolarsResult<()> {
    let t0 = Instant::now();
    let mut frames = Vec::new();
    for p in files {
        let mut o = CsvReadOptions::default().with_has_header(true);
        if as_text {
            o = o.with_infer_schema_length(Some(0));
        }
        frames.push(
            o.try_into_reader_with_file_path(Some(p.clone()))?
                .finish()?,
        );
    }
    let rows: usize = frames.iter().map(|f| f.height()).sum();
    println!("rows {rows} seconds {:.3}", t0.elapsed().as_secs_f64());
    Ok(())
}

/// The general path alone (cell grid, then per-cell normalization): what a
/// file costs when the fast reader gives up on it (a spreadsheet re-save,
/// an XLSX, a layout it does not take).
fn general(files: &[PathBuf]) {
    use binance_forensics::ingest::{read_general, sniff::SniffOptions};
    use binance_forensics::normalize::normalize_file;
    let t0 = Instant::now();
    let opts = SniffOptions::default();
    let out = binance_forensics::parallel::map_ordered(files, |p| {
        let bytes = std::fs::read(p).expect("read");
        let name = p.file_name().expect("a file").to_string_lossy().to_string();
        let raw = read_general(&name, None, &bytes, &opts).expect("readable");
        drop(bytes);
        normalize_file(raw, "", false).expect("normalized")
    });
    let rows: u64 = out.iter().map(|f| f.summary.rows_normalized).sum();
    println!("rows {rows} seconds {:.3}", t0.elapsed().as_secs_f64());
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: bench_ingest gen DIR [TRADES] [STATEMENT] | raw FILE... | raw-text FILE... | general FILE...";
    let n = |i: usize, d: usize| args.get(i).map_or(d, |s| s.parse().expect("a row count"));
    match args.first().map(String::as_str) {
        Some("gen") => gen(Path::new(&args[1]), n(2, 1_000_000), n(3, 2_000_000)).expect("write"),
        Some(m @ ("raw" | "raw-text")) => {
            let files: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
            raw(&files, m == "raw-text").expect("polars read")
        }
        Some("general") => {
            let files: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
            general(&files)
        }
        _ => {
            eprintln!("{usage}");
            std::process::exit(2)
        }
    }
}
