//! Benchmark: all single-account detectors on one account of N fills
//! (default 1,000,000), built in memory by the evaluation generator's
//! builder: market orders across seven symbols, ~1,000 a day.
//!
//! cargo run --release --example bench_detect -- [FILLS]

use binance_forensics::decimal::Dec;
use binance_forensics::detect::{run, DetectConfig};
use binance_forensics::evaluate::builder::Builder;
use binance_forensics::evaluate::market::{market_order, Market, DAY};
use binance_forensics::evaluate::rng::Rng;
use binance_forensics::model::Side;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let t_build = Instant::now();
    let mut rng = Rng::new(42);
    let start = 1_735_689_600_000;
    let days = (n / 1000 + 2) as i64;
    let m = Market::new(&mut rng, start, days as usize + 3);
    let mut b = Builder::new("bench");
    b.deposit(start, "USDT", Dec::from_int(1_000_000_000), "own");
    let assets = ["BTC", "ETH", "BNB", "SOL", "LINK", "ADA", "DOGE"];
    let mut t = start + 60_000;
    while b.acc.fills.len() < n {
        let a = assets[rng.range(0, 6) as usize];
        if rng.chance(0.6) || !b.held(a).is_positive() {
            let amount = rng_amount(&mut rng);
            market_order(&mut b, &mut rng, &m, t, a, Side::Buy, amount);
        } else {
            let q = b.held(a).to_f64() * 0.3;
            market_order(&mut b, &mut rng, &m, t, a, Side::Sell, q);
        }
        t += rng.range(20, 150) * 1000;
        if t > start + days * DAY {
            break;
        }
    }
    let (account, _) = b.build();
    let built = t_build.elapsed();
    let cfg = DetectConfig::default();
    let t_run = Instant::now();
    let det = run(&account, &cfg);
    let ran = t_run.elapsed();
    println!(
        "fills {}  ledger rows {}  build {:.2} s  detect::run {:.2} s  findings {}  incidents {}",
        account.fills.len(),
        account.ledger.len(),
        built.as_secs_f64(),
        ran.as_secs_f64(),
        det.findings.len(),
        det.incidents.len()
    );
}

fn rng_amount(rng: &mut Rng) -> f64 {
    rng.uniform(20.0, 500.0)
}
