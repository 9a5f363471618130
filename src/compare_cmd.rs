//! `compare`: analyze many accounts (one directory each), keep a small
//! summary of each, run the cross-account detectors, write one joint report.
//!
//! Accounts stream through `--jobs` worker threads: each worker analyzes
//! one account at a time and hands back only its [`AccountSummary`], so the
//! memory in use is about `jobs` × the largest account's analysis plus the
//! summaries, not the sum of the accounts.

use crate::analyze::{analyze_with_account, AnalyzeConfig};
use crate::cli::{AnalyzeArgs, CompareArgs};
use crate::compare::{self, AccountSummary, CompareResult};
use crate::error::{exit, Error};
use crate::report::campaign::CompareReport;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

/// One account to analyze: its directory, the name shown, whether suspect.
#[derive(Clone, Debug)]
pub struct AccountInput {
    pub dir: PathBuf,
    pub name: String,
    pub suspect: bool,
}

/// The account directories: positional ones, `--accounts-in` children
/// (sorted by name), then `--suspect` ones.
pub fn account_inputs(args: &CompareArgs) -> Result<Vec<AccountInput>, Error> {
    let mut dirs: Vec<(PathBuf, bool)> = args.accounts.iter().map(|p| (p.clone(), false)).collect();
    if let Some(root) = &args.accounts_in {
        let rd = std::fs::read_dir(root)
            .map_err(|e| Error::Usage(format!("--accounts-in `{}`: {e}", root.display())))?;
        let mut children: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        children.sort();
        if children.is_empty() {
            return Err(Error::Usage(format!(
                "--accounts-in `{}` has no subdirectories; put each account's exports in its own folder",
                root.display()
            )));
        }
        dirs.extend(children.into_iter().map(|p| (p, false)));
    }
    dirs.extend(args.suspect.iter().map(|p| (p.clone(), true)));
    let mut out: Vec<AccountInput> = Vec::new();
    for (dir, suspect) in dirs {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "`{}` is not a directory; compare takes one directory per account",
                dir.display()
            )));
        }
        let name = crate::prepare::input_name(Some(&dir));
        if out.iter().any(|o| o.name == name) {
            return Err(Error::Usage(format!(
                "two account directories are named `{name}`; give each account a distinct folder name"
            )));
        }
        out.push(AccountInput { dir, name, suspect });
    }
    if out.len() < 2 {
        return Err(Error::Usage(
            "compare needs at least two account directories".into(),
        ));
    }
    Ok(out)
}

fn analyze_args(args: &CompareArgs, dir: &Path) -> AnalyzeArgs {
    AnalyzeArgs {
        paths: vec![dir.to_path_buf()],
        out: Some(PathBuf::from("-")),
        account: None,
        read: args.read.clone(),
        report_time: args.report_time.clone(),
        fail_on: args.fail_on,
        config: args.config.clone(),
        balances: None,
        prices: args.prices.clone(),
        quiet: true,
        verbose: false,
    }
}

/// Analyze every account with `jobs` threads; summaries in input order.
pub fn summarize(
    args: &CompareArgs,
    inputs: &[AccountInput],
    jobs: usize,
    progress: &indicatif::ProgressBar,
) -> Result<Vec<AccountSummary>, Error> {
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel::<(usize, Result<AccountSummary, Error>)>();
    let mut slots: Vec<Option<AccountSummary>> = vec![None; inputs.len()];
    let mut first_err: Option<(usize, Error)> = None;
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, inputs.len().max(1)) {
            let (tx, next) = (tx.clone(), Arc::clone(&next));
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(inp) = inputs.get(i) else { break };
                // One account per worker, its files read one after another.
                let r = crate::parallel::serial(|| {
                    AnalyzeConfig::from_args(&analyze_args(args, &inp.dir))
                        .and_then(|cfg| analyze_with_account(&cfg))
                        .map(|(a, acc)| AccountSummary::new(&a, &acc, &inp.name, inp.suspect))
                });
                let failed = r.is_err();
                if tx.send((i, r)).is_err() || failed {
                    // Stop handing out work after an error.
                    next.store(usize::MAX / 2, Ordering::SeqCst);
                    break;
                }
            });
        }
        drop(tx);
        for (i, r) in rx {
            progress.inc(1);
            match r {
                Ok(sum) => slots[i] = Some(sum),
                Err(e) => {
                    if first_err.as_ref().is_none_or(|(j, _)| i < *j) {
                        first_err = Some((i, e));
                    }
                }
            }
        }
    });
    if let Some((i, e)) = first_err {
        return Err(match e {
            Error::Usage(m) => Error::Usage(format!("account `{}`: {m}", inputs[i].name)),
            // Name the file with its account directory (`acct-004/garbage.csv`).
            Error::Input(mut e) => {
                e.file = format!("{}/{}", inputs[i].name, e.file);
                Error::Input(e)
            }
            other => other,
        });
    }
    // The directory each account id was first found in.
    let mut seen: std::collections::BTreeMap<String, &Path> = std::collections::BTreeMap::new();
    for (s, inp) in slots.iter().zip(inputs) {
        let Some(s) = s else { continue };
        if let Some(first) = seen.insert(s.account.clone(), &inp.dir) {
            return Err(Error::Usage(format!(
                "account id `{}` appears in two directories, `{}` and `{}`; each directory must \
                 hold one account (move the stray exports, or remove the copy)",
                s.account,
                first.display(),
                inp.dir.display()
            )));
        }
    }
    let mut out: Vec<AccountSummary> = slots.into_iter().flatten().collect();
    out.sort_by(|a, b| a.account.cmp(&b.account));
    Ok(out)
}

