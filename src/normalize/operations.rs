//! Statement `Operation` values → balance-change categories, and `Account`
//! values → normalized wallet names. Compared case-insensitively; unknown
//! operations are applied as `unclassified` (and reported), never dropped.

use crate::model::Category;

/// How an operation's category is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpRule {
    /// A trade leg: the sign decides buy (+) or sell (−); the label can lie.
    TradeLeg,
    Fixed(Category),
}

/// Known operations (lower case). Prefix rules follow in `classify`.
const OPS: &[(&str, OpRule)] = {
    use Category::*;
    use OpRule::{Fixed, TradeLeg};
    &[
        ("buy", TradeLeg),
        ("sell", TradeLeg),
        ("transaction buy", TradeLeg),
        ("transaction spend", TradeLeg),
        ("transaction sold", TradeLeg),
        ("transaction revenue", TradeLeg),
        ("transaction related", TradeLeg),
        ("large otc trading", TradeLeg),
        ("fee", Fixed(TradeFee)),
        ("transaction fee", Fixed(TradeFee)),
        ("bnb fee deduction", Fixed(TradeFee)),
        ("bnb deducts fee", Fixed(TradeFee)),
        ("binance convert", Fixed(Convert)),
        ("futures convert", Fixed(Convert)),
        ("stablecoins auto-conversion", Fixed(Convert)),
        ("asset conversion transfer", Fixed(Convert)),
        ("leverage token redemption", Fixed(Convert)),
        ("leveraged coin consolidation", Fixed(Convert)),
        ("small assets exchange bnb", Fixed(Dust)),
        ("buy crypto", Fixed(Fiat)),
        ("buy crypto with card", Fixed(Fiat)),
        ("buy crypto with fiat", Fixed(Fiat)),
        ("sell crypto to fiat", Fixed(Fiat)),
        ("convert fiat to crypto ocbs", Fixed(Fiat)),
        ("fiat deposit", Fixed(Fiat)),
        ("fiat withdraw", Fixed(Fiat)),
        ("fiat withdrawal", Fixed(Fiat)),
        ("deposit fiat ocbs", Fixed(Fiat)),
        ("fiat ocbs - add fiat and fees", Fixed(Fiat)),
        ("p2p trading", Fixed(Fiat)),
        ("c2c transfer", Fixed(Fiat)),
        ("binance card spending", Fixed(Fiat)),
        ("deposit", Fixed(Deposit)),
        ("withdraw", Fixed(Withdrawal)),
        ("send", Fixed(Withdrawal)),
        ("transfer_in", Fixed(Transfer)),
        ("transfer_out", Fixed(Transfer)),
        ("margin loan", Fixed(Margin)),
        ("margin repayment", Fixed(Margin)),
        ("isolated margin loan", Fixed(Margin)),
        ("isolated margin repayment", Fixed(Margin)),
        ("cross margin liquidation - repayment", Fixed(Margin)),
        ("realize profit and loss", Fixed(Futures)),
        ("realized profit and loss", Fixed(Futures)),
        ("funding fee", Fixed(Futures)),
        ("insurance fund compensation", Fixed(Futures)),
        ("insurance fund refund", Fixed(Futures)),
        ("eth 2.0 staking", Fixed(Earn)),
        ("super bnb mining", Fixed(Earn)),
        ("pool distribution", Fixed(Reward)),
        ("distribution", Fixed(Reward)),
        ("airdrop assets", Fixed(Reward)),
        ("asset - transfer", Fixed(Reward)),
        ("hodler airdrops distribution", Fixed(Reward)),
        ("megadrop rewards", Fixed(Reward)),
        ("asset recovery", Fixed(Reward)),
        ("cashback voucher", Fixed(Reward)),
        ("mission reward distribution", Fixed(Reward)),
        ("campaign related reward", Fixed(Reward)),
        ("crypto box", Fixed(Reward)),
        ("card cashback", Fixed(Reward)),
        ("binance card cashback", Fixed(Reward)),
        ("commission history", Fixed(Reward)),
        ("commission rebate", Fixed(Reward)),
        ("commission fee shared with you", Fixed(Reward)),
        ("referral kickback", Fixed(Reward)),
        ("referral commission", Fixed(Reward)),
        ("referrer rebates", Fixed(Reward)),
        ("referee rebates", Fixed(Reward)),
        ("dot slot auction rewards", Fixed(Reward)),
    ]
};

