//! The table of known export layouts: header fields → layout id and kind.
//!
//! Headers are first mapped, cell by cell, to canonical field keys through
//! an alias table (English names here, localized names in `aliases.rs`); a
//! layout is then the set of fields it requires (`resolve.rs` assigns the
//! columns). Extra columns are tolerated; the layout matching the most
//! columns wins. To support a new language, add its names to
//! `aliases::LOCALIZED`; to support a new layout, add a line to `LAYOUTS`
//! (futures and margin layouts are in `layouts_deriv.rs`).

use crate::model::FileKind;

/// Canonical field keys (the columns of the raw frame after sniffing).
pub mod field {
    pub const TIME: &str = "time";
    pub const USER_ID: &str = "user_id";
    pub const ACCOUNT: &str = "account";
    pub const OPERATION: &str = "operation";
    pub const COIN: &str = "coin";
    pub const CHANGE: &str = "change";
    pub const REMARK: &str = "remark";
    pub const PAIR: &str = "pair";
    pub const MARKET: &str = "market";
    pub const SIDE: &str = "side";
    pub const TYPE: &str = "type";
    pub const PRICE: &str = "price";
    pub const EXECUTED: &str = "executed";
    pub const AMOUNT: &str = "amount";
    pub const TOTAL: &str = "total";
    pub const FEE: &str = "fee";
    pub const FEE_COIN: &str = "fee_coin";
    pub const ORDER_NO: &str = "order_no";
    pub const ORDER_PRICE: &str = "order_price";
    pub const ORDER_AMOUNT: &str = "order_amount";
    pub const UPDATE_TIME: &str = "update_time";
    pub const AVG_PRICE: &str = "avg_price";
    pub const FILLED: &str = "filled";
    pub const TRADING_TOTAL: &str = "trading_total";
    pub const STATUS: &str = "status";
    pub const NETWORK: &str = "network";
    pub const ADDRESS: &str = "address";
    pub const TXID: &str = "txid";
    pub const SOURCE_ADDRESS: &str = "source_address";
    pub const PAYMENT_ID: &str = "payment_id";
    pub const TX_FEE: &str = "transaction_fee";
    pub const WALLET: &str = "wallet";
    pub const SELL: &str = "sell";
    pub const BUY: &str = "buy";
    pub const INVERSE_PRICE: &str = "inverse_price";
    pub const DATE_UPDATED: &str = "date_updated";
    pub const CLIENT_ORDER_ID: &str = "client_order_id";
    pub const STRATEGY_ID: &str = "strategy_id";
    pub const STRATEGY_TYPE: &str = "strategy_type";
    pub const QUANTITY: &str = "quantity";
    pub use crate::ingest::layouts_fiat::fields::*;
    pub const SYMBOL: &str = "symbol";
    pub const REALIZED_PNL: &str = "realized_pnl";
    pub const QUOTE_ASSET: &str = "quote_asset";
    pub const POSITION_SIDE: &str = "position_side";
    pub const BUYER: &str = "buyer";
    pub const MAKER: &str = "maker";
    pub const TRADE_ID: &str = "trade_id";
    pub const TRANSACTION_ID: &str = "transaction_id";
    pub const INTEREST_TYPE: &str = "interest_type";
}

