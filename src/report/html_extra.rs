//! Parts of the `index.html` view added for the evidence pack: the
//! chronological incident timeline and the facts the "next steps"
//! checklist is drawn from. Plain JSON values for the template.

use crate::analysis::Analysis;
use crate::detect::finding::{Severity, Table};
use crate::timefmt::human;
use serde_json::{json, Value as J};
use std::collections::BTreeMap;

/// Every finding of every incident, in time order (start, then id): when,
/// which incident, what. The first sentence of each explanation.
pub fn incident_timeline(a: &Analysis) -> Vec<J> {
    let d = &a.detection;
    let incident_of: BTreeMap<&str, &str> = d
        .incidents
        .iter()
        .flat_map(|i| i.findings.iter().map(move |f| (f.as_str(), i.id.as_str())))
        .collect();
    let mut rows: Vec<_> = d
        .findings
        .iter()
        .filter_map(|f| incident_of.get(f.id.as_str()).map(|inc| (f, *inc)))
        .collect();
    rows.sort_by(|x, y| (x.0.start, &x.0.id).cmp(&(y.0.start, &y.0.id)));
    rows.into_iter()
        .map(|(f, inc)| {
            json!({
                "start": human(f.start), "end": human(f.end), "incident": inc,
                "finding": f.id, "detector": f.detector, "severity": f.severity.as_str(),
                "what": first_sentence(&f.explanation),
            })
        })
        .collect()
}

/// Facts for the checklist: per medium/high incident the first and last
/// order time in its evidence, and whether any withdrawal is evidence.
pub fn next_steps(a: &Analysis) -> J {
    let d = &a.detection;
    let by_id: BTreeMap<&str, _> = d.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut orders = Vec::new();
    let mut withdrawals = 0usize;
    for i in d
        .incidents
        .iter()
        .filter(|i| i.severity >= Severity::Medium)
    {
        let times: Vec<i64> = i
            .findings
            .iter()
            .filter_map(|id| by_id.get(id.as_str()))
            .flat_map(|f| f.evidence.iter())
            .filter(|e| matches!(e.table, Table::Orders | Table::Fills))
            .map(|e| e.time)
            .collect();
        if let (Some(lo), Some(hi)) = (times.iter().min(), times.iter().max()) {
            orders.push(format!(
                "{}: orders from {} to {}",
                i.id,
                human(*lo),
                human(*hi)
            ));
        }
    }
    for f in d.findings.iter().filter(|f| f.severity >= Severity::Medium) {
        withdrawals += f
            .evidence
            .iter()
            .filter(|e| e.table == Table::Transfers && e.side.as_deref() == Some("withdrawal"))
            .count();
    }
    json!({
        "order_windows": orders,
        "withdrawals": withdrawals,
        "unauthorized": d.verdict != crate::detect::finding::Verdict::Clean,
    })
}

/// Up to the first `. ` (keeping the full stop), else the whole text.
fn first_sentence(s: &str) -> String {
    match s.find(". ") {
        Some(i) => s[..=i].to_string(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_analysis;

    #[test]
    fn timeline_lists_incident_findings_in_time_order() {
        let a = sample_analysis();
        let t = incident_timeline(&a);
        let inc = &a.detection.incidents[0];
        assert_eq!(t.len(), inc.findings.len());
        let mut want: Vec<(i64, String)> = a
            .detection
            .findings
            .iter()
            .filter(|f| inc.findings.contains(&f.id))
            .map(|f| (f.start, f.id.clone()))
            .collect();
        want.sort();
        let got: Vec<String> = t
            .iter()
            .map(|r| r["finding"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, want.into_iter().map(|w| w.1).collect::<Vec<_>>());
    }

    #[test]
    fn first_sentence_stops_at_the_first_full_stop() {
        assert_eq!(first_sentence("A b. C d."), "A b.");
        assert_eq!(first_sentence("p = 0.5 here"), "p = 0.5 here");
    }
}
