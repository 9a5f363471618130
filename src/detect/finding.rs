//! What detectors return: findings with their evidence, grouped into incidents.
//! Plain data (no polars types), rendered by `report/`.

use crate::decimal::Dec;
use crate::model::{Origin, TimeMs};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            _ => None,
        }
    }
}

/// Which canonical table an evidence row comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Table {
    Fills,
    Orders,
    Transfers,
    Ledger,
    Conversions,
    Balances,
}

/// One row a finding rests on, with the facts a support agent needs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    pub origin: Origin,
    pub table: Table,
    pub time: TimeMs,
    pub symbol: Option<String>,
    /// `BUY`/`SELL`, `deposit`/`withdrawal`, or the statement operation.
    pub side: Option<String>,
    pub price: Option<Dec>,
    /// Base quantity, transfer amount, or ledger change.
    pub qty: Option<Dec>,
    /// Asset of `qty` where it is not the base of `symbol` (transfers, ledger).
    pub asset: Option<String>,
    pub order_id: Option<String>,
    pub trade_id: Option<String>,
    pub txid: Option<String>,
    pub address: Option<String>,
}

/// The statistic a finding was decided on.
#[derive(Clone, Debug, PartialEq)]
pub struct Statistic {
    pub name: String,
    /// `None` where not finite.
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    pub p_value: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Stable across runs on the same inputs, e.g. `burst-0001`.
    pub id: String,
    pub detector: String,
    pub severity: Severity,
    pub account: String,
    pub start: TimeMs,
    pub end: TimeMs,
    pub symbols: Vec<String>,
    pub assets: Vec<String>,
    pub addresses: Vec<String>,
    pub txids: Vec<String>,
    /// Value at stake (asset, amount).
    pub value: Option<(String, Dec)>,
    pub statistic: Option<Statistic>,
    pub evidence: Vec<Evidence>,
    /// A sentence with the actual numbers.
    pub explanation: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub id: String,
    pub account: String,
    pub severity: Severity,
    pub start: TimeMs,
    pub end: TimeMs,
    pub symbols: Vec<String>,
    /// Ids of the findings that make up this incident.
    pub findings: Vec<String>,
    pub summary: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Clean,
    Suspicious,
    Compromised,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Suspicious => "suspicious",
            Verdict::Compromised => "compromised",
        }
    }
}

/// Estimated loss: per asset exactly, and in a reference asset where priced.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LossEstimate {
    /// (asset, amount), sorted by asset.
    pub by_asset: Vec<(String, Dec)>,
    /// (reference asset, amount) where every part could be priced.
    pub reference: Option<(String, Dec)>,
    pub method: String,
}

/// Everything the detectors conclude about one account.
#[derive(Clone, Debug, PartialEq)]
pub struct Detection {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub incidents: Vec<Incident>,
    pub loss: LossEstimate,
}