/// English header names (lower case, trimmed, time-zone suffix removed) →
/// field key. Localized names are in `aliases.rs`. A name may appear more
/// than once with different keys (e.g. `quantity`); the layout decides.
pub const ALIASES: &[(&str, &str)] = &[
    // time columns (the `(UTC±N)` suffix is removed before lookup)
    ("date", field::TIME),
    ("time", field::TIME),
    ("utc_time", field::TIME),
    ("date(utc)", field::TIME),
    ("user_id", field::USER_ID),
    ("user id", field::USER_ID),
    ("userid", field::USER_ID),
    ("uid", field::USER_ID),
    ("account", field::ACCOUNT),
    ("operation", field::OPERATION),
    ("coin", field::COIN),
    ("asset", field::COIN),
    ("change", field::CHANGE),
    ("remark", field::REMARK),
    ("pair", field::PAIR),
    ("market", field::MARKET),
    ("symbol", field::SYMBOL),
    ("side", field::SIDE),
    ("type", field::TYPE),
    ("order type", field::TYPE),
    ("price", field::PRICE),
    ("executed", field::EXECUTED),
    ("amount", field::AMOUNT),
    ("total", field::TOTAL),
    ("fee", field::FEE),
    ("fee coin", field::FEE_COIN),
    ("orderno", field::ORDER_NO),
    ("orderid", field::ORDER_NO),
    ("order id", field::ORDER_NO),
    ("order no", field::ORDER_NO),
    ("order price", field::ORDER_PRICE),
    ("order amount", field::ORDER_AMOUNT),
    ("avgtrading price", field::AVG_PRICE),
    ("average price", field::AVG_PRICE),
    ("avg trading price", field::AVG_PRICE),
    ("filled", field::FILLED),
    ("trading total", field::TRADING_TOTAL),
    ("status", field::STATUS),
    ("network", field::NETWORK),
    ("address", field::ADDRESS),
    ("txid", field::TXID),
    ("sourceaddress", field::SOURCE_ADDRESS),
    ("paymentid", field::PAYMENT_ID),
    ("transactionfee", field::TX_FEE),
    ("wallet", field::WALLET),
    ("sell", field::SELL),
    ("buy", field::BUY),
    ("inverse price", field::INVERSE_PRICE),
    ("date updated", field::DATE_UPDATED),
    ("clientorderid", field::CLIENT_ORDER_ID),
    ("strategy id", field::STRATEGY_ID),
    ("strategy type", field::STRATEGY_TYPE),
    ("quantity", field::QUANTITY),
    // futures and margin (layouts_deriv.rs)
    ("realized profit", field::REALIZED_PNL),
    ("realized pnl", field::REALIZED_PNL),
    ("quote asset", field::QUOTE_ASSET),
    ("position side", field::POSITION_SIDE),
    ("buyer", field::BUYER),
    ("maker", field::MAKER),
    ("trade id", field::TRADE_ID),
    ("transaction id", field::TRANSACTION_ID),
    ("interest type", field::INTEREST_TYPE),
];

/// Which direction a deposit/withdrawal layout has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirRule {
    /// Not a transfer layout.
    None,
    /// The header says it (D3/D4: the withdrawal file has a `Fee` column).
    Deposit,
    Withdrawal,
    /// Same header for both (D0–D2): the file name must say.
    FromFileName,
}

#[derive(Debug)]
pub struct Layout {
    /// Layout version id, e.g. `statement/v2`.
    pub id: &'static str,
    pub kind: FileKind,
    /// Fields that must all be present.
    pub required: &'static [&'static str],
    /// Fields that must be absent (to tell versions apart).
    pub forbidden: &'static [&'static str],
    pub direction: DirRule,
}

use field as f;

