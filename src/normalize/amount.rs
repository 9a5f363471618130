//! Amount cells → exact decimals: thousands separators, decimal commas,
//! scientific notation, glued (`0.5BTC`) or spaced (`100.00 EUR`) asset
//! suffixes. Suffixes are split with the assets the row itself names (the
//! pair), never by a letters-only regex: `5.11INCH` is 5.1 of `1INCH`.

use crate::decimal::{Dec, DecError};
use std::borrow::Cow;

/// Number conventions of one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumStyle {
    /// `10,50` means ten and a half (semicolon files re-saved in EU locales).
    pub decimal_comma: bool,
}

/// The largest amount accepted from an export (10^16): far above any real
/// quantity, and small enough that sums of millions of rows stay exact.
pub fn max_amount() -> Dec {
    Dec::from_int(10_000_000_000_000_000)
}

/// Why an amount cell was refused, as a sentence fragment.
pub fn describe(e: &DecError) -> String {
    format!("cannot read as an exact amount ({e})")
}

/// A plain number cell (no asset), e.g. `"11,426.20"`, `6.0E-7`, `10,5`.
pub fn parse_number(s: &str, style: NumStyle) -> Result<Dec, String> {
    let t = unquote(s);
    let t = t.trim_start_matches(is_currency_sign);
    let cleaned = clean_separators(t, style)?;
    let v = Dec::parse(&cleaned).map_err(|e| describe(&e))?;
    if v.abs() > max_amount() {
        return Err("larger than 10^16: no Binance amount is that large (a misread column or a corrupt cell?)".into());
    }
    Ok(v)
}

/// `s.trim()`, answered at once when both ends are visible ASCII (the
/// common case of a cell), which no whitespace is.
pub fn quick_trim(s: &str) -> &str {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (None, _) => s,
        (Some(&f), Some(&l)) if (0x21..0x7f).contains(&f) && (0x21..0x7f).contains(&l) => s,
        _ => s.trim(),
    }
}

/// Spaces, then any quotes, then spaces trimmed from both ends (as
/// `s.trim().trim_matches('"').trim()`, without the pattern machinery).
fn unquote(s: &str) -> &str {
    let t = quick_trim(s);
    let b = t.as_bytes();
    let (mut i, mut j) = (0, b.len());
    while i < j && b[i] == b'"' {
        i += 1;
    }
    while j > i && b[j - 1] == b'"' {
        j -= 1;
    }
    match (i, j) == (0, b.len()) {
        true => t,
        false => quick_trim(&t[i..j]),
    }
}

fn is_currency_sign(c: char) -> bool {
    matches!(c, '£' | '$' | '€')
}

/// Remove thousands separators / turn a decimal comma into a point.
fn clean_separators(t: &str, style: NumStyle) -> Result<Cow<'_, str>, String> {
    if !t.contains(',') {
        return Ok(Cow::Borrowed(t));
    }
    if style.decimal_comma {
        if t.matches(',').count() == 1 && !t.contains('.') {
            return Ok(t.replace(',', ".").into());
        }
        // 1.234,5 → 1234.5
        if t.matches(',').count() == 1 {
            return Ok(t.replace('.', "").replace(',', ".").into());
        }
        return Err("more than one decimal comma".into());
    }
    // Thousands separators: every group after a comma has exactly 3 digits.
    let int_part = t.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int_part.split(',').collect();
    let ok = groups.len() > 1
        && groups[1..]
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        && !groups[0].is_empty();
    if ok {
        Ok(t.replace(',', "").into())
    } else {
        Err(
            "a comma that is not a thousands separator (decimal comma? re-saved by a spreadsheet?)"
                .into(),
        )
    }
}

/// Split `qty⟨ASSET⟩` or `qty ASSET`. `expected` lists assets the row names
/// (longest tried first); with none matching, the asset is what follows the
/// longest numeric prefix.
pub fn split_suffixed(
    s: &str,
    expected: &[&str],
    style: NumStyle,
) -> Result<(Dec, String), String> {
    split_suffixed_ref(s, expected, style).map(|(d, a)| (d, a.to_string()))
}

