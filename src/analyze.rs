//! `analyze`: validated options → ingest → normalize → reconcile/detect →
//! report. Options are checked before any heavy work.

use crate::analysis::Analysis;
use crate::assemble::{activity, assemble};
use crate::cli::{AnalyzeArgs, DirectionArg, LevelArg};
use crate::detect::config::DetectConfig;
use crate::detect::finding::Severity;
use crate::error::{exit, Error};
use crate::ingest::sniff::SniffOptions;
use crate::ingest::{self, Skipped};
use crate::model::{Direction, FileKind, InputSummary, Rejection, TimeMs};
use crate::normalize::{self, dedup::dedup, time::parse_tz_arg, NormalizedFile};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Validated configuration of one analyze run.
pub struct AnalyzeConfig {
    pub paths: Vec<PathBuf>,
    pub out: PathBuf,
    pub account: Option<String>,
    pub sniff: SniffOptions,
    pub report_time: Option<TimeMs>,
    pub fail_on: Option<Severity>,
    pub detect: DetectConfig,
    pub skip_errors: bool,
    pub quiet: bool,
    /// Options echoed into the outputs (no output path).
    pub options: BTreeMap<String, String>,
}

impl AnalyzeConfig {
    pub fn from_args(a: &AnalyzeArgs) -> Result<AnalyzeConfig, Error> {
        let mut options = BTreeMap::new();
        let tz = match &a.tz {
            Some(s) => {
                options.insert("tz".into(), s.clone());
                Some(parse_tz_arg(s).map_err(Error::Usage)?)
            }
            None => None,
        };
        let direction = a.direction.map(|d| match d {
            DirectionArg::Deposit => Direction::Deposit,
            DirectionArg::Withdrawal => Direction::Withdrawal,
        });
        if let Some(d) = &direction {
            options.insert("direction".into(), format!("{d:?}").to_lowercase());
        }
        let report_time = match &a.report_time {
            Some(s) => {
                options.insert("report_time".into(), s.clone());
                let t = chrono::DateTime::parse_from_rfc3339(s).map_err(|e| {
                    Error::Usage(format!(
                        "--report-time `{s}` is not RFC 3339 (e.g. 2024-06-30T23:30:00Z): {e}"
                    ))
                })?;
                Some(t.timestamp_millis())
            }
            None => None,
        };
        let fail_on = a.fail_on.map(|l| match l {
            LevelArg::Info => Severity::Info,
            LevelArg::Low => Severity::Low,
            LevelArg::Medium => Severity::Medium,
            LevelArg::High => Severity::High,
        });
        if let Some(s) = fail_on {
            options.insert("fail_on".into(), s.as_str().into());
        }
        let detect = match &a.config {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| Error::Usage(format!("--config `{}`: {e}", p.display())))?;
                options.insert("config".into(), ingest::sha256_hex(text.as_bytes()));
                DetectConfig::from_toml_str(&text)
                    .map_err(|e| Error::Usage(format!("--config `{}`: {e}", p.display())))?
            }
            None => DetectConfig::default(),
        };
        if let Some(acc) = &a.account {
            options.insert("account".into(), acc.clone());
        }
        if a.skip_errors {
            options.insert("skip_errors".into(), "true".into());
        }
        let out = match &a.out {
            Some(o) => o.clone(),
            None => PathBuf::from("reports").join(input_name(&a.paths[0])),
        };
        Ok(AnalyzeConfig {
            paths: a.paths.clone(),
            out,
            account: a.account.clone(),
            sniff: SniffOptions { tz, direction },
            report_time,
            fail_on,
            detect,
            skip_errors: a.skip_errors,
            quiet: a.quiet,
            options,
        })
    }
}

/// Name of an input for defaults: a directory's name, or a file's stem.
fn input_name(p: &std::path::Path) -> String {
    let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let name = if p.is_dir() {
        p.file_name()
    } else {
        p.file_stem()
    };
    name.map(|n| n.to_string_lossy().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "account".into())
}

