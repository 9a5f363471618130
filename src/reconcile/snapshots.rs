//! `--balances FILE`: balances the user observed (or remembers), one per
//! line, as CSV with a header:
//!
//! ```text
//! asset,balance[,wallet][,time]
//! BTC,0.51234567,Spot,2024-06-30T23:59:59Z
//! USDT,1520.5,,2024-06-30 12:00
//! ```
//!
//! Columns are found by name (case-insensitive; `coin` for `asset`,
//! `amount` for `balance`, `date` for `time`). An empty or missing wallet
//! means `Spot`. Times are UTC unless they carry an offset; a date alone
//! means the end of that day (23:59:59.999 UTC); no time means "at the end
//! of the exports" (the observed closing). A snapshot at time T is the
//! balance after every change at or before T.

use crate::decimal::Dec;
use crate::error::Error;
use crate::model::TimeMs;
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use std::collections::BTreeSet;
use std::path::Path;

/// One observed balance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub wallet: String,
    pub asset: String,
    pub balance: Dec,
    /// `None`: at the end of the exports.
    pub time: Option<TimeMs>,
    /// 1-based line in the balances file.
    pub line: u32,
}

const HINT: &str = "The balances file is CSV with a header `asset,balance[,wallet][,time]`; see README, \"Balances file\"";

/// Read and validate a balances file.
pub fn read_balances(path: &Path) -> Result<Vec<Snapshot>, Error> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Usage(format!("--balances `{name}`: cannot read the file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::input(
            &name,
            None,
            None,
            "",
            "is not UTF-8 text",
            "Save the balances file as UTF-8 CSV",
        )
    })?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or(name);
    parse_balances(&file_name, text.trim_start_matches('\u{feff}'))
}

/// Parse the text of a balances file named `file` (for messages).
pub fn parse_balances(file: &str, text: &str) -> Result<Vec<Snapshot>, Error> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(csv_error(file, &e)),
        None => {
            return Err(Error::input(
                file,
                Some(1),
                None,
                "",
                "is empty: no header line",
                HINT,
            ))
        }
    };
    let cols = Columns::find(file, &header)?;
    let mut out = Vec::new();
    let mut seen: BTreeSet<(String, String, Option<TimeMs>)> = BTreeSet::new();
    for rec in records {
        let rec = rec.map_err(|e| csv_error(file, &e))?;
        let line = rec.position().map_or(0, |p| p.line() as u32);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
        let asset = cell(Some(cols.asset));
        if asset.is_empty() || asset.contains(char::is_whitespace) {
            return Err(Error::input(
                file,
                Some(line),
                Some(&cols.names[0]),
                asset,
                "is not an asset symbol",
                "Write the asset as in the exports, e.g. BTC",
            ));
        }
        let raw = cell(Some(cols.balance));
        let balance = Dec::parse(raw).map_err(|e| {
            Error::input(
                file,
                Some(line),
                Some(&cols.names[1]),
                raw,
                &format!("cannot be read as a balance ({e})"),
                "Write a plain decimal number with a point, e.g. 0.51234567",
            )
        })?;
        let wallet = match cell(cols.wallet) {
            "" => "Spot".to_string(),
            w => crate::normalize::operations::wallet(w),
        };
        let time = match cell(cols.time) {
            "" => None,
            t => Some(parse_time(t).ok_or_else(|| {
                Error::input(
                    file,
                    Some(line),
                    cols.time.map(|i| header.get(i).unwrap_or("time").trim()),
                    t,
                    "cannot be read as a time",
                    "Use 2024-06-30T23:59:59Z, 2024-06-30 23:59:59 (UTC) or a date 2024-06-30 (end of day)",
                )
            })?),
        };
        let asset = asset.to_uppercase();
        if !seen.insert((wallet.clone(), asset.clone(), time)) {
            return Err(Error::input(
                file,
                Some(line),
                Some(&cols.names[0]),
                &asset,
                "repeats a balance of the same asset, wallet and time",
                "Keep one balance per asset, wallet and time",
            ));
        }
        out.push(Snapshot {
            wallet,
            asset,
            balance,
            time,
            line,
        });
    }
    out.sort_by(|a, b| {
        (&a.wallet, &a.asset, a.time.unwrap_or(TimeMs::MAX), a.line).cmp(&(
            &b.wallet,
            &b.asset,
            b.time.unwrap_or(TimeMs::MAX),
            b.line,
        ))
    });
    Ok(out)
}

