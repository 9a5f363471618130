//! Input files → raw cell grids with their kind, layout and time zone.
//! Directories are walked recursively in sorted order; only `.csv`, `.xlsx`
//! and `.zip` files are read (others are listed as skipped). The `.csv` and
//! `.xlsx` members of a `.zip` are read in memory as `archive.zip/member.csv`.

pub mod aliases;
pub mod archive;
pub mod csv;
mod user_ids;
pub use user_ids::{file_user_id_rows, file_user_ids, user_ids};
pub mod grid;
pub mod layouts;
pub mod layouts_deriv;
pub mod layouts_fiat;
pub mod resolve;
pub mod shape;
pub mod sniff;
pub mod xlsx;

use crate::error::Error;
use grid::Grid;
use sha2::{Digest, Sha256};
use sniff::{SniffOptions, Sniffed};
use std::path::{Path, PathBuf};

/// One recognized input file.
#[derive(Debug, Clone)]
pub struct RawFile {
    /// Path as given on the command line, or relative to the input directory.
    pub display: String,
    pub sha256: String,
    /// The cells (for a file the fast reader took: the header only).
    pub grid: Grid,
    pub sniffed: Sniffed,
    /// The rows, when the fast reader normalized the file as it read it.
    pub pre: Option<Box<crate::normalize::fast::Parsed>>,
}

/// A file that could not be used (with `--skip-errors`), or was not an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub display: String,
    pub sha256: Option<String>,
    /// Data lines in the file (all counted as rejected), 0 when not read.
    pub lines: u64,
    pub reason: String,
}

/// A `.zip` input: its hash and the members read from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveInfo {
    pub display: String,
    pub sha256: String,
    /// Display names of the members read (`archive.zip/member.csv`).
    pub members: Vec<String>,
}

/// Everything read from the inputs; `T` is what each recognized file became
/// (the raw file itself, or what `load_with`'s function made of it).
#[derive(Debug)]
pub struct Loaded<T = RawFile> {
    pub files: Vec<T>,
    /// Files refused with `--skip-errors` (kind `unknown`).
    pub unknown: Vec<Skipped>,
    /// Files in input directories or archives that are not .csv/.xlsx (not read).
    pub ignored: Vec<Skipped>,
    /// The `.zip` inputs, in input order.
    pub archives: Vec<ArchiveInfo>,
}

impl<T> Default for Loaded<T> {
    fn default() -> Self {
        Loaded {
            files: Vec::new(),
            unknown: Vec::new(),
            ignored: Vec::new(),
            archives: Vec::new(),
        }
    }
}

/// What is done with each recognized file as soon as it is read.
pub type EachFile<'a, T> = &'a (dyn Fn(RawFile) -> Result<T, Error> + Sync);

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Expand inputs into (path, display name), sorted within each directory.
/// Input files as (path, display name).
pub type InputPaths = Vec<(PathBuf, String)>;

pub fn collect_paths(inputs: &[PathBuf]) -> Result<(InputPaths, Vec<Skipped>), Error> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for input in inputs {
        let s = input.to_string_lossy();
        if s.contains("://") {
            return Err(Error::Usage(format!(
                "`{s}` is a URL: inputs are local paths only (this tool never uses the network)"
            )));
        }
        if input.is_dir() {
            let mut found = Vec::new();
            let mut skipped_here = Vec::new();
            walk(input, input, &mut found, &mut skipped_here)?;
            found.sort();
            // With several inputs, names carry their input directory so that
            // `a/statement.csv` and `b/statement.csv` stay apart.
            let prefix = |rel: String| match inputs.len() {
                1 => rel,
                _ => format!("{}/{rel}", s.trim_end_matches(['/', '\\'])),
            };
            out.extend(found.into_iter().map(|(rel, p)| (p, prefix(rel))));
            skipped.extend(skipped_here.into_iter().map(|mut k| {
                k.display = prefix(k.display);
                k
            }));
        } else if input.is_file() {
            out.push((input.clone(), s.to_string()));
        } else {
            return Err(Error::Usage(format!("`{s}`: no such file or directory")));
        }
    }
    skipped.sort_by(|a: &Skipped, b| a.display.cmp(&b.display));
    Ok((out, skipped))
}

fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, PathBuf)>,
    skipped: &mut Vec<Skipped>,
) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::Usage(format!("cannot read directory `{}`: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let rel = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect::<Vec<_>>()
            .join("/");
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let skip = |reason: &str| Skipped {
            display: rel.clone(),
            sha256: None,
            lines: 0,
            reason: reason.to_string(),
        };
        if name.starts_with('.') {
            skipped.push(skip("hidden file (e.g. macOS `._` metadata), not read"));
            continue;
        }
        let is_link = std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink());
        if p.is_dir() {
            if is_link {
                skipped.push(skip("symbolic link to a directory, not followed"));
            } else if p.join("findings.json").exists() {
                skipped.push(skip("a binance-forensics report directory, not read"));
            } else if name.starts_with("account=") {
                // `normalize` writes DIR/<table>/account=<id>/part-0.*: its
                // canonical tables are not Binance exports.
                skipped.push(skip(
                    "a partition of `binance-forensics normalize` output (canonical tables), not read",
                ));
            } else {
                walk(root, &p, out, skipped)?;
            }
            continue;
        }
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if ext == "csv" || ext == "xlsx" || ext == "zip" {
            out.push((rel, p));
        } else {
            skipped.push(Skipped {
                display: rel,
                sha256: None,
                lines: 0,
                reason: format!("not a .csv, .xlsx or .zip file (.{ext})"),
            });
        }
    }
    Ok(())
}

/// Read and sniff every input. Without `skip_errors` the first bad file
/// stops the run; with it, the file is listed as unknown.
pub fn load(inputs: &[PathBuf], opts: &SniffOptions, skip_errors: bool) -> Result<Loaded, Error> {
    load_with(inputs, opts, skip_errors, &Ok)
}

/// `load`, handing each recognized file to `each` as soon as it is read, so
/// that its cell grid can be dropped before the next file is read. Files are
/// read on up to one worker per core; results, and the first error in input
/// order, are the same as reading them one after another.
pub fn load_with<T: Send>(
    inputs: &[PathBuf],
    opts: &SniffOptions,
    skip_errors: bool,
    each: EachFile<'_, T>,
) -> Result<Loaded<T>, Error> {
    let (paths, ignored) = collect_paths(inputs)?;
    let parts = crate::parallel::map_ordered(&paths, |(path, display)| {
        let mut part = Loaded::default();
        if is_zip_name(display) {
            load_archive(path, display, opts, skip_errors, each, &mut part)?;
        } else {
            use crate::normalize::fast::{read_path, Outcome};
            let (bytes, sha) = match read_path(path, display, opts) {
                Ok(Outcome::Done(raw)) => {
                    part.files.push(each(*raw)?);
                    return Ok(part);
                }
                Ok(Outcome::Slow(bytes, sha)) => (bytes, sha),
                Err(e) => return Err(read_error(display, &e)),
            };
            add_file(
                display.clone(),
                None,
                bytes,
                sha,
                opts,
                skip_errors,
                each,
                &mut part,
            )?;
        }
        Ok::<_, Error>(part)
    });
    let mut loaded = Loaded {
        ignored,
        ..Loaded::default()
    };
    for part in parts {
        let part = part?;
        loaded.files.extend(part.files);
        loaded.unknown.extend(part.unknown);
        loaded.ignored.extend(part.ignored);
        loaded.archives.extend(part.archives);
    }
    loaded.ignored.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(loaded)
}

fn is_zip_name(display: &str) -> bool {
    display.to_lowercase().ends_with(".zip")
}

fn read_error(display: &str, e: &std::io::Error) -> Error {
    Error::input(
        display,
        None,
        None,
        "",
        &format!("cannot read the file: {e}"),
        "check the path and permissions",
    )
}

/// Read one file's bytes into `loaded` (or its refusal, with `skip_errors`).
#[allow(clippy::too_many_arguments)]
fn add_file<T>(
    display: String,
    archive: Option<&ArchiveInfo>,
    bytes: Vec<u8>,
    sha: String,
    opts: &SniffOptions,
    skip_errors: bool,
    each: EachFile<'_, T>,
    loaded: &mut Loaded<T>,
) -> Result<(), Error> {
    match read_one(&display, archive.map(|a| a.display.as_str()), &bytes, opts) {
        Ok((grid, mut sniffed)) => {
            drop(bytes);
            if let Some(a) = archive {
                sniffed.warnings.push(archive_member_warning(a));
            }
            loaded.files.push(each(RawFile {
                display,
                sha256: sha,
                grid,
                sniffed,
                pre: None,
            })?);
        }
        Err(e) if skip_errors && matches!(e, Error::Input(_)) => loaded.unknown.push(Skipped {
            lines: bytes
                .split(|&b| b == b'\n')
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .count() as u64,
            display,
            sha256: Some(sha),
            reason: e.without_hint(),
        }),
        Err(e) => return Err(e),
    }
    Ok(())
}

