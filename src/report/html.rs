//! `index.html`: one self-contained report page for the account owner and a
//! support agent.
//!
//! The page is rendered by minijinja from `templates/report.html` (embedded
//! with `include_str!`) with HTML auto-escaping on, so every text that comes
//! from the exports (file names, ids, addresses, remarks) is escaped. All
//! numbers and times are formatted here, in Rust, as strings; the template
//! only places them. CSS is inline, there is no script and no external URL;
//! the chart is embedded as a `data:image/png;base64,…` URI.

use crate::analysis::Analysis;
use crate::decimal::Dec;
use crate::detect::finding::{Evidence, Finding, Severity, Table};
use crate::model::{Category, InputSummary, TimeMs};
use crate::report::base64;
use crate::timefmt::human;
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde_json::{json, Value as J};
use std::collections::{BTreeMap, BTreeSet};

const TEMPLATE_NAME: &str = "report.html";
const TEMPLATE: &str = include_str!("templates/report.html");

/// Render `index.html` with `timeline_png` and `flows_png` embedded as data URIs.
pub fn index_html(a: &Analysis, timeline_png: &[u8], flows_png: &[u8]) -> Result<Vec<u8>, String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| format!("report template: {e}"))?;
    env.set_syntax(syntax);
    env.add_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(|e| format!("report template: {e}"))?;
    let tmpl = env
        .get_template(TEMPLATE_NAME)
        .map_err(|e| format!("report template: {e}"))?;
    // The URI is built here from the base64 alphabet only: safe to place as is.
    let chart = format!("data:image/png;base64,{}", base64::encode(timeline_png));
    let mut ctx: BTreeMap<String, Value> = match view(a) {
        J::Object(o) => o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect(),
        _ => BTreeMap::new(),
    };
    ctx.insert("chart".to_string(), Value::from_safe_string(chart));
    // balances.png is rendered again here (deterministic) so that the
    // signature of this function stays the same for its other callers.
    let balances = crate::report::balances_png::balances_png(a)?;
    let balances = format!("data:image/png;base64,{}", base64::encode(&balances));
    ctx.insert(
        "balances_chart".to_string(),
        Value::from_safe_string(balances),
    );
    let flows = format!("data:image/png;base64,{}", base64::encode(flows_png));
    ctx.insert("flows_chart".to_string(), Value::from_safe_string(flows));
    tmpl.render(Value::from(ctx))
        .map(String::into_bytes)
        .map_err(|e| format!("cannot render index.html: {e}"))
}

/// Everything the template shows, as strings, lists and maps.
fn view(a: &Analysis) -> J {
    let d = &a.detection;
    let by_id: BTreeMap<&str, &Finding> = d.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let in_incident: BTreeSet<&str> = d
        .incidents
        .iter()
        .flat_map(|i| i.findings.iter().map(String::as_str))
        .collect();
    let incidents: Vec<J> = d
        .incidents
        .iter()
        .map(|i| {
            json!({
                "id": i.id, "severity": i.severity.as_str(), "start": human(i.start),
                "end": human(i.end), "symbols": i.symbols.join(", "), "summary": i.summary,
                "findings": i.findings.iter()
                    .map(|id| by_id.get(id.as_str()).map_or_else(
                        || json!({"id": id, "missing": true}), |f| finding(f)))
                    .collect::<Vec<J>>(),
            })
        })
        .collect();
    let others: Vec<J> = d
        .findings
        .iter()
        .filter(|f| !in_incident.contains(f.id.as_str()))
        .map(finding)
        .collect();
    let window = d
        .incidents
        .iter()
        .map(|i| i.start)
        .min()
        .zip(d.incidents.iter().map(|i| i.end).max())
        .map(|(s, e)| format!("{} – {}", human(s), human(e)));
    // Only TXIDs of the incidents worth a support ticket (medium or high);
    // an ordinary withdrawal noted for information is not one to report.
    let serious: BTreeSet<&str> = d
        .incidents
        .iter()
        .filter(|i| i.severity >= Severity::Medium)
        .flat_map(|i| i.findings.iter().map(String::as_str))
        .collect();
    let txids: BTreeSet<&str> = d
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium || serious.contains(f.id.as_str()))
        .flat_map(|f| f.txids.iter().map(String::as_str))
        .collect();
    json!({
        "account": a.account,
        "verdict": d.verdict.as_str(),
        "generated_at": human(a.generated_at),
        "period": period(a.first_time, a.last_time),
        "tool_version": a.tool_version,
        "loss": {
            "by_asset": d.loss.by_asset.iter().map(amount).collect::<Vec<String>>(),
            "reference": d.loss.reference.as_ref().map(amount),
            "method": d.loss.method,
        },
        "window": window,
        "incident_windows": d.incidents.iter()
            .map(|i| format!("{}: {} – {}", i.id, human(i.start), human(i.end)))
            .collect::<Vec<String>>(),
        "incidents": incidents,
        "timeline": crate::report::html_extra::incident_timeline(a),
        "steps": crate::report::html_extra::next_steps(a),
        "finding_count": d.findings.len(),
        "other_findings": others,
        "recon": recon(a),
        "balances": balance_facts(a),
        "book_note": a.book_note,
        "transfers": transfers(&d.findings),
        "txids": txids.into_iter().collect::<Vec<&str>>(),
        "inputs": a.inputs.iter().map(input).collect::<Vec<J>>(),
        "options": a.options.iter().map(|(k, v)| json!({"key": k, "value": v}))
            .collect::<Vec<J>>(),
    })
}

