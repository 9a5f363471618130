//! Cross-account detectors on hand-built summaries (values worked out by hand).

use super::*;
use crate::decimal::Dec;
use crate::detect::finding::{Incident, LossEstimate, Table, Verdict};
use crate::model::{Origin, Side};

const T0: i64 = 1_750_000_000_000;
const MIN: i64 = 60_000;
const DAY: i64 = 86_400_000;

fn d(s: &str) -> Dec {
    Dec::parse(s).unwrap()
}

fn ev(acc: &str, t: i64, sym: &str, side: &str, price: &str, trade: Option<&str>) -> Evidence {
    Evidence {
        origin: Origin {
            file: format!("{acc}/trades.csv").into(),
            row: (t / 1000 % 1000) as u32 + 2,
        },
        table: Table::Fills,
        time: t,
        symbol: Some(sym.into()),
        side: Some(side.into()),
        price: Some(d(price)),
        qty: Some(d("1")),
        asset: None,
        order_id: None,
        trade_id: trade.map(String::from),
        txid: None,
        address: None,
    }
}

fn acc(id: &str, verdict: Verdict, loss: Option<&str>) -> AccountSummary {
    AccountSummary {
        account: id.into(),
        dir: id.into(),
        verdict,
        first_time: Some(T0 - 30 * DAY),
        last_time: Some(T0 + DAY),
        loss: LossEstimate {
            by_asset: loss
                .map(|l| vec![("USDT".to_string(), d(l))])
                .unwrap_or_default(),
            reference: loss.map(|l| ("USDT".to_string(), d(l))),
            method: String::new(),
        },
        incidents: Vec::new(),
        finding_windows: Vec::new(),
        inputs: Vec::new(),
        first_entries: Vec::new(),
        fills: Vec::new(),
        transfers: Vec::new(),
        suspect: false,
    }
}

fn entry(a: &mut AccountSummary, sym: &str, t: i64, price: &str) {
    let e = ev(&a.account, t, sym, "BUY", price, None);
    a.first_entries.push(FirstEntry {
        symbol: sym.into(),
        time: t,
        side: Side::Buy,
        history_before: t - a.first_time.unwrap(),
        evidence: e.clone(),
    });
    a.fills.push(e);
}

fn incident(a: &mut AccountSummary, start: i64, end: i64) {
    a.incidents.push(Incident {
        id: "INC-001".into(),
        account: a.account.clone(),
        severity: Severity::High,
        start,
        end,
        symbols: vec![],
        findings: vec![],
        summary: String::new(),
    });
}

#[test]
fn sig_digits_counts_without_trailing_zeros() {
    assert_eq!(same_price::sig_digits(d("0.1237")), 4);
    assert_eq!(same_price::sig_digits(d("65432.10")), 6);
    assert_eq!(same_price::sig_digits(d("100")), 1);
    assert_eq!(same_price::sig_digits(d("0.12")), 2);
    assert_eq!(same_price::sig_digits(Dec::ZERO), 0);
}

#[test]
fn clusters_split_on_gaps_over_the_limit() {
    // gaps: 5, 20, 1 with limit 10 → [0..2], [2..4]
    assert_eq!(clusters(&[0, 5, 25, 26], 10), vec![0..2, 2..4]);
    assert_eq!(clusters(&[], 10), Vec::<std::ops::Range<usize>>::new());
}

