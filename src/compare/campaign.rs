//! `campaign`: one joint finding per symbol and window naming exactly the
//! accounts that one attacker drove into the same symbol.
//!
//! Members are the accounts of a `co-timed-entry` group (first buy of the
//! symbol within 15 min of each other) that also show the attack itself:
//! a single-account incident of medium or higher severity overlapping
//! their entry (± 15 min), or fills at a non-round price that another
//! group member was filled at too (`same-fill-price`). A user who merely
//! chases the pump minutes later (no incident, own prices) is left out;
//! so are unrelated accounts with bursts or shared addresses alone.
//! The finding lists each member's loss (the single-account estimate) and
//! the total, and every member's evidence (first fill, shared-price fills).

use super::first_entry::{groups, EntryGroup};
use super::same_price::{shared, SharedPrice};
use super::{finding, AccountSummary, WINDOW_MS};
use crate::decimal::Dec;
use crate::detect::finding::{Evidence, Finding, LossEstimate, Severity, Statistic, Verdict};
use crate::timefmt::human;
use std::collections::{BTreeMap, BTreeSet};

pub const DETECTOR: &str = "campaign";
/// At most this many shared-price fills are cited per member.
const MAX_PRICE_EVIDENCE: usize = 20;

#[derive(Clone, Debug, PartialEq)]
pub struct CampaignMember {
    pub account: String,
    pub verdict: Verdict,
    /// The member's attack window: its overlapping incidents, else its entry.
    pub start: i64,
    pub end: i64,
    pub loss: LossEstimate,
    /// Ids of the other cross-account findings that name this account
    /// in the campaign window (or shared transfers at any time).
    pub shared: Vec<String>,
    /// Non-round prices this member shares with another member.
    pub shared_prices: usize,
    pub evidence: Vec<Evidence>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    pub symbol: String,
    pub start: i64,
    pub end: i64,
    /// Sorted by account id.
    pub members: Vec<CampaignMember>,
    /// Sum of the members' losses per asset, sorted by asset.
    pub total_by_asset: Vec<(String, Dec)>,
    /// Sum of the members' reference losses, where every member is priced
    /// in the same reference asset.
    pub total_reference: Option<(String, Dec)>,
    pub finding: Finding,
}

/// Build the campaigns; `others` are the numbered cross-account findings.
pub fn detect(accounts: &[AccountSummary], others: &[Finding]) -> Vec<Campaign> {
    let by_id: BTreeMap<&str, &AccountSummary> =
        accounts.iter().map(|a| (a.account.as_str(), a)).collect();
    let prices = shared(accounts);
    let mut out = Vec::new();
    for g in groups(accounts) {
        if let Some(c) = campaign(&g, &by_id, &prices, others) {
            out.push(c);
        }
    }
    out
}

