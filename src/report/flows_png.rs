//! `flows.png`: where the value went — the assets sold (left) into the
//! quote asset (middle) and the symbols bought with it (right), from the
//! evidence of the `liquidate-concentrate` findings, 1600×700.
//!
//! The flows are summed exactly ([`Dec`]) by [`flows`] (tested as data);
//! only the band widths are floats.

use crate::analysis::Analysis;
use crate::decimal::Dec;
use crate::detect::finding::{Finding, Table};
use crate::report::charts::{encode_png, ensure_font, FONT};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeMap;

/// Width of `flows.png` in pixels.
pub const WIDTH: u32 = 1600;
/// Height of `flows.png` in pixels.
pub const HEIGHT: u32 = 700;
/// The detector whose evidence the flows are drawn from.
pub const DETECTOR: &str = "liquidate-concentrate";

/// One leg of the flow: an asset sold or a symbol bought.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leg {
    /// Asset sold (left) or symbol bought (right).
    pub name: String,
    /// Base quantity sold or bought.
    pub qty: Dec,
    /// Quote asset received or spent (Σ price × qty, exact).
    pub quote: Dec,
}

/// The value flow of one quote asset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flows {
    pub quote: String,
    /// Sorted by name.
    pub sold: Vec<Leg>,
    /// Sorted by name.
    pub bought: Vec<Leg>,
}

/// (sold, bought) legs by asset, of one quote asset.
type SoldBought = (BTreeMap<String, Leg>, BTreeMap<String, Leg>);

/// The flows of every liquidate-concentrate finding, merged per quote asset
/// (fills where the finding has fills, else its orders).
pub fn flows(a: &Analysis) -> Vec<Flows> {
    let mut by_quote: BTreeMap<String, SoldBought> = BTreeMap::new();
    for f in a
        .detection
        .findings
        .iter()
        .filter(|f| f.detector == DETECTOR)
    {
        let Some(quote) = quote_of(f) else { continue };
        let table = if f.evidence.iter().any(|e| e.table == Table::Fills) {
            Table::Fills
        } else {
            Table::Orders
        };
        let entry = by_quote.entry(quote.clone()).or_default();
        for e in f.evidence.iter().filter(|e| e.table == table) {
            let (Some(sym), Some(side), Some(p), Some(q)) = (&e.symbol, &e.side, e.price, e.qty)
            else {
                continue;
            };
            let Some(base) = sym.strip_suffix(quote.as_str()).filter(|b| !b.is_empty()) else {
                continue;
            };
            let (map, name) = match side.to_ascii_uppercase().as_str() {
                "SELL" => (&mut entry.0, base.to_string()),
                "BUY" => (&mut entry.1, sym.clone()),
                _ => continue,
            };
            let leg = map.entry(name.clone()).or_insert(Leg {
                name,
                qty: Dec::ZERO,
                quote: Dec::ZERO,
            });
            leg.qty += q;
            leg.quote += p.mul_round(q);
        }
    }
    by_quote
        .into_iter()
        .filter(|(_, (s, b))| !s.is_empty() || !b.is_empty())
        .map(|(quote, (s, b))| Flows {
            quote,
            sold: s.into_values().collect(),
            bought: b.into_values().collect(),
        })
        .collect()
}

/// The quote asset: the asset of the finding's value at stake.
fn quote_of(f: &Finding) -> Option<String> {
    f.value.as_ref().map(|v| v.0.clone())
}

/// Render `flows.png` (the first quote asset's flows; a note when none).
pub fn flows_png(a: &Analysis) -> Result<Vec<u8>, String> {
    ensure_font()?;
    let all = flows(a);
    let mut buf = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, all.first()).map_err(|e| format!("cannot draw flows.png: {e}"))?;
        root.present()
            .map_err(|e| format!("cannot draw flows.png: {e}"))?;
    }
    encode_png(&buf, WIDTH, HEIGHT, "flows.png")
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

const TOP: i32 = 90;
const BOTTOM: i32 = HEIGHT as i32 - 40;
const COL_W: i32 = 24;
const LEFT_X: i32 = 430;
const MID_X: i32 = (WIDTH as i32 - COL_W) / 2;
const RIGHT_X: i32 = WIDTH as i32 - 400 - COL_W;
const GAP: i32 = 14;

