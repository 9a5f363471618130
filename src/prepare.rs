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
use std::collections::BTreeMap;
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
        let ids = user_id_rows(&raw);
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
        .flat_map(|(_, ids)| ids.keys().cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let account = match (&opts.account, ids.as_slice()) {
        (Some(a), _) => a.clone(),
        (None, [one]) => one.clone(),
        (None, []) => input_name(opts.paths.first().map(PathBuf::as_path)),
        (None, many) if accounts == Accounts::Any => many.join(", "),
        (None, many) => {
            let seen: Vec<(&NormalizedFile, &UserIdRows)> =
                loaded.files.iter().map(|(f, ids)| (f, ids)).collect();
            return Err(Error::Usage(format!(
                "the inputs carry {} different user ids ({}): one run is one account. \
                 Analyze each account's exports separately, or pass --account NAME to treat them as one account",
                many.len(),
                where_ids_appear(opts, &seen)
            )));
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

/// Each user id of a file and the line it first appears on (`None` for a
/// file the fast reader took, which keeps its ids but not their lines).
type UserIdRows = BTreeMap<String, Option<u32>>;

/// The user ids in one file's `User_ID` column (the ids of
/// `ingest::file_user_ids`), each with its first line.
fn user_id_rows(raw: &ingest::RawFile) -> UserIdRows {
    ingest::file_user_id_rows(raw).into_iter().collect()
}

/// For a refusal of several user ids: each id with the first file (in input
/// order) and line it appears on, and how many other files carry it —
/// `` `111` in a/statement.csv line 2 and 1 other file; `222` in b.csv line 5 ``.
fn where_ids_appear(opts: &InputOptions, files: &[(&NormalizedFile, &UserIdRows)]) -> String {
    let mut first: BTreeMap<&str, (&str, Option<u32>, usize)> = BTreeMap::new();
    for (file, ids) in files {
        for (id, row) in ids.iter() {
            first
                .entry(id)
                .and_modify(|e| e.2 += 1)
                .or_insert((&file.summary.path, *row, 0));
        }
    }
    // Files the fast reader took are read again for the lines (only here,
    // on the way to an error).
    let mut again: BTreeMap<&str, BTreeMap<String, u32>> = BTreeMap::new();
    first
        .iter()
        .map(|(id, &(file, row, others))| {
            let row = row.or_else(|| {
                again
                    .entry(file)
                    .or_insert_with(|| id_rows_read_again(opts, file))
                    .get(*id)
                    .copied()
            });
            let mut s = format!("`{id}` in {file}");
            if let Some(r) = row {
                s += &format!(" line {r}");
            }
            match others {
                0 => {}
                1 => s += " and 1 other file",
                n => s += &format!(" and {n} other files"),
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The first line of each user id of the input named `display`, read again
/// by the general path; empty when it cannot be read again.
fn id_rows_read_again(opts: &InputOptions, display: &str) -> BTreeMap<String, u32> {
    let Some((bytes, archive)) = input_bytes(&opts.paths, display) else {
        return BTreeMap::new();
    };
    match ingest::read_general(display, archive.as_deref(), &bytes, &opts.sniff) {
        Ok(raw) => user_id_rows(&raw)
            .into_iter()
            .filter_map(|(id, row)| Some((id, row?)))
            .collect(),
        Err(_) => BTreeMap::new(),
    }
}

/// The bytes of the input file or archive member named `display` (as
/// `ingest::load` names it), and the archive's name for a member.
fn input_bytes(paths: &[PathBuf], display: &str) -> Option<(Vec<u8>, Option<String>)> {
    use ingest::archive::{read_entries, Entry, LIMITS};
    let (files, _) = ingest::collect_paths(paths).ok()?;
    for (path, name) in files {
        if name == display {
            return Some((std::fs::read(&path).ok()?, None));
        }
        let member = display
            .strip_prefix(name.as_str())
            .and_then(|m| m.strip_prefix('/'))
            .filter(|_| name.to_lowercase().ends_with(".zip"));
        let Some(member) = member else { continue };
        let reader = std::io::BufReader::new(std::fs::File::open(&path).ok()?);
        for entry in read_entries(&name, reader, &LIMITS, true).ok()? {
            if let Entry::Member {
                name: n,
                bytes: Ok(bytes),
            } = entry
            {
                if n == member {
                    return Some((bytes, Some(name)));
                }
            }
        }
    }
    None
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
