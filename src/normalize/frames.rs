//! Canonical rows → polars DataFrames, one per table (`fills`, `orders`,
//! `transfers`, `ledger`, `conversions`), for the `normalize` command.
//!
//! Every frame starts with `account` and ends with `source_file` and
//! `source_row`; times are `Datetime(ms, UTC)`; amounts are `Decimal(38, 18)`
//! (the physical layout of [`Dec`]) or, for CSV, exact decimal text.

use crate::decimal::Dec;
use crate::error::Error;
use crate::model::{Conversion, Fill, LedgerRow, Order, Origin, Transfer};
use polars::prelude::*;

/// How amounts are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amounts {
    /// `Decimal(38, 18)` (Parquet).
    Decimal,
    /// Exact decimal text such as `-0.00000007` (CSV).
    Text,
}

/// The rows to turn into tables.
pub struct Rows<'a> {
    pub fills: &'a [Fill],
    pub orders: &'a [Order],
    pub transfers: &'a [Transfer],
    pub ledger: &'a [LedgerRow],
    pub conversions: &'a [Conversion],
}

/// Table names, in the order [`frames`] returns them.
pub const TABLES: [&str; 5] = ["fills", "orders", "transfers", "ledger", "conversions"];

/// One frame per table, in [`TABLES`] order.
pub fn frames(account: &str, rows: &Rows, amounts: Amounts) -> Result<Vec<DataFrame>, Error> {
    Ok(vec![
        fills(Cols::new(account, rows.fills.len(), amounts), rows.fills)?,
        orders(Cols::new(account, rows.orders.len(), amounts), rows.orders)?,
        transfers(
            Cols::new(account, rows.transfers.len(), amounts),
            rows.transfers,
        )?,
        ledger(Cols::new(account, rows.ledger.len(), amounts), rows.ledger)?,
        conversions(
            Cols::new(account, rows.conversions.len(), amounts),
            rows.conversions,
        )?,
    ])
}

fn fills(mut c: Cols, rows: &[Fill]) -> Result<DataFrame, Error> {
    c.time("time", rows.iter().map(|r| Some(r.time)));
    c.text("symbol", rows.iter().map(|r| Some(r.symbol.as_str())));
    c.text("base", rows.iter().map(|r| Some(r.base.as_str())));
    c.text("quote", rows.iter().map(|r| Some(r.quote.as_str())));
    c.text("side", rows.iter().map(|r| Some(r.side.as_str())));
    c.amount("price", rows.iter().map(|r| (Some(r.price), &r.origin)))?;
    c.amount("qty", rows.iter().map(|r| (Some(r.qty), &r.origin)))?;
    c.amount(
        "quote_qty",
        rows.iter().map(|r| (Some(r.quote_qty), &r.origin)),
    )?;
    c.amount("fee", rows.iter().map(|r| (r.fee, &r.origin)))?;
    c.text("fee_asset", rows.iter().map(|r| r.fee_asset.as_deref()));
    c.text("order_id", rows.iter().map(|r| r.order_id.as_deref()));
    c.text("trade_id", rows.iter().map(|r| r.trade_id.as_deref()));
    c.boolean("is_maker", rows.iter().map(|r| r.is_maker));
    c.finish(rows.iter().map(|r| &r.origin))
}

fn orders(mut c: Cols, rows: &[Order]) -> Result<DataFrame, Error> {
    c.time("time", rows.iter().map(|r| Some(r.time)));
    c.time("update_time", rows.iter().map(|r| r.update_time));
    c.text("order_id", rows.iter().map(|r| r.order_id.as_deref()));
    c.text("symbol", rows.iter().map(|r| Some(r.symbol.as_str())));
    c.text("base", rows.iter().map(|r| Some(r.base.as_str())));
    c.text("quote", rows.iter().map(|r| Some(r.quote.as_str())));
    c.text("side", rows.iter().map(|r| Some(r.side.as_str())));
    c.text("type", rows.iter().map(|r| Some(r.order_type.as_str())));
    c.amount("price", rows.iter().map(|r| (r.price, &r.origin)))?;
    c.amount("orig_qty", rows.iter().map(|r| (r.orig_qty, &r.origin)))?;
    c.amount(
        "executed_qty",
        rows.iter().map(|r| (Some(r.executed_qty), &r.origin)),
    )?;
    c.amount("avg_price", rows.iter().map(|r| (r.avg_price, &r.origin)))?;
    c.amount(
        "quote_total",
        rows.iter().map(|r| (r.quote_total, &r.origin)),
    )?;
    c.text("status", rows.iter().map(|r| Some(r.status.as_str())));
    c.finish(rows.iter().map(|r| &r.origin))
}

