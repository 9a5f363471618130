//! Tests that the generated takeover has the DETECTORS.md signature and
//! agrees with `truth.json`, and that ordinary life looks ordinary — all
//! read back from the exported files.

use super::exact::{mul, pct};
use super::tests::{add, dec, files, ms, split_amount};
use super::truth_json;
use crate::decimal::Dec;
use crate::model::TimeMs;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn attack_has_the_signature_and_matches_truth() {
    for seed in 0..8u64 {
        attack_has_the_signature_and_matches_truth_for(seed);
    }
}

pub(super) fn attack_has_the_signature_and_matches_truth_for(seed: u64) {
    let (f, truth) = files(seed);
    let (start, end) = truth.window_ms;
    let thin = truth.thin_symbol.clone();
    // Spot balances just before the attack.
    let mut before = BTreeMap::new();
    for r in f
        .statement
        .iter()
        .filter(|r| r["Account"] == "Spot" && ms(&r["UTC_Time"]) < start)
    {
        add(&mut before, &r["Coin"], dec(&r["Change"]));
        assert_ne!(
            r["Coin"], truth.thin_asset,
            "seed {seed}: thin token held before"
        );
    }
    let mut sold = BTreeMap::new();
    let (mut spent, mut recovered) = (Dec::ZERO, Dec::ZERO);
    let mut sell_times = Vec::new();
    let mut buys: BTreeMap<TimeMs, Vec<Dec>> = BTreeMap::new();
    let mut dump_prices = Vec::new();
    for t in &f.trades {
        let time = ms(&t["Date(UTC)"]);
        let (qty, base) = split_amount(&t["Executed"]);
        let quote = split_amount(&t["Amount"]).0;
        assert!(time <= end, "seed {seed}: trade after the attack");
        if time < start {
            assert_ne!(t["Pair"], thin, "seed {seed}: thin symbol traded before");
            continue;
        }
        match (t["Pair"] == thin, t["Side"].as_str()) {
            (false, "SELL") => {
                add(&mut sold, &base, qty);
                sell_times.push(time);
            }
            (true, "BUY") => {
                spent += quote;
                buys.entry(time).or_default().push(dec(&t["Price"]));
            }
            (true, "SELL") => {
                recovered += quote;
                dump_prices.push(dec(&t["Price"]));
            }
            other => panic!("seed {seed}: unexpected attack trade {other:?}"),
        }
    }
    // A. ≥ 3 assets, each ≥ 90 % of the holding, within ~3 minutes.
    let liquidated: Vec<String> = sold.keys().cloned().collect();
    let mut want = truth.liquidated_assets.clone();
    want.sort();
    assert_eq!(liquidated, want, "seed {seed}");
    assert!(liquidated.len() >= 3, "seed {seed}: {liquidated:?}");
    for (a, q) in &sold {
        assert!(
            *q >= pct(before[a], 90),
            "seed {seed}: {a} sold {q} of {}",
            before[a]
        );
    }
    let (s0, s1) = (
        sell_times.iter().min().copied(),
        sell_times.iter().max().copied(),
    );
    assert_eq!(s0, Some(start));
    let last_sell = s1.unwrap_or(start);
    assert!(last_sell - start <= 180_000, "seed {seed}");
    // B. 15–30 taker buys within 90 s, 3–6 rising levels each, ≥ 85 % of the USDT.
    assert!(
        (15..=30).contains(&buys.len()),
        "seed {seed}: {} buys",
        buys.len()
    );
    let first_buy = buys.keys().next().copied().unwrap_or(0);
    let last_buy = buys.keys().last().copied().unwrap_or(0);
    assert!(
        first_buy > last_sell && last_buy - first_buy <= 90_000,
        "seed {seed}"
    );
    for (t, prices) in &buys {
        assert!(
            (3..=6).contains(&prices.len()),
            "seed {seed}: order at {t} has {} fills",
            prices.len()
        );
        let mut sorted = prices.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            sorted.len(),
            prices.len(),
            "seed {seed}: sweep levels not distinct"
        );
    }
    let all: Vec<Dec> = buys.values().flatten().copied().collect();
    let (lo, hi) = (
        all.iter().min().copied().unwrap_or_default(),
        all.iter().max().copied().unwrap_or_default(),
    );
    // Rise of +300…+900 %: hi / lo in [4, 10] (allowing one tick of flooring).
    assert!(
        hi >= mul(lo, dec("3.99")) && hi <= mul(lo, dec("10")),
        "seed {seed}: {lo} → {hi}"
    );
    assert_eq!(spent, truth.quote_spent, "seed {seed}");
    let usdt_at_buys: Dec = f
        .statement
        .iter()
        .filter(|r| r["Account"] == "Spot" && r["Coin"] == "USDT" && ms(&r["UTC_Time"]) < first_buy)
        .map(|r| dec(&r["Change"]))
        .sum();
    assert_eq!(usdt_at_buys, truth.quote_before_buys, "seed {seed}");
    assert!(
        spent >= pct(usdt_at_buys, 85),
        "seed {seed}: spent {spent} of {usdt_at_buys}"
    );
    // C. Dump, if any, far below every buy.
    assert_eq!(recovered, truth.quote_recovered, "seed {seed}");
    assert!(dump_prices.iter().all(|p| *p < lo), "seed {seed}");
    // D. Early morning; no deposit in the 24 h before; no withdrawal after.
    let hour = (start / 3_600_000) % 24;
    assert!((1..=5).contains(&hour), "seed {seed}: hour {hour}");
    assert!(f
        .deposits
        .iter()
        .all(|d| ms(&d["Date(UTC+0)"]) < start - 86_400_000));
    assert!(f.withdrawals.iter().all(|w| ms(&w["Date(UTC+0)"]) < start));
    assert!(!truth.deposit_before_attack && !truth.withdrawal_after_attack);
    // The truth lists exactly the orders of the window.
    let ids: BTreeSet<String> = f
        .orders
        .iter()
        .filter(|o| ms(&o["Date(UTC)"]) >= start)
        .map(|o| o["OrderNo"].clone())
        .collect();
    let truth_ids: BTreeSet<String> = truth
        .attacker_orders
        .iter()
        .map(|o| o.order_id.clone())
        .collect();
    assert_eq!(ids, truth_ids, "seed {seed}");
}