fn finding(f: &Finding) -> J {
    let stat = f.statistic.as_ref();
    json!({
        "id": f.id, "detector": f.detector, "severity": f.severity.as_str(),
        "explanation": f.explanation, "missing": false,
        "window": format!("{} – {}", human(f.start), human(f.end)),
        "value": f.value.as_ref().map(amount),
        "statistic": stat.map(|s| {
            let mut t = format!("{} = {}", s.name, num(s.value));
            if s.threshold.is_some() {
                t.push_str(&format!(" (threshold {})", num(s.threshold)));
            }
            t
        }),
        "p_value": stat.and_then(|s| s.p_value).filter(|p| p.is_finite()).map(|p| num(Some(p))),
        "evidence": f.evidence.iter().map(evidence).collect::<Vec<J>>(),
    })
}

fn evidence(e: &Evidence) -> J {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let qty = match (&e.qty, &e.asset) {
        (Some(q), Some(asset)) => format!("{q} {asset}"),
        (Some(q), None) => q.to_string(),
        (None, _) => String::new(),
    };
    json!({
        "time": precise(e.time), "symbol": s(&e.symbol), "side": s(&e.side),
        "price": e.price.map(|p| p.to_string()).unwrap_or_default(), "qty": qty,
        "order_id": s(&e.order_id), "trade_id": s(&e.trade_id), "txid": s(&e.txid),
        "address": s(&e.address), "file": e.origin.file, "row": e.origin.row.to_string(),
    })
}

/// Transfer evidence rows of all findings, once each, by time then origin.
fn transfers(findings: &[Finding]) -> Vec<J> {
    let mut rows: BTreeMap<(TimeMs, &str, u32), (&Evidence, Vec<&str>)> = BTreeMap::new();
    for f in findings {
        for e in f.evidence.iter().filter(|e| e.table == Table::Transfers) {
            let key = (e.time, e.origin.file.as_str(), e.origin.row);
            let entry = rows.entry(key).or_insert((e, vec![]));
            if !entry.1.contains(&f.id.as_str()) {
                entry.1.push(&f.id);
            }
        }
    }
    rows.into_values()
        .map(|(e, ids)| {
            let mut v = evidence(e);
            v["findings"] = J::from(ids.join(", "));
            v
        })
        .collect()
}

