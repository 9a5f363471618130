//! The bridge per (wallet, asset): exact sums by category (a polars
//! group-by over `Decimal(38, 18)`), the running balance and where it first
//! goes negative, and the rows that found no counterpart.

use super::book::Book;
use crate::analysis::ReconRow;
use crate::decimal::Dec;
use crate::error::Error;
use crate::model::{Category, TimeMs};
use crate::sym::{FnvBuild, Sym};
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Sum the book into one row per (wallet, asset).
pub fn bridge(account: &str, book: &Book) -> Result<Vec<ReconRow>, Error> {
    let sums = category_sums(book)?;
    let negatives = first_negative(book);
    let mut rows: BTreeMap<(String, String), ReconRow> = BTreeMap::new();
    for ((wallet, coin, cat), sum) in sums {
        let r = rows
            .entry((wallet.clone(), coin.clone()))
            .or_insert_with(|| ReconRow {
                account: account.to_string(),
                wallet: wallet.clone(),
                asset: coin.clone(),
                opening: None,
                net_change: Dec::ZERO,
                by_category: BTreeMap::new(),
                expected_closing: None,
                observed_closing: None,
                residual: None,
                first_negative_at: negatives.get(&(wallet.clone(), coin.clone())).copied(),
                unmatched_rows: Vec::new(),
            });
        r.net_change += sum;
        if !sum.is_zero() {
            *r.by_category.entry(cat).or_insert(Dec::ZERO) += sum;
        }
    }
    for (wallet, coin, origin) in &book.unmatched {
        let r = rows
            .entry((wallet.clone(), coin.clone()))
            .or_insert_with(|| ReconRow {
                account: account.to_string(),
                wallet: wallet.clone(),
                asset: coin.clone(),
                opening: None,
                net_change: Dec::ZERO,
                by_category: BTreeMap::new(),
                expected_closing: None,
                observed_closing: None,
                residual: None,
                first_negative_at: None,
                unmatched_rows: Vec::new(),
            });
        r.unmatched_rows.push(origin.clone());
    }
    for r in rows.values_mut() {
        // Opening unknown: zero at the first export row; expected closing = net change.
        r.expected_closing = Some(r.net_change);
        r.unmatched_rows.sort();
    }
    Ok(rows.into_values().collect())
}

/// Exact Σ change per (wallet, coin, category), computed by polars.
/// (wallet, coin, category) → exact sum.
type CategorySums = Vec<((String, String, Category), Dec)>;

fn category_sums(book: &Book) -> Result<CategorySums, Error> {
    if book.rows.is_empty() {
        return Ok(Vec::new());
    }
    // (wallet, coin) as a dense number, so that polars groups integers,
    // not strings; the sums themselves are polars' exact Decimal sums.
    let mut pair_ids: HashMap<(Sym, Sym), u32, FnvBuild> = HashMap::default();
    let mut pairs: Vec<(Sym, Sym)> = Vec::new();
    let mut pair: Vec<u32> = Vec::with_capacity(book.rows.len());
    for r in &book.rows {
        let next = pairs.len() as u32;
        let id = *pair_ids.entry((r.wallet, r.coin)).or_insert_with(|| {
            pairs.push((r.wallet, r.coin));
            next
        });
        pair.push(id);
    }
    let cat: Vec<u32> = book.rows.iter().map(|r| r.category as u32).collect();
    let raw: Vec<i128> = book.rows.iter().map(|r| r.change.raw()).collect();
    let change = Int128Chunked::from_vec("change".into(), raw)
        .into_decimal(38, crate::decimal::SCALE as usize)?
        .into_series();
    let df = DataFrame::new(
        book.rows.len(),
        vec![
            Column::new("pair".into(), pair),
            Column::new("category".into(), cat),
            change.into(),
        ],
    )?;
    let out = df
        .lazy()
        .group_by([col("pair"), col("category")])
        .agg([col("change").sum()])
        .collect()?;
    let p = out.column("pair")?.u32()?;
    let k = out.column("category")?.u32()?;
    let s = out.column("change")?.decimal()?;
    let scale = s.scale();
    let mut res = Vec::with_capacity(out.height());
    for i in 0..out.height() {
        let (Some(p), Some(k)) = (p.get(i), k.get(i)) else {
            continue;
        };
        let (w, c) = pairs[p as usize];
        let v = rescale(s.physical().get(i).unwrap_or(0), scale)?;
        let cat = Category::ALL
            .get(k as usize)
            .copied()
            .unwrap_or(Category::Unclassified);
        res.push(((w.to_string(), c.to_string(), cat), v));
    }
    // The order of wallet, coin, then category name (as sorted strings).
    res.sort_by(|a, b| {
        (&a.0 .0, &a.0 .1, a.0 .2.as_str()).cmp(&(&b.0 .0, &b.0 .1, b.0 .2.as_str()))
    });
    Ok(res)
}

