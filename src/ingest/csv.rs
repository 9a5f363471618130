//! CSV text → `Grid`: BOM, preamble lines, `,`/`;`/tab delimiters, CRLF,
//! whole-line quoted rows (`"a,b,""1,5"""`), blank rows.

use super::grid::{clean_header_cell, is_blank, is_known_header, Grid, HEADER_SEARCH_LINES};
use crate::error::Error;

/// Longest line accepted (a guard against garbage files).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Parse CSV bytes. `display` names the file in errors.
pub fn read_csv(display: &str, bytes: &[u8]) -> Result<Grid, Error> {
    let text = decode(display, bytes)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Lines ended by a carriage return alone (a classic Mac save) are lines:
    // read as one header line they would hide every row.
    let cr_line_ends = text.contains('\r') && !text.contains('\n');
    let unix_text;
    let text = match cr_line_ends {
        true => {
            unix_text = text.replace('\r', "\n");
            unix_text.as_str()
        }
        false => text,
    };
    if text.trim().is_empty() {
        return Err(Error::input(
            display,
            None,
            None,
            "",
            "the file is empty (not even a header line)",
            "an export of a quiet period still has a header line; was the file truncated while copying?",
        ));
    }
    let (header_line, delimiter, header, header_offset) = find_header(display, text)?;
    let mut grid = Grid {
        header,
        header_row: header_line as u32 + 1,
        preamble_lines: header_line as u32,
        delimiter,
        cr_line_ends,
        ..Grid::default()
    };
    let body = &text[header_offset..];
    // A file cut off inside a quoted field (an interrupted download): the
    // rows before the cut record are read; the cut record is only noted, for
    // `row_shape::check` to refuse or reject it with its line number.
    let body = match cut_record(body, delimiter) {
        Some((byte, line)) => {
            grid.cut_off = Some(grid.header_row.saturating_add(line));
            &body[..byte]
        }
        None => body,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let n_cols = grid.header.len();
    let mut rec = csv::StringRecord::new();
    // Line numbers are counted from byte offsets: the reader skips empty
    // lines without counting them in its own positions.
    let (mut seen_byte, mut seen_line) = (0usize, grid.header_row as u64 + 1);
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let byte = e.position().map(|p| p.byte() as usize).unwrap_or(seen_byte);
                let line = seen_line + count_newlines(body, seen_byte, byte);
                return Err(Error::input(
                    display,
                    Some(line as u32),
                    None,
                    "",
                    &format!("cannot read this CSV line: {e}"),
                    "is the file complete and saved as CSV (UTF-8)?",
                ));
            }
        }
        let mut byte = rec
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(seen_byte);
        // The reported start can be that of the empty lines skipped before it.
        while matches!(body.as_bytes().get(byte), Some(b'\n' | b'\r')) {
            byte += 1;
        }
        seen_line += count_newlines(body, seen_byte, byte);
        seen_byte = byte.max(seen_byte);
        let row_no = u32::try_from(seen_line).unwrap_or(u32::MAX);
        if rec.as_slice().len() > MAX_LINE_BYTES {
            grid.long_rows.push(row_no);
            continue;
        }
        let mut cells: Vec<String> = rec.iter().map(|c| c.to_string()).collect();
        if cells.len() == 1 && n_cols > 1 && cells[0].contains(delimiter as char) {
            cells = split_line(&cells[0], delimiter);
            grid.unwrapped_rows += 1;
        }
        if is_blank(&cells) {
            grid.blank_rows.push(row_no);
            continue;
        }
        grid.rows.push(cells);
        grid.row_nos.push(row_no);
    }
    Ok(grid)
}

