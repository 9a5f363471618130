//! The table of known export layouts: header fields → layout id and kind.
//!
//! Headers are first mapped, cell by cell, to canonical field keys through
//! an alias table (English names of every layout version plus localized
//! names); a layout is then the set of fields it requires. Extra columns are
//! tolerated; the layout matching the most columns wins. To support a new
//! language, add its names to `ALIASES`; to support a new layout, add a line
//! to `LAYOUTS`.

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
}

/// Header names (lower case, trimmed, time-zone suffix removed) → field key.
/// English first, then localized names (es, cs, pt, fr, de, it, tr, ru, …).
pub const ALIASES: &[(&str, &str)] = &[
    // time columns (the `(UTC±N)` suffix is removed before lookup)
    ("date", field::TIME),
    ("time", field::TIME),
    ("utc_time", field::TIME),
    ("date(utc)", field::TIME),
    ("tiempo", field::TIME),
    ("fecha", field::TIME),
    ("hora", field::TIME),
    ("čas", field::TIME),
    ("datum", field::TIME),
    ("data", field::TIME),
    ("heure", field::TIME),
    ("zeit", field::TIME),
    ("tarih", field::TIME),
    ("zaman", field::TIME),
    ("время", field::TIME),
    ("дата", field::TIME),
    ("user_id", field::USER_ID),
    ("user id", field::USER_ID),
    ("userid", field::USER_ID),
    ("id de usuario", field::USER_ID),
    ("id uživatele", field::USER_ID),
    ("uživatelské id", field::USER_ID),
    ("id do usuário", field::USER_ID),
    ("account", field::ACCOUNT),
    ("cuenta", field::ACCOUNT),
    ("účet", field::ACCOUNT),
    ("conta", field::ACCOUNT),
    ("compte", field::ACCOUNT),
    ("konto", field::ACCOUNT),
    ("operation", field::OPERATION),
    ("operación", field::OPERATION),
    ("operacion", field::OPERATION),
    ("operace", field::OPERATION),
    ("operação", field::OPERATION),
    ("opération", field::OPERATION),
    ("coin", field::COIN),
    ("moneda", field::COIN),
    ("mince", field::COIN),
    ("moeda", field::COIN),
    ("change", field::CHANGE),
    ("cambio", field::CHANGE),
    ("změna", field::CHANGE),
    ("alteração", field::CHANGE),
    ("remark", field::REMARK),
    ("observación", field::REMARK),
    ("observacion", field::REMARK),
    ("poznámka", field::REMARK),
    ("observação", field::REMARK),
    ("pair", field::PAIR),
    ("par", field::PAIR),
    ("pár", field::PAIR),
    ("paire", field::PAIR),
    ("market", field::MARKET),
    ("mercado", field::MARKET),
    ("side", field::SIDE),
    ("lado", field::SIDE),
    ("strana", field::SIDE),
    ("type", field::TYPE),
    ("tipo", field::TYPE),
    ("typ", field::TYPE),
    ("price", field::PRICE),
    ("precio", field::PRICE),
    ("cena", field::PRICE),
    ("preço", field::PRICE),
    ("executed", field::EXECUTED),
    ("ejecutado", field::EXECUTED),
    ("provedeno", field::EXECUTED),
    ("executado", field::EXECUTED),
    ("amount", field::AMOUNT),
    ("cantidad", field::AMOUNT),
    ("monto", field::AMOUNT),
    ("importe", field::AMOUNT),
    ("částka", field::AMOUNT),
    ("quantia", field::AMOUNT),
    ("valor", field::AMOUNT),
    ("total", field::TOTAL),
    ("fee", field::FEE),
    ("comisión", field::FEE),
    ("comision", field::FEE),
    ("tarifa", field::FEE),
    ("poplatek", field::FEE),
    ("taxa", field::FEE),
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
    ("estado", field::STATUS),
    ("stav", field::STATUS),
    ("network", field::NETWORK),
    ("red", field::NETWORK),
    ("síť", field::NETWORK),
    ("rede", field::NETWORK),
    ("address", field::ADDRESS),
    ("dirección", field::ADDRESS),
    ("direccion", field::ADDRESS),
    ("adresa", field::ADDRESS),
    ("endereço", field::ADDRESS),
    ("txid", field::TXID),
    ("sourceaddress", field::SOURCE_ADDRESS),
    ("paymentid", field::PAYMENT_ID),
    ("transactionfee", field::TX_FEE),
    ("wallet", field::WALLET),
    ("billetera", field::WALLET),
    ("sell", field::SELL),
    ("buy", field::BUY),
    ("inverse price", field::INVERSE_PRICE),
    ("date updated", field::DATE_UPDATED),
    ("clientorderid", field::CLIENT_ORDER_ID),
    ("strategy id", field::STRATEGY_ID),
    ("strategy type", field::STRATEGY_TYPE),
    ("quantity", field::QUANTITY),
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
    let lower = t.to_lowercase();
    if let Some(open) = lower.find('(') {
        if lower.ends_with(')') {
            let inner = &t[open + 1..t.len() - 1];
            if inner.to_ascii_lowercase().starts_with("utc") {
                return (lower[..open].trim().to_string(), Some(inner.to_string()));
            }
        }
    }
    (lower, None)
}

/// Field key of a header cell, if known.
pub fn field_of(name: &str) -> Option<&'static str> {
    ALIASES
        .iter()
        .chain(super::layouts_fiat::ALIASES)
        .find(|(a, _)| *a == name)
        .map(|(_, k)| *k)
}

/// The best layout for a set of fields: all required present, none
/// forbidden, most required fields (most specific) first.
pub fn match_layout(fields: &[Option<&'static str>]) -> Option<&'static Layout> {
    let has = |k: &'static str| fields.contains(&Some(k));
    LAYOUTS
        .iter()
        .chain(super::layouts_fiat::LAYOUTS)
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
        ];
        for (h, want) in cases {
            let got = match_layout(&fields(h)).map(|l| l.id);
            assert_eq!(got, Some(want), "header {h}");
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
