//! The whole run on the committed sample account: the committed files are
//! what `samples --seed 7` generates, and the report names the incident
//! window, the thin symbol, the liquidated assets and the attacker's order
//! times that the generator's ground truth records.

use binance_forensics::Dec;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/schema.rs"]
mod schema;
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn analyze_sample(out: &Path) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
        .arg("analyze")
        .arg(root().join("samples/compromised"))
        .arg("--out")
        .arg(out)
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    read_json(&out.join("findings.json"))
}

#[test]
fn committed_samples_are_what_the_generator_writes() {
    let set = binance_forensics::samples::generate(7);
    let dir = root().join("samples").join(&set.name);
    let mut committed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    committed.sort();
    let mut generated: Vec<String> = set.files.iter().map(|(n, _)| n.clone()).collect();
    generated.sort();
    assert_eq!(committed, generated);
    for (name, bytes) in &set.files {
        assert!(
            std::fs::read(dir.join(name)).unwrap() == *bytes,
            "{name} differs from `samples --seed 7`"
        );
    }
}

#[test]
fn report_names_the_takeover_the_truth_describes() {
    let truth = read_json(&root().join("samples/compromised.truth.json"));
    let out = tempfile::tempdir().unwrap();
    let doc = analyze_sample(out.path());

    assert_eq!(doc["accounts"][0]["account"], truth["account"]);
    assert_eq!(doc["accounts"][0]["verdict"], "compromised");
    let high: Vec<&Value> = doc["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["severity"] == "high")
        .collect();
    assert_eq!(high.len(), 1, "one high incident");
    let inc = high[0];
    // Window within 60 s of the truth.
    let ms = |v: &Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
            .unwrap()
            .timestamp_millis()
    };
    assert!(
        (ms(&inc["start"]) - ms(&truth["attack_window_start"])).abs() <= 60_000,
        "{inc}"
    );
    assert!(
        (ms(&inc["end"]) - ms(&truth["attack_window_end"])).abs() <= 60_000,
        "{inc}"
    );
    let symbols: Vec<&str> = inc["symbols"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        symbols.contains(&truth["thin_symbol"].as_str().unwrap()),
        "{symbols:?}"
    );

    // The liquidation finding names exactly the liquidated assets.
    let liq = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["detector"] == "liquidate-concentrate")
        .expect("liquidate-concentrate finding");
    for asset in truth["liquidated_assets"].as_array().unwrap() {
        assert!(
            liq["explanation"]
                .as_str()
                .unwrap()
                .contains(asset.as_str().unwrap()),
            "{asset}"
        );
    }
    // Every attacker order's time is cited as evidence.
    let cited: std::collections::BTreeSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap())
        .filter_map(|e| e["time"].as_str())
        .collect();
    for o in truth["attacker_orders"].as_array().unwrap() {
        assert!(
            cited.contains(o["time"].as_str().unwrap()),
            "order at {} not cited",
            o["time"]
        );
    }
    // Loss: exactly the quote spent minus recovered, in the quote asset.
    let loss = &doc["accounts"][0]["loss_estimate"]["by_asset"][0];
    assert_eq!(loss["asset"], truth["quote_asset"]);
    let want = Dec::parse(truth["quote_spent"].as_str().unwrap()).unwrap()
        - Dec::parse(truth["quote_recovered"].as_str().unwrap()).unwrap();
    assert_eq!(Dec::parse(loss["amount"].as_str().unwrap()).unwrap(), want);
}

#[test]
fn sample_findings_validate_against_the_contract_and_the_statement_balances() {
    let out = tempfile::tempdir().unwrap();
    let doc = analyze_sample(out.path());
    let errors = schema::schema_errors(&doc);
    assert!(errors.is_empty(), "{errors:?}");
    // The statement is the book; every trade and transfer export row matched it.
    for r in doc["reconciliation"].as_array().unwrap() {
        assert!(
            r["unmatched_rows"].as_array().is_none_or(|u| u.is_empty()),
            "{r}"
        );
        assert!(r["first_negative_at"].is_null(), "{r}");
    }
    for name in ["index.html", "timeline.png", "evidence.csv"] {
        assert!(out.path().join(name).exists(), "{name}");
    }
    let html = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(html.contains("compromised"));
}

#[test]
fn committed_contract_copy_matches_shared_when_present() {
    let shared = root().join("../shared/contract/findings.schema.json");
    if shared.exists() {
        assert_eq!(
            std::fs::read(shared).unwrap(),
            std::fs::read(root().join("tests/fixtures/findings.schema.json")).unwrap()
        );
    }
}

#[test]
fn statement_alone_is_enough_to_find_the_takeover() {
    // Only the transaction statement: fills are rebuilt from its trade legs.
    let truth = read_json(&root().join("samples/compromised.truth.json"));
    let statement = std::fs::read_dir(root().join("samples/compromised"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("Transaction-History"))
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
        .arg("analyze")
        .arg(&statement)
        .arg("--out")
        .arg(out.path())
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc = read_json(&out.path().join("findings.json"));
    assert_eq!(doc["accounts"][0]["verdict"], "compromised");
    let inc = &doc["incidents"][0];
    assert_eq!(inc["start"], truth["attack_window_start"]);
    assert_eq!(inc["end"], truth["attack_window_end"]);
    let loss = &doc["accounts"][0]["loss_estimate"]["by_asset"][0];
    assert_eq!(loss["amount"], truth["quote_spent"]);
}
