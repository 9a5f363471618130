//! Per-file normalization context: cell access by field, time and amount
//! parsing with errors that name file, line, column and value, and the
//! accounting of every row (normalized, rejected, ignored).

use super::amount::{parse_number, split_suffixed, NumStyle};
use super::time::{detect, is_ambiguous, parse_local, to_utc_ms, Detected};
use crate::decimal::Dec;
use crate::error::Error;
use crate::ingest::grid::Grid;
use crate::ingest::layouts::field;
use crate::ingest::sniff::Sniffed;
use crate::model::LedgerRow;
use crate::model::{Conversion, Fill, FuturesFill, Order, Rejection, TimeMs, Transfer, Warning};

/// A problem with one cell.
#[derive(Debug, Clone)]
pub struct CellError {
    pub field: &'static str,
    pub value: String,
    pub problem: String,
}

pub type CellResult<T> = Result<T, CellError>;

/// Canonical rows produced from one file.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FileRows {
    pub fills: Vec<Fill>,
    pub orders: Vec<Order>,
    pub transfers: Vec<Transfer>,
    pub ledger: Vec<LedgerRow>,
    pub conversions: Vec<Conversion>,
    pub futures_fills: Vec<FuturesFill>,
}

/// Rows whose time no format reads that `--skip-errors` rejects before the
/// file's times are refused as a whole (each costs one more detection pass).
const MAX_TIMES_SET_ASIDE: usize = 20;

pub struct FileCtx<'a> {
    pub display: &'a str,
    pub grid: &'a Grid,
    pub sniffed: &'a Sniffed,
    pub style: NumStyle,
    pub skip_errors: bool,
    /// UTC time of each row (index into grid.rows), `None` where unreadable.
    times: Vec<Option<TimeMs>>,
    time_errors: Vec<Option<String>>,
    /// The usual number of fields of a row (see `row_shape::usual_width`).
    usual_width: usize,
    pub rejections: Vec<Rejection>,
    pub ignored: Vec<Rejection>,
    pub warnings: Vec<Warning>,
    pub rows: FileRows,
}

impl<'a> FileCtx<'a> {
    pub fn new(
        display: &'a str,
        grid: &'a Grid,
        sniffed: &'a Sniffed,
        skip_errors: bool,
    ) -> Result<Self, Error> {
        let mut ctx = FileCtx {
            display,
            grid,
            sniffed,
            style: NumStyle::default(),
            skip_errors,
            times: Vec::new(),
            time_errors: Vec::new(),
            usual_width: super::row_shape::usual_width(grid),
            rejections: Vec::new(),
            ignored: Vec::new(),
            warnings: sniffed.warnings.clone(),
            rows: FileRows::default(),
        };
        ctx.style = ctx.detect_style();
        ctx.parse_times()?;
        Ok(ctx)
    }

    /// Column index of a field.
    pub fn col(&self, f: &str) -> Option<usize> {
        self.sniffed.fields.iter().position(|x| *x == Some(f))
    }

    /// Header text of a field (for messages).
    pub fn header_of(&self, f: &str) -> String {
        self.col(f)
            .and_then(|i| self.grid.header.get(i).cloned())
            .unwrap_or_else(|| f.to_string())
    }

