//! `campaign.png`: every campaign member's fills on one time axis, one
//! lane per account (buys as triangles, sells as crosses), the
//! campaign window shaded. 1600 px wide; DejaVu font embedded (charts.rs).

use super::charts::{ensure_font, fmt_time, tick_step, FONT};
use crate::compare::CompareResult;
use image::codecs::png::PngEncoder;
use image::{ColorType, ImageEncoder};
use plotters::prelude::*;

pub const WIDTH: u32 = 1600;

/// What the chart shows, worked out before drawing (tested as data).
#[derive(Debug, PartialEq, Eq)]
pub struct CampaignChart {
    pub title: String,
    /// Lane labels, top to bottom (campaign members, sorted).
    pub lanes: Vec<String>,
    /// (lane, time, is_buy) of every plotted fill.
    pub points: Vec<(usize, i64, bool)>,
    pub window: (i64, i64),
    pub x_range: (i64, i64),
    pub ticks: Vec<i64>,
}

/// Lay out the chart of the first campaign; `None` without a campaign.
pub fn chart_data(r: &CompareResult) -> Option<CampaignChart> {
    let c = r.campaigns.first()?;
    let lanes: Vec<String> = c.members.iter().map(|m| m.account.clone()).collect();
    let span = (c.end - c.start).max(60_000);
    let pad = span / 10 + 60_000;
    let (lo, hi) = (c.start - pad, c.end + pad);
    let mut points = Vec::new();
    for (lane, m) in c.members.iter().enumerate() {
        if let Some(a) = r.accounts.iter().find(|a| a.account == m.account) {
            for f in &a.fills {
                if f.time >= lo && f.time <= hi {
                    points.push((lane, f.time, f.side.as_deref() == Some("BUY")));
                }
            }
        }
    }
    points.sort();
    points.dedup();
    let step = tick_step(hi - lo);
    let first = (lo.div_euclid(step) + 1) * step;
    let ticks = std::iter::successors(Some(first), |t| t.checked_add(step))
        .take_while(|t| *t <= hi)
        .collect();
    Some(CampaignChart {
        title: format!(
            "{}: every fill of its {} accounts around the {} campaign (UTC, {}), window shaded",
            c.finding.id,
            lanes.len(),
            c.symbol,
            fmt_time(c.start, "%Y-%m-%d")
        ),
        lanes,
        points,
        window: (c.start, c.end),
        x_range: (lo, hi),
        ticks,
    })
}

fn draw_err<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw campaign.png: {e}")
}

/// Render `campaign.png`.
pub fn campaign_png(r: &CompareResult) -> Result<Vec<u8>, String> {
    ensure_font()?;
    let data = chart_data(r);
    let lanes = data.as_ref().map_or(1, |d| d.lanes.len().max(1)) as u32;
    let height = 160 + 60 * lanes;
    let mut buf = vec![0u8; (WIDTH * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        match &data {
            None => {
                let style = (FONT, 30).into_font().color(&BLACK);
                root.draw(&Text::new("No campaign found", (20, 20), style))
                    .map_err(draw_err)?;
            }
            Some(d) => draw(&root, d)?,
        }
        root.present().map_err(draw_err)?;
    }
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(&buf, WIDTH, height, ColorType::Rgb8)
        .map_err(|e| format!("cannot encode campaign.png: {e}"))?;
    Ok(png)
}

fn draw(
    root: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    d: &CampaignChart,
) -> Result<(), String> {
    let title = (FONT, 26).into_font().color(&BLACK);
    root.draw(&Text::new(d.title.clone(), (20, 12), title))
        .map_err(draw_err)?;
    let n = d.lanes.len() as i32;
    let (lo, hi) = d.x_range;
    let mut chart = ChartBuilder::on(root)
        .margin(20)
        .margin_top(55)
        .x_label_area_size(50)
        .y_label_area_size(150)
        .build_cartesian_2d((lo..hi).with_key_points(d.ticks.clone()), -1..n)
        .map_err(draw_err)?;
    let lanes = d.lanes.clone();
    let ylab = move |y: &i32| {
        usize::try_from(n - 1 - *y)
            .ok()
            .and_then(|i| lanes.get(i).cloned())
            .unwrap_or_default()
    };
    let fmt = |t: &i64| fmt_time(*t, "%H:%M:%S");
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_labels(d.lanes.len() + 2)
        .y_label_formatter(&ylab)
        .x_label_formatter(&fmt)
        .label_style((FONT, 16))
        .draw()
        .map_err(draw_err)?;
    let shade = RGBColor(220, 40, 40).mix(0.15).filled();
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(d.window.0, -1), (d.window.1.max(d.window.0 + 1000), n)],
            shade,
        )))
        .map_err(draw_err)?;
    let buy = RGBColor(20, 120, 40).filled();
    let sell = RGBColor(170, 20, 20).filled();
    let y = |lane: usize| n - 1 - lane as i32;
    chart
        .draw_series(
            d.points
                .iter()
                .filter(|p| p.2)
                .map(|&(lane, t, _)| TriangleMarker::new((t, y(lane)), 7, buy)),
        )
        .map_err(draw_err)?
        .label("buy (any symbol)")
        .legend(move |(x, y)| TriangleMarker::new((x, y), 7, buy));
    chart
        .draw_series(
            d.points
                .iter()
                .filter(|p| !p.2)
                .map(|&(lane, t, _)| Cross::new((t, y(lane)), 6, sell.stroke_width(2))),
        )
        .map_err(draw_err)?
        .label("sell (any symbol)")
        .legend(move |(x, y)| Cross::new((x, y), 6, sell.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font((FONT, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(draw_err)?;
    Ok(())
}
