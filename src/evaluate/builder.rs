//! Builds one labeled `Account` in memory, as the normalizer would hand it
//! to the detectors (fills, transfers, and the Spot ledger legs derived from
//! them), while tracking holdings and which rows the attacker made.

use crate::decimal::Dec;
use crate::model::{Account, Category, Direction, Fill, LedgerRow, Origin, Side, TimeMs, Transfer};
use std::collections::{BTreeMap, BTreeSet};

/// Trading fee rate: 0.1 %, in the asset received.
pub fn fee_rate() -> Dec {
    Dec::parse("0.001").unwrap_or(Dec::ZERO)
}

#[derive(Default)]
pub struct Builder {
    pub acc: Account,
    /// Spot holdings as the rows so far leave them.
    pub hold: BTreeMap<String, Dec>,
    /// Rows made by the attacker (ground truth).
    pub attack_rows: BTreeSet<Origin>,
    /// Whether rows added now are the attacker's.
    pub attacking: bool,
    order_seq: u64,
}

impl Builder {
    pub fn new(id: &str) -> Builder {
        let mut b = Builder::default();
        b.acc.id = id.to_string();
        b
    }

    pub fn held(&self, asset: &str) -> Dec {
        self.hold.get(asset).copied().unwrap_or(Dec::ZERO)
    }

    fn bump(&mut self, asset: &str, d: Dec) {
        *self.hold.entry(asset.to_string()).or_insert(Dec::ZERO) += d;
    }

    fn origin(&mut self, file: &str, n: usize) -> Origin {
        let o = Origin {
            file: file.into(),
            row: n as u32 + 2,
        };
        if self.attacking {
            self.attack_rows.insert(o.clone());
        }
        o
    }

    pub fn next_order(&mut self) -> String {
        self.order_seq += 1;
        format!("{}", 1_000_000 + self.order_seq)
    }

    /// One fill of order `order_id`; the fee (0.1 %) is charged in the asset
    /// received. Returns false (and adds nothing) when the account cannot pay.
    #[allow(clippy::too_many_arguments)]
    pub fn fill(
        &mut self,
        t: TimeMs,
        base: &str,
        quote: &str,
        side: Side,
        price: Dec,
        qty: Dec,
        order_id: &str,
        maker: bool,
    ) -> bool {
        let quote_qty = price.mul_round(qty);
        if !qty.is_positive() || !price.is_positive() {
            return false;
        }
        let pays = match side {
            Side::Buy => (quote, quote_qty),
            Side::Sell => (base, qty),
        };
        if self.held(pays.0) < pays.1 {
            return false;
        }
        let (fee, fee_asset) = match side {
            Side::Buy => (qty.mul_round(fee_rate()), base),
            Side::Sell => (quote_qty.mul_round(fee_rate()), quote),
        };
        let origin = self.origin("trades.csv", self.acc.fills.len());
        let (db, dq, cat) = match side {
            Side::Buy => (qty, -quote_qty, Category::Buy),
            Side::Sell => (-qty, quote_qty, Category::Sell),
        };
        self.bump(base, db);
        self.bump(quote, dq);
        self.bump(fee_asset, -fee);
        for (coin, ch, c) in [
            (base, db, cat),
            (quote, dq, cat),
            (fee_asset, -fee, Category::TradeFee),
        ] {
            self.acc.ledger.push(leg(origin.clone(), t, coin, ch, c));
        }
        self.acc.fills.push(Fill {
            origin,
            time: t,
            symbol: format!("{base}{quote}").into(),
            base: base.into(),
            quote: quote.into(),
            side,
            price,
            qty,
            quote_qty,
            fee: Some(fee),
            fee_asset: Some(fee_asset.into()),
            order_id: Some(order_id.to_string()),
            trade_id: Some(format!("T{}", self.acc.fills.len() + 1)),
            is_maker: Some(maker),
        });
        true
    }

    pub fn deposit(&mut self, t: TimeMs, coin: &str, amount: Dec, address: &str) {
        self.transfer(
            t,
            Direction::Deposit,
            coin,
            amount,
            Dec::ZERO,
            address,
            true,
        );
    }

    /// A withdrawal of `amount` (net) + `fee`; returns the row's TXID.
    #[allow(clippy::too_many_arguments)]
    pub fn transfer(
        &mut self,
        t: TimeMs,
        direction: Direction,
        coin: &str,
        amount: Dec,
        fee: Dec,
        address: &str,
        completed: bool,
    ) -> String {
        let origin = self.origin("transfers.csv", self.acc.transfers.len());
        let txid = format!("{:x}{:08x}", t, origin.row);
        if completed {
            let ch = match direction {
                Direction::Deposit => amount,
                Direction::Withdrawal => -(amount + fee),
            };
            let cat = match direction {
                Direction::Deposit => Category::Deposit,
                Direction::Withdrawal => Category::Withdrawal,
            };
            self.bump(coin, ch);
            self.acc.ledger.push(leg(origin.clone(), t, coin, ch, cat));
        }
        self.acc.transfers.push(Transfer {
            origin,
            time: t,
            direction,
            coin: coin.into(),
            network: None,
            amount,
            fee,
            address: Some(address.to_string()),
            txid: Some(txid.clone()),
            memo: None,
            status: if completed { "Completed" } else { "Rejected" }.to_string(),
            completed,
            fiat: false,
        });
        txid
    }

    /// A statement-only conversion (Convert or dust): `from` leaves, `to` arrives.
    pub fn convert(&mut self, t: TimeMs, cat: Category, from: (&str, Dec), to: (&str, Dec)) {
        let n = self.acc.ledger.len();
        let o1 = self.origin("statement.csv", n);
        let o2 = self.origin("statement.csv", n + 1);
        self.bump(from.0, -from.1);
        self.bump(to.0, to.1);
        self.acc.ledger.push(leg(o1, t, from.0, -from.1, cat));
        self.acc.ledger.push(leg(o2, t, to.0, to.1, cat));
    }

    pub fn build(mut self) -> (Account, BTreeSet<Origin>) {
        self.acc
            .ledger
            .sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
        self.acc
            .fills
            .sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
        self.acc
            .transfers
            .sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
        (self.acc, self.attack_rows)
    }
}

fn leg(origin: Origin, time: TimeMs, coin: &str, change: Dec, category: Category) -> LedgerRow {
    LedgerRow {
        origin,
        time,
        wallet: "Spot".into(),
        operation: category.as_str().into(),
        category,
        coin: coin.into(),
        change,
        remark: String::new(),
    }
}
