//! What `manifest.json` records about one `analyze` run: the canonical
//! command line (output directory as `<out>`), the input files with their
//! SHA-256, and where the report time came from.

use crate::analysis::Analysis;
use crate::cli::{AnalyzeArgs, DirectionArg, LevelArg};
use crate::error::Error;
use crate::ingest::collect_paths;
use crate::report::manifest::{sha256_hex, HashedFile, RunInfo, OUT_PLACEHOLDER};
use std::path::PathBuf;

/// The command line that reproduces the outputs, in a fixed option order.
/// `-q`/`-v` are left out: they change only what is printed on stderr.
pub fn command_line(a: &AnalyzeArgs) -> Vec<String> {
    let mut c: Vec<String> = vec!["binance-forensics".into(), "analyze".into()];
    c.extend(a.paths.iter().map(|p| p.to_string_lossy().into_owned()));
    c.push("--out".into());
    c.push(OUT_PLACEHOLDER.into());
    let mut opt = |name: &str, v: Option<String>| {
        if let Some(v) = v {
            c.push(format!("--{name}"));
            c.push(v);
        }
    };
    opt("account", a.account.clone());
    opt("tz", a.read.tz.clone());
    opt("direction", a.read.direction.map(direction_name));
    opt("report-time", a.report_time.clone());
    opt("fail-on", a.fail_on.map(level_name));
    for (name, file) in [
        ("config", &a.config),
        ("balances", &a.balances),
        ("prices", &a.prices),
    ] {
        opt(
            name,
            file.as_ref().map(|p| p.to_string_lossy().into_owned()),
        );
    }
    if a.read.skip_errors {
        c.push("--skip-errors".into());
    }
    c
}

fn direction_name(d: DirectionArg) -> String {
    match d {
        DirectionArg::Deposit => "deposit",
        DirectionArg::Withdrawal => "withdrawal",
    }
    .into()
}

fn level_name(l: LevelArg) -> String {
    match l {
        LevelArg::Info => "info",
        LevelArg::Low => "low",
        LevelArg::Medium => "medium",
        LevelArg::High => "high",
    }
    .into()
}

/// Hash every file the input paths expand to (the same walk `analyze` reads).
pub fn hash_inputs(paths: &[PathBuf]) -> Result<Vec<HashedFile>, Error> {
    let (files, _skipped) = collect_paths(paths)?;
    let mut out = Vec::with_capacity(files.len());
    for (path, _display) in files {
        let bytes = std::fs::read(&path)
            .map_err(|e| Error::Usage(format!("cannot read input `{}`: {e}", path.display())))?;
        out.push(HashedFile {
            path: path.to_string_lossy().into_owned(),
            sha256: sha256_hex(&bytes),
            bytes: bytes.len() as u64,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup();
    Ok(out)
}

/// The manifest facts of one run.
pub fn run_info(args: &AnalyzeArgs, analysis: &Analysis) -> Result<RunInfo, Error> {
    let source = if args.report_time.is_some() {
        "--report-time"
    } else if analysis.last_time.is_some() {
        "the latest event time in the inputs"
    } else {
        "no dated row in the inputs: the epoch"
    };
    // The option files change the outputs too: hashed and verified with the exports.
    let mut read: Vec<PathBuf> = args.paths.clone();
    read.extend(
        [&args.config, &args.balances, &args.prices]
            .into_iter()
            .flatten()
            .cloned(),
    );
    Ok(RunInfo {
        tool_version: analysis.tool_version.clone(),
        command: command_line(args),
        input_args: read
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect(),
        inputs: hash_inputs(&read)?,
        report_time: analysis.generated_at,
        report_time_source: source.into(),
    })
}

/// The manifest facts of one `compare` run: the command line (worker count
/// left out: it changes nothing written), every account directory (suspects
/// included) and option file, hashed.
pub fn compare_run_info(
    args: &crate::cli::CompareArgs,
    dirs: &[PathBuf],
    generated_at: crate::model::TimeMs,
) -> Result<RunInfo, Error> {
    let mut c: Vec<String> = vec!["binance-forensics".into(), "compare".into()];
    c.extend(
        args.accounts
            .iter()
            .map(|p| p.to_string_lossy().into_owned()),
    );
    let mut opt = |name: &str, v: Option<String>| {
        if let Some(v) = v {
            c.push(format!("--{name}"));
            c.push(v);
        }
    };
    let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.to_string_lossy().into_owned());
    opt("accounts-in", path(&args.accounts_in));
    for s in &args.suspect {
        opt("suspect", Some(s.to_string_lossy().into_owned()));
    }
    opt("out", Some(OUT_PLACEHOLDER.into()));
    opt("tz", args.read.tz.clone());
    opt("direction", args.read.direction.map(direction_name));
    opt("report-time", args.report_time.clone());
    opt("fail-on", args.fail_on.map(level_name));
    opt("config", path(&args.config));
    opt("prices", path(&args.prices));
    if args.read.skip_errors {
        c.push("--skip-errors".into());
    }
    let mut read: Vec<PathBuf> = dirs.to_vec();
    read.extend([&args.config, &args.prices].into_iter().flatten().cloned());
    let source = if args.report_time.is_some() {
        "--report-time"
    } else {
        "the latest event time over all accounts"
    };
    Ok(RunInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        command: c,
        input_args: read
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect(),
        inputs: hash_inputs(&read)?,
        report_time: generated_at,
        report_time_source: source.into(),
    })
}