/// Three victims (incidents) and a pump chaser (no incident, own price)
/// enter ZZZUSDT within 15 min; a fifth account entered it 2 days earlier.
fn scenario() -> Vec<AccountSummary> {
    let mut v1 = acc("v1", Verdict::Compromised, Some("100.5"));
    let mut v2 = acc("v2", Verdict::Compromised, Some("200"));
    let mut v3 = acc("v3", Verdict::Suspicious, Some("0.25"));
    let mut chaser = acc("chaser", Verdict::Clean, None);
    let mut early = acc("early", Verdict::Clean, None);
    entry(&mut v1, "ZZZUSDT", T0, "0.1237");
    entry(&mut v2, "ZZZUSDT", T0 + 2 * MIN, "0.1291");
    v2.fills.push(ev(
        "v2",
        T0 + 2 * MIN + 1000,
        "ZZZUSDT",
        "BUY",
        "0.1237",
        None,
    ));
    entry(&mut v3, "ZZZUSDT", T0 + 3 * MIN, "0.1291");
    entry(&mut chaser, "ZZZUSDT", T0 + 12 * MIN, "0.9013");
    entry(&mut early, "ZZZUSDT", T0 - 2 * DAY, "0.0503");
    incident(&mut v1, T0 - MIN, T0 + 4 * MIN);
    incident(&mut v2, T0, T0 + 5 * MIN);
    incident(&mut v3, T0 + MIN, T0 + 6 * MIN);
    vec![v1, v2, v3, chaser, early]
}

#[test]
fn campaign_names_the_victims_and_not_the_chaser_or_the_early_holder() {
    let r = run(scenario());
    let entry: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.detector == "co-timed-entry")
        .collect();
    assert_eq!(entry.len(), 1);
    // The co-timed group holds the chaser too (12 min after v1) but not `early`.
    assert_eq!(entry[0].account, "chaser,v1,v2,v3");
    assert_eq!(r.campaigns.len(), 1);
    let c = &r.campaigns[0];
    assert_eq!(c.finding.account, "v1,v2,v3");
    assert_eq!(c.finding.id, "campaign-001");
    assert_eq!(c.symbol, "ZZZUSDT");
    // Window: earliest incident start (v1, T0 − 1 min) to latest end (v3, T0 + 6 min).
    assert_eq!((c.start, c.end), (T0 - MIN, T0 + 6 * MIN));
    // First buys of the members: T0 (v1) to T0 + 3 min (v3) = 180 s; the
    // chaser's at T0 + 12 min is in the entry group, not in the campaign.
    assert!(
        c.finding.explanation.contains("first buys within 180 s"),
        "{}",
        c.finding.explanation
    );
    // 100.5 + 200 + 0.25 = 300.75
    assert_eq!(c.total_reference, Some(("USDT".to_string(), d("300.75"))));
    assert_eq!(c.finding.value, Some(("USDT".to_string(), d("300.75"))));
    // Two shared prices: 0.1237 (v1, v2) and 0.1291 (v2, v3).
    let sp: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.detector == "same-fill-price")
        .collect();
    assert_eq!(sp.len(), 1);
    assert_eq!(sp[0].account, "v1,v2,v3");
    assert_eq!(sp[0].statistic.as_ref().unwrap().value, Some(2.0));
    let v2 = c.members.iter().find(|m| m.account == "v2").unwrap();
    assert_eq!(v2.shared_prices, 2);
}

#[test]
fn a_suspect_account_is_never_a_campaign_member() {
    let mut accs = scenario();
    accs[1].suspect = true; // v2 given with --suspect
    let r = run(accs);
    assert_eq!(r.campaigns.len(), 1);
    assert_eq!(r.campaigns[0].finding.account, "v1,v3");
    // 100.5 + 0.25: the suspect's own loss is not the victims'.
    assert_eq!(
        r.campaigns[0].total_reference,
        Some(("USDT".to_string(), d("100.75")))
    );
}

#[test]
fn shared_prices_alone_make_a_member_without_an_incident() {
    let mut accs = scenario();
    accs[2].incidents.clear(); // v3 keeps only its shared price 0.1291
    let r = run(accs);
    assert_eq!(r.campaigns[0].finding.account, "v1,v2,v3");
    // v3 without an incident: its window is its entry alone.
    let v3 = r.campaigns[0]
        .members
        .iter()
        .find(|m| m.account == "v3")
        .unwrap();
    assert_eq!((v3.start, v3.end), (T0 + 3 * MIN, T0 + 3 * MIN));
}

#[test]
fn no_campaign_from_a_co_timed_entry_alone() {
    let mut a = acc("a", Verdict::Clean, None);
    let mut b = acc("b", Verdict::Clean, None);
    entry(&mut a, "YYYUSDT", T0, "0.5011");
    entry(&mut b, "YYYUSDT", T0 + 5 * MIN, "0.5213");
    let r = run(vec![a, b]);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].detector, "co-timed-entry");
    assert!(r.campaigns.is_empty());
}

