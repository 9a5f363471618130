//! What `analyze` tells the terminal about its inputs beyond the verdict:
//! rejected rows, merged duplicates and warnings, so that nothing skipped
//! goes unnoticed by someone who never opens `findings.json`.

use crate::analysis::Analysis;
use crate::model::InputSummary;

/// Warnings and rejections listed per file before "… and N more".
const SHOWN: usize = 5;

/// Lines to print (stderr) about the inputs; `verbose` lists everything.
pub fn input_notes(inputs: &[InputSummary], verbose: bool) -> Vec<String> {
    let mut out = Vec::new();
    let limit = if verbose { usize::MAX } else { SHOWN };
    for i in inputs {
        if i.rows_rejected > 0 {
            let ignored = match i.rows_ignored {
                0 => String::new(),
                n => format!(", {n} ignored"),
            };
            out.push(format!(
                "{}: {} row(s) rejected{ignored} and not counted (findings.json inputs[].rejections)",
                i.path, i.rows_rejected
            ));
            for r in i.rejections.iter().take(limit) {
                let col = r
                    .column
                    .as_deref()
                    .map(|c| format!(", column `{c}`"))
                    .unwrap_or_default();
                out.push(format!("  row {}{col}: {}", r.row, r.reason));
            }
            more(&mut out, i.rejections.len(), limit);
        }
        if i.rows_duplicate > 0 {
            out.push(format!(
                "{}: {} row(s) already in another export, counted once",
                i.path, i.rows_duplicate
            ));
        }
        for w in i.warnings.iter().take(limit) {
            let row = w.row.map(|r| format!(" (row {r})")).unwrap_or_default();
            out.push(format!(
                "{}: warning {}{row}: {}",
                i.path, w.code, w.message
            ));
        }
        more(&mut out, i.warnings.len(), limit);
    }
    out
}

/// Every given balance the exports contradict (the observed closing
/// included), exact; empty when all agree or no balances were given.
pub fn balance_notes(a: &Analysis) -> Vec<String> {
    a.balances
        .rows
        .iter()
        .flat_map(|f| {
            f.mismatches.iter().map(move |m| {
                format!(
                    "{} {}: balances file line {}: observed {}, expected {}, difference {}",
                    f.wallet, f.asset, m.line, m.observed, m.expected, m.difference
                )
            })
        })
        .collect()
}

fn more(out: &mut Vec<String>, n: usize, limit: usize) {
    if n > limit {
        out.push(format!("  … and {} more (-v lists all)", n - limit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileKind, Rejection, Warning};

    fn input(rejected: usize, warnings: usize) -> InputSummary {
        InputSummary {
            path: "a/statement.csv".into(),
            sha256: String::new(),
            kind: FileKind::Statement,
            layout: "S-v1".into(),
            account: "1".into(),
            time_zone: "UTC".into(),
            first_time: None,
            last_time: None,
            rows_read: 10 + rejected as u64,
            rows_normalized: 8,
            rows_rejected: rejected as u64,
            rows_duplicate: 2,
            rows_ignored: 0,
            rejections: (0..rejected)
                .map(|k| Rejection {
                    row: 2 + k as u32,
                    column: Some("Change".into()),
                    reason: "not a number".into(),
                })
                .collect(),
            warnings: (0..warnings)
                .map(|_| Warning {
                    code: "tz-unknown".into(),
                    row: None,
                    message: "no offset; read as UTC".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn rejections_duplicates_and_warnings_are_announced() {
        let lines = input_notes(&[input(1, 1)], false);
        assert_eq!(
            lines,
            [
                "a/statement.csv: 1 row(s) rejected and not counted (findings.json inputs[].rejections)",
                "  row 2, column `Change`: not a number",
                "a/statement.csv: 2 row(s) already in another export, counted once",
                "a/statement.csv: warning tz-unknown: no offset; read as UTC",
            ]
        );
    }

    #[test]
    fn ignored_rows_listed_with_the_rejections_are_counted_apart() {
        let mut i = input(1, 0);
        i.rows_ignored = 1;
        i.rejections.push(Rejection {
            row: 5,
            column: None,
            reason: "blank row".into(),
        });
        let lines = input_notes(&[i], false);
        assert_eq!(
            lines[0],
            "a/statement.csv: 1 row(s) rejected, 1 ignored and not counted (findings.json inputs[].rejections)"
        );
        assert_eq!(lines[2], "  row 5: blank row");
    }

    #[test]
    fn long_lists_are_cut_unless_verbose() {
        let short = input_notes(&[input(8, 0)], false);
        assert_eq!(short.len(), 1 + SHOWN + 1 + 1);
        assert!(short.contains(&"  … and 3 more (-v lists all)".to_string()));
        assert_eq!(input_notes(&[input(8, 0)], true).len(), 1 + 8 + 1);
    }
}
