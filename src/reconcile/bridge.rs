//! The bridge per (wallet, asset): exact sums by category (a polars
//! group-by over `Decimal(38, 18)`), the running balance and where it first
//! goes negative, and the rows that found no counterpart.

use super::book::Book;
use crate::analysis::ReconRow;
use crate::decimal::Dec;
use crate::error::Error;
use crate::model::{Category, TimeMs};
use polars::prelude::*;
use std::collections::BTreeMap;

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
    let wallet: Vec<&str> = book.rows.iter().map(|r| r.wallet.as_str()).collect();
    let coin: Vec<&str> = book.rows.iter().map(|r| r.coin.as_str()).collect();
    let cat: Vec<&str> = book.rows.iter().map(|r| r.category.as_str()).collect();
    let raw: Vec<i128> = book.rows.iter().map(|r| r.change.raw()).collect();
    let change = Int128Chunked::from_vec("change".into(), raw)
        .into_decimal(38, crate::decimal::SCALE as usize)?
        .into_series();
    let df = DataFrame::new(
        book.rows.len(),
        vec![
            Column::new("wallet".into(), wallet),
            Column::new("coin".into(), coin),
            Column::new("category".into(), cat),
            change.into(),
        ],
    )?;
    let out = df
        .lazy()
        .group_by([col("wallet"), col("coin"), col("category")])
        .agg([col("change").sum()])
        .sort(
            ["wallet", "coin", "category"],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let w = out.column("wallet")?.str()?;
    let c = out.column("coin")?.str()?;
    let k = out.column("category")?.str()?;
    let s = out.column("change")?.decimal()?;
    let scale = s.scale();
    let mut res = Vec::with_capacity(out.height());
    for i in 0..out.height() {
        let (Some(w), Some(c), Some(k)) = (w.get(i), c.get(i), k.get(i)) else {
            continue;
        };
        let v = s.physical().get(i).unwrap_or(0);
        let v = rescale(v, scale)?;
        let cat = Category::parse(k).unwrap_or(Category::Unclassified);
        res.push(((w.to_string(), c.to_string(), cat), v));
    }
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
/// zero, applying inflows before outflows within one timestamp.
fn first_negative(book: &Book) -> BTreeMap<(String, String), TimeMs> {
    let mut idx: Vec<usize> = (0..book.rows.len()).collect();
    idx.sort_by(|&a, &b| {
        let (ra, rb) = (&book.rows[a], &book.rows[b]);
        (ra.time, std::cmp::Reverse(ra.change), &ra.origin).cmp(&(
            rb.time,
            std::cmp::Reverse(rb.change),
            &rb.origin,
        ))
    });
    let mut bal: BTreeMap<(String, String), Dec> = BTreeMap::new();
    let mut first: BTreeMap<(String, String), TimeMs> = BTreeMap::new();
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
