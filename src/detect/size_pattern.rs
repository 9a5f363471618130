//! `size-pattern`: scripted order sizes. Never more than `info`.
//!
//! What: (1) per symbol, the most frequent executed quantity among the
//! executed orders: flagged when it repeats ≥ 10 times and makes up ≥ 50 %
//! of the symbol's orders; (2) over all executed orders, when there are at
//! least 300, the first significant digit of the quantities against
//! Benford's law: Pearson chi-square with 8 degrees of freedom, p-value from
//! statrs; flagged when p < 1e-3.
//! Why: a script places the same size again and again, and its sizes do not
//! follow the spread of a human's (DETECTORS.md, size-pattern).
//! False positives: many — DCA and grid bots repeat sizes by design, and
//! round sizes are a human habit; hence `info` only, context for an analyst.

use super::ctx::Ctx;
use super::finding::Severity;
use super::orders::OrderView;
use super::util::{finding, pct, pval, stat, Flagged};
use crate::decimal::Dec;
use statrs::distribution::{ChiSquared, ContinuousCDF};
use std::collections::BTreeMap;

/// At most this many evidence rows per finding (the explanation says so).
const MAX_ROWS: usize = 20;

/// First significant digit (1–9) of a positive decimal.
pub fn first_digit(d: Dec) -> Option<u8> {
    if !d.is_positive() {
        return None;
    }
    d.to_string()
        .bytes()
        .find(|b| (b'1'..=b'9').contains(b))
        .map(|b| b - b'0')
}

/// Pearson chi-square of first-digit counts (index 0 = digit 1) against
/// Benford's law, and its p-value (8 degrees of freedom).
pub fn benford_chi2(counts: &[u64; 9]) -> (f64, f64) {
    let n: u64 = counts.iter().sum();
    let chi2: f64 = (1..=9)
        .map(|d| {
            let e = n as f64 * (1.0 + 1.0 / d as f64).log10();
            let o = counts[d - 1] as f64;
            (o - e) * (o - e) / e
        })
        .sum();
    let p = ChiSquared::new(8.0).map(|c| c.sf(chi2)).unwrap_or(1.0);
    (chi2, p)
}