fn rescale(v: i128, scale: usize) -> Result<Dec, Error> {
    let target = crate::decimal::SCALE as usize;
    if scale == target {
        return Ok(Dec::from_raw(v));
    }
    if scale < target {
        let m = 10i128.pow((target - scale) as u32);
        return v
            .checked_mul(m)
            .map(Dec::from_raw)
            .ok_or_else(|| Error::Internal("decimal overflow".into()));
    }
    Err(Error::Internal(format!("unexpected decimal scale {scale}")))
}

/// Time at which each (wallet, coin) running balance first drops below
/// zero, applying inflows before outflows within one timestamp. With
/// inflows first, the balance inside one timestamp rises, then falls: its
/// lowest point is the timestamp's end, so the first negative time is the
/// first timestamp whose closing running balance is negative.
fn first_negative(book: &Book) -> BTreeMap<(String, String), TimeMs> {
    let mut first = BTreeMap::new();
    for (key, s) in super::running::running(&book.rows) {
        let n = s.times.len();
        let end_negative =
            |i: usize| (i + 1 == n || s.times[i + 1] != s.times[i]) && s.prefix[i].is_negative();
        if let Some(i) = (0..n).find(|&i| end_negative(i)) {
            first.insert(key, s.times[i]);
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::test_rows::ledger;

    #[test]
    fn inflows_come_first_within_one_timestamp() {
        let d = Category::Deposit;
        let rows = vec![
            // t=10: −5 and +10 at once: never below zero (inflow first).
            ledger("Spot", "BTC", 10, d, "-5"),
            ledger("Spot", "BTC", 10, d, "10"),
            // t=20: −6 leaves −1.
            ledger("Spot", "BTC", 20, d, "-6"),
            ledger("Spot", "BTC", 30, d, "-1"),
            // ETH: +1, then −1 and −1 at t=7 (negative at 7), back up at 8.
            ledger("Spot", "ETH", 5, d, "1"),
            ledger("Spot", "ETH", 7, d, "-1"),
            ledger("Spot", "ETH", 7, d, "-1"),
            ledger("Spot", "ETH", 8, d, "5"),
            // USDT never negative.
            ledger("Funding", "USDT", 1, d, "2"),
            ledger("Funding", "USDT", 2, d, "-2"),
        ];
        let book = Book {
            rows,
            ..Book::default()
        };
        let got = first_negative(&book);
        assert_eq!(got, by_sorting(&book));
        let want: BTreeMap<(String, String), TimeMs> = [
            (("Spot".to_string(), "BTC".to_string()), 20),
            (("Spot".to_string(), "ETH".to_string()), 7),
        ]
        .into_iter()
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_category_as_a_number_is_its_place_in_all() {
        for (i, c) in Category::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i, "{c:?}");
        }
    }

    /// The definition, step by step: every row in (time, inflows first)
    /// order, the first time each running balance is negative.
    fn by_sorting(book: &Book) -> BTreeMap<(String, String), TimeMs> {
        let mut idx: Vec<usize> = (0..book.rows.len()).collect();
        idx.sort_by_key(|&i| (book.rows[i].time, std::cmp::Reverse(book.rows[i].change)));
        let mut bal: BTreeMap<(String, String), Dec> = BTreeMap::new();
        let mut first = BTreeMap::new();
        for i in idx {
            let r = &book.rows[i];
            let key = (r.wallet.to_string(), r.coin.to_string());
            let b = bal.entry(key.clone()).or_insert(Dec::ZERO);
            *b += r.change;
            if b.is_negative() {
                first.entry(key).or_insert(r.time);
            }
        }
        first
    }

    #[test]
    fn agrees_with_the_definition_on_random_books() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..200 {
            let rows = (0..40)
                .map(|_| {
                    let coin = ["BTC", "ETH", "BNB"][next(3) as usize];
                    let change = format!("{}", next(21) as i64 - 9);
                    ledger("Spot", coin, next(12) as TimeMs, Category::Deposit, &change)
                })
                .collect();
            let book = Book {
                rows,
                ..Book::default()
            };
            assert_eq!(first_negative(&book), by_sorting(&book));
        }
    }
}
