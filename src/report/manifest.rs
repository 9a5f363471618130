//! `manifest.json`: what produced the report and the SHA-256 of every input
//! and every other output file, so anyone can re-run the command and
//! compare, or check with `binance-forensics verify` that nothing changed.
//!
//! The output directory never appears: the command line writes it as
//! `<out>`, so reruns into another directory give byte-identical manifests.
//! `-q`/`-v` only change what is printed on stderr and are left out.

use crate::model::TimeMs;
use crate::timefmt::rfc3339_ms;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The file name of the manifest inside a report directory.
pub const NAME: &str = "manifest.json";
/// What the output directory is written as in the command line.
pub const OUT_PLACEHOLDER: &str = "<out>";

/// One hashed input file, as the command line reached it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashedFile {
    /// Path as given on the command line (a file, or directory/relative path).
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// Everything the manifest records besides the output hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunInfo {
    pub tool_version: String,
    /// The command line, `binance-forensics` first, the output directory as `<out>`.
    pub command: Vec<String>,
    /// The input paths as given (files or directories), re-walked by `verify`.
    pub input_args: Vec<String>,
    /// Every file read from those paths, sorted by path.
    pub inputs: Vec<HashedFile>,
    pub report_time: TimeMs,
    /// How the report time was chosen, in words.
    pub report_time_source: String,
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Render `manifest.json` over the other output files (name, bytes).
pub fn manifest_json(run: &RunInfo, outputs: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut outs: Vec<&(String, Vec<u8>)> = outputs.iter().filter(|o| o.0 != NAME).collect();
    outs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut inputs = run.inputs.clone();
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    let doc = json!({
        "manifest_version": 1,
        "tool": {"name": "binance-forensics", "version": run.tool_version},
        "command": run.command,
        "input_args": run.input_args,
        "report_time": rfc3339_ms(run.report_time),
        "report_time_source": run.report_time_source,
        "inputs": inputs.iter().map(|f| json!({
            "path": f.path, "sha256": f.sha256, "bytes": f.bytes,
        })).collect::<Vec<Value>>(),
        "outputs": outs.iter().map(|(name, bytes)| json!({
            "file": name, "sha256": sha256_hex(bytes), "bytes": bytes.len(),
        })).collect::<Vec<Value>>(),
    });
    let mut text =
        serde_json::to_string_pretty(&doc).map_err(|e| format!("cannot write manifest: {e}"))?;
    text.push('\n');
    Ok(text.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> RunInfo {
        RunInfo {
            tool_version: "9.9.9".into(),
            command: vec!["binance-forensics".into(), "analyze".into(), "x".into()],
            input_args: vec!["x".into()],
            inputs: vec![HashedFile {
                path: "x/b.csv".into(),
                sha256: "00".into(),
                bytes: 3,
            }],
            report_time: 86_400_000,
            report_time_source: "the latest event time in the inputs".into(),
        }
    }

    #[test]
    fn sha256_of_abc_is_the_fips_180_example() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn lists_outputs_sorted_without_itself() {
        let outs = vec![
            ("z.txt".to_string(), b"abc".to_vec()),
            (NAME.to_string(), b"old".to_vec()),
            ("a.txt".to_string(), vec![]),
        ];
        let doc: Value = serde_json::from_slice(&manifest_json(&run(), &outs).unwrap()).unwrap();
        let files: Vec<&str> = doc["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["file"].as_str().unwrap())
            .collect();
        assert_eq!(files, ["a.txt", "z.txt"]);
        // SHA-256 of the empty string (FIPS 180 test vector).
        assert_eq!(
            doc["outputs"][0]["sha256"],
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(doc["outputs"][1]["bytes"], 3);
        assert_eq!(doc["report_time"], "1970-01-02T00:00:00.000Z");
        assert_eq!(doc["tool"]["version"], "9.9.9");
        assert_eq!(doc["inputs"][0]["path"], "x/b.csv");
    }
}
