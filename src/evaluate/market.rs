//! Prices of the scenario accounts: a daily random walk per asset (no real
//! market data), and the helpers that place ordinary market orders at it.

use super::builder::Builder;
use super::rng::Rng;
use crate::decimal::Dec;
use crate::model::{Side, TimeMs};

pub const DAY: i64 = 86_400_000;
pub const QUOTE: &str = "USDT";

/// (asset, starting price in USDT, quantity decimals).
pub const LISTED: [(&str, f64, u32); 7] = [
    ("BTC", 60_000.0, 5),
    ("ETH", 3_000.0, 4),
    ("BNB", 600.0, 3),
    ("SOL", 150.0, 2),
    ("LINK", 15.0, 2),
    ("ADA", 0.5, 0),
    ("DOGE", 0.15, 0),
];

pub struct Market {
    start: TimeMs,
    /// Per asset of `LISTED`: the price at the start of each day.
    daily: Vec<Vec<f64>>,
}

impl Market {
    pub fn new(rng: &mut Rng, start: TimeMs, days: usize) -> Market {
        let daily = LISTED
            .iter()
            .map(|&(_, p0, _)| {
                let mut p = p0 * rng.uniform(0.8, 1.2);
                (0..=days + 2)
                    .map(|_| {
                        let now = p;
                        p *= (rng.uniform(-0.03, 0.03)).exp();
                        now
                    })
                    .collect()
            })
            .collect();
        Market { start, daily }
    }

    fn idx(asset: &str) -> Option<usize> {
        LISTED.iter().position(|(a, _, _)| *a == asset)
    }

    pub fn qty_dp(asset: &str) -> u32 {
        Self::idx(asset).map_or(2, |i| LISTED[i].2)
    }

    /// The price at `t`: linear between the day's open and the next.
    pub fn price_f(&self, asset: &str, t: TimeMs) -> f64 {
        let Some(i) = Self::idx(asset) else {
            return 1.0;
        };
        let d = ((t - self.start).max(0) / DAY) as usize;
        let v = &self.daily[i];
        let d = d.min(v.len() - 2);
        let frac = ((t - self.start).max(0) % DAY) as f64 / DAY as f64;
        v[d] + (v[d + 1] - v[d]) * frac
    }
}

/// A price as an exact decimal with a sensible number of places.
pub fn price_dec(p: f64) -> Dec {
    let dp = if p >= 100.0 {
        2
    } else if p >= 1.0 {
        4
    } else {
        6
    };
    Dec::from_f64(p).unwrap_or(Dec::ONE).round_dp(dp)
}

pub fn qty_dec(q: f64, dp: u32) -> Dec {
    Dec::from_f64(q).unwrap_or(Dec::ZERO).round_dp(dp)
}

/// The largest quantity of `dp` places not above `q`.
pub fn floor_dp(q: Dec, dp: u32) -> Dec {
    let r = q.round_dp(dp);
    if r > q {
        r - Dec::from_raw(10i128.pow(crate::decimal::SCALE - dp))
    } else {
        r
    }
}

/// One ordinary market order of `asset` against USDT with one fill at the
/// market price (± 0.05 %). A buy spends `usdt`; a sell sells `qty`.
/// Returns whether it was booked.
pub fn market_order(
    b: &mut Builder,
    rng: &mut Rng,
    m: &Market,
    t: TimeMs,
    asset: &str,
    side: Side,
    amount: f64,
) -> bool {
    let p = price_dec(m.price_f(asset, t) * rng.uniform(0.9995, 1.0005));
    let dp = Market::qty_dp(asset);
    let qty = match side {
        Side::Buy => floor_dp(Dec::from_f64(amount / p.to_f64()).unwrap_or(Dec::ZERO), dp),
        Side::Sell => floor_dp(Dec::from_f64(amount).unwrap_or(Dec::ZERO), dp).min(b.held(asset)),
    };
    let id = b.next_order();
    b.fill(t, asset, QUOTE, side, p, floor_dp(qty, dp), &id, false)
}

/// Sell the whole holding of `asset` (to its quantity precision) at market.
pub fn sell_all(b: &mut Builder, rng: &mut Rng, m: &Market, t: TimeMs, asset: &str) -> bool {
    let q = floor_dp(b.held(asset), Market::qty_dp(asset));
    market_order(b, rng, m, t, asset, Side::Sell, q.to_f64())
        || market_order(b, rng, m, t, asset, Side::Sell, q.to_f64() * 0.999)
}