/// The record that a quoted field never closed belongs to (the file ends
/// inside it): its byte offset and 1-based line within `text`. Read the way
/// the CSV reader does: a quote opens a field only at its start, `""` inside
/// quotes is a quote, a line end outside quotes ends a record, and empty
/// lines are skipped.
fn cut_record(text: &str, delimiter: u8) -> Option<(usize, u32)> {
    let b = text.as_bytes();
    let (mut quoted, mut field_start, mut record_start) = (false, true, true);
    let mut line = 1u32;
    let mut start = (0usize, 1u32);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if quoted {
            if c == b'"' {
                if b.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else {
            let line_end = c == b'\n' || c == b'\r';
            if record_start && !line_end {
                start = (i, line);
                record_start = false;
            }
            if c == b'"' && field_start {
                quoted = true;
            }
            field_start = c == delimiter || line_end;
            record_start |= line_end;
        }
        if c == b'\n' {
            line = line.saturating_add(1);
        }
        i += 1;
    }
    quoted.then_some(start)
}

fn too_long(display: &str, line: u32) -> Error {
    Error::input(
        display,
        Some(line),
        None,
        "",
        &format!("line longer than {MAX_LINE_BYTES} bytes"),
        "this does not look like a Binance export; check the file",
    )
}

/// Newlines in `text[from..to]` (0 when the range is empty or invalid).
fn count_newlines(text: &str, from: usize, to: usize) -> u64 {
    text.as_bytes()
        .get(from..to)
        .map(|b| b.iter().filter(|&&c| c == b'\n').count() as u64)
        .unwrap_or(0)
}

/// UTF-8 text, or a clear refusal for binary data.
fn decode<'a>(display: &str, bytes: &'a [u8]) -> Result<&'a str, Error> {
    let looks_binary = bytes.iter().take(8192).any(|&b| b == 0);
    match std::str::from_utf8(bytes) {
        Ok(t) if !looks_binary => Ok(t),
        _ => Err(Error::input(
            display,
            None,
            None,
            "",
            "not a text CSV file (binary data or not UTF-8)",
            "export the history again from Binance; an .xlsx export must keep its .xlsx name",
        )),
    }
}

/// Parse one line as a CSV record with the given delimiter.
fn split_line(line: &str, delimiter: u8) -> Vec<String> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut rec = csv::StringRecord::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => rec.iter().map(|c| c.to_string()).collect(),
        _ => vec![line.to_string()],
    }
}

/// Header cells of one physical line, with whole-line quoting undone.
fn header_cells(line: &str, delimiter: u8) -> Vec<String> {
    let mut cells = split_line(line, delimiter);
    if cells.len() == 1 && cells[0].contains(delimiter as char) {
        cells = split_line(&cells[0], delimiter);
    }
    cells.iter().map(|c| clean_header_cell(c)).collect()
}

/// Find the header among the first lines: (line index, delimiter, cells,
/// byte offset of the line after it). A line of known header names wins;
/// failing that, the first line that splits like the line after it is taken
/// as an unrecognized header (the sniffer then tries the values' shape, and
/// refuses the file when they match no layout either).
fn find_header(display: &str, text: &str) -> Result<(usize, u8, Vec<String>, usize), Error> {
    let mut offset = 0usize;
    let mut lines: Vec<(usize, &str, usize)> = Vec::new();
    for (idx, raw) in text.split_inclusive('\n').enumerate() {
        if idx >= HEADER_SEARCH_LINES {
            break;
        }
        let line = raw.trim_end_matches(['\n', '\r']);
        let next = offset + raw.len();
        if line.len() > MAX_LINE_BYTES {
            return Err(too_long(display, idx as u32 + 1));
        }
        if !line.trim().is_empty() {
            lines.push((idx, line, next));
            for delim in [b',', b';', b'\t'] {
                if !line.contains(delim as char) {
                    continue;
                }
                let cells = header_cells(line, delim);
                if is_known_header(&cells) {
                    return Ok((idx, delim, cells, next));
                }
            }
        }
        offset = next;
    }
    if let Some(found) = unrecognized_header(&lines) {
        return Ok(found);
    }
    let (idx, line) = lines.first().map(|l| (l.0, l.1)).unwrap_or((0, ""));
    let shown: String = line.chars().take(160).collect();
    Err(Error::input(
        display,
        Some(idx as u32 + 1),
        None,
        &shown,
        "no known Binance export header in the first lines",
        "is this a Binance export (trade, order, deposit/withdrawal history, transaction statement, convert)? \
         Use --skip-errors to list it as `unknown` and continue",
    ))
}

