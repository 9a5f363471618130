//! The attacks (DETECTORS.md signatures): liquidate-then-concentrate into a
//! thin never-traded token with sweeping taker buys, pump buys in a symbol
//! the account traded before, buy-high/sell-low loops, a withdrawal sweep to
//! a new address, and combinations. Every row is marked as the attacker's,
//! and the truth (window, symbols, addresses, TXIDs, loss per asset) is
//! computed here from what the attacker did, independently of the detectors.

use super::builder::Builder;
use super::market::{floor_dp, price_dec, sell_all, Market, QUOTE};
use super::rng::Rng;
use super::TruthIncident;
use crate::decimal::Dec;
use crate::model::{Direction, Side, TimeMs};
use std::collections::{BTreeMap, BTreeSet};

/// Quote flows on attacked symbols: spent buying, recovered selling (net of fee).
#[derive(Default)]
struct Flows {
    symbols: BTreeSet<String>,
    loss: BTreeMap<String, Dec>,
    addresses: BTreeSet<String>,
    txids: BTreeSet<String>,
}

impl Flows {
    fn add(&mut self, asset: &str, v: Dec) {
        *self.loss.entry(asset.to_string()).or_insert(Dec::ZERO) += v;
    }
}

/// One taker buy order sweeping `levels` rising price levels from `p0`
/// (each `step` higher), spending `budget` USDT; returns the next price.
#[allow(clippy::too_many_arguments)]
fn sweep_order(
    b: &mut Builder,
    fl: &mut Flows,
    t: TimeMs,
    token: &str,
    side: Side,
    p0: f64,
    levels: i64,
    step: f64,
    amount: f64,
) -> f64 {
    let id = b.next_order();
    let mut p = p0;
    for _ in 0..levels {
        let price = price_dec(p);
        // Lot size: 0.01 for cheap tokens, finer for BTC-priced assets, so
        // that a budget of a few hundred USDT still buys a non-zero lot.
        let lot = match price.to_f64() {
            x if x >= 1000.0 => 5,
            x if x >= 10.0 => 3,
            _ => 2,
        };
        let q = match side {
            Side::Buy => floor_dp(
                Dec::from_f64(amount / levels as f64 / price.to_f64()).unwrap_or(Dec::ZERO),
                lot,
            ),
            Side::Sell => floor_dp(
                Dec::from_f64(amount / levels as f64).unwrap_or(Dec::ZERO),
                2,
            )
            .min(b.held(token)),
        };
        if b.fill(t, token, QUOTE, side, price, q, &id, false) {
            let f = b
                .acc
                .fills
                .last()
                .map(|f| (f.quote_qty, f.fee.unwrap_or(Dec::ZERO)));
            if let Some((qq, fee)) = f {
                match side {
                    Side::Buy => fl.add(QUOTE, qq),
                    Side::Sell => fl.add(QUOTE, -(qq - fee)),
                }
            }
            fl.symbols.insert(format!("{token}{QUOTE}"));
        }
        p *= match side {
            Side::Buy => 1.0 + step,
            Side::Sell => 1.0 - step,
        };
    }
    p
}

/// Market-sell ≥ 3 holdings in full into USDT, seconds apart.
fn liquidate(b: &mut Builder, rng: &mut Rng, m: &Market, fl: &mut Flows, t: TimeMs) -> TimeMs {
    let mut t = t;
    let held: Vec<String> = super::market::LISTED
        .iter()
        .map(|(a, _, _)| a.to_string())
        .filter(|a| b.held(a).is_positive())
        .collect();
    for a in held {
        if sell_all(b, rng, m, t, &a) {
            fl.symbols.insert(format!("{a}{QUOTE}"));
        }
        t += rng.range(1, 4) * 1000;
    }
    t
}

/// Taker buys of `token`, 1–4 s apart, prices rising by `rise` in all,
/// spending `share` of the USDT held.
#[allow(clippy::too_many_arguments)]
fn pump(
    b: &mut Builder,
    rng: &mut Rng,
    fl: &mut Flows,
    t: TimeMs,
    token: &str,
    p0: f64,
    orders: i64,
    rise: f64,
    share: f64,
) -> (TimeMs, f64) {
    let mut t = t;
    let budget = b.held(QUOTE).to_f64() * share;
    let levels = rng.range(3, 5);
    let step = (1.0 + rise).powf(1.0 / (orders * levels) as f64) - 1.0;
    let mut p = p0;
    for _ in 0..orders {
        p = sweep_order(
            b,
            fl,
            t,
            token,
            Side::Buy,
            p,
            levels,
            step,
            budget / orders as f64,
        );
        t += rng.range(1, 4) * 1000;
    }
    (t, p)
}

fn finish(b: &Builder, fl: Flows, start: TimeMs) -> TruthIncident {
    let rows: Vec<TimeMs> = b
        .acc
        .fills
        .iter()
        .filter(|f| b.attack_rows.contains(&f.origin))
        .map(|f| f.time)
        .chain(
            b.acc
                .transfers
                .iter()
                .filter(|x| b.attack_rows.contains(&x.origin))
                .map(|x| x.time),
        )
        .collect();
    let mut loss = fl.loss;
    loss.retain(|_, v| !v.is_zero());
    TruthIncident {
        start: rows.iter().copied().min().unwrap_or(start),
        end: rows.iter().copied().max().unwrap_or(start),
        symbols: fl.symbols.into_iter().collect(),
        addresses: fl.addresses.into_iter().collect(),
        txids: fl.txids.into_iter().collect(),
        loss: loss.into_iter().collect(),
    }
}

