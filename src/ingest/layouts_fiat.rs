//! Layouts of the fiat-side and reward exports (FORMATS.md §3 Fiat, §5):
//! fiat deposit/withdrawal histories (F1–F3), Buy Crypto, P2P orders,
//! Convert v3 and the Earn interest history. Kept apart from `layouts.rs`
//! so that each table stays small; `layouts::field_of` and
//! `layouts::match_layout` read these tables too.
//!
//! Some layouts differ from an older one only in the name of their time
//! column (`Date` → `Time`); the fields are the same, so they are told apart
//! after matching by `variant_by_time_header`.

use super::layouts::{DirRule, Layout};
use crate::model::FileKind;

/// Field keys of these layouts (re-exported through `layouts::field`).
pub mod fields {
    pub const PAYMENT_METHOD: &str = "payment_method";
    pub const INDICATED_AMOUNT: &str = "indicated_amount";
    pub const METHOD: &str = "method";
    pub const DEPOSIT_AMOUNT: &str = "deposit_amount";
    pub const RECEIVE_AMOUNT: &str = "receive_amount";
    pub const SPEND_AMOUNT: &str = "spend_amount";
    pub const TRANSACTION_ID: &str = "transaction_id";
    pub const ORDER_TYPE: &str = "order_type";
    pub const ASSET_TYPE: &str = "asset_type";
    pub const FIAT_TYPE: &str = "fiat_type";
    pub const TOTAL_PRICE: &str = "total_price";
    pub const EXCHANGE_RATE: &str = "exchange_rate";
    pub const MAKER_FEE: &str = "maker_fee";
    pub const TAKER_FEE: &str = "taker_fee";
    pub const COUNTERPARTY: &str = "counterparty";
    pub const PRODUCT: &str = "product";
}

use super::layouts::field as f;

/// Header names (lower case, time-zone suffix removed) → field key.
pub const ALIASES: &[(&str, &str)] = &[
    ("payment method", f::PAYMENT_METHOD),
    ("indicated amount", f::INDICATED_AMOUNT),
    ("method", f::METHOD),
    ("deposit amount", f::DEPOSIT_AMOUNT),
    ("receive amount", f::RECEIVE_AMOUNT),
    ("spend amount", f::SPEND_AMOUNT),
    ("transaction id", f::TRANSACTION_ID),
    ("order number", f::ORDER_NO),
    ("order type", f::ORDER_TYPE),
    ("asset type", f::ASSET_TYPE),
    ("fiat type", f::FIAT_TYPE),
    ("total price", f::TOTAL_PRICE),
    ("exchange rate", f::EXCHANGE_RATE),
    ("maker fee", f::MAKER_FEE),
    ("taker fee", f::TAKER_FEE),
    // Binance's own typo in the P2P export, and the spelling it may be fixed to.
    ("couterparty", f::COUNTERPARTY),
    ("counterparty", f::COUNTERPARTY),
    // P2P: the time column is the last one.
    ("created time", f::TIME),
    ("product name", f::PRODUCT),
];

pub const LAYOUTS: &[Layout] = &[
    Layout {
        id: "fiat/f1",
        kind: FileKind::FiatDeposits,
        required: &[
            f::TIME,
            f::COIN,
            f::AMOUNT,
            f::STATUS,
            f::PAYMENT_METHOD,
            f::INDICATED_AMOUNT,
            f::FEE,
        ],
        forbidden: &[],
        direction: DirRule::FromFileName,
    },
    Layout {
        id: "fiat/f2",
        kind: FileKind::FiatDeposits,
        required: &[
            f::TIME,
            f::METHOD,
            f::DEPOSIT_AMOUNT,
            f::RECEIVE_AMOUNT,
            f::FEE,
            f::STATUS,
        ],
        forbidden: &[f::SPEND_AMOUNT],
        // The header names the direction (`Deposit Amount`).
        direction: DirRule::Deposit,
    },
    Layout {
        id: "fiat/f3",
        kind: FileKind::FiatDeposits,
        required: &[
            f::TIME,
            f::METHOD,
            f::AMOUNT,
            f::RECEIVE_AMOUNT,
            f::FEE,
            f::STATUS,
        ],
        forbidden: &[f::SPEND_AMOUNT, f::DEPOSIT_AMOUNT, f::PRICE],
        direction: DirRule::FromFileName,
    },
    Layout {
        id: "buy-crypto/v1",
        kind: FileKind::BuyCrypto,
        required: &[
            f::TIME,
            f::METHOD,
            f::SPEND_AMOUNT,
            f::RECEIVE_AMOUNT,
            f::STATUS,
        ],
        forbidden: &[],
        direction: DirRule::None,
    },
    Layout {
        id: "p2p/v2",
        kind: FileKind::P2p,
        required: &[
            f::ORDER_NO,
            f::ORDER_TYPE,
            f::ASSET_TYPE,
            f::FIAT_TYPE,
            f::TOTAL_PRICE,
            f::QUANTITY,
            f::MAKER_FEE,
            f::TAKER_FEE,
            f::STATUS,
            f::TIME,
        ],
        forbidden: &[],
        direction: DirRule::None,
    },
    Layout {
        id: "p2p/v1",
        kind: FileKind::P2p,
        required: &[
            f::ORDER_NO,
            f::ORDER_TYPE,
            f::ASSET_TYPE,
            f::FIAT_TYPE,
            f::TOTAL_PRICE,
            f::QUANTITY,
            f::STATUS,
            f::TIME,
        ],
        forbidden: &[f::MAKER_FEE, f::TAKER_FEE],
        direction: DirRule::None,
    },
    Layout {
        id: "earn/v1",
        kind: FileKind::Earn,
        required: &[f::TIME, f::PRODUCT, f::COIN, f::AMOUNT],
        forbidden: &[],
        direction: DirRule::None,
    },
];

