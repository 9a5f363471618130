//! Futures and margin layouts (FORMATS.md §5): USD-M futures trade history
//! (old and new), futures transaction history, margin borrow/repay and
//! margin interest. Same shape as `layouts::LAYOUTS`; kept apart so each
//! table stays short.

use super::layouts::field as f;
use super::layouts::{DirRule, Layout};
use crate::model::FileKind;

pub const DERIV_LAYOUTS: &[Layout] = &[
    // `Uid,Time,Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit,Buyer,Maker,Trade ID,Order ID`
    Layout {
        id: "futures-trades/v2",
        kind: FileKind::FuturesTrades,
        required: &[
            f::TIME,
            f::SYMBOL,
            f::SIDE,
            f::PRICE,
            f::QUANTITY,
            f::AMOUNT,
            f::FEE,
            f::REALIZED_PNL,
            f::TRADE_ID,
        ],
        forbidden: &[],
        direction: DirRule::None,
    },
    // `Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Realized Profit[,Quote Asset]`
    // and `Time(UTC),Symbol,Side,Position Side,Order Type,…`
    Layout {
        id: "futures-trades/v1",
        kind: FileKind::FuturesTrades,
        required: &[
            f::TIME,
            f::SYMBOL,
            f::SIDE,
            f::PRICE,
            f::QUANTITY,
            f::AMOUNT,
            f::FEE,
            f::REALIZED_PNL,
        ],
        forbidden: &[f::TRADE_ID],
        direction: DirRule::None,
    },
    // `Date(UTC),type,Amount,Asset,Symbol,Transaction ID` and `Time,Type,…`
    Layout {
        id: "futures-transactions/v1",
        kind: FileKind::FuturesTransactions,
        required: &[f::TIME, f::TYPE, f::AMOUNT, f::COIN, f::TRANSACTION_ID],
        forbidden: &[f::STATUS, f::ADDRESS],
        direction: DirRule::None,
    },
    // `Pair,Coin,Date,Amount,Type,Status`
    Layout {
        id: "margin-loans/v1",
        kind: FileKind::Margin,
        required: &[f::TIME, f::COIN, f::AMOUNT, f::TYPE, f::STATUS],
        forbidden: &[f::ADDRESS, f::TXID, f::SIDE, f::CHANGE],
        direction: DirRule::None,
    },
    // `Pair,Coin,Amount,Time,Interest Type`
    Layout {
        id: "margin-interest/v1",
        kind: FileKind::Margin,
        required: &[f::TIME, f::COIN, f::AMOUNT, f::INTEREST_TYPE],
        forbidden: &[],
        direction: DirRule::None,
    },
];
