//! `findings.json`: the machine-readable result, exactly per
//! `contract/findings.schema.json`.
//!
//! Built from borrowed serde structs, so the key order is the field order
//! whatever features `serde_json` is compiled with. Amounts are `Dec`'s
//! Display (plain decimals, no exponent, no `+`); times are RFC 3339 UTC with
//! milliseconds; optional times and amounts are left out when unknown, except
//! where the schema allows `null` (reconciliation). Non-finite statistics
//! become `null`.

use crate::analysis::{Analysis, Attribution, ReconRow, RowFacts};
use crate::decimal::Dec;
use crate::detect::finding::{Evidence, Finding, Incident, Statistic, Table};
use crate::model::{InputSummary, Rejection, Warning};
use crate::timefmt::rfc3339_ms;
use serde::Serialize;
use std::collections::BTreeMap;

/// The contract's `schema_version`.
pub const SCHEMA_VERSION: u32 = 1;
/// The contract's `tool.name`.
pub const TOOL_NAME: &str = "binance-forensics";

/// Pretty-printed `findings.json` with a trailing newline.
pub fn findings_json(a: &Analysis) -> Result<Vec<u8>, String> {
    let mut out = serde_json::to_vec_pretty(&Doc::new(a))
        .map_err(|e| format!("cannot serialize findings.json: {e}"))?;
    out.push(b'\n');
    Ok(out)
}

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    tool: Tool<'a>,
    generated_at: String,
    inputs: Vec<Input<'a>>,
    accounts: Vec<Account<'a>>,
    incidents: Vec<IncidentJ<'a>>,
    findings: Vec<FindingJ<'a>>,
    reconciliation: Vec<Recon<'a>>,
    /// Per asset: the change inside each incident window and outside (beyond the schema's required keys).
    incident_attribution: Vec<AttributionJ<'a>>,
    /// Assets whose internal transfers do not net to zero: asset → net.
    transfer_imbalances: BTreeMap<&'a str, Dec>,
}

