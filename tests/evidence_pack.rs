//! The evidence pack of issue 6 end to end: every file written, reruns
//! byte-identical (manifest included), manifest hashes that match the files,
//! `verify` exit codes, the `--report-time` check, hostile export text
//! rendered inert, and snapshots of the committed sample report.

#[path = "support/pack.rs"]
mod pack;

use pack::{hostile_copy, root, FORMULA, SAMPLE, STATEMENT, SVG, WITHDRAW};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FILES: [&str; 9] = [
    "balances.png",
    "evidence.csv",
    "findings.json",
    "flows.png",
    "index.html",
    "manifest.json",
    "summary.png",
    "ticket.txt",
    "timeline.png",
];

fn bin(cwd: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_binance-forensics"));
    c.current_dir(cwd);
    c
}

fn analyze(cwd: &Path, input: &str, out: &Path, extra: &[&str]) -> Output {
    bin(cwd)
        .arg("analyze")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .args(extra)
        .output()
        .unwrap()
}

fn verify(cwd: &Path, dir: &Path) -> Output {
    bin(cwd).arg("verify").arg(dir).output().unwrap()
}

/// A copy of the sample account's exports in `dir/acct`.
fn copy_sample(dir: &Path) -> PathBuf {
    let input = dir.join("acct");
    std::fs::create_dir(&input).unwrap();
    for e in std::fs::read_dir(root().join(SAMPLE)).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, input.join(p.file_name().unwrap())).unwrap();
    }
    input
}

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn reruns_into_other_directories_are_byte_identical_and_hashes_match() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("one"), tmp.path().join("two/deeper"));
    for out in [&a, &b] {
        let o = analyze(&root(), SAMPLE, out, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let mut names: Vec<String> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, FILES);
    for n in &names {
        let (x, y) = (
            std::fs::read(a.join(n)).unwrap(),
            std::fs::read(b.join(n)).unwrap(),
        );
        assert!(x == y, "{n} differs between the two runs");
    }
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("manifest.json")).unwrap()).unwrap();
    // Every other output, hashed here independently.
    let outs = m["outputs"].as_array().unwrap();
    assert_eq!(outs.len(), FILES.len() - 1);
    for o in outs {
        let f = o["file"].as_str().unwrap();
        let bytes = std::fs::read(a.join(f)).unwrap();
        assert_eq!(o["sha256"].as_str().unwrap(), hex(&bytes), "{f}");
        assert_eq!(o["bytes"].as_u64().unwrap(), bytes.len() as u64, "{f}");
    }
    // Every input file of the sample directory, with its hash.
    let mut want: Vec<(String, String)> = std::fs::read_dir(root().join(SAMPLE))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (format!("{SAMPLE}/{name}"), hex(&std::fs::read(&p).unwrap()))
        })
        .collect();
    want.sort();
    let got: Vec<(String, String)> = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap().to_string(),
                i["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got, want);
    let cmd: Vec<&str> = m["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        cmd,
        ["binance-forensics", "analyze", SAMPLE, "--out", "<out>"]
    );
    assert_eq!(m["tool"]["version"], env!("CARGO_PKG_VERSION"));
    // The report time is derived from the inputs: at or after the
    // statement's latest row (read here from the file), and the same as
    // findings.json says.
    let stmt = std::fs::read_to_string(root().join(SAMPLE).join(STATEMENT)).unwrap();
    let last = stmt
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .max()
        .unwrap();
    let last = format!("{}.000Z", last.trim_matches('"').replace(' ', "T"));
    let rt = m["report_time"].as_str().unwrap();
    assert!(rt >= last.as_str(), "{rt} < {last}");
    let f: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("findings.json")).unwrap()).unwrap();
    assert_eq!(f["generated_at"], rt);
    let all = std::fs::read_to_string(a.join("manifest.json")).unwrap();
    assert!(!all.contains(&tmp.path().to_string_lossy().to_string()));
}

#[test]
fn verify_says_unchanged_then_names_the_changed_file() {
    let tmp = tempfile::tempdir().unwrap();
    let input = copy_sample(tmp.path());
    let out = tmp.path().join("report");
    assert_eq!(
        analyze(tmp.path(), "acct", &out, &[]).status.code(),
        Some(0)
    );
    let o = verify(tmp.path(), &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).starts_with("unchanged"), "{}", text(&o));

    // An edited output.
    let html = out.join("index.html");
    let original = std::fs::read(&html).unwrap();
    let mut edited = original.clone();
    edited.extend_from_slice(b"<!-- edited -->");
    std::fs::write(&html, &edited).unwrap();
    let o = verify(tmp.path(), &out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "changed: output index.html (sha256 differs)\n"
    );
    std::fs::write(&html, &original).unwrap();

    // An edited input, and a file added to the input directory.
    let w = input.join(WITHDRAW);
    let mut t = std::fs::read_to_string(&w).unwrap();
    t = t.replace("1290.00000000", "1290.00000001");
    std::fs::write(&w, t).unwrap();
    std::fs::write(input.join("extra.csv"), "a,b\n").unwrap();
    let o = verify(tmp.path(), &out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!(
            "changed: input acct/{WITHDRAW} (sha256 differs)\nadded: input acct/extra.csv (not in the manifest)\n"
        )
    );

    // A deleted output.
    std::fs::remove_file(out.join("flows.png")).unwrap();
    let o = verify(tmp.path(), &out);
    assert!(String::from_utf8_lossy(&o.stdout).contains("missing: output flows.png\n"));

    // No manifest: an error, exit 2.
    let o = verify(tmp.path(), &input);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("manifest.json"));
}

