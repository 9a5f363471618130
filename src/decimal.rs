//! `Dec`: an exact signed decimal with 18 fractional digits, stored as a
//! scaled `i128` (the same physical layout as polars `Decimal(38, 18)`).
//!
//! Amounts and balances never pass through `f64`. Parsing accepts plain
//! decimals (`-0.49603680`), scientific notation (`6.0E-7`, `-3.605E-05`)
//! and negative zero; it refuses anything else, including values with more
//! than 18 fractional digits that are not zeros (they would be rounded).
//! Display trims trailing zeros (`0.5`, `-7E-08` → `-0.00000007`).

use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// Number of fractional digits kept exactly.
pub const SCALE: u32 = 18;
const ONE_RAW: i128 = 1_000_000_000_000_000_000;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dec(i128);

/// Why a string is not an exact decimal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecError {
    Empty,
    Invalid,
    TooPrecise,
    Overflow,
}

impl fmt::Display for DecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecError::Empty => "empty value",
            DecError::Invalid => "not a decimal number",
            DecError::TooPrecise => "more than 18 decimal places",
            DecError::Overflow => "number too large",
        })
    }
}

impl Dec {
    pub const ZERO: Dec = Dec(0);
    pub const ONE: Dec = Dec(ONE_RAW);

    /// From the raw scaled integer (value × 10^18).
    pub const fn from_raw(raw: i128) -> Dec {
        Dec(raw)
    }

    /// The raw scaled integer (value × 10^18).
    pub const fn raw(self) -> i128 {
        self.0
    }

    pub fn from_int(v: i64) -> Dec {
        Dec(v as i128 * ONE_RAW)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
    pub fn abs(self) -> Dec {
        Dec(self.0.abs())
    }
    pub fn signum(self) -> i32 {
        self.0.signum() as i32
    }

    pub fn checked_add(self, o: Dec) -> Option<Dec> {
        self.0.checked_add(o.0).map(Dec)
    }
    pub fn checked_sub(self, o: Dec) -> Option<Dec> {
        self.0.checked_sub(o.0).map(Dec)
    }

    /// Product rounded half to even at the 18th decimal (exact whenever the
    /// true product has at most 18 decimals). Saturates beyond ~1.7e20.
    pub fn mul_round(self, o: Dec) -> Dec {
        let neg = (self.0 < 0) != (o.0 < 0);
        let (a, b) = (self.0.unsigned_abs(), o.0.unsigned_abs());
        let one = ONE_RAW as u128;
        let (a_int, a_frac) = (a / one, a % one);
        let (b_int, b_frac) = (b / one, b % one);
        // a·b/1e18 = a·b_int + a_int·b_frac + a_frac·b_frac/1e18
        let whole = a
            .checked_mul(b_int)
            .and_then(|x| x.checked_add(a_int.checked_mul(b_frac)?));
        let Some(whole) = whole else {
            return if neg {
                Dec(i128::MIN + 1)
            } else {
                Dec(i128::MAX)
            };
        };
        let p = a_frac * b_frac; // < 1e36, fits
        let (q, r) = (p / one, p % one);
        let round_up = r * 2 > one || (r * 2 == one && q % 2 == 1);
        let raw = whole + q + u128::from(round_up);
        let raw = i128::try_from(raw).unwrap_or(i128::MAX);
        Dec(if neg { -raw } else { raw })
    }

    /// Quotient rounded half to even at 18 decimals (exact long division);
    /// `None` on division by zero.
    pub fn div_round(self, o: Dec) -> Option<Dec> {
        if o.0 == 0 {
            return None;
        }
        let neg = (self.0 < 0) != (o.0 < 0);
        let (a, b) = (self.0.unsigned_abs(), o.0.unsigned_abs());
        let int = a / b;
        let mut r = a % b;
        let mut frac: u128 = 0;
        for _ in 0..SCALE {
            r = match r.checked_mul(10) {
                Some(x) => x,
                None => return Dec::from_f64(self.to_f64() / o.to_f64()),
            };
            frac = frac * 10 + r / b;
            r %= b;
        }
        let round_up = match r.checked_mul(2) {
            Some(r2) => r2 > b || (r2 == b && frac % 2 == 1),
            None => true,
        };
        let raw = int
            .checked_mul(ONE_RAW as u128)
            .and_then(|x| x.checked_add(frac + u128::from(round_up)))
            .and_then(|x| i128::try_from(x).ok())?;
        Some(Dec(if neg { -raw } else { raw }))
    }

    /// Round half to even to `places` decimals (places ≤ 18).
    pub fn round_dp(self, places: u32) -> Dec {
        if places >= SCALE {
            return self;
        }
        let unit = 10i128.pow(SCALE - places);
        Dec(div_round_half_even(self.0, unit) * unit)
    }

    /// Round to `digits` significant digits, half to even.
    pub fn round_sig(self, digits: u32) -> Dec {
        if self.0 == 0 {
            return self;
        }
        let n_digits = self.0.unsigned_abs().to_string().len() as u32; // digits of raw
        if n_digits <= digits {
            return self;
        }
        let drop = n_digits - digits;
        let unit = 10i128.pow(drop);
        Dec(div_round_half_even(self.0, unit) * unit)
    }

    pub fn to_f64(self) -> f64 {
        self.0 as f64 / ONE_RAW as f64
    }

    /// Nearest decimal to a float (for derived statistics only, never input money).
    pub fn from_f64(v: f64) -> Option<Dec> {
        if !v.is_finite() || v.abs() > 1e20 {
            return None;
        }
        Dec::parse(&format!("{v:.18}")).ok()
    }

    /// Parse an exact decimal: `123`, `-0.5`, `.5`, `1e-7`, `6.0E-7`, `+2`.
    pub fn parse(s: &str) -> Result<Dec, DecError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(DecError::Empty);
        }
        let bytes = s.as_bytes();
        let (neg, mut i) = match bytes[0] {
            b'-' => (true, 1),
            b'+' => (false, 1),
            _ => (false, 0),
        };
        let mut mant: i128 = 0;
        let mut frac_digits: i32 = 0;
        let mut seen_digit = false;
        let mut seen_dot = false;
        let mut dropped_nonzero = false;
        // Digits beyond what i128 can hold are only allowed as trailing zeros.
        while i < bytes.len() {
            let c = bytes[i];
            match c {
                b'0'..=b'9' => {
                    seen_digit = true;
                    let d = (c - b'0') as i128;
                    if seen_dot && frac_digits >= 36 {
                        if d != 0 {
                            dropped_nonzero = true;
                        }
                    } else {
                        mant = if mant < SAFE_TO_SHIFT {
                            mant * 10 + d // cannot overflow (the common case, no checks)
                        } else {
                            mant.checked_mul(10)
                                .and_then(|m| m.checked_add(d))
                                .ok_or(DecError::Overflow)?
                        };
                        if seen_dot {
                            frac_digits += 1;
                        }
                    }
                }
                b'.' if !seen_dot => seen_dot = true,
                b'e' | b'E' => break,
                _ => return Err(DecError::Invalid),
            }
            i += 1;
        }
        if !seen_digit {
            return Err(DecError::Invalid);
        }
        let mut exp: i32 = 0;
        if i < bytes.len() {
            // exponent
            i += 1;
            let rest = &s[i..];
            if rest.is_empty() || rest.len() > 5 {
                return Err(DecError::Invalid);
            }
            exp = rest.parse::<i32>().map_err(|_| DecError::Invalid)?;
        }
        if dropped_nonzero {
            return Err(DecError::TooPrecise);
        }
        // value = mant × 10^(exp − frac_digits); raw = value × 10^18
        let shift = exp - frac_digits + SCALE as i32;
        let raw = if shift >= 0 {
            let m = *POW10.get(shift as usize).ok_or(DecError::Overflow)?;
            if mant < 1 << 63 && m < 1 << 63 {
                mant * m // both below 2^63: the product fits (no overflow check)
            } else {
                mant.checked_mul(m).ok_or(DecError::Overflow)?
            }
        } else {
            let d = *POW10.get((-shift) as usize).ok_or(DecError::TooPrecise)?;
            if mant % d != 0 {
                return Err(DecError::TooPrecise);
            }
            mant / d
        };
        Ok(Dec(if neg { -raw } else { raw }))
    }
}

