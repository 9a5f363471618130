//! The definitions, applied to detector output on labeled accounts.
//!
//! - A true incident is found when a medium/high incident overlaps its
//!   window (± 60 s) and shares a symbol (for a withdrawal sweep: an address
//!   or TXID of its findings).
//! - Recall = found / true incidents.
//! - False-positive rate = benign accounts (plain and tricky) with a
//!   medium/high incident / benign accounts.
//! - Window: the matched incident's start and end each within 60 s of the
//!   truth; the share is over all true incidents (a missed one counts as
//!   outside).
//! - Loss: over true incidents with a non-zero loss, the account's estimate
//!   per asset within 2 % of the truth for every asset of either side.
//! - Evidence precision: rows cited by medium/high findings that belong to
//!   the attack / all rows cited by medium/high findings (per account,
//!   each row once), over all accounts.

use super::{Class, Labeled, TruthIncident};
use crate::decimal::Dec;
use crate::detect::finding::{Detection, Incident, Severity};
use crate::model::Origin;
use std::collections::{BTreeMap, BTreeSet};

pub const TOLERANCE_MS: i64 = 60_000;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub accounts: usize,
    pub benign: usize,
    pub tricky: usize,
    pub attacked: usize,
    pub true_incidents: usize,
    pub found: usize,
    pub benign_flagged: usize,
    pub window_ok: usize,
    pub loss_cases: usize,
    pub loss_ok: usize,
    pub evidence_rows: usize,
    pub evidence_attack_rows: usize,
    /// Per kind: (accounts, accounts flagged medium/high, true incidents found).
    pub by_kind: BTreeMap<&'static str, (usize, usize, usize)>,
    /// Accounts whose outcome is wrong, with why (for `--verbose`).
    pub misses: Vec<String>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl Metrics {
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.true_incidents)
    }
    pub fn fp_rate(&self) -> f64 {
        ratio(self.benign_flagged, self.benign + self.tricky)
    }
    pub fn window_share(&self) -> f64 {
        ratio(self.window_ok, self.true_incidents)
    }
    pub fn loss_share(&self) -> f64 {
        ratio(self.loss_ok, self.loss_cases)
    }
    pub fn precision(&self) -> f64 {
        ratio(self.evidence_attack_rows, self.evidence_rows)
    }

    /// The targets of issue 5 ("Done when").
    pub fn meets_targets(&self) -> bool {
        self.accounts >= 1
            && self.recall() >= 0.98
            && self.fp_rate() <= 0.02
            && self.window_share() >= 0.95
            && self.loss_share() >= 0.95
            && self.precision() >= 0.95
    }

    /// The summary table (Markdown).
    pub fn table(&self) -> String {
        let mut s = String::new();
        s.push_str(&format!(
            "accounts: {} ({} benign, {} tricky benign, {} attacked)\n\n",
            self.accounts, self.benign, self.tricky, self.attacked
        ));
        s.push_str("| metric | value | target |\n|---|---|---|\n");
        s.push_str(&format!(
            "| incident recall | {:.3} ({}/{}) | >= 0.98 |\n",
            self.recall(),
            self.found,
            self.true_incidents
        ));
        s.push_str(&format!(
            "| benign accounts with a medium/high incident | {:.3} ({}/{}) | <= 0.02 |\n",
            self.fp_rate(),
            self.benign_flagged,
            self.benign + self.tricky
        ));
        s.push_str(&format!(
            "| window start and end within 60 s | {:.3} ({}/{}) | >= 0.95 |\n",
            self.window_share(),
            self.window_ok,
            self.true_incidents
        ));
        s.push_str(&format!(
            "| loss estimate within 2 % | {:.3} ({}/{}) | >= 0.95 |\n",
            self.loss_share(),
            self.loss_ok,
            self.loss_cases
        ));
        s.push_str(&format!(
            "| evidence precision | {:.3} ({}/{}) | >= 0.95 |\n",
            self.precision(),
            self.evidence_attack_rows,
            self.evidence_rows
        ));
        s.push_str(
            "\n| kind | accounts | flagged medium/high | attacks found |\n|---|---|---|---|\n",
        );
        for (k, (n, flagged, found)) in &self.by_kind {
            s.push_str(&format!("| {k} | {n} | {flagged} | {found} |\n"));
        }
        s
    }
}

