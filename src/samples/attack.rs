//! The takeover (DETECTORS.md "signature"): in an early-morning minute the
//! attacker market-sells ≥ 90 % of BTC, ETH, SOL and ADA into USDT within
//! ~3 minutes, then within ~90 s spends ≥ 85 % of the USDT on a thin token
//! the account never traded, with 15–30 taker buys that each sweep 3–6
//! rising price levels (+300–900 % over the burst), and sometimes dumps some
//! of the token back far lower. No deposit before it, no withdrawal after.

use super::book::{Book, OrdType, SimFill, SimOrder};
use super::exact::{div_floor, div_round, mul, pct};
use super::life::{split_qty, Persona};
use super::market::{
    floor_dp, spec, ticks_to_dec, Market, QUOTE, THIN_PRICE_DP, THIN_QTY_DP, THIN_TOKENS,
};
use super::rng::Rng;
use crate::decimal::Dec;
use crate::model::{Side, TimeMs};

/// What the attack did (the ground truth).
#[derive(Clone, Debug)]
pub struct Attack {
    pub start: TimeMs,
    pub end: TimeMs,
    pub thin_base: String,
    pub liquidated: Vec<String>,
    /// USDT received from the liquidation sells.
    pub proceeds: Dec,
    /// USDT held when the thin-token buys started.
    pub quote_before_buys: Dec,
    pub spent: Dec,
    pub recovered: Dec,
}

const LIQUIDATED: [&str; 4] = ["BTC", "ETH", "SOL", "ADA"];

/// Books one attacker MARKET order whose fills are `(price, qty)` lots, all
/// in second `t`. Lots that the balance cannot pay for are dropped. `bnb`
/// is the BNB price at `t` and whether fees are paid in BNB when possible.
pub(super) fn market_order(
    rng: &mut Rng,
    book: &mut Book,
    bnb: (Dec, bool),
    base: &str,
    side: Side,
    t: TimeMs,
    lots: &[(Dec, Dec)],
) -> Option<SimOrder> {
    let symbol = format!("{base}{QUOTE}");
    let id = book.next_order_id(rng, &symbol);
    let mut o = SimOrder {
        id,
        base: base.to_string(),
        quote: QUOTE.to_string(),
        side,
        kind: OrdType::Market,
        price: None,
        orig_qty: Dec::ZERO,
        time: t,
        update_time: t,
        fills: Vec::new(),
        status: "FILLED",
        attacker: true,
    };
    for &(price, qty) in lots {
        let quote = mul(price, qty).round_dp(8);
        let affordable = match side {
            Side::Buy => quote <= book.bal(QUOTE),
            Side::Sell => qty <= book.bal(base),
        };
        if !qty.is_positive() || !affordable {
            continue;
        }
        let (fee, fee_asset) = book.fee_for(base, side, qty, quote, bnb.0, bnb.1);
        book.fill(
            &mut o,
            SimFill {
                time: t,
                price,
                qty,
                quote,
                fee,
                fee_asset,
            },
        );
    }
    if o.fills.is_empty() {
        return None;
    }
    o.orig_qty = o.executed();
    Some(o)
}

