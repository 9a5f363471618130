//! The simulated market: symbol specifications (tick and lot sizes) and one
//! bounded hourly random walk per symbol, in integer ticks (no floats), so
//! prices are exact decimals and identical on every platform.

use super::rng::Rng;
use crate::decimal::Dec;
use crate::model::TimeMs;
use std::collections::BTreeMap;

/// The quote asset of every generated symbol.
pub const QUOTE: &str = "USDT";

/// One spot symbol quoted in USDT.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub base: &'static str,
    /// Decimals of the price tick (2 → 0.01).
    pub price_dp: u32,
    /// Decimals of the lot step (5 → 0.00001).
    pub qty_dp: u32,
    /// Band of the random walk, in ticks.
    pub lo_ticks: i64,
    pub hi_ticks: i64,
    /// Relative weight when the user picks a symbol to trade.
    pub weight: i64,
}

/// The five symbols of ordinary life (BTC ~60–70k, ETH ~3–3.5k, SOL
/// ~140–170, ADA ~0.4–0.5, BNB ~550–650).
pub const MAJORS: [Spec; 5] = [
    Spec {
        base: "BTC",
        price_dp: 2,
        qty_dp: 5,
        lo_ticks: 6_000_000,
        hi_ticks: 7_000_000,
        weight: 30,
    },
    Spec {
        base: "ETH",
        price_dp: 2,
        qty_dp: 4,
        lo_ticks: 300_000,
        hi_ticks: 350_000,
        weight: 25,
    },
    Spec {
        base: "SOL",
        price_dp: 2,
        qty_dp: 3,
        lo_ticks: 14_000,
        hi_ticks: 17_000,
        weight: 20,
    },
    Spec {
        base: "ADA",
        price_dp: 4,
        qty_dp: 1,
        lo_ticks: 4_000,
        hi_ticks: 5_000,
        weight: 10,
    },
    Spec {
        base: "BNB",
        price_dp: 2,
        qty_dp: 3,
        lo_ticks: 55_000,
        hi_ticks: 65_000,
        weight: 15,
    },
];

/// Made-up thin tokens (not real Binance listings); one is picked per seed.
pub const THIN_TOKENS: [&str; 8] = [
    "QZT", "VRXA", "PLNK", "ZEPHY", "KRYX", "BRZN", "NOVQ", "XMPL",
];

/// Price and lot decimals of the thin token.
pub const THIN_PRICE_DP: u32 = 4;
pub const THIN_QTY_DP: u32 = 1;

pub fn spec(base: &str) -> Option<&'static Spec> {
    MAJORS.iter().find(|s| s.base == base)
}

pub fn symbol(base: &str) -> String {
    format!("{base}{QUOTE}")
}

/// `ticks` × 10^−dp as an exact decimal.
pub fn ticks_to_dec(ticks: i64, dp: u32) -> Dec {
    Dec::from_raw(ticks as i128 * 10i128.pow(18 - dp.min(18)))
}

/// Rounds a non-negative value down to `dp` decimals (lot sizes).
pub fn floor_dp(v: Dec, dp: u32) -> Dec {
    let unit = 10i128.pow(18 - dp.min(18));
    Dec::from_raw(v.raw() - v.raw().rem_euclid(unit))
}

/// Hourly prices of the majors from `start` on.
#[derive(Clone, Debug)]
pub struct Market {
    start: TimeMs,
    paths: BTreeMap<&'static str, Vec<i64>>,
}

const HOUR_MS: i64 = 3_600_000;

impl Market {
    /// A walk of `hours` + 1 points per symbol: each hour moves the price by
    /// −45…+45 basis points, reflected back into the band.
    pub fn new(rng: &mut Rng, start: TimeMs, hours: usize) -> Market {
        let mut paths = BTreeMap::new();
        for s in &MAJORS {
            let mut p = rng.range(s.lo_ticks, s.hi_ticks);
            let mut path = Vec::with_capacity(hours + 1);
            path.push(p);
            for _ in 0..hours {
                let bp = rng.range(-45, 45);
                p += p * bp / 10_000;
                if p > s.hi_ticks {
                    p = 2 * s.hi_ticks - p;
                }
                if p < s.lo_ticks {
                    p = 2 * s.lo_ticks - p;
                }
                path.push(p);
            }
            paths.insert(s.base, path);
        }
        Market { start, paths }
    }

    /// The price of `base` at `t` in ticks, linear between hourly points.
    pub fn ticks(&self, base: &str, t: TimeMs) -> i64 {
        let Some(path) = self.paths.get(base) else {
            return 0;
        };
        let Some(last) = path.last().copied() else {
            return 0;
        };
        let off = (t - self.start).max(0);
        let h = (off / HOUR_MS) as usize;
        if h + 1 >= path.len() {
            return last;
        }
        let (a, b) = (path[h], path[h + 1]);
        a + (b - a) * (off % HOUR_MS) / HOUR_MS
    }

    /// The price of `base` at `t` as a decimal.
    pub fn price(&self, base: &str, t: TimeMs) -> Dec {
        let dp = spec(base).map_or(2, |s| s.price_dp);
        ticks_to_dec(self.ticks(base, t), dp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_and_floor() {
        // 6_543_210 ticks at 2 dp = 65432.10
        assert_eq!(ticks_to_dec(6_543_210, 2).to_string(), "65432.1");
        // 0.0528459 floored to 5 dp = 0.05284
        let v = Dec::parse("0.0528459").unwrap_or_default();
        assert_eq!(floor_dp(v, 5).to_string(), "0.05284");
        assert_eq!(
            floor_dp(Dec::parse("12.99").unwrap_or_default(), 0).to_string(),
            "12"
        );
    }

    #[test]
    fn walk_stays_in_band_and_interpolates() {
        let mut rng = Rng::new(3);
        let m = Market::new(&mut rng, 0, 24 * 50);
        for s in &MAJORS {
            for h in 0..=24 * 50 {
                let p = m.ticks(s.base, h * HOUR_MS);
                assert!(p >= s.lo_ticks && p <= s.hi_ticks, "{} {p}", s.base);
            }
        }
        // Half way between two hourly points is their (floored) mean.
        let (a, b) = (m.ticks("BTC", 0), m.ticks("BTC", HOUR_MS));
        assert_eq!(m.ticks("BTC", HOUR_MS / 2), a + (b - a) / 2);
        assert_eq!(m.ticks("DOGE", 0), 0);
    }
}
