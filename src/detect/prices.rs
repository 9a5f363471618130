//! `--prices FILE`: user-supplied prices for converting the loss to the
//! reference asset when the account's own fills do not price an asset.
//!
//! Format: CSV with the header `time,asset,price`; `time` is RFC 3339
//! (`2025-03-01T04:00:00Z`) or `YYYY-MM-DD HH:MM:SS` read as UTC; `asset`
//! a ticker (`BTC`); `price` an exact decimal, the price of one unit in the
//! reference asset (`[loss].reference_asset`, USDT by default). The row
//! nearest to the incident within `[loss].price_window_s` is used.

use crate::decimal::Dec;
use crate::error::Error;
use crate::model::TimeMs;
use chrono::{DateTime, NaiveDateTime};

#[derive(Clone, Debug, PartialEq)]
pub struct PricePoint {
    pub time: TimeMs,
    pub asset: String,
    pub price: Dec,
    /// 1-based line in the file (header = 1).
    pub row: u32,
}

fn parse_time(s: &str) -> Option<TimeMs> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis());
    }
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|t| t.and_utc().timestamp_millis())
}

/// Parse a price file; errors name the file, line, column and value.
pub fn parse(file: &str, text: &str) -> Result<Vec<PricePoint>, Error> {
    let mut lines = text.lines();
    let header = lines
        .next()
        .unwrap_or("")
        .trim()
        .trim_start_matches('\u{feff}');
    let cols: Vec<String> = header
        .split(',')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    if cols != ["time", "asset", "price"] {
        return Err(Error::input(
            file,
            Some(1),
            None,
            header,
            "is not the header of a price file",
            "the first line must be `time,asset,price`",
        ));
    }
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        let row = i as u32 + 2;
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != 3 {
            return Err(Error::input(
                file,
                Some(row),
                None,
                line,
                "does not have 3 cells",
                "each line is `time,asset,price`, e.g. `2025-03-01T04:00:00Z,BTC,84250.5`",
            ));
        }
        let time = parse_time(cells[0]).ok_or_else(|| {
            Error::input(
                file,
                Some(row),
                Some("time"),
                cells[0],
                "cannot read as a time",
                "use RFC 3339 (2025-03-01T04:00:00Z) or `YYYY-MM-DD HH:MM:SS` (UTC)",
            )
        })?;
        let price = Dec::parse(cells[2])
            .ok()
            .filter(|p| p.is_positive())
            .ok_or_else(|| {
                Error::input(
                    file,
                    Some(row),
                    Some("price"),
                    cells[2],
                    "cannot read as a positive price",
                    "write a plain decimal such as 84250.5 (no thousands separators)",
                )
            })?;
        if cells[1].is_empty() {
            return Err(Error::input(
                file,
                Some(row),
                Some("asset"),
                cells[1],
                "is empty",
                "name the asset, e.g. BTC",
            ));
        }
        out.push(PricePoint {
            time,
            asset: cells[1].to_ascii_uppercase(),
            price,
            row,
        });
    }
    out.sort_by(|a, b| (a.time, &a.asset, a.row).cmp(&(b.time, &b.asset, b.row)));
    Ok(out)
}

/// The price row of `asset` nearest to `t` within `window` ms.
pub fn nearest<'a>(
    prices: &'a [PricePoint],
    asset: &str,
    t: TimeMs,
    window: i64,
) -> Option<&'a PricePoint> {
    prices
        .iter()
        .filter(|p| p.asset == asset && (p.time - t).abs() <= window)
        .min_by_key(|p| ((p.time - t).abs(), p.time, p.row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_picks_the_nearest_row() {
        let text =
            "time,asset,price\n2025-03-01T04:00:00Z,btc,84250.5\n2025-03-01 06:00:00,BTC,84000\n";
        let p = parse("prices.csv", text).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].asset, "BTC");
        assert_eq!(p[0].price, Dec::parse("84250.5").unwrap());
        // 2025-03-01T04:00:00Z = 1_740_801_600_000 ms
        assert_eq!(p[0].time, 1_740_801_600_000);
        // 05:30 is nearer 06:00 (30 min) than 04:00 (90 min)
        let t = 1_740_801_600_000 + 90 * 60_000;
        assert_eq!(nearest(&p, "BTC", t, 86_400_000).unwrap().row, 3);
        assert!(nearest(&p, "BTC", t, 60_000).is_none());
    }

    #[test]
    fn bad_rows_name_line_column_and_value() {
        let e = parse(
            "p.csv",
            "time,asset,price\n2025-03-01T04:00:00Z,BTC,1.2.3\n",
        )
        .unwrap_err();
        let s = e.to_string();
        assert!(
            s.contains("p.csv") && s.contains("2") && s.contains("price") && s.contains("1.2.3"),
            "{s}"
        );
        assert_eq!(e.exit_code(), 2);
        assert!(parse("p.csv", "date,coin,px\n").is_err());
    }
}