fn archive_member_warning(a: &ArchiveInfo) -> crate::model::Warning {
    crate::model::Warning {
        code: "archive-member".into(),
        row: None,
        message: format!(
            "read in memory from the archive `{}` (sha256 {})",
            a.display, a.sha256
        ),
    }
}

/// Read the `.csv`/`.xlsx` members of a `.zip` without unpacking it.
fn load_archive<T>(
    path: &Path,
    display: &str,
    opts: &SniffOptions,
    skip_errors: bool,
    each: EachFile<'_, T>,
    loaded: &mut Loaded<T>,
) -> Result<(), Error> {
    let sha = sha256_file(path).map_err(|e| read_error(display, &e))?;
    let file = std::fs::File::open(path).map_err(|e| read_error(display, &e))?;
    let entries = match archive::read_entries(
        display,
        std::io::BufReader::new(file),
        &archive::LIMITS,
        skip_errors,
    ) {
        Ok(entries) => entries,
        Err(e) if skip_errors && matches!(e, Error::Input(_)) => {
            loaded.unknown.push(Skipped {
                display: display.to_string(),
                sha256: Some(sha),
                lines: 0,
                reason: e.without_hint(),
            });
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let mut info = ArchiveInfo {
        display: display.to_string(),
        sha256: sha,
        members: Vec::new(),
    };
    for entry in &entries {
        if let archive::Entry::Member { name, .. } = entry {
            info.members.push(format!("{display}/{name}"));
        }
    }
    for entry in entries {
        match entry {
            archive::Entry::Member {
                name,
                bytes: Ok(bytes),
            } => {
                let sha = sha256_hex(&bytes);
                let member = format!("{display}/{name}");
                let fast = crate::normalize::fast::read_bytes(
                    &member,
                    Some(&info.display),
                    &bytes,
                    &sha,
                    opts,
                );
                if let Some(mut raw) = fast {
                    raw.sniffed.warnings.push(archive_member_warning(&info));
                    loaded.files.push(each(raw)?);
                    continue;
                }
                add_file(
                    member,
                    Some(&info),
                    bytes,
                    sha,
                    opts,
                    skip_errors,
                    each,
                    loaded,
                )?;
            }
            // Only returned with `skip_errors`.
            archive::Entry::Member {
                name,
                bytes: Err(e),
            } => loaded.unknown.push(Skipped {
                display: format!("{display}/{name}"),
                // The member was never read: the archive's hash stands for it.
                sha256: Some(info.sha256.clone()),
                lines: 0,
                reason: format!("{e} (not read: the sha256 listed is the archive's)"),
            }),
            archive::Entry::Skipped { name, reason } => loaded.ignored.push(Skipped {
                display: format!("{display}/{name}"),
                sha256: None,
                lines: 0,
                reason,
            }),
        }
    }
    loaded.archives.push(info);
    Ok(())
}

/// sha256 of a file, read in chunks.
fn sha256_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// One file's bytes read by the general path (no fast reader), as `load`
/// would hand them on; for comparing both readers.
pub fn read_general(
    display: &str,
    archive: Option<&str>,
    bytes: &[u8],
    opts: &SniffOptions,
) -> Result<RawFile, Error> {
    let (grid, sniffed) = read_one(display, archive, bytes, opts)?;
    Ok(RawFile {
        display: display.to_string(),
        sha256: sha256_hex(bytes),
        grid,
        sniffed,
        pre: None,
    })
}

fn read_one(
    display: &str,
    archive: Option<&str>,
    bytes: &[u8],
    opts: &SniffOptions,
) -> Result<(Grid, Sniffed), Error> {
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_xlsx_name = display.to_lowercase().ends_with(".xlsx");
    if is_xlsx_name && !is_zip && bytes.starts_with(&OLE_MAGIC) {
        return Err(Error::input(
            display,
            None,
            None,
            "",
            "an encrypted workbook or an old .xls file (OLE compound document), not an .xlsx",
            "remove the password (Excel: File › Info › Protect Workbook) or save it as .xlsx, \
             or export the history from Binance again",
        ));
    }
    // Named .xlsx but holding text: a CSV renamed by hand.
    let csv_named_xlsx = is_xlsx_name && !is_zip && looks_like_text(bytes);
    let grid = if (is_zip || is_xlsx_name) && !csv_named_xlsx {
        xlsx::read_xlsx(display, bytes)?
    } else {
        csv::read_csv(display, bytes)?
    };
    let mut sniffed = sniff::sniff(display, archive, &grid, opts)?;
    if csv_named_xlsx {
        sniffed.warnings.push(crate::model::Warning {
            code: "not-xlsx".into(),
            row: None,
            message: "named .xlsx but holds CSV text; read as CSV".into(),
        });
    }
    Ok((grid, sniffed))
}

/// The signature of OLE compound documents (.xls, encrypted .xlsx).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// No NUL byte and valid UTF-8 in the first 4 KiB (a cut multi-byte
/// character at the end allowed).
fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    !head.is_empty()
        && !head.contains(&0)
        && match std::str::from_utf8(head) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_file_names_in_two_input_directories_stay_apart() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        for d in [&a, &b] {
            std::fs::create_dir_all(d.join("sub")).unwrap();
            std::fs::write(d.join("sub/statement.csv"), "x").unwrap();
            std::fs::write(d.join("notes.txt"), "x").unwrap();
        }
        let (paths, skipped) = collect_paths(&[a.clone(), b.clone()]).unwrap();
        let names: Vec<&str> = paths.iter().map(|p| p.1.as_str()).collect();
        let (da, db) = (a.display().to_string(), b.display().to_string());
        assert_eq!(
            names,
            [
                format!("{da}/sub/statement.csv"),
                format!("{db}/sub/statement.csv")
            ]
        );
        let skipped: Vec<&str> = skipped.iter().map(|k| k.display.as_str()).collect();
        assert_eq!(
            skipped,
            [format!("{da}/notes.txt"), format!("{db}/notes.txt")]
        );
        // One directory: names relative to it, as before.
        let (one, _) = collect_paths(std::slice::from_ref(&a)).unwrap();
        assert_eq!(one[0].1, "sub/statement.csv");
    }

    #[test]
    fn a_csv_named_xlsx_is_read_as_csv_and_an_encrypted_workbook_is_named() {
        let csv = b"User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
                    1,2025-01-02 10:00:00,Spot,Deposit,USDT,5,\n";
        let (grid, sniffed) =
            read_one("history.xlsx", None, csv, &SniffOptions::default()).unwrap();
        assert_eq!(grid.rows.len(), 1);
        assert_eq!(sniffed.kind, crate::model::FileKind::Statement);
        assert!(sniffed.warnings.iter().any(|w| w.code == "not-xlsx"));
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend_from_slice(&[0u8; 600]);
        let e = read_one("locked.xlsx", None, &ole, &SniffOptions::default()).unwrap_err();
        assert!(e.to_string().contains("encrypted workbook"), "{e}");
        // Binary garbage named .xlsx still goes to the spreadsheet reader's error.
        let e = read_one(
            "junk.xlsx",
            None,
            &[0, 1, 2, 3, 0xff],
            &SniffOptions::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("cannot open as a spreadsheet"),
            "{e}"
        );
    }

    #[test]
    fn normalize_output_inside_an_input_directory_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let part = tmp.path().join("tables/ledger/account=7");
        std::fs::create_dir_all(&part).unwrap();
        std::fs::write(part.join("part-0.csv"), "x").unwrap();
        std::fs::write(tmp.path().join("statement.csv"), "x").unwrap();
        let (paths, skipped) = collect_paths(&[tmp.path().to_path_buf()]).unwrap();
        let names: Vec<&str> = paths.iter().map(|p| p.1.as_str()).collect();
        assert_eq!(names, ["statement.csv"]);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].display, "tables/ledger/account=7");
        assert!(
            skipped[0].reason.contains("normalize"),
            "{}",
            skipped[0].reason
        );
    }
}
