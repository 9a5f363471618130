//! Rule metadata for `binance-forensics rules`: what each detector looks
//! for, its severity range, and its known false positives. The thresholds
//! themselves (with their rationale) are the sections of `defaults.toml`.

/// One detector's description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    /// Section of `defaults.toml` holding its thresholds (None: none).
    pub section: Option<&'static str>,
    pub looks_for: &'static str,
    pub severity: &'static str,
    pub false_positives: &'static str,
}

pub const RULES: [Rule; 9] = [
    Rule {
        id: "burst",
        section: Some("burst"),
        looks_for: "rapid-fire orders: the busiest 10/60/300 s window against the account's own \
                    order rate outside it (Poisson scan statistic, Bonferroni over window \
                    positions and lengths); Kleinberg's two-state automaton delimits the burst",
        severity: "medium; low when it is the account's routine; high next to a value transfer",
        false_positives: "the user's own bots (DCA, grid); a manual rush of a few orders",
    },
    Rule {
        id: "liquidate-concentrate",
        section: Some("liquidate_concentrate"),
        looks_for: "within 60 min: >= 3 assets sold into one quote asset, median share of each \
                    holding sold >= 0.9, >= 0.8 of that quote spent on one symbol",
        severity: "medium; low when the target was traded before at ordinary prices",
        false_positives: "a deliberate rotation of the portfolio into one coin (Convert and dust \
                          are statement rows, never fills, so they never count)",
    },
    Rule {
        id: "overpay",
        section: Some("overpay"),
        looks_for: "buying far above (selling far below) the account's own prices: deviation from \
                    the median of own fills outside +-6 h, robust z of log price, within-order \
                    sweep, rising consecutive orders",
        severity: "medium",
        false_positives: "volatile coins, new listings, de-pegs",
    },
    Rule {
        id: "round-trip",
        section: Some("round_trip"),
        looks_for: "buy-high / sell-low loops: per symbol in 1 h / 1 d, >= 2 buys and >= 2 sells, \
                    |net qty| / mean order qty <= 0.1, realised P&L <= -5 % of buy notional",
        severity: "medium",
        false_positives: "grid and market-making bots (maker-heavy, small P&L: under the -5 %)",
    },
    Rule {
        id: "first-seen",
        section: Some("first_seen"),
        looks_for: "a symbol traded for the first time after >= 14 days of history, weighted by \
                    the share of the quote holding spent on it",
        severity: "info, low when >= 50 % of the quote holding went into it",
        false_positives: "normal exploration: never more than low alone",
    },
    Rule {
        id: "self-trade",
        section: Some("self_trade"),
        looks_for: "a buy and a sell of the same symbol, equal quantity and price, in one second",
        severity: "low for one pair, medium for >= 2 in an hour",
        false_positives: "rare since self-trade prevention (2023); old histories, sub-accounts",
    },
    Rule {
        id: "withdrawal-sweep",
        section: Some("withdrawal_sweep"),
        looks_for: ">= 90 % of a coin's holding withdrawn to an address never seen before \
                    (own addresses in [allow].addresses count as seen)",
        severity:
            "high within 24 h after a medium/high trading incident; medium for >= 2 coins \
                   within 30 min, after >= 30 days dormancy or next to a rejected attempt; else low",
        false_positives: "the user cashing out to a new wallet",
    },
    Rule {
        id: "funding-context",
        section: Some("funding_context"),
        looks_for:
            "what surrounds a suspicious window: no deposit of the spent asset in the prior \
                    24 h, dormancy >= 30 days, rejected withdrawals nearby",
        severity: "info; never an incident by itself",
        false_positives: "-",
    },
    Rule {
        id: "size-pattern",
        section: Some("size_pattern"),
        looks_for:
            "scripted sizes: one quantity repeated in >= 50 % (>= 10) of a symbol's orders; \
                    first digits against Benford's law (chi-square, only n >= 300)",
        severity: "info only",
        false_positives: "high: bots and habits repeat sizes by design",
    },
];

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The lines of `defaults.toml` from `[section]` up to the next section.
pub fn defaults_section(section: &str) -> String {
    let head = format!("[{section}]");
    let mut out = Vec::new();
    let mut on = false;
    // comments directly above the header belong to the previous key block;
    // the section starts at its header
    for line in super::config::DEFAULTS_TOML.lines() {
        if line.starts_with('[') {
            on = line.trim() == head;
        }
        if on {
            out.push(line);
        }
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detector_run_has_a_rule_and_a_defaults_section() {
        for r in RULES {
            let s = defaults_section(r.section.unwrap());
            assert!(
                s.starts_with(&format!("[{}]", r.section.unwrap())),
                "{}",
                r.id
            );
            assert!(s.lines().count() > 2, "{}", r.id);
        }
        // the section stops at the next header
        let b = defaults_section("round_trip");
        assert!(b.contains("min_loss_share = 0.05"));
        assert!(!b.contains("[size_pattern]"));
        assert!(find("overpay").is_some() && find("nope").is_none());
    }
}
