//! binance-forensics: offline forensic analysis of Binance account exports.
//!
//! Pipeline: `ingest` (sniff kind + layout, raw string cells with row origin)
//! → `normalize` (canonical rows, every row accounted for) → `reconcile`
//! (exact bridge, polars group-by) and `detect` (findings, incidents) →
//! `report` (bytes) → files written in one place.

pub mod analysis;
pub mod analyze;
pub mod assemble;
pub mod cli;
pub mod compare;
pub mod compare_cmd;
pub mod console;
pub mod decimal;
pub mod detect;
pub mod error;
pub mod evaluate;
pub mod evaluate_cmd;
pub mod ingest;
pub mod inspect_cmd;
pub mod manifest_run;
pub mod model;
pub mod normalize;
pub mod normalize_cmd;
pub mod out_dir;
pub mod parallel;
pub mod prepare;
pub mod reconcile;
pub mod report;
pub mod rules_cmd;
pub mod samples;
pub mod samples_cmd;
pub mod sym;
pub mod timefmt;
pub mod verify_cmd;

pub use analysis::Analysis;
pub use decimal::Dec;
pub use error::Error;

/// Run a parsed command line; returns the exit code.
pub fn run(cli: cli::Cli) -> Result<i32, Error> {
    match cli.command {
        cli::Command::Analyze(a) => analyze::run(&a),
        cli::Command::Compare(a) => compare_cmd::run(&a),
        cli::Command::Inspect(a) => inspect_cmd::run(&a),
        cli::Command::Normalize(a) => normalize_cmd::run(&a),
        cli::Command::Samples(s) => samples_cmd::run(&s),
        cli::Command::Rules(a) => rules_cmd::run(&a),
        cli::Command::Evaluate(a) => evaluate_cmd::run(&a),
        cli::Command::Verify(v) => verify_cmd::run(&v),
    }
}