#[test]
fn report_time_before_the_last_event_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let o = analyze(
        &root(),
        SAMPLE,
        &out,
        &["--report-time", "2025-01-01T00:00:00Z"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--report-time 2025-01-01T00:00:00.000Z is before the latest event"));
    assert!(!out.join("manifest.json").exists());
    // A later time is used as given and recorded as such.
    let o = analyze(
        &root(),
        SAMPLE,
        &out,
        &["--report-time", "2030-01-02T03:04:05Z"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["report_time"], "2030-01-02T03:04:05.000Z");
    assert_eq!(m["report_time_source"], "--report-time");
}

#[test]
fn hostile_names_addresses_and_remarks_are_inert() {
    let tmp = tempfile::tempdir().unwrap();
    hostile_copy(tmp.path());
    let out = tmp.path().join("r");
    let o = analyze(tmp.path(), "acct", &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains("<svg") && !html.contains("<script"));
    assert!(html.contains("&lt;svg onload=document.title=&#x27;PWNED&#x27;&gt;"));
    assert!(html.contains("=HYPERLINK(&quot;http:&#x2f;&#x2f;evil.example&quot;;&quot;x&quot;)"));
    // evidence.csv: the address cell starts with a quote mark, so a
    // spreadsheet shows it as text.
    let csv = std::fs::read_to_string(out.join("evidence.csv")).unwrap();
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let addr_col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "address")
        .unwrap();
    let cells: Vec<String> = r
        .records()
        .map(|x| x.unwrap()[addr_col].to_string())
        .filter(|c| c.contains("HYPERLINK"))
        .collect();
    assert!(!cells.is_empty());
    assert!(
        cells.iter().all(|c| *c == format!("'{FORMULA}")),
        "{cells:?}"
    );
    // findings.json keeps the value as exported.
    let doc = std::fs::read_to_string(out.join("findings.json")).unwrap();
    let j: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let addrs: Vec<&str> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap())
        .filter_map(|e| e["address"].as_str())
        .collect();
    assert!(addrs.contains(&FORMULA), "{addrs:?}");
    // ticket.txt: plain text, one fact per line, no control characters.
    let ticket = std::fs::read_to_string(out.join("ticket.txt")).unwrap();
    assert!(ticket.contains(&format!("Binance-Withdraw-History-{SVG}.csv ")));
    for l in ticket.lines() {
        assert!(!l.chars().any(char::is_control), "{l:?}");
    }
}

/// Snapshots: the committed sample report is what the program writes now.
/// To accept a deliberate change, regenerate `reports/compromised` (README).
#[test]
fn committed_sample_report_matches_a_fresh_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let o = analyze(&root(), SAMPLE, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for f in ["findings.json", "ticket.txt", "index.html", "manifest.json"] {
        let fresh = std::fs::read_to_string(out.join(f)).unwrap();
        let committed =
            std::fs::read_to_string(root().join("reports/compromised").join(f)).unwrap_or_default();
        assert!(
            fresh == committed,
            "reports/compromised/{f} is stale: regenerate it with \
             `binance-forensics analyze samples/compromised --out reports/compromised -q`"
        );
    }
    // And the committed report verifies against the committed samples.
    let o = verify(&root(), Path::new("reports/compromised"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn sample_ticket_names_the_incident_window_and_the_loss() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    assert_eq!(analyze(&root(), SAMPLE, &out, &[]).status.code(), Some(0));
    let t = std::fs::read_to_string(out.join("ticket.txt")).unwrap();
    let j: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    let inc = &j["incidents"][0];
    let human = |s: &str| format!("{} UTC", s[..19].replace('T', " "));
    assert!(t.contains(&format!(
        "- {}: {} to {}",
        inc["id"].as_str().unwrap(),
        human(inc["start"].as_str().unwrap()),
        human(inc["end"].as_str().unwrap())
    )));
    // The burst's orders appear with their order ids.
    let burst = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["detector"] == "burst")
        .unwrap();
    for e in burst["evidence"].as_array().unwrap() {
        if let Some(id) = e["order_id"].as_str() {
            assert!(t.contains(&format!("order {id} ")), "{id}");
        }
    }
    for i in j["inputs"].as_array().unwrap() {
        assert!(t.contains(i["sha256"].as_str().unwrap()));
    }
}

#[test]
fn option_files_are_on_the_command_line_and_verified_like_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    copy_sample(tmp.path());
    let balances = "asset,balance,wallet,time\nUSDT,0,Spot,2025-01-01\n";
    std::fs::write(tmp.path().join("balances.csv"), balances).unwrap();
    let out = tmp.path().join("report");
    let o = analyze(tmp.path(), "acct", &out, &["--balances", "balances.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let cmd: Vec<&str> = m["command"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let at = cmd.iter().position(|c| *c == "--balances").unwrap();
    assert_eq!(cmd[at + 1], "balances.csv");
    let listed = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "balances.csv")
        .unwrap();
    assert_eq!(listed["sha256"].as_str().unwrap(), hex(balances.as_bytes()));
    assert_eq!(verify(tmp.path(), &out).status.code(), Some(0));
    // A changed balances file changes what the report rests on.
    std::fs::write(
        tmp.path().join("balances.csv"),
        format!("{balances}BTC,1,,\n"),
    )
    .unwrap();
    let o = verify(tmp.path(), &out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "changed: input balances.csv (sha256 differs)\n"
    );
}
