//! Balance legs of fiat transfers, conversions (convert, buy-crypto, P2P)
//! and ledger rows read from exports other than the statement (earn
//! interest), and the keys that match them against the statement.
//!
//! Categories (ARCHITECTURE.md): fiat deposits, withdrawals and their fees,
//! Buy Crypto and P2P are `fiat`; Convert is `convert`, dust `dust`; earn
//! interest `earn`. A P2P order's fiat is paid off the exchange, so only its
//! crypto side becomes a leg.

use super::book::TRANSFER_TOLERANCE_MS;
use super::by_time::ByTime;
use crate::decimal::Dec;
use crate::model::{Category, Conversion, Direction, LedgerRow, TimeMs, Transfer};

/// Categories of a transfer's legs: (principal, fee).
pub fn transfer_categories(t: &Transfer) -> (Category, Category) {
    match (t.fiat, t.direction) {
        (true, _) => (Category::Fiat, Category::Fiat),
        (false, Direction::Deposit) => (Category::Deposit, Category::WithdrawalFee),
        (false, Direction::Withdrawal) => (Category::Withdrawal, Category::WithdrawalFee),
    }
}

/// What a statement row of this transfer can look like: its categories and
/// signed changes. Withdrawals: gross (statement) or net. Fiat deposits: net,
/// or gross where the statement books the fee separately; a statement may
/// label fiat moves `Fiat Deposit` (fiat) or plain `Deposit`.
pub fn transfer_keys(t: &Transfer) -> (Vec<Category>, Vec<Dec>) {
    let plain = match t.direction {
        Direction::Deposit => Category::Deposit,
        Direction::Withdrawal => Category::Withdrawal,
    };
    let cats = if t.fiat {
        vec![Category::Fiat, plain]
    } else {
        vec![plain]
    };
    let amounts = match (t.direction, t.fiat) {
        (Direction::Deposit, false) => vec![t.amount],
        (Direction::Deposit, true) => vec![t.amount, t.amount + t.fee],
        (Direction::Withdrawal, _) => vec![-(t.amount + t.fee), -t.amount],
    };
    (cats, amounts)
}

/// Category of a conversion's legs, by channel.
pub fn conversion_category(channel: &str) -> Category {
    match channel {
        "dust" => Category::Dust,
        "buy-crypto" | "p2p" => Category::Fiat,
        _ => Category::Convert,
    }
}

/// The legs of a completed conversion: −from, +to, on its wallet; an
/// off-exchange side has none.
pub fn conversion_legs(c: &Conversion) -> Vec<LedgerRow> {
    let cat = conversion_category(&c.channel);
    let op = match c.channel.as_str() {
        "buy-crypto" => "Buy crypto (history)",
        "p2p" => "P2P order (history)",
        "dust" => "Dust conversion (history)",
        _ => "Convert (history)",
    };
    [(&c.from_asset, -c.from_qty), (&c.to_asset, c.to_qty)]
        .into_iter()
        .filter(|(asset, _)| c.offchain_asset.as_ref() != Some(*asset))
        .map(|(asset, change)| LedgerRow {
            origin: c.origin.clone(),
            time: c.time,
            wallet: c.wallet,
            operation: op.into(),
            category: cat,
            coin: *asset,
            change,
            remark: String::new(),
        })
        .collect()
}

/// Where the ledger rows of non-statement exports go.
#[derive(Debug, Default)]
pub struct Placed {
    /// Rows outside the statement span: added to the book.
    pub added: Vec<LedgerRow>,
    /// Rows inside it that found no statement row: (wallet, coin, origin).
    pub unmatched: Vec<(String, String, crate::analysis::UnmatchedRow)>,
}