fn transfers(mut c: Cols, rows: &[Transfer]) -> Result<DataFrame, Error> {
    use crate::model::Direction;
    c.time("time", rows.iter().map(|r| Some(r.time)));
    c.text(
        "direction",
        rows.iter().map(|r| {
            Some(match r.direction {
                Direction::Deposit => "deposit",
                Direction::Withdrawal => "withdrawal",
            })
        }),
    );
    c.text("coin", rows.iter().map(|r| Some(r.coin.as_str())));
    c.text("network", rows.iter().map(|r| r.network.as_deref()));
    c.amount("amount", rows.iter().map(|r| (Some(r.amount), &r.origin)))?;
    c.amount("fee", rows.iter().map(|r| (Some(r.fee), &r.origin)))?;
    c.text("address", rows.iter().map(|r| r.address.as_deref()));
    c.text("txid", rows.iter().map(|r| r.txid.as_deref()));
    c.text("memo", rows.iter().map(|r| r.memo.as_deref()));
    c.text("status", rows.iter().map(|r| Some(r.status.as_str())));
    c.boolean("completed", rows.iter().map(|r| Some(r.completed)));
    c.boolean("fiat", rows.iter().map(|r| Some(r.fiat)));
    c.finish(rows.iter().map(|r| &r.origin))
}

fn ledger(mut c: Cols, rows: &[LedgerRow]) -> Result<DataFrame, Error> {
    c.time("time", rows.iter().map(|r| Some(r.time)));
    c.text("wallet", rows.iter().map(|r| Some(r.wallet.as_str())));
    c.text("operation", rows.iter().map(|r| Some(r.operation.as_str())));
    c.text("category", rows.iter().map(|r| Some(r.category.as_str())));
    c.text("coin", rows.iter().map(|r| Some(r.coin.as_str())));
    c.amount("change", rows.iter().map(|r| (Some(r.change), &r.origin)))?;
    c.text("remark", rows.iter().map(|r| Some(r.remark.as_str())));
    c.finish(rows.iter().map(|r| &r.origin))
}

fn conversions(mut c: Cols, rows: &[Conversion]) -> Result<DataFrame, Error> {
    c.time("time", rows.iter().map(|r| Some(r.time)));
    c.text("wallet", rows.iter().map(|r| Some(r.wallet.as_str())));
    c.text(
        "from_asset",
        rows.iter().map(|r| Some(r.from_asset.as_str())),
    );
    c.amount(
        "from_qty",
        rows.iter().map(|r| (Some(r.from_qty), &r.origin)),
    )?;
    c.text("to_asset", rows.iter().map(|r| Some(r.to_asset.as_str())));
    c.amount("to_qty", rows.iter().map(|r| (Some(r.to_qty), &r.origin)))?;
    c.text("status", rows.iter().map(|r| Some(r.status.as_str())));
    c.boolean("completed", rows.iter().map(|r| Some(r.completed)));
    c.text("channel", rows.iter().map(|r| Some(r.channel.as_str())));
    c.finish(rows.iter().map(|r| &r.origin))
}

/// Largest |raw| that `Decimal(38, 18)` holds: 10^38 − 1.
const MAX_DECIMAL_38: u128 = 10u128.pow(38) - 1;

/// Columns of one frame under construction.
struct Cols {
    height: usize,
    amounts: Amounts,
    cols: Vec<Column>,
}

impl Cols {
    fn new(account: &str, height: usize, amounts: Amounts) -> Cols {
        let account =
            StringChunked::from_iter_values("account".into(), (0..height).map(|_| account));
        Cols {
            height,
            amounts,
            cols: vec![account.into_series().into()],
        }
    }

