//! The measured detection rate on a small generated set (the full set of
//! 200+ accounts is in the README, produced by `binance-forensics evaluate`).

use binance_forensics::detect::DetectConfig;
use binance_forensics::evaluate::{generate, metrics::measure, Class};

#[test]
fn evaluation_on_a_small_generated_set_meets_the_issue_targets() {
    let set = generate(2024, 60);
    let count = |c: Class| set.iter().filter(|l| l.class == c).count();
    // the fixed cycle of ten: 2 benign, 4 tricky benign, 4 attacked
    assert_eq!(
        (
            count(Class::Benign),
            count(Class::Tricky),
            count(Class::Attacked)
        ),
        (12, 24, 24)
    );
    // every attacked account carries one true incident with attacker rows
    for l in set.iter().filter(|l| l.class == Class::Attacked) {
        assert_eq!(l.incidents.len(), 1, "{}", l.account.id);
        assert!(!l.attack_rows.is_empty(), "{}", l.account.id);
    }
    let m = measure(&set, &DetectConfig::default());
    let why = format!("{}\n{}", m.table(), m.misses.join("\n"));
    assert_eq!(m.true_incidents, 24, "{why}");
    assert!(m.recall() >= 0.98, "{why}");
    assert!(m.fp_rate() <= 0.02, "{why}");
    assert!(m.window_share() >= 0.95, "{why}");
    assert!(m.loss_share() >= 0.95, "{why}");
    assert!(m.precision() >= 0.95, "{why}");
}

#[test]
fn generation_is_deterministic() {
    let a = generate(5, 12);
    let b = generate(5, 12);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.account.fills, y.account.fills);
        assert_eq!(x.account.transfers, y.account.transfers);
        assert_eq!(x.incidents, y.incidents);
    }
}
