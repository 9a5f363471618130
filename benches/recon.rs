//! Benchmark (issue 4): a generated transaction statement of 1,000,000 rows
//! (8-decimal amounts) with daily balances, timed stage by stage through the
//! library: ingest + normalize, book of record, bridge + balances facts.
//! Run with `bench/recon.sh` (release build). Also checks that the residual
//! is exactly zero, so a fast wrong answer cannot pass.
//!
//! `cargo bench --bench recon -- ROWS` changes the row count.

#[path = "../tests/support/statement_gen.rs"]
mod statement_gen;

use binance_forensics::assemble::assemble;
use binance_forensics::prepare::{prepare, Accounts, InputOptions};
use binance_forensics::reconcile::{balance_facts, bridge, read_balances};
use binance_forensics::Dec;
use statement_gen::{balances_csv, daily_snapshots, rows, statement_csv};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let days = 100;
    let dir = tempfile::tempdir().expect("temp dir");
    let gen = rows(n, days, 42);
    let st = dir.path().join("statement.csv");
    let bal = dir.path().join("balances.csv");
    std::fs::write(&st, statement_csv(&gen)).expect("write statement");
    std::fs::write(&bal, balances_csv(&daily_snapshots(&gen, days, 0))).expect("write balances");
    let size = std::fs::metadata(&st).map(|m| m.len()).unwrap_or(0);

    let t = Instant::now();
    let prep = prepare(
        &InputOptions {
            paths: vec![st.clone()],
            sniff: Default::default(),
            account: None,
            skip_errors: false,
        },
        Accounts::One,
    )
    .expect("prepare");
    let ingest = t.elapsed();

    let t = Instant::now();
    let asm = assemble(&prep.account, &prep.files);
    let book = t.elapsed();

    let t = Instant::now();
    let snaps = read_balances(&bal).expect("balances");
    let read_bal = t.elapsed();

    let t = Instant::now();
    let mut recon = bridge(&prep.account, &asm.book).expect("bridge");
    let bridged = t.elapsed();
    let facts = balance_facts(&prep.account, &asm.book, &mut recon, &snaps, &[]);
    let reconcile = t.elapsed();

    assert_eq!(asm.book.rows.len(), n, "every statement row in the book");
    assert!(recon.iter().all(|r| r.residual == Some(Dec::ZERO)));
    assert_eq!(facts.rows.len(), recon.len());
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!("rows                         {n}");
    println!("statement size               {:.1} MB", size as f64 / 1e6);
    println!("balance snapshots            {}", snaps.len());
    println!("ingest + normalize           {:>9.1} ms", ms(ingest));
    println!("book of record (assemble)    {:>9.1} ms", ms(book));
    println!("read --balances              {:>9.1} ms", ms(read_bal));
    println!("reconcile (bridge + facts)   {:>9.1} ms", ms(reconcile));
    println!("  of which the bridge        {:>9.1} ms", ms(bridged));
    println!(
        "reconcile / ingest           {:>9.1} %",
        100.0 * ms(reconcile) / ms(ingest)
    );
    println!("residual on all {} rows      0 (exact)", recon.len());
}
