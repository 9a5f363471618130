//! `index.html` of a compare run: the campaigns (accounts, symbol, window,
//! losses, evidence), the per-account table and the other cross-account
//! findings. minijinja with auto-escaping; no script, no external URL; the
//! chart is a data URI.

use super::campaign::CompareReport;
use super::campaign_text::account_rows;
use crate::report::base64;
use crate::report::html::to_value;
use crate::timefmt::human;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde_json::{json, Value as J};
use std::collections::BTreeMap;

const TEMPLATE: &str = include_str!("templates/campaign.html");

pub fn index_html(r: &CompareReport<'_>, png: &[u8]) -> Result<Vec<u8>, String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("campaign.html", TEMPLATE)
        .map_err(|e| format!("campaign template: {e}"))?;
    let tmpl = env
        .get_template("campaign.html")
        .map_err(|e| format!("campaign template: {e}"))?;
    let chart = format!("data:image/png;base64,{}", base64::encode(png));
    let mut ctx: BTreeMap<String, Value> = match view(r) {
        J::Object(o) => o.iter().map(|(k, v)| (k.clone(), to_value(v))).collect(),
        _ => BTreeMap::new(),
    };
    ctx.insert("chart".to_string(), Value::from_safe_string(chart));
    tmpl.render(Value::from(ctx))
        .map(String::into_bytes)
        .map_err(|e| format!("cannot render index.html: {e}"))
}

fn amount(v: &Option<(String, crate::decimal::Dec)>) -> String {
    v.as_ref()
        .map_or("unpriced".to_string(), |(a, x)| format!("{x} {a}"))
}

fn view(r: &CompareReport<'_>) -> J {
    let res = r.result;
    let campaigns: Vec<J> = res
        .campaigns
        .iter()
        .map(|c| {
            json!({
                "id": c.finding.id, "symbol": c.symbol, "start": human(c.start),
                "end": human(c.end), "explanation": c.finding.explanation,
                "total": amount(&c.total_reference),
                "members": c.members.iter().map(|m| json!({
                    "account": m.account, "verdict": m.verdict.as_str(),
                    "start": human(m.start), "end": human(m.end),
                    "loss": amount(&m.loss.reference), "shared": m.shared.join(", "),
                    "shared_prices": m.shared_prices,
                    "evidence": m.evidence.iter().map(|e| json!({
                        "file": e.origin.file, "row": e.origin.row, "time": human(e.time),
                        "side": e.side.clone().unwrap_or_default(),
                        "symbol": e.symbol.clone().unwrap_or_default(),
                        "price": e.price.map(|p| p.to_string()).unwrap_or_default(),
                        "qty": e.qty.map(|p| p.to_string()).unwrap_or_default(),
                    })).collect::<Vec<J>>(),
                })).collect::<Vec<J>>(),
            })
        })
        .collect();
    let accounts: Vec<J> = account_rows(res)
        .into_iter()
        .map(|a| {
            json!({
                "account": a.account, "directory": a.directory, "verdict": a.verdict,
                "window": a.window.map_or(String::new(), |(s, e)| format!("{} – {}", human(s), human(e))),
                "loss": a.loss.map_or(String::new(), |(v, x)| format!("{v} {x}")),
                "campaigns": a.campaigns.join(", "), "shared": a.shared.join(", "),
            })
        })
        .collect();
    let findings: Vec<J> = res
        .findings
        .iter()
        .filter(|f| f.detector != "campaign")
        .map(|f| {
            json!({
                "id": f.id, "severity": f.severity.as_str(), "accounts": f.account.replace(',', ", "),
                "start": human(f.start), "explanation": f.explanation,
            })
        })
        .collect();
    // Every file read, with its counts; a file that could not be used says why.
    let inputs: Vec<J> = res
        .accounts
        .iter()
        .flat_map(|a| a.inputs.iter())
        .map(|i| {
            let note = match (i.rows_rejected, i.rejections.first()) {
                (0, _) => String::new(),
                (n, Some(first)) => format!("{n} rejected; row {}: {}", first.row, first.reason),
                (n, None) => format!("{n} rejected"),
            };
            json!({
                "path": i.path, "kind": i.kind.as_str(), "sha256": i.sha256.get(..16).unwrap_or(""),
                "read": i.rows_read, "normalized": i.rows_normalized,
                "duplicate": i.rows_duplicate, "note": note,
            })
        })
        .collect();
    json!({
        "tool_version": r.tool_version, "generated_at": human(r.generated_at),
        "n_accounts": res.accounts.len(), "campaigns": campaigns,
        "accounts": accounts, "findings": findings, "inputs": inputs,
    })
}
