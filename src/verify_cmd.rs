//! `verify <REPORT_DIR>`: re-hash the inputs and outputs listed in
//! `manifest.json` and say whether anything changed.
//!
//! Exit 0: every file matches. Exit 1: something changed; one line per
//! changed, missing or added file on stdout. Exit 2: the manifest is missing
//! or unreadable, or an input path of the run no longer exists (run `verify`
//! from the directory `analyze` was run in: input paths are kept as given).

use crate::error::{exit, Error};
use crate::manifest_run::hash_inputs;
use crate::report::manifest::{sha256_hex, NAME};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One difference between the manifest and the files now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Modified { what: &'static str, path: String },
    Missing { what: &'static str, path: String },
    Added { what: &'static str, path: String },
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Modified { what, path } => write!(f, "changed: {what} {path} (sha256 differs)"),
            Change::Missing { what, path } => write!(f, "missing: {what} {path}"),
            Change::Added { what, path } => write!(f, "added: {what} {path} (not in the manifest)"),
        }
    }
}

fn bad_manifest(path: &Path, why: &str) -> Error {
    Error::Usage(format!(
        "{}: {why}. Is this a report directory written by `binance-forensics analyze`?",
        path.display()
    ))
}

/// (path or file name, sha256) of one manifest list.
fn listed(
    doc: &Value,
    key: &str,
    name_key: &str,
    mpath: &Path,
) -> Result<BTreeMap<String, String>, Error> {
    let arr = doc[key]
        .as_array()
        .ok_or_else(|| bad_manifest(mpath, &format!("no `{key}` list")))?;
    arr.iter()
        .map(|e| match (e[name_key].as_str(), e["sha256"].as_str()) {
            (Some(n), Some(h)) => Ok((n.to_string(), h.to_string())),
            _ => Err(bad_manifest(
                mpath,
                &format!("an entry of `{key}` lacks `{name_key}` or `sha256`"),
            )),
        })
        .collect()
}

/// Compare the report directory with its manifest; the changes, sorted.
pub fn verify(dir: &Path) -> Result<Vec<Change>, Error> {
    let mpath = dir.join(NAME);
    let text = std::fs::read_to_string(&mpath)
        .map_err(|e| bad_manifest(&mpath, &format!("cannot read it ({e})")))?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| bad_manifest(&mpath, &format!("not valid JSON ({e})")))?;
    let outputs = listed(&doc, "outputs", "file", &mpath)?;
    let inputs = listed(&doc, "inputs", "path", &mpath)?;
    let args: Vec<PathBuf> = doc["input_args"]
        .as_array()
        .ok_or_else(|| bad_manifest(&mpath, "no `input_args` list"))?
        .iter()
        .filter_map(Value::as_str)
        .map(PathBuf::from)
        .collect();
    let mut changes = Vec::new();
    for (name, want) in &outputs {
        if name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(bad_manifest(
                &mpath,
                &format!("output `{name}` is not a plain file name"),
            ));
        }
        match std::fs::read(dir.join(name)) {
            Ok(b) if sha256_hex(&b) == *want => {}
            Ok(_) => changes.push(Change::Modified {
                what: "output",
                path: name.clone(),
            }),
            Err(_) => changes.push(Change::Missing {
                what: "output",
                path: name.clone(),
            }),
        }
    }
    let mut present: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| bad_manifest(&mpath, &format!("cannot list the directory ({e})")))?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != NAME && !n.starts_with('.') && !outputs.contains_key(n))
        .collect();
    present.sort();
    changes.extend(present.into_iter().map(|path| Change::Added {
        what: "output",
        path,
    }));
    for p in &args {
        if !p.exists() {
            return Err(Error::Usage(format!(
                "input `{}` of the report does not exist here: run verify from the directory \
                 `analyze` was run in (input paths are kept as given)",
                p.display()
            )));
        }
    }
    let now: BTreeMap<String, String> = hash_inputs(&args)?
        .into_iter()
        .map(|f| (f.path, f.sha256))
        .collect();
    for (path, want) in &inputs {
        match now.get(path) {
            Some(h) if h == want => {}
            Some(_) => changes.push(Change::Modified {
                what: "input",
                path: path.clone(),
            }),
            None => changes.push(Change::Missing {
                what: "input",
                path: path.clone(),
            }),
        }
    }
    for path in now.keys().filter(|p| !inputs.contains_key(*p)) {
        changes.push(Change::Added {
            what: "input",
            path: path.clone(),
        });
    }
    Ok(changes)
}

/// The `verify` command.
pub fn run(args: &crate::cli::VerifyArgs) -> Result<i32, Error> {
    let changes = verify(&args.report_dir)?;
    if changes.is_empty() {
        println!(
            "unchanged: every input and output matches {}",
            args.report_dir.join(NAME).display()
        );
        return Ok(exit::OK);
    }
    for c in &changes {
        println!("{c}");
    }
    Ok(exit::FINDING)
}
