//! `withdrawal-sweep`: funds withdrawn to addresses never used before.
//!
//! What: a completed crypto withdrawal to an address not seen in any earlier
//! completed transfer of the account (earlier withdrawals to it within the
//! last 30 min, the multi-coin window, do not count: a thief sweeps several
//! coins to one fresh address within minutes; a deposit from it does),
//! taking ≥ 90 % of the coin's holding
//! (amount + fee against the Spot + Funding running balance just before;
//! where the book does not know the balance, against the coin's known
//! inflows — deposits, buys, sales into it — and the explanation says so).
//! Severity here: `medium` when ≥ 2 coins are swept within 30 min, or after
//! ≥ 30 days without any account event, or within a day of a withdrawal
//! that did not complete; else `low`. A sweep within 24 h after a
//! medium/high trading incident becomes `high` and joins it (incident.rs).
//! Withdrawals to never-seen addresses that are not sweeps are `info`.
//! Why: with a withdrawal-enabled key the thief empties the account to
//! fresh addresses (DETECTORS.md signature D).
//! False positives: the user cashing out to a new wallet — hence `low` alone.

use super::ctx::Ctx;
use super::finding::Severity;
use super::util::{amt, finding, pct, share, stat, transfer_evidence, Flagged};
use crate::decimal::Dec;
use crate::model::{Direction, Side, TimeMs, Transfer};
use crate::timefmt::human;
use std::collections::{BTreeMap, BTreeSet};

/// Addresses compare case-insensitively for hex (0x…) addresses only.
fn norm_addr(a: &str) -> String {
    let a = a.trim();
    if a.starts_with("0x") || a.starts_with("0X") {
        a.to_ascii_lowercase()
    } else {
        a.to_string()
    }
}

/// One withdrawal to a never-seen address.
struct Candidate<'a> {
    t: &'a Transfer,
    gross: Dec,
    share: Option<f64>,
    /// What the share was measured against, in words.
    basis: String,
    sweep: bool,
    /// First use of the address by an earlier withdrawal of the same run.
    earlier: Option<TimeMs>,
}

/// Known inflows of `coin` before `cutoff`: completed deposits, bought as
/// base, received as quote.
fn known_inflows(ctx: &Ctx, coin: &str, cutoff: TimeMs) -> Dec {
    let dep: Dec = ctx
        .account
        .transfers
        .iter()
        .filter(|t| {
            t.completed && t.direction == Direction::Deposit && t.coin == coin && t.time < cutoff
        })
        .map(|t| t.amount)
        .sum();
    let fills: Dec = ctx
        .account
        .fills
        .iter()
        .filter(|f| f.time < cutoff)
        .map(|f| match f.side {
            Side::Buy if f.base == coin => f.qty,
            Side::Sell if f.quote == coin => f.quote_qty,
            _ => Dec::ZERO,
        })
        .sum();
    dep + fills
}

fn candidates<'a>(ctx: &'a Ctx) -> Vec<Candidate<'a>> {
    let min = ctx.cfg.withdrawal_sweep.min_share;
    let mut ts: Vec<&Transfer> = ctx.account.transfers.iter().collect();
    ts.sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
    // per address: first completed use, and whether every use so far was a
    // withdrawal; the user's own addresses (allowlist) count as used
    let mut used: BTreeMap<String, (TimeMs, bool)> = ctx
        .cfg
        .allow
        .addresses
        .iter()
        .map(|a| (norm_addr(a), (TimeMs::MIN, false)))
        .collect();
    // A sweep empties several coins to one fresh address within minutes: the
    // address is still "never used before" the sweep for every coin of it.
    let run = i64::from(ctx.cfg.withdrawal_sweep.multi_coin_window_s) * 1000;
    let mut out = Vec::new();
    for t in ts {
        let addr = t
            .address
            .as_deref()
            .map(norm_addr)
            .filter(|a| !a.is_empty());
        let Some(addr) = addr else { continue };
        let prior = used.get(&addr).copied();
        let fresh =
            prior.is_none_or(|(first, only_out)| only_out && t.time.saturating_sub(first) <= run);
        let is_out = t.direction == Direction::Withdrawal;
        if t.completed {
            let e = used.entry(addr).or_insert((t.time, true));
            e.1 &= is_out;
        }
        if !(fresh && t.completed && !t.fiat && is_out) {
            continue;
        }
        let gross = t.amount + t.fee;
        let (share_v, basis) =
            match ctx
                .holdings
                .ledger_before(&t.coin, &["Spot", "Funding"], t.time)
            {
                Some(h) => (
                    share(gross, h),
                    format!("the {} {} held before", amt(h), t.coin),
                ),
                None => {
                    let inflow = known_inflows(ctx, &t.coin, t.time);
                    (
                        share(gross, inflow),
                        format!(
                            "the {} {} of known inflows (the holding before is not in the exports)",
                            amt(inflow),
                            t.coin
                        ),
                    )
                }
            };
        let share_v = share_v.map(|s| s.min(1.0));
        out.push(Candidate {
            t,
            gross,
            share: share_v,
            basis,
            sweep: share_v.is_some_and(|s| s >= min),
            earlier: prior.map(|(first, _)| first),
        });
    }
    out
}

