//! A generated transaction statement with 8-decimal amounts, its exact
//! balances worked out independently of the crate (integer satoshis in
//! `i128`), and daily balance snapshots. Shared by `tests/reconciliation.rs`
//! and `benches/recon.rs`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

pub const DAY_MS: i64 = 86_400_000;
/// 2024-01-01T00:00:00Z.
pub const T0: i64 = 1_704_067_200_000;

/// (operation, wallet, sign) of the generated rows.
const OPS: [(&str, &str, i64); 8] = [
    ("Deposit", "Spot", 1),
    ("Withdraw", "Spot", -1),
    ("Transaction Buy", "Spot", 1),
    ("Transaction Spend", "Spot", -1),
    ("Transaction Fee", "Spot", -1),
    ("Simple Earn Flexible Interest", "Spot", 1),
    ("Transfer Between Spot and Funding", "Funding", 1),
    ("Transfer Between Spot and Funding", "Funding", -1),
];
const COINS: [&str; 4] = ["BTC", "ETH", "USDT", "BNB"];

#[derive(Clone, Debug)]
pub struct GenRow {
    /// UTC ms, whole seconds.
    pub time: i64,
    pub wallet: &'static str,
    pub op: &'static str,
    pub coin: &'static str,
    /// Signed change in units of 1e-8.
    pub sats: i64,
}

/// A small deterministic generator (64-bit LCG, Knuth's constants).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }
}

/// `n` rows spread evenly over `days` days from `T0`, in time order.
pub fn rows(n: usize, days: i64, seed: u64) -> Vec<GenRow> {
    let mut rng = Lcg(seed);
    let step = days * DAY_MS / n as i64;
    (0..n)
        .map(|i| {
            let (op, wallet, sign) = OPS[(rng.next() % OPS.len() as u64) as usize];
            let coin = COINS[(rng.next() % COINS.len() as u64) as usize];
            // 1 .. 10^10 satoshis (up to 100 coins), all 8 decimals used.
            let sats = (rng.next() % 10_000_000_000) as i64 + 1;
            GenRow {
                time: (T0 + i as i64 * step) / 1000 * 1000,
                wallet,
                op,
                coin,
                sats: sign * sats,
            }
        })
        .collect()
}

/// `-12.34567890` style, exactly 8 decimals.
pub fn fmt8(v: i128) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:08}", a / 100_000_000, a % 100_000_000)
}

fn fmt_time(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap()
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The statement as CSV (`User_ID,UTC_Time,Account,Operation,Coin,Change,Remark`).
pub fn statement_csv(rows: &[GenRow]) -> String {
    let mut s = String::with_capacity(rows.len() * 72);
    s.push_str("User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n");
    for r in rows {
        let _ = writeln!(
            s,
            "11111111,{},{},{},{},{},",
            fmt_time(r.time),
            r.wallet,
            r.op,
            r.coin,
            fmt8(i128::from(r.sats))
        );
    }
    s
}

/// Exact Σ satoshis per (wallet, coin) of rows at or before `t`.
pub fn balances_at(rows: &[GenRow], t: i64) -> BTreeMap<(String, String), i128> {
    let mut m = BTreeMap::new();
    for r in rows.iter().filter(|r| r.time <= t) {
        *m.entry((r.wallet.to_string(), r.coin.to_string()))
            .or_insert(0i128) += i128::from(r.sats);
    }
    m
}

/// Daily snapshots (end of each day, 23:59:59.999 UTC) plus an opening
/// snapshot one second before `T0`: `opening` satoshis for every key, and
/// `opening` + the running balance at each day end. Returned as
/// (wallet, coin, time ms, satoshis), computed in one pass over `rows`.
pub fn daily_snapshots(
    rows: &[GenRow],
    days: i64,
    opening: i128,
) -> Vec<(String, String, i64, i128)> {
    let keys: Vec<(String, String)> = balances_at(rows, i64::MAX).into_keys().collect();
    let mut out: Vec<(String, String, i64, i128)> = keys
        .iter()
        .map(|(w, c)| (w.clone(), c.clone(), T0 - 1000, opening))
        .collect();
    let mut bal: BTreeMap<(String, String), i128> =
        keys.iter().map(|k| (k.clone(), opening)).collect();
    let mut i = 0;
    for day in 0..days {
        let end = T0 + (day + 1) * DAY_MS - 1;
        while i < rows.len() && rows[i].time <= end {
            let r = &rows[i];
            *bal.get_mut(&(r.wallet.to_string(), r.coin.to_string()))
                .unwrap() += i128::from(r.sats);
            i += 1;
        }
        out.extend(
            bal.iter()
                .map(|((w, c), v)| (w.clone(), c.clone(), end, *v)),
        );
    }
    out
}

/// Snapshots as a `--balances` CSV (`asset,balance,wallet,time`).
pub fn balances_csv(snaps: &[(String, String, i64, i128)]) -> String {
    let mut s = String::from("asset,balance,wallet,time\n");
    for (w, c, t, v) in snaps {
        let time = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(*t)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%S%.3fZ");
        let _ = writeln!(s, "{c},{},{w},{time}", fmt8(*v));
    }
    s
}
