//! The crypto deposit history (D3) as Binance's `.xlsx` report: one sheet
//! `sheet1`, every cell a text string. The document creation time is fixed
//! to the export time so the bytes depend only on the seed.

use crate::model::TimeMs;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

/// Workbook bytes for `header` + `rows` (all written as strings); empty on
/// the (impossible in practice) event of a writer error.
pub fn text_sheet(header: &[&str], rows: &[Vec<String>], created: TimeMs) -> Vec<u8> {
    build(header, rows, created).unwrap_or_default()
}

fn build(header: &[&str], rows: &[Vec<String>], created: TimeMs) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let when = ExcelDateTime::from_timestamp(created.div_euclid(1000))?;
    let props = DocProperties::new().set_creation_datetime(&when);
    book.set_properties(&props);
    let sheet = book.add_worksheet();
    sheet.set_name("sheet1")?;
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, v.as_str())?;
        }
    }
    book.save_to_buffer()
}
