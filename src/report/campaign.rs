//! The joint report of `compare`: `findings.json` (the contract, plus a
//! `campaigns` array), `index.html`, `ticket.txt`, `campaign.png` and
//! `accounts.csv` (the per-account table). Plain data in, bytes out.

use super::json::{Amount, EvidenceJ, FindingJ, IncidentJ, Input, SCHEMA_VERSION, TOOL_NAME};
use super::Rendered;
use crate::compare::{AccountSummary, Campaign, CampaignMember, CompareResult};
use crate::detect::finding::{Incident, LossEstimate};
use crate::timefmt::rfc3339_ms;
use serde::Serialize;
use std::collections::BTreeMap;

/// Everything the joint report shows.
pub struct CompareReport<'a> {
    pub tool_version: String,
    pub options: BTreeMap<String, String>,
    pub generated_at: i64,
    pub result: &'a CompareResult,
}

/// Render every output, sorted by file name.
pub fn render(r: &CompareReport<'_>) -> Result<Rendered, String> {
    let png = super::campaign_chart::campaign_png(r.result)?;
    let mut files = vec![
        (
            "accounts.csv".to_string(),
            super::campaign_text::accounts_csv(r.result)?,
        ),
        ("campaign.png".to_string(), png.clone()),
        ("findings.json".to_string(), findings_json(r)?),
        (
            "index.html".to_string(),
            super::campaign_html::index_html(r, &png)?,
        ),
        (
            "ticket.txt".to_string(),
            super::campaign_text::ticket_txt(r),
        ),
    ];
    files.sort_by(|x, y| x.0.cmp(&y.0));
    Ok(Rendered { files })
}

/// Pretty-printed `findings.json` of a compare run, with a trailing newline.
pub fn findings_json(r: &CompareReport<'_>) -> Result<Vec<u8>, String> {
    let res = r.result;
    // Incident ids are per account; prefix them so they stay unique.
    let incidents: Vec<Incident> = res
        .accounts
        .iter()
        .flat_map(|a| {
            a.incidents.iter().map(move |i| {
                let mut i = i.clone();
                i.id = format!("{}/{}", a.account, i.id);
                i.findings = i
                    .findings
                    .iter()
                    .map(|f| format!("{}/{f}", a.account))
                    .collect();
                i
            })
        })
        .collect();
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: TOOL_NAME,
            version: &r.tool_version,
            command: "compare",
            options: &r.options,
        },
        generated_at: rfc3339_ms(r.generated_at),
        inputs: res
            .accounts
            .iter()
            .flat_map(|a| a.inputs.iter().map(Input::new))
            .collect(),
        accounts: res.accounts.iter().map(AccountJ::new).collect(),
        incidents: incidents.iter().map(IncidentJ::new).collect(),
        findings: res.findings.iter().map(FindingJ::new).collect(),
        reconciliation: Vec::new(),
        campaigns: res.campaigns.iter().map(CampaignJ::new).collect(),
    };
    let mut out = serde_json::to_vec_pretty(&doc)
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
    accounts: Vec<AccountJ<'a>>,
    incidents: Vec<IncidentJ<'a>>,
    findings: Vec<FindingJ<'a>>,
    /// Per-account reconciliations are not kept by `compare` (run `analyze`
    /// on an account for its bridge).
    reconciliation: Vec<()>,
    campaigns: Vec<CampaignJ<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
    command: &'static str,
    options: &'a BTreeMap<String, String>,
}

#[derive(Serialize)]
struct LossJ<'a> {
    by_asset: Vec<Amount<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<Amount<'a>>,
    method: &'a str,
}

impl<'a> LossJ<'a> {
    fn new(l: &'a LossEstimate) -> LossJ<'a> {
        LossJ {
            by_asset: l.by_asset.iter().map(Amount::new).collect(),
            reference: l.reference.as_ref().map(Amount::new),
            method: &l.method,
        }
    }
}

#[derive(Serialize)]
struct AccountJ<'a> {
    account: &'a str,
    verdict: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_time: Option<String>,
    loss_estimate: LossJ<'a>,
    directory: &'a str,
    suspect: bool,
}

impl<'a> AccountJ<'a> {
    fn new(a: &'a AccountSummary) -> AccountJ<'a> {
        AccountJ {
            account: &a.account,
            verdict: a.verdict.as_str(),
            first_time: a.first_time.map(rfc3339_ms),
            last_time: a.last_time.map(rfc3339_ms),
            loss_estimate: LossJ::new(&a.loss),
            directory: &a.dir,
            suspect: a.suspect,
        }
    }
}

#[derive(Serialize)]
struct CampaignJ<'a> {
    id: &'a str,
    symbol: &'a str,
    start: String,
    end: String,
    accounts: Vec<MemberJ<'a>>,
    total: TotalJ<'a>,
}

#[derive(Serialize)]
struct TotalJ<'a> {
    by_asset: Vec<Amount<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<Amount<'a>>,
}

impl<'a> CampaignJ<'a> {
    fn new(c: &'a Campaign) -> CampaignJ<'a> {
        CampaignJ {
            id: &c.finding.id,
            symbol: &c.symbol,
            start: rfc3339_ms(c.start),
            end: rfc3339_ms(c.end),
            accounts: c.members.iter().map(MemberJ::new).collect(),
            total: TotalJ {
                by_asset: c.total_by_asset.iter().map(Amount::new).collect(),
                reference: c.total_reference.as_ref().map(Amount::new),
            },
        }
    }
}

#[derive(Serialize)]
struct MemberJ<'a> {
    account: &'a str,
    verdict: &'static str,
    start: String,
    end: String,
    loss_estimate: LossJ<'a>,
    shared_findings: &'a [String],
    shared_prices: usize,
    evidence: Vec<EvidenceJ<'a>>,
}

impl<'a> MemberJ<'a> {
    fn new(m: &'a CampaignMember) -> MemberJ<'a> {
        MemberJ {
            account: &m.account,
            verdict: m.verdict.as_str(),
            start: rfc3339_ms(m.start),
            end: rfc3339_ms(m.end),
            loss_estimate: LossJ::new(&m.loss),
            shared_findings: &m.shared,
            shared_prices: m.shared_prices,
            evidence: m.evidence.iter().map(EvidenceJ::new).collect(),
        }
    }
}