#[test]
fn counterparty_joins_a_suspect_by_trade_id() {
    let mut v = acc("victim", Verdict::Compromised, Some("10"));
    let mut s = acc("suspect", Verdict::Clean, None);
    s.suspect = true;
    v.fills
        .push(ev("victim", T0, "ZZZUSDT", "BUY", "0.1237", Some("9001")));
    v.fills.push(ev(
        "victim",
        T0 + 1000,
        "ZZZUSDT",
        "BUY",
        "0.1291",
        Some("9002"),
    ));
    s.fills
        .push(ev("suspect", T0, "ZZZUSDT", "SELL", "0.1237", Some("9001")));
    s.fills.push(ev(
        "suspect",
        T0 + 1000,
        "ZZZUSDT",
        "SELL",
        "0.1291",
        Some("9002"),
    ));
    // Same trade id in another symbol is another trade.
    s.fills
        .push(ev("suspect", T0, "QQQUSDT", "SELL", "1.2345", Some("9003")));
    v.fills
        .push(ev("victim", T0, "ZZZUSDT", "BUY", "1.2345", Some("9003")));
    let r = run(vec![v, s]);
    let cp: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.detector == "counterparty")
        .collect();
    assert_eq!(cp.len(), 1);
    assert_eq!(cp[0].account, "suspect,victim");
    assert_eq!(cp[0].severity, Severity::High);
    assert_eq!(cp[0].statistic.as_ref().unwrap().value, Some(2.0));
    assert_eq!(cp[0].evidence.len(), 4);
}

#[test]
fn shared_withdrawal_address_and_txid() {
    let mut a = acc("a", Verdict::Clean, None);
    let mut b = acc("b", Verdict::Clean, None);
    let mut c = acc("c", Verdict::Clean, None);
    let w = |acc: &str, t: i64, addr: &str, tx: &str, side: &str| Evidence {
        origin: Origin {
            file: format!("{acc}/w.csv").into(),
            row: 2,
        },
        table: Table::Transfers,
        time: t,
        symbol: None,
        side: Some(side.into()),
        price: None,
        qty: Some(d("50")),
        asset: Some("USDT".into()),
        order_id: None,
        trade_id: None,
        txid: Some(tx.into()),
        address: Some(addr.into()),
    };
    a.transfers.push(w("a", T0, "TXYZ", "tx1", "withdrawal"));
    b.transfers
        .push(w("b", T0 + DAY, "TXYZ", "tx2", "withdrawal"));
    // c deposits what b withdrew (same txid, another address: c's deposit address).
    c.transfers.push(w("c", T0 + DAY, "TCCC", "tx2", "deposit"));
    let r = run(vec![a, b, c]);
    let kinds: Vec<(&str, &str)> = r
        .findings
        .iter()
        .map(|f| (f.detector.as_str(), f.account.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![("shared-address", "a,b"), ("shared-txid", "b,c")]
    );
    assert_eq!(r.findings[0].addresses, vec!["TXYZ".to_string()]);
    assert!(r.campaigns.is_empty());
}

#[test]
fn burst_synchrony_needs_overlap() {
    let mut a = acc("a", Verdict::Suspicious, None);
    let mut b = acc("b", Verdict::Suspicious, None);
    let mut c = acc("c", Verdict::Suspicious, None);
    a.finding_windows.push(("burst".into(), T0, T0 + 3 * MIN));
    b.finding_windows
        .push(("burst".into(), T0 + 2 * MIN, T0 + 4 * MIN));
    c.finding_windows
        .push(("burst".into(), T0 + 10 * MIN, T0 + 11 * MIN));
    let r = run(vec![a, b, c]);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].account, "a,b");
    // common core: min end (T0+3m) − max start (T0+2m) = 60 s
    assert_eq!(r.findings[0].statistic.as_ref().unwrap().value, Some(60.0));
}
