//! Rows whose number of fields differs from the header's: a truncated or
//! damaged line, or the last record of a file cut off inside a quoted
//! field. Refused (or, with --skip-errors, rejected and counted) before any
//! cell is read, so a short row is never read with cells missing. Nested
//! order histories (fill sub-rows) and empty extra cells are fine.

use crate::error::Error;
use crate::ingest::grid::Grid;
use crate::ingest::RawFile;
use crate::model::Rejection;

/// Why the last record of a file cut inside a quoted field is refused.
pub const CUT_OFF: &str =
    "the file ends inside a quoted field — the download was probably cut off; export again";

/// The grid without malformed rows (None when all rows are fine), and the
/// rejections for the rows taken out (and for a cut-off last record).
pub fn check(raw: &RawFile, skip_errors: bool) -> Result<(Option<Grid>, Vec<Rejection>), Error> {
    let mut rejections = Vec::new();
    if let Some(row) = raw.grid.cut_off {
        if !skip_errors {
            return Err(Error::input(
                &raw.display,
                Some(row),
                None,
                "",
                CUT_OFF,
                "download the export from Binance again, or use --skip-errors to read the rows \
                 before the cut (the cut line is counted as rejected)",
            ));
        }
        rejections.push(Rejection {
            row,
            column: None,
            reason: CUT_OFF.to_string(),
        });
    }
    if raw.sniffed.layout.id == "spot-orders/v1" {
        return Ok((None, rejections));
    }
    let want = raw.grid.header.len();
    let problem = |cells: &[String]| -> Option<String> {
        let n = cells.len();
        if n < want {
            Some(format!(
                "the row has {n} fields where the header has {want} (a truncated line?)"
            ))
        } else if cells[want..].iter().any(|c| !c.trim().is_empty()) {
            Some(format!(
                "the row has {n} fields where the header has {want} (a damaged line?)"
            ))
        } else {
            None
        }
    };
    let mut bad = Vec::new();
    for (i, cells) in raw.grid.rows.iter().enumerate() {
        if let Some(p) = problem(cells) {
            if !skip_errors {
                return Err(Error::input(
                    &raw.display,
                    Some(raw.grid.row_nos[i]),
                    None,
                    &cells.join(","),
                    &p,
                    "re-export or re-copy the file, or use --skip-errors to skip such rows (they are counted and listed)",
                ));
            }
            bad.push(i);
        }
    }
    if bad.is_empty() {
        return Ok((None, rejections));
    }
    let mut grid = raw.grid.clone();
    let mut removed = Vec::new();
    for &i in bad.iter().rev() {
        let cells = grid.rows.remove(i);
        let row = grid.row_nos.remove(i);
        removed.push(Rejection {
            row,
            column: None,
            reason: problem(&cells).unwrap_or_default(),
        });
    }
    removed.reverse();
    rejections.splice(0..0, removed);
    Ok((Some(grid), rejections))
}
