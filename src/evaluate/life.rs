//! Honest lives: the benign kinds (casual, DCA bot, grid bot, active
//! trader) and the tricky benign kinds (rotation, new-listing rush, cash-out
//! to a new address, dust, Convert).

use super::builder::Builder;
use super::market::{floor_dp, market_order, price_dec, sell_all, Market, DAY, QUOTE};
use super::rng::Rng;
use crate::decimal::Dec;
use crate::model::{Category, Direction, Side, TimeMs};

const ASSETS: [&str; 5] = ["BTC", "ETH", "BNB", "SOL", "ADA"];

fn usd(v: f64) -> Dec {
    Dec::from_f64(v).unwrap_or(Dec::ZERO).round_dp(2)
}

/// Funding and a starting portfolio of 3–5 coins on day 0.
pub fn open(b: &mut Builder, rng: &mut Rng, m: &Market, start: TimeMs) {
    let cash = rng.uniform(5_000.0, 50_000.0);
    b.deposit(start, QUOTE, usd(cash), "own-deposit-address");
    let n = rng.range(3, 5) as usize;
    for (k, a) in ASSETS.iter().take(n).enumerate() {
        let t = start + 3_600_000 + k as i64 * rng.range(120, 900) * 1000;
        let spend = cash * rng.uniform(0.08, 0.16);
        market_order(b, rng, m, t, a, Side::Buy, spend);
    }
}

/// A random time of day (seconds resolution) on day `d`.
fn at(rng: &mut Rng, start: TimeMs, d: i64, h0: i64, h1: i64) -> TimeMs {
    start + d * DAY + rng.range(h0 * 3600, h1 * 3600 - 1) * 1000
}

pub fn casual(b: &mut Builder, rng: &mut Rng, m: &Market, start: TimeMs, days: i64) {
    let mut d = 1;
    while d < days {
        for _ in 0..rng.range(1, 2) {
            let t = at(rng, start, d, 7, 23);
            let a = *rng.pick(&ASSETS);
            if rng.chance(0.6) {
                let spend = (b.held(QUOTE).to_f64() * rng.uniform(0.02, 0.1)).min(2_000.0);
                market_order(b, rng, m, t, a, Side::Buy, spend);
            } else {
                let q = b.held(a).to_f64() * rng.uniform(0.2, 0.6);
                market_order(b, rng, m, t, a, Side::Sell, q);
            }
        }
        d += rng.range(2, 6);
    }
}

pub fn dca(b: &mut Builder, rng: &mut Rng, m: &Market, start: TimeMs, days: i64) {
    let amount = rng.range(20, 100) as f64;
    let sec = rng.range(0, 59);
    for d in 1..days {
        let t = start + d * DAY + 9 * 3_600_000 + (sec + rng.range(0, 3)) * 1000;
        if b.held(QUOTE).to_f64() < amount * 2.0 {
            b.deposit(
                t - 3_600_000,
                QUOTE,
                usd(amount * 30.0),
                "own-deposit-address",
            );
        }
        market_order(b, rng, m, t, "BTC", Side::Buy, amount);
    }
}

pub fn grid(b: &mut Builder, rng: &mut Rng, m: &Market, start: TimeMs, days: i64) {
    let asset = *rng.pick(&["ETH", "BNB", "SOL"]);
    let gap = rng.uniform(0.004, 0.01);
    let usdt = rng.uniform(50.0, 200.0);
    for d in 1..days {
        let mut t = start + d * DAY + rng.range(0, 3600) * 1000;
        for _ in 0..rng.range(8, 20) {
            let p = price_dec(m.price_f(asset, t) * rng.uniform(0.998, 1.0));
            let q = floor_dp(
                Dec::from_f64(usdt / p.to_f64()).unwrap_or(Dec::ZERO),
                Market::qty_dp(asset),
            );
            let id = b.next_order();
            if b.fill(t, asset, QUOTE, Side::Buy, p, q, &id, true) {
                t += rng.range(300, 2400) * 1000;
                let sp = price_dec(p.to_f64() * (1.0 + gap));
                let id = b.next_order();
                let have = floor_dp(b.held(asset), Market::qty_dp(asset)).min(q);
                b.fill(t, asset, QUOTE, Side::Sell, sp, have, &id, true);
            }
            t += rng.range(300, 2400) * 1000;
        }
    }
}

pub fn active(b: &mut Builder, rng: &mut Rng, m: &Market, start: TimeMs, days: i64) {
    for d in 1..days {
        let n = rng.range(3, 12);
        for _ in 0..n {
            let mut t = at(rng, start, d, 6, 24);
            let a = *rng.pick(&ASSETS);
            // sometimes a quick pair of orders
            for _ in 0..rng.range(1, 3) {
                if rng.chance(0.55) {
                    let spend = b.held(QUOTE).to_f64() * rng.uniform(0.02, 0.08);
                    market_order(b, rng, m, t, a, Side::Buy, spend);
                } else {
                    let q = b.held(a).to_f64() * rng.uniform(0.2, 0.7);
                    market_order(b, rng, m, t, a, Side::Sell, q);
                }
                t += rng.range(5, 40) * 1000;
            }
        }
    }
}

