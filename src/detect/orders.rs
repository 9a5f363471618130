//! The order list the activity detectors count, with per-order fill stats.
//!
//! What: the order history where present (cancelled orders included, since a
//! burst of placed-and-cancelled orders is still a burst), plus orders
//! rebuilt from fills the history does not cover; with no order history,
//! orders rebuilt from fills: fills sharing an order id are one order, else
//! fills of the same symbol, side and second are one order (a market order's
//! fills share its timestamp, so consecutive market orders one second apart
//! stay separate).
//! Why: counting fills would make one market order that eats ten price
//! levels look like ten orders (DETECTORS.md, "Preparation").
//! Per order: fill count, first/last/VWAP price, sweep = (max − min) / min
//! fill price, quote spent (buy) or received (sell), exact decimals.

use super::util::{fill_evidence, order_evidence};
use crate::decimal::Dec;
use crate::detect::finding::Evidence;
use crate::model::{Account, Fill, Origin, Side, TimeMs};
use std::collections::{BTreeMap, BTreeSet};

/// One order with its fill statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderView {
    /// Placement time (history) or first fill time (rebuilt).
    pub time: TimeMs,
    pub last_time: TimeMs,
    pub symbol: String,
    pub base: String,
    pub quote: String,
    pub side: Side,
    pub order_id: Option<String>,
    /// Normalized status; `FILLED` for rebuilt orders.
    pub status: String,
    /// Index into `account.orders` when the order comes from the history.
    pub history: Option<usize>,
    pub origin: Origin,
    /// Indices into `account.fills`, in time order.
    pub fills: Vec<usize>,
    pub fill_count: usize,
    pub first_price: Option<Dec>,
    pub last_price: Option<Dec>,
    pub vwap: Option<Dec>,
    pub min_price: Option<Dec>,
    pub max_price: Option<Dec>,
    /// (max − min) / min fill price; `None` without fills.
    pub sweep: Option<Dec>,
    /// Executed base quantity.
    pub qty: Dec,
    pub quote_spent: Dec,
    pub quote_received: Dec,
    /// Whether all fills share one timestamp.
    pub one_timestamp: bool,
}

impl OrderView {
    /// The rows this order rests on: the order-history row, else its fills.
    pub fn evidence(&self, account: &Account) -> Vec<Evidence> {
        if let Some(o) = self.history.and_then(|i| account.orders.get(i)) {
            return vec![order_evidence(o)];
        }
        self.fills
            .iter()
            .filter_map(|&i| account.fills.get(i))
            .map(fill_evidence)
            .collect()
    }
}

/// Orders for the activity detectors (see the module doc), in time order.
pub fn activity_orders(account: &Account) -> Vec<OrderView> {
    if account.orders.is_empty() {
        let all: Vec<usize> = (0..account.fills.len()).collect();
        return rebuild(&account.fills, &all);
    }
    let mut by_id: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, f) in account.fills.iter().enumerate() {
        if let Some(id) = f.order_id.as_deref() {
            by_id.entry((f.symbol.as_str(), id)).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let (mut lo, mut hi) = (TimeMs::MAX, TimeMs::MIN);
    for (oi, o) in account.orders.iter().enumerate() {
        lo = lo.min(o.time);
        hi = hi.max(o.update_time.unwrap_or(o.time).max(o.time));
        let matched = o
            .order_id
            .as_deref()
            .and_then(|id| by_id.get(&(o.symbol.as_str(), id)))
            .cloned()
            .unwrap_or_default();
        used.extend(matched.iter().copied());
        let mut v = if matched.is_empty() {
            from_order_row(account, oi)
        } else {
            from_fills(&account.fills, matched, o.time)
        };
        v.history = Some(oi);
        v.origin = o.origin.clone();
        v.time = o.time.min(v.time);
        v.order_id = o.order_id.clone();
        v.status = o.status.clone();
        out.push(v);
    }
    let hist_ids: BTreeSet<(&str, &str)> = account
        .orders
        .iter()
        .filter_map(|o| o.order_id.as_deref().map(|id| (o.symbol.as_str(), id)))
        .collect();
    // Fills the history does not cover: another order id, or no id and
    // outside the history's time span.
    let rest: Vec<usize> = account
        .fills
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            !used.contains(i)
                && match f.order_id.as_deref() {
                    Some(id) => !hist_ids.contains(&(f.symbol.as_str(), id)),
                    None => f.time < lo || f.time > hi,
                }
        })
        .map(|(i, _)| i)
        .collect();
    out.extend(rebuild(&account.fills, &rest));
    sort_orders(&mut out);
    out
}

