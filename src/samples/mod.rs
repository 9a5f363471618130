//! Deterministic synthetic Binance exports for demos, tests and evaluation.
//!
//! `generate(seed)` simulates one spot account (`compromised`): about six
//! weeks of ordinary life, then an API-key takeover with the signature of
//! DETECTORS.md, and renders it in the current Binance layouts (statement,
//! trade history, order history, deposit history xlsx, withdrawal history).
//! Pure: no file I/O and no wall clock; the same seed gives byte-identical
//! files. The CLI writes `OUT/<name>/<file>` and `truth.json`.

mod attack;
mod book;
pub mod campaign;
mod campaign_attack;
mod exact;
mod export;
mod fmt;
mod life;
mod market;
mod rng;
mod truth;
mod xlsx;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_attack;

pub use fmt::fmt_fixed;
pub use truth::{truth_json, AttackerOrder, Truth};

use crate::model::TimeMs;
use book::Book;
use fmt::fmt_time;
use life::Persona;
use market::Market;
use rng::Rng;

/// One generated account: its export files and the ground truth.
#[derive(Clone, Debug)]
pub struct SampleSet {
    pub name: String,
    /// `(file name, bytes)` in a fixed order: statement, trades, orders,
    /// deposits (xlsx), withdrawals.
    pub files: Vec<(String, Vec<u8>)>,
    pub truth: Truth,
}

const DAY_MS: i64 = 86_400_000;
/// 2025-01-01T00:00:00Z.
const EPOCH_2025: TimeMs = 1_735_689_600_000;

/// Generates the `compromised` sample for `seed`.
pub fn generate(seed: u64) -> SampleSet {
    let (book, truth, export_at, rng) = simulate(seed);
    let mut rng = rng;
    let user_id = truth.account.clone();
    let stamp = |t: TimeMs| fmt_time(t, "%Y%m%d%H%M");
    let day = fmt_time(export_at, "%Y-%m-%d");
    let t_stmt = export_at;
    let t_trades = export_at + rng.range(60, 600) * 1000;
    let t_orders = t_trades + rng.range(30, 300) * 1000;
    let files = vec![
        (
            format!(
                "Binance-Transaction-History-{}(UTC+0)_{}.csv",
                stamp(t_stmt),
                rng.hex(8)
            ),
            export::statement(&book, &user_id),
        ),
        (
            format!(
                "Binance-Spot-Trade-History-{}(UTC+0)_{}.csv",
                stamp(t_trades),
                rng.hex(8)
            ),
            export::trades(&book),
        ),
        (
            format!(
                "Binance-Spot-Order-History-{}(UTC+0)_{}.csv",
                stamp(t_orders),
                rng.hex(8)
            ),
            export::orders(&book),
        ),
        (
            format!("Binance-Deposit-History-Report-{day}.xlsx"),
            export::deposits(&book, t_orders + rng.range(30, 300) * 1000),
        ),
        (
            format!("Binance-Withdraw-History-Report-{day}.csv"),
            export::withdrawals(&book),
        ),
    ];
    SampleSet {
        name: "compromised".to_string(),
        files,
        truth,
    }
}

/// Runs the simulation: the account's book, the truth, the export time and
/// the generator state afterwards (for file-name hashes).
fn simulate(seed: u64) -> (Book, Truth, TimeMs, Rng) {
    let mut rng = Rng::new(seed);
    let user_id = rng.range(30_000_000, 99_999_999).to_string();
    let start = EPOCH_2025 + rng.range(20, 200) * DAY_MS;
    let days = rng.range(40, 46);
    let market = Market::new(&mut rng, start, ((days + 2) * 24) as usize);
    let persona = Persona::new(&mut rng);
    let mut book = Book::default();
    life::simulate(&mut rng, &mut book, &market, &persona, start, days);
    let attack_day = start + days * DAY_MS;
    let attack = attack::takeover(&mut rng, &mut book, &market, &persona, attack_day);
    let history_start = book.ledger.iter().map(|r| r.time).min().unwrap_or(start);
    let truth = Truth::build(seed, &user_id, history_start, &attack, &book);
    let export_at = attack_day + rng.range(1, 3) * DAY_MS + rng.range(8 * 60, 20 * 60) * 60_000;
    (book, truth, export_at, rng)
}
