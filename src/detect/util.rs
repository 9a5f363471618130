//! Helpers shared by the detectors: the internal `Flagged` wrapper, evidence
//! rows built from canonical rows, the median, and deterministic number
//! formatting for explanation sentences.

use super::finding::{Evidence, Finding, Severity, Statistic, Table};
use crate::decimal::Dec;
use crate::model::{Fill, Order, Transfer};

/// A finding plus what the incident and loss logic needs to know about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Flagged {
    pub finding: Finding,
    /// Symbols into which value was transferred (bought at stake).
    pub targets: Vec<String>,
    /// A withdrawal that took (nearly) all of a coin: counts towards the loss.
    pub sweep: bool,
}

/// A finding with everything but the id (assigned once all are known).
#[allow(clippy::too_many_arguments)]
pub fn finding(
    detector: &str,
    severity: Severity,
    account: &str,
    evidence: Vec<Evidence>,
    value: Option<(String, Dec)>,
    statistic: Option<Statistic>,
    explanation: String,
) -> Finding {
    let mut evidence = evidence;
    // (time, file, row), then the rest for a total order
    evidence.sort_by(|a, b| {
        (a.time, &a.origin)
            .cmp(&(b.time, &b.origin))
            .then_with(|| a.cmp(b))
    });
    evidence.dedup();
    let start = evidence.first().map(|e| e.time).unwrap_or(0);
    let end = evidence.iter().map(|e| e.time).max().unwrap_or(start);
    let mut symbols: Vec<String> = evidence.iter().filter_map(|e| e.symbol.clone()).collect();
    symbols.sort();
    symbols.dedup();
    let mut addresses: Vec<String> = evidence.iter().filter_map(|e| e.address.clone()).collect();
    addresses.sort();
    addresses.dedup();
    let mut txids: Vec<String> = evidence.iter().filter_map(|e| e.txid.clone()).collect();
    txids.sort();
    txids.dedup();
    Finding {
        id: String::new(),
        detector: detector.to_string(),
        severity,
        account: account.to_string(),
        start,
        end,
        symbols,
        assets: Vec::new(),
        addresses,
        txids,
        value,
        statistic,
        evidence,
        explanation,
    }
}

/// A statistic with finite floats only (non-finite becomes `None`).
pub fn stat(name: &str, value: f64, threshold: Option<f64>, p: Option<f64>) -> Statistic {
    let fin = |v: f64| if v.is_finite() { Some(v) } else { None };
    Statistic {
        name: name.to_string(),
        value: fin(value),
        threshold: threshold.and_then(fin),
        p_value: p.and_then(fin),
    }
}

pub fn fill_evidence(f: &Fill) -> Evidence {
    Evidence {
        origin: f.origin.clone(),
        table: Table::Fills,
        time: f.time,
        symbol: Some(f.symbol.to_string()),
        side: Some(f.side.as_str().to_string()),
        price: Some(f.price),
        qty: Some(f.qty),
        asset: None,
        order_id: f.order_id.clone(),
        trade_id: f.trade_id.clone(),
        txid: None,
        address: None,
    }
}

pub fn order_evidence(o: &Order) -> Evidence {
    Evidence {
        origin: o.origin.clone(),
        table: Table::Orders,
        time: o.time,
        symbol: Some(o.symbol.to_string()),
        side: Some(o.side.as_str().to_string()),
        price: o.avg_price.or(o.price),
        qty: Some(o.executed_qty),
        asset: None,
        order_id: o.order_id.clone(),
        trade_id: None,
        txid: None,
        address: None,
    }
}

pub fn transfer_evidence(t: &Transfer) -> Evidence {
    let side = match t.direction {
        crate::model::Direction::Deposit => "deposit",
        crate::model::Direction::Withdrawal => "withdrawal",
    };
    Evidence {
        origin: t.origin.clone(),
        table: Table::Transfers,
        time: t.time,
        symbol: None,
        side: Some(side.to_string()),
        price: None,
        qty: Some(t.amount),
        asset: Some(t.coin.to_string()),
        order_id: None,
        trade_id: None,
        txid: t.txid.clone().filter(|s| !s.is_empty()),
        address: t.address.clone().filter(|s| !s.is_empty()),
    }
}

/// Median of exact decimals (mean of the two middle values for an even count).
pub fn median(values: &[Dec]) -> Option<Dec> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort();
    let n = v.len();
    if n % 2 == 1 {
        Some(v[n / 2])
    } else {
        (v[n / 2 - 1] + v[n / 2]).div_round(Dec::from_int(2))
    }
}

/// Median of floats in a total order (NaN never occurs in our shares).
pub fn median_f64(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// A config ratio as an exact decimal (rounded to 12 places, so 0.2 is 0.2).
pub fn ratio_dec(v: f64) -> Dec {
    Dec::from_f64(v).unwrap_or(Dec::ZERO).round_dp(12)
}

/// `a / b` as a float statistic; `None` when `b` is not positive.
pub fn share(a: Dec, b: Dec) -> Option<f64> {
    if !b.is_positive() {
        return None;
    }
    a.div_round(b).map(|q| q.to_f64())
}

/// A derived amount for a sentence: 8 decimals, half to even, trimmed.
pub fn amt(d: Dec) -> String {
    d.round_dp(8).to_string()
}

/// A percentage with no decimals, e.g. `0.934` → `93 %`.
pub fn pct(v: f64) -> String {
    format!("{:.0} %", v * 100.0)
}

/// A p-value in short scientific form, e.g. `3.1e-12`.
pub fn pval(p: f64) -> String {
    format!("{p:.1e}")
}

/// Durations in words: `41 s`, `12 min`, `3.5 h`, `2.0 d`.
pub fn dur(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    if s < 120 {
        format!("{s} s")
    } else if s < 7200 {
        format!("{} min", s / 60)
    } else if s < 172_800 {
        format!("{:.1} h", s as f64 / 3600.0)
    } else {
        format!("{:.1} d", s as f64 / 86_400.0)
    }
}

/// Sorted, deduplicated list joined with ", ".
pub fn join_sorted<I: IntoIterator<Item = String>>(items: I) -> String {
    let mut v: Vec<String> = items.into_iter().collect();
    v.sort();
    v.dedup();
    v.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }

    #[test]
    fn median_odd_even_and_empty() {
        assert_eq!(median(&[d("3"), d("1"), d("2")]), Some(d("2")));
        // (1 + 4) / 2 = 2.5
        assert_eq!(median(&[d("4"), d("1")]), Some(d("2.5")));
        assert_eq!(median(&[]), None);
        // (0.5 + 0.75) / 2 = 0.625, exact in binary
        assert_eq!(median_f64(&[1.0, 0.5, 0.75, 0.25]), Some(0.625));
    }

    #[test]
    fn formats_are_fixed() {
        assert_eq!(pval(3.14e-12), "3.1e-12");
        assert_eq!(pct(0.934), "93 %");
        assert_eq!(dur(41_000), "41 s");
        assert_eq!(dur(720_000), "12 min");
        assert_eq!(ratio_dec(0.2), d("0.2"));
        assert_eq!(amt(d("1.123456789")), "1.12345679");
    }
}
