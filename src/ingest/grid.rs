//! `Grid`: the raw text cells of one sheet or CSV file, with the header found
//! and every row's 1-based line (CSV) or row (XLSX) number.

use super::resolve::resolve_header;

/// Raw cells of one file, header located.
#[derive(Debug, Default, Clone)]
pub struct Grid {
    /// Header cells as written (BOM and surrounding quotes removed).
    pub header: Vec<String>,
    /// 1-based line/row of the header.
    pub header_row: u32,
    /// Data rows (header excluded, blank rows excluded).
    pub rows: Vec<Vec<String>>,
    /// Line/row number of each entry of `rows`.
    pub row_nos: Vec<u32>,
    /// Blank rows after the header (ignored, counted).
    pub blank_rows: Vec<u32>,
    /// Line of the last record when the file ends inside one of its quoted
    /// fields (a cut-off download): that record is not in `rows`; it is
    /// refused, or with `--skip-errors` counted as rejected.
    pub cut_off: Option<u32>,
    /// Lines end in a carriage return alone (a classic Mac save), read as
    /// line ends.
    pub cr_line_ends: bool,
    /// Lines of the body longer than the reader takes (not in `rows`), for
    /// `row_shape::check` to refuse or reject.
    pub long_rows: Vec<u32>,
    /// Lines before the header that were skipped (a preamble).
    pub preamble_lines: u32,
    /// Field delimiter for CSV (`b','` for XLSX).
    pub delimiter: u8,
    /// Rows whose whole line was wrapped in quotes and had to be unwrapped.
    pub unwrapped_rows: u32,
    /// XLSX sheet name.
    pub sheet: Option<String>,
    /// Other sheets of the workbook that hold data and were not read.
    pub other_sheets: Vec<String>,
}

/// How many leading lines to search for the header.
pub const HEADER_SEARCH_LINES: usize = 20;

/// Whether a list of cells is a known header (some layout matches).
pub fn is_known_header(cells: &[String]) -> bool {
    resolve_header(cells).is_some()
}

/// Clean one header cell: BOM, quotes and spaces removed.
pub fn clean_header_cell(c: &str) -> String {
    c.trim_start_matches('\u{feff}')
        .trim()
        .trim_matches('"')
        .trim()
        .to_string()
}

/// True when every cell is empty after trimming.
pub fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}