pub fn detect(ctx: &Ctx) -> Vec<Flagged> {
    let cfg = &ctx.cfg.size_pattern;
    let executed: Vec<&OrderView> = ctx.orders.iter().filter(|o| o.qty.is_positive()).collect();
    let mut out = Vec::new();
    let mut by_symbol: BTreeMap<&str, Vec<&OrderView>> = BTreeMap::new();
    for o in &executed {
        by_symbol.entry(o.symbol.as_str()).or_default().push(o);
    }
    for (symbol, orders) in by_symbol {
        let mut counts: BTreeMap<Dec, usize> = BTreeMap::new();
        for o in &orders {
            *counts.entry(o.qty).or_insert(0) += 1;
        }
        // most frequent size; ties go to the smaller size
        let Some((&size, &k)) = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) else {
            continue;
        };
        let share = k as f64 / orders.len() as f64;
        if k < cfg.min_repeats as usize || share < cfg.min_repeat_share {
            continue;
        }
        let same: Vec<&&OrderView> = orders.iter().filter(|o| o.qty == size).collect();
        let evidence = same
            .iter()
            .take(MAX_ROWS)
            .flat_map(|o| o.evidence(ctx.account))
            .collect();
        let mut f = finding(
            "size-pattern",
            Severity::Info,
            &ctx.account.id,
            evidence,
            None,
            Some(stat(
                "repeated_size_share",
                share,
                Some(cfg.min_repeat_share),
                None,
            )),
            String::new(),
        );
        f.explanation = format!(
            "{k} of the {} executed {symbol} orders ({}) have the same size {size} \
             (thresholds: {} repeats, {} share); scripted or a bot's routine. \
             The first {} such orders are cited.",
            orders.len(),
            pct(share),
            cfg.min_repeats,
            pct(cfg.min_repeat_share),
            same.len().min(MAX_ROWS),
        );
        out.push(Flagged {
            finding: f,
            targets: Vec::new(),
            sweep: false,
        });
    }
    if executed.len() >= cfg.benford_min_n as usize {
        let mut counts = [0u64; 9];
        for o in &executed {
            if let Some(dg) = first_digit(o.qty) {
                counts[usize::from(dg) - 1] += 1;
            }
        }
        let (chi2, p) = benford_chi2(&counts);
        if p < cfg.benford_alpha {
            let evidence = executed
                .iter()
                .take(MAX_ROWS)
                .flat_map(|o| o.evidence(ctx.account))
                .collect();
            let mut f = finding(
                "size-pattern",
                Severity::Info,
                &ctx.account.id,
                evidence,
                None,
                Some(stat("benford_chi_square", chi2, None, Some(p))),
                String::new(),
            );
            f.explanation = format!(
                "The first digits of {} order sizes depart from Benford's law \
                 (chi-square {chi2:.1}, 8 df, p = {}, threshold {}); counts of digits 1-9: {:?}. \
                 The first {} orders are cited.",
                counts.iter().sum::<u64>(),
                pval(p),
                pval(cfg.benford_alpha),
                counts,
                executed.len().min(MAX_ROWS),
            );
            out.push(Flagged {
                finding: f,
                targets: Vec::new(),
                sweep: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::testkit::{d, t, AccountBuilder};

    #[test]
    fn first_digits() {
        assert_eq!(first_digit(d("0.0042")), Some(4));
        assert_eq!(first_digit(d("130")), Some(1));
        assert_eq!(first_digit(d("0")), None);
    }

    #[test]
    fn benford_counts_give_the_hand_computed_chi_square() {
        // n = 100, all in digit 1: expected e1 = 100 log10(2) = 30.103;
        // chi2 = (100 - e1)^2 / e1 + Σ_{d>1} e_d = (69.897^2 / 30.103) + 69.897
        let (chi2, p) = benford_chi2(&[100, 0, 0, 0, 0, 0, 0, 0, 0]);
        let e1 = 100.0 * 2f64.log10();
        let want = (100.0 - e1).powi(2) / e1 + (100.0 - e1);
        assert!((chi2 - want).abs() < 1e-9);
        assert!(p < 1e-30);
        // exact Benford proportions give chi2 ~ 0 and p ~ 1
        let ideal: Vec<u64> = (1..=9)
            .map(|k| (1e6 * (1.0 + 1.0 / k as f64).log10()).round() as u64)
            .collect();
        let (c, p) = benford_chi2(&ideal.try_into().unwrap());
        assert!(c < 0.01 && p > 0.99, "{c} {p}");
    }

    #[test]
    fn repeated_sizes_are_info_and_varied_sizes_nothing() {
        let mut b = AccountBuilder::new("a");
        for k in 0..12 {
            b = b.fill(t(k, 10, 0, 0), "BTC/USDT", "BUY", "40000", "0.0025");
        }
        b = b.fill(t(20, 10, 0, 0), "BTC/USDT", "BUY", "40000", "0.01");
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&b.build(), &cfg));
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        assert_eq!(f.severity, Severity::Info);
        // 12 of 13 orders
        assert!((f.statistic.as_ref().unwrap().value.unwrap() - 12.0 / 13.0).abs() < 1e-12);
        assert!(
            f.explanation
                .starts_with("12 of the 13 executed BTCUSDT orders"),
            "{}",
            f.explanation
        );
        let mut v = AccountBuilder::new("v");
        for k in 0..12 {
            let q = format!("0.00{}", k + 10);
            v = v.fill(t(k, 10, 0, 0), "BTC/USDT", "BUY", "40000", &q);
        }
        assert!(detect(&Ctx::new(&v.build(), &cfg)).is_empty());
    }
}
