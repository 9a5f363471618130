//! One victim's part of a campaign: the takeover of `attack.rs`, but at a
//! time, thin token and price ladder shared by every victim. The attacker's
//! resting sell orders form one ladder of price levels; each victim's 15–30
//! market buys sweep consecutive levels from a small random offset, so the
//! victims' fills land on the same non-round prices in the same minutes.

use super::attack::market_order;
use super::book::Book;
use super::exact::{div_floor, div_round, mul, pct};
use super::life::{split_qty, Persona};
use super::market::{floor_dp, spec, ticks_to_dec, Market, THIN_PRICE_DP, THIN_QTY_DP};
use super::rng::Rng;
use crate::decimal::Dec;
use crate::model::{Side, TimeMs};

/// The attacker's ladder: price levels in ticks of the thin token.
#[derive(Clone, Debug)]
pub struct Ladder {
    pub thin: String,
    pub ticks: Vec<i64>,
}

impl Ladder {
    /// `n` rising levels from p0 to 4–10 × p0.
    pub fn new(rng: &mut Rng, thin: &str, n: usize) -> Ladder {
        let p0 = rng.range(1_200, 30_000);
        let p_end = p0 * rng.range(400, 1000) / 100;
        let ticks = (0..n as i64)
            .map(|k| p0 + (p_end - p0) * k / (n as i64 - 1).max(1))
            .collect();
        Ladder {
            thin: thin.to_string(),
            ticks,
        }
    }
}

/// Liquidate the majors at `t0`, then sweep the ladder; returns the last fill time.
pub fn victim_takeover(
    rng: &mut Rng,
    book: &mut Book,
    market: &Market,
    p: &Persona,
    t0: TimeMs,
    ladder: &Ladder,
) -> TimeMs {
    let bnb = |t: TimeMs| (market.price("BNB", t), p.use_bnb_fees);
    let mut last = t0;
    let mut off = 0;
    for a in ["BTC", "ETH", "SOL", "ADA"] {
        let Some(s) = spec(a) else { continue };
        if mul(book.bal(a), market.price(a, t0)) < Dec::from_int(20) {
            continue;
        }
        let t = t0 + off * 1000;
        off += rng.range(10, 40);
        let qty = floor_dp(pct(book.bal(a), rng.range(93, 100)), s.qty_dp);
        let n_lots = rng.range(2, 4) as usize;
        let lots = split_qty(rng, qty, s.qty_dp, n_lots);
        let mut ticks = market.ticks(a, t);
        let mut priced = Vec::new();
        for lot in lots {
            priced.push((ticks_to_dec(ticks, s.price_dp), lot));
            ticks -= (ticks * rng.range(2, 15) / 10_000).max(1);
        }
        if let Some(o) = market_order(rng, book, bnb(t), a, Side::Sell, t, &priced) {
            book.orders.push(o);
            last = t;
        }
    }
    let budget = pct(book.bal("USDT"), rng.range(88, 97));
    let n = rng.range(15, 30) as usize;
    let span = rng.range(45.max(n as i64), 85);
    let offsets = rng.distinct_sorted(n, span);
    let t_buys = last + rng.range(3, 15) * 1000;
    let mut level = rng.range(0, 12) as usize;
    for o_off in &offsets {
        let t = t_buys + o_off * 1000;
        let levels = rng.range(3, 6) as usize;
        let mut lots = Vec::new();
        for _ in 0..levels {
            let ticks = ladder.ticks[level.min(ladder.ticks.len() - 1)];
            let price = ticks_to_dec(ticks, THIN_PRICE_DP);
            let share = div_round(budget, Dec::from_int((n * levels) as i64), 8);
            let qty = share.and_then(|q| div_floor(q, price, THIN_QTY_DP));
            lots.push((price, qty.unwrap_or(Dec::ZERO)));
            level += 1;
        }
        if let Some(o) = market_order(rng, book, bnb(t), &ladder.thin, Side::Buy, t, &lots) {
            last = t;
            book.orders.push(o);
        }
    }
    last
}

#[allow(clippy::too_many_arguments)]
/// A benign market buy of `base` at `t` at the given tick prices (e.g. the
/// pump chaser, or a user discovering a token), spending about `usdt`.
pub fn benign_buy(
    rng: &mut Rng,
    book: &mut Book,
    market: &Market,
    p: &Persona,
    base: &str,
    t: TimeMs,
    ticks: &[i64],
    usdt: i64,
) -> bool {
    let bnb = (market.price("BNB", t), p.use_bnb_fees);
    let lots: Vec<(Dec, Dec)> = ticks
        .iter()
        .map(|&tk| {
            let price = ticks_to_dec(tk, THIN_PRICE_DP);
            let share = Dec::from_int(usdt / ticks.len().max(1) as i64);
            (
                price,
                div_floor(share, price, THIN_QTY_DP).unwrap_or(Dec::ZERO),
            )
        })
        .collect();
    match market_order(rng, book, bnb, base, Side::Buy, t, &lots) {
        Some(o) => {
            book.orders.push(o);
            true
        }
        None => false,
    }
}
