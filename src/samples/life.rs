//! Ordinary life before the takeover: a few USDT deposits, one withdrawal
//! to the user's own wallet, 1–6 orders a day across the five majors,
//! a little Simple Earn interest. Events are spaced in 15-minute slots so
//! one order's fills (≤ 10 min) never interleave with the next event, and
//! every order is checked against the balances before it is booked.

use super::book::{Book, OrdType, SimFill, SimOrder, SimTransfer};
use super::exact::{div_floor, mul, pct};
use super::market::{floor_dp, spec, symbol, ticks_to_dec, Market, MAJORS, QUOTE};
use super::rng::Rng;
use crate::decimal::Dec;
use crate::model::{Side, TimeMs};

const DAY_MS: i64 = 86_400_000;
const SLOT_MS: i64 = 900_000;
/// First slot 06:30 UTC; 68 slots reach 23:30.
const FIRST_SLOT_MS: i64 = 6 * 3_600_000 + 1_800_000;
const SLOTS: i64 = 68;

/// The user's fixed wallets and habits.
#[derive(Clone, Debug)]
pub struct Persona {
    /// `(network, Binance deposit address)` used for every deposit.
    pub deposit_net: (String, String),
    /// `(network, own external address)` for the withdrawal.
    pub own_wallet: (String, String),
    pub use_bnb_fees: bool,
}

impl Persona {
    pub fn new(rng: &mut Rng) -> Persona {
        let deposit_net = if rng.chance(50) {
            ("TRX".to_string(), tron_address(rng))
        } else {
            ("BSC".to_string(), evm_address(rng))
        };
        let own_wallet = if rng.chance(50) {
            ("TRX".to_string(), tron_address(rng))
        } else {
            ("BSC".to_string(), evm_address(rng))
        };
        Persona {
            deposit_net,
            own_wallet,
            use_bnb_fees: rng.chance(80),
        }
    }
}

pub fn tron_address(rng: &mut Rng) -> String {
    format!("T{}", rng.base58(33))
}

pub fn evm_address(rng: &mut Rng) -> String {
    format!("0x{}", rng.hex(40))
}

/// A TXID in the style of the network (TRON: bare 64 hex; EVM: 0x + 64).
pub fn txid(rng: &mut Rng, network: &str) -> String {
    if network == "TRX" {
        rng.hex(64)
    } else {
        format!("0x{}", rng.hex(64))
    }
}

enum Event {
    Deposit,
    Withdraw,
    Order,
}

/// Simulates `days` days from `start` (midnight UTC) into `book`.
pub fn simulate(
    rng: &mut Rng,
    book: &mut Book,
    market: &Market,
    persona: &Persona,
    start: TimeMs,
    days: i64,
) {
    let n_dep = rng.range(2, 3);
    let mut dep_days = vec![0];
    dep_days.extend(
        rng.distinct_sorted(n_dep as usize - 1, days - 12)
            .iter()
            .map(|d| d + 4),
    );
    let wd_day = rng.range(days / 2, days - 3);
    let n_interest = rng.range(3, 5) as usize;
    let interest_days = rng.distinct_sorted(n_interest, days - 2);
    // Make sure every major is bought early (BNB first, for the fee discount).
    let mut must_buy: Vec<&str> = vec!["BNB", "BTC", "ETH", "SOL", "ADA"];
    for day in 0..days {
        let mut events: Vec<Event> = Vec::new();
        if dep_days.contains(&day) {
            events.push(Event::Deposit);
        }
        if day == wd_day {
            events.push(Event::Withdraw);
        }
        let n_orders = if day == 0 { 3 } else { rng.range(1, 6) };
        for _ in 0..n_orders {
            events.push(Event::Order);
        }
        // Deposit first on its day so the money is there; the rest shuffled.
        let k = usize::from(dep_days.contains(&day));
        for i in (k + 1..events.len()).rev() {
            let j = k + rng.index(i + 1 - k);
            events.swap(i, j);
        }
        let slots = rng.distinct_sorted(events.len(), SLOTS - 1);
        let day0 = start + day * DAY_MS;
        for (ev, slot) in events.iter().zip(slots) {
            let t = day0 + FIRST_SLOT_MS + slot * SLOT_MS + rng.range(0, 299) * 1000;
            match ev {
                Event::Deposit => deposit(rng, book, persona, t),
                Event::Withdraw => withdraw(rng, book, persona, t),
                Event::Order => order(rng, book, market, persona, t, &mut must_buy),
            }
        }
        if interest_days.contains(&day) {
            let t = day0 + DAY_MS + rng.range(60, 3_000) * 1000;
            interest(rng, book, t);
        }
    }
}