impl<'a> Doc<'a> {
    fn new(a: &'a Analysis) -> Doc<'a> {
        let d = &a.detection;
        Doc {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: TOOL_NAME,
                version: &a.tool_version,
                options: &a.options,
            },
            generated_at: rfc3339_ms(a.generated_at),
            inputs: a.inputs.iter().map(Input::new).collect(),
            accounts: vec![Account {
                account: &a.account,
                verdict: d.verdict.as_str(),
                first_time: a.first_time.map(rfc3339_ms),
                last_time: a.last_time.map(rfc3339_ms),
                loss_estimate: Loss {
                    by_asset: d.loss.by_asset.iter().map(Amount::new).collect(),
                    reference: d.loss.reference.as_ref().map(Amount::new),
                    method: &d.loss.method,
                },
            }],
            incidents: d.incidents.iter().map(IncidentJ::new).collect(),
            findings: d.findings.iter().map(FindingJ::new).collect(),
            reconciliation: a
                .reconciliation
                .iter()
                .map(|r| {
                    let facts = a
                        .balances
                        .rows
                        .iter()
                        .find(|f| f.wallet == r.wallet && f.asset == r.asset);
                    Recon::new(r, facts)
                })
                .collect(),
            incident_attribution: a
                .balances
                .attribution
                .iter()
                .map(AttributionJ::new)
                .collect(),
            transfer_imbalances: a
                .balances
                .transfer_imbalances
                .iter()
                .map(|(k, v)| (k.as_str(), *v))
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct Tool<'a> {
    name: &'static str,
    version: &'a str,
    options: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
pub(crate) struct Input<'a> {
    path: &'a str,
    sha256: &'a str,
    kind: &'static str,
    layout: &'a str,
    account: &'a str,
    time_zone: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_time: Option<String>,
    rows_read: u64,
    rows_normalized: u64,
    rows_rejected: u64,
    rows_duplicate: u64,
    rows_ignored: u64,
    rejections: &'a [Rejection],
    warnings: &'a [Warning],
}

impl<'a> Input<'a> {
    pub(crate) fn new(i: &'a InputSummary) -> Input<'a> {
        Input {
            path: &i.path,
            sha256: &i.sha256,
            kind: i.kind.as_str(),
            layout: &i.layout,
            account: &i.account,
            time_zone: &i.time_zone,
            first_time: i.first_time.map(rfc3339_ms),
            last_time: i.last_time.map(rfc3339_ms),
            rows_read: i.rows_read,
            rows_normalized: i.rows_normalized,
            rows_rejected: i.rows_rejected,
            rows_duplicate: i.rows_duplicate,
            rows_ignored: i.rows_ignored,
            rejections: &i.rejections,
            warnings: &i.warnings,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct Account<'a> {
    account: &'a str,
    verdict: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_time: Option<String>,
    loss_estimate: Loss<'a>,
}

#[derive(Serialize)]
pub(crate) struct Loss<'a> {
    by_asset: Vec<Amount<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<Amount<'a>>,
    method: &'a str,
}

#[derive(Serialize)]
pub(crate) struct Amount<'a> {
    asset: &'a str,
    amount: Dec,
}

impl<'a> Amount<'a> {
    pub(crate) fn new(v: &'a (String, Dec)) -> Amount<'a> {
        Amount {
            asset: &v.0,
            amount: v.1,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct IncidentJ<'a> {
    id: &'a str,
    account: &'a str,
    severity: &'static str,
    start: String,
    end: String,
    symbols: &'a [String],
    findings: &'a [String],
    summary: &'a str,
}

impl<'a> IncidentJ<'a> {
    pub(crate) fn new(i: &'a Incident) -> IncidentJ<'a> {
        IncidentJ {
            id: &i.id,
            account: &i.account,
            severity: i.severity.as_str(),
            start: rfc3339_ms(i.start),
            end: rfc3339_ms(i.end),
            symbols: &i.symbols,
            findings: &i.findings,
            summary: &i.summary,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct FindingJ<'a> {
    id: &'a str,
    detector: &'a str,
    severity: &'static str,
    account: &'a str,
    start: String,
    end: String,
    symbols: &'a [String],
    assets: &'a [String],
    addresses: &'a [String],
    txids: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Amount<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    statistic: Option<Stat<'a>>,
    evidence: Vec<EvidenceJ<'a>>,
    explanation: &'a str,
}

impl<'a> FindingJ<'a> {
    pub(crate) fn new(f: &'a Finding) -> FindingJ<'a> {
        FindingJ {
            id: &f.id,
            detector: &f.detector,
            severity: f.severity.as_str(),
            account: &f.account,
            start: rfc3339_ms(f.start),
            end: rfc3339_ms(f.end),
            symbols: &f.symbols,
            assets: &f.assets,
            addresses: &f.addresses,
            txids: &f.txids,
            value: f.value.as_ref().map(Amount::new),
            statistic: f.statistic.as_ref().map(Stat::new),
            evidence: f.evidence.iter().map(EvidenceJ::new).collect(),
            explanation: &f.explanation,
        }
    }
}

#[derive(Serialize)]
pub(crate) struct Stat<'a> {
    name: &'a str,
    value: Option<f64>,
    threshold: Option<f64>,
    p_value: Option<f64>,
}

impl<'a> Stat<'a> {
    pub(crate) fn new(s: &'a Statistic) -> Stat<'a> {
        Stat {
            name: &s.name,
            value: finite(s.value),
            threshold: finite(s.threshold),
            p_value: finite(s.p_value),
        }
    }
}

/// `None` for missing and non-finite values (JSON has no NaN or infinity).
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// An evidence row: the contract's origin fields, then the facts a support
/// agent needs (extra properties are allowed by the schema).
#[derive(Serialize)]
pub(crate) struct EvidenceJ<'a> {
    file: &'a str,
    row: u32,
    table: Table,
    time: String,
    order_id: Option<&'a str>,
    trade_id: Option<&'a str>,
    txid: Option<&'a str>,
    symbol: Option<&'a str>,
    side: Option<&'a str>,
    price: Option<Dec>,
    qty: Option<Dec>,
    asset: Option<&'a str>,
    address: Option<&'a str>,
}

impl<'a> EvidenceJ<'a> {
    pub(crate) fn new(e: &'a Evidence) -> EvidenceJ<'a> {
        EvidenceJ {
            file: &e.origin.file,
            row: e.origin.row,
            table: e.table,
            time: rfc3339_ms(e.time),
            order_id: e.order_id.as_deref(),
            trade_id: e.trade_id.as_deref(),
            txid: e.txid.as_deref(),
            symbol: e.symbol.as_deref(),
            side: e.side.as_deref(),
            price: e.price,
            qty: e.qty,
            asset: e.asset.as_deref(),
            address: e.address.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct Recon<'a> {
    account: &'a str,
    wallet: &'a str,
    asset: &'a str,
    opening: Option<Dec>,
    net_change: Dec,
    by_category: BTreeMap<&'static str, Dec>,
    expected_closing: Option<Dec>,
    observed_closing: Option<Dec>,
    residual: Option<Dec>,
    first_negative_at: Option<String>,
    unmatched_rows: Vec<UnmatchedJ<'a>>,
    /// Where the opening comes from (balances file line, or zero at the first export row).
    #[serde(skip_serializing_if = "Option::is_none")]
    opening_source: Option<&'a str>,
    /// Time of the observed closing (`null`: the end of the exports).
    #[serde(skip_serializing_if = "Option::is_none")]
    observed_at: Option<Option<String>>,
    /// The residual appeared after `after` (null: from the start) and by `by` (null: the end).
    #[serde(skip_serializing_if = "Option::is_none")]
    residual_located: Option<Located>,
    /// Every given balance that differs from the expected balance at its time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    balance_mismatches: Vec<MismatchJ>,
}

/// An unmatched row: its origin (file, row, table, time) and which leg of
/// it, with the change it stands for.
#[derive(Serialize)]
struct UnmatchedJ<'a> {
    file: &'a str,
    row: u32,
    table: &'static str,
    time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    leg: Option<&'static str>,
    change: Dec,
}

#[derive(Serialize)]
struct MismatchJ {
    /// Line in the balances file.
    line: u32,
    /// `null`: the end of the exports.
    at: Option<String>,
    observed: Dec,
    expected: Dec,
    /// observed − expected, exact.
    difference: Dec,
}

#[derive(Serialize)]
struct Located {
    after: Option<String>,
    by: Option<String>,
}

#[derive(Serialize)]
struct AttributionJ<'a> {
    asset: &'a str,
    inside: BTreeMap<&'a str, Dec>,
    outside: Dec,
    total: Dec,
}

impl<'a> AttributionJ<'a> {
    fn new(a: &'a Attribution) -> AttributionJ<'a> {
        AttributionJ {
            asset: &a.asset,
            inside: a.inside.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
            outside: a.outside,
            total: a.total,
        }
    }
}

impl<'a> Recon<'a> {
    fn new(r: &'a ReconRow, facts: Option<&'a RowFacts>) -> Recon<'a> {
        Recon {
            account: &r.account,
            wallet: &r.wallet,
            asset: &r.asset,
            opening: r.opening,
            net_change: r.net_change,
            by_category: r
                .by_category
                .iter()
                .filter(|(_, v)| !v.is_zero())
                .map(|(c, v)| (c.as_str(), *v))
                .collect(),
            expected_closing: r.expected_closing,
            observed_closing: r.observed_closing,
            residual: r.residual,
            first_negative_at: r.first_negative_at.map(rfc3339_ms),
            unmatched_rows: r
                .unmatched_rows
                .iter()
                .map(|u| UnmatchedJ {
                    file: &u.origin.file,
                    row: u.origin.row,
                    table: u.table,
                    time: rfc3339_ms(u.time),
                    leg: u.leg,
                    change: u.change,
                })
                .collect(),
            opening_source: facts.map(|f| f.opening_source.as_str()),
            observed_at: facts
                .filter(|_| r.observed_closing.is_some())
                .map(|f| f.observed_at.map(rfc3339_ms)),
            residual_located: facts.and_then(|f| f.residual_window).map(|(a, b)| Located {
                after: a.map(rfc3339_ms),
                by: b.map(rfc3339_ms),
            }),
            balance_mismatches: facts
                .map(|f| {
                    f.mismatches
                        .iter()
                        .map(|m| MismatchJ {
                            line: m.line,
                            at: m.at.map(rfc3339_ms),
                            observed: m.observed,
                            expected: m.expected,
                            difference: m.difference,
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{sample_analysis, XSS};
    use serde_json::{json, Value};

    fn schema_errors(doc: &Value) -> Vec<String> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/findings.schema.json"
        );
        let text = std::fs::read_to_string(path).expect("schema file");
        let schema: Value = serde_json::from_str(&text).expect("schema json");
        let v = jsonschema::validator_for(&schema).expect("schema compiles");
        v.iter_errors(doc).map(|e| e.to_string()).collect()
    }

    fn doc(a: &Analysis) -> Value {
        serde_json::from_slice(&findings_json(a).unwrap()).unwrap()
    }

    #[test]
    fn sample_validates_against_the_contract() {
        assert_eq!(
            schema_errors(&doc(&sample_analysis())),
            Vec::<String>::new()
        );
    }

    #[test]
    fn unknown_optional_values_are_left_out_and_still_validate() {
        let mut a = sample_analysis();
        a.first_time = None;
        a.inputs[0].first_time = None;
        a.detection.loss.reference = None;
        let j = doc(&a);
        assert_eq!(j["accounts"][0].get("first_time"), None);
        assert_eq!(j["inputs"][0].get("first_time"), None);
        assert_eq!(j["accounts"][0]["loss_estimate"].get("reference"), None);
        assert_eq!(schema_errors(&j), Vec::<String>::new());
    }

    #[test]
    fn header_and_account_fields() {
        let j = doc(&sample_analysis());
        assert_eq!(j["schema_version"], 1);
        assert_eq!(j["tool"]["name"], "binance-forensics");
        assert_eq!(j["tool"]["options"]["tz"], "UTC");
        // T0 + 1 800 000 ms = 22:00 + 30 min.
        assert_eq!(j["generated_at"], "2024-06-30T22:30:00.000Z");
        assert_eq!(j["accounts"][0]["verdict"], "compromised");
        assert_eq!(j["accounts"][0]["first_time"], "2024-06-30T20:15:00.000Z");
        assert_eq!(
            j["accounts"][0]["loss_estimate"]["reference"],
            json!({"asset": "USDT", "amount": "361.7"})
        );
        assert_eq!(j["inputs"][1]["path"], XSS);
        assert_eq!(j["inputs"][0]["kind"], "spot-orders");
        assert_eq!(j["inputs"][0]["rows_ignored"], 1);
        assert_eq!(
            j["inputs"][0]["rejections"][0],
            json!({"row": 5, "column": "Status", "reason": "cancelled with zero fill"})
        );
        assert_eq!(j["inputs"][0]["warnings"][0]["row"], Value::Null);
    }

    #[test]
    fn findings_statistics_and_evidence() {
        let j = doc(&sample_analysis());
        let f = &j["findings"];
        assert_eq!(f[0]["statistic"]["p_value"], 3.2e-9);
        // NaN p-value of the overpay finding becomes null.
        assert_eq!(f[1]["statistic"]["p_value"], Value::Null);
        assert_eq!(f[1]["value"], json!({"asset": "USDT", "amount": "11.2"}));
        assert_eq!(f[3].get("statistic"), None);
        let e = &f[1]["evidence"][1];
        assert_eq!(e["file"], XSS);
        assert_eq!(e["row"], 3);
        assert_eq!(e["table"], "fills");
        // T0 + 180 500 ms = 22:03:00.500.
        assert_eq!(e["time"], "2024-06-30T22:03:00.500Z");
        assert_eq!(e["price"], "0.0000141");
        assert_eq!(e["qty"], "7000000");
        assert_eq!(e["trade_id"], "5003");
        assert_eq!(f[2]["evidence"][0]["order_id"], Value::Null);
        assert_eq!(j["incidents"][0]["findings"][2], "withdrawal-sweep-0001");
    }

    #[test]
    fn reconciliation_keeps_only_non_zero_categories() {
        let j = doc(&sample_analysis());
        let r = &j["reconciliation"][0];
        assert_eq!(
            r["by_category"],
            json!({"buy": "-300.9", "deposit": "500", "withdrawal": "-250.5",
                   "withdrawal_fee": "-1"})
        );
        assert_eq!(r["net_change"], "-52.4");
        assert_eq!(r["residual"], "-0.1");
        assert_eq!(r["first_negative_at"], Value::Null);
        assert_eq!(
            r["unmatched_rows"],
            json!([{"file": "withdrawals.csv", "row": 2, "table": "transfers",
                    "time": "2024-06-30T22:02:00.000Z", "change": "-50"}])
        );
        let p = &j["reconciliation"][1];
        assert_eq!(p["opening"], Value::Null);
        assert_eq!(p["first_negative_at"], "2024-06-30T22:01:00.500Z");
    }

    #[test]
    fn reconciliation_says_where_openings_come_from_and_when_residuals_appear() {
        let j = doc(&sample_analysis());
        let r = &j["reconciliation"][0];
        assert_eq!(r["asset"], "USDT");
        assert!(r["opening_source"]
            .as_str()
            .unwrap()
            .starts_with("balances file line 2"));
        // T0 = 22:00, T0 + 1 h = 23:00.
        assert_eq!(r["observed_at"], "2024-06-30T23:00:00.000Z");
        assert_eq!(
            r["residual_located"],
            json!({"after": "2024-06-30T22:00:00.000Z", "by": "2024-06-30T23:00:00.000Z"})
        );
        // PEPE has no observed balance: no observed_at, no location.
        let p = &j["reconciliation"][1];
        assert_eq!(p.get("observed_at"), None);
        assert_eq!(p.get("residual_located"), None);
        assert_eq!(
            j["incident_attribution"][0],
            json!({"asset": "PEPE", "inside": {"incident-0001": "22977000"},
                   "outside": "0", "total": "22977000"})
        );
        assert_eq!(j["transfer_imbalances"], json!({"PEPE": "-5"}));
        assert!(schema_errors(&j).is_empty(), "{:?}", schema_errors(&j));
    }

    #[test]
    fn pretty_with_trailing_newline_and_stable_key_order() {
        let bytes = findings_json(&sample_analysis()).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("{\n  \"schema_version\": 1,\n  \"tool\": {"));
        assert!(text.ends_with("}\n"));
    }
}
