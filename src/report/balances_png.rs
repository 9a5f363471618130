//! `balances.png`: the running balance of each affected asset (all wallets
//! together; `Analysis.balances.charts`), one panel per asset stacked
//! vertically with its own scale, incident windows shaded. Drawn with
//! plotters and the embedded DejaVu font of `charts.rs`. Balances are exact
//! decimals until here; only the plot coordinates are `f64`.

use super::charts::{ensure_font, fmt_time, tick_step, FONT};
use crate::analysis::Analysis;
use crate::model::TimeMs;
use image::codecs::png::PngEncoder;
use image::{ColorType, ImageEncoder};
use plotters::prelude::*;

/// Width of `balances.png` in pixels.
pub const WIDTH: u32 = 1600;
/// Height of one asset's panel.
pub const PANEL_HEIGHT: u32 = 320;
const HEADER: u32 = 60;
const DAY: TimeMs = 86_400_000;
const MINUTE: TimeMs = 60_000;
/// Approximate width of a panel's plotting area in pixels.
const PLOT_PX: TimeMs = 1400;

/// One asset's panel.
#[derive(Debug, PartialEq)]
pub struct Panel {
    pub asset: String,
    /// Step line: each balance held until the next change.
    pub line: Vec<(TimeMs, f64)>,
    pub y_range: (f64, f64),
}

/// What the chart shows, worked out before any drawing (tested as data).
#[derive(Debug, PartialEq)]
pub struct BalancesData {
    pub x_range: (TimeMs, TimeMs),
    pub panels: Vec<Panel>,
    /// Incident windows (start, end), at least one minute wide.
    pub windows: Vec<(TimeMs, TimeMs)>,
    pub ticks: Vec<TimeMs>,
    pub tick_format: &'static str,
}

/// Lay out the chart; `None` when no asset is affected.
pub fn balances_data(a: &Analysis) -> Option<BalancesData> {
    let series = &a.balances.charts;
    let lo = series
        .iter()
        .filter_map(|s| s.points.first())
        .map(|p| p.0)
        .min()?;
    let hi = series
        .iter()
        .filter_map(|s| s.points.last())
        .map(|p| p.0)
        .max()?;
    let incidents = &a.detection.incidents;
    let lo = incidents.iter().map(|i| i.start).fold(lo, TimeMs::min);
    let hi = incidents.iter().map(|i| i.end).fold(hi, TimeMs::max);
    let pad = (hi.saturating_sub(lo) / 40).max(MINUTE);
    let (lo, hi) = (lo.saturating_sub(pad), hi.saturating_add(pad));
    // A few minutes on a weeks-long axis: keep each window at least 4 px wide.
    let min_width = (hi.saturating_sub(lo) / PLOT_PX)
        .saturating_mul(4)
        .max(MINUTE);
    let windows: Vec<(TimeMs, TimeMs)> = incidents
        .iter()
        .map(|i| (i.start, i.end.max(i.start.saturating_add(min_width))))
        .collect();
    let step = tick_step(hi.saturating_sub(lo));
    let first = (lo.div_euclid(step) + 1) * step;
    let ticks = std::iter::successors(Some(first), |t| t.checked_add(step))
        .take_while(|t| *t <= hi)
        .collect();
    let panels = series
        .iter()
        .filter(|s| !s.points.is_empty())
        .map(|s| {
            let mut line: Vec<(TimeMs, f64)> = Vec::with_capacity(s.points.len() * 2 + 1);
            for (k, (t, v)) in s.points.iter().enumerate() {
                let y = v.to_f64();
                if k > 0 {
                    line.push((*t, line[line.len() - 1].1));
                }
                line.push((*t, y));
            }
            line.push((hi, line[line.len() - 1].1));
            let ymin = line.iter().map(|p| p.1).fold(0.0, f64::min);
            let ymax = line.iter().map(|p| p.1).fold(0.0, f64::max);
            let pad = ((ymax - ymin) * 0.08).max(ymax.abs().max(1e-12) * 0.05);
            Panel {
                asset: s.asset.clone(),
                line,
                y_range: (ymin - pad, ymax + pad),
            }
        })
        .collect();
    Some(BalancesData {
        x_range: (lo, hi),
        panels,
        windows,
        ticks,
        tick_format: if step < DAY {
            "%m-%d %H:%M"
        } else {
            "%Y-%m-%d"
        },
    })
}

/// Height of the image for `n` panels (one empty panel when none).
pub fn height(n: usize) -> u32 {
    HEADER + PANEL_HEIGHT * (n.max(1) as u32)
}

fn draw_err<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw balances.png: {e}")
}