#[test]
fn truth_json_has_decimal_strings_and_rfc3339_times() {
    let s = super::generate(9);
    let v: serde_json::Value = serde_json::from_slice(&truth_json(&s.truth)).expect("json");
    assert_eq!(v["scenario"], "compromised");
    assert!(v["quote_spent"]
        .as_str()
        .is_some_and(|x| Dec::parse(x).is_ok()));
    assert!(v["quote_recovered"].is_string());
    let start = v["attack_window_start"].as_str().unwrap_or_default();
    assert_eq!(
        (start.len(), &start[10..11], &start[19..]),
        (24, "T", ".000Z")
    );
    assert!(v.get("window_ms").is_none());
    assert_eq!(v["account"].as_str().map(str::len), Some(8));
}

#[test]
fn ordinary_life_looks_ordinary() {
    for seed in [4u64, 11, 12] {
        ordinary_life_looks_ordinary_for(seed);
    }
}

pub(super) fn ordinary_life_looks_ordinary_for(seed: u64) {
    let (f, truth) = files(seed);
    let (start, _) = truth.window_ms;
    let before: Vec<_> = f
        .orders
        .iter()
        .filter(|o| ms(&o["Date(UTC)"]) < start)
        .collect();
    let mut per_day: BTreeMap<i64, usize> = BTreeMap::new();
    for o in &before {
        *per_day.entry(ms(&o["Date(UTC)"]) / 86_400_000).or_default() += 1;
    }
    assert!(per_day.values().all(|n| *n <= 6), "seed {seed}");
    assert!(
        per_day.len() >= 30,
        "seed {seed}: only {} active days",
        per_day.len()
    );
    let count = |k: &str, v: &str| before.iter().filter(|o| o[k] == v).count();
    assert!(count("Status", "CANCELED") >= 3, "seed {seed}");
    assert!(count("Type", "MARKET") >= 3, "seed {seed}");
    assert!(
        count("Type", "LIMIT") > count("Type", "MARKET"),
        "seed {seed}: {} limit, {} market",
        count("Type", "LIMIT"),
        count("Type", "MARKET")
    );
    let span_days = (start - ms(&f.statement[0]["UTC_Time"])) / 86_400_000;
    assert!(
        (39..=47).contains(&span_days),
        "seed {seed}: {span_days} days"
    );
    // Prices in their bands (1 % slack for market sweeps), lots on their steps.
    let bands = [
        ("BTC", "60000", "70000", 5),
        ("ETH", "3000", "3500", 4),
        ("SOL", "140", "170", 3),
        ("ADA", "0.4", "0.5", 1),
        ("BNB", "550", "650", 3),
    ];
    for t in &f.trades {
        let (qty, base) = split_amount(&t["Executed"]);
        let (fee_asset, side) = (split_amount(&t["Fee"]).1, t["Side"].as_str());
        assert!(
            fee_asset == "BNB" || fee_asset == if side == "BUY" { base.as_str() } else { "USDT" }
        );
        let Some((_, lo, hi, dp)) = bands.iter().find(|b| b.0 == base) else {
            continue;
        };
        let p = dec(&t["Price"]);
        assert!(
            p >= pct(dec(lo), 99) && p <= pct(dec(hi), 101),
            "seed {seed}: {base} at {p}"
        );
        assert_eq!(qty.round_dp(*dp), qty, "seed {seed}: {base} lot {qty}");
    }
}

/// Every check on many seeds (slow: `cargo test --lib samples -- --ignored`).
#[test]
#[ignore]
fn many_seeds_hold_every_invariant() {
    use super::tests as t;
    for seed in 0..300u64 {
        t::statement_reconciles_with_the_other_exports_for(seed);
        t::trade_legs_equal_the_trade_history_for(seed);
        t::orders_are_the_sums_of_their_fills_for(seed);
        t::balances_never_go_negative_for(seed);
        t::transfers_appear_in_the_statement_with_lags_for(seed);
        attack_has_the_signature_and_matches_truth_for(seed);
        ordinary_life_looks_ordinary_for(seed);
    }
}
