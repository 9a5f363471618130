//! Trading pairs → (base, quote). The amounts of the same row say which
//! assets they are in, so `1INCHUSDT`, `1000SATSUSDT` and `BTCAEUR` split
//! without guessing; only layouts without suffixes fall back to a list of
//! known quote assets (longest match).

/// Quote assets seen on Binance spot, for layouts whose amounts carry no suffix.
pub const KNOWN_QUOTES: &[&str] = &[
    "USDT", "BUSD", "USDC", "FDUSD", "TUSD", "USDP", "DAI", "AEUR", "EURI", "BTC", "ETH", "BNB",
    "EUR", "GBP", "TRY", "BRL", "AUD", "RUB", "UAH", "NGN", "ZAR", "IDRT", "BIDR", "PLN", "RON",
    "ARS", "JPY", "MXN", "COP", "CZK", "XRP", "TRX", "DOGE", "DOT", "PAX", "USDS", "VAI", "BKRW",
];

/// Split a pair given the asset suffixes of its base and quote amounts.
pub fn split_by_suffixes(
    pair: &str,
    base_amount: &str,
    quote_amount: &str,
) -> Option<(String, String)> {
    let pair = pair.trim().replace(['/', '-', '_'], "");
    let k = split_index(&pair, base_amount, quote_amount)?;
    Some((pair[..k].to_string(), pair[k..].to_string()))
}

/// [`split_by_suffixes`] for a pair already free of separators (`/`, `-`,
/// `_`) and spaces: where base ends, `None` when no split or two fit.
pub fn split_index(pair: &str, base_amount: &str, quote_amount: &str) -> Option<usize> {
    let b = base_amount.trim();
    let q = quote_amount.trim();
    let mut found = None;
    for k in 1..pair.len() {
        if !pair.is_char_boundary(k) {
            continue;
        }
        let (base, quote) = pair.split_at(k);
        if ends_with_asset(b, base) && ends_with_asset(q, quote) {
            if found.is_some() {
                return None; // ambiguous
            }
            found = Some(k);
        }
    }
    found
}

/// `split_index(pair, base_amount, quote_amount) == Some(cut)`, checked in
/// two comparisons instead of one per possible cut, for a pair of ASCII
/// letters only: there no other cut can fit, since the number of an amount
/// would then end with a letter of the pair. For any other pair,
/// [`split_index`] itself.
pub fn is_split_index(pair: &str, base_amount: &str, quote_amount: &str, cut: usize) -> bool {
    if !pair.bytes().all(|c| c.is_ascii_alphabetic()) || cut > pair.len() {
        return split_index(pair, base_amount, quote_amount) == Some(cut);
    }
    let (base, quote) = pair.split_at(cut);
    !base.is_empty()
        && !quote.is_empty()
        && ends_with_asset(base_amount.trim(), base)
        && ends_with_asset(quote_amount.trim(), quote)
}

/// `amount` is a number followed (directly or after a space) by `asset`.
fn ends_with_asset(amount: &str, asset: &str) -> bool {
    let Some(num) = amount.strip_suffix(asset) else {
        return false;
    };
    let num = num.trim_end().trim_matches('"');
    !num.is_empty()
        && num
            .bytes()
            .last()
            .is_some_and(|c| c.is_ascii_digit() || c == b'.')
        && num
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b',' | b'-' | b'+' | b'E' | b'e'))
}

/// Split a pair by the known quote list (longest quote first); `hint` is an
/// asset the row names (e.g. the fee coin) that must be base or quote.
pub fn split_by_quotes(pair: &str, hint: Option<&str>) -> Option<(String, String)> {
    let pair = pair.trim().replace(['/', '-', '_'], "").to_uppercase();
    if let Some(h) = hint {
        if let Some(base) = pair.strip_suffix(h) {
            if !base.is_empty() {
                return Some((base.to_string(), h.to_string()));
            }
        }
        if let Some(quote) = pair.strip_prefix(h) {
            if !quote.is_empty() {
                return Some((h.to_string(), quote.to_string()));
            }
        }
    }
    let mut quotes: Vec<&str> = KNOWN_QUOTES.to_vec();
    quotes.sort_by_key(|q| std::cmp::Reverse(q.len()));
    quotes
        .into_iter()
        .find(|q| pair.len() > q.len() && pair.ends_with(q))
        .map(|q| (pair[..pair.len() - q.len()].to_string(), q.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.to_string(), b.to_string()))
    }

    #[test]
    fn splits_with_amount_suffixes() {
        assert_eq!(
            split_by_suffixes("1INCHUSDT", "5.11INCH", "10.2USDT"),
            s("1INCH", "USDT")
        );
        assert_eq!(
            split_by_suffixes("1000SATSUSDT", "100.01000SATS", "3USDT"),
            s("1000SATS", "USDT")
        );
        assert_eq!(
            split_by_suffixes("BTCAEUR", "1.5BTC", "100AEUR"),
            s("BTC", "AEUR")
        );
        assert_eq!(
            split_by_suffixes("ADAEUR", "10ADA", "3.5EUR"),
            s("ADA", "EUR")
        );
        assert_eq!(
            split_by_suffixes("ETHUSDT", "0.001ETH", "2.3 USDT"),
            s("ETH", "USDT")
        );
        assert_eq!(split_by_suffixes("ETHUSDT", "0.001", "2.3"), None);
    }

    #[test]
    fn splits_with_known_quotes() {
        assert_eq!(split_by_quotes("LTCBTC", None), s("LTC", "BTC"));
        assert_eq!(split_by_quotes("BTCEUR", Some("BTC")), s("BTC", "EUR"));
        assert_eq!(split_by_quotes("ETHBTC", Some("ETH")), s("ETH", "BTC"));
        assert_eq!(split_by_quotes("ADA/USDT", None), s("ADA", "USDT"));
        assert_eq!(split_by_quotes("XYZ", None), None);
    }

    #[test]
    fn is_split_index_agrees_with_split_index() {
        let pairs = [
            "BTCUSDT",
            "ETHBTC",
            "AAAA",
            "USDTUSDT",
            "1INCHUSDT",
            "ETHE",
            "EE",
            "X.YZ",
        ];
        let amounts = [
            "1.5BTC",
            "2USDT",
            "0.1 ETH",
            "3E",
            "1EE",
            "7A",
            "7AA",
            "7AAA",
            "1.0ETHE",
            "5HE",
            "9INCH",
            "2.1INCH",
            "1USDTUSDT",
            "4YZ",
            "3.X",
            "x",
            "",
            "1e5BTC",
            "+1BTC",
        ];
        let mut checked = 0;
        for pair in pairs {
            for b in amounts {
                for q in amounts {
                    let want = split_index(pair, b, q);
                    for cut in 0..=pair.len() + 1 {
                        assert_eq!(
                            is_split_index(pair, b, q, cut),
                            want == Some(cut),
                            "{pair} {b} {q} {cut}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 20_000);
    }
}