fn overlaps(inc: &Incident, t: &TruthIncident) -> bool {
    inc.start <= t.end + TOLERANCE_MS && t.start <= inc.end + TOLERANCE_MS
}

/// Whether `inc` shares a symbol, address or TXID with the truth.
fn shares(det: &Detection, inc: &Incident, t: &TruthIncident) -> bool {
    if inc.symbols.iter().any(|s| t.symbols.contains(s)) {
        return true;
    }
    det.findings
        .iter()
        .filter(|f| inc.findings.contains(&f.id))
        .any(|f| {
            f.addresses.iter().any(|a| t.addresses.contains(a))
                || f.txids.iter().any(|x| t.txids.contains(x))
        })
}

fn loss_within(det: &Detection, t: &TruthIncident, tol: f64) -> bool {
    let est: BTreeMap<&str, Dec> = det
        .loss
        .by_asset
        .iter()
        .map(|(a, v)| (a.as_str(), *v))
        .collect();
    let truth: BTreeMap<&str, Dec> = t.loss.iter().map(|(a, v)| (a.as_str(), *v)).collect();
    let assets: BTreeSet<&str> = est.keys().chain(truth.keys()).copied().collect();
    assets.into_iter().all(|a| {
        let e = est.get(a).copied().unwrap_or(Dec::ZERO).to_f64();
        let w = truth.get(a).copied().unwrap_or(Dec::ZERO).to_f64();
        (e - w).abs() <= tol * w.abs()
    })
}

/// Add one account's outcome.
pub fn add(m: &mut Metrics, l: &Labeled, det: &Detection) {
    m.accounts += 1;
    match l.class {
        Class::Benign => m.benign += 1,
        Class::Tricky => m.tricky += 1,
        Class::Attacked => m.attacked += 1,
    }
    let serious: Vec<&Incident> = det
        .incidents
        .iter()
        .filter(|i| i.severity >= Severity::Medium)
        .collect();
    let flagged = !serious.is_empty();
    let entry = m.by_kind.entry(l.kind).or_insert((0, 0, 0));
    entry.0 += 1;
    entry.1 += usize::from(flagged);
    if l.class != Class::Attacked && flagged {
        m.benign_flagged += 1;
        m.misses.push(format!(
            "{}: benign but {}",
            l.account.id,
            serious
                .iter()
                .map(|i| i.summary.as_str())
                .collect::<Vec<_>>()
                .join(" / ")
        ));
    }
    for t in &l.incidents {
        m.true_incidents += 1;
        let matched = serious
            .iter()
            .filter(|i| overlaps(i, t) && shares(det, i, t))
            .min_by_key(|i| (i.start - t.start).abs() + (i.end - t.end).abs());
        match matched {
            Some(i) => {
                m.found += 1;
                if let Some(e) = m.by_kind.get_mut(l.kind) {
                    e.2 += 1;
                }
                let (ds, de) = (i.start - t.start, i.end - t.end);
                if ds.abs() <= TOLERANCE_MS && de.abs() <= TOLERANCE_MS {
                    m.window_ok += 1;
                } else {
                    m.misses.push(format!(
                        "{}: window off by {} s at the start, {} s at the end",
                        l.account.id,
                        ds / 1000,
                        de / 1000
                    ));
                }
            }
            None => m.misses.push(format!("{}: attack not found", l.account.id)),
        }
        if !t.loss.is_empty() {
            m.loss_cases += 1;
            if loss_within(det, t, 0.02) {
                m.loss_ok += 1;
            } else {
                m.misses.push(format!(
                    "{}: loss {:?} vs truth {:?}",
                    l.account.id, det.loss.by_asset, t.loss
                ));
            }
        }
    }
    let mut cited: BTreeSet<&Origin> = BTreeSet::new();
    for f in det
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium)
    {
        cited.extend(f.evidence.iter().map(|e| &e.origin));
    }
    m.evidence_rows += cited.len();
    m.evidence_attack_rows += cited.iter().filter(|o| l.attack_rows.contains(o)).count();
}

