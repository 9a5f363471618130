//! `round-trip`: buy-high / sell-low loops at a loss.
//!
//! What: per symbol, in a window of 1 h (then 1 d) starting at an order,
//! the orders hold ≥ 2 buys and ≥ 2 sells, the position comes back to
//! where it started (|bought − sold| / mean order quantity ≤ 0.1) and the
//! realised P&L (sell proceeds − buy cost on the matched quantity, exact)
//! is ≤ −5 % of the buy notional. Value = the realised loss in the quote
//! asset. The first qualifying window is reported and the scan resumes
//! after it.
//! Why: a thief with a trade-only key can also move value by buying the
//! token from his own asks high and selling it back to his own bids low,
//! again and again (DETECTORS.md signature C).
//! False positives: grid and market-making bots also buy and sell the same
//! quantity back and forth, but maker-heavy with a small P&L: the −5 %
//! threshold leaves them alone.

use super::ctx::Ctx;
use super::finding::Severity;
use super::orders::OrderView;
use super::util::{amt, finding, pct, stat, Flagged};
use crate::decimal::Dec;
use crate::model::Side;
use crate::timefmt::human;
use std::collections::BTreeMap;

/// The statistics of one window of a symbol's orders.
#[derive(Clone, Debug, PartialEq)]
pub struct Loop {
    pub buys: usize,
    pub sells: usize,
    pub bought: Dec,
    pub sold: Dec,
    pub buy_cost: Dec,
    pub sell_proceeds: Dec,
    /// |bought − sold| / mean order quantity.
    pub imbalance: f64,
    /// Realised P&L on the matched quantity (negative = loss).
    pub pnl: Dec,
    /// pnl / buy notional.
    pub pnl_share: f64,
}

/// The loop statistics of `orders` (executed orders of one symbol).
pub fn measure(orders: &[&OrderView]) -> Option<Loop> {
    let (mut buys, mut sells) = (0, 0);
    let (mut bought, mut sold, mut cost, mut proceeds) =
        (Dec::ZERO, Dec::ZERO, Dec::ZERO, Dec::ZERO);
    for o in orders {
        match o.side {
            Side::Buy => {
                buys += 1;
                bought += o.qty;
                cost += o.quote_spent;
            }
            Side::Sell => {
                sells += 1;
                sold += o.qty;
                proceeds += o.quote_received;
            }
        }
    }
    let n = Dec::from_int((buys + sells) as i64);
    let mean = (bought + sold).div_round(n)?;
    let imbalance = (bought - sold).abs().div_round(mean)?.to_f64();
    // matched quantity m = min(bought, sold), valued at each side's VWAP
    let m = bought.min(sold);
    let buy_vwap = cost.div_round(bought)?;
    let sell_vwap = proceeds.div_round(sold)?;
    let pnl = (sell_vwap - buy_vwap).mul_round(m);
    let pnl_share = pnl.div_round(cost)?.to_f64();
    Some(Loop {
        buys,
        sells,
        bought,
        sold,
        buy_cost: cost,
        sell_proceeds: proceeds,
        imbalance,
        pnl,
        pnl_share,
    })
}

pub fn detect(ctx: &Ctx) -> Vec<Flagged> {
    let cfg = &ctx.cfg.round_trip;
    let mut by_symbol: BTreeMap<&str, Vec<&OrderView>> = BTreeMap::new();
    for o in ctx.orders.iter().filter(|o| o.qty.is_positive()) {
        by_symbol.entry(o.symbol.as_str()).or_default().push(o);
    }
    let mut out = Vec::new();
    for (symbol, orders) in by_symbol {
        let mut i = 0;
        while i < orders.len() {
            let mut hit = None;
            for &w in &cfg.windows_s {
                let t1 = orders[i].time + i64::from(w) * 1000;
                let j = orders.partition_point(|o| o.time < t1);
                let win = &orders[i..j];
                if let Some(l) = measure(win) {
                    if l.buys >= cfg.min_buys as usize
                        && l.sells >= cfg.min_sells as usize
                        && l.imbalance <= cfg.max_imbalance
                        && l.pnl_share <= -cfg.min_loss_share
                    {
                        hit = Some((j, w, l));
                        break;
                    }
                }
            }
            match hit {
                Some((j, w, l)) => {
                    out.push(flag(ctx, symbol, &orders[i..j], w, &l));
                    i = j;
                }
                None => i += 1,
            }
        }
    }
    out
}