fn deposit(rng: &mut Rng, book: &mut Book, p: &Persona, t: TimeMs) {
    let amount = Dec::from_int(rng.range(30, 80) * 500 + rng.range(0, 1) * rng.range(1, 499));
    let (network, address) = p.deposit_net.clone();
    let tx = txid(rng, &network);
    book.deposit(SimTransfer {
        deposit: true,
        time: t,
        booked: t + rng.range(15, 25) * 1000,
        coin: QUOTE.to_string(),
        network,
        amount,
        fee: Dec::ZERO,
        address,
        txid: tx,
    });
}

fn withdraw(rng: &mut Rng, book: &mut Book, p: &Persona, booked: TimeMs) {
    let (network, address) = p.own_wallet.clone();
    let fee = if network == "TRX" {
        Dec::ONE
    } else {
        Dec::from_raw(300_000_000_000_000_000)
    };
    let free = book.bal(QUOTE) - fee;
    // 10–30 % of the free USDT, in whole dollars.
    let amount = floor_dp(pct(free, rng.range(10, 30)), 0);
    if amount < Dec::from_int(50) {
        return;
    }
    let tx = txid(rng, &network);
    book.withdraw(SimTransfer {
        deposit: false,
        time: booked - rng.range(300, 1_800) * 1000,
        booked,
        coin: QUOTE.to_string(),
        network,
        amount,
        fee,
        address,
        txid: tx,
    });
}

fn interest(rng: &mut Rng, book: &mut Book, t: TimeMs) {
    // 0.00100000 … 0.45000000 USDT
    let amount = Dec::from_raw(rng.range(100_000, 45_000_000) as i128 * 10_000_000_000);
    book.interest(t, QUOTE, amount);
}

fn pick_base(rng: &mut Rng) -> &'static str {
    let total: i64 = MAJORS.iter().map(|s| s.weight).sum();
    let mut r = rng.range(0, total - 1);
    for s in &MAJORS {
        if r < s.weight {
            return s.base;
        }
        r -= s.weight;
    }
    "BTC"
}

/// Splits `qty` (a multiple of 10^−dp) into up to `n` positive lots.
pub fn split_qty(rng: &mut Rng, qty: Dec, dp: u32, n: usize) -> Vec<Dec> {
    let unit = 10i128.pow(18 - dp);
    let units = qty.raw() / unit;
    let n = (n as i128).min(units).max(1) as usize;
    let mut cuts = rng.distinct_sorted(n - 1, (units - 2).max(0) as i64);
    for c in cuts.iter_mut() {
        *c += 1; // cut points in 1..units-1
    }
    let mut out = Vec::with_capacity(n);
    let mut prev = 0i128;
    for c in cuts
        .iter()
        .map(|c| *c as i128)
        .chain(std::iter::once(units))
    {
        out.push(Dec::from_raw((c - prev) * unit));
        prev = c;
    }
    out
}

