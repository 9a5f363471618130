//! Rows whose number of fields differs from the header's: a truncated or
//! damaged line, a stray delimiter, or the last record of a file cut off
//! inside a quoted field. Refused (or, with --skip-errors, rejected and
//! counted) before any cell is read, so a short row is never read with
//! cells missing. Nested order histories (fill sub-rows) are fine.
//!
//! Longer rows. Binance exports (and spreadsheets re-saving them) may end
//! rows with a trailing delimiter, an empty extra field; so may an XLSX
//! sheet whose used range is wider than its header. So the rule is:
//!
//! - a row with more fields than the header and any extra field non-empty
//!   is refused here (its cells cannot be placed);
//! - a row whose extra fields are all empty is a trailing delimiter when
//!   no row of the file at least as wide as the header is narrower (every
//!   row of such a file ends so), and is read with its cells as they stand;
//! - in a CSV, a row wider than another row at least as wide as the header
//!   is refused as a row of N fields where the header has M: a stray
//!   delimiter inside an unquoted value (`Buy, Crypto`, `0,5`) shifted the
//!   cells after it into an empty last column, so even cells that read
//!   would hold their neighbours' values;
//! - an XLSX sheet's used range may be wider than its header: there the
//!   extra empty cells are ignored. When a cell of such a row cannot be
//!   read, [`shift_suspected`] decides whether to name the cell or the
//!   row's shape.
//!
//! A row of a trailing-delimiter file is as wide as the file's usual row,
//! so a bad cell there is reported as that cell. The fast reader takes
//! only files whose rows are exactly as wide as the header.

use crate::error::Error;
use crate::ingest::grid::Grid;
use crate::ingest::RawFile;
use crate::model::Rejection;

/// Why the last record of a file cut inside a quoted field is refused.
pub const CUT_OFF: &str =
    "the file ends inside a quoted field — the download was probably cut off; export again";