/// Layouts of FORMATS.md that the normalizer reads (the fiat, P2P, earn and
/// newer convert layouts are in `layouts_fiat::LAYOUTS`).
pub const LAYOUTS: &[Layout] = &[
    Layout {
        id: "statement/v2",
        kind: FileKind::Statement,
        required: &[
            f::USER_ID,
            f::TIME,
            f::ACCOUNT,
            f::OPERATION,
            f::COIN,
            f::CHANGE,
        ],
        forbidden: &[],
        direction: DirRule::None,
    },
    Layout {
        id: "statement/v1",
        kind: FileKind::Statement,
        required: &[f::TIME, f::ACCOUNT, f::OPERATION, f::COIN, f::CHANGE],
        forbidden: &[f::USER_ID],
        direction: DirRule::None,
    },
    Layout {
        id: "spot-trades/v2",
        kind: FileKind::SpotTrades,
        required: &[
            f::TIME,
            f::PAIR,
            f::SIDE,
            f::PRICE,
            f::EXECUTED,
            f::AMOUNT,
            f::FEE,
        ],
        forbidden: &[f::ORDER_NO],
        direction: DirRule::None,
    },
    Layout {
        id: "spot-trades/v2-quantity",
        kind: FileKind::SpotTrades,
        required: &[
            f::TIME,
            f::PAIR,
            f::SIDE,
            f::PRICE,
            f::QUANTITY,
            f::AMOUNT,
            f::FEE,
        ],
        forbidden: &[f::ORDER_NO],
        direction: DirRule::None,
    },
    Layout {
        id: "spot-trades/v1",
        kind: FileKind::SpotTrades,
        required: &[
            f::TIME,
            f::MARKET,
            f::TYPE,
            f::PRICE,
            f::AMOUNT,
            f::TOTAL,
            f::FEE,
            f::FEE_COIN,
        ],
        forbidden: &[],
        direction: DirRule::None,
    },
    Layout {
        id: "spot-orders/v2",
        kind: FileKind::SpotOrders,
        required: &[
            f::TIME,
            f::ORDER_NO,
            f::PAIR,
            f::TYPE,
            f::SIDE,
            f::ORDER_PRICE,
            f::ORDER_AMOUNT,
            f::EXECUTED,
            f::AVG_PRICE,
            f::TRADING_TOTAL,
            f::STATUS,
        ],
        forbidden: &[],
        direction: DirRule::None,
    },
    Layout {
        id: "spot-orders/v1",
        kind: FileKind::SpotOrders,
        required: &[
            f::TIME,
            f::PAIR,
            f::TYPE,
            f::ORDER_PRICE,
            f::ORDER_AMOUNT,
            f::AVG_PRICE,
            f::FILLED,
            f::TOTAL,
            f::STATUS,
        ],
        forbidden: &[f::SIDE],
        direction: DirRule::None,
    },
    Layout {
        id: "transfers/d2",
        kind: FileKind::Deposits,
        required: &[
            f::TIME,
            f::COIN,
            f::NETWORK,
            f::AMOUNT,
            f::TX_FEE,
            f::ADDRESS,
            f::TXID,
            f::STATUS,
        ],
        forbidden: &[],
        direction: DirRule::FromFileName,
    },
    Layout {
        id: "transfers/d1",
        kind: FileKind::Deposits,
        required: &[
            f::TIME,
            f::COIN,
            f::AMOUNT,
            f::TX_FEE,
            f::ADDRESS,
            f::TXID,
            f::STATUS,
        ],
        forbidden: &[f::NETWORK],
        direction: DirRule::FromFileName,
    },
    Layout {
        id: "withdrawals/d3",
        kind: FileKind::Withdrawals,
        required: &[
            f::TIME,
            f::COIN,
            f::NETWORK,
            f::AMOUNT,
            f::FEE,
            f::ADDRESS,
            f::TXID,
            f::STATUS,
        ],
        forbidden: &[f::TX_FEE],
        direction: DirRule::Withdrawal,
    },
    Layout {
        id: "deposits/d3",
        kind: FileKind::Deposits,
        required: &[
            f::TIME,
            f::COIN,
            f::NETWORK,
            f::AMOUNT,
            f::ADDRESS,
            f::TXID,
            f::STATUS,
        ],
        forbidden: &[f::FEE, f::TX_FEE],
        direction: DirRule::Deposit,
    },
    Layout {
        id: "convert/v2",
        kind: FileKind::Convert,
        required: &[f::TIME, f::WALLET, f::PAIR, f::SELL, f::BUY, f::STATUS],
        forbidden: &[],
        direction: DirRule::None,
    },
    Layout {
        id: "convert/v1",
        kind: FileKind::Convert,
        required: &[f::TIME, f::PAIR, f::SELL, f::BUY, f::STATUS],
        forbidden: &[f::WALLET],
        direction: DirRule::None,
    },
];

/// Lower-cased header cell with its time-zone suffix split off:
/// `Date(UTC+1)` → (`date`, Some("UTC+1")); `UTC_Time` → (`utc_time`, None).
pub fn split_header(cell: &str) -> (String, Option<String>) {
    let t = cell.trim().trim_matches('"').trim();
    if let Some((name, rest)) = t.split_once('(') {
        if let Some(inner) = rest.strip_suffix(')') {
            if inner.to_ascii_lowercase().starts_with("utc") {
                return (lower_name(name), Some(inner.to_string()));
            }
        }
    }
    (lower_name(t), None)
}

/// Lower case for lookup; Turkish `İ` lower-cases to `i` + a combining dot,
/// which is dropped so that `İşlem` finds `işlem`.
fn lower_name(s: &str) -> String {
    s.trim().to_lowercase().replace('\u{307}', "")
}

/// Every alias table: English first, then localized names.
fn all_aliases() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    ALIASES
        .iter()
        .chain(super::layouts_fiat::ALIASES.iter())
        .chain(super::aliases::LOCALIZED.iter())
}

/// Every layout: the spot/transfer/convert table, then futures and margin.
pub fn all_layouts() -> impl Iterator<Item = &'static Layout> {
    LAYOUTS
        .iter()
        .chain(super::layouts_fiat::LAYOUTS.iter())
        .chain(super::layouts_deriv::DERIV_LAYOUTS.iter())
}

/// First field key of a header cell, if known.
pub fn field_of(name: &str) -> Option<&'static str> {
    all_aliases().find(|(a, _)| *a == name).map(|(_, k)| *k)
}

/// Every field key a header cell may stand for, in table order, distinct.
pub fn fields_of(name: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (_, k) in all_aliases().filter(|(a, _)| *a == name) {
        if !out.contains(k) {
            out.push(k);
        }
    }
    out
}

