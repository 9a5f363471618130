//! Exact arithmetic for the generator: products via `Dec::mul_round`
//! (exact whenever the product has at most 18 decimals) and quotients rounded
//! at a chosen number of decimals (prices, lot sizes).

use crate::decimal::Dec;

/// Integer division rounded half to even.
fn div_half_even(n: i128, d: i128) -> i128 {
    let (q, r) = (n / d, n % d);
    if r == 0 {
        return q;
    }
    let twice = r.unsigned_abs() * 2;
    let du = d.unsigned_abs();
    let step = if (n < 0) != (d < 0) { -1 } else { 1 };
    if twice > du || (twice == du && q % 2 != 0) {
        q + step
    } else {
        q
    }
}

/// `a × b`, exact when the result has at most 18 decimals.
pub fn mul(a: Dec, b: Dec) -> Dec {
    a.mul_round(b)
}

/// `a / b` rounded half to even at `dp` decimals (`None` for b = 0 or overflow).
pub fn div_round(a: Dec, b: Dec, dp: u32) -> Option<Dec> {
    quotient(a, b, dp, false)
}

/// `a / b` rounded toward zero at `dp` decimals (lot sizes).
pub fn div_floor(a: Dec, b: Dec, dp: u32) -> Option<Dec> {
    quotient(a, b, dp, true)
}

fn quotient(a: Dec, b: Dec, dp: u32, floor: bool) -> Option<Dec> {
    if b.is_zero() || dp > 18 {
        return None;
    }
    let n = a.raw().checked_mul(10i128.pow(dp))?;
    let q = if floor {
        n / b.raw()
    } else {
        div_half_even(n, b.raw())
    };
    q.checked_mul(10i128.pow(18 - dp)).map(Dec::from_raw)
}

/// `percent` % of `v`, exact.
pub fn pct(v: Dec, percent: i64) -> Dec {
    mul(v, Dec::from_raw(percent as i128 * 10_000_000_000_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap_or_default()
    }

    #[test]
    fn products_are_exact_where_dec_mul_is_not() {
        // 65432.1 × 0.05284 = 3271.605 + 185.827164 = 3457.432164
        assert_eq!(mul(d("65432.10"), d("0.05284")), d("3457.432164"));
        // 1234.5 × 0.25 = 308.625 (raw product 3.1e38 overflows i128)
        assert_eq!(mul(d("1234.5"), d("0.25")), d("308.625"));
        assert_eq!(mul(d("-2"), d("0.5")), d("-1"));
        assert_eq!(mul(Dec::ZERO, d("7")), Dec::ZERO);
        // 1e-10 × 1e-10 = 1e-20 → 0 at 18 decimals.
        assert_eq!(mul(d("0.0000000001"), d("0.0000000001")), Dec::ZERO);
        // 25 % of 1234.5 = 308.625
        assert_eq!(pct(d("1234.5"), 25), d("308.625"));
    }

    #[test]
    fn quotients_round_or_floor() {
        // 1000 / 3 = 333.3333…: 2 dp → 333.33 either way.
        assert_eq!(div_round(d("1000"), d("3"), 2), Some(d("333.33")));
        // 2 / 3 = 0.666…: half-even → 0.67, floor → 0.66.
        assert_eq!(div_round(d("2"), d("3"), 2), Some(d("0.67")));
        assert_eq!(div_floor(d("2"), d("3"), 2), Some(d("0.66")));
        // 3457.432164 / 65432.1 = 0.05284 exactly.
        assert_eq!(
            div_round(d("3457.432164"), d("65432.1"), 10),
            Some(d("0.05284"))
        );
        assert_eq!(div_round(d("1"), Dec::ZERO, 2), None);
    }
}