fn flag(ctx: &Ctx, symbol: &str, orders: &[&OrderView], w: u32, l: &Loop) -> Flagged {
    let cfg = &ctx.cfg.round_trip;
    let evidence = orders
        .iter()
        .flat_map(|o| o.evidence(ctx.account))
        .collect();
    let quote = orders[0].quote.clone();
    let loss = -l.pnl;
    let mut f = finding(
        "round-trip",
        Severity::Medium,
        &ctx.account.id,
        evidence,
        Some((quote.clone(), loss)),
        Some(stat(
            "realised_pnl_share_of_buy_notional",
            l.pnl_share,
            Some(-cfg.min_loss_share),
            None,
        )),
        String::new(),
    );
    f.explanation = format!(
        "Between {} and {} (within {}), {symbol} was bought {} times ({} for {} {quote}) \
         and sold {} times ({} for {} {quote}), ending where it started \
         (|net| / mean order = {:.3}, threshold {}); the loop realised {} {quote}, \
         {} of the buy notional (threshold −{}).",
        human(f.start),
        human(f.end),
        super::util::dur(i64::from(w) * 1000),
        l.buys,
        amt(l.bought),
        amt(l.buy_cost),
        l.sells,
        amt(l.sold),
        amt(l.sell_proceeds),
        l.imbalance,
        cfg.max_imbalance,
        amt(l.pnl),
        pct(l.pnl_share),
        pct(cfg.min_loss_share),
    );
    let mut assets = vec![orders[0].base.clone(), quote];
    assets.sort();
    assets.dedup();
    f.assets = assets;
    Flagged {
        finding: f,
        targets: vec![symbol.to_string()],
        sweep: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::testkit::{d, t, AccountBuilder};

    #[test]
    fn buy_high_sell_low_loop_is_flagged_with_exact_loss() {
        // two loops of 100 XYZ: buy at 2.0, sell at 1.0; buy 2.2, sell 1.1
        let a = AccountBuilder::new("a")
            .deposit(t(0, 0, 0, 0), "USDT", "1000")
            .fill(t(1, 10, 0, 0), "XYZ/USDT", "BUY", "2.0", "100")
            .fill(t(1, 10, 1, 0), "XYZ/USDT", "SELL", "1.0", "100")
            .fill(t(1, 10, 2, 0), "XYZ/USDT", "BUY", "2.2", "100")
            .fill(t(1, 10, 3, 0), "XYZ/USDT", "SELL", "1.1", "100")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        let f = &found[0].finding;
        // cost 200 + 220 = 420, proceeds 100 + 110 = 210; net qty 0
        // pnl = (1.05 - 2.10) * 200 = -210 = -50 % of 420
        assert_eq!(f.value, Some(("USDT".to_string(), d("210"))));
        let s = f.statistic.as_ref().unwrap();
        assert!((s.value.unwrap() + 0.5).abs() < 1e-12);
        assert_eq!(f.severity, Severity::Medium);
        assert_eq!(f.evidence.len(), 4);
        assert_eq!((f.start, f.end), (t(1, 10, 0, 0), t(1, 10, 3, 0)));
        assert!(
            f.explanation
                .contains("-210 USDT, -50 % of the buy notional"),
            "{}",
            f.explanation
        );
    }

    #[test]
    fn grid_bot_with_small_gain_or_open_position_is_not_flagged() {
        // grid: buy 1.00, sell 1.01, twice: P&L +2 % -> nothing
        let a = AccountBuilder::new("a")
            .fill(t(1, 10, 0, 0), "XYZ/USDT", "BUY", "1.00", "100")
            .fill(t(1, 10, 1, 0), "XYZ/USDT", "SELL", "1.01", "100")
            .fill(t(1, 10, 2, 0), "XYZ/USDT", "BUY", "1.00", "100")
            .fill(t(1, 10, 3, 0), "XYZ/USDT", "SELL", "1.01", "100")
            .build();
        let cfg = DetectConfig::default();
        assert!(detect(&Ctx::new(&a, &cfg)).is_empty());
        // loss, but 300 bought vs 100 sold: |200| / mean 100 = 2 > 0.1
        let b = AccountBuilder::new("b")
            .fill(t(1, 10, 0, 0), "XYZ/USDT", "BUY", "2", "100")
            .fill(t(1, 10, 1, 0), "XYZ/USDT", "SELL", "1", "50")
            .fill(t(1, 10, 2, 0), "XYZ/USDT", "BUY", "2", "100")
            .fill(t(1, 10, 3, 0), "XYZ/USDT", "SELL", "1", "50")
            .fill(t(1, 10, 4, 0), "XYZ/USDT", "BUY", "2", "100")
            .build();
        assert!(detect(&Ctx::new(&b, &cfg)).is_empty());
    }

    #[test]
    fn loop_spread_over_a_day_uses_the_day_window() {
        // 4 orders 5 h apart: not within 1 h, within 1 d; loss 10 % exactly
        let a = AccountBuilder::new("a")
            .fill(t(1, 0, 0, 0), "XYZ/USDT", "BUY", "10", "1")
            .fill(t(1, 5, 0, 0), "XYZ/USDT", "SELL", "9", "1")
            .fill(t(1, 10, 0, 0), "XYZ/USDT", "BUY", "10", "1")
            .fill(t(1, 15, 0, 0), "XYZ/USDT", "SELL", "9", "1")
            .build();
        let cfg = DetectConfig::default();
        let found = detect(&Ctx::new(&a, &cfg));
        assert_eq!(found.len(), 1);
        // pnl (9 - 10) * 2 = -2 of 20: -10 %
        assert_eq!(found[0].finding.value, Some(("USDT".to_string(), d("2"))));
        assert!(
            found[0].finding.explanation.contains("within 24.0 h"),
            "{}",
            found[0].finding.explanation
        );
    }
}
