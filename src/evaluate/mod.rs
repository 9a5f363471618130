//! Labeled scenario accounts and the measured detection rate.
//!
//! `generate(seed, n)` builds `n` accounts in memory with seeded ground
//! truth, in a fixed cycle of ten: 2 benign (casual, DCA bot, grid bot,
//! active trader), 4 tricky benign (rotation, new-listing rush, cash-out to
//! a new address, dust, Convert) and 4 attacked (liquidate-then-concentrate,
//! pump in an existing symbol, buy-high/sell-low loops, withdrawal sweep,
//! liquidate + sweep) — attacked accounts live an ordinary life first.
//! The accounts are the canonical rows the detectors read (fills,
//! transfers, Spot ledger legs), not export files: the evaluation measures
//! the detectors, not the parsers. `metrics::measure` applies the issue's
//! definitions.

pub mod attacks;
pub mod builder;
pub mod life;
pub mod market;
pub mod metrics;
pub mod rng;

use crate::decimal::Dec;
use crate::model::{Account, Origin, TimeMs};
use builder::Builder;
use market::{Market, DAY};
use rng::Rng;
use std::collections::BTreeSet;

/// One attack as it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct TruthIncident {
    /// First and last attacker row.
    pub start: TimeMs,
    pub end: TimeMs,
    pub symbols: Vec<String>,
    pub addresses: Vec<String>,
    pub txids: Vec<String>,
    /// Quote spent on the attacked symbols − recovered, plus coins swept
    /// (gross), per asset.
    pub loss: Vec<(String, Dec)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Benign,
    Tricky,
    Attacked,
}

/// One generated account with its ground truth.
#[derive(Clone, Debug)]
pub struct Labeled {
    pub account: Account,
    pub class: Class,
    pub kind: &'static str,
    pub incidents: Vec<TruthIncident>,
    pub attack_rows: BTreeSet<Origin>,
}

const BENIGN: [&str; 4] = ["casual", "dca-bot", "grid-bot", "active-trader"];
const TRICKY: [&str; 5] = ["rotation", "listing-rush", "cash-out", "dust", "convert"];
const ATTACKS: [&str; 5] = [
    "liquidate-concentrate",
    "pump-existing",
    "round-trip-loops",
    "withdrawal-sweep",
    "liquidate+sweep",
];
const THIN: [&str; 8] = ["VIA", "SYS", "NXS", "GVT", "EVX", "MDA", "RDN", "OAX"];
const NEW: [&str; 6] = ["ZRO", "ENA", "TNSR", "NOTC", "WIF", "JUP"];
/// 2025-01-01T00:00:00Z.
const EPOCH_2025: TimeMs = 1_735_689_600_000;

/// `n` labeled accounts for `seed` (see the module doc for the mix).
pub fn generate(seed: u64, n: usize) -> Vec<Labeled> {
    (0..n).map(|i| account(seed, i)).collect()
}

fn account(seed: u64, i: usize) -> Labeled {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
    let (class, kind) = match i % 10 {
        0 | 1 => (Class::Benign, BENIGN[(i / 10 * 2 + i % 10) % 4]),
        2..=5 => (Class::Tricky, TRICKY[(i / 10 * 4 + i % 10 - 2) % 5]),
        _ => (Class::Attacked, ATTACKS[(i / 10 * 4 + i % 10 - 6) % 5]),
    };
    let days = rng.range(45, 120);
    let start = EPOCH_2025 + rng.range(0, 300) * DAY;
    let m = Market::new(&mut rng, start, days as usize + 3);
    let mut b = Builder::new(&format!("eval-{i:04}-{kind}"));
    life::open(&mut b, &mut rng, &m, start);
    let life_kind = if class == Class::Benign {
        kind
    } else {
        *rng.pick(&BENIGN)
    };
    match life_kind {
        "dca-bot" => life::dca(&mut b, &mut rng, &m, start, days),
        "grid-bot" => life::grid(&mut b, &mut rng, &m, start, days),
        "active-trader" => life::active(&mut b, &mut rng, &m, start, days),
        _ => life::casual(&mut b, &mut rng, &m, start, days),
    }
    let end = start + days * DAY;
    // an event time on the day after the life, daytime for the user,
    // early morning for the attacker
    let user_t = end + rng.range(10 * 3600, 18 * 3600) * 1000;
    let attack_t = end + rng.range(2 * 3600, 5 * 3600) * 1000;
    let mut incidents = Vec::new();
    match kind {
        "rotation" => life::rotation(&mut b, &mut rng, &m, user_t),
        "listing-rush" => {
            let tok = rng_pick(&mut rng, &NEW);
            life::listing_rush(&mut b, &mut rng, user_t, tok)
        }
        "cash-out" => life::cash_out(&mut b, &mut rng, user_t),
        "dust" => life::dust(&mut b, &mut rng, user_t),
        "convert" => life::convert(&mut b, &mut rng, &m, user_t),
        "liquidate-concentrate" => {
            let tok = rng_pick(&mut rng, &THIN);
            incidents.push(attacks::liquidate_concentrate(
                &mut b, &mut rng, &m, attack_t, tok,
            ));
        }
        "pump-existing" => {
            let held: Vec<&str> = market::LISTED
                .iter()
                .map(|(a, _, _)| *a)
                .filter(|a| b.acc.fills.iter().any(|f| f.base == *a))
                .collect();
            let asset = *rng.pick(&held);
            incidents.push(attacks::pump_existing(
                &mut b, &mut rng, &m, attack_t, asset,
            ));
        }
        "round-trip-loops" => {
            let tok = rng_pick(&mut rng, &THIN);
            incidents.push(attacks::loops(&mut b, &mut rng, attack_t, tok));
        }
        "withdrawal-sweep" => incidents.push(attacks::sweep(&mut b, &mut rng, attack_t)),
        "liquidate+sweep" => {
            let tok = rng_pick(&mut rng, &THIN);
            let a = attacks::liquidate_concentrate(&mut b, &mut rng, &m, attack_t, tok);
            let later = a.end + rng.range(600, 6 * 3600) * 1000;
            let s = attacks::sweep(&mut b, &mut rng, later);
            incidents.push(attacks::merge(a, s));
        }
        _ => {}
    }
    let (account, attack_rows) = b.build();
    Labeled {
        account,
        class,
        kind,
        incidents,
        attack_rows,
    }
}

fn rng_pick(rng: &mut Rng, v: &[&'static str]) -> &'static str {
    let picked: &&'static str = rng.pick(v);
    picked
}