/// Liquidate, then pour the USDT into a thin token never traded, sometimes
/// dumping part of it back far lower.
pub fn liquidate_concentrate(
    b: &mut Builder,
    rng: &mut Rng,
    m: &Market,
    t: TimeMs,
    token: &str,
) -> TruthIncident {
    let mut fl = Flows::default();
    b.attacking = true;
    let t1 = liquidate(b, rng, m, &mut fl, t) + rng.range(5, 40) * 1000;
    let orders = rng.range(12, 25);
    let (p0, rise, share) = (
        rng.uniform(0.01, 2.0),
        rng.uniform(1.0, 6.0),
        rng.uniform(0.9, 0.98),
    );
    let (t2, p) = pump(b, rng, &mut fl, t1, token, p0, orders, rise, share);
    if rng.chance(0.4) {
        let q = b.held(token).to_f64() * rng.uniform(0.3, 0.9);
        sweep_order(
            b,
            &mut fl,
            t2 + 5_000,
            token,
            Side::Sell,
            p * 0.2,
            3,
            0.05,
            q,
        );
    }
    b.attacking = false;
    finish(b, fl, t)
}

/// Sweeping taker buys at rising prices in a symbol the account holds and
/// traded before (no liquidation).
pub fn pump_existing(
    b: &mut Builder,
    rng: &mut Rng,
    m: &Market,
    t: TimeMs,
    asset: &str,
) -> TruthIncident {
    let mut fl = Flows::default();
    b.attacking = true;
    let p0 = m.price_f(asset, t) * rng.uniform(1.05, 1.2);
    let orders = rng.range(10, 20);
    let (rise, share) = (rng.uniform(0.5, 3.0), rng.uniform(0.8, 0.95));
    pump(b, rng, &mut fl, t, asset, p0, orders, rise, share);
    b.attacking = false;
    finish(b, fl, t)
}

/// Buy-high / sell-low loops in a thin token: each loop buys Q at a high
/// price and sells it back at a low one.
pub fn loops(b: &mut Builder, rng: &mut Rng, t: TimeMs, token: &str) -> TruthIncident {
    let mut fl = Flows::default();
    b.attacking = true;
    let mut t = t;
    let p = rng.uniform(0.05, 3.0);
    let n = rng.range(3, 6);
    let budget = b.held(QUOTE).to_f64() * rng.uniform(0.6, 0.9) / n as f64;
    for _ in 0..n {
        let hi = p * rng.uniform(1.5, 3.0);
        sweep_order(b, &mut fl, t, token, Side::Buy, hi, 2, 0.01, budget);
        t += rng.range(3, 15) * 1000;
        let q = floor_dp(b.held(token), 2).to_f64();
        sweep_order(
            b,
            &mut fl,
            t,
            token,
            Side::Sell,
            p * rng.uniform(0.3, 0.7),
            1,
            0.0,
            q,
        );
        t += rng.range(3, 15) * 1000;
    }
    b.attacking = false;
    finish(b, fl, t)
}

/// Withdraw ≥ 95 % of 2–3 coins to a never-seen address within minutes.
pub fn sweep(b: &mut Builder, rng: &mut Rng, t: TimeMs) -> TruthIncident {
    let mut fl = Flows::default();
    b.attacking = true;
    let mut t = t;
    let addr = format!("bc1q{:012x}", rng.next_u64() >> 16);
    // (amount, fee) of a withdrawal emptying the coin, at 6 decimals
    let whole = |held: Dec| {
        let fee = floor_dp(held.mul_round(Dec::parse("0.0005").unwrap_or(Dec::ZERO)), 6);
        (floor_dp(held - fee, 6), fee)
    };
    // only coins that can be taken (≥ 95 %) at the withdrawal precision: a
    // dust remainder left by the liquidation (0.0000015 BTC) cannot be
    let coins: Vec<String> = [QUOTE, "BTC", "ETH", "BNB", "SOL"]
        .iter()
        .map(|s| s.to_string())
        .filter(|c| {
            let held = b.held(c);
            let (amount, fee) = whole(held);
            amount.is_positive() && (amount + fee).to_f64() >= 0.95 * held.to_f64()
        })
        .take(rng.range(2, 3) as usize)
        .collect();
    for c in coins {
        let (amount, fee) = whole(b.held(&c));
        if amount.is_positive() {
            let tx = b.transfer(t, Direction::Withdrawal, &c, amount, fee, &addr, true);
            fl.txids.insert(tx);
            fl.addresses.insert(addr.clone());
            fl.add(&c, amount + fee);
        }
        t += rng.range(30, 600) * 1000;
    }
    b.attacking = false;
    finish(b, fl, t)
}

/// Two incidents' truths as one (a combination: the sweep joins the trades).
pub fn merge(a: TruthIncident, b: TruthIncident) -> TruthIncident {
    let mut loss: BTreeMap<String, Dec> = a.loss.into_iter().collect();
    for (k, v) in b.loss {
        *loss.entry(k).or_insert(Dec::ZERO) += v;
    }
    let cat = |x: Vec<String>, y: Vec<String>| -> Vec<String> {
        let s: BTreeSet<String> = x.into_iter().chain(y).collect();
        s.into_iter().collect()
    };
    TruthIncident {
        start: a.start.min(b.start),
        end: a.end.max(b.end),
        symbols: cat(a.symbols, b.symbols),
        addresses: cat(a.addresses, b.addresses),
        txids: cat(a.txids, b.txids),
        loss: loss.into_iter().filter(|(_, v)| !v.is_zero()).collect(),
    }
}