/// Orders rebuilt from the given fills (indices into `fills`), in time order.
pub fn rebuild(fills: &[Fill], idx: &[usize]) -> Vec<OrderView> {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Key<'a> {
        Id(&'a str, &'a str),
        Sec(&'a str, Side, i64),
    }
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for &i in idx {
        let Some(f) = fills.get(i) else { continue };
        let key = match f.order_id.as_deref() {
            Some(id) if !id.is_empty() => Key::Id(&f.symbol, id),
            _ => Key::Sec(&f.symbol, f.side, f.time.div_euclid(1000)),
        };
        groups.entry(key).or_default().push(i);
    }
    let mut out: Vec<OrderView> = groups
        .into_values()
        .map(|g| from_fills(fills, g, TimeMs::MAX))
        .collect();
    sort_orders(&mut out);
    out
}

fn sort_orders(v: &mut [OrderView]) {
    v.sort_by(|a, b| {
        (a.time, &a.origin, &a.symbol, a.side).cmp(&(b.time, &b.origin, &b.symbol, b.side))
    });
}

/// Order statistics from a non-empty group of fills.
fn from_fills(fills: &[Fill], mut idx: Vec<usize>, placed: TimeMs) -> OrderView {
    idx.sort_by(|&a, &b| (fills[a].time, &fills[a].origin).cmp(&(fills[b].time, &fills[b].origin)));
    let first = &fills[idx[0]];
    let last = &fills[idx[idx.len() - 1]];
    let qty: Dec = idx.iter().map(|&i| fills[i].qty).sum();
    let quote: Dec = idx.iter().map(|&i| fills[i].quote_qty).sum();
    let min = idx.iter().map(|&i| fills[i].price).min();
    let max = idx.iter().map(|&i| fills[i].price).max();
    let sweep = match (min, max) {
        (Some(lo), Some(hi)) if lo.is_positive() => (hi - lo).div_round(lo),
        _ => None,
    };
    let (spent, received) = match first.side {
        Side::Buy => (quote, Dec::ZERO),
        Side::Sell => (Dec::ZERO, quote),
    };
    OrderView {
        time: first.time.min(placed),
        last_time: last.time,
        symbol: first.symbol.to_string(),
        base: first.base.to_string(),
        quote: first.quote.to_string(),
        side: first.side,
        order_id: first.order_id.clone(),
        status: "FILLED".to_string(),
        history: None,
        origin: first.origin.clone(),
        fill_count: idx.len(),
        one_timestamp: idx.iter().all(|&i| fills[i].time == first.time),
        first_price: Some(first.price),
        last_price: Some(last.price),
        vwap: quote.div_round(qty),
        min_price: min,
        max_price: max,
        sweep,
        qty,
        quote_spent: spent,
        quote_received: received,
        fills: idx,
    }
}

