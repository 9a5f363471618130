//! `compare` on generated campaign sets: the campaign finding names exactly
//! the victims of the ground truth (account recall and precision 1.0) on
//! several seeds, among tricky benign accounts; findings.json validates
//! against the contract; reruns are byte-identical.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_binance-forensics"))
}

#[path = "support/schema.rs"]
mod schema;
use schema::schema_errors;

fn generate(dir: &Path, seed: u64, accounts: usize, victims: usize) -> Value {
    let o = bin()
        .args(["samples", "--campaign", "--seed", &seed.to_string()])
        .args([
            "--accounts",
            &accounts.to_string(),
            "--victims",
            &victims.to_string(),
        ])
        .arg("--out")
        .arg(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(dir.join("campaign.truth.json")).unwrap()).unwrap()
}

fn compare(accounts: &Path, out: &Path, jobs: &str) -> Value {
    let o = bin()
        .args(["compare", "-q", "--jobs", jobs, "--accounts-in"])
        .arg(accounts)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap()
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn check_seed(seed: u64, accounts: usize, victims: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let truth = generate(tmp.path(), seed, accounts, victims);
    let out = tmp.path().join("report");
    let j = compare(&tmp.path().join("accounts"), &out, "2");
    assert_eq!(schema_errors(&j), Vec::<String>::new());
    let want = strings(&truth["victims"]);
    assert_eq!(want.len(), victims);
    let campaigns: Vec<&Value> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["detector"] == "campaign")
        .collect();
    assert_eq!(campaigns.len(), 1, "seed {seed}: one campaign expected");
    let c = campaigns[0];
    // Exactly the victims: recall and precision 1.0.
    let named: BTreeSet<String> = c["account"]
        .as_str()
        .unwrap()
        .split(',')
        .map(String::from)
        .collect();
    assert_eq!(named, want, "seed {seed}");
    assert_eq!(c["symbols"][0], truth["symbol"]);
    // The ticket asks only for what the findings support: no victim shares
    // a receiving address here, so it asks for the symbol's counterparties.
    let ticket = std::fs::read_to_string(out.join("ticket.txt")).unwrap();
    let shared_receiver = j["findings"].as_array().unwrap().iter().any(|f| {
        ["counterparty", "shared-address", "shared-txid"].contains(&f["detector"].as_str().unwrap())
            && f["account"]
                .as_str()
                .unwrap()
                .split(',')
                .any(|a| want.contains(a))
    });
    if !shared_receiver {
        let sym = truth["symbol"].as_str().unwrap();
        assert!(
            ticket.contains(&format!(
                "identify the counterparties of these accounts' {sym} buys"
            )),
            "{ticket}"
        );
    }
    // The campaign window covers the truth window.
    let (s, e) = (c["start"].as_str().unwrap(), c["end"].as_str().unwrap());
    assert!(
        s <= truth["window_start"].as_str().unwrap(),
        "seed {seed}: {s}"
    );
    assert!(
        e >= truth["window_end"].as_str().unwrap(),
        "seed {seed}: {e}"
    );
    // Per-account losses sum to the total (summed here independently).
    let camp = &j["campaigns"][0];
    let mut total = binance_forensics::Dec::ZERO;
    for m in camp["accounts"].as_array().unwrap() {
        let v = m["loss_estimate"]["reference"]["amount"].as_str().unwrap();
        total += binance_forensics::Dec::parse(v).unwrap();
        assert!(!m["evidence"].as_array().unwrap().is_empty());
    }
    assert!(total.is_positive());
    assert_eq!(
        camp["total"]["reference"]["amount"].as_str().unwrap(),
        total.to_string()
    );
    assert_eq!(c["value"]["amount"].as_str().unwrap(), total.to_string());
    // The pump chaser shares the symbol and window but is not named.
    let chaser: Vec<String> = truth["others"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o[1] == "pump-chaser")
        .map(|o| o[0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(chaser.len(), 1);
    assert!(!named.contains(&chaser[0]));
    // Outputs present; a rerun with one worker is byte-identical.
    for f in ["accounts.csv", "campaign.png", "index.html", "ticket.txt"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let out1 = tmp.path().join("report1");
    compare(&tmp.path().join("accounts"), &out1, "1");
    for f in [
        "accounts.csv",
        "campaign.png",
        "findings.json",
        "index.html",
        "ticket.txt",
    ] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(out1.join(f)).unwrap(),
            "{f}"
        );
    }
    let ticket = std::fs::read_to_string(out.join("ticket.txt")).unwrap();
    for v in &want {
        assert!(ticket.contains(v.as_str()), "ticket names {v}");
    }
}

#[test]
fn campaign_names_exactly_the_victims_seed_1() {
    check_seed(1, 20, 5);
}

#[test]
fn campaign_names_exactly_the_victims_seed_2() {
    check_seed(2, 22, 8);
}

#[test]
fn campaign_names_exactly_the_victims_seed_3() {
    check_seed(3, 20, 6);
}

#[test]
fn compare_refuses_a_single_account() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("a")).unwrap();
    let o = bin()
        .arg("compare")
        .arg(tmp.path().join("a"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("at least two account directories"), "{err}");
}