fn progress_bar(n: usize, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new(n as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} analyzing accounts {pos}/{len} [{bar:30}] {elapsed} (eta {eta})",
    ) {
        pb.set_style(style.progress_chars("=> "));
    }
    pb
}

/// The `compare` command: analyze, join, render, write; exit code per --fail-on.
pub fn run(args: &CompareArgs) -> Result<i32, Error> {
    let inputs = account_inputs(args)?;
    // Validate the shared options once before any heavy work.
    let cfg = AnalyzeConfig::from_args(&analyze_args(args, &inputs[0].dir))?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)));
    if jobs == 0 {
        return Err(Error::Usage("--jobs must be at least 1".into()));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join("compare"));
    let dirs: Vec<PathBuf> = inputs.iter().map(|i| i.dir.clone()).collect();
    crate::out_dir::check_outside_inputs(&out, &dirs)?;
    if let Some(all) = &args.accounts_in {
        crate::out_dir::check_outside_inputs(&out, std::slice::from_ref(all))?;
    }
    let pb = progress_bar(inputs.len(), args.quiet);
    let summaries = summarize(args, &inputs, jobs, &pb)?;
    pb.finish_and_clear();
    let result = compare::run(summaries);
    let generated_at = cfg.report_time.unwrap_or_else(|| {
        result
            .accounts
            .iter()
            .filter_map(|a| a.last_time)
            .max()
            .unwrap_or(0)
    });
    let mut options = cfg.options.clone();
    options.remove("account");
    let report = CompareReport {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        options,
        generated_at,
        result: &result,
    };
    let mut rendered = crate::report::campaign::render(&report).map_err(Error::Internal)?;
    let info = crate::manifest_run::compare_run_info(args, &dirs, generated_at)?;
    let manifest =
        crate::report::manifest::manifest_json(&info, &rendered.files).map_err(Error::Internal)?;
    rendered
        .files
        .push((crate::report::manifest::NAME.to_string(), manifest));
    rendered.files.sort_by(|x, y| x.0.cmp(&y.0));
    crate::report::write(&out, &rendered).map_err(|e| {
        Error::Usage(format!(
            "cannot write the report to `{}`: {e}",
            out.display()
        ))
    })?;
    if !args.quiet {
        print_summary(&result, &out);
    }
    let worst = result.findings.iter().map(|f| f.severity).max();
    Ok(match (cfg.fail_on, worst) {
        (Some(level), Some(w)) if w >= level => exit::FINDING,
        _ => exit::OK,
    })
}

fn print_summary(r: &CompareResult, out: &Path) {
    let flagged = r
        .accounts
        .iter()
        .filter(|a| a.verdict != crate::detect::finding::Verdict::Clean)
        .count();
    eprintln!(
        "{} accounts ({flagged} flagged), {} cross-account finding(s), {} campaign(s); report in {}",
        r.accounts.len(),
        r.findings.len(),
        r.campaigns.len(),
        out.display()
    );
    for c in &r.campaigns {
        let ids: Vec<&str> = c.members.iter().map(|m| m.account.as_str()).collect();
        eprintln!(
            "  {}: {} ({} accounts: {})",
            c.finding.id,
            c.symbol,
            ids.len(),
            ids.join(", ")
        );
    }
}
