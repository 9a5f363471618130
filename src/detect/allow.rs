//! Allowlists: the user's own bots' symbols are taken out of the trading
//! detectors (their fills and orders), while the ledger, and so the running
//! holdings, keeps them. Own withdrawal addresses are applied by
//! `withdrawal_sweep` (they count as seen).

use crate::model::Account;

/// `account` without the fills and orders of `symbols` (exact symbol names).
pub fn without_symbols(account: &Account, symbols: &[String]) -> Account {
    let keep = |s: &str| !symbols.iter().any(|x| x == s);
    Account {
        fills: account
            .fills
            .iter()
            .filter(|f| keep(&f.symbol))
            .cloned()
            .collect(),
        orders: account
            .orders
            .iter()
            .filter(|o| keep(&o.symbol))
            .cloned()
            .collect(),
        ..account.clone()
    }
}
