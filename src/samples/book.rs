//! The simulated account: orders with their fills, crypto transfers and the
//! statement ledger, plus running balances. Every balance change goes
//! through here, so the statement, the trade history and the order history
//! are built from the same exact values.

use super::exact::{div_round, mul};
use super::rng::Rng;
use crate::decimal::Dec;
use crate::model::{Side, TimeMs};
use std::collections::BTreeMap;

/// Binance order type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrdType {
    Limit,
    Market,
}

impl OrdType {
    pub fn as_str(self) -> &'static str {
        match self {
            OrdType::Limit => "LIMIT",
            OrdType::Market => "MARKET",
        }
    }
}

/// One executed fill; `quote` is price × qty rounded to 8 dp once.
#[derive(Clone, Debug)]
pub struct SimFill {
    pub time: TimeMs,
    pub price: Dec,
    pub qty: Dec,
    pub quote: Dec,
    pub fee: Dec,
    pub fee_asset: String,
}

/// One order; `time` is the second of its first fill (or its creation when
/// it has none), `update_time` of its last fill or its cancellation.
#[derive(Clone, Debug)]
pub struct SimOrder {
    pub id: u64,
    pub base: String,
    pub quote: String,
    pub side: Side,
    pub kind: OrdType,
    /// Limit price; `None` for market orders.
    pub price: Option<Dec>,
    pub orig_qty: Dec,
    pub time: TimeMs,
    pub update_time: TimeMs,
    pub fills: Vec<SimFill>,
    pub status: &'static str,
    pub attacker: bool,
}

impl SimOrder {
    pub fn symbol(&self) -> String {
        format!("{}{}", self.base, self.quote)
    }
    pub fn executed(&self) -> Dec {
        self.fills.iter().map(|f| f.qty).sum()
    }
    pub fn total(&self) -> Dec {
        self.fills.iter().map(|f| f.quote).sum()
    }
}

/// A crypto deposit or withdrawal: `time` as in its history file, `booked`
/// as in the statement; `amount` is net of `fee`.
#[derive(Clone, Debug)]
pub struct SimTransfer {
    pub deposit: bool,
    pub time: TimeMs,
    pub booked: TimeMs,
    pub coin: String,
    pub network: String,
    pub amount: Dec,
    pub fee: Dec,
    pub address: String,
    pub txid: String,
}

/// One statement row.
#[derive(Clone, Debug)]
pub struct LedgerRow {
    pub time: TimeMs,
    pub account: &'static str,
    pub operation: &'static str,
    pub coin: String,
    pub change: Dec,
    pub remark: &'static str,
}

/// Taker/maker fee rate 0.1 % of the received asset.
pub fn fee_rate() -> Dec {
    Dec::from_raw(1_000_000_000_000_000) // 0.001
}

/// Discounted rate 0.075 % when paid in BNB.
pub fn bnb_fee_rate() -> Dec {
    Dec::from_raw(750_000_000_000_000) // 0.00075
}

/// BNB fee of a fill worth `quote` USDT at BNB price `bnb_price`, 8 dp.
pub fn bnb_fee(quote: Dec, bnb_price: Dec) -> Dec {
    div_round(mul(quote, bnb_fee_rate()), bnb_price, 8).unwrap_or(Dec::ZERO)
}

/// Standard fee: 0.1 % of the received amount, 8 dp.
pub fn std_fee(received: Dec) -> Dec {
    mul(received, fee_rate()).round_dp(8)
}

#[derive(Clone, Debug, Default)]
pub struct Book {
    pub orders: Vec<SimOrder>,
    pub transfers: Vec<SimTransfer>,
    pub ledger: Vec<LedgerRow>,
    /// Spot balances.
    pub spot: BTreeMap<String, Dec>,
    /// Last order id per symbol (ids grow with time, per symbol).
    last_ids: BTreeMap<String, u64>,
}

impl Book {
    pub fn bal(&self, coin: &str) -> Dec {
        self.spot.get(coin).copied().unwrap_or(Dec::ZERO)
    }

    fn post(
        &mut self,
        time: TimeMs,
        account: &'static str,
        operation: &'static str,
        coin: &str,
        change: Dec,
        remark: &'static str,
    ) {
        if account == "Spot" {
            *self.spot.entry(coin.to_string()).or_insert(Dec::ZERO) += change;
        }
        self.ledger.push(LedgerRow {
            time,
            account,
            operation,
            coin: coin.to_string(),
            change,
            remark,
        });
    }

    /// A fresh, realistic order id for `symbol` (per-symbol increasing).
    pub fn next_order_id(&mut self, rng: &mut Rng, symbol: &str) -> u64 {
        let last = match self.last_ids.get(symbol) {
            Some(v) => *v + rng.range(40_000, 2_500_000) as u64,
            None => match symbol {
                "BTCUSDT" => 38_000_000_000 + rng.range(0, 900_000_000) as u64,
                "ETHUSDT" => 24_000_000_000 + rng.range(0, 900_000_000) as u64,
                "BNBUSDT" | "SOLUSDT" => 7_000_000_000 + rng.range(0, 2_000_000_000) as u64,
                "ADAUSDT" => 5_000_000_000 + rng.range(0, 900_000_000) as u64,
                _ => 180_000_000 + rng.range(0, 300_000_000) as u64,
            },
        };
        self.last_ids.insert(symbol.to_string(), last);
        last
    }

