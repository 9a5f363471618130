//! `timeline.png`: orders per minute over time (from `Analysis.activity`)
//! with every incident window shaded, 1600×700, drawn with plotters into an
//! in-memory RGB buffer and encoded as PNG in memory.
//!
//! Text uses DejaVu Sans embedded in the binary (the `dejavu` crate),
//! registered once with plotters under the family name `sans-serif`; no
//! system font is ever looked up, so the bytes are the same on every machine.

use crate::analysis::Analysis;
use crate::model::TimeMs;
use chrono::{DateTime, Utc};
use image::codecs::png::PngEncoder;
use image::{ColorType, ImageEncoder};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::OnceLock;

/// Width of `timeline.png` in pixels.
pub const WIDTH: u32 = 1600;
/// Height of `timeline.png` in pixels.
pub const HEIGHT: u32 = 700;

pub(crate) const FONT: &str = "sans-serif";
const MINUTE: TimeMs = 60_000;
const DAY: TimeMs = 86_400_000;
const MARGIN: u32 = 20;
const Y_LABEL_AREA: u32 = 80;
/// Width of the plotting area in pixels.
const PLOT_WIDTH: TimeMs = (WIDTH - 2 * MARGIN - Y_LABEL_AREA) as TimeMs;

/// What the chart shows, worked out before any drawing (tested as data).
#[derive(Debug, PartialEq, Eq)]
pub struct TimelineData {
    /// Time axis, UTC ms: the activity and incident windows with a margin.
    pub x_range: (TimeMs, TimeMs),
    /// Top of the order axis (≥ 1).
    pub y_max: u32,
    /// (minute start, orders) for each bucket.
    pub bars: Vec<(TimeMs, u32)>,
    /// (incident id, start, end) with the end at least one minute after the start.
    pub windows: Vec<(String, TimeMs, TimeMs)>,
    /// Tick marks on the time axis: multiples of a round step (UTC).
    pub ticks: Vec<TimeMs>,
    /// chrono pattern of the tick labels.
    pub tick_format: &'static str,
    /// Time axis description, with the date when the labels omit it.
    pub x_desc: String,
    /// Milliseconds per pixel of the time axis (rounded up).
    pub ms_per_px: TimeMs,
}

/// Lay out the chart; `None` when there are no orders to plot.
pub fn timeline_data(a: &Analysis) -> Option<TimelineData> {
    if a.activity.is_empty() {
        return None;
    }
    let bars: Vec<(TimeMs, u32)> = a.activity.iter().map(|b| (b.minute, b.orders)).collect();
    let windows: Vec<(String, TimeMs, TimeMs)> = a
        .detection
        .incidents
        .iter()
        .map(|i| {
            (
                i.id.clone(),
                i.start,
                i.end.max(i.start.saturating_add(MINUTE)),
            )
        })
        .collect();
    let starts = bars.iter().map(|b| b.0).chain(windows.iter().map(|w| w.1));
    let ends = bars
        .iter()
        .map(|b| b.0.saturating_add(MINUTE))
        .chain(windows.iter().map(|w| w.2));
    let lo = starts.min()?;
    let hi = ends.max()?;
    let pad = (hi.saturating_sub(lo) / 40).max(MINUTE);
    let top = bars.iter().map(|b| b.1).max().unwrap_or(0);
    // About 1/7 headroom above the highest bar for the incident labels.
    let y_max = top.saturating_add(top.div_ceil(7)).max(1);
    let (lo, hi) = (lo.saturating_sub(pad), hi.saturating_add(pad));
    let span = hi.saturating_sub(lo);
    let step = tick_step(span);
    let first = (lo.div_euclid(step) + 1) * step;
    let ticks = std::iter::successors(Some(first), |t| t.checked_add(step))
        .take_while(|t| *t <= hi)
        .collect();
    let one_or_two_days = span <= 2 * DAY;
    let tick_format = match step {
        s if s < MINUTE => "%H:%M:%S",
        s if s < DAY && one_or_two_days => "%H:%M",
        s if s < DAY => "%m-%d %H:%M",
        _ => "%Y-%m-%d",
    };
    let x_desc = if step < DAY && one_or_two_days {
        let (a, b) = (fmt_time(lo, "%Y-%m-%d"), fmt_time(hi, "%Y-%m-%d"));
        if a == b {
            format!("time (UTC), {a}")
        } else {
            format!("time (UTC), {a} – {b}")
        }
    } else {
        "time (UTC)".to_string()
    };
    Some(TimelineData {
        x_range: (lo, hi),
        y_max,
        bars,
        windows,
        ticks,
        tick_format,
        x_desc,
        ms_per_px: span.saturating_add(PLOT_WIDTH - 1) / PLOT_WIDTH,
    })
}