/// The best layout for a set of fields: all required present, none
/// forbidden, most required fields (most specific) first.
pub fn match_layout(fields: &[Option<&'static str>]) -> Option<&'static Layout> {
    let has = |k: &'static str| fields.contains(&Some(k));
    all_layouts()
        .filter(|l| l.required.iter().all(|k| has(k)) && !l.forbidden.iter().any(|k| has(k)))
        .max_by_key(|l| (l.required.len(), std::cmp::Reverse(l.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(header: &str) -> Vec<Option<&'static str>> {
        header
            .split(',')
            .map(|c| field_of(&split_header(c).0))
            .collect()
    }

    #[test]
    fn recognizes_each_layout_by_header() {
        let cases = [
            ("User_ID,UTC_Time,Account,Operation,Coin,Change,Remark", "statement/v2"),
            ("UTC_Time,Account,Operation,Coin,Change,Remark", "statement/v1"),
            ("User ID,Time,Account,Operation,Coin,Change,Remark", "statement/v2"),
            ("ID de usuario,Tiempo,Cuenta,Operación,Moneda,Cambio,Observación", "statement/v2"),
            ("Date(UTC),Pair,Side,Price,Executed,Amount,Fee", "spot-trades/v2"),
            ("Čas,Pár,Strana,Cena,Provedeno,Částka,Poplatek", "spot-trades/v2"),
            ("Time,Pair,Side,Price,Executed,Amount,Fee", "spot-trades/v2"),
            ("Date(UTC),Market,Type,Price,Amount,Total,Fee,Fee Coin", "spot-trades/v1"),
            (
                "Date(UTC),OrderNo,Pair,Type,Side,Order Price,Order Amount,Time,Executed,Average Price,Trading total,Status",
                "spot-orders/v2",
            ),
            (
                "Date(UTC),Pair,Type,Order Price,Order Amount,AvgTrading Price,Filled,Total,status",
                "spot-orders/v1",
            ),
            (
                "Date(UTC),Coin,Network,Amount,TransactionFee,Address,TXID,SourceAddress,PaymentID,Status",
                "transfers/d2",
            ),
            ("Date(UTC),Coin,Amount,TransactionFee,Address,TXID,SourceAddress,PaymentID,Status", "transfers/d1"),
            ("Date(UTC+0),Coin,Network,Amount,Fee,Address,TXID,Status", "withdrawals/d3"),
            ("Date(UTC+0),Coin,Network,Amount,Address,TXID,Status", "deposits/d3"),
            ("Date,Wallet,Pair,Type,Sell,Buy,Price,Inverse Price,Date Updated,Status", "convert/v2"),
            ("Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit", "futures-trades/v1"),
            (
                "Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit,Quote Asset",
                "futures-trades/v1",
            ),
            (
                "Time(UTC),Symbol,Side,Position Side,Order Type,Price,Quantity,Amount,Fee,Realized Profit",
                "futures-trades/v1",
            ),
            (
                "Uid,Time,Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit,Buyer,Maker,Trade ID,Order ID",
                "futures-trades/v2",
            ),
            ("Date(UTC),type,Amount,Asset,Symbol,Transaction ID", "futures-transactions/v1"),
            ("Time,Type,Amount,Asset,Symbol,Transaction ID", "futures-transactions/v1"),
            ("Pair,Coin,Date,Amount,Type,Status", "margin-loans/v1"),
            ("Pair,Coin,Amount,Time,Interest Type", "margin-interest/v1"),
        ];
        for (h, want) in cases {
            let cells: Vec<String> = h.split(',').map(str::to_string).collect();
            let got = super::super::resolve::resolve_header(&cells).map(|r| r.layout.id);
            assert_eq!(got, Some(want), "header {h}");
            // Without ambiguous names, the first alias of each cell gives the same layout.
            assert_eq!(
                match_layout(&fields(h)).map(|l| l.id),
                Some(want),
                "header {h}"
            );
        }
    }

    #[test]
    fn splits_time_zone_suffix() {
        assert_eq!(
            split_header("Date(UTC+1)"),
            ("date".into(), Some("UTC+1".into()))
        );
        assert_eq!(
            split_header("Date(UTCnull)"),
            ("date".into(), Some("UTCnull".into()))
        );
        assert_eq!(split_header(" UTC_Time "), ("utc_time".into(), None));
        assert_eq!(match_layout(&fields("Foo,Bar,Baz")).map(|l| l.id), None);
    }
}