/// The first non-blank line with at least two cells whose next non-blank
/// line has as many cells under the same delimiter (a header over a table).
fn unrecognized_header(lines: &[(usize, &str, usize)]) -> Option<(usize, u8, Vec<String>, usize)> {
    for (i, &(idx, line, next)) in lines.iter().enumerate() {
        for delim in [b',', b';', b'\t'] {
            let cells = header_cells(line, delim);
            if cells.len() < 2 {
                continue;
            }
            let follows = lines
                .get(i + 1)
                .is_none_or(|l| header_cells(l.1, delim).len() == cells.len());
            if follows {
                return Some((idx, delim, cells, next));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bom_preamble_blank_rows_and_line_numbers() {
        let text = "\u{feff}Binance Transaction History\nGenerated: x\n\n\
                    User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n\
                    1,2024-01-01 00:00:00,Spot,Deposit,USDT,10,\n,,,,,,\n\n\
                    1,2024-01-02 00:00:00,Spot,Deposit,USDT,5,\n";
        let g = read_csv("f.csv", text.as_bytes()).unwrap();
        assert_eq!(g.header_row, 4);
        assert_eq!(g.preamble_lines, 3);
        assert_eq!(g.header[0], "User_ID");
        assert_eq!(g.row_nos, vec![5, 8]);
        assert_eq!(g.blank_rows, vec![6]);
    }

    #[test]
    fn unwraps_whole_line_quoting_and_semicolons() {
        let text = "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\r\n\
                    \"2022-02-18 13:24:05,ADABTC,BUY,\"\"1,500.0000050000\"\",1ADA,2BTC,0.1BNB\"\r\n";
        let g = read_csv("t.csv", text.as_bytes()).unwrap();
        assert_eq!(g.rows[0][3], "1,500.0000050000");
        assert_eq!(g.rows[0].len(), 7);
        assert_eq!(g.unwrapped_rows, 1);
        let semi = "User_ID;UTC_Time;Account;Operation;Coin;Change;Remark\n1;2024-01-01 00:00:00;Spot;Deposit;USDT;10,5;\n";
        let g = read_csv("s.csv", semi.as_bytes()).unwrap();
        assert_eq!(g.delimiter, b';');
        assert_eq!(g.rows[0][5], "10,5");
    }

    #[test]
    fn a_file_cut_inside_a_quoted_field_keeps_the_rows_before_the_cut() {
        let head = "Date(UTC),Pair,Side,Price,Executed,Amount,Fee\n";
        let ok = "2022-02-18 13:24:05,ADABTC,BUY,\"1,500.5\",1ADA,2BTC,0.1BNB\n";
        // Line 1 header, line 2 complete, line 3 cut after the opening quote.
        let cut = format!("{head}{ok}2022-02-18 13:24:06,ADABTC,BUY,\"1,5");
        let g = read_csv("t.csv", cut.as_bytes()).unwrap();
        assert_eq!(g.row_nos, vec![2]);
        assert_eq!(g.rows[0][3], "1,500.5");
        assert_eq!(g.cut_off, Some(3));
        // A record whose quoted field spans lines: the cut is noted at the
        // line the record starts on (5), after a blank line (4).
        let multi = format!("{head}{ok}{ok}\n2022-02-18 13:24:06,ADABTC,\"B\nUY\",\"1,5");
        let g = read_csv("t.csv", multi.as_bytes()).unwrap();
        assert_eq!((g.row_nos.clone(), g.cut_off), (vec![2, 3], Some(5)));
        // A complete file notes no cut.
        let g = read_csv("t.csv", format!("{head}{ok}").as_bytes()).unwrap();
        assert_eq!(g.cut_off, None);
        // Doubled quotes inside a field and whole-line quoting are closed.
        let whole =
            format!("{head}\"2022-02-18 13:24:05,ADABTC,BUY,\"\"1,5\"\",1ADA,2BTC,0.1BNB\"\n");
        let g = read_csv("t.csv", whole.as_bytes()).unwrap();
        assert_eq!((g.rows.len(), g.cut_off), (1, None));
        // A quote inside an unquoted field is a plain character.
        assert_eq!(cut_record("a,b\"c\n", b','), None);
        assert_eq!(cut_record("a,\"b\n\nc", b','), Some((0, 1)));
        assert_eq!(cut_record("x\r\n\r\na,\"b\"\"", b','), Some((5, 3)));
    }

    #[test]
    fn refuses_binary_empty_and_unknown() {
        let e = read_csv("b.csv", &[0u8, 159, 146, 150]).unwrap_err();
        assert!(e.to_string().contains("b.csv"), "{e}");
        let e = read_csv("e.csv", b"").unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
        let e = read_csv("u.csv", b"just one cell\nand another\n").unwrap_err();
        assert!(
            e.to_string().contains("no known Binance export header"),
            "{e}"
        );
        // A table under an unknown header is read; the sniffer decides.
        let g = read_csv("u.csv", b"note\nfoo;bar;baz\n1;2;3\n").unwrap();
        assert_eq!((g.header_row, g.delimiter, g.rows.len()), (2, b';', 1));
    }

    #[test]
    fn lines_ended_by_a_carriage_return_alone_are_lines() {
        let text = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\r\
                    1,2024-01-01 00:00:00,Spot,Deposit,USDT,5,\r\
                    1,2024-01-01 00:00:01,Spot,Deposit,USDT,6,x\r";
        let g = read_csv("s.csv", text.as_bytes()).unwrap();
        assert!(g.cr_line_ends);
        assert_eq!(g.header.len(), 7);
        assert_eq!(g.rows.len(), 2);
        assert_eq!(g.row_nos, [2, 3]);
        assert_eq!(g.rows[1][5], "6");
        assert_eq!(g.rows[1][6], "x");
    }
}