/// Below this, `m * 10 + 9` fits an `i128`.
const SAFE_TO_SHIFT: i128 = i128::MAX / 10 - 1;

/// 10^0 ..= 10^38, every power of ten an `i128` holds.
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// Integer division rounded half to even.
fn div_round_half_even(n: i128, d: i128) -> i128 {
    let q = n / d;
    let r = n % d;
    if r == 0 {
        return q;
    }
    let twice = r.unsigned_abs() * 2;
    let du = d.unsigned_abs();
    let away = (n < 0) != (d < 0);
    let step = if away { -1 } else { 1 };
    if twice > du || (twice == du && q % 2 != 0) {
        q + step
    } else {
        q
    }
}

impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let int = abs / ONE_RAW as u128;
        let frac = abs % ONE_RAW as u128;
        if neg {
            f.write_str("-")?;
        }
        write!(f, "{int}")?;
        if frac != 0 {
            let s = format!("{frac:018}");
            f.write_str(".")?;
            f.write_str(s.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Dec {
    type Err = DecError;
    fn from_str(s: &str) -> Result<Dec, DecError> {
        Dec::parse(s)
    }
}

impl Add for Dec {
    type Output = Dec;
    /// Saturates instead of overflowing (inputs are capped far below the limit).
    fn add(self, o: Dec) -> Dec {
        Dec(self.0.saturating_add(o.0))
    }
}
impl Sub for Dec {
    type Output = Dec;
    /// Saturates instead of overflowing (inputs are capped far below the limit).
    fn sub(self, o: Dec) -> Dec {
        Dec(self.0.saturating_sub(o.0))
    }
}
impl AddAssign for Dec {
    fn add_assign(&mut self, o: Dec) {
        *self = *self + o;
    }
}
impl SubAssign for Dec {
    fn sub_assign(&mut self, o: Dec) {
        *self = *self - o;
    }
}
impl Neg for Dec {
    type Output = Dec;
    fn neg(self) -> Dec {
        Dec(-self.0)
    }
}
impl std::iter::Sum for Dec {
    fn sum<I: Iterator<Item = Dec>>(iter: I) -> Dec {
        iter.fold(Dec::ZERO, |a, b| a + b)
    }
}

impl serde::Serialize for Dec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Dec {
        Dec::parse(s).unwrap()
    }

    #[test]
    fn parses_plain_and_scientific() {
        assert_eq!(d("-0.49603680").to_string(), "-0.4960368");
        assert_eq!(d("6.0E-7").to_string(), "0.0000006");
        assert_eq!(d("-7E-08").to_string(), "-0.00000007");
        assert_eq!(d("-3.605E-05").to_string(), "-0.00003605");
        assert_eq!(d("1.5e3").to_string(), "1500");
        assert_eq!(d("-0.0").to_string(), "0");
        assert_eq!(d("+2").to_string(), "2");
        assert_eq!(d(".5").to_string(), "0.5");
        assert_eq!(d("-0.9049715199999999").to_string(), "-0.9049715199999999");
    }

    #[test]
    fn refuses_garbage_and_rounding() {
        assert_eq!(Dec::parse(""), Err(DecError::Empty));
        assert_eq!(Dec::parse("1,000.5"), Err(DecError::Invalid));
        assert_eq!(Dec::parse("1.2.3"), Err(DecError::Invalid));
        assert_eq!(Dec::parse("abc"), Err(DecError::Invalid));
        assert_eq!(Dec::parse("E5"), Err(DecError::Invalid));
        assert_eq!(
            Dec::parse("0.0000000000000000001"),
            Err(DecError::TooPrecise)
        );
        assert_eq!(d("0.1000000000000000000000").to_string(), "0.1");
    }

    #[test]
    fn limits_of_the_mantissa_and_of_the_scale() {
        // 10^20 × 10^18 = 10^38 still fits an i128; 10^21 × 10^18 does not.
        assert_eq!(d("100000000000000000000").raw(), 10i128.pow(38));
        assert_eq!(
            Dec::parse("1000000000000000000000"),
            Err(DecError::Overflow)
        );
        assert_eq!(d("1E20").raw(), 10i128.pow(38));
        assert_eq!(Dec::parse("1E21"), Err(DecError::Overflow));
        // i128::MAX as digits fills the mantissa; one more digit overflows it.
        let max = i128::MAX.to_string();
        assert_eq!(Dec::parse(&format!("0.{max}")), Err(DecError::TooPrecise));
        assert_eq!(Dec::parse(&format!("{max}0")), Err(DecError::Overflow));
        assert_eq!(d("1E-18").raw(), 1);
        assert_eq!(Dec::parse("1E-19"), Err(DecError::TooPrecise));
        assert_eq!(
            d("123456789.123456789123456789").raw(),
            123_456_789_123_456_789_123_456_789
        );
    }

    #[test]
    fn sums_exactly_where_floats_do_not() {
        let total: Dec = (0..10).map(|_| d("0.1")).sum();
        assert_eq!(total, d("1"));
        assert_eq!((d("0.003996") - d("0.000004")).to_string(), "0.003992");
    }

    #[test]
    fn rounds_half_to_even() {
        assert_eq!(d("0.125").round_dp(2).to_string(), "0.12");
        assert_eq!(d("0.135").round_dp(2).to_string(), "0.14");
        assert_eq!(d("-0.125").round_dp(2).to_string(), "-0.12");
        assert_eq!(
            d("1").div_round(d("3")).unwrap().round_dp(8).to_string(),
            "0.33333333"
        );
        assert_eq!(d("123456.789").round_sig(4).to_string(), "123500");
        assert_eq!(d("2").mul_round(d("0.25")).to_string(), "0.5");
        // Products and quotients of realistic sizes stay exact.
        assert_eq!(d("1234.5").mul_round(d("0.25")).to_string(), "308.625");
        assert_eq!(
            d("65432.10").mul_round(d("0.05284")).to_string(),
            "3457.432164"
        );
        assert_eq!(
            d("-11426.2").mul_round(d("0.052845")).to_string(),
            "-603.817539"
        );
        assert_eq!(
            d("603.817539")
                .div_round(d("0.052845"))
                .unwrap()
                .to_string(),
            "11426.2"
        );
        assert_eq!(
            d("100000").div_round(d("3")).unwrap().to_string(),
            "33333.333333333333333333"
        );
        assert_eq!(
            d("-2").div_round(d("3")).unwrap().to_string(),
            "-0.666666666666666667"
        );
        // 1e-18 × 0.5 = 5e-19: half to even gives 0; 3e-18 × 0.5 = 1.5e-18 gives 2e-18.
        assert_eq!(
            d("0.000000000000000001").mul_round(d("0.5")).to_string(),
            "0"
        );
        assert_eq!(
            d("0.000000000000000003").mul_round(d("0.5")).to_string(),
            "0.000000000000000002"
        );
    }
}
