//! Incidents: findings grouped by overlapping windows and shared symbols.
//!
//! What: trading findings whose windows overlap (± 5 min slack) and share a
//! symbol form one group. A group is `high` when an activity signal
//! (`burst`) coincides with a value-transfer signal (`liquidate-concentrate`,
//! `overpay`, `round-trip`) on a shared symbol and overlapping window; else
//! it takes its strongest finding's severity (any medium finding → medium;
//! `first-seen` alone → low/info). Groups of `info` findings only are not
//! incidents. A withdrawal to a never-seen address within 24 h after a
//! medium/high trading incident joins it; a sweep that joins becomes
//! `high`. Other sweeps form their own incidents (sweeps within 30 min
//! together). `funding-context` findings attach to the incident they
//! overlap and never stretch its window.
//! Why: the co-occurrence rule of pump-and-dump research (price anomaly and
//! volume anomaly together): few, well-evidenced alerts beat many weak ones.
//! Ids: `INC-001`… in time order, so they are stable across runs.

use super::ctx::Ctx;
use super::finding::{Finding, Incident, Severity};
use super::util::{amt, pval, Flagged};
use crate::model::TimeMs;
use crate::timefmt::human;

const VALUE_TRANSFER: [&str; 3] = ["liquidate-concentrate", "overpay", "round-trip"];

fn overlaps(a: &Finding, b: &Finding, slack: i64) -> bool {
    a.start <= b.end + slack && b.start <= a.end + slack
}

fn share_symbol(a: &Finding, b: &Finding) -> bool {
    a.symbols.iter().any(|s| b.symbols.contains(s))
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    let mut x = i;
    while parent[x] != r {
        let next = parent[x];
        parent[x] = r;
        x = next;
    }
    r
}

struct Group {
    members: Vec<usize>,
    severity: Severity,
}

fn span(found: &[Flagged], members: &[usize]) -> (TimeMs, TimeMs) {
    let fs = members
        .iter()
        .map(|&i| &found[i].finding)
        .filter(|f| f.detector != "funding-context");
    let start = fs.clone().map(|f| f.start).min().unwrap_or(0);
    let end = fs.map(|f| f.end).max().unwrap_or(start);
    (start, end)
}

