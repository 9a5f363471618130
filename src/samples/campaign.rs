//! Campaign sets: many accounts on one shared market, 2–8 of them victims
//! of one takeover campaign (same thin token, same minutes, one attacker
//! ladder of resting sell orders), the others ordinary, several of them
//! tricky benign on purpose:
//!
//! - `pump-chaser`: first buys the campaign's token minutes after the
//!   victims (same symbol, same window) but with a small order at its own
//!   prices and no takeover;
//! - `co-discoverers`: two accounts first buy another thin token within
//!   minutes of each other, at their own prices, with no takeover;
//! - `night-trader`: a burst of ordinary major-coin orders in the campaign
//!   minutes;
//! - `shared-wallet`: two accounts withdraw to the same own wallet.
//!
//! Pure and seeded like `generate`; `--extra-trades` pads each account with
//! small round trips for benchmarks.

use super::attack::market_order;
use super::book::Book;
use super::campaign_attack::{benign_buy, victim_takeover, Ladder};
use super::export;
use super::fmt::fmt_time;
use super::life::{self, Persona};
use super::market::{Market, THIN_TOKENS};
use super::rng::Rng;
use super::{DAY_MS, EPOCH_2025};
use crate::decimal::Dec;
use crate::model::{Side, TimeMs};
use serde::Serialize;

/// One generated account: directory name and export files.
#[derive(Clone, Debug)]
pub struct CampaignAccount {
    pub name: String,
    pub user_id: String,
    /// `victim`, `ordinary`, `pump-chaser`, `co-discoverer`, `night-trader`, `shared-wallet`.
    pub role: &'static str,
    pub files: Vec<(String, Vec<u8>)>,
}

/// The ground truth of a campaign set.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignTruth {
    pub seed: u64,
    pub symbol: String,
    pub window_start: String,
    pub window_end: String,
    /// Account ids (User_ID) of the victims, sorted.
    pub victims: Vec<String>,
    /// (account id, role) of every non-victim, sorted by id.
    pub others: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct CampaignSet {
    pub accounts: Vec<CampaignAccount>,
    pub truth: CampaignTruth,
}

/// Options of a campaign set.
#[derive(Clone, Copy, Debug)]
pub struct CampaignOptions {
    pub seed: u64,
    pub accounts: usize,
    pub victims: usize,
    pub extra_trades: usize,
}

pub fn generate_campaign(o: CampaignOptions) -> CampaignSet {
    let n = o.accounts.max(8);
    let v = o.victims.clamp(2, 8).min(n - 6);
    let mut crng = Rng::new(o.seed ^ 0xCA3B_A16E);
    let day = EPOCH_2025 + crng.range(60, 200) * DAY_MS;
    let market_start = day - 50 * DAY_MS;
    let market = Market::new(&mut crng, market_start, 53 * 24);
    let thin = crng.pick(&THIN_TOKENS).to_string();
    let other_thin = THIN_TOKENS
        .iter()
        .find(|t| **t != thin)
        .map_or("QZT".to_string(), |t| t.to_string());
    let ladder = Ladder::new(&mut crng, &thin, 260);
    let t0 = day + crng.range(90, 300) * 60_000;
    // Roles: shuffle indices, first v victims, then the tricky ones.
    let mut idx: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        idx.swap(i, crng.index(i + 1));
    }
    let mut roles = vec!["ordinary"; n];
    for (k, &i) in idx.iter().enumerate() {
        roles[i] = match k {
            k if k < v => "victim",
            k if k == v => "pump-chaser",
            k if k == v + 1 || k == v + 2 => "co-discoverer",
            k if k == v + 3 => "night-trader",
            k if k == v + 4 || k == v + 5 => "shared-wallet",
            _ => "ordinary",
        };
    }
    let shared_wallet = ("TRX".to_string(), life::tron_address(&mut crng));
    let discover_at = day - crng.range(3, 9) * DAY_MS + crng.range(60, 300) * 60_000;
    let mut accounts = Vec::new();
    let mut victims = Vec::new();
    let mut others = Vec::new();
    let mut window = (i64::MAX, i64::MIN);
    for (i, &role) in roles.iter().enumerate() {
        let mut rng = Rng::new(o.seed.wrapping_mul(1_000_003).wrapping_add(i as u64 + 1));
        let user_id = rng.range(30_000_000, 99_999_999).to_string();
        let days = rng.range(40, 46);
        let start = day - days * DAY_MS;
        let mut persona = Persona::new(&mut rng);
        if role == "shared-wallet" {
            persona.own_wallet = shared_wallet.clone();
        }
        let mut book = Book::default();
        life::simulate(&mut rng, &mut book, &market, &persona, start, days);
        if o.extra_trades > 0 {
            extra_trades(
                &mut rng,
                &mut book,
                &market,
                &persona,
                start,
                day,
                o.extra_trades,
            );
        }
        match role {
            "victim" => {
                let t = t0 + rng.range(0, 240) * 1000;
                let end = victim_takeover(&mut rng, &mut book, &market, &persona, t, &ladder);
                window = (window.0.min(t), window.1.max(end));
            }
            "pump-chaser" => {
                // Minutes after the victims, above the ladder's top.
                let top = ladder.ticks[ladder.ticks.len() - 1];
                let t = t0 + rng.range(300, 600) * 1000;
                let ticks = [top + top * rng.range(7, 19) / 100 + 3, top + top / 4 + 7];
                let usdt = rng.range(60, 200);
                benign_buy(
                    &mut rng, &mut book, &market, &persona, &thin, t, &ticks, usdt,
                );
            }
            "co-discoverer" => {
                let t = discover_at + rng.range(0, 420) * 1000;
                let p = rng.range(2_000, 9_000) * 10 + rng.range(1, 9);
                let usdt = rng.range(60, 300);
                benign_buy(
                    &mut rng,
                    &mut book,
                    &market,
                    &persona,
                    &other_thin,
                    t,
                    &[p],
                    usdt,
                );
            }
            "night-trader" => night_burst(&mut rng, &mut book, &market, &persona, t0),
            _ => {}
        }
        let export_at = day + DAY_MS + rng.range(8 * 60, 20 * 60) * 60_000;
        if role == "victim" {
            victims.push(user_id.clone());
        } else {
            others.push((user_id.clone(), role.to_string()));
        }
        accounts.push(CampaignAccount {
            name: format!("acct-{:03}", i + 1),
            files: files(&mut rng, &book, &user_id, export_at),
            user_id,
            role,
        });
    }
    victims.sort();
    others.sort();
    CampaignSet {
        accounts,
        truth: CampaignTruth {
            seed: o.seed,
            symbol: format!("{thin}USDT"),
            window_start: crate::timefmt::rfc3339_ms(window.0),
            window_end: crate::timefmt::rfc3339_ms(window.1),
            victims,
            others,
        },
    }
}