/// (top, bottom) pixel extents of stacked legs scaled to `total`.
fn stack(values: &[f64], total: f64) -> Vec<(i32, i32)> {
    let n = values.len() as i32;
    let room = f64::from((BOTTOM - TOP - GAP * (n - 1).max(0)).max(n));
    let mut y = TOP;
    values
        .iter()
        .map(|v| {
            let h = if total > 0.0 {
                ((v / total) * room).round().max(2.0) as i32
            } else {
                2
            };
            let out = (y, y + h);
            y += h + GAP;
            out
        })
        .collect()
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    f: Option<&Flows>,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let title = (FONT, 30).into_font().color(&BLACK);
    root.draw(&Text::new(
        "Value flow: assets sold → quote asset → symbol bought",
        (20, 14),
        title,
    ))?;
    let Some(f) = f else {
        let centre = Pos::new(HPos::Center, VPos::Center);
        let style = (FONT, 32).into_font().color(&BLACK).pos(centre);
        root.draw(&Text::new(
            "no liquidate-and-concentrate finding",
            ((WIDTH / 2) as i32, (HEIGHT / 2) as i32),
            style,
        ))?;
        return Ok(());
    };
    let sold: Vec<f64> = f.sold.iter().map(|l| l.quote.to_f64()).collect();
    let bought: Vec<f64> = f.bought.iter().map(|l| l.quote.to_f64()).collect();
    let total = sold.iter().sum::<f64>().max(bought.iter().sum::<f64>());
    let left = stack(&sold, total);
    let right = stack(&bought, total);
    let sub = (FONT, 20).into_font().color(&RGBColor(60, 60, 60));
    root.draw(&Text::new(
        format!(
            "amounts in {} (Σ price × quantity of the fills, exact); band widths to scale",
            f.quote
        ),
        (20, 52),
        sub,
    ))?;
    let sell = RGBColor(200, 110, 30);
    let buy = RGBColor(160, 20, 20);
    let mid = RGBColor(31, 90, 160);
    let received: Dec = f.sold.iter().map(|l| l.quote).sum();
    let spent: Dec = f.bought.iter().map(|l| l.quote).sum();
    // Middle column: the quote asset, as tall as the larger side.
    let mid_h = left
        .last()
        .map_or(0, |l| l.1)
        .max(right.last().map_or(0, |r| r.1));
    root.draw(&Rectangle::new(
        [(MID_X, TOP), (MID_X + COL_W, mid_h.max(TOP + 2))],
        mid.filled(),
    ))?;
    let label = (FONT, 20).into_font().color(&BLACK);
    let centre_top = Pos::new(HPos::Center, VPos::Top);
    root.draw(&Text::new(
        format!(
            "{}: received {received}, spent {spent}{}",
            f.quote,
            if spent > received {
                " (the rest was held before)"
            } else {
                ""
            }
        ),
        (MID_X + COL_W / 2, mid_h.max(TOP + 2) + 6),
        label.clone().pos(centre_top),
    ))?;
    let (mut my_in, mut my_out) = (TOP, TOP);
    let band = |x0: i32, a: (i32, i32), x1: i32, b: (i32, i32), c: RGBColor| {
        Polygon::new(
            vec![(x0, a.0), (x1, b.0), (x1, b.1), (x0, a.1)],
            c.mix(0.35).filled(),
        )
    };
    let right_of = Pos::new(HPos::Right, VPos::Center);
    for (l, ext) in f.sold.iter().zip(&left) {
        let h = ext.1 - ext.0;
        root.draw(&Rectangle::new(
            [(LEFT_X, ext.0), (LEFT_X + COL_W, ext.1)],
            sell.filled(),
        ))?;
        root.draw(&band(LEFT_X + COL_W, *ext, MID_X, (my_in, my_in + h), sell))?;
        my_in += h;
        root.draw(&Text::new(
            format!("{} {} → {} {}", l.qty, l.name, l.quote, f.quote),
            (LEFT_X - 8, (ext.0 + ext.1) / 2),
            label.clone().pos(right_of),
        ))?;
    }
    let left_of = Pos::new(HPos::Left, VPos::Center);
    for (l, ext) in f.bought.iter().zip(&right) {
        let h = ext.1 - ext.0;
        root.draw(&Rectangle::new(
            [(RIGHT_X, ext.0), (RIGHT_X + COL_W, ext.1)],
            buy.filled(),
        ))?;
        root.draw(&band(
            MID_X + COL_W,
            (my_out, my_out + h),
            RIGHT_X,
            *ext,
            buy,
        ))?;
        my_out += h;
        root.draw(&Text::new(
            format!("{} {} → {} bought", l.quote, f.quote, l.qty),
            (RIGHT_X + COL_W + 8, (ext.0 + ext.1) / 2 - 12),
            label.clone().pos(left_of),
        ))?;
        root.draw(&Text::new(
            format!("in {}", l.name),
            (RIGHT_X + COL_W + 8, (ext.0 + ext.1) / 2 + 12),
            label.clone().pos(left_of),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::finding::{Evidence, Severity};
    use crate::model::Origin;
    use crate::report::fixture::{d, sample_analysis, T0};

    fn ev(table: Table, row: u32, sym: &str, side: &str, price: &str, qty: &str) -> Evidence {
        Evidence {
            origin: Origin {
                file: "trades.csv".into(),
                row,
            },
            table,
            time: T0 + i64::from(row),
            symbol: Some(sym.into()),
            side: Some(side.into()),
            price: Some(d(price)),
            qty: Some(d(qty)),
            asset: None,
            order_id: None,
            trade_id: None,
            txid: None,
            address: None,
        }
    }

    fn with_liquidation() -> Analysis {
        let mut a = sample_analysis();
        let mut f = a.detection.findings[0].clone();
        f.id = "liquidate-concentrate-001".into();
        f.detector = DETECTOR.into();
        f.severity = Severity::Medium;
        f.value = Some(("USDT".into(), d("850")));
        f.evidence = vec![
            ev(Table::Fills, 2, "BTCUSDT", "SELL", "60000", "0.5"),
            ev(Table::Fills, 3, "BTCUSDT", "SELL", "60000", "0.25"),
            ev(Table::Fills, 4, "ETHUSDT", "SELL", "3000", "2"),
            ev(Table::Fills, 5, "ZEPHYUSDT", "BUY", "2.5", "100"),
            ev(Table::Fills, 6, "ZEPHYUSDT", "BUY", "3", "200"),
            // An order row of the same trades: not counted again.
            ev(Table::Orders, 9, "BTCUSDT", "SELL", "60000", "0.75"),
        ];
        a.detection.findings.push(f);
        a
    }

    #[test]
    fn sums_sells_and_buys_per_asset_exactly() {
        let got = flows(&with_liquidation());
        // BTC: 0.5 × 60000 + 0.25 × 60000 = 45000; ETH: 2 × 3000 = 6000;
        // ZEPHY: 100 × 2.5 + 200 × 3 = 850 for 300.
        let want = vec![Flows {
            quote: "USDT".into(),
            sold: vec![
                Leg {
                    name: "BTC".into(),
                    qty: d("0.75"),
                    quote: d("45000"),
                },
                Leg {
                    name: "ETH".into(),
                    qty: d("2"),
                    quote: d("6000"),
                },
            ],
            bought: vec![Leg {
                name: "ZEPHYUSDT".into(),
                qty: d("300"),
                quote: d("850"),
            }],
        }];
        assert_eq!(got, want);
    }

    #[test]
    fn no_liquidation_means_no_flows_and_still_a_png() {
        let a = sample_analysis();
        assert!(flows(&a).is_empty());
        let png = flows_png(&a).unwrap();
        let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
        assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT));
    }

    #[test]
    fn png_is_1600_by_700_and_deterministic() {
        let a = with_liquidation();
        let png = flows_png(&a).unwrap();
        let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
        assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT));
        assert_eq!(flows_png(&a).unwrap(), png);
        assert_ne!(png, flows_png(&sample_analysis()).unwrap());
    }

    #[test]
    fn stacked_legs_fit_the_column() {
        let s = stack(&[3.0, 1.0], 4.0);
        // Room 660 − 90 − 14 = 556 px: 3/4 → 417, 1/4 → 139, gap 14.
        assert_eq!(s, vec![(TOP, TOP + 417), (TOP + 431, TOP + 570)]);
        assert_eq!(s[1].1, BOTTOM);
    }
}