/// Runs the takeover on the day starting at `day0` (midnight UTC).
pub fn takeover(
    rng: &mut Rng,
    book: &mut Book,
    market: &Market,
    p: &Persona,
    day0: TimeMs,
) -> Attack {
    let t0 = day0 + rng.range(90, 330) * 60_000 + rng.range(0, 59) * 1000;
    let quote_at_start = book.bal(QUOTE);
    let bnb = |t: TimeMs| (market.price("BNB", t), p.use_bnb_fees);

    // A. Liquidation: one market sell per asset, in a random order, within 170 s.
    let mut assets: Vec<&str> = LIQUIDATED
        .iter()
        .copied()
        .filter(|a| mul(book.bal(a), market.price(a, t0)) >= Dec::from_int(20))
        .collect();
    for i in (1..assets.len()).rev() {
        assets.swap(i, rng.index(i + 1));
    }
    let offsets = rng.distinct_sorted(assets.len(), 170);
    let first_off = offsets.first().copied().unwrap_or(0);
    let mut liquidated = Vec::new();
    let mut last = t0;
    for (a, off) in assets.iter().zip(offsets) {
        let Some(s) = spec(a) else { continue };
        let t = t0 + (off - first_off) * 1000;
        let qty = floor_dp(pct(book.bal(a), rng.range(93, 100)), s.qty_dp);
        let n_fills = rng.range(2, 5) as usize;
        let lots = split_qty(rng, qty, s.qty_dp, n_fills);
        let mut ticks = market.ticks(a, t);
        let mut priced = Vec::new();
        for lot in lots {
            priced.push((ticks_to_dec(ticks, s.price_dp), lot));
            ticks -= (ticks * rng.range(2, 15) / 10_000).max(1);
        }
        if let Some(o) = market_order(rng, book, bnb(t), a, Side::Sell, t, &priced) {
            book.orders.push(o);
            liquidated.push(a.to_string());
            last = t;
        }
    }
    let proceeds = book.bal(QUOTE) - quote_at_start;

    // B. Concentration: 15–30 market buys of a never-traded thin token.
    let thin = rng.pick(&THIN_TOKENS).to_string();
    let quote_before_buys = book.bal(QUOTE);
    let budget = pct(quote_before_buys, rng.range(88, 97));
    let n = rng.range(15, 30) as usize;
    let span = rng.range(45.max(n as i64), 85);
    let buy_offsets = rng.distinct_sorted(n, span);
    let t_buys = last + rng.range(3, 15) * 1000;
    let levels: Vec<i64> = (0..n).map(|_| rng.range(3, 6)).collect();
    let weights: Vec<i64> = (0..n).map(|_| rng.range(70, 130)).collect();
    let w_total: i64 = weights.iter().sum();
    let n_levels: i64 = levels.iter().sum();
    let p0 = rng.range(800, 30_000);
    let p_end = p0 * rng.range(400, 1000) / 100;
    let mut level = 0i64;
    let mut spent = Dec::ZERO;
    let mut end = last;
    for i in 0..n {
        let t = t_buys + buy_offsets[i] * 1000;
        // The order's share of the budget, spread unevenly over its levels.
        let share = mul(budget, Dec::from_int(weights[i]));
        let depth: Vec<i64> = (0..levels[i]).map(|_| rng.range(60, 140)).collect();
        let d_total: i64 = depth.iter().sum();
        let mut lots = Vec::new();
        for d in depth {
            let ticks = p0 + (p_end - p0) * level / (n_levels - 1).max(1);
            let price = ticks_to_dec(ticks, THIN_PRICE_DP);
            let target = div_round(
                mul(share, Dec::from_int(d)),
                Dec::from_int(w_total * d_total),
                8,
            );
            let qty = target.and_then(|q| div_floor(q, price, THIN_QTY_DP));
            lots.push((price, qty.unwrap_or(Dec::ZERO)));
            level += 1;
        }
        if let Some(o) = market_order(rng, book, bnb(t), &thin, Side::Buy, t, &lots) {
            spent += o.total();
            end = t;
            book.orders.push(o);
        }
    }

    // C. Optional dump: 1–3 market sells far below the buys.
    let mut recovered = Dec::ZERO;
    if rng.chance(60) {
        let m = rng.range(1, 3);
        let mut t = end + rng.range(20, 150) * 1000;
        let mut ticks = p0 * rng.range(30, 90) / 100;
        for _ in 0..m {
            let qty = floor_dp(pct(book.bal(&thin), rng.range(40, 90)), THIN_QTY_DP);
            let n_fills = rng.range(2, 3) as usize;
            let lots = split_qty(rng, qty, THIN_QTY_DP, n_fills);
            let mut priced = Vec::new();
            for lot in lots {
                priced.push((ticks_to_dec(ticks, THIN_PRICE_DP), lot));
                ticks -= (ticks * rng.range(20, 200) / 10_000).max(1);
            }
            if let Some(o) = market_order(rng, book, bnb(t), &thin, Side::Sell, t, &priced) {
                recovered += o.total();
                end = t;
                book.orders.push(o);
            }
            t += rng.range(2, 20) * 1000;
        }
    }
    Attack {
        start: t0,
        end,
        thin_base: thin,
        liquidated,
        proceeds,
        quote_before_buys,
        spent,
        recovered,
    }
}
