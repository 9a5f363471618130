//! Time values → UTC milliseconds.
//!
//! Formats seen in Binance exports: `YYYY-MM-DD HH:MM:SS`, `YY-MM-DD HH:MM:SS`,
//! and after a spreadsheet re-save `DD/MM/YYYY HH:MM`, `MM/DD/YYYY HH:MM`,
//! `D.M.YYYY H:MM` or Excel serial numbers. The format is decided once per
//! file from all its values: day-first vs month-first is proven by a value
//! whose first (second) field exceeds 12, and refused when nothing proves it.

use chrono::{LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use std::fmt;

/// The zone a file's local times are in.
#[derive(Debug, Clone, PartialEq)]
pub enum TzSpec {
    /// Fixed offset east of UTC, seconds.
    Fixed(i32),
    /// An IANA zone (DST-aware).
    Named(chrono_tz::Tz),
}

impl fmt::Display for TzSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TzSpec::Fixed(0) => write!(f, "UTC"),
            TzSpec::Fixed(s) => {
                let sign = if *s < 0 { '-' } else { '+' };
                let a = s.abs();
                write!(f, "UTC{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
            }
            TzSpec::Named(tz) => write!(f, "{}", tz.name()),
        }
    }
}

/// Parse `--tz`: `UTC`, `+02:00`, `UTC-5`, or an IANA name (`Europe/Madrid`).
pub fn parse_tz_arg(s: &str) -> Result<TzSpec, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("utc") || t == "Z" {
        return Ok(TzSpec::Fixed(0));
    }
    let off = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("utc"))
        .unwrap_or(t);
    if off.starts_with(['+', '-']) {
        if let Some(secs) = crate::ingest::sniff::parse_offset(off) {
            return Ok(TzSpec::Fixed(secs));
        }
    }
    t.parse::<chrono_tz::Tz>().map(TzSpec::Named).map_err(|_| {
        format!(
            "--tz `{s}` is neither an offset (+02:00, UTC-5) nor a time zone name (Europe/Madrid)"
        )
    })
}

/// The layout of a file's time values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// `YYYY-MM-DD HH:MM:SS[.fff]` (also `T` separated).
    Ymd,
    /// `YY-MM-DD HH:MM:SS`.
    ShortYmd,
    /// `DD-MM-YY HH:MM[:SS]` (spreadsheet re-save; proven by the values).
    ShortDmy,
    /// `DD/MM/YYYY HH:MM[:SS]` or `D.M.YYYY H:MM` (spreadsheet re-save).
    DayFirst,
    /// `MM/DD/YYYY HH:MM[:SS]`.
    MonthFirst,
    /// Excel serial day number (`43931.24`).
    ExcelSerial,
}

/// A value that could not be read, by index in the column.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeError {
    pub index: usize,
    pub problem: String,
}