/// Order statistics from the order-history row alone (no fills matched).
fn from_order_row(account: &Account, oi: usize) -> OrderView {
    let o = &account.orders[oi];
    let qty = o.executed_qty;
    let vwap = o
        .avg_price
        .filter(|p| p.is_positive())
        .or_else(|| o.quote_total.and_then(|q| q.div_round(qty)));
    let quote = o
        .quote_total
        .or_else(|| vwap.map(|p| p.mul_round(qty)))
        .unwrap_or(Dec::ZERO);
    let executed = qty.is_positive();
    let (spent, received) = match o.side {
        Side::Buy => (quote, Dec::ZERO),
        Side::Sell => (Dec::ZERO, quote),
    };
    let price = if executed { vwap } else { None };
    OrderView {
        time: o.time,
        last_time: o.update_time.unwrap_or(o.time).max(o.time),
        symbol: o.symbol.to_string(),
        base: o.base.to_string(),
        quote: o.quote.to_string(),
        side: o.side,
        order_id: o.order_id.clone(),
        status: o.status.clone(),
        history: Some(oi),
        origin: o.origin.clone(),
        fills: Vec::new(),
        fill_count: usize::from(executed),
        first_price: price,
        last_price: price,
        vwap: price,
        min_price: price,
        max_price: price,
        sweep: None,
        qty,
        quote_spent: spent,
        quote_received: received,
        one_timestamp: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::testkit::{d, t, AccountBuilder};

    #[test]
    fn rebuilds_by_second_and_by_order_id() {
        let a = AccountBuilder::new("a")
            // one market order: three fills in the same second
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1.00", "10")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1.02", "10")
            .fill(t(0, 10, 0, 0), "XYZ/USDT", "BUY", "1.05", "20")
            // next second: a separate order
            .fill(t(0, 10, 0, 1), "XYZ/USDT", "BUY", "1.10", "5")
            // order id spanning two seconds: one order
            .fill_id(t(0, 11, 0, 0), "ETH/USDT", "SELL", "100", "1", Some("77"))
            .fill_id(t(0, 11, 0, 3), "ETH/USDT", "SELL", "99", "1", Some("77"))
            .build();
        let o = activity_orders(&a);
        assert_eq!(o.len(), 3);
        let m = &o[0];
        assert_eq!(m.fill_count, 3);
        // quote = 10 + 10.2 + 21 = 41.2 over 40 XYZ: VWAP 1.03
        assert_eq!(m.quote_spent, d("41.2"));
        assert_eq!(m.vwap, Some(d("1.03")));
        // sweep = (1.05 - 1.00) / 1.00 = 0.05
        assert_eq!(m.sweep, Some(d("0.05")));
        assert_eq!(m.first_price, Some(d("1.00")));
        assert_eq!(m.last_price, Some(d("1.05")));
        assert!(m.one_timestamp);
        assert_eq!(o[1].fill_count, 1);
        let e = &o[2];
        assert_eq!((e.fill_count, e.quote_received), (2, d("199")));
        assert!(!e.one_timestamp);
        assert_eq!(e.evidence(&a).len(), 2);
    }

    #[test]
    fn history_orders_count_cancelled_and_uncovered_fills() {
        let a = AccountBuilder::new("a")
            .order(t(1, 0, 0, 0), "BTC/USDT", "BUY", "CANCELED", "0")
            .order(t(1, 0, 0, 5), "BTC/USDT", "BUY", "FILLED", "0.1")
            // inside the history span, no id: covered by the history
            .fill(t(1, 0, 0, 5), "BTC/USDT", "BUY", "100", "0.1")
            // outside the span: rebuilt
            .fill(t(5, 0, 0, 0), "BTC/USDT", "SELL", "110", "0.1")
            .build();
        let o = activity_orders(&a);
        assert_eq!(o.len(), 3);
        assert_eq!(o[0].status, "CANCELED");
        assert_eq!(o[0].fill_count, 0);
        assert_eq!(o[1].history, Some(1));
        assert_eq!(o[2].history, None);
        assert_eq!(o[2].quote_received, d("11"));
    }

    #[test]
    fn empty_input_gives_no_orders() {
        let a = AccountBuilder::new("a").build();
        assert!(activity_orders(&a).is_empty());
    }
}
