//! Canonical rows as plain Rust values (no polars types).
//!
//! The normalizer keeps the canonical tables as polars frames
//! (`normalize::Tables`); detectors and the reconciliation read them through
//! these typed views. Every row carries its origin: the input file as the
//! user named it and the 1-based line (CSV, header = 1) or row (XLSX).

use crate::decimal::Dec;
use crate::sym::Sym;
use serde::Serialize;

/// Milliseconds since the Unix epoch, UTC.
pub type TimeMs = i64;

/// Where a canonical row came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Origin {
    pub file: Sym,
    pub row: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "BUY",
            Side::Sell => "SELL",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Deposit,
    Withdrawal,
}

/// One executed fill (trade history, or an order-history fill sub-row).
#[derive(Clone, Debug, PartialEq)]
pub struct Fill {
    pub origin: Origin,
    pub time: TimeMs,
    pub symbol: Sym,
    pub base: Sym,
    pub quote: Sym,
    pub side: Side,
    pub price: Dec,
    /// Base quantity.
    pub qty: Dec,
    /// Quote quantity (price × qty as exported).
    pub quote_qty: Dec,
    /// `None` where the export carries no fee (order history).
    pub fee: Option<Dec>,
    pub fee_asset: Option<Sym>,
    pub order_id: Option<String>,
    pub trade_id: Option<String>,
    pub is_maker: Option<bool>,
}

/// One futures fill (USD-M / Coin-M trade history). A futures trade moves
/// no asset itself: the wallet changes by `-fee` in `fee_asset` and by
/// `realized_pnl` in `pnl_asset` (the margin asset).
#[derive(Clone, Debug, PartialEq)]
pub struct FuturesFill {
    pub origin: Origin,
    pub time: TimeMs,
    /// `USD-M Futures` or `Coin-M Futures`.
    pub wallet: Sym,
    pub symbol: Sym,
    pub side: Side,
    pub price: Dec,
    /// Contract quantity (base asset for USD-M).
    pub qty: Dec,
    /// Notional as exported (price × qty).
    pub quote_qty: Dec,
    pub fee: Dec,
    pub fee_asset: Sym,
    pub realized_pnl: Dec,
    pub pnl_asset: Sym,
    pub order_id: Option<String>,
    pub trade_id: Option<String>,
    pub is_maker: Option<bool>,
}

/// One order (order history), or an order rebuilt from fills.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub origin: Origin,
    pub time: TimeMs,
    pub update_time: Option<TimeMs>,
    pub order_id: Option<String>,
    pub symbol: Sym,
    pub base: Sym,
    pub quote: Sym,
    pub side: Side,
    /// `LIMIT`, `MARKET`, … or empty when the export does not say.
    pub order_type: String,
    pub price: Option<Dec>,
    pub orig_qty: Option<Dec>,
    pub executed_qty: Dec,
    pub avg_price: Option<Dec>,
    pub quote_total: Option<Dec>,
    /// Normalized upper case: `FILLED`, `PARTIALLY_FILLED`, `CANCELED`, …
    pub status: String,
}

/// A crypto or fiat deposit or withdrawal.
#[derive(Clone, Debug, PartialEq)]
pub struct Transfer {
    pub origin: Origin,
    pub time: TimeMs,
    pub direction: Direction,
    pub coin: Sym,
    pub network: Option<Sym>,
    /// Net amount (what arrived, or what was sent excluding the fee).
    pub amount: Dec,
    pub fee: Dec,
    pub address: Option<String>,
    pub txid: Option<String>,
    pub memo: Option<String>,
    /// As exported (`Completed`, `Rejected`, …).
    pub status: String,
    /// Whether the status means the funds moved.
    pub completed: bool,
    pub fiat: bool,
}

/// Category of a balance change; the keys of `reconciliation[].by_category`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Deposit,
    Withdrawal,
    WithdrawalFee,
    Buy,
    Sell,
    TradeFee,
    Convert,
    Dust,
    Transfer,
    Earn,
    Reward,
    Fiat,
    Margin,
    Futures,
    Unclassified,
}