/// 10–16 small BNB market buys within ~3 minutes of `t0` (a benign burst).
fn night_burst(rng: &mut Rng, book: &mut Book, market: &Market, p: &Persona, t0: TimeMs) {
    let n = rng.range(10, 16) as usize;
    let offs = rng.distinct_sorted(n, 180);
    for off in offs {
        let t = t0 + off * 1000;
        let price = market.price("BNB", t);
        let lots = [(
            price,
            Dec::from_raw(rng.range(10, 60) as i128 * 1_000_000_000_000_000),
        )];
        if let Some(o) = market_order(
            rng,
            book,
            (price, p.use_bnb_fees),
            "BNB",
            Side::Buy,
            t,
            &lots,
        ) {
            book.orders.push(o);
        }
    }
}

/// `n` small ADA round trips (buy then sell 10–40 ADA a minute later) at
/// random times before `end`, booked in time order after ordinary life.
fn extra_trades(
    rng: &mut Rng,
    book: &mut Book,
    market: &Market,
    p: &Persona,
    start: TimeMs,
    end: TimeMs,
    n: usize,
) {
    let pairs = n.div_ceil(2);
    let mut times: Vec<TimeMs> = (0..pairs)
        .map(|_| start + DAY_MS + rng.range(0, (end - start - 2 * DAY_MS) / 1000) * 1000)
        .collect();
    times.sort();
    for t in times {
        let qty = Dec::from_int(rng.range(10, 40));
        let price = market.price("ADA", t);
        let bnb = (market.price("BNB", t), p.use_bnb_fees);
        if let Some(o) = market_order(rng, book, bnb, "ADA", Side::Buy, t, &[(price, qty)]) {
            book.orders.push(o);
            let t2 = t + 60_000;
            let sell = book.bal("ADA").min(qty);
            let price2 = market.price("ADA", t2);
            if let Some(o) = market_order(rng, book, bnb, "ADA", Side::Sell, t2, &[(price2, sell)])
            {
                book.orders.push(o);
            }
        }
    }
}

/// The five export files of an account, named like Binance's.
fn files(rng: &mut Rng, book: &Book, user_id: &str, export_at: TimeMs) -> Vec<(String, Vec<u8>)> {
    let stamp = |t: TimeMs| fmt_time(t, "%Y%m%d%H%M");
    let day = fmt_time(export_at, "%Y-%m-%d");
    let t_trades = export_at + rng.range(60, 600) * 1000;
    let t_orders = t_trades + rng.range(30, 300) * 1000;
    vec![
        (
            format!(
                "Binance-Transaction-History-{}(UTC+0)_{}.csv",
                stamp(export_at),
                rng.hex(8)
            ),
            export::statement(book, user_id),
        ),
        (
            format!(
                "Binance-Spot-Trade-History-{}(UTC+0)_{}.csv",
                stamp(t_trades),
                rng.hex(8)
            ),
            export::trades(book),
        ),
        (
            format!(
                "Binance-Spot-Order-History-{}(UTC+0)_{}.csv",
                stamp(t_orders),
                rng.hex(8)
            ),
            export::orders(book),
        ),
        (
            format!("Binance-Deposit-History-Report-{day}.xlsx"),
            export::deposits(book, t_orders + rng.range(30, 300) * 1000),
        ),
        (
            format!("Binance-Withdraw-History-Report-{day}.csv"),
            export::withdrawals(book),
        ),
    ]
}

/// `campaign.truth.json`.
pub fn campaign_truth_json(t: &CampaignTruth) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(t).unwrap_or_default();
    v.push(b'\n');
    v
}
