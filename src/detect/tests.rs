//! End-to-end tests of `detect::run` on hand-built accounts: a benign DCA
//! account, an attack account, an attack followed by a sweep, case 38.

use super::finding::{Severity, Verdict};
use super::testkit::{d, t, AccountBuilder};
use super::{run, DetectConfig};
use crate::model::Account;

/// Deposits on day 0 and weeks of ordinary trading, then on day 30 from
/// 10:00:00 three holdings sold into USDT (seconds 0, 1, 2) and eight
/// sweeping buy orders of the never-traded XYZUSDT at rising prices
/// (seconds 10, 20, …, 80).
fn attack_builder() -> AccountBuilder {
    let mut b = AccountBuilder::new("victim")
        .deposit(t(0, 8, 0, 0), "USDT", "10000")
        .fill(t(0, 9, 0, 0), "ETH/USDT", "BUY", "1500", "2")
        .fill(t(0, 9, 5, 0), "BNB/USDT", "BUY", "250", "10")
        .fill(t(0, 9, 10, 0), "ADA/USDT", "BUY", "0.5", "4000");
    // USDT left: 10000 - 3000 - 2500 - 2000 = 2500
    for k in 1..=9 {
        // days 3, 6, …, 27: 0.01 ETH at 1500 = 15 USDT each (135 in all)
        b = b.fill(t(3 * k, 15, 0, 0), "ETH/USDT", "BUY", "1500", "0.01");
    }
    // USDT 2365, ETH 2.09, BNB 10, ADA 4000
    b = b
        .fill(t(30, 10, 0, 0), "ETH/USDT", "SELL", "2000", "2.09")
        .fill(t(30, 10, 0, 1), "BNB/USDT", "SELL", "300", "10")
        .fill(t(30, 10, 0, 2), "ADA/USDT", "SELL", "0.6", "4000");
    // received 4180 + 3000 + 2400 = 9580; available 9580 + 2365 = 11945
    for j in 0..8 {
        // order j: 500 XYZ at 1.00 + 0.1 j and 500 at 1.06 + 0.1 j
        let p1 = format!("{:.2}", 1.00 + 0.1 * j as f64);
        let p2 = format!("{:.2}", 1.06 + 0.1 * j as f64);
        let s = 10 * (j + 1);
        b = b.fill(t(30, 10, 0, s), "XYZ/USDT", "BUY", &p1, "500").fill(
            t(30, 10, 0, s),
            "XYZ/USDT",
            "BUY",
            &p2,
            "500",
        );
    }
    // spent 500 * Σ_j (2.06 + 0.2 j) = 500 * (16.48 + 5.6) = 11040 USDT
    b
}

fn attack() -> Account {
    attack_builder().build()
}

