//! Running holdings: what the account held of a coin just before a moment.
//!
//! What: the balance of a coin summed over some wallets from the book
//! (ledger rows strictly before a cutoff); where the book has nothing, the
//! net bought − sold from the account's own fills.
//! Why: "share of the holding sold/withdrawn" is the core of the
//! liquidation and sweep signatures.
//! False positives: a partial export (missing deposits) understates the
//! holding, so a share can look larger than it was; callers cap it at 1 and
//! say which source the holding came from.

use crate::decimal::Dec;
use crate::model::{Account, Side, TimeMs};
use std::collections::BTreeMap;

/// Where a holding figure came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoldingSource {
    Ledger,
    Fills,
}

impl HoldingSource {
    pub fn as_str(self) -> &'static str {
        match self {
            HoldingSource::Ledger => "ledger running balance",
            HoldingSource::Fills => "net bought minus sold in the account's fills",
        }
    }
}

/// Running balances per (coin, wallet) from the ledger and per coin from
/// the fills, each as (time, balance after the row) in time order, so a
/// balance "before t" is one binary search.
#[derive(Clone, Debug, Default)]
pub struct Holdings {
    ledger: BTreeMap<(String, String), Vec<(TimeMs, Dec)>>,
    fills: BTreeMap<String, Vec<(TimeMs, Dec)>>,
}

/// Turn (time, change) rows into (time, running balance), in time order.
fn running(rows: &mut [(TimeMs, Dec)]) {
    rows.sort_by_key(|r| r.0);
    let mut bal = Dec::ZERO;
    for r in rows.iter_mut() {
        bal += r.1;
        r.1 = bal;
    }
}

/// The running balance after the last row before `cutoff`.
fn before(rows: &[(TimeMs, Dec)], cutoff: TimeMs) -> Option<Dec> {
    let i = rows.partition_point(|r| r.0 < cutoff);
    i.checked_sub(1).map(|j| rows[j].1)
}

impl Holdings {
    pub fn new(account: &Account) -> Holdings {
        let mut ledger: BTreeMap<(String, String), Vec<(TimeMs, Dec)>> = BTreeMap::new();
        for r in &account.ledger {
            ledger
                .entry((r.coin.to_string(), r.wallet.to_string()))
                .or_default()
                .push((r.time, r.change));
        }
        let mut fills: BTreeMap<String, Vec<(TimeMs, Dec)>> = BTreeMap::new();
        for f in &account.fills {
            // bought as base or received as quote comes in; the rest goes out
            let (b, q) = match f.side {
                Side::Buy => (f.qty, -f.quote_qty),
                Side::Sell => (-f.qty, f.quote_qty),
            };
            fills
                .entry(f.base.to_string())
                .or_default()
                .push((f.time, b));
            fills
                .entry(f.quote.to_string())
                .or_default()
                .push((f.time, q));
        }
        ledger.values_mut().for_each(|v| running(v));
        fills.values_mut().for_each(|v| running(v));
        Holdings { ledger, fills }
    }

    /// Balance of `coin` over `wallets` from rows with time < `cutoff`;
    /// `None` when there is no such row or the balance is not positive
    /// (the book cannot tell what was held).
    pub fn ledger_before(&self, coin: &str, wallets: &[&str], cutoff: TimeMs) -> Option<Dec> {
        let mut seen = false;
        let mut bal = Dec::ZERO;
        for w in wallets {
            let key = (coin.to_string(), w.to_string());
            if let Some(b) = self.ledger.get(&key).and_then(|v| before(v, cutoff)) {
                seen = true;
                bal += b;
            }
        }
        (seen && bal.is_positive()).then_some(bal)
    }

    /// Net amount of `coin` the account's fills brought in before `cutoff`:
    /// bought as base plus received as quote, minus sold and spent.
    pub fn fills_net_before(&self, coin: &str, cutoff: TimeMs) -> Dec {
        self.fills
            .get(coin)
            .and_then(|v| before(v, cutoff))
            .unwrap_or(Dec::ZERO)
    }
}

/// Holding of `coin` in `wallets` just before `cutoff`: the ledger where it
/// knows, else the fills' net where positive, else unknown.
pub fn holding_before(
    holdings: &Holdings,
    coin: &str,
    wallets: &[&str],
    cutoff: TimeMs,
) -> Option<(Dec, HoldingSource)> {
    if let Some(b) = holdings.ledger_before(coin, wallets, cutoff) {
        return Some((b, HoldingSource::Ledger));
    }
    let net = holdings.fills_net_before(coin, cutoff);
    net.is_positive().then_some((net, HoldingSource::Fills))
}

/// Cutoff for "just before a trade at `t`": statement legs are whole
/// seconds and can straddle one second boundary, so rows from the second
/// before the trade on are left out.
pub fn trade_cutoff(t: TimeMs) -> TimeMs {
    t.div_euclid(1000) * 1000 - 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testkit::{t, AccountBuilder};

    #[test]
    fn ledger_balance_before_cutoff_per_wallet() {
        let a = AccountBuilder::new("a")
            .ledger(t(0, 0, 0, 0), "Spot", "BTC", "1.5")
            .ledger(t(0, 1, 0, 0), "Funding", "BTC", "0.25")
            .ledger(t(0, 2, 0, 0), "Spot", "BTC", "-0.5")
            .build();
        let h = Holdings::new(&a);
        // Spot before 01:30 = 1.5; Spot+Funding = 1.5 + 0.25 = 1.75
        assert_eq!(
            h.ledger_before("BTC", &["Spot"], t(0, 1, 30, 0)),
            Some(Dec::parse("1.5").unwrap())
        );
        assert_eq!(
            h.ledger_before("BTC", &["Spot", "Funding"], t(0, 1, 30, 0)),
            Some(Dec::parse("1.75").unwrap())
        );
        // at 02:00 the -0.5 row is not yet before the cutoff
        assert_eq!(
            h.ledger_before("BTC", &["Spot"], t(0, 2, 0, 0)),
            Some(Dec::parse("1.5").unwrap())
        );
        assert_eq!(h.ledger_before("ETH", &["Spot"], t(9, 0, 0, 0)), None);
    }

    #[test]
    fn falls_back_to_fills_net() {
        // bought 2 ETH for 100 USDT, sold 0.5 ETH for 30 USDT: ETH net 1.5,
        // USDT net -100 + 30 = -70 (not positive: unknown)
        let a = AccountBuilder::new("a")
            .no_derived_ledger()
            .fill(t(0, 0, 0, 0), "ETH/USDT", "BUY", "50", "2")
            .fill(t(0, 1, 0, 0), "ETH/USDT", "SELL", "60", "0.5")
            .build();
        let h = Holdings::new(&a);
        let got = holding_before(&h, "ETH", &["Spot"], t(1, 0, 0, 0));
        assert_eq!(
            got,
            Some((Dec::parse("1.5").unwrap(), HoldingSource::Fills))
        );
        assert_eq!(holding_before(&h, "USDT", &["Spot"], t(1, 0, 0, 0)), None);
        assert_eq!(trade_cutoff(12_345), 11_000);
    }
}
