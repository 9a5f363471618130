//! XLSX → `Grid`: the first sheet with a known header (sheet names vary:
//! `sheet1`, `sheet1 1`, …). Cells may be text, numbers or Excel dates;
//! every cell becomes text (dates as `YYYY-MM-DD HH:MM:SS`, numbers in their
//! shortest exact decimal form).

use super::grid::{clean_header_cell, is_blank, is_known_header, Grid, HEADER_SEARCH_LINES};
use crate::error::Error;
use calamine::{open_workbook_auto_from_rs, Data, Reader};
use std::io::Cursor;

pub fn read_xlsx(display: &str, bytes: &[u8]) -> Result<Grid, Error> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Error::input(
            display,
            None,
            None,
            "",
            &format!("cannot open as a spreadsheet: {e}"),
            "is the file complete? Binance .xlsx files are zip archives; re-download it",
        )
    })?;
    let mut first_seen: Option<String> = None;
    // (sheet, rows, header index, first row number) of the first table with
    // an unrecognized header, for recognition by value shape.
    let mut fallback: Option<(String, Vec<Vec<String>>, usize, u32)> = None;
    let sheets = book.worksheets();
    // Sheets with any non-blank cell, for the warning about unread ones.
    let with_data: Vec<String> = sheets
        .iter()
        .filter(|(_, r)| {
            r.used_cells()
                .any(|(_, _, c)| !cell_text(c).trim().is_empty())
        })
        .map(|(n, _)| n.clone())
        .collect();
    let others =
        |read: &str| -> Vec<String> { with_data.iter().filter(|n| *n != read).cloned().collect() };
    for (name, range) in sheets {
        let start_row = range.start().map(|(r, _)| r).unwrap_or(0);
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(cell_text).collect())
            .collect();
        for (idx, cells) in rows.iter().enumerate().take(HEADER_SEARCH_LINES) {
            let header: Vec<String> = cells.iter().map(|c| clean_header_cell(c)).collect();
            if first_seen.is_none() && !is_blank(&header) {
                first_seen = Some(header.join(","));
            }
            if fallback.is_none() && header.iter().filter(|c| !c.is_empty()).count() >= 2 {
                fallback = Some((name.clone(), rows.clone(), idx, start_row));
            }
            if is_known_header(&header) {
                let mut grid = grid_from(&name, &rows, idx, start_row);
                grid.other_sheets = others(&name);
                return Ok(grid);
            }
        }
    }
    if let Some((name, rows, idx, start_row)) = fallback {
        let mut grid = grid_from(&name, &rows, idx, start_row);
        grid.other_sheets = others(&name);
        return Ok(grid);
    }
    Err(Error::input(
        display,
        Some(1),
        None,
        &first_seen.unwrap_or_default(),
        "no sheet with a known Binance export header",
        "is this a Binance export? Use --skip-errors to list it as `unknown` and continue",
    ))
}

/// The grid of one sheet whose header is row `idx` of `rows`.
fn grid_from(sheet: &str, rows: &[Vec<String>], idx: usize, start_row: u32) -> Grid {
    let mut header: Vec<String> = rows[idx].iter().map(|c| clean_header_cell(c)).collect();
    // Trim trailing empty header cells.
    while header.last().is_some_and(|c| c.is_empty()) {
        header.pop();
    }
    let mut grid = Grid {
        header,
        header_row: start_row + idx as u32 + 1,
        preamble_lines: idx as u32,
        delimiter: b',',
        sheet: Some(sheet.to_string()),
        ..Grid::default()
    };
    // Trailing blank rows of a sheet's used range are not rows the user sees.
    for (j, cells) in rows.iter().enumerate().skip(idx + 1) {
        let row_no = start_row + j as u32 + 1;
        if is_blank(cells) {
            grid.blank_rows.push(row_no);
        } else {
            grid.rows.push(cells.clone());
            grid.row_nos.push(row_no);
        }
    }
    grid
}

/// Text of one cell.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => float_text(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.replace('T', " "),
        Data::Error(e) => format!("#ERR:{e}"),
    }
}

/// A numeric cell as plain decimal text with at most 15 significant digits,
/// as Excel shows and keeps it: `0.1 + 0.2` stored as 0.30000000000000004
/// reads `0.3`; the float's last bits are representation noise, not money.
fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return format!("{f}");
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let sci = format!("{f:.14e}"); // `-3.00000000000000e-1`
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return format!("{f}");
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return format!("{f}");
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // value = 0.d1 d2 … d15 × 10^(exp + 1)
    let point = exp + 1;
    let mut text = if point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    };
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    match f < 0.0 {
        true => format!("-{text}"),
        false => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_as_plain_decimals() {
        assert_eq!(float_text(0.1), "0.1");
        assert_eq!(float_text(1500.0), "1500");
        assert_eq!(float_text(-0.00000007), "-0.00000007");
        // Excel's 15 significant digits: float noise gone, digits kept.
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(1234.5678), "1234.5678");
        assert_eq!(float_text(-0.9049715199999999), "-0.90497152");
        assert_eq!(float_text(123456789.0123457 / 1e12), "0.000123456789012346");
        assert_eq!(float_text(60013.8747213736), "60013.8747213736");
        assert_eq!(float_text(12345678.0 + 0.123456789), "12345678.1234568");
    }

    #[test]
    fn refuses_a_file_that_is_not_a_workbook() {
        let e = read_xlsx("x.xlsx", b"this is not a zip").unwrap_err();
        assert!(e.to_string().starts_with("x.xlsx"), "{e}");
        assert_eq!(e.exit_code(), 2);
    }
}