/// The bridge: one row per (wallet, asset), one column per category that is
/// non-zero somewhere, in the canonical category order.
fn recon(a: &Analysis) -> J {
    let cats: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| a.reconciliation.iter().any(|r| !r.category(*c).is_zero()))
        .collect();
    let opt = |v: Option<Dec>| v.map_or_else(|| "unknown".to_string(), |d| d.to_string());
    let rows: Vec<J> = a
        .reconciliation
        .iter()
        .map(|r| {
            json!({
                "account": r.account, "wallet": r.wallet, "asset": r.asset,
                "opening": opt(r.opening),
                "cells": cats.iter().map(|c| r.category(*c).to_string()).collect::<Vec<String>>(),
                "net_change": r.net_change.to_string(),
                "expected": opt(r.expected_closing), "observed": opt(r.observed_closing),
                "residual": opt(r.residual),
                "residual_nonzero": r.residual.is_some_and(|x| !x.is_zero()),
                "first_negative": r.first_negative_at.map(human).unwrap_or_default(),
                "unmatched": r.unmatched_rows.iter()
                    .map(|u| match u.leg {
                        Some(leg) => format!("{} row {} ({leg} leg, {})", u.origin.file, u.origin.row, u.change),
                        None => format!("{} row {} ({})", u.origin.file, u.origin.row, u.change),
                    }).collect::<Vec<String>>(),
            })
        })
        .collect();
    json!({
        "categories": cats.iter().map(|c| c.as_str().replace('_', " ")).collect::<Vec<String>>(),
        "rows": rows,
    })
}

/// Openings, residual locations, transfer imbalances and the incident
/// attribution (`Analysis.balances`), formatted.
fn balance_facts(a: &Analysis) -> J {
    let b = &a.balances;
    let when = |t: Option<TimeMs>, none: &str| t.map(human).unwrap_or_else(|| none.to_string());
    let rows: Vec<J> = b
        .rows
        .iter()
        .map(|f| {
            let row = a
                .reconciliation
                .iter()
                .find(|r| r.wallet == f.wallet && r.asset == f.asset);
            json!({
                "wallet": f.wallet, "asset": f.asset, "opening_source": f.opening_source,
                "observed_at": match row.and_then(|r| r.observed_closing) {
                    Some(_) => when(f.observed_at, "end of the exports"),
                    None => "not given".to_string(),
                },
                "located": f.residual_window.map(|(x, y)| format!(
                    "after {} and by {}", when(x, "the start"), when(y, "the end of the exports")
                )).unwrap_or_default(),
                "mismatches": f.mismatches.iter().map(|m| format!(
                    "balances file line {}: {} at {}, expected {}, difference {}",
                    m.line, m.observed, when(m.at, "the end of the exports"), m.expected, m.difference
                )).collect::<Vec<String>>(),
            })
        })
        .collect();
    let incidents: Vec<String> = a.detection.incidents.iter().map(|i| i.id.clone()).collect();
    json!({
        "notes": b.notes,
        "rows": rows,
        "imbalances": b.transfer_imbalances.iter()
            .map(|(asset, v)| format!("{asset}: {v}")).collect::<Vec<String>>(),
        "incidents": incidents,
        "attribution": b.attribution.iter().map(|x| json!({
            "asset": x.asset,
            "inside": x.inside.iter().map(|(_, v)| v.to_string()).collect::<Vec<String>>(),
            "outside": x.outside.to_string(), "total": x.total.to_string(),
        })).collect::<Vec<J>>(),
        "chart": b.charts.iter().map(|c| c.asset.clone()).collect::<Vec<String>>(),
    })
}

fn input(i: &InputSummary) -> J {
    let sum = i.rows_normalized + i.rows_rejected + i.rows_duplicate + i.rows_ignored;
    json!({
        "path": i.path, "sha256": i.sha256, "kind": i.kind.as_str(), "layout": i.layout,
        "time_zone": i.time_zone, "period": period(i.first_time, i.last_time),
        "read": i.rows_read.to_string(), "normalized": i.rows_normalized.to_string(),
        "rejected": i.rows_rejected.to_string(), "duplicate": i.rows_duplicate.to_string(),
        "ignored": i.rows_ignored.to_string(), "balanced": sum == i.rows_read,
        "warnings": i.warnings.iter().map(|w| json!({
            "code": w.code, "row": w.row.map(|r| r.to_string()).unwrap_or_default(),
            "message": w.message,
        })).collect::<Vec<J>>(),
        "rejections": i.rejections.iter().map(|r| json!({
            "row": r.row.to_string(), "column": r.column.clone().unwrap_or_default(),
            "reason": r.reason,
        })).collect::<Vec<J>>(),
    })
}

