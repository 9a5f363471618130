//! The front half shared by `analyze`, `inspect` and `normalize`: read the
//! inputs, decide the account, normalize every file and merge duplicates
//! across files, so that every row read is accounted for the same way in
//! all three commands.

use crate::cli::DirectionArg;
use crate::error::Error;
use crate::ingest::sniff::SniffOptions;
use crate::ingest::{self, ArchiveInfo, Skipped};
use crate::model::{Direction, FileKind, InputSummary, Rejection};
use crate::normalize::{self, dedup::dedup, time::parse_tz_arg, NormalizedFile};
use std::path::{Path, PathBuf};

/// What to read and how.
#[derive(Debug, Clone)]
pub struct InputOptions {
    pub paths: Vec<PathBuf>,
    pub sniff: SniffOptions,
    /// `--account`.
    pub account: Option<String>,
    pub skip_errors: bool,
}

/// Whether inputs of several user ids are refused or labeled together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accounts {
    /// One run is one account: several user ids are refused.
    One,
    /// Diagnostics: several user ids are labeled together (`a, b`).
    Any,
}

/// The normalized inputs of one run.
pub struct Prepared {
    pub account: String,
    /// Normalized files, duplicates across files already removed and counted.
    pub files: Vec<NormalizedFile>,
    /// Files refused with `--skip-errors`.
    pub unknown: Vec<Skipped>,
    /// Files not read (not .csv/.xlsx/.zip, or archive entries that are not exports).
    pub ignored: Vec<Skipped>,
    pub archives: Vec<ArchiveInfo>,
}

/// `--tz` and `--direction` as sniff options.
pub fn sniff_options(
    tz: Option<&str>,
    direction: Option<DirectionArg>,
) -> Result<SniffOptions, Error> {
    let tz = match tz {
        Some(s) => Some(parse_tz_arg(s).map_err(Error::Usage)?),
        None => None,
    };
    let direction = direction.map(|d| match d {
        DirectionArg::Deposit => Direction::Deposit,
        DirectionArg::Withdrawal => Direction::Withdrawal,
    });
    Ok(SniffOptions { tz, direction })
}

/// Read, normalize and merge the inputs.
pub fn prepare(opts: &InputOptions, accounts: Accounts) -> Result<Prepared, Error> {
    // Each file is normalized as soon as it is read and its cell grid dropped:
    // peak memory is the normalized rows plus the grids being read.
    let each = |raw: ingest::RawFile| {
        let ids = ingest::file_user_ids(&raw);
        let file = normalize::normalize_file(raw, "", opts.skip_errors)?;
        Ok::<_, Error>((file, ids))
    };
    let loaded = ingest::load_with(&opts.paths, &opts.sniff, opts.skip_errors, &each)?;
    if loaded.files.is_empty() && loaded.unknown.is_empty() {
        let skipped: Vec<&str> = loaded.ignored.iter().map(|s| s.display.as_str()).collect();
        return Err(Error::Usage(format!(
            "no export files (.csv, .xlsx, .zip) found in the inputs{}",
            if skipped.is_empty() {
                String::new()
            } else {
                format!("; not read: {}", skipped.join(", "))
            }
        )));
    }
    let ids: Vec<String> = loaded
        .files
        .iter()
        .flat_map(|(_, ids)| ids.iter().cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let account = match (&opts.account, ids.as_slice()) {
        (Some(a), _) => a.clone(),
        (None, [one]) => one.clone(),
        (None, []) => input_name(opts.paths.first().map(PathBuf::as_path)),
        (None, many) if accounts == Accounts::Any => many.join(", "),
        (None, many) => {
            return Err(Error::Usage(format!(
                "the inputs carry {} different user ids ({}): one run is one account. \
                 Analyze each account's exports separately, or pass --account NAME to treat them as one account",
                many.len(),
                many.join(", ")
            )))
        }
    };
    let mut files: Vec<NormalizedFile> = Vec::with_capacity(loaded.files.len());
    for (mut file, _) in loaded.files {
        file.summary.account = account.clone();
        files.push(file);
    }
    dedup(&mut files);
    Ok(Prepared {
        account,
        files,
        unknown: loaded.unknown,
        ignored: loaded.ignored,
        archives: loaded.archives,
    })
}

impl Prepared {
    /// One summary per file read or refused, sorted by path.
    pub fn summaries(&self) -> Vec<InputSummary> {
        let mut inputs: Vec<InputSummary> = self.files.iter().map(|f| f.summary.clone()).collect();
        inputs.extend(
            self.unknown
                .iter()
                .map(|s| unknown_summary(s, &self.account)),
        );
        inputs.sort_by(|a, b| a.path.cmp(&b.path));
        inputs
    }
}

/// Name of an input for defaults: a directory's name, or a file's stem.
pub fn input_name(p: Option<&Path>) -> String {
    let Some(p) = p else {
        return "account".into();
    };
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