    /// The fee of a fill: 0.075 % in BNB when `use_bnb` and the BNB balance
    /// (after this fill's own BNB leg) covers it, else 0.1 % of what is received.
    pub fn fee_for(
        &self,
        base: &str,
        side: Side,
        qty: Dec,
        quote: Dec,
        bnb_price: Dec,
        use_bnb: bool,
    ) -> (Dec, String) {
        if use_bnb && bnb_price.is_positive() {
            let fee = bnb_fee(quote, bnb_price);
            let mut bnb = self.bal("BNB");
            if base == "BNB" {
                bnb = match side {
                    Side::Buy => bnb + qty,
                    Side::Sell => bnb - qty,
                };
            }
            if fee.is_positive() && bnb >= fee {
                return (fee, "BNB".to_string());
            }
        }
        match side {
            Side::Buy => (std_fee(qty), base.to_string()),
            Side::Sell => (std_fee(quote), "USDT".to_string()),
        }
    }

    /// Books one fill of `order` (ledger legs and balances) and attaches it.
    pub fn fill(&mut self, order: &mut SimOrder, f: SimFill) {
        let (base, quote) = (order.base.clone(), order.quote.clone());
        match order.side {
            Side::Buy => {
                self.post(f.time, "Spot", "Transaction Buy", &base, f.qty, "");
                self.post(f.time, "Spot", "Transaction Spend", &quote, -f.quote, "");
            }
            Side::Sell => {
                self.post(f.time, "Spot", "Transaction Sold", &base, -f.qty, "");
                self.post(f.time, "Spot", "Transaction Revenue", &quote, f.quote, "");
            }
        }
        if f.fee.is_positive() {
            self.post(f.time, "Spot", "Transaction Fee", &f.fee_asset, -f.fee, "");
        }
        order.fills.push(f);
    }

    /// A deposit credited in the statement at `t.booked`.
    pub fn deposit(&mut self, t: SimTransfer) {
        self.post(t.booked, "Spot", "Deposit", &t.coin, t.amount, "");
        self.transfers.push(t);
    }

    /// A withdrawal debited (gross) in the statement at `t.booked`.
    pub fn withdraw(&mut self, t: SimTransfer) {
        self.post(
            t.booked,
            "Spot",
            "Withdraw",
            &t.coin,
            -(t.amount + t.fee),
            "Withdraw fee is included",
        );
        self.transfers.push(t);
    }

    /// Daily Simple Earn interest (Earn account; no Spot balance change).
    pub fn interest(&mut self, time: TimeMs, coin: &str, amount: Dec) {
        self.post(
            time,
            "Earn",
            "Simple Earn Flexible Interest",
            coin,
            amount,
            "",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap_or_default()
    }

    #[test]
    fn fees_by_hand() {
        // 1000 USDT × 0.00075 = 0.75 USDT; / 600 USDT per BNB = 0.00125 BNB.
        assert_eq!(bnb_fee(d("1000"), d("600")), d("0.00125"));
        // 603.817539 × 0.00075 = 0.45286315425; / 612.34 = 0.000739561…  → 0.00073956
        assert_eq!(bnb_fee(d("603.817539"), d("612.34")), d("0.00073956"));
        // 0.05284 BTC × 0.001 = 0.00005284 BTC.
        assert_eq!(std_fee(d("0.05284")), d("0.00005284"));
    }

    #[test]
    fn fee_falls_back_without_bnb_and_legs_balance() {
        let mut b = Book::default();
        b.spot.insert("USDT".into(), d("1000"));
        // No BNB: a BTC buy pays 0.1 % of 0.01 BTC = 0.00001 BTC.
        let (fee, asset) = b.fee_for("BTC", Side::Buy, d("0.01"), d("650"), d("600"), true);
        assert_eq!((fee, asset.as_str()), (d("0.00001"), "BTC"));
        // Buying 1 BNB for 600 USDT: the BNB leg itself covers 0.00075 BNB.
        let (fee, asset) = b.fee_for("BNB", Side::Buy, d("1"), d("600"), d("600"), true);
        assert_eq!((fee, asset.as_str()), (d("0.00075"), "BNB"));
        let mut o = SimOrder {
            id: 1,
            base: "BTC".into(),
            quote: "USDT".into(),
            side: Side::Buy,
            kind: OrdType::Market,
            price: None,
            orig_qty: d("0.01"),
            time: 0,
            update_time: 0,
            fills: vec![],
            status: "FILLED",
            attacker: false,
        };
        let f = SimFill {
            time: 0,
            price: d("65000"),
            qty: d("0.01"),
            quote: d("650"),
            fee: d("0.00001"),
            fee_asset: "BTC".into(),
        };
        b.fill(&mut o, f);
        // USDT 1000 − 650 = 350; BTC 0.01 − 0.00001 = 0.00999.
        assert_eq!(b.bal("USDT"), d("350"));
        assert_eq!(b.bal("BTC"), d("0.00999"));
        assert_eq!(b.ledger.len(), 3);
        assert_eq!(o.total(), d("650"));
    }
}
