//! Text formatting for the generated exports: fixed-decimal numbers,
//! thousands separators, Binance date forms and CSV lines.

use crate::decimal::Dec;
use crate::model::TimeMs;
use chrono::DateTime;

/// `value` rounded half to even to `dp` decimals and written with exactly
/// `dp` decimals: `fmt_fixed(0.5, 3)` → `0.500`; never `-0.000`.
pub fn fmt_fixed(value: Dec, dp: u32) -> String {
    let dp = dp.min(18);
    let raw = value.round_dp(dp).raw();
    let abs = raw.unsigned_abs();
    let one = 10u128.pow(18);
    let int = abs / one;
    let frac = format!("{:018}", abs % one);
    let sign = if raw < 0 { "-" } else { "" };
    if dp == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{}", &frac[..dp as usize])
    }
}

/// Inserts `,` every three integer digits: `11426.20` → `11,426.20`.
pub fn with_thousands(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = match rest.find('.') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}{frac}")
}

/// `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn ymd_hms(t: TimeMs) -> String {
    fmt_time(t, "%Y-%m-%d %H:%M:%S")
}

/// `YY-MM-DD HH:MM:SS` (UTC), the 2-digit-year form of newer exports.
pub fn yy_hms(t: TimeMs) -> String {
    fmt_time(t, "%y-%m-%d %H:%M:%S")
}

/// Any chrono format of a UTC time (epoch on out-of-range input).
pub fn fmt_time(t: TimeMs, pattern: &str) -> String {
    let dt = DateTime::from_timestamp_millis(t).unwrap_or_default();
    dt.format(pattern).to_string()
}

/// One CSV line ending in `\n`. With `always_quote` every field is quoted;
/// otherwise only fields holding `,`, `"` or a line break are.
pub fn csv_line<S: AsRef<str>>(fields: &[S], always_quote: bool) -> String {
    let mut line = String::new();
    for (i, f) in fields.iter().enumerate() {
        let f = f.as_ref();
        if i > 0 {
            line.push(',');
        }
        let needs = always_quote || f.contains([',', '"', '\n', '\r']);
        if needs {
            line.push('"');
            line.push_str(&f.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(f);
        }
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap_or_default()
    }

    #[test]
    fn fixed_decimals_round_half_even_and_pad() {
        assert_eq!(fmt_fixed(d("0.5"), 3), "0.500");
        // 0.125 → 2 dp: tie, 2 is even → 0.12; 0.135 → 0.14.
        assert_eq!(fmt_fixed(d("0.125"), 2), "0.12");
        assert_eq!(fmt_fixed(d("0.135"), 2), "0.14");
        assert_eq!(fmt_fixed(d("-0.49603680"), 8), "-0.49603680");
        assert_eq!(fmt_fixed(d("-0.000000001"), 8), "0.00000000");
        assert_eq!(fmt_fixed(d("11426.2"), 10), "11426.2000000000");
        assert_eq!(fmt_fixed(d("7.5"), 0), "8");
    }

    #[test]
    fn thousands_separator() {
        assert_eq!(with_thousands("11426.2000000000"), "11,426.2000000000");
        assert_eq!(with_thousands("1234567"), "1,234,567");
        assert_eq!(with_thousands("-999.5"), "-999.5");
        assert_eq!(with_thousands("100000.1"), "100,000.1");
    }

    #[test]
    fn dates_and_csv() {
        // 1_719_790_200_000 ms = 2024-06-30 23:30:00 UTC.
        assert_eq!(ymd_hms(1_719_790_200_000), "2024-06-30 23:30:00");
        assert_eq!(yy_hms(1_719_790_200_000), "24-06-30 23:30:00");
        assert_eq!(
            csv_line(&["a", "1,2", "x\"y"], false),
            "a,\"1,2\",\"x\"\"y\"\n"
        );
        assert_eq!(csv_line(&["a", ""], true), "\"a\",\"\"\n");
    }
}
