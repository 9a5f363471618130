//! Regression tests: one per real-world input fault of `../shared/cases/`
//! (copied to `tests/fixtures/cases/`), checked the way `run-cases` does:
//! the per-asset net change over all reconciliation rows equals the case's
//! right answer exactly, every input's rows add up, and the case's notes hold.

use binance_forensics::Dec;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Run analyze on a case; returns (exit code, stderr, findings.json if written).
fn run_case(id: &str) -> (i32, String, Option<Value>) {
    let all = expected();
    let case = &all[id];
    let out = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_binance-forensics"));
    cmd.arg("analyze");
    for f in case["files"].as_array().unwrap() {
        cmd.arg(fixtures().join(f.as_str().unwrap()));
    }
    cmd.arg("--out").arg(out.path()).arg("-q");
    if let Some(args) = case["args"].as_array() {
        for a in args {
            cmd.arg(a.as_str().unwrap());
        }
    }
    let o = cmd.output().unwrap();
    let code = o.status.code().unwrap_or(-1);
    let findings = std::fs::read_to_string(out.path().join("findings.json"))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    (
        code,
        String::from_utf8_lossy(&o.stderr).to_string(),
        findings,
    )
}

fn check(id: &str) {
    let all = expected();
    let case = &all[id];
    let (code, stderr, doc) = run_case(id);
    if code == 2 && case["or_error"].as_bool() == Some(true) {
        assert!(
            !stderr.trim().is_empty(),
            "case {id}: refused without a message"
        );
        return;
    }
    assert!(code == 0 || code == 1, "case {id}: exit {code}: {stderr}");
    let doc = doc.unwrap_or_else(|| panic!("case {id}: no findings.json"));
    // Net change per asset, exact.
    let mut got: BTreeMap<String, Dec> = BTreeMap::new();
    for row in doc["reconciliation"].as_array().unwrap() {
        let v = Dec::parse(row["net_change"].as_str().unwrap()).unwrap();
        *got.entry(row["asset"].as_str().unwrap().to_string())
            .or_default() += v;
    }
    let want: BTreeMap<String, Dec> = case["net"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), Dec::parse(v.as_str().unwrap()).unwrap()))
        .collect();
    let assets: std::collections::BTreeSet<&String> = got.keys().chain(want.keys()).collect();
    for a in assets {
        let g = got.get(a).copied().unwrap_or_default();
        let w = want.get(a).copied().unwrap_or_default();
        assert_eq!(g, w, "case {id}: net change of {a}");
    }
    if let Some(by_wallet) = case["net_by_wallet"].as_object() {
        let key = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        };
        let mut gw: BTreeMap<(String, String), Dec> = BTreeMap::new();
        for row in doc["reconciliation"].as_array().unwrap() {
            let v = Dec::parse(row["net_change"].as_str().unwrap()).unwrap();
            let k = (
                key(row["wallet"].as_str().unwrap_or("spot")),
                row["asset"].as_str().unwrap().to_string(),
            );
            *gw.entry(k).or_default() += v;
        }
        for (wallet, assets) in by_wallet {
            for (asset, v) in assets.as_object().unwrap() {
                let g = gw
                    .get(&(key(wallet), asset.clone()))
                    .copied()
                    .unwrap_or_default();
                assert_eq!(
                    g,
                    Dec::parse(v.as_str().unwrap()).unwrap(),
                    "case {id}: {wallet} {asset}"
                );
            }
        }
    }
    for inp in doc["inputs"].as_array().unwrap() {
        let n = |k: &str| inp[k].as_u64().unwrap();
        assert_eq!(
            n("rows_read"),
            n("rows_normalized") + n("rows_rejected") + n("rows_duplicate") + n("rows_ignored"),
            "case {id}: rows of {}",
            inp["path"]
        );
    }
    if let Some(t) = case["first_time"].as_str() {
        let first = doc["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["first_time"].as_str())
            .min();
        assert_eq!(first, Some(t), "case {id}: first event time");
    }
    let severe = |arr: &Value| {
        arr.as_array()
            .unwrap()
            .iter()
            .any(|f| matches!(f["severity"].as_str(), Some("medium") | Some("high")))
    };
    if case["expect_finding"].as_bool() == Some(true) {
        assert!(
            severe(&doc["findings"]),
            "case {id}: want a medium/high finding"
        );
    } else {
        assert!(
            !severe(&doc["incidents"]),
            "case {id}: medium/high incident on an innocent case"
        );
    }
}

macro_rules! cases {
    ($($name:ident => $id:literal),* $(,)?) => { $( #[test] fn $name() { check($id); } )* };
}

cases! {
    case_01_statement_time_header => "01",
    case_02_statement_no_user_id => "02",
    case_03_trade_history_asset_suffix => "03",
    case_04_thousands_separator => "04",
    case_05_order_history_no_fee => "05",
    case_07_localized_statement_local_time => "07",
    case_09_excel_resaved_dates => "09",
    case_10_scientific_notation => "10",
    case_12_operation_renamed => "12",
    case_13_unknown_operations => "13",
    case_14_operation_label_vs_sign => "14",
    case_15_identical_rows_are_legit => "15",
    case_17_overlapping_exports => "17",
    case_18_same_event_two_exports => "18",
    case_20_old_trade_format => "20",
    case_21_fee_paid_in_bnb => "21",
    case_22_spot_funding_transfer => "22",
    case_23_account_name_variants => "23",
    case_26_preamble_before_header => "26",
    case_27_legs_one_second_apart => "27",
    case_29_buy_crypto_with_fiat => "29",
    case_30_withdrawal_history_variants => "30",
    case_32_convert_history => "32",
    case_34_utf8_bom => "34",
    case_35_semicolon_decimal_comma => "35",
    case_36_trailing_empty_rows => "36",
    case_38_self_trade_wash_pattern => "38",
    case_40_header_only_export => "40",
}

/// Case-specific notes beyond the nets.
#[test]
fn case_05_warns_that_fees_are_unknown() {
    let (_, _, doc) = run_case("05");
    let doc = doc.unwrap();
    let codes: Vec<&str> = doc["inputs"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"fees-missing"), "{codes:?}");
}

#[test]
fn case_13_reports_the_unknown_operation_with_its_line() {
    let (_, _, doc) = run_case("13");
    let doc = doc.unwrap();
    let w = doc["inputs"][0]["warnings"].as_array().unwrap();
    assert!(
        w.iter()
            .any(|w| w["code"] == "unclassified-operation" && w["row"] == 6),
        "{w:?}"
    );
}

#[test]
fn case_09_warns_of_a_spreadsheet_resave() {
    let (_, _, doc) = run_case("09");
    let doc = doc.unwrap();
    let codes: Vec<&str> = doc["inputs"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"resaved-by-spreadsheet") && codes.contains(&"seconds-missing"),
        "{codes:?}"
    );
}

#[test]
fn case_17_counts_the_overlap_as_duplicates() {
    let (_, _, doc) = run_case("17");
    let doc = doc.unwrap();
    let dup: u64 = doc["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["rows_duplicate"].as_u64().unwrap())
        .sum();
    // part2 repeats part1's three rows of 2024-03-20 (2 buys + 1 spend).
    assert_eq!(dup, 3);
}