    /// Trimmed cell text ("" when the column or cell is missing).
    pub fn cell(&self, row: usize, f: &str) -> &'a str {
        let grid: &'a Grid = self.grid;
        match self.col(f) {
            Some(i) => grid.rows[row].get(i).map(|s| s.trim()).unwrap_or(""),
            None => "",
        }
    }

    /// A required non-empty text cell.
    pub fn text(&self, row: usize, f: &'static str) -> CellResult<String> {
        let v = self.cell(row, f);
        if v.is_empty() {
            return Err(self.err(f, v, "empty value where one is required"));
        }
        Ok(v.to_string())
    }

    pub fn opt_text(&self, row: usize, f: &str) -> Option<String> {
        let v = self.cell(row, f);
        (!v.is_empty() && v != "-" && v != "--").then(|| v.to_string())
    }

    pub fn number(&self, row: usize, f: &'static str) -> CellResult<Dec> {
        let v = self.cell(row, f);
        parse_number(v, self.style).map_err(|p| self.err(f, v, &p))
    }

    pub fn opt_number(&self, row: usize, f: &'static str) -> CellResult<Option<Dec>> {
        let v = self.cell(row, f);
        if v.is_empty() || v == "-" || v == "--" {
            return Ok(None);
        }
        self.number(row, f).map(Some)
    }

    pub fn suffixed(
        &self,
        row: usize,
        f: &'static str,
        expected: &[&str],
    ) -> CellResult<(Dec, String)> {
        let v = self.cell(row, f);
        split_suffixed(v, expected, self.style).map_err(|p| self.err(f, v, &p))
    }

    /// An amount that may carry its currency after it (`387.81 EUR`,
    /// `0.5BTC`) or not (`1.50`); the currency upper-cased.
    pub fn money(&self, row: usize, f: &'static str) -> CellResult<(Dec, Option<String>)> {
        let v = self.cell(row, f);
        if let Ok(d) = parse_number(v, self.style) {
            return Ok((d, None));
        }
        split_suffixed(v, &[], self.style)
            .map(|(d, a)| (d, Some(a.to_uppercase())))
            .map_err(|p| self.err(f, v, &p))
    }

    /// `money` for an optional cell (empty, `-` or a missing column → `None`).
    pub fn opt_money(
        &self,
        row: usize,
        f: &'static str,
    ) -> CellResult<Option<(Dec, Option<String>)>> {
        let v = self.cell(row, f);
        if v.is_empty() || v == "-" || v == "--" {
            return Ok(None);
        }
        self.money(row, f).map(Some)
    }

    pub fn err(&self, f: &'static str, v: &str, problem: &str) -> CellError {
        CellError {
            field: f,
            value: v.to_string(),
            problem: problem.to_string(),
        }
    }

    pub fn row_no(&self, row: usize) -> u32 {
        self.grid.row_nos[row]
    }

    pub fn origin(&self, row: usize) -> crate::model::Origin {
        crate::model::Origin {
            file: self.display.into(),
            row: self.row_no(row),
        }
    }

    /// UTC time of a row.
    pub fn time(&self, row: usize) -> CellResult<TimeMs> {
        match (
            self.times.get(row).copied().flatten(),
            self.time_errors.get(row),
        ) {
            (Some(t), _) => Ok(t),
            (None, Some(Some(p))) => Err(self.err(field::TIME, self.cell(row, field::TIME), p)),
            _ => Err(self.err(field::TIME, self.cell(row, field::TIME), "no time")),
        }
    }

    /// A second time column (e.g. O2 `Time` = update time), same format rules.
    pub fn other_time(&self, row: usize, f: &'static str) -> CellResult<Option<TimeMs>> {
        let v = self.cell(row, f);
        if v.is_empty() {
            return Ok(None);
        }
        let d = detect(&[v]).map_err(|e| self.err(f, v, &e.problem))?;
        let t =
            parse_local(v, d.format).ok_or_else(|| self.err(f, v, "not a valid date and time"))?;
        to_utc_ms(t, &self.sniffed.tz)
            .map(Some)
            .map_err(|p| self.err(f, v, &p))
    }

    /// Record an ignored row with its reason.
    pub fn ignore(&mut self, row: usize, reason: &str) {
        self.ignored.push(Rejection {
            row: self.row_no(row),
            column: None,
            reason: reason.to_string(),
        });
    }

    /// A cell problem: an error, or with --skip-errors a counted rejection.
    /// On a row that a stray delimiter has probably shifted, the row's
    /// shape is the problem, and the cell is only what it led to.
    pub fn reject(&mut self, row: usize, e: CellError) -> Result<(), Error> {
        let header = self.header_of(e.field);
        if let Some(shape) = self.shift_suspected(row) {
            let problem = format!(
                "{shape}; as the cells stand, `{header}` would be `{}`: {}",
                e.value, e.problem
            );
            return self.reject_row(row, problem);
        }
        if !self.skip_errors {
            return Err(Error::input(
                self.display,
                Some(self.row_no(row)),
                Some(&header),
                &e.value,
                &e.problem,
                "fix the cell, or use --skip-errors to skip such rows (they are counted and listed in the report)",
            ));
        }
        self.rejections.push(Rejection {
            row: self.row_no(row),
            column: Some(header),
            reason: format!("{}: `{}`", e.problem, e.value),
        });
        Ok(())
    }

    /// The shape problem of a row wider than the header and than the
    /// file's usual row, whose cells a stray delimiter has probably shifted.
    fn shift_suspected(&self, row: usize) -> Option<String> {
        let layout = self.sniffed.layout.id;
        super::row_shape::shift_suspected(self.grid, layout, self.usual_width, row)
    }

    /// A whole-row problem: an error naming the row's text, or with
    /// --skip-errors a counted rejection.
    fn reject_row(&mut self, row: usize, problem: String) -> Result<(), Error> {
        if !self.skip_errors {
            let text = self.grid.rows[row].join(&(self.grid.delimiter as char).to_string());
            return Err(Error::input(
                self.display,
                Some(self.row_no(row)),
                None,
                &text,
                &problem,
                "quote the value that holds the delimiter (or remove the stray delimiter), \
                 re-export the file, or use --skip-errors to skip such rows (they are counted and listed)",
            ));
        }
        self.rejections.push(Rejection {
            row: self.row_no(row),
            column: None,
            reason: problem,
        });
        Ok(())
    }

    pub fn warn(&mut self, code: &str, row: Option<u32>, message: String) {
        self.warnings.push(Warning {
            code: code.to_string(),
            row,
            message,
        });
    }

    /// Decimal comma: a `;`-delimited file whose amounts use `,` and never `.`.
    fn detect_style(&self) -> NumStyle {
        if self.grid.delimiter != b';' {
            return NumStyle::default();
        }
        let amount_fields = [
            field::CHANGE,
            field::AMOUNT,
            field::PRICE,
            field::EXECUTED,
            field::FEE,
        ];
        let cols: Vec<usize> = amount_fields.iter().filter_map(|f| self.col(f)).collect();
        let mut comma = false;
        for r in &self.grid.rows {
            for &c in &cols {
                let v = r.get(c).map(|s| s.as_str()).unwrap_or("");
                if v.contains('.') && !v.contains(',') {
                    return NumStyle::default();
                }
                comma |= v.contains(',');
            }
        }
        NumStyle {
            decimal_comma: comma,
        }
    }

    fn parse_times(&mut self) -> Result<(), Error> {
        let n = self.grid.rows.len();
        let values: Vec<&str> = (0..n).map(|r| self.cell(r, field::TIME)).collect();
        // Rows with an empty first cell in nested order files carry no order time.
        let idx: Vec<usize> = (0..n)
            .filter(|&r| !values[r].is_empty() && !is_subheader(values[r]))
            .collect();
        let mut idx = idx;
        let mut vals: Vec<&str> = idx.iter().map(|&r| values[r]).collect();
        self.times = vec![None; n];
        self.time_errors = vec![None; n];
        let det: Detected = loop {
            let e = match detect(&vals) {
                Ok(d) => break d,
                Err(e) => e,
            };
            // With --skip-errors, a few times no format reads (a stray line,
            // a second header of two joined exports) are their rows'
            // problem: set aside, rejected, and the others read.
            let set_aside = self.time_errors.iter().flatten().count();
            if self.skip_errors && set_aside < MAX_TIMES_SET_ASIDE && !vals.is_empty() {
                let r = idx.remove(e.index);
                vals.remove(e.index);
                self.time_errors[r] = Some(e.problem);
                continue;
            }
            {
                let r = idx.get(e.index).copied().unwrap_or(0);
                if vals.is_empty() {
                    return Ok(());
                }
                // The one time that keeps the others from reading, on a row
                // a stray delimiter has probably shifted: the row is the
                // problem.
                let alone = || {
                    let others: Vec<&str> = (vals.iter().enumerate())
                        .filter(|(i, _)| *i != e.index)
                        .map(|(_, v)| *v)
                        .collect();
                    detect(&others).is_ok()
                };
                let shifted = self.shift_suspected(r).filter(|_| alone());
                if let Some(shape) = shifted {
                    let header = self.header_of(field::TIME);
                    let problem = format!(
                        "{shape}; as the cells stand, `{header}` would be `{}`: {}",
                        values[r], e.problem
                    );
                    let text = self.grid.rows[r].join(&(self.grid.delimiter as char).to_string());
                    return Err(Error::input(
                        self.display,
                        Some(self.row_no(r)),
                        None,
                        &text,
                        &problem,
                        "quote the value that holds the delimiter (or remove the stray delimiter), \
                         or re-export the file",
                    ));
                }
                return Err(Error::input(
                    self.display,
                    Some(self.row_no(r)),
                    Some(&self.header_of(field::TIME)),
                    values[r],
                    &e.problem,
                    "re-export the file from Binance, or fix the dates to YYYY-MM-DD HH:MM:SS \
                     (with --skip-errors, up to 20 rows whose time cannot be read are rejected \
                     and the others read)",
                ));
            }
        };
        if matches!(
            det.format,
            super::time::TimeFormat::DayFirst | super::time::TimeFormat::MonthFirst
        ) {
            let order = if det.format == super::time::TimeFormat::DayFirst {
                "day-first"
            } else {
                "month-first"
            };
            self.warn(
                "resaved-by-spreadsheet",
                None,
                format!(
                    "dates look re-saved by a spreadsheet ({order} order, proven by the values)"
                ),
            );
        }
        if let Some((code, message)) = &det.note {
            self.warn(code, None, message.clone());
        }
        if det.seconds_missing {
            self.warn(
                "seconds-missing",
                None,
                "times carry no seconds (lost in a spreadsheet re-save); matching uses a 60 s tolerance".into(),
            );
        }
        let mut ambiguous: Vec<usize> = Vec::new();
        for &r in &idx {
            match parse_local(values[r], det.format) {
                Some(t) => {
                    if is_ambiguous(t, &self.sniffed.tz) {
                        ambiguous.push(r);
                    }
                    match to_utc_ms(t, &self.sniffed.tz) {
                        Ok(ms) => self.times[r] = Some(ms),
                        Err(p) => self.time_errors[r] = Some(p),
                    }
                }
                None => self.time_errors[r] = Some("not a valid date and time".into()),
            }
        }
        self.warn_after_export();
        if let Some(&first) = ambiguous.first() {
            let row = self.row_no(first);
            let w = tz_ambiguous_warning(&self.sniffed.tz, ambiguous.len(), row, values[first]);
            self.warnings.push(w);
        }
        Ok(())
    }
}