#[test]
fn the_joint_report_has_a_manifest_that_verify_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    generate(&set, 4, 20, 5);
    let out = tmp.path().join("joint");
    compare(&set.join("accounts"), &out, "2");
    let m: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    // Every export of every account, hashed.
    let exports = std::fs::read_dir(set.join("accounts"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .count();
    assert_eq!(m["inputs"].as_array().unwrap().len(), exports);
    let cmd: Vec<&str> = m["command"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(cmd[..2], ["binance-forensics", "compare"]);
    assert!(!cmd.contains(&"--jobs"), "{cmd:?}");
    let verify = || bin().arg("verify").arg(&out).output().unwrap();
    let o = verify();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // One byte more in one account's export: named, exit 1.
    let acct = std::fs::read_dir(set.join("accounts"))
        .unwrap()
        .map(|d| d.unwrap().path())
        .min()
        .unwrap();
    let file = std::fs::read_dir(&acct)
        .unwrap()
        .map(|d| d.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "csv"))
        .unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.push(b'\n');
    std::fs::write(&file, bytes).unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("changed: input "), "{text}");
    assert!(
        text.contains(&*file.file_name().unwrap().to_string_lossy()),
        "{text}"
    );
}

#[test]
fn a_bad_file_is_named_with_its_account_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    generate(&set, 5, 12, 3);
    let acct = set.join("accounts").join("acct-004");
    std::fs::write(
        acct.join("statement-extra.csv"),
        "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n1,2025-01-01 10:00:00,Spot,Deposit,USDT,abc,\n",
    )
    .unwrap();
    let o = bin()
        .args(["compare", "-q", "--accounts-in"])
        .arg(set.join("accounts"))
        .arg("--out")
        .arg(tmp.path().join("r"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("acct-004/statement-extra.csv line 2"), "{err}");
}

#[test]
fn with_skip_errors_an_unusable_file_is_listed_in_the_joint_report() {
    let tmp = tempfile::tempdir().unwrap();
    let set = tmp.path().join("set");
    generate(&set, 6, 10, 3);
    std::fs::write(set.join("accounts/acct-004/garbage.csv"), "foo,bar\n1,2\n").unwrap();
    let out = tmp.path().join("r");
    let o = bin()
        .args(["compare", "-q", "--skip-errors", "--accounts-in"])
        .arg(set.join("accounts"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    let row = html
        .lines()
        // minijinja escapes `/` as `&#x2f;`.
        .find(|l| l.contains("acct-004&#x2f;garbage.csv"))
        .unwrap_or_else(|| panic!("garbage.csv not listed"));
    // One data line, rejected with the reason.
    assert!(row.contains("1 rejected; row"), "{row}");
    assert!(row.contains("no known Binance export header"), "{row}");
}