/// Run the detectors on every account and measure.
pub fn measure(set: &[Labeled], cfg: &crate::detect::DetectConfig) -> Metrics {
    let mut m = Metrics::default();
    for l in set {
        let det = crate::detect::run(&l.account, cfg);
        add(&mut m, l, &det);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::finding::{Evidence, Finding, LossEstimate, Table, Verdict};
    use crate::evaluate::{Class, Labeled};
    use crate::model::Account;

    fn origin(row: u32) -> Origin {
        Origin {
            file: "trades.csv".into(),
            row,
        }
    }

    fn ev(row: u32) -> Evidence {
        Evidence {
            origin: origin(row),
            table: Table::Fills,
            time: 0,
            symbol: None,
            side: None,
            price: None,
            qty: None,
            asset: None,
            order_id: None,
            trade_id: None,
            txid: None,
            address: None,
        }
    }

    fn truth() -> TruthIncident {
        TruthIncident {
            start: 1_000_000,
            end: 1_100_000,
            symbols: vec!["XYZUSDT".into()],
            addresses: vec![],
            txids: vec![],
            loss: vec![("USDT".into(), Dec::from_int(1000))],
        }
    }

    fn detection(start: i64, end: i64, loss: i64, rows: &[u32]) -> Detection {
        let f = Finding {
            id: "overpay-001".into(),
            detector: "overpay".into(),
            severity: Severity::Medium,
            account: "a".into(),
            start,
            end,
            symbols: vec!["XYZUSDT".into()],
            assets: vec![],
            addresses: vec![],
            txids: vec![],
            value: None,
            statistic: None,
            evidence: rows.iter().map(|&r| ev(r)).collect(),
            explanation: String::new(),
        };
        Detection {
            verdict: Verdict::Suspicious,
            incidents: vec![Incident {
                id: "INC-001".into(),
                account: "a".into(),
                severity: Severity::Medium,
                start,
                end,
                symbols: vec!["XYZUSDT".into()],
                findings: vec!["overpay-001".into()],
                summary: String::new(),
            }],
            findings: vec![f],
            loss: LossEstimate {
                by_asset: vec![("USDT".into(), Dec::from_int(loss))],
                reference: None,
                method: String::new(),
            },
        }
    }

    fn attacked() -> Labeled {
        Labeled {
            account: Account::default(),
            class: Class::Attacked,
            kind: "test",
            incidents: vec![truth()],
            attack_rows: [2, 3, 4].into_iter().map(origin).collect(),
        }
    }

    #[test]
    fn definitions_on_hand_made_outcomes() {
        let mut m = Metrics::default();
        // found; start 30 s early, end 59 s late: within 60 s; loss 1019 of
        // 1000 (1.9 %): within 2 %; rows 2, 3 of the attack and 9 not: 2/3
        add(
            &mut m,
            &attacked(),
            &detection(970_000, 1_159_000, 1019, &[2, 3, 9]),
        );
        assert_eq!((m.found, m.window_ok, m.loss_ok), (1, 1, 1));
        assert_eq!((m.evidence_attack_rows, m.evidence_rows), (2, 3));
        // second: end 61 s late (outside), loss 1021 (2.1 %: outside)
        add(
            &mut m,
            &attacked(),
            &detection(1_000_000, 1_161_000, 1021, &[2]),
        );
        assert_eq!(
            (m.found, m.window_ok, m.loss_ok, m.loss_cases),
            (2, 1, 1, 2)
        );
        // third: the incident ends 61 s before the truth starts: not found
        add(&mut m, &attacked(), &detection(0, 939_000, 1000, &[]));
        assert_eq!((m.found, m.true_incidents), (2, 3));
        assert!((m.recall() - 2.0 / 3.0).abs() < 1e-12);
        // a tricky benign account with a medium incident is a false positive
        let benign = Labeled {
            class: Class::Tricky,
            incidents: vec![],
            attack_rows: BTreeSet::new(),
            ..attacked()
        };
        add(&mut m, &benign, &detection(0, 1, 5, &[7]));
        assert_eq!((m.benign_flagged, m.tricky), (1, 1));
        assert!((m.fp_rate() - 1.0).abs() < 1e-12);
        // 2 + 0 attack rows of 3 + 1 + 0 + 1 cited
        assert_eq!((m.evidence_attack_rows, m.evidence_rows), (3, 5));
    }
}
