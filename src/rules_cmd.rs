//! `rules [ID]`: print each detector, its defaults with their rationale,
//! and its known false positives.

use crate::cli::RulesArgs;
use crate::detect::rules::{defaults_section, find, Rule, RULES};
use crate::error::{exit, Error};

/// The text printed for one rule.
pub fn render(r: &Rule) -> String {
    let mut s = format!(
        "{}\n  looks for: {}\n  severity: {}\n  known false positives: {}\n",
        r.id, r.looks_for, r.severity, r.false_positives
    );
    if let Some(sec) = r.section {
        s.push_str("  defaults (override with --config FILE):\n");
        for line in defaults_section(sec).lines() {
            s.push_str(&format!("    {line}\n"));
        }
    }
    s
}

/// The allowlists section: the user's own bots' symbols and addresses.
fn allowlists() -> String {
    format!(
        "allowlists\n  defaults (override with --config FILE):\n{}\n",
        defaults_section("allow")
            .lines()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

pub fn run(args: &RulesArgs) -> Result<i32, Error> {
    let text = match args.id.as_deref() {
        Some("allowlists") => allowlists(),
        Some(id) => match find(id) {
            Some(r) => render(r),
            None => {
                let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
                return Err(Error::Usage(format!(
                    "unknown rule `{id}`; valid rules: {}, allowlists",
                    ids.join(", ")
                )));
            }
        },
        None => {
            let mut s: Vec<String> = RULES.iter().map(render).collect();
            s.push(allowlists());
            s.join("\n")
        }
    };
    print!("{text}");
    Ok(exit::OK)
}