/// What format detection learned.
#[derive(Debug, Clone, PartialEq)]
pub struct Detected {
    pub format: TimeFormat,
    /// True when the values carry no seconds (lost in a spreadsheet re-save).
    pub seconds_missing: bool,
    /// A warning about the reading chosen: (code, message).
    pub note: Option<(&'static str, String)>,
}

fn shape(v: &str) -> Option<(TimeFormat, bool)> {
    let v = v.trim();
    let date = v.split([' ', 'T']).next().unwrap_or("");
    let time = v[date.len()..].trim_start_matches([' ', 'T']);
    let has_secs = time.split(':').count() >= 3;
    if date.contains('-') {
        let first = date.split('-').next().unwrap_or("");
        return Some(match first.len() {
            4 => (TimeFormat::Ymd, has_secs || time.is_empty()),
            2 => (TimeFormat::ShortYmd, has_secs),
            _ => return None,
        });
    }
    if date.contains('/') || date.contains('.') && date.matches('.').count() == 2 {
        return Some((TimeFormat::DayFirst, has_secs)); // day/month order decided later
    }
    if !date.is_empty() && date.parse::<f64>().is_ok() && time.is_empty() {
        return Some((TimeFormat::ExcelSerial, true));
    }
    None
}

/// Decide the format from every value of a column.
pub fn detect(values: &[&str]) -> Result<Detected, TimeError> {
    let mut format = None;
    let mut seconds_missing = false;
    let (mut day_first_proof, mut month_first_proof) = (false, false);
    let mut dotted = false;
    for (i, v) in values.iter().enumerate() {
        let Some((f, secs)) = shape(v) else {
            return Err(TimeError {
                index: i,
                problem: "not a date and time this tool knows (e.g. 2024-06-30 23:30:00)".into(),
            });
        };
        match format {
            None => format = Some(f),
            Some(prev) if prev != f => {
                return Err(TimeError {
                    index: i,
                    problem: "date format differs from the earlier rows of this file".into(),
                })
            }
            _ => {}
        }
        seconds_missing |= !secs;
        if f == TimeFormat::DayFirst {
            let date = v.trim().split(' ').next().unwrap_or("");
            dotted |= date.contains('.');
            let parts: Vec<u32> = date
                .split(['/', '.'])
                .filter_map(|p| p.parse().ok())
                .collect();
            if parts.len() == 3 {
                day_first_proof |= parts[0] > 12;
                month_first_proof |= parts[1] > 12;
            }
        }
    }
    let mut format = format.unwrap_or(TimeFormat::Ymd);
    if format == TimeFormat::DayFirst {
        format = match (day_first_proof || dotted, month_first_proof) {
            (true, false) => TimeFormat::DayFirst,
            (false, true) => TimeFormat::MonthFirst,
            (true, true) => {
                return Err(TimeError {
                    index: 0,
                    problem: "dates mix day-first and month-first order".into(),
                })
            }
            (false, false) => return Err(TimeError {
                index: 0,
                problem:
                    "dates were re-saved by a spreadsheet as D/M or M/D and no value proves which \
                              (no day above 12)"
                        .into(),
            }),
        };
    }
    let mut note = None;
    if format == TimeFormat::ShortYmd {
        (format, note) = two_digit_order(values, seconds_missing);
    }
    Ok(Detected {
        format,
        seconds_missing,
        note,
    })
}

/// `20-01-25`: YY-MM-DD (Binance's own) or DD-MM-YY (a re-save)? A reading
/// is possible when every value is a real date in or after 2017; the values
/// decide when only one reading is possible, else YY-MM-DD — with a warning
/// when the seconds are missing too (Binance writes them; a re-save drops
/// them, and may have turned the order round as well).
fn two_digit_order(
    values: &[&str],
    seconds_missing: bool,
) -> (TimeFormat, Option<(&'static str, String)>) {
    use chrono::Datelike;
    let possible = |f: TimeFormat| {
        values
            .iter()
            .all(|v| parse_local(v, f).is_some_and(|t| t.year() >= 2017))
    };
    match (
        possible(TimeFormat::ShortYmd),
        possible(TimeFormat::ShortDmy),
    ) {
        (false, true) => (
            TimeFormat::ShortDmy,
            Some((
                "resaved-by-spreadsheet",
                "dates look re-saved by a spreadsheet (DD-MM-YY order, proven by the values)"
                    .into(),
            )),
        ),
        (true, true) if seconds_missing => (
            TimeFormat::ShortYmd,
            Some((
                "date-order-ambiguous",
                "two-digit dates read as YY-MM-DD (Binance's own order); no value proves it \
                 against DD-MM-YY: if the file was re-saved by a spreadsheet, check its first \
                 and last dates"
                    .into(),
            )),
        ),
        _ => (TimeFormat::ShortYmd, None),
    }
}

/// Parse one local time value in a known format.
pub fn parse_local(v: &str, format: TimeFormat) -> Option<NaiveDateTime> {
    let v = v.trim();
    match format {
        TimeFormat::Ymd => {
            if let Some(t) = fast_ymd_hms(v) {
                return Some(t);
            }
            let v = v.replacen('T', " ", 1);
            let v = v.trim_end_matches('Z');
            for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M"] {
                if let Ok(t) = NaiveDateTime::parse_from_str(v, f) {
                    return Some(t);
                }
            }
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        }
        TimeFormat::ShortYmd | TimeFormat::ShortDmy => {
            let formats = match format {
                TimeFormat::ShortYmd => ["%y-%m-%d %H:%M:%S%.f", "%y-%m-%d %H:%M"],
                _ => ["%d-%m-%y %H:%M:%S%.f", "%d-%m-%y %H:%M"],
            };
            for f in formats {
                if let Ok(t) = NaiveDateTime::parse_from_str(v, f) {
                    return Some(t);
                }
            }
            None
        }
        TimeFormat::DayFirst | TimeFormat::MonthFirst => {
            let norm = v.replace('.', "/");
            let (d, m) = if format == TimeFormat::DayFirst {
                ("%d", "%m")
            } else {
                ("%m", "%d")
            };
            // A spreadsheet may shorten the year to two digits (`4/3/25`).
            let short_year = norm
                .split(' ')
                .next()
                .and_then(|date| date.rsplit('/').next())
                .is_some_and(|y| y.len() == 2);
            let y = if short_year { "%y" } else { "%Y" };
            for t in ["%H:%M:%S", "%H:%M"] {
                let f = format!("{d}/{m}/{y} {t}");
                if let Ok(x) = NaiveDateTime::parse_from_str(&norm, &f) {
                    return Some(x);
                }
            }
            None
        }
        TimeFormat::ExcelSerial => {
            let days: f64 = v.parse().ok()?;
            if !(1.0..2_958_466.0).contains(&days) {
                return None;
            }
            let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
            let ms = (days * 86_400_000.0).round() as i64;
            base.checked_add_signed(chrono::Duration::milliseconds(ms))
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS` exactly (the common case of every export), parsed
/// without a format string; anything else is left to the general parser.
pub fn fast_ymd_hms(v: &str) -> Option<NaiveDateTime> {
    let b = v.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?.and_hms_opt(
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    )
}

/// Local time in `tz` → UTC ms. `Err` for a local time that does not exist
/// (skipped by a DST change); an ambiguous time takes the earlier instant.
pub fn to_utc_ms(t: NaiveDateTime, tz: &TzSpec) -> Result<i64, String> {
    let ms = local_to_utc_ms(t, tz)?;
    if ms < BINANCE_OPENED_MS {
        return Err(format!(
            "{} is before Binance opened (July 2017): a misread year? (e.g. a two-digit \
             year or day-month order changed by a spreadsheet re-save)",
            t.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    Ok(ms)
}

/// True for a local time that occurs twice in `tz` (the hour repeated when
/// daylight saving time ends); [`to_utc_ms`] takes the earlier instant.
pub fn is_ambiguous(t: NaiveDateTime, tz: &TzSpec) -> bool {
    match tz {
        TzSpec::Fixed(_) => false,
        TzSpec::Named(z) => matches!(z.from_local_datetime(&t), LocalResult::Ambiguous(..)),
    }
}

/// 2017-07-01T00:00:00Z: no Binance export holds an earlier event.
pub const BINANCE_OPENED_MS: i64 = 1_498_867_200_000;

fn local_to_utc_ms(t: NaiveDateTime, tz: &TzSpec) -> Result<i64, String> {
    match tz {
        TzSpec::Fixed(secs) => Ok(t.and_utc().timestamp_millis() - *secs as i64 * 1000),
        TzSpec::Named(z) => match z.from_local_datetime(&t) {
            LocalResult::Single(x) => Ok(x.timestamp_millis()),
            LocalResult::Ambiguous(a, _) => Ok(a.timestamp_millis()),
            LocalResult::None => Err(format!("{t} does not exist in {} (clock change)", z.name())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn fast_path_agrees_with_the_format_parser_and_refuses_what_it_refuses() {
        for v in [
            "2024-07-01 01:30:00",
            "1999-12-31 23:59:59",
            "2024-02-29 00:00:00",
        ] {
            let general = NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S").unwrap();
            assert_eq!(fast_ymd_hms(v), Some(general));
            assert_eq!(parse_local(v, TimeFormat::Ymd), Some(general));
        }
        // Impossible dates and times: refused by both paths.
        for v in [
            "2023-02-29 00:00:00",
            "2024-13-01 00:00:00",
            "2024-07-01 24:00:00",
            "2024-07-01 01:60:00",
            "2024-07-0a 01:30:00",
        ] {
            assert_eq!(fast_ymd_hms(v), None, "{v}");
            assert_eq!(parse_local(v, TimeFormat::Ymd), None, "{v}");
        }
        // Other shapes go to the general parser.
        assert_eq!(fast_ymd_hms("2024-07-01T01:30:00"), None);
        assert_eq!(
            parse_local("2024-07-01T01:30:00.250Z", TimeFormat::Ymd),
            NaiveDateTime::parse_from_str("2024-07-01 01:30:00.250", "%Y-%m-%d %H:%M:%S%.f").ok()
        );
    }

    #[test]
    fn spreadsheet_dates_with_two_digit_years_are_in_this_century() {
        let d = detect(&["4/3/25 10:00", "25/3/25 10:00"]).unwrap();
        assert_eq!(d.format, TimeFormat::DayFirst);
        let t = parse_local("4/3/25 10:00", d.format).unwrap();
        assert_eq!(
            to_utc_ms(t, &TzSpec::Fixed(0)).unwrap(),
            ms("2025-03-04T10:00:00Z")
        );
        let d = detect(&["1.11.21 6:01", "13.11.21 16:01"]).unwrap();
        let t = parse_local("13.11.21 16:01", d.format).unwrap();
        assert_eq!(
            to_utc_ms(t, &TzSpec::Fixed(0)).unwrap(),
            ms("2021-11-13T16:01:00Z")
        );
        let d = detect(&["3/4/24 9:05:07"]).unwrap_err();
        assert!(d.problem.contains("no value proves"), "{d:?}");
    }

    #[test]
    fn repeated_hour_at_the_end_of_dst_is_ambiguous() {
        let madrid = parse_tz_arg("Europe/Madrid").unwrap();
        let t = parse_local("2024-10-27 02:30:00", TimeFormat::Ymd).unwrap();
        assert!(is_ambiguous(t, &madrid));
        // The earlier instant: still CEST (UTC+2).
        assert_eq!(to_utc_ms(t, &madrid), Ok(ms("2024-10-27T00:30:00Z")));
        let t = parse_local("2024-10-27 03:30:00", TimeFormat::Ymd).unwrap();
        assert!(!is_ambiguous(t, &madrid));
        assert!(!is_ambiguous(t, &TzSpec::Fixed(3600)));
    }

    #[test]
    fn two_digit_dash_dates_take_the_only_possible_order() {
        let at = |v: &str, d: &Detected| {
            to_utc_ms(parse_local(v, d.format).unwrap(), &TzSpec::Fixed(0)).unwrap()
        };
        // 13-01-25 as YY-MM-DD is 2013: only DD-MM-YY is possible.
        let d = detect(&["20-01-25 10:00", "13-01-25 11:00"]).unwrap();
        assert_eq!(d.format, TimeFormat::ShortDmy);
        assert_eq!(d.note.as_ref().unwrap().0, "resaved-by-spreadsheet");
        assert_eq!(at("20-01-25 10:00", &d), ms("2025-01-20T10:00:00Z"));
        // Binance's own 24-07-01: as DD-MM-YY it would be 2001.
        let d = detect(&["24-07-01 01:30:00", "24-07-02 01:30:00"]).unwrap();
        assert_eq!((d.format, d.note.is_none()), (TimeFormat::ShortYmd, true));
        // Both orders possible and seconds lost (a re-save): Binance's order,
        // with a warning; with seconds (as Binance writes them): no warning.
        let d = detect(&["20-01-25 10:00:01", "22-01-25 10:00:02"]).unwrap();
        assert_eq!((d.format, d.note.is_none()), (TimeFormat::ShortYmd, true));
        let d = detect(&["20-01-25 10:00", "22-01-25 10:00"]).unwrap();
        assert_eq!(d.format, TimeFormat::ShortYmd);
        assert_eq!(d.note.as_ref().unwrap().0, "date-order-ambiguous");
        assert_eq!(at("22-01-25 10:00", &d), ms("2022-01-25T10:00:00Z"));
    }

    #[test]
    fn times_before_binance_opened_are_refused_with_the_reason() {
        // `13-01-25` read as YY-MM-DD is 2013: impossible for an export.
        let t = parse_local("13-01-25 10:00:00", TimeFormat::ShortYmd).unwrap();
        let e = to_utc_ms(t, &TzSpec::Fixed(0)).unwrap_err();
        assert!(
            e.contains("2013-01-25 10:00:00 is before Binance opened"),
            "{e}"
        );
        let first = parse_local("2017-07-01 00:00:00", TimeFormat::Ymd).unwrap();
        assert_eq!(to_utc_ms(first, &TzSpec::Fixed(0)), Ok(BINANCE_OPENED_MS));
        let before = parse_local("2017-06-30 23:59:59", TimeFormat::Ymd).unwrap();
        assert!(to_utc_ms(before, &TzSpec::Fixed(0)).is_err());
    }

    #[test]
    fn two_and_four_digit_years() {
        let d = detect(&["24-07-01 01:30:00", "24-07-01 01:35:10"]).unwrap();
        assert_eq!(d.format, TimeFormat::ShortYmd);
        let t = parse_local("24-07-01 01:30:00", d.format).unwrap();
        assert_eq!(
            to_utc_ms(t, &TzSpec::Fixed(0)).unwrap(),
            ms("2024-07-01T01:30:00Z")
        );
        let d = detect(&["2026-03-05 09:15:02"]).unwrap();
        assert_eq!(d.format, TimeFormat::Ymd);
    }

    #[test]
    fn madrid_summer_time_is_two_hours_ahead() {
        let tz = parse_tz_arg("Europe/Madrid").unwrap();
        let t = parse_local("24-07-01 01:30:00", TimeFormat::ShortYmd).unwrap();
        assert_eq!(to_utc_ms(t, &tz).unwrap(), ms("2024-06-30T23:30:00Z"));
        assert_eq!(parse_tz_arg("+02:00").unwrap(), TzSpec::Fixed(7200));
        assert_eq!(parse_tz_arg("UTC-5").unwrap(), TzSpec::Fixed(-18000));
        assert!(parse_tz_arg("Mars/Olympus").is_err());
    }

    #[test]
    fn spreadsheet_dates_need_proof_of_order() {
        let d = detect(&["14/04/2020 10:41", "09/04/2020 05:49"]).unwrap();
        assert_eq!(d.format, TimeFormat::DayFirst);
        assert!(d.seconds_missing);
        let t = parse_local("09/04/2020 05:49", d.format).unwrap();
        assert_eq!(
            to_utc_ms(t, &TzSpec::Fixed(0)).unwrap(),
            ms("2020-04-09T05:49:00Z")
        );
        assert_eq!(
            detect(&["04/14/2020 10:41"]).unwrap().format,
            TimeFormat::MonthFirst
        );
        assert!(detect(&["01/02/2020 10:41", "03/04/2020 10:41"]).is_err());
        assert_eq!(
            detect(&["1.11.2021 6:01"]).unwrap().format,
            TimeFormat::DayFirst
        );
    }

    #[test]
    fn excel_serial_and_fixed_offsets() {
        // 43831.5 days after 1899-12-30 = 2020-01-01 12:00.
        let t = parse_local("43831.5", TimeFormat::ExcelSerial).unwrap();
        assert_eq!(
            to_utc_ms(t, &TzSpec::Fixed(3600)).unwrap(),
            ms("2020-01-01T11:00:00Z")
        );
        assert!(detect(&["yesterday"]).is_err());
        assert_eq!(TzSpec::Fixed(-6 * 3600).to_string(), "UTC-06:00");
    }
}