/// Render `balances.png`.
pub fn balances_png(a: &Analysis) -> Result<Vec<u8>, String> {
    ensure_font()?;
    let data = balances_data(a);
    let h = height(data.as_ref().map_or(0, |d| d.panels.len()));
    let mut buf = vec![0u8; (WIDTH * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, h)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let title = (FONT, 30).into_font().color(&BLACK);
        root.draw(&Text::new(
            "Running balance per asset (all wallets, UTC), incident windows shaded",
            (20, 14),
            title,
        ))
        .map_err(draw_err)?;
        match &data {
            Some(d) if !d.panels.is_empty() => {
                let body = root.margin(HEADER, 0, 0, 0);
                let areas = body.split_evenly((d.panels.len(), 1));
                for (area, p) in areas.iter().zip(&d.panels) {
                    draw_panel(area, d, p)?;
                }
            }
            _ => {
                let style = (FONT, 34).into_font().color(&BLACK);
                root.draw(&Text::new(
                    "no asset changed inside an incident or shows a gap",
                    (360, (h / 2) as i32),
                    style,
                ))
                .map_err(draw_err)?;
            }
        }
        root.present().map_err(draw_err)?;
    }
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(&buf, WIDTH, h, ColorType::Rgb8)
        .map_err(|e| format!("cannot encode balances.png: {e}"))?;
    Ok(png)
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn draw_panel(area: &Area<'_>, d: &BalancesData, p: &Panel) -> Result<(), String> {
    let (lo, hi) = d.x_range;
    let (ymin, ymax) = p.y_range;
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .caption(p.asset.as_str(), (FONT, 22))
        .x_label_area_size(40)
        .y_label_area_size(130)
        .build_cartesian_2d((lo..hi).with_key_points(d.ticks.clone()), ymin..ymax)
        .map_err(draw_err)?;
    let fmt = |t: &TimeMs| fmt_time(*t, d.tick_format);
    let yfmt = |v: &f64| {
        format!("{v:.8}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&fmt)
        .y_label_formatter(&yfmt)
        .y_labels(5)
        .label_style((FONT, 16))
        .draw()
        .map_err(draw_err)?;
    let shade = RGBColor(220, 40, 40).mix(0.18).filled();
    chart
        .draw_series(
            d.windows
                .iter()
                .map(|w| Rectangle::new([(w.0, ymin), (w.1, ymax)], shade)),
        )
        .map_err(draw_err)?;
    chart
        .draw_series(LineSeries::new(
            p.line.iter().copied(),
            RGBColor(31, 90, 160).stroke_width(2),
        ))
        .map_err(draw_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{sample_analysis, T0};

    fn size(png: &[u8]) -> (u32, u32) {
        let img = image::load_from_memory_with_format(png, image::ImageFormat::Png).unwrap();
        (img.width(), img.height())
    }

    #[test]
    fn step_line_holds_each_balance_until_the_next_change() {
        let d = balances_data(&sample_analysis()).unwrap();
        // Points: (T0+60 s, 0), (T0+60.5 s, −23000), (T0+120 s, 22977000);
        // incident T0+60 s … T0+1800 s; span 1740 s / 40 = 43.5 s < 1 min: pad 60 s.
        assert_eq!(d.x_range, (T0, T0 + 1_860_000));
        let p = &d.panels[0];
        assert_eq!(p.asset, "PEPE");
        let want = [
            (T0 + 60_000, 0.0),
            (T0 + 60_500, 0.0),
            (T0 + 60_500, -23_000.0),
            (T0 + 120_000, -23_000.0),
            (T0 + 120_000, 22_977_000.0),
            (T0 + 1_860_000, 22_977_000.0),
        ];
        assert_eq!(p.line.len(), want.len());
        for (got, want) in p.line.iter().zip(want) {
            assert_eq!(got.0, want.0);
            assert!((got.1 - want.1).abs() < 1e-6, "{got:?} vs {want:?}");
        }
        assert!(p.y_range.0 < -23_000.0 && p.y_range.1 > 22_977_000.0);
        assert_eq!(d.windows, vec![(T0 + 60_000, T0 + 1_800_000)]);
    }

    #[test]
    fn png_has_one_panel_per_asset_and_is_deterministic() {
        let a = sample_analysis();
        let png = balances_png(&a).unwrap();
        assert_eq!(size(&png), (WIDTH, HEADER + PANEL_HEIGHT));
        assert_eq!(balances_png(&a).unwrap(), png);
        let mut none = sample_analysis();
        none.balances.charts.clear();
        assert_eq!(balances_data(&none), None);
        assert_eq!(
            size(&balances_png(&none).unwrap()),
            (WIDTH, HEADER + PANEL_HEIGHT)
        );
    }
}
