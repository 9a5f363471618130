//! Detector thresholds: `DetectConfig`, read from TOML.
//!
//! What: every number a detector decides on, grouped by detector.
//! Why: heuristics live in code, their numbers as data; the defaults are the
//! embedded `defaults.toml` (each key there carries its rationale) and a user
//! file overrides any subset of keys (`--config`).
//! Validation: ranges are checked after the overlay, and unknown keys are
//! refused so a misspelt threshold never silently keeps its default.

use serde::Deserialize;

/// The embedded default thresholds, with a comment per key.
pub const DEFAULTS_TOML: &str = include_str!("defaults.toml");

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurstConfig {
    pub routine_days: u32,
    pub medium_orders: u32,
    pub windows_s: Vec<u32>,
    pub alpha: f64,
    pub min_rate_per_day: f64,
    pub min_orders: u32,
    pub kleinberg_s: f64,
    pub kleinberg_gamma: f64,
    pub context_s: u32,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiquidateConfig {
    pub window_s: u32,
    pub min_assets: u32,
    pub min_median_share_sold: f64,
    pub min_concentration: f64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverpayConfig {
    pub exclude_s: u32,
    pub min_reference_fills: u32,
    pub reference_fills: u32,
    pub reference_horizon_s: u32,
    pub min_robust_z: f64,
    pub medium_deviation: f64,
    pub min_deviation: f64,
    pub min_sweep: f64,
    pub min_rising_orders: u32,
    pub session_gap_s: u32,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundTripConfig {
    pub windows_s: Vec<u32>,
    pub min_buys: u32,
    pub min_sells: u32,
    pub max_imbalance: f64,
    pub min_loss_share: f64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizePatternConfig {
    pub min_repeats: u32,
    pub min_repeat_share: f64,
    pub benford_min_n: u32,
    pub benford_alpha: f64,
}

/// The user's own bots' symbols and own withdrawal addresses.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowConfig {
    pub symbols: Vec<String>,
    pub addresses: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirstSeenConfig {
    pub min_history_days: u32,
    pub low_share: f64,
    pub session_gap_s: u32,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfTradeConfig {
    pub window_s: u32,
    pub medium_pairs: u32,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    pub min_share: f64,
    pub join_after_s: u32,
    pub multi_coin_window_s: u32,
    pub multi_coin_count: u32,
    pub dormancy_days: u32,
    pub rejected_window_s: u32,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingConfig {
    pub no_deposit_s: u32,
    pub dormancy_days: u32,
    pub rejected_window_s: u32,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentConfig {
    pub slack_s: u32,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LossConfig {
    pub reference_asset: String,
    pub price_window_s: u32,
}

/// All detector thresholds.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectConfig {
    pub burst: BurstConfig,
    pub liquidate_concentrate: LiquidateConfig,
    pub overpay: OverpayConfig,
    pub round_trip: RoundTripConfig,
    pub size_pattern: SizePatternConfig,
    pub allow: AllowConfig,
    pub first_seen: FirstSeenConfig,
    pub self_trade: SelfTradeConfig,
    pub withdrawal_sweep: SweepConfig,
    pub funding_context: FundingConfig,
    pub incident: IncidentConfig,
    pub loss: LossConfig,
    /// Prices from `--prices FILE` (not part of the TOML), sorted.
    #[serde(skip)]
    pub prices: Vec<super::prices::PricePoint>,
}

impl Default for DetectConfig {
    fn default() -> Self {
        // The embedded file is part of the program, not user input; the test
        // `defaults_parse_and_validate` guarantees this cannot fail.
        DetectConfig::from_toml_str("").expect("embedded defaults.toml is valid")
    }
}

impl DetectConfig {
    /// Overlay `user` TOML over the embedded defaults (missing keys keep
    /// their defaults), then validate the ranges.
    pub fn from_toml_str(user: &str) -> Result<DetectConfig, String> {
        let mut base: toml::Table = DEFAULTS_TOML
            .parse()
            .map_err(|e| format!("embedded defaults.toml: {e}"))?;
        let over: toml::Table = user
            .parse()
            .map_err(|e| format!("detector config is not valid TOML: {e}"))?;
        merge(&mut base, over, "")?;
        let cfg: DetectConfig = toml::Value::Table(base)
            .try_into()
            .map_err(|e| format!("detector config: {e}"))?;
        cfg.validate()?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<(), String> {
        let b = &self.burst;
        if b.windows_s.is_empty() || b.windows_s.contains(&0) {
            return Err(bad("burst.windows_s", &b.windows_s, "non-empty, each > 0"));
        }
        unit_open("burst.alpha", b.alpha)?;
        positive("burst.min_rate_per_day", b.min_rate_per_day)?;
        at_least("burst.min_orders", b.min_orders, 2)?;
        at_least("burst.medium_orders", b.medium_orders, b.min_orders)?;
        if !(b.kleinberg_s > 1.0 && b.kleinberg_s.is_finite()) {
            return Err(bad("burst.kleinberg_s", &b.kleinberg_s, "> 1"));
        }
        positive("burst.kleinberg_gamma", b.kleinberg_gamma)?;
        at_least("burst.context_s", b.context_s, 1)?;
        let l = &self.liquidate_concentrate;
        at_least("liquidate_concentrate.window_s", l.window_s, 1)?;
        at_least("liquidate_concentrate.min_assets", l.min_assets, 1)?;
        share(
            "liquidate_concentrate.min_median_share_sold",
            l.min_median_share_sold,
        )?;
        share(
            "liquidate_concentrate.min_concentration",
            l.min_concentration,
        )?;
        let o = &self.overpay;
        at_least("overpay.exclude_s", o.exclude_s, 1)?;
        at_least("overpay.min_reference_fills", o.min_reference_fills, 1)?;
        positive("overpay.min_deviation", o.min_deviation)?;
        positive("overpay.min_robust_z", o.min_robust_z)?;
        if o.reference_horizon_s <= o.exclude_s {
            return Err(bad(
                "overpay.reference_horizon_s",
                &o.reference_horizon_s,
                "greater than overpay.exclude_s",
            ));
        }
        at_least(
            "overpay.reference_fills",
            o.reference_fills,
            o.min_reference_fills,
        )?;
        if o.medium_deviation < o.min_deviation {
            return Err(bad(
                "overpay.medium_deviation",
                &o.medium_deviation,
                "at least overpay.min_deviation",
            ));
        }
        if o.min_deviation >= 1.0 {
            return Err(bad("overpay.min_deviation", &o.min_deviation, "in (0, 1)"));
        }
        positive("overpay.min_sweep", o.min_sweep)?;
        at_least("overpay.min_rising_orders", o.min_rising_orders, 2)?;
        at_least("overpay.session_gap_s", o.session_gap_s, 1)?;
        let r = &self.round_trip;
        if r.windows_s.is_empty() || r.windows_s.contains(&0) {
            return Err(bad(
                "round_trip.windows_s",
                &r.windows_s,
                "non-empty, each > 0",
            ));
        }
        at_least("round_trip.min_buys", r.min_buys, 1)?;
        at_least("round_trip.min_sells", r.min_sells, 1)?;
        positive("round_trip.max_imbalance", r.max_imbalance)?;
        share("round_trip.min_loss_share", r.min_loss_share)?;
        let z = &self.size_pattern;
        at_least("size_pattern.min_repeats", z.min_repeats, 2)?;
        share("size_pattern.min_repeat_share", z.min_repeat_share)?;
        at_least("size_pattern.benford_min_n", z.benford_min_n, 10)?;
        unit_open("size_pattern.benford_alpha", z.benford_alpha)?;
        let f = &self.first_seen;
        at_least("first_seen.min_history_days", f.min_history_days, 1)?;
        share("first_seen.low_share", f.low_share)?;
        at_least("first_seen.session_gap_s", f.session_gap_s, 1)?;
        let s = &self.self_trade;
        at_least("self_trade.window_s", s.window_s, 1)?;
        at_least("self_trade.medium_pairs", s.medium_pairs, 1)?;
        let w = &self.withdrawal_sweep;
        share("withdrawal_sweep.min_share", w.min_share)?;
        at_least("withdrawal_sweep.join_after_s", w.join_after_s, 1)?;
        at_least(
            "withdrawal_sweep.multi_coin_window_s",
            w.multi_coin_window_s,
            1,
        )?;
        at_least("withdrawal_sweep.multi_coin_count", w.multi_coin_count, 2)?;
        at_least("withdrawal_sweep.dormancy_days", w.dormancy_days, 1)?;
        let c = &self.funding_context;
        at_least("funding_context.no_deposit_s", c.no_deposit_s, 1)?;
        at_least("funding_context.dormancy_days", c.dormancy_days, 1)?;
        if self.loss.reference_asset.trim().is_empty() {
            return Err(bad(
                "loss.reference_asset",
                &"\"\"",
                "an asset ticker, e.g. USDT",
            ));
        }
        Ok(())
    }
}

/// Recursively overlay `over` onto `base`; a key unknown to the defaults is
/// an error naming it and the valid keys.
fn merge(base: &mut toml::Table, over: toml::Table, path: &str) -> Result<(), String> {
    for (k, v) in over {
        let full = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        match base.get_mut(&k) {
            None => {
                let valid: Vec<&str> = base.keys().map(|s| s.as_str()).collect();
                return Err(format!(
                    "detector config: unknown key `{full}`; valid keys here: {}",
                    valid.join(", ")
                ));
            }
            Some(toml::Value::Table(bt)) => match v {
                toml::Value::Table(ot) => merge(bt, ot, &full)?,
                _ => return Err(format!("detector config: `{full}` must be a table")),
            },
            Some(slot) => *slot = v,
        }
    }
    Ok(())
}

fn bad(key: &str, v: &dyn std::fmt::Debug, want: &str) -> String {
    format!("detector config: `{key}` = {v:?} is out of range; expected {want}")
}

fn unit_open(key: &str, v: f64) -> Result<(), String> {
    if v > 0.0 && v < 1.0 {
        Ok(())
    } else {
        Err(bad(key, &v, "in (0, 1)"))
    }
}

fn share(key: &str, v: f64) -> Result<(), String> {
    if v > 0.0 && v <= 1.0 {
        Ok(())
    } else {
        Err(bad(key, &v, "in (0, 1]"))
    }
}

fn positive(key: &str, v: f64) -> Result<(), String> {
    if v > 0.0 && v.is_finite() {
        Ok(())
    } else {
        Err(bad(key, &v, "a finite number > 0"))
    }
}

fn at_least(key: &str, v: u32, min: u32) -> Result<(), String> {
    if v >= min {
        Ok(())
    } else {
        Err(bad(key, &v, &format!(">= {min}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_and_validate() {
        let c = DetectConfig::from_toml_str("").unwrap();
        assert_eq!(c.burst.windows_s, vec![10, 60, 300]);
        assert_eq!(c.burst.alpha, 1e-3);
        assert_eq!(c.liquidate_concentrate.min_assets, 3);
        assert_eq!(c.overpay.exclude_s, 6 * 3600);
        assert_eq!(c.loss.reference_asset, "USDT");
        assert_eq!(c, DetectConfig::default());
    }

    #[test]
    fn user_values_overlay_defaults() {
        let c = DetectConfig::from_toml_str("[burst]\nalpha = 0.01\n").unwrap();
        assert_eq!(c.burst.alpha, 0.01);
        // untouched keys keep the defaults
        assert_eq!(c.burst.min_orders, 5);
        assert_eq!(c.overpay.min_deviation, 0.2);
    }

    #[test]
    fn refuses_unknown_keys_and_bad_ranges() {
        let e = DetectConfig::from_toml_str("[burst]\nalfa = 0.01\n").unwrap_err();
        assert!(e.contains("unknown key `burst.alfa`"), "{e}");
        assert!(e.contains("alpha"), "{e}");
        let e = DetectConfig::from_toml_str("[burst]\nalpha = 2.0\n").unwrap_err();
        assert!(e.contains("`burst.alpha` = 2.0"), "{e}");
        let e = DetectConfig::from_toml_str("[overpay]\nmin_sweep = -1\n").unwrap_err();
        assert!(e.contains("overpay.min_sweep"), "{e}");
        assert!(DetectConfig::from_toml_str("[burst]\nwindows_s = []\n").is_err());
        assert!(DetectConfig::from_toml_str("burst = 3\n").is_err());
        let e = DetectConfig::from_toml_str("[round_trip]\nmin_loss_share = 0\n").unwrap_err();
        assert!(e.contains("round_trip.min_loss_share"), "{e}");
    }

    #[test]
    fn allowlists_default_empty_and_overlay() {
        let c = DetectConfig::default();
        assert!(c.allow.symbols.is_empty() && c.allow.addresses.is_empty());
        let c = DetectConfig::from_toml_str("[allow]\nsymbols = [\"BTCUSDT\"]\n").unwrap();
        assert_eq!(c.allow.symbols, vec!["BTCUSDT"]);
        assert!(c.allow.addresses.is_empty());
    }
}