/// The smallest round step that puts at most 8 ticks on the axis.
pub(crate) fn tick_step(span: TimeMs) -> TimeMs {
    const S: TimeMs = 1_000;
    const STEPS: [TimeMs; 26] = [
        S,
        2 * S,
        5 * S,
        10 * S,
        15 * S,
        30 * S,
        MINUTE,
        2 * MINUTE,
        5 * MINUTE,
        10 * MINUTE,
        15 * MINUTE,
        30 * MINUTE,
        60 * MINUTE,
        120 * MINUTE,
        180 * MINUTE,
        360 * MINUTE,
        720 * MINUTE,
        DAY,
        2 * DAY,
        7 * DAY,
        14 * DAY,
        30 * DAY,
        60 * DAY,
        91 * DAY,
        182 * DAY,
        365 * DAY,
    ];
    STEPS
        .into_iter()
        .find(|step| span / step <= 8)
        .unwrap_or_else(|| (span / 8 / DAY + 1) * DAY)
}

/// Render `timeline.png`.
pub fn timeline_png(a: &Analysis) -> Result<Vec<u8>, String> {
    ensure_font()?;
    let data = timeline_data(a);
    let mut buf = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        match &data {
            Some(d) => draw_timeline(&root, d)?,
            None => draw_empty(&root)?,
        }
        root.present().map_err(draw_err)?;
    }
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(&buf, WIDTH, HEIGHT, ColorType::Rgb8)
        .map_err(|e| format!("cannot encode timeline.png: {e}"))?;
    Ok(png)
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn draw_err<E: std::fmt::Display>(e: E) -> String {
    format!("cannot draw timeline.png: {e}")
}

fn draw_empty(root: &Area<'_>) -> Result<(), String> {
    let title = (FONT, 30).into_font().color(&BLACK);
    root.draw(&Text::new("Orders per minute (UTC)", (20, 20), title))
        .map_err(draw_err)?;
    let centre = Pos::new(HPos::Center, VPos::Center);
    let style = (FONT, 40).into_font().color(&BLACK).pos(centre);
    let at = ((WIDTH / 2) as i32, (HEIGHT / 2) as i32);
    root.draw(&Text::new("no orders", at, style))
        .map_err(draw_err)
}

fn draw_timeline(root: &Area<'_>, d: &TimelineData) -> Result<(), String> {
    let (lo, hi) = d.x_range;
    let shade = RGBColor(220, 40, 40).mix(0.18).filled();
    let bar = RGBColor(31, 90, 160).filled();
    draw_header(root, shade, bar)?;
    let mut chart = ChartBuilder::on(root)
        .margin(MARGIN)
        .margin_top(60)
        .x_label_area_size(70)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d((lo..hi).with_key_points(d.ticks.clone()), 0u32..d.y_max)
        .map_err(draw_err)?;
    let fmt = |t: &TimeMs| fmt_time(*t, d.tick_format);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&fmt)
        .x_desc(d.x_desc.as_str())
        .y_desc("orders per minute")
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 20))
        .draw()
        .map_err(draw_err)?;

    // Keep short windows and bars visible on long axes: at least 3 px / 1 px.
    let win_end =
        |w: &(String, TimeMs, TimeMs)| w.2.max(w.1.saturating_add(d.ms_per_px.saturating_mul(3)));
    chart
        .draw_series(
            d.windows
                .iter()
                .map(|w| Rectangle::new([(w.1, 0), (win_end(w), d.y_max)], shade)),
        )
        .map_err(draw_err)?;
    let label = (FONT, 18).into_font().color(&RGBColor(160, 20, 20));
    let right = Pos::new(HPos::Right, VPos::Top);
    chart
        .draw_series(d.windows.iter().map(|w| {
            // Labels of windows near the right edge hang to the left.
            if (i128::from(w.1) - i128::from(lo)) * 100 > (i128::from(hi) - i128::from(lo)) * 85 {
                EmptyElement::at((win_end(w), d.y_max))
                    + Text::new(w.0.clone(), (-6, 6), label.clone().pos(right))
            } else {
                EmptyElement::at((w.1, d.y_max)) + Text::new(w.0.clone(), (6, 6), label.clone())
            }
        }))
        .map_err(draw_err)?;
    let width = MINUTE.max(d.ms_per_px);
    chart
        .draw_series(
            d.bars
                .iter()
                .map(|b| Rectangle::new([(b.0, 0), (b.0.saturating_add(width), b.1)], bar)),
        )
        .map_err(draw_err)?;
    Ok(())
}

/// Title on the left, legend on the right, above the plot.
fn draw_header(root: &Area<'_>, shade: ShapeStyle, bar: ShapeStyle) -> Result<(), String> {
    let title = (FONT, 30).into_font().color(&BLACK);
    root.draw(&Text::new(
        "Orders per minute (UTC), incident windows shaded",
        (MARGIN as i32, 14),
        title,
    ))
    .map_err(draw_err)?;
    let text = (FONT, 18).into_font().color(&BLACK);
    for (x, style, name) in [
        (1130, shade, "incident window"),
        (1340, bar, "orders in the minute"),
    ] {
        root.draw(&Rectangle::new([(x, 20), (x + 20, 38)], style))
            .map_err(draw_err)?;
        root.draw(&Rectangle::new(
            [(x, 20), (x + 20, 38)],
            BLACK.stroke_width(1),
        ))
        .map_err(draw_err)?;
        root.draw(&Text::new(name, (x + 28, 19), text.clone()))
            .map_err(draw_err)?;
    }
    Ok(())
}