/// Group `found` (ids assigned, sorted) into incidents; raises joined
/// sweeps to `high`.
pub fn group(ctx: &Ctx, found: &mut [Flagged]) -> Vec<Incident> {
    let slack = i64::from(ctx.cfg.incident.slack_s) * 1000;
    let trading: Vec<usize> = (0..found.len())
        .filter(|&i| {
            !matches!(
                found[i].finding.detector.as_str(),
                "funding-context" | "withdrawal-sweep"
            )
        })
        .collect();
    let mut parent: Vec<usize> = (0..found.len()).collect();
    for (a, &i) in trading.iter().enumerate() {
        for &j in &trading[a + 1..] {
            let (fi, fj) = (&found[i].finding, &found[j].finding);
            if overlaps(fi, fj, slack) && share_symbol(fi, fj) {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                parent[ri.max(rj)] = ri.min(rj);
            }
        }
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    for &i in &trading {
        let r = find(&mut parent, i);
        match roots.iter().position(|&x| x == r) {
            Some(g) => groups[g].members.push(i),
            None => {
                roots.push(r);
                groups.push(Group {
                    members: vec![i],
                    severity: Severity::Info,
                });
            }
        }
    }
    for g in &mut groups {
        let fs: Vec<&Finding> = g.members.iter().map(|&i| &found[i].finding).collect();
        let high = fs.iter().any(|b| {
            b.detector == "burst"
                && fs.iter().any(|v| {
                    VALUE_TRANSFER.contains(&v.detector.as_str())
                        && overlaps(b, v, slack)
                        && share_symbol(b, v)
                })
        });
        g.severity = if high {
            Severity::High
        } else {
            fs.iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(Severity::Info)
        };
    }
    groups.retain(|g| g.severity > Severity::Info);
    join_withdrawals(ctx, found, &mut groups);
    // context findings attach to the first incident they overlap
    for i in 0..found.len() {
        if found[i].finding.detector != "funding-context" {
            continue;
        }
        let hit = groups.iter().position(|g| {
            let (s, e) = span(found, &g.members);
            found[i].finding.start <= e + slack && s <= found[i].finding.end + slack
        });
        if let Some(g) = hit {
            groups[g].members.push(i);
        }
    }
    let mut incidents: Vec<Incident> = groups
        .into_iter()
        .map(|mut g| {
            g.members.sort();
            let (start, end) = span(found, &g.members);
            let mut symbols: Vec<String> = g
                .members
                .iter()
                .map(|&i| &found[i].finding)
                .filter(|f| f.detector != "funding-context")
                .flat_map(|f| f.symbols.iter().cloned())
                .collect();
            symbols.sort();
            symbols.dedup();
            let fs: Vec<&Flagged> = g.members.iter().map(|&i| &found[i]).collect();
            Incident {
                id: String::new(),
                account: ctx.account.id.clone(),
                severity: g.severity,
                start,
                end,
                summary: summary(g.severity, start, end, &symbols, &fs),
                symbols,
                findings: fs.iter().map(|f| f.finding.id.clone()).collect(),
            }
        })
        .collect();
    incidents.sort_by(|a, b| (a.start, a.end, &a.findings).cmp(&(b.start, b.end, &b.findings)));
    for (n, inc) in incidents.iter_mut().enumerate() {
        inc.id = format!("INC-{:03}", n + 1);
    }
    incidents
}

/// Withdrawals to never-seen addresses within the join window after a
/// medium/high trading incident join it (sweeps become `high`); other
/// sweeps form incidents of their own.
fn join_withdrawals(ctx: &Ctx, found: &mut [Flagged], groups: &mut Vec<Group>) {
    let cfg = &ctx.cfg.withdrawal_sweep;
    let join = i64::from(cfg.join_after_s) * 1000;
    let multi = i64::from(cfg.multi_coin_window_s) * 1000;
    let n_trading = groups.len();
    let spans: Vec<(TimeMs, TimeMs)> = groups.iter().map(|g| span(found, &g.members)).collect();
    for i in 0..found.len() {
        if found[i].finding.detector != "withdrawal-sweep" {
            continue;
        }
        let t = found[i].finding.start;
        // the most recent qualifying trading incident
        let target = (0..n_trading)
            .filter(|&g| {
                groups[g].severity >= Severity::Medium && spans[g].0 <= t && t <= spans[g].1 + join
            })
            .max_by_key(|&g| (spans[g].0, std::cmp::Reverse(g)));
        if let Some(g) = target {
            if found[i].sweep {
                found[i].finding.severity = Severity::High;
                found[i].finding.explanation.push_str(&format!(
                    " Raised to high: within {} h after a {} trading incident.",
                    cfg.join_after_s / 3600,
                    groups[g].severity.as_str()
                ));
                groups[g].severity = Severity::High;
            }
            groups[g].members.push(i);
            continue;
        }
        if !found[i].sweep {
            continue;
        }
        let near = (n_trading..groups.len()).find(|&g| {
            let (_, e) = span(found, &groups[g].members);
            t - e <= multi
        });
        let sev = found[i].finding.severity;
        match near {
            Some(g) => {
                groups[g].members.push(i);
                groups[g].severity = groups[g].severity.max(sev);
            }
            None => groups.push(Group {
                members: vec![i],
                severity: sev,
            }),
        }
    }
}

/// A short phrase per finding (`targets`: the symbols value went into).
fn phrase(f: &Finding, targets: &[String]) -> String {
    let syms = f.symbols.join(", ");
    let value = f
        .value
        .as_ref()
        .map(|(a, v)| format!("{} {a}", amt(*v)))
        .unwrap_or_default();
    match f.detector.as_str() {
        "burst" => {
            let s = f.statistic.as_ref();
            let k = s.and_then(|s| s.value).unwrap_or(0.0);
            let p = s.and_then(|s| s.p_value).map(pval).unwrap_or_default();
            format!("a burst of orders ({k:.0} in the busiest window, p = {p})")
        }
        "liquidate-concentrate" => {
            let mut sold: Vec<&str> = f
                .evidence
                .iter()
                .filter(|e| e.side.as_deref() == Some("SELL"))
                .filter_map(|e| e.symbol.as_deref())
                .collect();
            sold.sort();
            sold.dedup();
            format!(
                "holdings sold in {} and {value} poured into {}",
                sold.join(", "),
                targets.join(", ")
            )
        }
        "overpay" => format!("overpaying {value} in {syms}"),
        "first-seen" => format!("first trade in {syms}"),
        "self-trade" => format!("self-trades in {syms}"),
        "withdrawal-sweep" => format!("{value} withdrawn to a new address"),
        other => format!("{other} ({syms})"),
    }
}

fn summary(
    sev: Severity,
    start: TimeMs,
    end: TimeMs,
    symbols: &[String],
    fs: &[&Flagged],
) -> String {
    let parts: Vec<String> = fs
        .iter()
        .filter(|f| f.finding.detector != "funding-context")
        .map(|f| phrase(&f.finding, &f.targets))
        .collect();
    let on = if symbols.is_empty() {
        String::new()
    } else {
        format!(" on {}", symbols.join(", "))
    };
    let mut s = format!(
        "{} incident from {} to {}{on}: {}.",
        capital(sev.as_str()),
        human(start),
        human(end),
        parts.join("; ")
    );
    if sev == Severity::High && fs.iter().any(|f| f.finding.detector == "burst") {
        s.push_str(" A burst of orders coincides with a transfer of value: the signature of a stolen API key.");
    }
    s
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}
