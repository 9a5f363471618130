//! `analyze`: validated options → ingest → normalize → reconcile/detect →
//! report. Options are checked before any heavy work.

use crate::analysis::Analysis;
use crate::assemble::{activity, assemble};
use crate::cli::{AnalyzeArgs, LevelArg};
use crate::detect::config::DetectConfig;
use crate::detect::finding::Severity;
use crate::error::{exit, Error};
use crate::ingest::{self, sniff::SniffOptions};
use crate::model::TimeMs;
use crate::prepare::{input_name, prepare, sniff_options, Accounts, InputOptions};
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
    pub verbose: bool,
    /// `--balances`: observed balances, already read and checked.
    pub balances: Vec<crate::reconcile::Snapshot>,
    /// Options echoed into the outputs (no output path).
    pub options: BTreeMap<String, String>,
}

impl AnalyzeConfig {
    pub fn from_args(a: &AnalyzeArgs) -> Result<AnalyzeConfig, Error> {
        let mut options = BTreeMap::new();
        let sniff = sniff_options(a.read.tz.as_deref(), a.read.direction)?;
        if let Some(s) = &a.read.tz {
            options.insert("tz".into(), s.clone());
        }
        if let Some(d) = &sniff.direction {
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
        let mut detect = match &a.config {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| Error::Usage(format!("--config `{}`: {e}", p.display())))?;
                options.insert("config".into(), ingest::sha256_hex(text.as_bytes()));
                DetectConfig::from_toml_str(&text)
                    .map_err(|e| Error::Usage(format!("--config `{}`: {e}", p.display())))?
            }
            None => DetectConfig::default(),
        };
        if let Some(p) = &a.prices {
            let text = std::fs::read_to_string(p)
                .map_err(|e| Error::Usage(format!("--prices `{}`: {e}", p.display())))?;
            options.insert("prices".into(), ingest::sha256_hex(text.as_bytes()));
            detect.prices = crate::detect::prices::parse(&p.display().to_string(), &text)?;
        }
        if let Some(acc) = &a.account {
            options.insert("account".into(), acc.clone());
        }
        if a.read.skip_errors {
            options.insert("skip_errors".into(), "true".into());
        }
        let balances = match &a.balances {
            Some(p) => {
                let snaps = crate::reconcile::read_balances(p)?;
                let bytes = std::fs::read(p).unwrap_or_default();
                options.insert("balances".into(), ingest::sha256_hex(&bytes));
                snaps
            }
            None => Vec::new(),
        };
        let out = match &a.out {
            Some(o) => o.clone(),
            None => {
                PathBuf::from("reports").join(input_name(a.paths.first().map(PathBuf::as_path)))
            }
        };
        if out.as_os_str() != "-" {
            crate::out_dir::check_outside_inputs(&out, &a.paths)?;
        }
        Ok(AnalyzeConfig {
            paths: a.paths.clone(),
            out,
            account: a.account.clone(),
            sniff,
            report_time,
            fail_on,
            detect,
            skip_errors: a.read.skip_errors,
            quiet: a.quiet,
            verbose: a.verbose,
            balances,
            options,
        })
    }
}

/// Run the analysis and return the result (nothing written).
pub fn analyze(cfg: &AnalyzeConfig) -> Result<Analysis, Error> {
    analyze_with_account(cfg).map(|(a, _)| a)
}

/// Like [`analyze`], also handing back the account's typed rows (for
/// `compare`, which keeps only a small summary of them).
pub fn analyze_with_account(
    cfg: &AnalyzeConfig,
) -> Result<(Analysis, crate::model::Account), Error> {
    let prep = prepare(
        &InputOptions {
            paths: cfg.paths.clone(),
            sniff: cfg.sniff.clone(),
            account: cfg.account.clone(),
            skip_errors: cfg.skip_errors,
        },
        Accounts::One,
    )?;
    let account = prep.account.clone();
    let asm = assemble(&account, &prep.files);
    let mut reconciliation = crate::reconcile::bridge(&account, &asm.book)?;
    let detection = crate::detect::run(&asm.account, &cfg.detect);
    let balances = crate::reconcile::balance_facts(
        &account,
        &asm.book,
        &mut reconciliation,
        &cfg.balances,
        &detection.incidents,
    );
    let inputs = prep.summaries();
    let first_time = inputs.iter().filter_map(|i| i.first_time).min();
    let last_time = inputs.iter().filter_map(|i| i.last_time).max();
    check_report_time(cfg.report_time, last_time)?;
    let mut book_note = asm.book.notes.join(". ");
    if !prep.ignored.is_empty() {
        let names: Vec<&str> = prep.ignored.iter().map(|s| s.display.as_str()).collect();
        book_note.push_str(&format!(
            ". Not read (not .csv/.xlsx/.zip, or not an export): {}",
            names.join(", ")
        ));
    }
    let analysis = Analysis {
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
        balances,
    };
    Ok((analysis, asm.account))
}

/// A report time before the latest event in the inputs would date the
/// report before the evidence it shows: refused (exit 2).
fn check_report_time(report_time: Option<TimeMs>, last: Option<TimeMs>) -> Result<(), Error> {
    match (report_time, last) {
        (Some(t), Some(l)) if t < l => Err(Error::Usage(format!(
            "--report-time {} is before the latest event in the inputs ({}): \
             give a time at or after it, or omit --report-time to use it",
            crate::timefmt::rfc3339_ms(t),
            crate::timefmt::rfc3339_ms(l)
        ))),
        _ => Ok(()),
    }
}

/// The `analyze` command: analyze, render, write; exit code per --fail-on.
pub fn run(args: &AnalyzeArgs) -> Result<i32, Error> {
    let cfg = AnalyzeConfig::from_args(args)?;
    let analysis = analyze(&cfg)?;
    let mut rendered = crate::report::render(&analysis).map_err(Error::Internal)?;
    let info = crate::manifest_run::run_info(args, &analysis)?;
    let manifest =
        crate::report::manifest::manifest_json(&info, &rendered.files).map_err(Error::Internal)?;
    rendered
        .files
        .push((crate::report::manifest::NAME.to_string(), manifest));
    rendered.files.sort_by(|x, y| x.0.cmp(&y.0));
    crate::report::write(&cfg.out, &rendered).map_err(|e| {
        Error::Usage(format!(
            "cannot write the report to `{}`: {e}",
            cfg.out.display()
        ))
    })?;
    if !cfg.quiet {
        for line in crate::console::input_notes(&analysis.inputs, cfg.verbose) {
            eprintln!("{line}");
        }
        for line in crate::console::balance_notes(&analysis) {
            eprintln!("balances: {line}");
        }
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
