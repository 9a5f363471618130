//! Fills rebuilt from the transaction statement's trade legs, for accounts
//! whose trade and order histories were not exported: without them the
//! activity and value-transfer detectors would see nothing.
//!
//! Legs of one fill share a timestamp (or straddle one second): a positive
//! and a negative trade leg of two different assets make one fill, and a
//! fee leg that follows belongs to it. Which asset is the quote is decided
//! by Binance's quote assets in priority order (USDT before BTC before BNB…),
//! so `BTC +, USDT −` is a BTCUSDT buy at |USDT| / |BTC|.

use crate::decimal::Dec;
use crate::model::{Category, Fill, LedgerRow, Side};
use crate::normalize::symbols::KNOWN_QUOTES;

/// Rebuild fills from statement rows (any order); returns them in time order.
pub fn fills_from_statement(ledger: &[LedgerRow]) -> Vec<Fill> {
    let mut legs: Vec<&LedgerRow> = ledger
        .iter()
        .filter(|r| {
            r.wallet == "Spot"
                && matches!(
                    r.category,
                    Category::Buy | Category::Sell | Category::TradeFee
                )
        })
        .collect();
    legs.sort_by(|a, b| (a.time / 1000, &a.origin).cmp(&(b.time / 1000, &b.origin)));
    let mut fills: Vec<Fill> = Vec::new();
    let mut pos: Option<&LedgerRow> = None;
    let mut neg: Option<&LedgerRow> = None;
    for leg in legs {
        // A pending leg older than one second has no partner: drop it.
        for p in [&mut pos, &mut neg] {
            if p.is_some_and(|x| leg.time - x.time > 1000) {
                *p = None;
            }
        }
        match leg.category {
            Category::TradeFee => {
                if let Some(f) = fills
                    .last_mut()
                    .filter(|f| leg.time - f.time <= 1000 && f.fee.is_none())
                {
                    f.fee = Some(-leg.change);
                    f.fee_asset = Some(leg.coin);
                }
                continue;
            }
            _ if leg.change.is_positive() => pos = Some(leg),
            _ => neg = Some(leg),
        }
        if let (Some(p), Some(n)) = (pos, neg) {
            if p.coin != n.coin {
                fills.extend(make_fill(p, n));
                pos = None;
                neg = None;
            }
        }
    }
    fills.sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
    fills
}

/// Rank of an asset as a quote (lower = more likely the quote).
fn quote_rank(asset: &str) -> usize {
    KNOWN_QUOTES
        .iter()
        .position(|q| *q == asset)
        .unwrap_or(usize::MAX)
}

fn make_fill(pos: &LedgerRow, neg: &LedgerRow) -> Option<Fill> {
    // The quote is the leg whose asset ranks first as a quote asset.
    let (base_leg, quote_leg, side) = if quote_rank(&neg.coin) <= quote_rank(&pos.coin) {
        (pos, neg, Side::Buy)
    } else {
        (neg, pos, Side::Sell)
    };
    let qty = base_leg.change.abs();
    let quote_qty = quote_leg.change.abs();
    let price = quote_qty.div_round(qty)?.round_dp(10);
    let first = if pos.origin <= neg.origin { pos } else { neg };
    Some(Fill {
        origin: first.origin.clone(),
        time: pos.time.min(neg.time),
        symbol: format!("{}{}", base_leg.coin, quote_leg.coin).into(),
        base: base_leg.coin,
        quote: quote_leg.coin,
        side,
        price,
        qty,
        quote_qty,
        fee: None,
        fee_asset: None,
        order_id: None,
        trade_id: None,
        is_maker: None,
    })
    .filter(|f| !f.qty.is_zero() && f.price > Dec::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn leg(row: u32, time: i64, cat: Category, coin: &str, change: &str) -> LedgerRow {
        LedgerRow {
            origin: Origin {
                file: "s.csv".into(),
                row,
            },
            time,
            wallet: "Spot".into(),
            operation: "x".into(),
            category: cat,
            coin: coin.into(),
            change: Dec::parse(change).unwrap(),
            remark: String::new(),
        }
    }

    #[test]
    fn pairs_buy_and_sell_legs_into_fills_with_fees() {
        let rows = vec![
            // BTCUSDT buy: +0.004 BTC, −240 USDT, fee 0.000004 BTC → price 60000.
            leg(2, 1000, Category::Buy, "BTC", "0.004"),
            leg(3, 1000, Category::Sell, "USDT", "-240"),
            leg(4, 1000, Category::TradeFee, "BTC", "-0.000004"),
            // ETHBTC sell straddling a second: −0.5 ETH at t=5 s, +0.025 BTC at t=6 s → 0.05.
            leg(5, 5000, Category::Sell, "ETH", "-0.5"),
            leg(6, 6000, Category::Buy, "BTC", "0.025"),
        ];
        let f = fills_from_statement(&rows);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].symbol.as_str(), f[0].side), ("BTCUSDT", Side::Buy));
        assert_eq!(f[0].price, Dec::parse("60000").unwrap());
        assert_eq!(f[0].fee, Some(Dec::parse("0.000004").unwrap()));
        assert_eq!((f[1].symbol.as_str(), f[1].side), ("ETHBTC", Side::Sell));
        assert_eq!(f[1].price, Dec::parse("0.05").unwrap());
        assert_eq!(f[1].qty, Dec::parse("0.5").unwrap());
        assert_eq!(f[1].origin.row, 5);
    }
}