/// `Time,Wallet,Pair,…` convert history (YY dates, offset in the file name).
const CONVERT_V3: Layout = Layout {
    id: "convert/v3",
    kind: FileKind::Convert,
    required: &[f::TIME, f::WALLET, f::PAIR, f::SELL, f::BUY, f::STATUS],
    forbidden: &[],
    direction: DirRule::None,
};

/// `Time,Method,Spend Amount,…` Buy Crypto history (`Binance-Fiat-Buy-History-…`).
const BUY_CRYPTO_V2: Layout = Layout {
    id: "buy-crypto/v2",
    kind: FileKind::BuyCrypto,
    required: &[
        f::TIME,
        f::METHOD,
        f::SPEND_AMOUNT,
        f::RECEIVE_AMOUNT,
        f::STATUS,
    ],
    forbidden: &[],
    direction: DirRule::None,
};

/// (layout matched by fields, time column name, the newer layout it is then).
const TIME_HEADER_VARIANTS: &[(&str, &str, &Layout)] = &[
    ("convert/v2", "time", &CONVERT_V3),
    ("buy-crypto/v1", "time", &BUY_CRYPTO_V2),
];

/// The layout a file really has, given the name of its time column
/// (lower case, without the `(UTC…)` suffix).
pub fn variant_by_time_header(layout: &'static Layout, time_header: &str) -> &'static Layout {
    TIME_HEADER_VARIANTS
        .iter()
        .find(|(id, name, _)| *id == layout.id && *name == time_header)
        .map(|(_, _, v)| *v)
        .unwrap_or(layout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::layouts::split_header;
    use crate::ingest::resolve::resolve_header;

    /// The layout the real path (`resolve_header`, then the time-header
    /// variant) picks for a header line.
    fn layout_of(header: &str) -> Option<&'static str> {
        let cells: Vec<String> = header.split(',').map(str::to_string).collect();
        let r = resolve_header(&cells)?;
        let time = r
            .fields
            .iter()
            .position(|k| *k == Some(f::TIME))
            .map(|i| split_header(&cells[i]).0)
            .unwrap_or_default();
        Some(variant_by_time_header(r.layout, &time).id)
    }

    #[test]
    fn recognizes_each_layout_by_header() {
        let cases = [
            (
                "Date(UTC),Coin,Amount,Status,Payment Method,Indicated Amount,Fee,Order ID",
                "fiat/f1",
            ),
            (
                "Date(UTCnull),Coin,Amount,Status,Payment Method,Indicated Amount,Fee,Order ID",
                "fiat/f1",
            ),
            (
                "Date(UTC+1),Method,Deposit Amount,Receive Amount,Fee,Status,Transaction ID",
                "fiat/f2",
            ),
            (
                "Time,Method,Amount,Receive Amount,Fee,Status,Transaction ID",
                "fiat/f3",
            ),
            (
                "Date(UTC+1),Method,Spend Amount,Receive Amount,Fee,Price,Status,Transaction ID",
                "buy-crypto/v1",
            ),
            (
                "Time,Method,Spend Amount,Receive Amount,Fee,Price,Status,Transaction ID",
                "buy-crypto/v2",
            ),
            (
                "Order Number,Order Type,Asset Type,Fiat Type,Total Price,Price,Quantity,Exchange rate,Couterparty,Status,Created Time",
                "p2p/v1",
            ),
            (
                "Order Number,Order Type,Asset Type,Fiat Type,Total Price,Price,Quantity,Exchange rate,Maker Fee,Taker Fee,Couterparty,Status,Created Time",
                "p2p/v2",
            ),
            (
                "Time,Wallet,Pair,Type,Sell,Buy,Price,Inverse Price,Date Updated,Status",
                "convert/v3",
            ),
            (
                "Date,Wallet,Pair,Type,Sell,Buy,Price,Inverse Price,Date Updated,Status",
                "convert/v2",
            ),
            ("Date(UTC),Product Name,Coin,Amount", "earn/v1"),
        ];
        for (h, want) in cases {
            assert_eq!(layout_of(h), Some(want), "header {h}");
        }
    }

    #[test]
    fn older_layouts_keep_their_ids() {
        // The new aliases must not capture the crypto deposit or statement layouts.
        assert_eq!(
            layout_of("Date(UTC+0),Coin,Network,Amount,Fee,Address,TXID,Status"),
            Some("withdrawals/d3")
        );
        assert_eq!(
            layout_of("User ID,Time,Account,Operation,Coin,Change,Remark"),
            Some("statement/v2")
        );
        assert_eq!(layout_of("Time,Method,Amount,Status"), None);
    }
}