#[test]
fn attack_account_is_compromised_with_a_high_incident() {
    let a = attack();
    let det = run(&a, &DetectConfig::default());
    assert_eq!(det.verdict, Verdict::Compromised);
    let high: Vec<_> = det
        .incidents
        .iter()
        .filter(|i| i.severity == Severity::High)
        .collect();
    assert_eq!(high.len(), 1);
    let inc = high[0];
    assert_eq!(inc.id, "INC-001");
    // window: the first sale (second 0) to the last XYZ fill (second 80)
    assert_eq!((inc.start, inc.end), (t(30, 10, 0, 0), t(30, 10, 1, 20)));
    assert!(inc.symbols.contains(&"XYZUSDT".to_string()));
    for s in ["ADAUSDT", "BNBUSDT", "ETHUSDT"] {
        assert!(inc.symbols.contains(&s.to_string()), "{s}");
    }
    for id in [
        "burst-001",
        "liquidate-concentrate-001",
        "overpay-001",
        "first-seen-001",
        "funding-context-001",
    ] {
        assert!(
            inc.findings.contains(&id.to_string()),
            "{id} in {:?}",
            inc.findings
        );
    }
    let by_id = |id: &str| det.findings.iter().find(|f| f.id == id).unwrap();
    let lc = by_id("liquidate-concentrate-001");
    // 11040 / 11945 = 0.9242 of the USDT available went into XYZUSDT
    assert_eq!(lc.value, Some(("USDT".to_string(), d("11040"))));
    assert_eq!(lc.assets, vec!["ADA", "BNB", "ETH", "USDT", "XYZ"]);
    let op = by_id("overpay-001");
    // reference 1.00 (first fill): 500 * (Σ prices - 16) = 500 * 6.08 = 3040
    assert_eq!(op.value, Some(("USDT".to_string(), d("3040"))));
    let burst = by_id("burst-001");
    // 11 orders, all in the burst interval
    assert_eq!(
        (burst.start, burst.end),
        (t(30, 10, 0, 0), t(30, 10, 1, 20))
    );
    let fc = by_id("funding-context-001");
    assert_eq!(fc.severity, Severity::Info);
    assert!(
        fc.explanation
            .contains("no deposit of USDT in the 24 h before"),
        "{}",
        fc.explanation
    );
    // loss: 11040 USDT spent on XYZUSDT, nothing recovered; 8000 XYZ held, unpriced
    assert_eq!(det.loss.by_asset, vec![("USDT".to_string(), d("11040"))]);
    assert_eq!(det.loss.reference, Some(("USDT".to_string(), d("11040"))));
    assert!(
        det.loss
            .method
            .contains("8000 XYZ bought in INC-001 still held"),
        "{}",
        det.loss.method
    );
    // findings sorted by start, ids per detector in time order
    let starts: Vec<_> = det.findings.iter().map(|f| f.start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
}

#[test]
fn sweep_after_attack_joins_and_adds_to_the_loss() {
    // USDT left after the attack: 11945 - 11040 = 905, withdrawn whole
    // (904 + 1 fee) two hours later to a new address
    let a = attack_builder()
        .withdrawal(t(30, 12, 0, 0), "USDT", "904", "1", "TNewAddress", true)
        .build();
    let det = run(&a, &DetectConfig::default());
    let sweep = det
        .findings
        .iter()
        .find(|f| f.detector == "withdrawal-sweep")
        .unwrap();
    assert_eq!(sweep.severity, Severity::High);
    let inc = det
        .incidents
        .iter()
        .find(|i| i.findings.contains(&sweep.id))
        .unwrap();
    assert_eq!(inc.severity, Severity::High);
    // the withdrawal stretches the window to 12:00
    assert_eq!(inc.end, t(30, 12, 0, 0));
    // 905 of 905 held: share 1 -> sweep, high within 24 h of the incident.
    // loss: 11040 spent on XYZ + 905 withdrawn = 11945 USDT
    assert_eq!(det.loss.by_asset, vec![("USDT".to_string(), d("11945"))]);
}

#[test]
fn benign_dca_account_is_clean() {
    let mut b = AccountBuilder::new("saver").deposit(t(0, 0, 0, 0), "USDT", "6000");
    for day in 0..60 {
        // 0.0025 BTC a day at 40000 + 100 * day: at most 7 % from the median of the others
        // (45900 / 42900 = 1.07; 40000 / 43000 = 0.93)
        let p = format!("{}", 40_000 + 100 * day);
        b = b.fill(t(day, 12, 0, 0), "BTC/USDT", "BUY", &p, "0.0025");
    }
    let a = b.build();
    let det = run(&a, &DetectConfig::default());
    assert_eq!(det.verdict, Verdict::Clean);
    assert!(det.incidents.iter().all(|i| i.severity < Severity::Medium));
    assert!(
        det.findings.iter().all(|f| f.severity < Severity::Medium),
        "{:?}",
        det.findings
    );
    assert!(det.loss.by_asset.is_empty());
}

#[test]
fn case_38_self_trades_make_the_account_suspicious() {
    let a = AccountBuilder::new("case38")
        .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1", "1000")
        .fill(t(0, 10, 0, 0), "XYZ/USDT", "SELL", "1", "1000")
        .fill(t(0, 10, 0, 5), "XYZ/USDT", "BUY", "1", "1000")
        .fill(t(0, 10, 0, 5), "XYZ/USDT", "SELL", "1", "1000")
        .build();
    let det = run(&a, &DetectConfig::default());
    assert_eq!(det.verdict, Verdict::Suspicious);
    assert_eq!(det.findings.len(), 1);
    assert_eq!(det.findings[0].id, "self-trade-001");
    assert_eq!(det.findings[0].severity, Severity::Medium);
    assert_eq!(det.incidents.len(), 1);
    assert_eq!(det.incidents[0].severity, Severity::Medium);
}

#[test]
fn empty_account_is_clean_and_runs_are_identical() {
    let det = run(
        &AccountBuilder::new("none").build(),
        &DetectConfig::default(),
    );
    assert_eq!(det.verdict, Verdict::Clean);
    assert!(det.findings.is_empty() && det.incidents.is_empty());
    let a = attack();
    assert_eq!(
        run(&a, &DetectConfig::default()),
        run(&a, &DetectConfig::default())
    );
}

/// Regression (known bug): the loss text showed the bought quantity before
/// the fee taken from it. Each of the 16 XYZ fills pays 0.5 XYZ (0.1 %).
#[test]
fn loss_held_quantity_is_net_of_base_fees() {
    let mut b = attack_builder();
    for j in 0..8 {
        let p = format!("{:.2}", 2.00 + 0.1 * j as f64);
        // one more, separate, fill-with-fee per order second: a 1-XYZ buy
        b = b
            .fill(t(30, 10, 0, 10 * (j + 1)), "XYZ/USDT", "BUY", &p, "1")
            .fee("0.5", "XYZ");
    }
    let det = run(&b.build(), &DetectConfig::default());
    // bought 8000 + 8 = 8008 XYZ, minus 8 × 0.5 fee = 8004 XYZ still held
    assert!(
        det.loss
            .method
            .contains("8004 XYZ bought in INC-001 still held"),
        "{}",
        det.loss.method
    );
}