    fn text<'s>(&mut self, name: &str, values: impl Iterator<Item = Option<&'s str>>) {
        let ca = StringChunked::from_iter_options(name.into(), values);
        self.cols.push(ca.into_series().into());
    }

    fn boolean(&mut self, name: &str, values: impl Iterator<Item = Option<bool>>) {
        let ca = BooleanChunked::from_iter_options(name.into(), values);
        self.cols.push(ca.into_series().into());
    }

    fn time(&mut self, name: &str, values: impl Iterator<Item = Option<i64>>) {
        let ca = Int64Chunked::from_iter_options(name.into(), values);
        let s = ca
            .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
            .into_series();
        self.cols.push(s.into());
    }

    /// An amount column; a value beyond `Decimal(38, 18)` is an input error
    /// naming its row (only for the decimal form).
    fn amount<'o>(
        &mut self,
        name: &str,
        values: impl Iterator<Item = (Option<Dec>, &'o Origin)>,
    ) -> Result<(), Error> {
        let s = match self.amounts {
            Amounts::Text => {
                let v: Vec<Option<String>> =
                    values.map(|(d, _)| d.map(|d| d.to_string())).collect();
                StringChunked::from_iter_options(name.into(), v.iter().map(|o| o.as_deref()))
                    .into_series()
            }
            Amounts::Decimal => {
                let mut raw = Vec::with_capacity(self.height);
                for (d, origin) in values {
                    if let Some(d) = d {
                        if d.raw().unsigned_abs() > MAX_DECIMAL_38 {
                            return Err(Error::input(
                                &origin.file,
                                Some(origin.row),
                                Some(name),
                                &d.to_string(),
                                "the amount has more than 20 integer digits and does not fit Decimal(38, 18)",
                                "write CSV instead (--format csv), which keeps any exact decimal",
                            ));
                        }
                    }
                    raw.push(d.map(Dec::raw));
                }
                Int128Chunked::from_iter_options(name.into(), raw.into_iter())
                    .into_decimal_unchecked(38, crate::decimal::SCALE as usize)
                    .into_series()
            }
        };
        self.cols.push(s.into());
        Ok(())
    }

    /// Add `source_file` and `source_row` and build the frame.
    fn finish<'o>(
        mut self,
        origins: impl Iterator<Item = &'o Origin> + Clone,
    ) -> Result<DataFrame, Error> {
        self.text(
            "source_file",
            origins.clone().map(|o| Some(o.file.as_str())),
        );
        let rows = UInt32Chunked::from_iter_values("source_row".into(), origins.map(|o| o.row));
        self.cols.push(rows.into_series().into());
        Ok(DataFrame::new(self.height, self.cols)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;

    fn origin(row: u32) -> Origin {
        Origin {
            file: "s.csv".into(),
            row,
        }
    }

    fn ledger_row(row: u32, change: &str) -> LedgerRow {
        LedgerRow {
            origin: origin(row),
            time: 1_719_790_200_000,
            wallet: "Spot".into(),
            operation: "Deposit".into(),
            category: Category::Deposit,
            coin: "BTC".into(),
            change: Dec::parse(change).unwrap(),
            remark: String::new(),
        }
    }

    fn only_ledger(rows: &[LedgerRow], amounts: Amounts) -> Result<DataFrame, Error> {
        let r = Rows {
            fills: &[],
            orders: &[],
            transfers: &[],
            ledger: rows,
            conversions: &[],
        };
        frames("acc", &r, amounts).map(|mut f| f.remove(3))
    }

    #[test]
    fn ledger_frame_has_origin_utc_time_and_exact_decimals() {
        let rows = [
            ledger_row(2, "0.000000000000000001"),
            ledger_row(3, "-12.5"),
        ];
        let df = only_ledger(&rows, Amounts::Decimal).unwrap();
        let names: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "account",
                "time",
                "wallet",
                "operation",
                "category",
                "coin",
                "change",
                "remark",
                "source_file",
                "source_row"
            ]
        );
        assert_eq!(
            df.column("time").unwrap().dtype(),
            &DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
        );
        assert_eq!(
            df.column("change").unwrap().dtype(),
            &DataType::Decimal(38, 18)
        );
        let change = df.column("change").unwrap().decimal().unwrap();
        // 1e-18 is raw 1; -12.5 is raw -12.5e18.
        assert_eq!(change.physical().get(0), Some(1));
        assert_eq!(change.physical().get(1), Some(-12_500_000_000_000_000_000));
        let rows_col = df.column("source_row").unwrap().u32().unwrap();
        assert_eq!(rows_col.get(1), Some(3));
        let text = only_ledger(&rows, Amounts::Text).unwrap();
        let change = text.column("change").unwrap().str().unwrap();
        assert_eq!(change.get(0), Some("0.000000000000000001"));
        assert_eq!(change.get(1), Some("-12.5"));
    }

    #[test]
    fn amounts_beyond_decimal_38_are_refused_with_their_row() {
        // 150e18 whole units is raw 1.5e38 > 10^38 − 1; fits i128 (max ≈ 1.7e38).
        let big = ledger_row(7, "150000000000000000000");
        let e = only_ledger(std::slice::from_ref(&big), Amounts::Decimal).unwrap_err();
        assert!(
            e.to_string().starts_with("s.csv line 7, column `change`"),
            "{e}"
        );
        assert!(only_ledger(&[big], Amounts::Text).is_ok());
    }

    #[test]
    fn empty_tables_still_have_their_columns() {
        let r = Rows {
            fills: &[],
            orders: &[],
            transfers: &[],
            ledger: &[],
            conversions: &[],
        };
        let f = frames("acc", &r, Amounts::Decimal).unwrap();
        let widths: Vec<usize> = f.iter().map(|d| d.width()).collect();
        // account + table columns + source_file + source_row.
        assert_eq!(
            widths,
            [1 + 13 + 2, 1 + 14 + 2, 1 + 12 + 2, 1 + 7 + 2, 1 + 9 + 2]
        );
        assert!(f.iter().all(|d| d.height() == 0));
    }
}
