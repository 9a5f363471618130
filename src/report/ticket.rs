//! `ticket.txt`: plain text to paste into a Binance support ticket — what
//! happened, when (UTC), which orders and withdrawals, amounts and TXIDs,
//! and the SHA-256 of the exports it rests on.
//!
//! Export text (file names, ids, addresses) is written as plain text with
//! control characters and bidirectional overrides replaced by `?`, so a
//! field cannot break a line, fake a section or reorder what is shown.

use crate::analysis::Analysis;
use crate::detect::finding::{Evidence, Severity, Table};
use crate::model::{Origin, TimeMs};
use crate::timefmt::human;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Incidents of at least this severity are the ones reported.
const REPORTED: Severity = Severity::Medium;
/// At most this many order rows are listed (the rest are counted).
const MAX_ORDERS: usize = 60;

/// Render `ticket.txt` (UTF-8, `\n` line ends).
pub fn ticket_txt(a: &Analysis) -> Vec<u8> {
    let d = &a.detection;
    let mut t = String::new();
    let incidents: Vec<_> = d
        .incidents
        .iter()
        .filter(|i| i.severity >= REPORTED)
        .collect();
    let _ = writeln!(
        t,
        "Subject: unauthorized activity on my account {} (API key misuse)",
        clean(&a.account)
    );
    t.push('\n');
    if incidents.is_empty() {
        let _ = writeln!(
            t,
            "The analysis of my account exports found no medium or high severity incident (verdict: {}).",
            d.verdict.as_str()
        );
    } else {
        let _ = writeln!(
            t,
            "My exported account history shows activity I did not carry out (verdict: {}).",
            d.verdict.as_str()
        );
    }
    t.push_str("\nWHAT HAPPENED\n");
    for i in &incidents {
        let _ = writeln!(t, "- {}", clean(&i.summary));
    }
    t.push_str("\nWHEN (UTC)\n");
    for i in &incidents {
        let _ = writeln!(t, "- {}: {} to {}", i.id, human(i.start), human(i.end));
    }
    t.push_str("\nESTIMATED LOSS\n");
    if d.loss.by_asset.is_empty() {
        t.push_str("- none estimated\n");
    }
    for (asset, v) in &d.loss.by_asset {
        let _ = writeln!(t, "- {v} {}", clean(asset));
    }
    if let Some((asset, v)) = &d.loss.reference {
        let _ = writeln!(
            t,
            "- in total about {v} {} ({})",
            clean(asset),
            d.loss.method
        );
    }
    let ids: BTreeSet<&str> = incidents
        .iter()
        .flat_map(|i| i.findings.iter().map(String::as_str))
        .collect();
    let rows = evidence_rows(a, &ids);
    // Orders carry the ids support looks up; fills only where no order is evidence.
    let order_table = if rows.values().any(|e| e.table == Table::Orders) {
        Table::Orders
    } else {
        Table::Fills
    };
    let orders: Vec<&&Evidence> = rows.values().filter(|e| e.table == order_table).collect();
    let transfers: Vec<&&Evidence> = rows
        .values()
        .filter(|e| e.table == Table::Transfers)
        .collect();
    let _ = writeln!(
        t,
        "\n{} ({} rows; time UTC, symbol, side, price, quantity, order id, trade id, source)",
        if order_table == Table::Orders {
            "ORDERS"
        } else {
            "TRADES"
        },
        orders.len()
    );
    for e in orders.iter().take(MAX_ORDERS) {
        let _ = writeln!(
            t,
            "- {} {} {} price {} qty {} order {} trade {} ({})",
            precise(e.time),
            opt(&e.symbol),
            opt(&e.side),
            e.price.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
            e.qty.map(|q| q.to_string()).unwrap_or_else(|| "-".into()),
            opt(&e.order_id),
            opt(&e.trade_id),
            source(&e.origin)
        );
    }
    if orders.len() > MAX_ORDERS {
        let _ = writeln!(
            t,
            "- … and {} more rows, listed in evidence.csv",
            orders.len() - MAX_ORDERS
        );
    }
    let _ = writeln!(
        t,
        "\nWITHDRAWALS AND DEPOSITS ({} rows; time UTC, direction, amount, address, TXID, source)",
        transfers.len()
    );
    for e in &transfers {
        let _ = writeln!(
            t,
            "- {} {} {} {} address {} TXID {} ({})",
            precise(e.time),
            opt(&e.side),
            e.qty.map(|q| q.to_string()).unwrap_or_else(|| "-".into()),
            opt(&e.asset),
            opt(&e.address),
            opt(&e.txid),
            source(&e.origin)
        );
    }
    let txids: BTreeSet<&str> = d
        .findings
        .iter()
        .filter(|f| ids.contains(f.id.as_str()) || f.severity >= REPORTED)
        .flat_map(|f| f.txids.iter().map(String::as_str))
        .collect();
    t.push_str("\nTXIDS\n");
    if txids.is_empty() {
        t.push_str("- none\n");
    }
    for x in txids {
        let _ = writeln!(t, "- {}", clean(x));
    }
    t.push_str("\nWHAT I ASK\n");
    t.push_str("- Please confirm these orders and withdrawals were placed through an API key, and from which IP addresses.\n");
    t.push_str("- Please keep the account frozen / the keys revoked until I have secured it, and tell me whether the funds can be traced or recovered.\n");
    let _ = writeln!(
        t,
        "\nEXPORTS ANALYZED (SHA-256; report time {}, binance-forensics {})",
        human(a.generated_at),
        clean(&a.tool_version)
    );
    for i in &a.inputs {
        let _ = writeln!(t, "- {} {}", clean(&i.path), clean(&i.sha256));
    }
    t.into_bytes()
}