/// Evidence times keep their milliseconds: fills of one order share a second.
fn precise(t: TimeMs) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(t)
        .map(|dt| dt.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_else(|| "?".to_string())
}

fn period(first: Option<TimeMs>, last: Option<TimeMs>) -> String {
    match (first, last) {
        (Some(f), Some(l)) => format!("{} – {}", human(f), human(l)),
        (Some(f), None) => format!("from {}", human(f)),
        (None, Some(l)) => format!("until {}", human(l)),
        (None, None) => "no dated rows".to_string(),
    }
}

fn amount(v: &(String, Dec)) -> String {
    format!("{} {}", v.1, v.0)
}

/// A statistic for reading: up to 4 decimals in [0.001, 10^6), else
/// scientific with up to 3 decimals; `n/a` when missing or not finite.
fn num(v: Option<f64>) -> String {
    let x = match v {
        Some(x) if x.is_finite() => x,
        _ => return "n/a".to_string(),
    };
    if x == 0.0 {
        return "0".to_string();
    }
    if (1e-3..1e6).contains(&x.abs()) {
        let s = format!("{x:.4}");
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    let s = format!("{x:.3e}");
    match s.split_once('e') {
        Some((m, e)) => format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.')),
        None => s,
    }
}

/// A JSON view as a minijinja value (minijinja is built without serde).
pub(crate) fn to_value(v: &J) -> Value {
    match v {
        J::Null => Value::from(()),
        J::Bool(b) => Value::from(*b),
        J::Number(n) => n
            .as_i64()
            .map(Value::from)
            .unwrap_or_else(|| Value::from(n.as_f64().unwrap_or(f64::NAN))),
        J::String(s) => Value::from(s.as_str()),
        J::Array(a) => Value::from(a.iter().map(to_value).collect::<Vec<Value>>()),
        J::Object(o) => Value::from(
            o.iter()
                .map(|(k, v)| (k.clone(), to_value(v)))
                .collect::<BTreeMap<String, Value>>(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_analysis;

    fn page(a: &Analysis) -> String {
        String::from_utf8(index_html(a, &[0x89, b'P', b'N'], &[0x89, b'P', b'N']).unwrap()).unwrap()
    }

    /// Every value of an attribute `attr="…"` in the page.
    fn attr_values<'h>(html: &'h str, attr: &str) -> Vec<&'h str> {
        let pat = format!(" {attr}=\"");
        html.match_indices(&pat)
            .filter_map(|(i, _)| html[i + pat.len()..].split('"').next())
            .collect()
    }

    #[test]
    fn has_every_section() {
        let html = page(&sample_analysis());
        for id in [
            "verdict",
            "incidents",
            "reconciliation",
            "withdrawals",
            "data-quality",
            "method",
            "next-steps",
        ] {
            assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
        }
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn export_text_is_escaped() {
        let html = page(&sample_analysis());
        assert!(!html.contains("<script"));
        // The file name appears in the evidence table and in data quality.
        assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;.csv, row 2"));
        assert!(html.contains("<td>&lt;script&gt;alert(1)&lt;&#x2f;script&gt;.csv<br>"));
        let mut a = sample_analysis();
        a.inputs[0].warnings[0].message = "<img src=x onerror=alert(1)>".into();
        let html = page(&a);
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("<img src=x"));
    }

    #[test]
    fn reconciliation_shows_openings_located_residuals_and_attribution() {
        let html = page(&sample_analysis());
        assert!(html.contains("balances file line 2 (100 at 2024-06-30T20:00:00.000Z)"));
        // Residual window T0 (22:00) to T0 + 1 h.
        assert!(
            html.contains("after 2024-06-30 22:00:00 UTC and by 2024-06-30 23:00:00 UTC"),
            "{html}"
        );
        assert!(html.contains("do not net to zero"));
        assert!(html.contains("PEPE: -5"));
        assert!(html.contains(
            "<tr><td>PEPE</td><td class=\"num\">22977000</td><td class=\"num\">0</td><td class=\"num\">22977000</td></tr>"
        ));
        assert!(html.contains("Running balance of PEPE over all wallets"));
    }

    #[test]
    fn no_external_urls() {
        let html = page(&sample_analysis());
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains("<script") && !html.contains("<link"));
        // 3 bytes 0x89 'P' 'N' → "iVBO".
        // The timeline, flows.png and balances.png (rendered here as a real PNG).
        let srcs = attr_values(&html, "src");
        assert_eq!(srcs.len(), 3);
        assert!(
            srcs.iter()
                .all(|s| s.starts_with("data:image/png;base64,iVBO")),
            "{srcs:?}"
        );
        let hrefs = attr_values(&html, "href");
        assert_eq!(hrefs.len(), 8);
        assert!(hrefs.iter().all(|h| h.starts_with('#')), "{hrefs:?}");
    }

    #[test]
    fn verdict_incidents_and_bridge_content() {
        let html = page(&sample_analysis());
        assert!(html.contains("verdict-compromised\">compromised</span>"));
        assert!(html.contains("361.7 USDT"));
        // Incident window 22:01:00 – 22:30:00 on 2024-06-30.
        assert!(html.contains("2024-06-30 22:01:00 UTC – 2024-06-30 22:30:00 UTC"));
        assert!(html.contains("orders in the busiest 60 s = 14</dd>"));
        assert!(html.contains("<dt>p-value</dt><dd>3.2e-9</dd>"));
        // NaN p-value of the overpay finding is not shown at all.
        assert_eq!(html.matches("<dt>p-value</dt>").count(), 1);
        // Categories non-zero somewhere, in canonical order: deposit,
        // withdrawal, withdrawal_fee, buy, trade_fee (trade_fee only for PEPE).
        assert!(html.contains(
            "<th>Opening</th><th>deposit</th><th>withdrawal</th><th>withdrawal fee</th>\
             <th>buy</th><th>trade fee</th><th>Net change</th>"
        ));
        assert!(html.contains(
            "<td class=\"num\">100</td><td class=\"num\">500</td><td class=\"num\">-250.5</td>\
             <td class=\"num\">-1</td><td class=\"num\">-300.9</td><td class=\"num\">0</td>\
             <td class=\"num\">-52.4</td>"
        ));
        assert!(html.contains("<td class=\"num bad\">-0.1</td>"));
        assert!(html.contains("No USDT deposit in the 24 h before the burst."));
        // Fill at T0 + 180 500 ms keeps its milliseconds.
        assert!(html.contains("<tr><td>2024-06-30 22:03:00.500</td><td>PEPEUSDT</td>"));
        assert!(html.contains("361.7 USDT; in the reference asset: 361.7 USDT"));
    }

    #[test]
    fn withdrawals_and_next_steps_list_the_txid() {
        let html = page(&sample_analysis());
        assert!(html.contains(
            "<td>withdrawal</td><td class=\"num\">250.5 USDT</td><td class=\"mono\">=cmd</td>\
             <td class=\"mono\">0xabc123</td><td>withdrawal-sweep-0001</td>"
        ));
        assert!(html.contains("<li>TXID <code>0xabc123</code></li>"));
        assert!(html.contains("derived values rounded\nhalf-to-even to 8 dp"));
    }

    #[test]
    fn empty_analysis_still_renders() {
        let mut a = sample_analysis();
        a.detection.findings.clear();
        a.detection.incidents.clear();
        a.reconciliation.clear();
        a.inputs.clear();
        a.options.clear();
        let html = page(&a);
        assert!(html.contains("No incident was found."));
        assert!(html.contains("No deposit or withdrawal is part of the evidence."));
        assert!(html.contains("<td colspan=\"9\">No balance change in the inputs.</td>"));
    }

    #[test]
    fn statistics_are_formatted_for_reading() {
        assert_eq!(num(Some(14.0)), "14");
        assert_eq!(num(Some(0.128)), "0.128");
        assert_eq!(num(Some(3.2e-9)), "3.2e-9");
        assert_eq!(num(Some(1_234_567.0)), "1.235e6");
        assert_eq!(num(Some(-2.5)), "-2.5");
        assert_eq!(num(Some(0.0)), "0");
        assert_eq!(num(Some(f64::INFINITY)), "n/a");
        assert_eq!(num(None), "n/a");
    }
}