struct Columns {
    asset: usize,
    balance: usize,
    wallet: Option<usize>,
    time: Option<usize>,
    /// Header names of asset and balance, for messages.
    names: [String; 2],
}

impl Columns {
    fn find(file: &str, header: &csv::StringRecord) -> Result<Columns, Error> {
        let find = |names: &[&str]| {
            header
                .iter()
                .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
        };
        let need = |names: &[&str], what: &str| {
            find(names).ok_or_else(|| {
                Error::input(
                    file,
                    Some(1),
                    None,
                    &header.iter().collect::<Vec<_>>().join(","),
                    &format!("has no `{what}` column in its header"),
                    HINT,
                )
            })
        };
        let asset = need(&["asset", "coin"], "asset")?;
        let balance = need(&["balance", "amount"], "balance")?;
        Ok(Columns {
            asset,
            balance,
            wallet: find(&["wallet", "account"]),
            time: find(&["time", "date", "utc_time"]),
            names: [
                header.get(asset).unwrap_or("asset").trim().to_string(),
                header.get(balance).unwrap_or("balance").trim().to_string(),
            ],
        })
    }
}

fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map(|p| p.line() as u32);
    Error::input(
        file,
        line,
        None,
        "",
        &format!("is not valid CSV ({e})"),
        HINT,
    )
}

/// RFC 3339 with offset; `YYYY-MM-DD[ T]HH:MM[:SS[.fff]]` as UTC; a date
/// alone as the end of that day UTC.
pub fn parse_time(s: &str) -> Option<TimeMs> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis());
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc().timestamp_millis());
        }
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(
        d.and_hms_milli_opt(23, 59, 59, 999)?
            .and_utc()
            .timestamp_millis(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }

    #[test]
    fn reads_optional_wallet_and_time_columns_in_any_order() {
        let text = "Time,Coin,Wallet,Balance\n\
                    2024-06-30T23:59:59Z,btc,,0.5\n\
                    2024-06-30,USDT,funding,10\n\
                    ,USDT,Spot,1.25\n";
        let s = parse_balances("b.csv", text).unwrap();
        // 2024-06-30T23:59:59Z = 1 719 791 999 s.
        assert_eq!(
            s,
            vec![
                Snapshot {
                    wallet: "Funding".into(),
                    asset: "USDT".into(),
                    balance: d("10"),
                    time: Some(1_719_791_999_999),
                    line: 3
                },
                Snapshot {
                    wallet: "Spot".into(),
                    asset: "BTC".into(),
                    balance: d("0.5"),
                    time: Some(1_719_791_999_000),
                    line: 2
                },
                Snapshot {
                    wallet: "Spot".into(),
                    asset: "USDT".into(),
                    balance: d("1.25"),
                    time: None,
                    line: 4
                },
            ]
        );
    }

    #[test]
    fn bad_balance_names_line_column_and_value() {
        let e = parse_balances("b.csv", "asset,balance\nBTC,0.5\nETH,1.2.3\n").unwrap_err();
        let msg = e.to_string();
        assert_eq!(e.exit_code(), 2);
        for part in ["b.csv", "line 3", "`balance`", "1.2.3"] {
            assert!(msg.contains(part), "{part} missing in: {msg}");
        }
    }

    #[test]
    fn bad_time_missing_column_and_repeats_are_refused() {
        let e = parse_balances("b.csv", "asset,balance,time\nBTC,1,yesterday\n").unwrap_err();
        assert!(e.to_string().contains("yesterday"), "{e}");
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = parse_balances("b.csv", "coin,qty\nBTC,1\n").unwrap_err();
        assert!(e.to_string().contains("no `balance` column"), "{e}");
        let e = parse_balances("b.csv", "asset,balance\nBTC,1\nBTC,2\n").unwrap_err();
        assert!(e.to_string().contains("line 3"), "{e}");
        assert!(parse_balances("b.csv", "").is_err());
    }

    #[test]
    fn times_with_offsets_and_minutes() {
        assert_eq!(parse_time("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_time("1970-01-01 00:01"), Some(60_000));
        assert_eq!(parse_time("1970-01-02"), Some(2 * 86_400_000 - 1));
        assert_eq!(parse_time("01/02/1970"), None);
    }
}