/// Tricky: sell 3–4 holdings in full at a human pace (minutes apart) and
/// buy one coin traded before with ≥ 85 % of the USDT.
pub fn rotation(b: &mut Builder, rng: &mut Rng, m: &Market, t: TimeMs) {
    let mut t = t;
    let held: Vec<&str> = ASSETS
        .iter()
        .copied()
        .filter(|a| b.held(a).is_positive())
        .collect();
    if held.len() < 4 {
        // a rotation needs three coins to sell and one to keep
        return;
    }
    let target = held[0];
    for a in held.iter().skip(1) {
        sell_all(b, rng, m, t, a);
        t += rng.range(90, 480) * 1000;
    }
    let cash = b.held(QUOTE).to_f64() * rng.uniform(0.88, 0.97);
    let parts = rng.range(1, 2);
    for _ in 0..parts {
        market_order(b, rng, m, t, target, Side::Buy, cash / parts as f64);
        t += rng.range(60, 300) * 1000;
    }
}

/// Tricky: a rush into a new listing: 3–6 manual market orders over a few
/// minutes, price up by a few percent, 30–70 % of the USDT.
pub fn listing_rush(b: &mut Builder, rng: &mut Rng, t: TimeMs, token: &str) {
    let mut t = t;
    let mut p = rng.uniform(0.05, 5.0);
    let n = rng.range(3, 6);
    let budget = b.held(QUOTE).to_f64() * rng.uniform(0.3, 0.7) / n as f64;
    for _ in 0..n {
        let id = b.next_order();
        let fills = rng.range(1, 2);
        for _ in 0..fills {
            let price = price_dec(p);
            let q = floor_dp(
                Dec::from_f64(budget / fills as f64 / p).unwrap_or(Dec::ZERO),
                2,
            );
            b.fill(t, token, QUOTE, Side::Buy, price, q, &id, false);
            p *= rng.uniform(1.001, 1.01);
        }
        p *= rng.uniform(0.99, 1.03);
        t += rng.range(15, 90) * 1000;
    }
}

/// Tricky: cash out ≥ 95 % of one coin to a wallet never used before.
pub fn cash_out(b: &mut Builder, rng: &mut Rng, t: TimeMs) {
    let coin = if rng.chance(0.5) { QUOTE } else { "BTC" };
    let held = b.held(coin);
    let fee = if coin == QUOTE {
        Dec::ONE
    } else {
        Dec::parse("0.0002").unwrap_or(Dec::ZERO)
    };
    let amount = floor_dp(held.mul_round(usd(rng.uniform(0.95, 1.0))), 4) - fee;
    if amount.is_positive() {
        let addr = format!("own-new-wallet-{}", rng.range(1000, 9999));
        b.transfer(t, Direction::Withdrawal, coin, amount, fee, &addr, true);
    }
}

/// Tricky: dust of 2–3 small balances converted to BNB (statement rows only).
pub fn dust(b: &mut Builder, rng: &mut Rng, t: TimeMs) {
    for (k, a) in ["ADA", "SOL", "ETH"]
        .iter()
        .enumerate()
        .take(rng.range(2, 3) as usize)
    {
        let q = floor_dp(b.held(a).mul_round(usd(0.01)), 6);
        if q.is_positive() {
            let bnb = Dec::parse("0.0001")
                .unwrap_or(Dec::ZERO)
                .mul_round(Dec::from_int(k as i64 + 1));
            b.convert(t, Category::Dust, (*a, q), ("BNB", bnb));
        }
    }
}

/// Tricky: Convert (not trades) of 2–3 whole holdings into USDT, then one
/// ordinary buy of BTC with part of it.
pub fn convert(b: &mut Builder, rng: &mut Rng, m: &Market, t: TimeMs) {
    let mut t = t;
    for a in ["ETH", "SOL", "ADA"].iter().take(rng.range(2, 3) as usize) {
        let q = b.held(a);
        if q.is_positive() {
            let usdt = usd(q.to_f64() * m.price_f(a, t) * 0.998);
            b.convert(t, Category::Convert, (*a, q), (QUOTE, usdt));
        }
        t += rng.range(20, 120) * 1000;
    }
    let spend = b.held(QUOTE).to_f64() * rng.uniform(0.3, 0.6);
    market_order(b, rng, m, t + 120_000, "BTC", Side::Buy, spend);
}