impl Category {
    pub const ALL: [Category; 15] = [
        Category::Deposit,
        Category::Withdrawal,
        Category::WithdrawalFee,
        Category::Buy,
        Category::Sell,
        Category::TradeFee,
        Category::Convert,
        Category::Dust,
        Category::Transfer,
        Category::Earn,
        Category::Reward,
        Category::Fiat,
        Category::Margin,
        Category::Futures,
        Category::Unclassified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Deposit => "deposit",
            Category::Withdrawal => "withdrawal",
            Category::WithdrawalFee => "withdrawal_fee",
            Category::Buy => "buy",
            Category::Sell => "sell",
            Category::TradeFee => "trade_fee",
            Category::Convert => "convert",
            Category::Dust => "dust",
            Category::Transfer => "transfer",
            Category::Earn => "earn",
            Category::Reward => "reward",
            Category::Fiat => "fiat",
            Category::Margin => "margin",
            Category::Futures => "futures",
            Category::Unclassified => "unclassified",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// One balance change of the book (statement row, or a leg derived from a
/// trade or transfer export when no statement covers it).
#[derive(Clone, Debug, PartialEq)]
pub struct LedgerRow {
    pub origin: Origin,
    pub time: TimeMs,
    /// Normalized wallet name (`Spot`, `Funding`, …).
    pub wallet: Sym,
    /// Operation as exported (statement), or a synthetic label for derived legs.
    pub operation: Sym,
    pub category: Category,
    pub coin: Sym,
    /// Signed change.
    pub change: Dec,
    pub remark: String,
}

/// Kind of an input file; the `inputs[].kind` values of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    SpotOrders,
    SpotTrades,
    Deposits,
    Withdrawals,
    Statement,
    Convert,
    FiatDeposits,
    FiatWithdrawals,
    BuyCrypto,
    P2p,
    FuturesTrades,
    FuturesTransactions,
    Margin,
    Earn,
    Balances,
    Unknown,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::SpotOrders => "spot-orders",
            FileKind::SpotTrades => "spot-trades",
            FileKind::Deposits => "deposits",
            FileKind::Withdrawals => "withdrawals",
            FileKind::Statement => "statement",
            FileKind::Convert => "convert",
            FileKind::FiatDeposits => "fiat-deposits",
            FileKind::FiatWithdrawals => "fiat-withdrawals",
            FileKind::BuyCrypto => "buy-crypto",
            FileKind::P2p => "p2p",
            FileKind::FuturesTrades => "futures-trades",
            FileKind::FuturesTransactions => "futures-transactions",
            FileKind::Margin => "margin",
            FileKind::Earn => "earn",
            FileKind::Balances => "balances",
            FileKind::Unknown => "unknown",
        }
    }
}

/// A warning attached to an input file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    /// Stable machine code: `tz-unknown`, `fees-missing`, …
    pub code: String,
    pub row: Option<u32>,
    pub message: String,
}

/// A row that was read but not normalized, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Rejection {
    pub row: u32,
    pub column: Option<String>,
    pub reason: String,
}

/// What was learned about one input file; `inputs[]` of the contract.
/// Invariant: `rows_read = rows_normalized + rows_rejected + rows_duplicate + rows_ignored`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InputSummary {
    pub path: String,
    pub sha256: String,
    pub kind: FileKind,
    pub layout: String,
    pub account: String,
    pub time_zone: String,
    pub first_time: Option<TimeMs>,
    pub last_time: Option<TimeMs>,
    pub rows_read: u64,
    pub rows_normalized: u64,
    pub rows_rejected: u64,
    pub rows_duplicate: u64,
    pub rows_ignored: u64,
    /// Rejected rows (reason) and ignored rows (reason), sorted by row.
    pub rejections: Vec<Rejection>,
    pub warnings: Vec<Warning>,
}

/// The typed views of one account's normalized data.
#[derive(Clone, Debug, Default)]
pub struct Account {
    pub id: String,
    pub fills: Vec<Fill>,
    pub orders: Vec<Order>,
    pub transfers: Vec<Transfer>,
    /// The book: statement rows where a statement covers the time, plus legs
    /// derived from the other exports outside that span.
    pub ledger: Vec<LedgerRow>,
    /// True when a transaction statement is among the inputs.
    pub has_statement: bool,
    /// True when an order history (with cancelled orders) is among the inputs.
    pub has_order_history: bool,
}

/// A conversion (Convert history, dust, buy-crypto): one asset for another.
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion {
    pub origin: Origin,
    pub time: TimeMs,
    pub wallet: Sym,
    pub from_asset: Sym,
    /// Everything that left, fee included.
    pub from_qty: Dec,
    pub to_asset: Sym,
    /// What arrived, net of any fee.
    pub to_qty: Dec,
    pub status: String,
    pub completed: bool,
    /// `convert`, `dust`, `buy-crypto`, `p2p`.
    pub channel: Sym,
    /// The fee where the export states it (already inside the quantities).
    pub fee: Option<Dec>,
    pub fee_asset: Option<Sym>,
    /// An asset paid or received off the exchange (the fiat of a P2P
    /// order): its side of the conversion moves no balance.
    pub offchain_asset: Option<Sym>,
}