/// Inside the statement span (`inside`), each row must match an unused
/// statement row of the same category, coin and change within ±60 min
/// (any wallet: interest may be booked to Spot); it is then counted once,
/// as the statement's. Outside the span the row itself is added.
pub fn place_history_rows(
    statement: &[LedgerRow],
    idx: &ByTime,
    used: &mut [bool],
    rows: &[LedgerRow],
    inside: impl Fn(TimeMs) -> bool,
) -> Placed {
    let mut out = Placed::default();
    let mut rows: Vec<&LedgerRow> = rows.iter().collect();
    rows.sort_by(|a, b| (a.time, &a.origin).cmp(&(b.time, &b.origin)));
    for r in rows {
        if !inside(r.time) {
            out.added.push(r.clone());
            continue;
        }
        let hit = idx
            .around(r.time, TRANSFER_TOLERANCE_MS)
            .map(|i| (i, &statement[i]))
            .filter(|(i, s)| {
                !used[*i]
                    && s.category == r.category
                    && s.coin == r.coin
                    && s.change == r.change
                    && (s.time - r.time).abs() <= TRANSFER_TOLERANCE_MS
            })
            .min_by_key(|(i, s)| ((s.time - r.time).abs(), *i))
            .map(|(i, _)| i);
        match hit {
            Some(i) => used[i] = true,
            None => out.unmatched.push((
                r.wallet.to_string(),
                r.coin.to_string(),
                crate::analysis::UnmatchedRow::of(r, "ledger", None),
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }
    fn origin(row: u32) -> Origin {
        Origin {
            file: "x.csv".into(),
            row,
        }
    }
    fn conv(channel: &str, offchain: Option<&str>) -> Conversion {
        Conversion {
            origin: origin(2),
            time: 0,
            wallet: "Funding".into(),
            from_asset: "VND".into(),
            from_qty: d("9355539"),
            to_asset: "USDT".into(),
            to_qty: d("386.91"),
            status: "Completed".into(),
            completed: true,
            channel: channel.into(),
            fee: None,
            fee_asset: None,
            offchain_asset: offchain.map(crate::sym::Sym::from),
        }
    }
    fn earn(row: u32, time: TimeMs, wallet: &str, change: &str) -> LedgerRow {
        LedgerRow {
            origin: origin(row),
            time,
            wallet: wallet.into(),
            operation: "Simple Earn Flexible Interest".into(),
            category: Category::Earn,
            coin: "BUSD".into(),
            change: d(change),
            remark: String::new(),
        }
    }

    #[test]
    fn p2p_moves_only_the_crypto_side() {
        let legs = conversion_legs(&conv("p2p", Some("VND")));
        assert_eq!(legs.len(), 1);
        assert_eq!(
            (legs[0].coin.as_str(), legs[0].change, legs[0].category),
            ("USDT", d("386.91"), Category::Fiat)
        );
        assert_eq!(legs[0].wallet, "Funding");
        // A buy-crypto conversion moves both sides.
        let both = conversion_legs(&conv("buy-crypto", None));
        let changes: Vec<Dec> = both.iter().map(|l| l.change).collect();
        assert_eq!(changes, vec![d("-9355539"), d("386.91")]);
        assert_eq!(
            conversion_legs(&conv("convert", None))[0].category,
            Category::Convert
        );
    }

    #[test]
    fn fiat_transfers_match_net_or_gross() {
        let t = Transfer {
            origin: origin(2),
            time: 0,
            direction: Direction::Deposit,
            coin: "EUR".into(),
            network: None,
            amount: d("998.2"),
            fee: d("1.8"),
            address: None,
            txid: None,
            memo: None,
            status: "Successful".into(),
            completed: true,
            fiat: true,
        };
        // Net 998.2, or gross 998.2 + 1.8 = 1000.
        let (cats, amounts) = transfer_keys(&t);
        assert_eq!(cats, vec![Category::Fiat, Category::Deposit]);
        assert_eq!(amounts, vec![d("998.2"), d("1000")]);
        assert_eq!(transfer_categories(&t), (Category::Fiat, Category::Fiat));
    }

    #[test]
    fn earn_rows_match_inside_the_span_and_are_added_outside() {
        let hour = 3_600_000;
        let statement = vec![earn(2, 10 * hour, "Spot", "0.00032876")];
        let mut used = vec![false];
        let rows = vec![
            // Same interest 5 min apart, booked to Earn in the history: matched.
            earn(2, 10 * hour + 300_000, "Earn", "0.00032876"),
            // Inside the span, no statement row of that amount: listed.
            earn(3, 10 * hour, "Earn", "0.5"),
            // After the statement ends: added.
            earn(4, 20 * hour, "Earn", "0.1"),
        ];
        let idx = ByTime::new(&statement);
        let placed = place_history_rows(&statement, &idx, &mut used, &rows, |t| t <= 12 * hour);
        assert!(used[0]);
        assert_eq!(placed.added.len(), 1);
        assert_eq!(placed.added[0].change, d("0.1"));
        assert_eq!(
            placed.unmatched,
            vec![(
                "Earn".into(),
                "BUSD".into(),
                crate::analysis::UnmatchedRow {
                    origin: origin(3),
                    table: "ledger",
                    time: 10 * hour,
                    leg: None,
                    change: d("0.5"),
                }
            )]
        );
    }
}
