//! `funding-context`: what surrounds a suspicious trading window.
//!
//! What: for each window of medium+ `burst`, `liquidate-concentrate` or
//! `overpay` findings (overlapping ones merged), one `info` finding stating:
//! whether the quote assets spent were deposited in the 24 h before (thieves
//! do not deposit; a fresh deposit suggests the user's own plan), how long
//! the account was dormant before (≥ 30 days noted), and withdrawals that
//! did not complete within a day of the window (blocked attempts).
//! Why: these facts raise or lower the confidence in the other findings
//! (DETECTORS.md signature D) but prove nothing alone.
//! It never makes an incident by itself and never stretches one's window.

use super::ctx::Ctx;
use super::finding::Severity;
use super::util::{amt, finding, stat, transfer_evidence, Flagged};
use crate::model::{Direction, Side, TimeMs};
use crate::timefmt::human;
use std::collections::BTreeSet;

const TRIGGERS: [&str; 3] = ["burst", "liquidate-concentrate", "overpay"];

/// Merged windows (start, end, symbols) of the triggering findings.
fn windows(ctx: &Ctx, found: &[Flagged]) -> Vec<(TimeMs, TimeMs, BTreeSet<String>)> {
    let slack = i64::from(ctx.cfg.incident.slack_s) * 1000;
    let mut w: Vec<(TimeMs, TimeMs, BTreeSet<String>)> = found
        .iter()
        .map(|f| &f.finding)
        .filter(|f| TRIGGERS.contains(&f.detector.as_str()) && f.severity >= Severity::Medium)
        .map(|f| (f.start, f.end, f.symbols.iter().cloned().collect()))
        .collect();
    w.sort();
    let mut out: Vec<(TimeMs, TimeMs, BTreeSet<String>)> = Vec::new();
    for (s, e, sy) in w {
        match out.last_mut() {
            Some(last) if s <= last.1 + slack => {
                last.1 = last.1.max(e);
                last.2.extend(sy);
            }
            _ => out.push((s, e, sy)),
        }
    }
    out
}

pub fn detect(ctx: &Ctx, found: &[Flagged]) -> Vec<Flagged> {
    let cfg = &ctx.cfg.funding_context;
    let acc = ctx.account;
    let mut out = Vec::new();
    for (s, e, symbols) in windows(ctx, found) {
        let spent: BTreeSet<&str> = acc
            .fills
            .iter()
            .filter(|f| {
                f.side == Side::Buy
                    && f.time >= s
                    && f.time <= e
                    && symbols.contains(f.symbol.as_str())
            })
            .map(|f| f.quote.as_str())
            .collect();
        let mut notes = Vec::new();
        let mut evidence = Vec::new();
        let lookback = i64::from(cfg.no_deposit_s) * 1000;
        for q in &spent {
            let deps: Vec<_> = acc
                .transfers
                .iter()
                .filter(|t| {
                    t.completed
                        && t.direction == Direction::Deposit
                        && t.coin == *q
                        && t.time < s
                        && t.time >= s - lookback
                })
                .collect();
            if deps.is_empty() {
                notes.push(format!(
                    "no deposit of {q} in the {} h before",
                    cfg.no_deposit_s / 3600
                ));
            } else {
                let total = deps.iter().map(|t| t.amount).sum();
                notes.push(format!(
                    "{} {q} deposited in the {} h before (the user may have planned this)",
                    amt(total),
                    cfg.no_deposit_s / 3600
                ));
                evidence.extend(deps.into_iter().map(transfer_evidence));
            }
        }
        let gap_days = ctx
            .last_event_before(s)
            .map(|p| (s - p) as f64 / 86_400_000.0);
        match gap_days {
            Some(g) if g >= f64::from(cfg.dormancy_days) => {
                notes.push(format!("the account was dormant for {g:.0} days before"))
            }
            Some(g) => notes.push(format!("the previous event was {g:.1} days before")),
            None => notes.push("nothing is recorded before it".to_string()),
        }
        let rej = i64::from(cfg.rejected_window_s) * 1000;
        let blocked: Vec<_> = acc
            .transfers
            .iter()
            .filter(|t| {
                t.direction == Direction::Withdrawal
                    && !t.completed
                    && t.time >= s - rej
                    && t.time <= e + rej
            })
            .collect();
        if !blocked.is_empty() {
            notes.push(format!(
                "{} withdrawal(s) that did not complete nearby",
                blocked.len()
            ));
            evidence.extend(blocked.into_iter().map(transfer_evidence));
        }
        let explanation = format!(
            "Around the suspicious window {} to {}: {}.",
            human(s),
            human(e),
            notes.join("; ")
        );
        let mut f = finding(
            "funding-context",
            Severity::Info,
            &acc.id,
            evidence,
            None,
            Some(stat(
                "days_since_previous_event",
                gap_days.unwrap_or(f64::NAN),
                Some(f64::from(cfg.dormancy_days)),
                None,
            )),
            explanation,
        );
        f.start = s;
        f.end = e;
        let mut syms: Vec<String> = symbols.into_iter().collect();
        syms.append(&mut f.symbols);
        syms.sort();
        syms.dedup();
        f.symbols = syms;
        f.assets = spent.iter().map(|s| s.to_string()).collect();
        out.push(Flagged {
            finding: f,
            targets: Vec::new(),
            sweep: false,
        });
    }
    out
}