/// [`split_suffixed`], the asset as a slice of `s` (no allocation).
pub fn split_suffixed_ref<'a>(
    s: &'a str,
    expected: &[&str],
    style: NumStyle,
) -> Result<(Dec, &'a str), String> {
    let t = unquote(s);
    if let Some((num, asset)) = t.rsplit_once(' ') {
        let asset = asset.trim();
        if !asset.is_empty() && asset.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Ok((parse_number(num, style)?, asset));
        }
    }
    // Longest expected asset first; equal lengths in the order given.
    let mut below = usize::MAX;
    while let Some(len) = expected
        .iter()
        .map(|a| a.len())
        .filter(|&l| l > 0 && l < below)
        .max()
    {
        for a in expected.iter().filter(|a| a.len() == len) {
            if t.len() > a.len() && t.ends_with(a) {
                if let Ok(v) = parse_number(&t[..t.len() - a.len()], style) {
                    return Ok((v, &t[t.len() - a.len()..]));
                }
            }
        }
        below = len;
    }
    // Fallback: longest numeric prefix.
    let bytes = t.as_bytes();
    let mut end = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let ok = b.is_ascii_digit()
            || b == b'.'
            || b == b','
            || (i == 0 && (b == b'-' || b == b'+'))
            || ((b == b'E' || b == b'e')
                && bytes
                    .get(i + 1)
                    .is_some_and(|n| n.is_ascii_digit() || *n == b'-' || *n == b'+'));
        let sign_after_e = (b == b'-' || b == b'+') && i > 0 && matches!(bytes[i - 1], b'E' | b'e');
        if ok || sign_after_e {
            end = i + 1;
        } else {
            break;
        }
    }
    let (num, asset) = t.split_at(end);
    if asset.is_empty() {
        return Err("amount has no asset suffix (expected e.g. 0.5BTC)".into());
    }
    if !asset.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err("cannot split the amount from its asset".into());
    }
    Ok((parse_number(num, style)?, asset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }
    const P: NumStyle = NumStyle {
        decimal_comma: false,
    };

    #[test]
    fn quotes_and_spaces_around_a_value() {
        for v in [
            "12.5",
            " 12.5 ",
            "\"12.5\"",
            " \" 12.5 \" ",
            "\"\"12.5\"\"",
            "\"\"12.5",
        ] {
            assert_eq!(unquote(v), v.trim().trim_matches('"').trim(), "{v:?}");
        }
        assert_eq!(unquote("\"\""), "");
        for v in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\u{a0}",
            "\u{a0}a",
            "é",
            "\u{1}x\u{1}",
            "~!~",
        ] {
            assert_eq!(quick_trim(v), v.trim(), "{v:?}");
        }
        assert_eq!(unquote(" "), "");
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(
            parse_number("\"11,426.2000000000\"", P).unwrap(),
            d("11426.2")
        );
        assert_eq!(parse_number("1,800.00000000", P).unwrap(), d("1800"));
        assert_eq!(parse_number("-7E-08", P).unwrap(), d("-0.00000007"));
        assert_eq!(parse_number("£0.025", P).unwrap(), d("0.025"));
        assert!(parse_number("10,5", P).is_err());
        // Above 10^16 is refused: two such values could not be summed exactly.
        assert!(parse_number("150000000000000000000", P).is_err());
        assert_eq!(
            parse_number("10000000000000000", P).unwrap(),
            Dec::from_int(10_000_000_000_000_000)
        );
        let eu = NumStyle {
            decimal_comma: true,
        };
        assert_eq!(parse_number("10,50000000", eu).unwrap(), d("10.5"));
        assert_eq!(parse_number("-1,25000000", eu).unwrap(), d("-1.25"));
        assert_eq!(parse_number("1.234,5", eu).unwrap(), d("1234.5"));
    }

    #[test]
    fn suffixes_split_with_the_row_assets() {
        assert_eq!(
            split_suffixed("0.0528450000BTC", &["BTC", "USDT"], P).unwrap(),
            (d("0.052845"), "BTC".into())
        );
        assert_eq!(
            split_suffixed("5.11INCH", &["1INCH", "USDT"], P).unwrap(),
            (d("5.1"), "1INCH".into())
        );
        assert_eq!(
            split_suffixed("124.60184573 BUSD", &[], P).unwrap(),
            (d("124.60184573"), "BUSD".into())
        );
        assert_eq!(
            split_suffixed("\"1,800.00000000USDT\"", &["USDT"], P)
                .unwrap()
                .0,
            d("1800")
        );
        // Fee asset not in the pair: the longest numeric prefix.
        assert_eq!(
            split_suffixed("0.0229201000BNB", &["BTC", "USDT"], P).unwrap(),
            (d("0.0229201"), "BNB".into())
        );
        assert_eq!(
            split_suffixed("1.5E-7BNB", &[], P).unwrap(),
            (d("0.00000015"), "BNB".into())
        );
        assert!(split_suffixed("1.2.3BTC", &["BTC"], P).is_err());
        // The longest expected asset wins over a shorter one it ends with.
        assert_eq!(
            split_suffixed("2.5ABTC", &["BTC", "ABTC", "C"], P).unwrap(),
            (d("2.5"), "ABTC".into())
        );
        assert!(split_suffixed("12.5", &["BTC"], P).is_err());
    }
}