/// Run the analysis and return the result (nothing written).
pub fn analyze(cfg: &AnalyzeConfig) -> Result<Analysis, Error> {
    let loaded = ingest::load(&cfg.paths, &cfg.sniff, cfg.skip_errors)?;
    if loaded.files.is_empty() && loaded.unknown.is_empty() {
        let skipped: Vec<&str> = loaded.ignored.iter().map(|s| s.display.as_str()).collect();
        return Err(Error::Usage(format!(
            "no export files (.csv, .xlsx) found in the inputs{}",
            if skipped.is_empty() {
                String::new()
            } else {
                format!("; not read: {}", skipped.join(", "))
            }
        )));
    }
    let ids = ingest::user_ids(&loaded.files);
    let account = match (&cfg.account, ids.as_slice()) {
        (Some(a), _) => a.clone(),
        (None, [one]) => one.clone(),
        (None, []) => input_name(&cfg.paths[0]),
        (None, many) => {
            return Err(Error::Usage(format!(
                "the inputs carry {} different user ids ({}): one analyze run is one account. \
                 Analyze each account's exports separately, or pass --account NAME to treat them as one account",
                many.len(),
                many.join(", ")
            )))
        }
    };
    let mut files: Vec<NormalizedFile> = Vec::with_capacity(loaded.files.len());
    for raw in &loaded.files {
        files.push(normalize::normalize_file(raw, &account, cfg.skip_errors)?);
    }
    dedup(&mut files);
    let asm = assemble(&account, &files);
    let reconciliation = crate::reconcile::bridge(&account, &asm.book)?;
    let detection = crate::detect::run(&asm.account, &cfg.detect);
    let mut inputs: Vec<InputSummary> = files.into_iter().map(|f| f.summary).collect();
    inputs.extend(loaded.unknown.iter().map(|s| unknown_summary(s, &account)));
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    let first_time = inputs.iter().filter_map(|i| i.first_time).min();
    let last_time = inputs.iter().filter_map(|i| i.last_time).max();
    let mut book_note = asm.book.notes.join(". ");
    if !loaded.ignored.is_empty() {
        let names: Vec<&str> = loaded.ignored.iter().map(|s| s.display.as_str()).collect();
        book_note.push_str(&format!(
            ". Not read (not .csv/.xlsx): {}",
            names.join(", ")
        ));
    }
    Ok(Analysis {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        options: cfg.options.clone(),
        generated_at: cfg.report_time.or(last_time).unwrap_or(0),
        account,
        first_time,
        last_time,
        inputs,
        activity: activity(&asm.account),
        detection,
        reconciliation,
        book_note,
    })
}

/// An input refused with --skip-errors: every data line counted as rejected.
fn unknown_summary(s: &Skipped, account: &str) -> InputSummary {
    let rows = s.lines.saturating_sub(1);
    InputSummary {
        path: s.display.clone(),
        sha256: s.sha256.clone().unwrap_or_default(),
        kind: FileKind::Unknown,
        layout: "unknown".into(),
        account: account.to_string(),
        time_zone: "unknown".into(),
        first_time: None,
        last_time: None,
        rows_read: rows,
        rows_normalized: 0,
        rows_rejected: rows,
        rows_duplicate: 0,
        rows_ignored: 0,
        rejections: vec![Rejection {
            row: 1,
            column: None,
            reason: format!(
                "file not recognized, none of its {rows} data row(s) used: {}",
                s.reason
            ),
        }],
        warnings: Vec::new(),
    }
}

/// The `analyze` command: analyze, render, write; exit code per --fail-on.
pub fn run(args: &AnalyzeArgs) -> Result<i32, Error> {
    let cfg = AnalyzeConfig::from_args(args)?;
    let analysis = analyze(&cfg)?;
    let rendered = crate::report::render(&analysis).map_err(Error::Internal)?;
    crate::report::write(&cfg.out, &rendered).map_err(|e| {
        Error::Usage(format!(
            "cannot write the report to `{}`: {e}",
            cfg.out.display()
        ))
    })?;
    if !cfg.quiet {
        let d = &analysis.detection;
        eprintln!(
            "{}: verdict {}, {} incident(s), {} finding(s); report in {}",
            analysis.account,
            d.verdict.as_str(),
            d.incidents.len(),
            d.findings.len(),
            cfg.out.display()
        );
    }
    // An incident's severity (raised by co-occurring findings) counts too.
    let d = &analysis.detection;
    let worst = d
        .findings
        .iter()
        .map(|f| f.severity)
        .chain(d.incidents.iter().map(|i| i.severity))
        .max();
    Ok(match (cfg.fail_on, worst) {
        (Some(level), Some(w)) if w >= level => exit::FINDING,
        _ => exit::OK,
    })
}