pub(crate) fn fmt_time(t: TimeMs, pattern: &str) -> String {
    DateTime::<Utc>::from_timestamp_millis(t)
        .map(|dt| dt.format(pattern).to_string())
        .unwrap_or_default()
}

/// Register DejaVu Sans as `sans-serif` once per process.
pub(crate) fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err("cannot load the embedded DejaVu Sans font".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{sample_analysis, T0};

    const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

    fn decode(png: &[u8]) -> (u32, u32) {
        let img = image::load_from_memory_with_format(png, image::ImageFormat::Png).unwrap();
        (img.width(), img.height())
    }

    #[test]
    fn layout_covers_activity_and_incidents() {
        let d = timeline_data(&sample_analysis()).unwrap();
        // Earliest: bucket at T0 − 6 300 000; latest: incident end T0 + 1 800 000.
        // Span 8 100 000 ms / 40 = 202 500 ms margin on each side.
        assert_eq!(d.x_range, (T0 - 6_502_500, T0 + 2_002_500));
        // Highest bar 14; 14 + ceil(14 / 7) = 16.
        assert_eq!(d.y_max, 16);
        assert_eq!(d.bars.len(), 4);
        assert_eq!(
            d.windows,
            vec![("incident-0001".to_string(), T0 + 60_000, T0 + 1_800_000)]
        );
    }

    #[test]
    fn zero_length_incident_is_widened_to_a_minute() {
        let mut a = sample_analysis();
        a.detection.incidents[0].end = a.detection.incidents[0].start;
        let d = timeline_data(&a).unwrap();
        assert_eq!(d.windows[0].2, T0 + 120_000);
    }

    #[test]
    fn png_is_1600_by_700_and_deterministic() {
        let a = sample_analysis();
        let png = timeline_png(&a).unwrap();
        assert_eq!(png[..8], PNG_SIGNATURE);
        assert_eq!(decode(&png), (1600, 700));
        assert_eq!(timeline_png(&a).unwrap(), png);
    }

    #[test]
    fn empty_activity_still_renders_a_png() {
        let mut a = sample_analysis();
        a.activity.clear();
        assert_eq!(timeline_data(&a), None);
        let png = timeline_png(&a).unwrap();
        assert_eq!(png[..8], PNG_SIGNATURE);
        assert_eq!(decode(&png), (1600, 700));
        assert_ne!(png, timeline_png(&sample_analysis()).unwrap());
    }

    #[test]
    fn extreme_times_and_counts_do_not_panic() {
        let mut a = sample_analysis();
        a.activity[0].minute = i64::MIN + 1;
        a.activity[3].minute = i64::MAX - 1;
        a.activity[3].orders = u32::MAX;
        a.detection.incidents[0].end = i64::MAX;
        let d = timeline_data(&a).unwrap();
        assert_eq!(d.x_range, (i64::MIN, i64::MAX));
        assert_eq!(d.y_max, u32::MAX);
        let png = timeline_png(&a).unwrap();
        assert_eq!(decode(&png), (1600, 700));
    }

    #[test]
    fn ticks_are_round_times() {
        let d = timeline_data(&sample_analysis()).unwrap();
        // Axis 20:11:37.5 – 22:33:22.5 = 141.75 min: 15 min would give 9 ticks,
        // 30 min gives 5: 20:30, 21:00, 21:30, 22:00, 22:30.
        let half_hour = 1_800_000;
        let want: Vec<i64> = (0..5).map(|k| T0 - 3 * half_hour + k * half_hour).collect();
        assert_eq!(d.ticks, want);
        assert_eq!(d.tick_format, "%H:%M");
        assert_eq!(d.x_desc, "time (UTC), 2024-06-30");
        // 8 505 000 ms over 1600 − 2 × 20 − 80 = 1480 px = 5746.6 → 5747 ms per px.
        assert_eq!(d.ms_per_px, 5747);
    }

    #[test]
    fn tick_steps_grow_with_the_span() {
        assert_eq!(tick_step(60_000), 10_000); // 60 s / 10 s = 6 ticks
        assert_eq!(tick_step(10 * DAY), 2 * DAY); // 10 d / 1 d = 10 > 8; / 2 d = 5
                                                  // 20 years: 7305 d / 8 = 913 d, + 1 = 914 days.
        assert_eq!(tick_step(7305 * DAY), 914 * DAY);
        assert_eq!(fmt_time(T0 + 5_000, "%H:%M:%S"), "22:00:05");
    }
}
