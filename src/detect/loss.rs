//! Loss estimate of the medium/high incidents.
//!
//! What: per quote asset, the quote spent buying the incident's target
//! symbols (those value was poured into) within the incident window, minus
//! the quote recovered by selling them from the window's start on (never
//! below zero per symbol: more recovered than spent means the sales came
//! from earlier holdings, not a gain of the incident); plus
//! every coin (amount + fee) withdrawn by a sweep joined to the incident.
//! A target position still held is listed as unpriced (no market data).
//! Each part is converted to the reference asset (USDT) only through the
//! account's own fills: the fill of ASSET/USDT nearest to the incident's
//! start within ±24 h; the method sentence says which fills were used.
//! Exact decimals throughout; converted amounts are rounded to 8 places.

use super::ctx::Ctx;
use super::finding::{Incident, LossEstimate, Severity};
use super::util::{amt, Flagged};
use crate::decimal::Dec;
use crate::model::{Fill, Side, TimeMs};
use crate::sym::Sym;
use crate::timefmt::human;
use std::collections::{BTreeMap, BTreeSet};

/// The account's own fill of `asset`/`reference` nearest to `t` within `window` ms.
fn nearest_price<'a>(
    fills: &'a [Fill],
    asset: &str,
    reference: &str,
    t: TimeMs,
    window: i64,
) -> Option<&'a Fill> {
    fills
        .iter()
        .filter(|f| f.base == asset && f.quote == reference && (f.time - t).abs() <= window)
        .min_by(|a, b| {
            ((a.time - t).abs(), a.time, &a.origin).cmp(&((b.time - t).abs(), b.time, &b.origin))
        })
}

pub fn estimate(ctx: &Ctx, found: &[Flagged], incidents: &[Incident]) -> LossEstimate {
    let cfg = &ctx.cfg.loss;
    let fills = &ctx.account.fills;
    let reference = cfg.reference_asset.as_str();
    let window = i64::from(cfg.price_window_s) * 1000;
    let mut by_asset: BTreeMap<String, Dec> = BTreeMap::new();
    let mut ref_total = Dec::ZERO;
    let mut priced_all = true;
    let mut parts_txt: Vec<String> = Vec::new();
    let mut price_txt: BTreeSet<String> = BTreeSet::new();
    let mut unpriced: Vec<String> = Vec::new();
    let mut any = false;
    for inc in incidents.iter().filter(|i| i.severity >= Severity::Medium) {
        let members: Vec<&Flagged> = found
            .iter()
            .filter(|f| inc.findings.contains(&f.finding.id))
            .collect();
        let targets: BTreeSet<&str> = members
            .iter()
            .flat_map(|f| f.targets.iter().map(|s| s.as_str()))
            .collect();
        let mut inc_parts: BTreeMap<String, Dec> = BTreeMap::new();
        for sym in &targets {
            let (mut spent, mut recovered, mut bought, mut sold) =
                (Dec::ZERO, Dec::ZERO, Dec::ZERO, Dec::ZERO);
            let (mut base, mut quote) = (Sym::default(), Sym::default());
            for f in fills
                .iter()
                .filter(|f| f.symbol == *sym && f.time >= inc.start)
            {
                base = f.base;
                quote = f.quote;
                match f.side {
                    Side::Buy if f.time <= inc.end => {
                        spent += f.quote_qty;
                        // what arrived: a fee charged in the base asset is
                        // taken from the bought quantity
                        bought += match (f.fee, f.fee_asset.as_deref()) {
                            (Some(fee), Some(a)) if a == f.base => f.qty - fee,
                            _ => f.qty,
                        };
                    }
                    Side::Buy => {}
                    Side::Sell => {
                        recovered += super::liquidate_concentrate::net_quote_received(f);
                        sold += f.qty;
                    }
                }
            }
            if quote.is_empty() {
                continue;
            }
            // a symbol that returned more than was spent on it in the
            // window was sold from earlier holdings: no loss, and no gain
            // to offset the others with
            *inc_parts.entry(quote.to_string()).or_insert(Dec::ZERO) +=
                (spent - recovered).max(Dec::ZERO);
            parts_txt.push(format!(
                "{}: {} {quote} spent buying {sym} minus {} {quote} recovered selling it",
                inc.id,
                amt(spent),
                amt(recovered)
            ));
            let held = bought - sold;
            if held.is_positive() {
                unpriced.push(format!(
                    "{} {base} bought in {} still held",
                    amt(held),
                    inc.id
                ));
            }
        }
        for f in members.iter().filter(|f| f.sweep) {
            if let Some((coin, v)) = &f.finding.value {
                *inc_parts.entry(coin.clone()).or_insert(Dec::ZERO) += *v;
                parts_txt.push(format!(
                    "{}: {} {coin} withdrawn by {}",
                    inc.id,
                    amt(*v),
                    f.finding.id
                ));
            }
        }
        for (asset, v) in inc_parts {
            if v.is_zero() {
                continue;
            }
            any = true;
            *by_asset.entry(asset.clone()).or_insert(Dec::ZERO) += v;
            if asset == reference {
                ref_total += v;
            } else if let Some(p) = nearest_price(fills, &asset, reference, inc.start, window) {
                ref_total += v.mul_round(p.price);
                price_txt.insert(format!(
                    "{} at {} {reference} ({})",
                    p.symbol,
                    p.price,
                    human(p.time)
                ));
            } else if let Some(p) =
                super::prices::nearest(&ctx.cfg.prices, &asset, inc.start, window)
            {
                ref_total += v.mul_round(p.price);
                price_txt.insert(format!(
                    "{asset} at {} {reference} from the price file (line {}, {})",
                    p.price,
                    p.row,
                    human(p.time)
                ));
            } else {
                priced_all = false;
                price_txt.insert(format!(
                    "no {asset}/{reference} fill within {} h of {}",
                    cfg.price_window_s / 3600,
                    inc.id
                ));
            }
        }
    }
    by_asset.retain(|_, v| !v.is_zero());
    if !any {
        return LossEstimate {
            by_asset: Vec::new(),
            reference: None,
            method: "No loss estimated: no medium or high incident moved value.".to_string(),
        };
    }
    let mut method = format!(
        "Per asset: quote spent in the flagged windows buying the target symbols minus quote \
         recovered by selling them, plus coins swept out ({}).",
        parts_txt.join("; ")
    );
    if !price_txt.is_empty() {
        method.push_str(&format!(
            " Converted to {reference} with the account's own nearest fills (else the --prices file) within ±{} h: {}.",
            cfg.price_window_s / 3600,
            price_txt.into_iter().collect::<Vec<_>>().join("; ")
        ));
    }
    if !priced_all {
        method.push_str(&format!(
            " No {reference} total: not every asset could be priced."
        ));
    }
    if !unpriced.is_empty() {
        method.push_str(&format!(
            " Not counted (unpriced, no market data): {}.",
            unpriced.join("; ")
        ));
    }
    LossEstimate {
        by_asset: by_asset.into_iter().collect(),
        reference: priced_all.then(|| (reference.to_string(), ref_total.round_dp(8))),
        method,
    }
}