pub fn detect(ctx: &Ctx) -> Vec<Flagged> {
    let cfg = &ctx.cfg.withdrawal_sweep;
    let cands = candidates(ctx);
    let multi = i64::from(cfg.multi_coin_window_s) * 1000;
    let dormancy = i64::from(cfg.dormancy_days) * 86_400_000;
    let rej_win = i64::from(cfg.rejected_window_s) * 1000;
    let mut out = Vec::new();
    for c in &cands {
        let t = c.t;
        let mut reasons = Vec::new();
        let mut evidence = vec![transfer_evidence(t)];
        if c.sweep {
            let coins: BTreeSet<&str> = cands
                .iter()
                .filter(|o| o.sweep && (o.t.time - t.time).abs() <= multi)
                .map(|o| o.t.coin.as_str())
                .collect();
            if coins.len() >= cfg.multi_coin_count as usize {
                reasons.push(format!(
                    "{} coins swept within {} min",
                    coins.len(),
                    cfg.multi_coin_window_s / 60
                ));
            }
            if let Some(prev) = ctx.last_event_before(t.time) {
                if t.time - prev >= dormancy {
                    reasons.push(format!(
                        "after {:.0} days without activity",
                        (t.time - prev) as f64 / 86_400_000.0
                    ));
                }
            }
            let rejected: Vec<&Transfer> = ctx
                .account
                .transfers
                .iter()
                .filter(|o| {
                    o.direction == Direction::Withdrawal
                        && !o.completed
                        && (o.time - t.time).abs() <= rej_win
                })
                .collect();
            if !rejected.is_empty() {
                reasons.push(format!(
                    "{} withdrawal(s) that did not complete nearby",
                    rejected.len()
                ));
                evidence.extend(rejected.into_iter().map(transfer_evidence));
            }
        }
        let severity = match (c.sweep, reasons.is_empty()) {
            (false, _) => Severity::Info,
            (true, true) => Severity::Low,
            (true, false) => Severity::Medium,
        };
        let addr = t.address.clone().unwrap_or_default();
        let took = match c.share {
            Some(s) => format!("{} of {}", pct(s), c.basis),
            None => format!("an unknown share ({} is zero)", c.basis),
        };
        let fresh = match c.earlier {
            Some(first) => format!(
                "an address first used {} earlier by a withdrawal of the same run, never before \
                 it",
                super::util::dur(t.time - first)
            ),
            None => "an address not used before in this account's transfers".to_string(),
        };
        let mut explanation = format!(
            "Withdrawal at {} of {} {} (+{} fee) to {addr}, {fresh}; it took {took}.",
            human(t.time),
            t.amount,
            t.coin,
            t.fee,
        );
        if !reasons.is_empty() {
            explanation.push_str(&format!(" Raised to medium: {}.", reasons.join("; ")));
        }
        let mut f = finding(
            "withdrawal-sweep",
            severity,
            &ctx.account.id,
            evidence,
            Some((t.coin.to_string(), c.gross)),
            Some(stat(
                "share_of_holding",
                c.share.unwrap_or(f64::NAN),
                Some(cfg.min_share),
                None,
            )),
            explanation,
        );
        f.start = t.time;
        f.end = t.time;
        f.assets = vec![t.coin.to_string()];
        out.push(Flagged {
            finding: f,
            targets: Vec::new(),
            sweep: c.sweep,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::testkit::{d, t, AccountBuilder};

    fn sev(a: &crate::model::Account) -> Vec<(Severity, bool)> {
        let cfg = DetectConfig::default();
        detect(&Ctx::new(a, &cfg))
            .iter()
            .map(|f| (f.finding.severity, f.sweep))
            .collect()
    }

    #[test]
    fn sweep_alone_is_low_with_exact_value() {
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "BTC", "1")
            .withdrawal(t(1, 0, 0, 0), "BTC", "0.9995", "0.0005", "bc1new", true)
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        // 0.9995 + 0.0005 = 1 of 1 held: share 1
        assert_eq!((f.severity, found[0].sweep), (Severity::Low, true));
        assert_eq!(f.value, Some(("BTC".to_string(), d("1"))));
        assert_eq!(f.statistic.as_ref().unwrap().value, Some(1.0));
        assert_eq!(f.addresses, vec!["bc1new"]);
    }

    #[test]
    fn partial_or_known_address_is_not_a_sweep() {
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "BTC", "1")
            // 0.5 of 1: info only
            .withdrawal(t(1, 0, 0, 0), "BTC", "0.5", "0", "bc1new", true)
            // same address again: not new, nothing
            .withdrawal(t(2, 0, 0, 0), "BTC", "0.5", "0", "bc1new", true)
            .build();
        assert_eq!(sev(&a), vec![(Severity::Info, false)]);
    }

    #[test]
    fn medium_after_dormancy_two_coins_or_a_rejected_attempt() {
        // 40 days silent, then a full sweep: medium
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "BTC", "1")
            .withdrawal(t(40, 0, 0, 0), "BTC", "1", "0", "bc1new", true)
            .build();
        assert_eq!(sev(&a), vec![(Severity::Medium, true)]);
        // two coins swept 10 min apart: both medium
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "BTC", "1")
            .deposit(t(0, 0, 0, 0), "ETH", "5")
            .withdrawal(t(1, 0, 0, 0), "BTC", "1", "0", "bc1new", true)
            .withdrawal(t(1, 0, 10, 0), "ETH", "5", "0", "0xABC", true)
            .build();
        assert_eq!(
            sev(&a),
            vec![(Severity::Medium, true), (Severity::Medium, true)]
        );
        // two coins swept to one fresh address 10 min apart: the address
        // is still new for the second coin, both medium
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "BTC", "1")
            .deposit(t(0, 0, 0, 0), "ETH", "5")
            .withdrawal(t(1, 0, 0, 0), "BTC", "1", "0", "bc1new", true)
            .withdrawal(t(1, 0, 10, 0), "ETH", "5", "0", "bc1new", true)
            .build();
        assert_eq!(
            sev(&a),
            vec![(Severity::Medium, true), (Severity::Medium, true)]
        );
        // ... but not a day later: that address was used before
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "BTC", "1")
            .deposit(t(0, 0, 0, 0), "ETH", "5")
            .withdrawal(t(1, 0, 0, 0), "BTC", "1", "0", "bc1new", true)
            .withdrawal(t(2, 0, 0, 0), "ETH", "5", "0", "bc1new", true)
            .build();
        assert_eq!(sev(&a), vec![(Severity::Low, true)]);
        // ... nor 10 min after a deposit from it: the user's own wallet
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "BTC", "1")
            .deposit_from(t(1, 0, 0, 0), "ETH", "5", "0xmine")
            .withdrawal(t(1, 0, 10, 0), "ETH", "5", "0", "0xmine", true)
            .build();
        assert_eq!(sev(&a), vec![]);
        // a rejected attempt 5 min before: medium, with the attempt as evidence
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "BTC", "1")
            .withdrawal(t(1, 0, 0, 0), "BTC", "1", "0", "bc1other", false)
            .withdrawal(t(1, 0, 5, 0), "BTC", "1", "0", "bc1new", true)
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].finding.severity, Severity::Medium);
        assert_eq!(found[0].finding.evidence.len(), 2);
        assert_eq!(found[0].finding.start, t(1, 0, 5, 0));
    }

    #[test]
    fn unknown_holding_uses_known_inflows() {
        // no ledger at all: inflows = deposit 2 ETH; 1.9 / 2 = 0.95 >= 0.9
        let a = AccountBuilder::new("a")
            .no_derived_ledger()
            .deposit(t(0, 0, 0, 0), "ETH", "2")
            .withdrawal(t(1, 0, 0, 0), "ETH", "1.9", "0", "0xnew", true)
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert!(found[0].sweep);
        assert!(found[0].finding.explanation.contains("known inflows"));
        assert!((found[0].finding.statistic.as_ref().unwrap().value.unwrap() - 0.95).abs() < 1e-12);
    }
}