/// The layout whose rows legitimately differ in width (fill sub-rows).
const NESTED_ORDERS: &str = "spot-orders/v1";

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
    for &row in &raw.grid.long_rows {
        let reason = format!(
            "line longer than {} bytes",
            crate::ingest::csv::MAX_LINE_BYTES
        );
        if !skip_errors {
            return Err(Error::input(
                &raw.display,
                Some(row),
                None,
                "",
                &reason,
                "this does not look like a Binance export; check the file, or use --skip-errors \
                 to read the other lines (such a line is counted as rejected)",
            ));
        }
        rejections.push(Rejection {
            row,
            column: None,
            reason,
        });
    }
    if raw.sniffed.layout.id == NESTED_ORDERS {
        return Ok((None, rejections));
    }
    let want = raw.grid.header.len();
    // The narrowest row at least as wide as the header: in a file whose
    // every row ends in a delimiter, the header's width plus one.
    let floor = raw
        .grid
        .rows
        .iter()
        .map(Vec::len)
        .filter(|&n| n >= want)
        .min()
        .unwrap_or(want);
    let csv = raw.grid.sheet.is_none();
    let problem = |cells: &[String]| -> Option<String> {
        let n = cells.len();
        if n < want {
            Some(format!(
                "the row has {n} fields where the header has {want} (a truncated line?)"
            ))
        } else if cells[want..].iter().any(|c| !c.trim().is_empty()) {
            Some(format!(
                "the row has {n} fields where the header has {want} (a stray delimiter inside \
                 an unquoted value, or a damaged line?)"
            ))
        } else if csv && n > floor {
            Some(format!(
                "the row has {n} fields where the header has {want} and other rows {floor} (a \
                 stray delimiter inside an unquoted value, such as `0,5`, shifted the cells \
                 after it?)"
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
                    "quote a value that holds the delimiter, re-export or re-copy the file, or use \
                     --skip-errors to skip such rows (they are counted and listed)",
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

/// The usual number of fields of the grid's rows (the most frequent; the
/// smaller on a tie), 0 without rows.
pub fn usual_width(grid: &Grid) -> usize {
    let mut counts = std::collections::BTreeMap::<usize, usize>::new();
    for r in &grid.rows {
        *counts.entry(r.len()).or_default() += 1;
    }
    // `max_by_key` keeps the last maximum: iterate from the widest down.
    counts
        .iter()
        .rev()
        .max_by_key(|(_, n)| **n)
        .map_or(0, |(w, _)| *w)
}

/// For a cell of row `i` that cannot be read: the row's shape problem when
/// the row is wider than the header and than the file's `usual` row, in a
/// CSV file of a flat layout — a stray delimiter has probably shifted its
/// cells. `None` when the cell's own problem is the right message.
pub fn shift_suspected(grid: &Grid, layout_id: &str, usual: usize, i: usize) -> Option<String> {
    let n = grid.rows.get(i)?.len();
    let want = grid.header.len();
    let csv = grid.sheet.is_none();
    (csv && layout_id != NESTED_ORDERS && n > want && n != usual).then(|| {
        format!(
            "the row has {n} fields where the header has {want} (a stray delimiter inside an \
             unquoted value?)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read_general;
    use crate::ingest::sniff::SniffOptions;
    use crate::normalize::normalize_file;

    const HEAD: &str = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n";

    fn read(text: &str, skip_errors: bool) -> Result<crate::normalize::NormalizedFile, Error> {
        let raw = read_general("s.csv", None, text.as_bytes(), &SniffOptions::default())?;
        normalize_file(raw, "acct", skip_errors)
    }

    /// The error of a file that must be refused without --skip-errors.
    fn refused(text: &str) -> String {
        match read(text, false) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("read, not refused: {text}"),
        }
    }

    fn changes(f: &crate::normalize::NormalizedFile) -> Vec<String> {
        f.rows.ledger.iter().map(|r| r.change.to_string()).collect()
    }

    #[test]
    fn a_trailing_delimiter_on_every_row_is_read() {
        // Every row ends with one more, empty, field: 8 fields under 7 names.
        let text = format!(
            "{HEAD}1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,,\n\
             1,2024-01-02 00:00:00,Spot,Withdraw,USDT,-4,note,\n"
        );
        let f = read(&text, false).unwrap();
        assert_eq!(changes(&f), ["10", "-4"]);
        assert_eq!(f.summary.rows_rejected, 0);
        // A bad cell of such a row is named as that cell, not as a shift.
        let bad = format!(
            "{HEAD}1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,,\n\
             1,2024-01-02 00:00:00,Spot,Withdraw,USDT,abc,,\n"
        );
        let e = refused(&bad);
        assert!(
            e.starts_with("s.csv line 3, column `Change`, value `abc`:"),
            "{e}"
        );
    }

    #[test]
    fn a_row_shifted_by_a_stray_delimiter_is_refused_as_a_row_of_too_many_fields() {
        // Line 3: `Buy, Crypto` unquoted; the cells after it moved right and
        // the row ends in an empty extra field (the empty Remark).
        let shifted = "1,2024-01-02 00:00:00,Spot,Buy, Crypto,USDT,10,";
        let text = format!(
            "{HEAD}1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n{shifted}\n\
             1,2024-01-03 00:00:00,Spot,Withdraw,USDT,-4,\n"
        );
        let e = refused(&text);
        assert!(
            e.starts_with(&format!(
                "s.csv line 3, value `{shifted}`: the row has 8 fields where the header has 7 \
                 and other rows 7 (a stray delimiter inside an unquoted value, such as `0,5`, \
                 shifted the cells after it?). Hint: quote a value that holds the delimiter"
            )),
            "{e}"
        );
        // With --skip-errors: rejected with that reason, the others read.
        let f = read(&text, true).unwrap();
        assert_eq!(changes(&f), ["10", "-4"]);
        let s = &f.summary;
        assert_eq!((s.rows_read, s.rows_normalized, s.rows_rejected), (3, 2, 1));
        assert_eq!(s.rejections[0].row, 3);
        assert_eq!(s.rejections[0].column, None);
        assert!(
            s.rejections[0].reason.starts_with(
                "the row has 8 fields where the header has 7 and other rows 7 (a stray"
            ),
            "{}",
            s.rejections[0].reason
        );
        // In a trailing-delimiter file the shifted row is one field wider
        // still (9), its extras empty: refused the same way.
        let text = format!(
            "{HEAD}1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,,\n{shifted},\n\
             1,2024-01-03 00:00:00,Spot,Withdraw,USDT,-4,,\n"
        );
        let e = refused(&text);
        assert!(
            e.contains("line 3, value `1,2024-01-02 00:00:00,Spot,Buy, Crypto,USDT,10,,`: the row has 9 fields where the header has 7 and other rows 8 (a stray delimiter"),
            "{e}"
        );
    }

    #[test]
    fn a_row_shifted_into_its_time_column_is_named_as_a_row_of_too_many_fields() {
        // Line 3: a stray comma inside the user id moved `1` under UTC_Time.
        let text = format!(
            "{HEAD}7,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n\
             7,1,2024-01-02 00:00:00,Spot,Deposit,USDT,10,\n"
        );
        let e = refused(&text);
        assert!(
            e.starts_with(
                "s.csv line 3, value `7,1,2024-01-02 00:00:00,Spot,Deposit,USDT,10,`: the row has \
                 8 fields where the header has 7 and other rows 7 (a stray delimiter"
            ),
            "{e}"
        );
    }

    #[test]
    fn a_shifted_row_whose_cells_all_read_is_refused_too() {
        // Line 3: `0,5` unquoted, the Remark empty: as the cells stand the
        // change would be 0 and the remark `5` — wrong without any cell
        // failing. The row is one field wider than the others: refused.
        let text = format!(
            "{HEAD}1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n\
             1,2024-01-02 00:00:00,Spot,Deposit,USDT,0,5,\n\
             1,2024-01-03 00:00:00,Spot,Withdraw,USDT,-4,\n"
        );
        let e = refused(&text);
        assert!(
            e.starts_with("s.csv line 3, value `1,2024-01-02 00:00:00,Spot,Deposit,USDT,0,5,`: the row has 8 fields where the header has 7 and other rows 7"),
            "{e}"
        );
        let f = read(&text, true).unwrap();
        assert_eq!(changes(&f), ["10", "-4"]);
        assert_eq!(f.summary.rows_rejected, 1);
        // In a file whose every row ends in a delimiter, the same width is
        // the usual one: read.
        let text = format!(
            "{HEAD}1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,,\n\
             1,2024-01-02 00:00:00,Spot,Deposit,USDT,0.5,,\n"
        );
        assert_eq!(changes(&read(&text, false).unwrap()), ["10", "0.5"]);
        // Shifted rows the majority (`10,5` and `3,25` with empty remarks),
        // one row as wide as the header: the wider rows are refused.
        let text = format!(
            "{HEAD}1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,5,\n\
             1,2024-01-01 00:00:01,Spot,Deposit,USDT,3,25,\n\
             1,2024-01-01 00:00:02,Spot,Deposit,USDT,7,\n"
        );
        let f = read(&text, true).unwrap();
        assert_eq!(changes(&f), ["7"]);
        assert_eq!(f.summary.rows_rejected, 2);
        assert!(f.summary.rejections[0]
            .reason
            .contains("8 fields where the header has 7 and other rows 7"));
    }

    #[test]
    fn usual_width_is_the_most_frequent_and_the_smaller_on_a_tie() {
        let grid = |widths: &[usize]| Grid {
            rows: widths.iter().map(|&w| vec![String::new(); w]).collect(),
            ..Grid::default()
        };
        assert_eq!(usual_width(&grid(&[7, 8, 8])), 8);
        assert_eq!(usual_width(&grid(&[8, 7])), 7);
        assert_eq!(usual_width(&grid(&[8, 9, 7, 9, 7])), 7);
        assert_eq!(usual_width(&grid(&[])), 0);
    }
}
