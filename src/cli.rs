//! Command line (clap derive). Names and exit codes are fixed by ARCHITECTURE.md.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "binance-forensics",
    version,
    about = "Offline forensic analysis of Binance account exports after an API-key leak",
    after_help = "Examples:\n  binance-forensics analyze samples/compromised --out reports/compromised\n  binance-forensics inspect samples/compromised\n  binance-forensics normalize samples/compromised --out tables --format parquet\n  binance-forensics samples --campaign --out campaign && binance-forensics compare --accounts-in campaign/accounts --out reports/campaign\n  binance-forensics verify reports/compromised\n  binance-forensics samples --out samples --seed 7\n  binance-forensics rules burst\n  binance-forensics evaluate --accounts 200 --seed 1\n\nExit codes: 0 success; 1 a finding at or above --fail-on; 2 usage or input error; 3 internal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyze one account's exports and write an evidence report.
    Analyze(AnalyzeArgs),
    /// Analyze many accounts (one directory each) and find the campaign behind them.
    Compare(CompareArgs),
    /// Show what each input file is and how its rows were read (nothing written).
    Inspect(InspectArgs),
    /// Write the canonical tables as Parquet or CSV for DuckDB, pandas or polars.
    Normalize(NormalizeArgs),
    /// Generate a realistic compromised account's exports (deterministic).
    Samples(SamplesArgs),
    /// Print the detectors, their default thresholds with rationale, and known false positives.
    Rules(RulesArgs),
    /// Measure the detectors on generated labeled accounts (recall, false positives, …).
    Evaluate(EvaluateArgs),
    /// Re-hash a report's inputs and outputs against its manifest.json (exit 0 unchanged, 1 changed, 2 error).
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// One detector id (e.g. `burst`) [default: all].
    pub id: Option<String>,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Number of generated accounts (20 % benign, 40 % tricky benign, 40 % attacked).
    #[arg(long, default_value_t = 200)]
    pub accounts: usize,
    /// Seed of the scenario generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Detector thresholds (TOML) overriding the defaults.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// List every account the detectors got wrong, and why.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Report directory written by `analyze` (holding manifest.json).
    pub report_dir: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Parquet,
    Csv,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Export files, .zip archives or directories (read recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Account id [default: the User_ID in the exports].
    #[arg(long)]
    pub account: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct NormalizeArgs {
    /// Export files, .zip archives or directories (read recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output directory: DIR/<table>/account=<id>/part-0.<format>.
    #[arg(long)]
    pub out: PathBuf,
    /// Table file format.
    #[arg(long, value_enum, default_value_t = TableFormat::Parquet)]
    pub format: TableFormat,
    /// Account id [default: the User_ID in the exports, else the first input's name].
    #[arg(long)]
    pub account: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// How the input files are read: the same options for every command that reads exports.
#[derive(Debug, Clone, Default, Args)]
pub struct ReadArgs {
    /// Time zone of files whose times carry no offset (IANA name or +HH:MM).
    #[arg(long, allow_hyphen_values = true)]
    pub tz: Option<String>,
    /// Direction of deposit/withdrawal files whose name does not say.
    #[arg(long, value_enum)]
    pub direction: Option<DirectionArg>,
    /// Continue past bad rows and unrecognized files, counting and listing them.
    #[arg(long)]
    pub skip_errors: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirectionArg {
    Deposit,
    Withdrawal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Info,
    Low,
    Medium,
    High,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Export files, .zip archives or directories (CSV, XLSX, ZIP; directories are read recursively).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output directory [default: reports/<name of the first input>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Account id [default: the User_ID in the exports, else the first input's name].
    #[arg(long)]
    pub account: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Report time (RFC 3339, not before the latest input event) [default: the latest event time in the inputs].
    #[arg(long)]
    pub report_time: Option<String>,
    /// Exit with status 1 when a finding reaches this severity.
    #[arg(long, value_enum)]
    pub fail_on: Option<LevelArg>,
    /// Detector thresholds (TOML) overriding the defaults.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Observed balances, CSV `asset,balance[,wallet][,time]`: openings, closings, residuals.
    #[arg(long)]
    pub balances: Option<PathBuf>,
    /// Prices (CSV `time,asset,price` in the reference asset) for the loss in USDT where the account's own fills do not price an asset.
    #[arg(long)]
    pub prices: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print more detail.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Account directories (one account each; read recursively).
    #[arg(required_unless_present = "accounts_in")]
    pub accounts: Vec<PathBuf>,
    /// Take every immediate subdirectory of DIR as one account.
    #[arg(long, value_name = "DIR")]
    pub accounts_in: Option<PathBuf>,
    /// A suspect account's directory: all its fills are joined against the others' by trade id (repeatable).
    #[arg(long, value_name = "DIR")]
    pub suspect: Vec<PathBuf>,
    /// Output directory [default: reports/compare].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Accounts analyzed in parallel [default: the number of CPUs, at most 8].
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Report time (RFC 3339) [default: the latest event time in the inputs].
    #[arg(long)]
    pub report_time: Option<String>,
    /// Exit with status 1 when a finding reaches this severity.
    #[arg(long, value_enum)]
    pub fail_on: Option<LevelArg>,
    /// Detector thresholds (TOML) overriding the defaults.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Prices (CSV `time,asset,price` in the reference asset) for each account's loss where its own fills do not price an asset.
    #[arg(long)]
    pub prices: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print more detail.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct SamplesArgs {
    /// Directory to write the sample account into (as OUT/<name>/).
    #[arg(long)]
    pub out: PathBuf,
    /// Seed of the generator.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Generate a campaign set instead: OUT/accounts/<id>/ per account and OUT/campaign.truth.json.
    #[arg(long)]
    pub campaign: bool,
    /// Accounts in the campaign set (with --campaign; at least the victims + 6).
    #[arg(long, default_value_t = 25, requires = "campaign")]
    pub accounts: usize,
    /// Victims among them (with --campaign; 2 to 8).
    #[arg(long, default_value_t = 6, requires = "campaign")]
    pub victims: usize,
    /// Extra ordinary trades per account, for benchmarks (with --campaign).
    #[arg(long, default_value_t = 0, requires = "campaign")]
    pub extra_trades: usize,
}
