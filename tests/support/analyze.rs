//! Shared by the format tests: run `analyze` on files and read back what
//! `findings.json` says about the inputs and the reconciliation.

#![allow(dead_code)]

use binance_forensics::Dec;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn d(s: &str) -> Dec {
    Dec::parse(s).unwrap()
}

/// One analyze run: exit code, stderr and the parsed findings.json (if any).
pub struct Run {
    pub code: i32,
    pub stderr: String,
    pub doc: Option<Value>,
}

impl Run {
    pub fn doc(&self) -> &Value {
        self.doc
            .as_ref()
            .unwrap_or_else(|| panic!("no findings.json (exit {}): {}", self.code, self.stderr))
    }

    /// The `inputs[]` entry whose path ends with `name`.
    pub fn input(&self, name: &str) -> &Value {
        self.doc()["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no input {name}"))
    }

    /// Net change per asset, summed over wallets.
    pub fn net(&self) -> BTreeMap<String, Dec> {
        let mut got = BTreeMap::new();
        for row in self.doc()["reconciliation"].as_array().unwrap() {
            *got.entry(row["asset"].as_str().unwrap().to_string())
                .or_insert(Dec::ZERO) += d(row["net_change"].as_str().unwrap());
        }
        got
    }

    /// Net change per (wallet, asset).
    pub fn by_wallet(&self) -> BTreeMap<(String, String), Dec> {
        self.doc()["reconciliation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    (
                        r["wallet"].as_str().unwrap().to_string(),
                        r["asset"].as_str().unwrap().to_string(),
                    ),
                    d(r["net_change"].as_str().unwrap()),
                )
            })
            .collect()
    }

    /// Warning codes of one input.
    pub fn warnings(&self, name: &str) -> Vec<String> {
        self.input(name)["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["code"].as_str().unwrap().to_string())
            .collect()
    }
}

pub fn analyze(files: &[PathBuf], extra: &[&str]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
        .arg("analyze")
        .args(files)
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).to_string(),
        doc: std::fs::read_to_string(out.path().join("findings.json"))
            .ok()
            .map(|t| serde_json::from_str(&t).unwrap()),
    }
}

/// Write `text` to `dir/name` and return the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// `[("USDT", "1.5"), …]` as a map, for comparing with `Run::net`.
pub fn nets(pairs: &[(&str, &str)]) -> BTreeMap<String, Dec> {
    pairs.iter().map(|(a, v)| (a.to_string(), d(v))).collect()
}
