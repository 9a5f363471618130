//! The ground truth of a generated sample (`truth.json`): what the attacker
//! did, so detectors and the evaluation can be scored against it.

use super::attack::Attack;
use super::book::Book;
use crate::decimal::Dec;
use crate::model::TimeMs;
use crate::timefmt::rfc3339_ms;
use serde::Serialize;

/// One order placed by the attacker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttackerOrder {
    pub order_id: String,
    pub symbol: String,
    /// `BUY` or `SELL`.
    pub side: String,
    /// RFC 3339 UTC with milliseconds.
    pub time: String,
    pub fills: usize,
    /// Quote asset moved by the order (Σ of its fills' amounts).
    pub quote_amount: Dec,
}

/// Ground truth of the `compromised` sample. Amounts serialize as decimal
/// strings, times as RFC 3339 UTC with milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct Truth {
    pub scenario: String,
    pub seed: u64,
    pub account: String,
    /// First ordinary event and the attack window (first to last attacker fill).
    pub history_start: String,
    pub attack_window_start: String,
    pub attack_window_end: String,
    pub quote_asset: String,
    /// Assets sold by the attacker into the quote asset.
    pub liquidated_assets: Vec<String>,
    /// Quote asset received from those sells.
    pub liquidation_proceeds: Dec,
    pub thin_symbol: String,
    pub thin_asset: String,
    /// Quote asset held when the thin-token buys began.
    pub quote_before_buys: Dec,
    /// Quote asset spent buying the thin token (Σ of the buy fills' amounts).
    pub quote_spent: Dec,
    /// Quote asset received selling the thin token back (0 without a dump).
    pub quote_recovered: Dec,
    pub deposit_before_attack: bool,
    pub withdrawal_after_attack: bool,
    pub attacker_orders: Vec<AttackerOrder>,
    /// Attack window in epoch milliseconds (for tests; not serialized).
    #[serde(skip)]
    pub window_ms: (TimeMs, TimeMs),
}

impl Truth {
    pub fn build(
        seed: u64,
        account: &str,
        history_start: TimeMs,
        attack: &Attack,
        book: &Book,
    ) -> Truth {
        let attacker_orders = book
            .orders
            .iter()
            .filter(|o| o.attacker)
            .map(|o| AttackerOrder {
                order_id: o.id.to_string(),
                symbol: o.symbol(),
                side: o.side.as_str().to_string(),
                time: rfc3339_ms(o.time),
                fills: o.fills.len(),
                quote_amount: o.total(),
            })
            .collect();
        let day_ms = 86_400_000;
        Truth {
            scenario: "compromised".to_string(),
            seed,
            account: account.to_string(),
            history_start: rfc3339_ms(history_start),
            attack_window_start: rfc3339_ms(attack.start),
            attack_window_end: rfc3339_ms(attack.end),
            quote_asset: "USDT".to_string(),
            liquidated_assets: attack.liquidated.clone(),
            liquidation_proceeds: attack.proceeds,
            thin_symbol: format!("{}USDT", attack.thin_base),
            thin_asset: attack.thin_base.clone(),
            quote_before_buys: attack.quote_before_buys,
            quote_spent: attack.spent,
            quote_recovered: attack.recovered,
            deposit_before_attack: book
                .transfers
                .iter()
                .any(|t| t.deposit && t.booked <= attack.start && t.booked > attack.start - day_ms),
            withdrawal_after_attack: book
                .transfers
                .iter()
                .any(|t| !t.deposit && t.time >= attack.start),
            attacker_orders,
            window_ms: (attack.start, attack.end),
        }
    }
}

/// `truth.json` bytes: pretty JSON with a final newline.
pub fn truth_json(truth: &Truth) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(truth).unwrap_or_default();
    out.push(b'\n');
    out
}
