//! Test-only builder of tiny `Account`s for the detector unit tests.
//!
//! Times are given as (day, hour, minute, second) after 2024-01-01 00:00 UTC.
//! Unless told otherwise, `build` derives ledger legs in the Spot wallet from
//! the fills and completed transfers, as the normalizer does when no
//! statement covers them.

use crate::decimal::Dec;
use crate::model::{
    Account, Category, Direction, Fill, LedgerRow, Order, Origin, Side, TimeMs, Transfer,
};

/// 2024-01-01T00:00:00Z in ms.
pub const EPOCH: TimeMs = 1_704_067_200_000;

pub fn t(day: i64, h: i64, m: i64, s: i64) -> TimeMs {
    EPOCH + ((day * 24 + h) * 60 + m) * 60_000 + s * 1000
}

pub fn d(s: &str) -> Dec {
    Dec::parse(s).unwrap()
}

pub struct AccountBuilder {
    acc: Account,
    derive: bool,
}

impl AccountBuilder {
    pub fn new(id: &str) -> AccountBuilder {
        AccountBuilder {
            acc: Account {
                id: id.to_string(),
                ..Account::default()
            },
            derive: true,
        }
    }

    /// Do not derive ledger legs from fills and transfers.
    pub fn no_derived_ledger(mut self) -> Self {
        self.derive = false;
        self
    }

    /// A fill of `sym` written `BASE/QUOTE`, quote qty = price × qty.
    pub fn fill(self, time: TimeMs, sym: &str, side: &str, price: &str, qty: &str) -> Self {
        self.fill_id(time, sym, side, price, qty, None)
    }

    pub fn fill_id(
        mut self,
        time: TimeMs,
        sym: &str,
        side: &str,
        price: &str,
        qty: &str,
        order_id: Option<&str>,
    ) -> Self {
        let (base, quote) = sym.split_once('/').unwrap();
        let (price, qty) = (d(price), d(qty));
        let row = self.acc.fills.len() as u32 + 2;
        self.acc.fills.push(Fill {
            origin: Origin {
                file: "trades.csv".into(),
                row,
            },
            time,
            symbol: format!("{base}{quote}").into(),
            base: base.into(),
            quote: quote.into(),
            side: if side == "BUY" { Side::Buy } else { Side::Sell },
            price,
            qty,
            quote_qty: price.mul_round(qty),
            fee: None,
            fee_asset: None,
            order_id: order_id.map(|s| s.to_string()),
            trade_id: Some(format!("T{row}")),
            is_maker: None,
        });
        self
    }

    /// Set the fee of the last fill added.
    pub fn fee(mut self, fee: &str, asset: &str) -> Self {
        if let Some(f) = self.acc.fills.last_mut() {
            f.fee = Some(d(fee));
            f.fee_asset = Some(asset.into());
        }
        self
    }

    /// An order-history row (no fills attached).
    pub fn order(mut self, time: TimeMs, sym: &str, side: &str, status: &str, exec: &str) -> Self {
        let (base, quote) = sym.split_once('/').unwrap();
        let row = self.acc.orders.len() as u32 + 2;
        self.acc.orders.push(Order {
            origin: Origin {
                file: "orders.csv".into(),
                row,
            },
            time,
            update_time: None,
            order_id: Some(format!("O{row}")),
            symbol: format!("{base}{quote}").into(),
            base: base.into(),
            quote: quote.into(),
            side: if side == "BUY" { Side::Buy } else { Side::Sell },
            order_type: "LIMIT".into(),
            price: Some(d("1")),
            orig_qty: Some(d("1")),
            executed_qty: d(exec),
            avg_price: None,
            quote_total: None,
            status: status.into(),
        });
        self.acc.has_order_history = true;
        self
    }

    pub fn deposit(mut self, time: TimeMs, coin: &str, amount: &str) -> Self {
        let row = self.acc.transfers.len() as u32 + 2;
        self.acc.transfers.push(Transfer {
            origin: Origin {
                file: "transfers.csv".into(),
                row,
            },
            time,
            direction: Direction::Deposit,
            coin: coin.into(),
            network: None,
            amount: d(amount),
            fee: Dec::ZERO,
            address: Some("own-deposit-address".into()),
            txid: Some(format!("tx{row}")),
            memo: None,
            status: "Completed".into(),
            completed: true,
            fiat: false,
        });
        self
    }

    /// A completed deposit sent from `address`.
    pub fn deposit_from(self, time: TimeMs, coin: &str, amount: &str, address: &str) -> Self {
        let mut b = self.deposit(time, coin, amount);
        if let Some(t) = b.acc.transfers.last_mut() {
            t.address = Some(address.into());
        }
        b
    }

    #[allow(clippy::too_many_arguments)]
    pub fn withdrawal(
        mut self,
        time: TimeMs,
        coin: &str,
        amount: &str,
        fee: &str,
        address: &str,
        completed: bool,
    ) -> Self {
        let row = self.acc.transfers.len() as u32 + 2;
        self.acc.transfers.push(Transfer {
            origin: Origin {
                file: "transfers.csv".into(),
                row,
            },
            time,
            direction: Direction::Withdrawal,
            coin: coin.into(),
            network: None,
            amount: d(amount),
            fee: d(fee),
            address: Some(address.into()),
            txid: Some(format!("wtx{row}")),
            memo: None,
            status: if completed { "Completed" } else { "Rejected" }.into(),
            completed,
            fiat: false,
        });
        self
    }

    pub fn ledger(mut self, time: TimeMs, wallet: &str, coin: &str, change: &str) -> Self {
        let row = self.acc.ledger.len() as u32 + 2;
        self.acc.ledger.push(LedgerRow {
            origin: Origin {
                file: "statement.csv".into(),
                row,
            },
            time,
            wallet: wallet.into(),
            operation: "Deposit".into(),
            category: Category::Deposit,
            coin: coin.into(),
            change: d(change),
            remark: String::new(),
        });
        self.acc.has_statement = true;
        self
    }

    pub fn build(mut self) -> Account {
        if self.derive {
            let mut legs = Vec::new();
            for f in &self.acc.fills {
                let (b, q, cat) = match f.side {
                    Side::Buy => (f.qty, -f.quote_qty, Category::Buy),
                    Side::Sell => (-f.qty, f.quote_qty, Category::Sell),
                };
                legs.push(leg(f.origin.clone(), f.time, &f.base, b, cat));
                legs.push(leg(f.origin.clone(), f.time, &f.quote, q, cat));
                if let (Some(fee), Some(asset)) = (f.fee, f.fee_asset.as_deref()) {
                    legs.push(leg(
                        f.origin.clone(),
                        f.time,
                        asset,
                        -fee,
                        Category::TradeFee,
                    ));
                }
            }
            for x in self.acc.transfers.iter().filter(|x| x.completed) {
                let (ch, cat) = match x.direction {
                    Direction::Deposit => (x.amount, Category::Deposit),
                    Direction::Withdrawal => (-(x.amount + x.fee), Category::Withdrawal),
                };
                legs.push(leg(x.origin.clone(), x.time, &x.coin, ch, cat));
            }
            self.acc.ledger.extend(legs);
        }
        self.acc
            .ledger
            .sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
        self.acc
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