impl FileCtx<'_> {
    /// Rows dated after the export was made (per the file's Binance name, or
    /// its archive's) cannot be genuine: a misread date or an edited file.
    fn warn_after_export(&mut self) {
        let rows =
            (0..self.times.len()).filter_map(|r| self.times[r].map(|t| (self.grid.row_nos[r], t)));
        if let Some(w) = after_export_rows(self.sniffed.export_time, rows) {
            self.warnings.push(w);
        }
    }
}

/// `after-export`: rows dated after the export was `made` (per the file's
/// Binance name, or its archive's: `Sniffed::export_time`) cannot be
/// genuine — a misread date or an edited file. `rows` are (row number, UTC
/// time) in file order.
pub fn after_export_rows(
    made: Option<TimeMs>,
    rows: impl Iterator<Item = (u32, TimeMs)>,
) -> Option<Warning> {
    let made = made?;
    let (mut n, mut first) = (0usize, None);
    for (row, t) in rows {
        if t > made {
            first.get_or_insert(row);
            n += 1;
        }
    }
    first.map(|first| after_export_warning(n, first))
}

/// The `after-export` warning for `n` rows, the first at row `first`.
pub fn after_export_warning(n: usize, first: u32) -> Warning {
    Warning {
        code: "after-export".into(),
        row: Some(first),
        message: format!(
            "{n} row(s) dated after the export time that the file's name, or its archive's, \
             gives (first: row {first}): a misread date order or an edited file; check them \
             against the Binance site"
        ),
    }
}

/// `tz-ambiguous`: `count` times fall in the hour a DST change repeats.
pub fn tz_ambiguous_warning(
    tz: &super::time::TzSpec,
    count: usize,
    first_row: u32,
    first_value: &str,
) -> Warning {
    Warning {
        code: "tz-ambiguous".into(),
        row: Some(first_row),
        message: format!(
            "{count} time(s) fall in the hour that {tz} repeats when daylight saving time ends \
             (first: row {first_row}, `{first_value}`); the earlier instant was taken — such rows may be an \
             hour early"
        ),
    }
}

/// A nested order file's fill sub-header cell.
fn is_subheader(v: &str) -> bool {
    v.to_ascii_lowercase().starts_with("date(utc")
}
