//! A copy of the sample account with hostile text planted in a file name,
//! a withdrawal address and a statement remark.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub const SAMPLE: &str = "samples/compromised";
pub const WITHDRAW: &str = "Binance-Withdraw-History-Report-2025-03-14.csv";
pub const STATEMENT: &str = "Binance-Transaction-History-202503141611(UTC+0)_219020e6.csv";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Payloads planted in a file name, a withdrawal address and a remark.
pub const SVG: &str = "<svg onload=document.title='PWNED'>";
pub const FORMULA: &str = "=HYPERLINK(\"http://evil.example\";\"x\")";
pub const SCRIPT: &str = "<script>document.title='PWNED'</script>";

/// A copy of the sample with hostile text; returns the input directory.
pub fn hostile_copy(dir: &Path) -> PathBuf {
    let input = dir.join("acct");
    std::fs::create_dir_all(&input).unwrap();
    for e in std::fs::read_dir(root().join(SAMPLE)).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let mut bytes = std::fs::read(&p).unwrap();
        let mut target = name.clone();
        if name == WITHDRAW {
            let t = String::from_utf8(bytes).unwrap().replace(
                "TEevTcRQdRWXFoSZXeaArw4spJ3hReZart",
                &format!("\"{}\"", FORMULA.replace('"', "\"\"")),
            );
            bytes = t.into_bytes();
            target = format!("Binance-Withdraw-History-{SVG}.csv");
        }
        if name == STATEMENT {
            let t = String::from_utf8(bytes).unwrap();
            let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
            let i = lines.len() - 1;
            lines[i] = lines[i].replace(",\"\"", &format!(",\"{SCRIPT}\""));
            assert!(lines[i].contains(SCRIPT), "{}", lines[i]);
            bytes = (lines.join("\n") + "\n").into_bytes();
        }
        std::fs::write(input.join(target), bytes).unwrap();
    }
    input
}
