//! Convert history (v1, v2, v3) → conversions. Only successful rows move
//! funds; the others are kept with `completed = false`. Amounts are
//! `qty ASSET`, or glued (`1.00000000ETH`) in some v3 files: a glued asset is
//! split off with the pair's own assets, so `5.11INCH` in `1INCHUSDT` is
//! 5.1 1INCH.

use super::file::{CellResult, FileCtx};
use super::operations::wallet;
use super::transfers::completed;
use crate::error::Error;
use crate::ingest::layouts::field as f;
use crate::model::Conversion;

pub fn normalize(ctx: &mut FileCtx) -> Result<(), Error> {
    for r in 0..ctx.grid.rows.len() {
        match row(ctx, r) {
            Ok(c) => ctx.rows.conversions.push(c),
            Err(e) => ctx.reject(r, e)?,
        }
    }
    Ok(())
}

/// Every way to cut a pair in two (`ETHBNB` → `E`, `THBNB`, `ET`, `HBNB`, …):
/// the assets a glued amount of that pair can end with.
pub fn pair_parts(pair: &str) -> Vec<&str> {
    let pair = pair.trim();
    let mut v = Vec::new();
    for k in 1..pair.len() {
        if pair.is_char_boundary(k) {
            v.push(&pair[..k]);
            v.push(&pair[k..]);
        }
    }
    v
}

fn row(ctx: &FileCtx, r: usize) -> CellResult<Conversion> {
    let parts = pair_parts(ctx.cell(r, f::PAIR));
    let (from_qty, from_asset) = ctx.suffixed(r, f::SELL, &parts)?;
    let (to_qty, to_asset) = ctx.suffixed(r, f::BUY, &parts)?;
    let status = ctx.cell(r, f::STATUS).to_string();
    Ok(Conversion {
        origin: ctx.origin(r),
        time: ctx.time(r)?,
        wallet: wallet(ctx.cell(r, f::WALLET)).into(),
        from_asset: from_asset.to_uppercase().into(),
        from_qty,
        to_asset: to_asset.to_uppercase().into(),
        to_qty,
        completed: completed(&status),
        status,
        channel: "convert".into(),
        fee: None,
        fee_asset: None,
        offchain_asset: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decimal::Dec;
    use crate::normalize::amount::{split_suffixed, NumStyle};

    #[test]
    fn glued_amounts_split_with_the_pair() {
        let s = NumStyle::default();
        let d = |x: &str| Dec::parse(x).unwrap();
        assert_eq!(
            split_suffixed("1.00000000ETH", &pair_parts("ETHBNB"), s).unwrap(),
            (d("1"), "ETH".into())
        );
        // A digit-leading ticker: 5.1 of 1INCH, not 5.11 of INCH.
        assert_eq!(
            split_suffixed("5.11INCH", &pair_parts("1INCHUSDT"), s).unwrap(),
            (d("5.1"), "1INCH".into())
        );
        // The longer asset wins over its prefix (ETHW, not ETH + W).
        assert_eq!(
            split_suffixed("17.11711731ETHW", &pair_parts("ETHWUSDT"), s).unwrap(),
            (d("17.11711731"), "ETHW".into())
        );
        assert_eq!(pair_parts("AB"), vec!["A", "B"]);
    }
}
