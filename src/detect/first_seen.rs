//! `first-seen`: the first trade in a symbol after a long history.
//!
//! What: a symbol first traded at least 14 days after the account's first
//! event. The finding covers that first session (fills with gaps ≤ 1 h) and
//! is weighted by the share of the quote asset's holding spent buying it:
//! `low` from 50 % on (or when the holding is unknown), `info` below.
//! Why: thieves pour the victim's funds into a thin token the victim never
//! held (DETECTORS.md signature B); no prices are needed to see "new".
//! False positives: normal exploration of new coins — hence never more
//! than `low` on its own.

use super::ctx::Ctx;
use super::finding::Severity;
use super::holdings::{holding_before, trade_cutoff};
use super::util::{amt, fill_evidence, finding, pct, share, stat, Flagged};
use crate::decimal::Dec;
use crate::model::Side;
use crate::timefmt::human;
use std::collections::BTreeMap;

pub fn detect(ctx: &Ctx) -> Vec<Flagged> {
    let cfg = &ctx.cfg.first_seen;
    let fills = &ctx.account.fills;
    let Some(history_start) = ctx.first_time() else {
        return Vec::new();
    };
    let min_hist = i64::from(cfg.min_history_days) * 86_400_000;
    let gap = i64::from(cfg.session_gap_s) * 1000;
    let mut by_symbol: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in fills.iter().enumerate() {
        by_symbol.entry(f.symbol.as_str()).or_default().push(i);
    }
    let mut out = Vec::new();
    for (sym, mut idx) in by_symbol {
        idx.sort_by(|&a, &b| {
            (fills[a].time, &fills[a].origin).cmp(&(fills[b].time, &fills[b].origin))
        });
        let first = &fills[idx[0]];
        let history = first.time - history_start;
        if history < min_hist {
            continue;
        }
        let mut end = 1;
        while end < idx.len() && fills[idx[end]].time - fills[idx[end - 1]].time <= gap {
            end += 1;
        }
        let session = &idx[..end];
        let spent: Dec = session
            .iter()
            .filter(|&&i| fills[i].side == Side::Buy)
            .map(|&i| fills[i].quote_qty)
            .sum();
        let q = &first.quote;
        let holding = holding_before(&ctx.holdings, q, &["Spot"], trade_cutoff(first.time));
        let sh = holding
            .and_then(|(h, _)| share(spent, h))
            .map(|s| s.min(1.0));
        let severity = match sh {
            Some(s) if s < cfg.low_share => Severity::Info,
            None if spent.is_zero() => Severity::Info,
            _ => Severity::Low,
        };
        let share_txt = match (holding, sh) {
            (Some((h, _)), Some(s)) => format!("{} of the {} {q} held before", pct(s), amt(h)),
            _ => format!("the {q} holding before is unknown"),
        };
        let explanation = format!(
            "First trade in {sym} at {}, {:.0} days after the account's first recorded event; \
             {} {q} spent buying it in the first session ({share_txt}).",
            human(first.time),
            history as f64 / 86_400_000.0,
            amt(spent),
        );
        let value = (spent.is_positive()).then(|| (q.to_string(), spent));
        let mut f = finding(
            "first-seen",
            severity,
            &ctx.account.id,
            session.iter().map(|&i| fill_evidence(&fills[i])).collect(),
            value,
            Some(stat(
                "share_of_quote_holding_spent",
                sh.unwrap_or(f64::NAN),
                Some(cfg.low_share),
                None,
            )),
            explanation,
        );
        f.assets = vec![first.base.to_string(), q.to_string()];
        f.assets.sort();
        out.push(Flagged {
            finding: f,
            targets: Vec::new(),
            sweep: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::testkit::{d, t, AccountBuilder};

    fn run(day: i64, qty: &str) -> Vec<Flagged> {
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "USDT", "1000")
            .fill(t(day, 10, 0, 0), "XYZ/USDT", "BUY", "2", qty)
            .fill(t(day, 10, 30, 0), "XYZ/USDT", "BUY", "2", qty)
            // 3 h later: a second session, not part of the finding
            .fill(t(day, 13, 30, 0), "XYZ/USDT", "BUY", "2", qty)
            .build();
        let cfg = DetectConfig::default();
        detect(&Ctx::new(&a, &cfg))
    }

    #[test]
    fn large_share_of_holding_is_low() {
        let found = run(20, "150");
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        // first session: 2 * 150 * 2 = 600 USDT of 1000 held: share 0.6 >= 0.5
        assert_eq!(f.severity, Severity::Low);
        assert_eq!(f.value, Some(("USDT".to_string(), d("600"))));
        assert!((f.statistic.as_ref().unwrap().value.unwrap() - 0.6).abs() < 1e-12);
        assert_eq!(f.evidence.len(), 2);
        assert_eq!((f.start, f.end), (t(20, 10, 0, 0), t(20, 10, 30, 0)));
    }

    #[test]
    fn small_share_is_info_and_young_history_nothing() {
        // 2 * 25 * 2 = 100 of 1000: 0.1 < 0.5
        let found = run(20, "25");
        assert_eq!(found[0].finding.severity, Severity::Info);
        // 13 days 10 h after the first event: under 14 days
        assert!(run(13, "150").is_empty());
    }
}