fn campaign(
    g: &EntryGroup<'_>,
    by_id: &BTreeMap<&str, &AccountSummary>,
    prices: &[SharedPrice],
    others: &[Finding],
) -> Option<Campaign> {
    let group = g.accounts();
    let (lo, hi) = (g.start() - WINDOW_MS, g.end() + WINDOW_MS);
    // Prices shared by ≥ 2 accounts of the group in the group's window.
    let in_window: Vec<&SharedPrice> = prices
        .iter()
        .filter(|p| p.symbol == g.symbol && p.start <= hi + WINDOW_MS && lo <= p.end)
        .filter(|p| p.accounts.intersection(&group).count() >= 2)
        .collect();
    let mut members = Vec::new();
    // First-buy times of the members only (the entry group may hold others).
    let mut entry_times: Vec<i64> = Vec::new();
    for (id, entry) in &g.entries {
        let acc = by_id.get(id)?;
        // A suspect (the other side's account) is evidence, not a victim.
        if acc.suspect {
            continue;
        }
        let incidents: Vec<_> = acc
            .incidents
            .iter()
            .filter(|i| i.severity >= Severity::Medium)
            .filter(|i| i.start <= entry.time + WINDOW_MS && entry.time - WINDOW_MS <= i.end)
            .collect();
        let mine: Vec<&&SharedPrice> = in_window
            .iter()
            .filter(|p| p.accounts.contains(*id))
            .collect();
        if incidents.is_empty() && mine.is_empty() {
            continue;
        }
        let start = incidents
            .iter()
            .map(|i| i.start)
            .min()
            .unwrap_or(entry.time)
            .min(entry.time);
        let end = incidents
            .iter()
            .map(|i| i.end)
            .max()
            .unwrap_or(entry.time)
            .max(entry.time);
        let mut evidence = vec![entry.evidence.clone()];
        evidence.extend(
            mine.iter()
                .flat_map(|p| p.fills.iter().filter(|f| f.0 == *id).map(|f| f.1.clone()))
                .take(MAX_PRICE_EVIDENCE),
        );
        evidence.sort();
        evidence.dedup();
        entry_times.push(entry.time);
        members.push(CampaignMember {
            account: id.to_string(),
            verdict: acc.verdict,
            start,
            end,
            loss: acc.loss.clone(),
            shared: Vec::new(),
            shared_prices: mine.len(),
            evidence,
        });
    }
    if members.len() < 2 {
        return None;
    }
    members.sort_by(|a, b| a.account.cmp(&b.account));
    let start = members.iter().map(|m| m.start).min().unwrap_or(0);
    let end = members.iter().map(|m| m.end).max().unwrap_or(0);
    for m in &mut members {
        m.shared = others
            .iter()
            .filter(|f| f.account.split(',').any(|a| a == m.account))
            .filter(|f| {
                matches!(f.detector.as_str(), "shared-address" | "shared-txid")
                    || (f.start <= end + WINDOW_MS && start - WINDOW_MS <= f.end)
            })
            .map(|f| f.id.clone())
            .collect();
    }
    let mut by_asset: BTreeMap<String, Dec> = BTreeMap::new();
    for m in &members {
        for (asset, v) in &m.loss.by_asset {
            *by_asset.entry(asset.clone()).or_default() += *v;
        }
    }
    let refs: Vec<&(String, Dec)> = members
        .iter()
        .filter_map(|m| m.loss.reference.as_ref())
        .collect();
    let total_reference = match refs.first() {
        Some(first) if refs.len() == members.len() && refs.iter().all(|r| r.0 == first.0) => {
            Some((first.0.clone(), refs.iter().fold(Dec::ZERO, |s, r| s + r.1)))
        }
        _ => None,
    };
    let ids: BTreeSet<String> = members.iter().map(|m| m.account.clone()).collect();
    let losses: Vec<String> = members
        .iter()
        .map(|m| match &m.loss.reference {
            Some((a, v)) => format!("{} {v} {a}", m.account),
            None => format!("{} unpriced", m.account),
        })
        .collect();
    let total_text = match &total_reference {
        Some((a, v)) => format!("{v} {a}"),
        None => "not summable in one asset".to_string(),
    };
    let mut f = finding(
        DETECTOR,
        Severity::High,
        &ids,
        start,
        end,
        vec![g.symbol.clone()],
        members.iter().flat_map(|m| m.evidence.clone()).collect(),
        format!(
            "One campaign: {} accounts were driven into {} between {} and {} (first buys within {} s, \
             {} identical non-round fill price(s)). Losses: {}; total {}.",
            members.len(),
            g.symbol,
            human(start),
            human(end),
            (entry_times.iter().max().unwrap_or(&0) - entry_times.iter().min().unwrap_or(&0)) / 1000,
            in_window.len(),
            losses.join(", "),
            total_text
        ),
    );
    f.value = total_reference.clone();
    f.assets = by_asset.keys().cloned().collect();
    f.statistic = Some(Statistic {
        name: "accounts".into(),
        value: Some(members.len() as f64),
        threshold: Some(2.0),
        p_value: None,
    });
    Some(Campaign {
        symbol: g.symbol.clone(),
        start,
        end,
        members,
        total_by_asset: by_asset.into_iter().collect(),
        total_reference,
        finding: f,
    })
}