/// Prefixes for families of operations (checked after exact names).
const PREFIXES: &[(&str, Category)] = &[
    ("transfer between", Category::Transfer),
    ("simple earn", Category::Earn),
    ("savings", Category::Earn),
    ("pos savings", Category::Earn),
    ("staking", Category::Earn),
    ("eth 2.0 staking", Category::Earn),
    ("launchpool airdrop", Category::Reward),
    ("launchpool", Category::Earn),
    ("launchpad", Category::Earn),
    ("liquid swap", Category::Earn),
    ("liquidity farming", Category::Earn),
    ("swap farming", Category::Earn),
    ("bnb vault", Category::Earn),
    ("token swap", Category::Reward),
    ("cash voucher", Category::Reward),
];

/// The rule for an operation, or `None` when unknown.
pub fn rule(operation: &str) -> Option<OpRule> {
    let op = operation.trim().to_lowercase();
    if let Some((_, r)) = OPS.iter().find(|(name, _)| *name == op) {
        return Some(*r);
    }
    PREFIXES
        .iter()
        .find(|(p, _)| op.starts_with(p))
        .map(|(_, c)| OpRule::Fixed(*c))
}

/// Category of one statement row; `None` when the operation is unknown.
pub fn classify(operation: &str, change_negative: bool) -> Option<Category> {
    rule(operation).map(|r| match r {
        OpRule::TradeLeg if change_negative => Category::Sell,
        OpRule::TradeLeg => Category::Buy,
        OpRule::Fixed(c) => c,
    })
}

/// Normalized wallet name of an `Account` cell.
pub fn wallet(account: &str) -> String {
    let key: String = account
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let name = match key.as_str() {
        "spot" | "main" | "exchange" => "Spot",
        "funding" => "Funding",
        "earn" => "Earn",
        "savings" => "Savings",
        "crossmargin" | "margin" => "Cross Margin",
        "isolatedmargin" => "Isolated Margin",
        "usdmfutures" | "usdtfutures" | "umfutures" | "futures" | "usdm" => "USD-M Futures",
        "coinmfutures" | "cmfutures" | "coinm" => "Coin-M Futures",
        "pool" => "Pool",
        "card" => "Card",
        "p2p" => "P2P",
        "options" => "Options",
        "mining" => "Mining",
        "subaccount" => "Sub-account",
        "" => "Spot",
        _ => return account.trim().to_string(),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_beats_the_label_for_trade_legs() {
        assert_eq!(classify("Buy", true), Some(Category::Sell));
        assert_eq!(classify("Buy", false), Some(Category::Buy));
        assert_eq!(classify("TRANSACTION SPEND", true), Some(Category::Sell));
        assert_eq!(classify("Fee", true), Some(Category::TradeFee));
    }

    #[test]
    fn families_and_unknowns() {
        assert_eq!(
            classify("Small Assets Exchange BNB", false),
            Some(Category::Dust)
        );
        assert_eq!(
            classify("Transfer Between Spot and Funding", true),
            Some(Category::Transfer)
        );
        assert_eq!(
            classify("Simple Earn Flexible Subscription", true),
            Some(Category::Earn)
        );
        assert_eq!(classify("Staking Rewards", false), Some(Category::Earn));
        assert_eq!(classify("Zzz Unlisted Operation", false), None);
    }

    #[test]
    fn wallet_names() {
        assert_eq!(wallet("SPOT"), "Spot");
        assert_eq!(wallet("CrossMargin"), "Cross Margin");
        assert_eq!(wallet("USDT-Futures"), "USD-M Futures");
        assert_eq!(wallet("Coin-MFutures"), "Coin-M Futures");
        assert_eq!(wallet("EARN"), "Earn");
        assert_eq!(wallet("Something New"), "Something New");
    }
}