fn order(
    rng: &mut Rng,
    book: &mut Book,
    market: &Market,
    p: &Persona,
    t: TimeMs,
    must_buy: &mut Vec<&str>,
) {
    let forced = if must_buy.is_empty() {
        None
    } else {
        Some(must_buy.remove(0))
    };
    let base = forced.unwrap_or_else(|| pick_base(rng));
    let Some(s) = spec(base) else { return };
    let mkt = market.price(base, t);
    let usdt = book.bal(QUOTE);
    let held = book.bal(base);
    let held_value = mul(held, mkt);
    let can_buy = usdt >= Dec::from_int(60);
    let can_sell = held_value >= Dec::from_int(40);
    let side = match (can_buy, can_sell) {
        _ if forced.is_some() && can_buy => Side::Buy,
        (true, true) => {
            if held_value < pct(usdt, 15) || rng.chance(55) {
                Side::Buy
            } else {
                Side::Sell
            }
        }
        (true, false) => Side::Buy,
        (false, true) => Side::Sell,
        (false, false) => return,
    };
    let kind = if rng.chance(78) {
        OrdType::Limit
    } else {
        OrdType::Market
    };
    let canceled = forced.is_none() && kind == OrdType::Limit && rng.chance(18);
    let partial = !canceled && kind == OrdType::Limit && rng.chance(6);
    // Limit price a little better than the market for the user.
    let mkt_ticks = market.ticks(base, t);
    let off = mkt_ticks * rng.range(0, if canceled { 300 } else { 30 }) / 10_000;
    let limit_ticks = match side {
        Side::Buy => mkt_ticks - off,
        Side::Sell => mkt_ticks + off,
    };
    let ref_price = ticks_to_dec(limit_ticks, s.price_dp);
    let qty = match side {
        // 8–45 % of the USDT (at most 15 000 USDT), bought at about the market.
        Side::Buy => {
            // BNB only as a fee reserve: at most 2 000 USDT at a time.
            let cap = Dec::from_int(if base == "BNB" { 2_000 } else { 15_000 });
            let notional = pct(usdt, rng.range(8, 45)).min(cap);
            div_floor(notional, ref_price, s.qty_dp).unwrap_or(Dec::ZERO)
        }
        // 20–70 % of the holding: the user never sells out.
        Side::Sell => floor_dp(pct(held, rng.range(20, 70)), s.qty_dp),
    };
    if mul(qty, ref_price) < Dec::from_int(10) {
        return;
    }
    let symbol = symbol(base);
    let id = book.next_order_id(rng, &symbol);
    let mut o = SimOrder {
        id,
        base: base.to_string(),
        quote: QUOTE.to_string(),
        side,
        kind,
        price: (kind == OrdType::Limit).then_some(ref_price),
        orig_qty: qty,
        time: t,
        update_time: t,
        fills: Vec::new(),
        status: "FILLED",
        attacker: false,
    };
    if canceled {
        o.status = "CANCELED";
        o.update_time = t + rng.range(60, 10_800) * 1000;
        book.orders.push(o);
        return;
    }
    let to_fill = if partial {
        let part = floor_dp(pct(qty, rng.range(20, 80)), s.qty_dp);
        if part.is_zero() {
            qty
        } else {
            part
        }
    } else {
        qty
    };
    if to_fill < qty {
        o.status = "PARTIALLY_FILLED";
    }
    let n_fills = rng.range(1, 3) as usize;
    let lots = split_qty(rng, to_fill, s.qty_dp, n_fills);
    let mut ft = t;
    for (i, lot) in lots.into_iter().enumerate() {
        let price = match kind {
            OrdType::Limit => ref_price,
            // A market order walks the book by a tick per fill.
            OrdType::Market => {
                let step = i as i64 * rng.range(1, 3);
                ticks_to_dec(
                    if side == Side::Buy {
                        mkt_ticks + step
                    } else {
                        mkt_ticks - step
                    },
                    s.price_dp,
                )
            }
        };
        if kind == OrdType::Limit && i > 0 {
            ft += rng.range(1, 240) * 1000;
        }
        let quote = mul(price, lot).round_dp(8);
        if side == Side::Buy && quote > book.bal(QUOTE) {
            break;
        }
        let bnb_px = market.price("BNB", ft);
        let (fee, fee_asset) = book.fee_for(base, side, lot, quote, bnb_px, p.use_bnb_fees);
        book.fill(
            &mut o,
            SimFill {
                time: ft,
                price,
                qty: lot,
                quote,
                fee,
                fee_asset,
            },
        );
        o.update_time = ft;
    }
    if o.fills.is_empty() {
        return;
    }
    if o.status == "FILLED" && o.executed() < o.orig_qty {
        o.status = "PARTIALLY_FILLED";
    }
    if kind == OrdType::Market {
        o.orig_qty = o.executed();
    }
    book.orders.push(o);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_the_total_in_lots() {
        let mut rng = Rng::new(11);
        let q = Dec::parse("0.05284").unwrap_or_default(); // 5284 units of 0.00001
        let lots = split_qty(&mut rng, q, 5, 3);
        assert_eq!(lots.len(), 3);
        assert_eq!(lots.iter().copied().sum::<Dec>(), q);
        assert!(lots.iter().all(|l| l.is_positive()));
        // 2 units cannot make 3 lots: 0.00002 → two lots of 0.00001.
        let two = Dec::parse("0.00002").unwrap_or_default();
        let lots = split_qty(&mut rng, two, 5, 3);
        assert_eq!(lots, vec![Dec::parse("0.00001").unwrap_or_default(); 2]);
    }
}