/// Evidence rows of the given findings, once each, by time then origin.
fn evidence_rows<'a>(
    a: &'a Analysis,
    ids: &BTreeSet<&str>,
) -> BTreeMap<(TimeMs, String, u32), &'a Evidence> {
    let mut rows = BTreeMap::new();
    for f in a
        .detection
        .findings
        .iter()
        .filter(|f| ids.contains(f.id.as_str()))
    {
        for e in &f.evidence {
            rows.entry((e.time, e.origin.file.to_string(), e.origin.row))
                .or_insert(e);
        }
    }
    rows
}

fn opt(v: &Option<String>) -> String {
    v.as_deref().map_or_else(|| "-".to_string(), clean)
}

fn source(o: &Origin) -> String {
    format!("{} row {}", clean(&o.file), o.row)
}

fn precise(t: TimeMs) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(t)
        .map(|dt| dt.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_else(|| "?".to_string())
}

/// Plain text from an export field: control characters and bidirectional
/// formatting characters become `?`.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            let bidi = matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            if c.is_control() || bidi {
                '?'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{sample_analysis, XSS};

    fn text() -> String {
        String::from_utf8(ticket_txt(&sample_analysis())).unwrap()
    }

    #[test]
    fn control_and_bidi_characters_cannot_break_lines() {
        assert_eq!(clean("a\nb\r\tc"), "a?b??c");
        assert_eq!(clean("x\u{202E}gpj.exe"), "x?gpj.exe");
        assert_eq!(clean("0xabc"), "0xabc");
    }

    #[test]
    fn lists_the_incident_orders_withdrawal_and_txid() {
        let a = sample_analysis();
        let t = text();
        let inc = &a.detection.incidents[0];
        assert!(t.contains(&format!(
            "- {}: {} to {}",
            inc.id,
            human(inc.start),
            human(inc.end)
        )));
        // Every order and transfer row of the incident's findings appears
        // once (fills are listed only when no order row is evidence).
        let ids: BTreeSet<&str> = inc.findings.iter().map(String::as_str).collect();
        let mut want = BTreeSet::new();
        for f in a
            .detection
            .findings
            .iter()
            .filter(|f| ids.contains(f.id.as_str()))
        {
            for e in f.evidence.iter().filter(|e| e.table != Table::Fills) {
                want.insert((e.origin.file, e.origin.row));
            }
        }
        assert!(want.len() >= 2, "the fixture has orders and a withdrawal");
        let listed = t.lines().filter(|l| l.starts_with("- 20")).count();
        assert_eq!(listed, want.len(), "{t}");
        for (file, row) in &want {
            assert!(
                t.contains(&format!("({file} row {row})")),
                "{file} {row}\n{t}"
            );
        }
        for f in &a.detection.findings {
            for x in &f.txids {
                assert!(t.contains(&format!("- {x}\n")), "{x}");
            }
        }
        // The hostile file name is plain text and its hash is listed.
        assert!(t.contains(XSS));
        for i in &a.inputs {
            assert!(t.contains(&format!("- {} {}\n", i.path, i.sha256)));
        }
    }

    #[test]
    fn every_line_is_free_of_control_characters() {
        for l in text().lines() {
            assert!(!l.chars().any(char::is_control), "{l:?}");
        }
    }
}
