//! `inspect`: what each input file is and how its rows were read — kind,
//! layout, time zone and where it came from, time range, row accounting,
//! warnings and rejected/ignored rows — as text blocks or JSON on stdout.
//! Reads exactly as `analyze` does (`prepare`), writes nothing.

use crate::cli::InspectArgs;
use crate::error::{exit, Error};
use crate::ingest::{ArchiveInfo, Skipped};
use crate::model::InputSummary;
use crate::prepare::{prepare, sniff_options, Accounts, InputOptions};
use crate::timefmt::rfc3339_ms;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// Rejected/ignored rows listed per file in the text form (all in JSON).
const TEXT_ROWS: usize = 20;

/// What `inspect` reports.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub account: String,
    pub files: Vec<InputSummary>,
    pub archives: Vec<ArchiveInfo>,
    pub not_read: Vec<Skipped>,
}

pub fn inspect(args: &InspectArgs) -> Result<Inspection, Error> {
    inspect_keeping_rows(args).map(|(ins, _rows)| ins)
}

/// [`inspect`], and the normalized rows it read.
fn inspect_keeping_rows(
    args: &InspectArgs,
) -> Result<(Inspection, Vec<crate::normalize::NormalizedFile>), Error> {
    let opts = InputOptions {
        paths: args.paths.clone(),
        sniff: sniff_options(args.read.tz.as_deref(), args.read.direction)?,
        account: args.account.clone(),
        skip_errors: args.read.skip_errors,
    };
    let prep = prepare(&opts, Accounts::Any)?;
    let mut archives = prep.archives.clone();
    archives.sort_by(|a, b| a.display.cmp(&b.display));
    let ins = Inspection {
        files: prep.summaries(),
        account: prep.account,
        archives,
        not_read: prep.ignored,
    };
    Ok((ins, prep.files))
}

pub fn run(args: &InspectArgs) -> Result<i32, Error> {
    let (ins, rows) = inspect_keeping_rows(args)?;
    // Only the summaries are reported: the rows (hundreds of MB for a big
    // export) are left to the operating system, which frees them at once
    // when the process exits, instead of being freed row by row here.
    std::mem::forget(rows);
    let out = if args.json {
        let mut s = serde_json::to_string_pretty(&to_json(&ins))
            .map_err(|e| Error::Internal(format!("inspect JSON: {e}")))?;
        s.push('\n');
        s
    } else {
        to_text(&ins)
    };
    print!("{out}");
    Ok(exit::OK)
}

fn time_text(t: Option<i64>) -> String {
    t.map(rfc3339_ms).unwrap_or_else(|| "-".into())
}

/// The readable form: one block per file, then archives and files not read.
pub fn to_text(ins: &Inspection) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "account: {} ({} file(s), {} archive(s), {} not read)",
        ins.account,
        ins.files.len(),
        ins.archives.len(),
        ins.not_read.len()
    );
    for f in &ins.files {
        let _ = writeln!(s, "\n== {}", f.path);
        let _ = writeln!(s, "kind:       {} (layout {})", f.kind.as_str(), f.layout);
        let _ = writeln!(s, "sha256:     {}", f.sha256);
        let _ = writeln!(s, "time zone:  {}", f.time_zone);
        let _ = writeln!(s, "first time: {}", time_text(f.first_time));
        let _ = writeln!(s, "last time:  {}", time_text(f.last_time));
        let _ = writeln!(
            s,
            "rows:       read {} = normalized {} + rejected {} + duplicate {} + ignored {}",
            f.rows_read, f.rows_normalized, f.rows_rejected, f.rows_duplicate, f.rows_ignored
        );
        let _ = writeln!(s, "warnings:   {}", f.warnings.len());
        for w in &f.warnings {
            let at = w.row.map(|r| format!(" line {r}")).unwrap_or_default();
            let _ = writeln!(s, "  - [{}]{at}: {}", w.code, w.message);
        }
        let _ = writeln!(s, "rejected or ignored rows: {}", f.rejections.len());
        for r in f.rejections.iter().take(TEXT_ROWS) {
            let col = r
                .column
                .as_ref()
                .map(|c| format!(", column `{c}`"))
                .unwrap_or_default();
            let _ = writeln!(s, "  - line {}{col}: {}", r.row, r.reason);
        }
        if f.rejections.len() > TEXT_ROWS {
            let _ = writeln!(
                s,
                "  … and {} more (all of them with --json)",
                f.rejections.len() - TEXT_ROWS
            );
        }
    }
    for a in &ins.archives {
        let _ = writeln!(s, "\n== archive {}", a.display);
        let _ = writeln!(s, "sha256:     {}", a.sha256);
        let _ = writeln!(s, "members:    {}", a.members.len());
        for m in &a.members {
            let _ = writeln!(s, "  - {m}");
        }
    }
    if !ins.not_read.is_empty() {
        let _ = writeln!(s, "\n== not read");
        for n in &ins.not_read {
            let _ = writeln!(s, "  - {}: {}", n.display, n.reason);
        }
    }
    s
}

/// The same facts as JSON (keys sorted, times RFC 3339 UTC).
pub fn to_json(ins: &Inspection) -> Value {
    let files: Vec<Value> = ins
        .files
        .iter()
        .map(|f| {
            json!({
                "path": f.path,
                "sha256": f.sha256,
                "kind": f.kind.as_str(),
                "layout": f.layout,
                "account": f.account,
                "time_zone": f.time_zone,
                "first_time": f.first_time.map(rfc3339_ms),
                "last_time": f.last_time.map(rfc3339_ms),
                "rows_read": f.rows_read,
                "rows_normalized": f.rows_normalized,
                "rows_rejected": f.rows_rejected,
                "rows_duplicate": f.rows_duplicate,
                "rows_ignored": f.rows_ignored,
                "warnings": f.warnings,
                "rejections": f.rejections,
            })
        })
        .collect();
    let archives: Vec<Value> = ins
        .archives
        .iter()
        .map(|a| json!({"path": a.display, "sha256": a.sha256, "members": a.members}))
        .collect();
    let not_read: Vec<Value> = ins
        .not_read
        .iter()
        .map(|n| json!({"path": n.display, "reason": n.reason}))
        .collect();
    json!({
        "account": ins.account,
        "files": files,
        "archives": archives,
        "not_read": not_read,
    })
}
