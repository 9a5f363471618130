//! `summary.png`: a one-page card to attach to a support ticket — verdict,
//! incident window, estimated loss, the top evidence rows and the inputs'
//! SHA-256 (abbreviated), 1200×900 with large text, drawn with the embedded
//! DejaVu Sans.
//!
//! The card's lines are worked out first as data ([`summary_lines`], tested)
//! and then drawn; every line is cut to fit the width.

use crate::analysis::Analysis;
use crate::decimal::Dec;
use crate::detect::finding::{Evidence, Severity, Table, Verdict};
use crate::report::charts::{encode_png, ensure_font, FONT};
use crate::timefmt::human;
use plotters::prelude::*;
use std::collections::BTreeSet;

/// Width of `summary.png` in pixels.
pub const WIDTH: u32 = 1200;
/// Height of `summary.png` in pixels.
pub const HEIGHT: u32 = 900;
/// Longest line in characters (DejaVu Sans at 22 px fits ~95 on 1160 px).
pub const MAX_CHARS: usize = 92;
/// Evidence rows shown on the card.
pub const TOP_ROWS: usize = 8;
/// Hex digits of each SHA-256 shown.
pub const HASH_CHARS: usize = 16;

/// The card's text, section by section.
#[derive(Debug, PartialEq, Eq)]
pub struct SummaryLines {
    pub title: String,
    pub verdict: String,
    pub facts: Vec<String>,
    pub evidence: Vec<String>,
    pub hashes: Vec<String>,
    pub footer: String,
}

/// The text of the card.
pub fn summary_lines(a: &Analysis) -> SummaryLines {
    let d = &a.detection;
    let window = d
        .incidents
        .iter()
        .map(|i| i.start)
        .min()
        .zip(d.incidents.iter().map(|i| i.end).max())
        .map_or_else(
            || "no incident".to_string(),
            |(s, e)| format!("{} – {}", human(s), human(e)),
        );
    let loss = if d.loss.by_asset.is_empty() {
        "none estimated".to_string()
    } else {
        d.loss
            .by_asset
            .iter()
            .map(|(asset, v)| format!("{v} {asset}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut facts = vec![
        format!("Incident window (UTC): {window}"),
        format!("Estimated loss: {loss}"),
    ];
    if let Some((asset, v)) = &d.loss.reference {
        facts.push(format!("In {asset}: about {v}"));
    }
    let symbols: BTreeSet<&str> = d
        .incidents
        .iter()
        .flat_map(|i| i.symbols.iter().map(String::as_str))
        .collect();
    if !symbols.is_empty() {
        facts.push(format!(
            "Symbols: {}",
            symbols.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    facts.push(format!(
        "{} incident(s), {} finding(s); data {}",
        d.incidents.len(),
        d.findings.len(),
        match (a.first_time, a.last_time) {
            (Some(f), Some(l)) => format!("{} – {}", short_day(f), short_day(l)),
            _ => "without dated rows".to_string(),
        }
    ));
    let evidence = top_rows(a).into_iter().map(row_line).collect();
    let hashes = a
        .inputs
        .iter()
        .map(|i| {
            let h: String = i.sha256.chars().take(HASH_CHARS).collect();
            format!("{h}…  {}", i.path)
        })
        .collect();
    let fit = |s: String| cut(&s, MAX_CHARS);
    SummaryLines {
        title: fit(format!("Binance account {}: forensic summary", a.account)),
        verdict: d.verdict.as_str().to_uppercase(),
        facts: facts.into_iter().map(fit).collect(),
        evidence: Vec::into_iter(evidence).map(fit).collect(),
        hashes: Vec::into_iter(hashes).map(fit).collect(),
        footer: fit(format!(
            "binance-forensics {} · report time {} · details: index.html",
            a.tool_version,
            human(a.generated_at)
        )),
    }
}

/// The evidence rows of medium/high findings that matter most: transfers
/// (TXIDs) first, then orders (fills where no order row is evidence) by value (price × quantity,
/// exact), largest first; ties by time and origin.
pub fn top_rows(a: &Analysis) -> Vec<&Evidence> {
    let mut rows: Vec<&Evidence> = a
        .detection
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Medium)
        .flat_map(|f| f.evidence.iter())
        .collect();
    // Orders carry the ids support looks up; fills only where no order is evidence.
    let trades = if rows.iter().any(|e| e.table == Table::Orders) {
        Table::Orders
    } else {
        Table::Fills
    };
    rows.retain(|e| e.table == Table::Transfers || e.table == trades);
    rows.sort_by(|x, y| {
        let key = |e: &Evidence| {
            let value = match (e.price, e.qty) {
                (Some(p), Some(q)) => p.mul_round(q).abs(),
                (None, Some(q)) => q.abs(),
                _ => Dec::ZERO,
            };
            (e.table != Table::Transfers, std::cmp::Reverse(value))
        };
        key(x)
            .cmp(&key(y))
            .then(x.time.cmp(&y.time))
            .then(x.origin.cmp(&y.origin))
    });
    rows.dedup_by(|x, y| x.origin == y.origin);
    rows.truncate(TOP_ROWS);
    rows
}

fn row_line(e: &Evidence) -> String {
    let time = crate::timefmt::rfc3339_ms(e.time)
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string();
    let s = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
    if e.table == Table::Transfers {
        let txid = s(&e.txid);
        format!(
            "{time} {} {} {} TXID {}",
            s(&e.side),
            e.qty.map(|q| q.to_string()).unwrap_or_default(),
            s(&e.asset),
            if txid.is_empty() { "-".into() } else { txid }
        )
    } else {
        format!(
            "{time} {} {} {} @ {} order {}",
            s(&e.symbol),
            s(&e.side),
            e.qty.map(|q| q.to_string()).unwrap_or_default(),
            e.price.map(|p| p.to_string()).unwrap_or_default(),
            s(&e.order_id)
        )
    }
}

fn short_day(t: i64) -> String {
    human(t).chars().take(10).collect()
}

/// At most `max` characters, control characters as `?`, `…` when cut.
pub fn cut(s: &str, max: usize) -> String {
    let clean: Vec<char> = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if clean.len() <= max {
        clean.into_iter().collect()
    } else {
        let mut out: String = clean[..max.saturating_sub(1)].iter().collect();
        out.push('…');
        out
    }
}

/// Render `summary.png`.
pub fn summary_png(a: &Analysis) -> Result<Vec<u8>, String> {
    ensure_font()?;
    let l = summary_lines(a);
    let mut buf = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root, &l, a.detection.verdict)
            .map_err(|e| format!("cannot draw summary.png: {e}"))?;
        root.present()
            .map_err(|e| format!("cannot draw summary.png: {e}"))?;
    }
    encode_png(&buf, WIDTH, HEIGHT, "summary.png")
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    l: &SummaryLines,
    verdict: Verdict,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (fg, bg) = match verdict {
        Verdict::Compromised => (RGBColor(160, 16, 16), RGBColor(253, 232, 232)),
        Verdict::Suspicious => (RGBColor(138, 90, 0), RGBColor(255, 244, 220)),
        Verdict::Clean => (RGBColor(29, 107, 42), RGBColor(230, 245, 233)),
    };
    let x = 20;
    root.draw(&Text::new(
        l.title.as_str(),
        (x, 18),
        (FONT, 32).into_font().color(&BLACK),
    ))?;
    root.draw(&Rectangle::new([(x, 66), (x + 420, 124)], bg.filled()))?;
    root.draw(&Rectangle::new(
        [(x, 66), (x + 420, 124)],
        fg.stroke_width(3),
    ))?;
    root.draw(&Text::new(
        format!("VERDICT: {}", l.verdict),
        (x + 16, 78),
        (FONT, 34).into_font().color(&fg),
    ))?;
    let body = (FONT, 22).into_font().color(&BLACK);
    let head = (FONT, 24).into_font().color(&RGBColor(31, 90, 160));
    let mut y = 140;
    for f in &l.facts {
        root.draw(&Text::new(f.as_str(), (x, y), body.clone()))?;
        y += 30;
    }
    y += 10;
    root.draw(&Text::new("Top evidence rows (UTC)", (x, y), head.clone()))?;
    y += 34;
    let mono = (FONT, 19).into_font().color(&BLACK);
    if l.evidence.is_empty() {
        root.draw(&Text::new("none", (x, y), mono.clone()))?;
        y += 26;
    }
    for e in &l.evidence {
        root.draw(&Text::new(e.as_str(), (x, y), mono.clone()))?;
        y += 26;
    }
    y += 10;
    root.draw(&Text::new(
        "Inputs (SHA-256, first 16 hex digits)",
        (x, y),
        head,
    ))?;
    y += 34;
    let bottom = HEIGHT as i32 - 50;
    let shown = l.hashes.len().min(((bottom - y) / 24).max(0) as usize);
    for (i, h) in l.hashes.iter().take(shown).enumerate() {
        let text = if i + 1 == shown && shown < l.hashes.len() {
            format!(
                "… and {} more inputs, listed in manifest.json",
                l.hashes.len() - i
            )
        } else {
            h.clone()
        };
        root.draw(&Text::new(
            text,
            (x, y),
            (FONT, 18).into_font().color(&BLACK),
        ))?;
        y += 24;
    }
    root.draw(&Text::new(
        l.footer.as_str(),
        (x, HEIGHT as i32 - 34),
        (FONT, 17).into_font().color(&RGBColor(80, 80, 80)),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::sample_analysis;

    #[test]
    fn card_says_verdict_window_loss_and_hashes() {
        let a = sample_analysis();
        let l = summary_lines(&a);
        assert_eq!(l.verdict, a.detection.verdict.as_str().to_uppercase());
        let inc = &a.detection.incidents[0];
        assert_eq!(
            l.facts[0],
            cut(
                &format!(
                    "Incident window (UTC): {} – {}",
                    human(inc.start),
                    human(inc.end)
                ),
                MAX_CHARS
            )
        );
        for (asset, v) in &a.detection.loss.by_asset {
            assert!(
                l.facts[1].contains(&format!("{v} {asset}")),
                "{}",
                l.facts[1]
            );
        }
        assert_eq!(l.hashes.len(), a.inputs.len());
        for (h, i) in l.hashes.iter().zip(&a.inputs) {
            assert!(h.starts_with(&i.sha256[..HASH_CHARS]), "{h}");
        }
        for line in l.facts.iter().chain(&l.evidence).chain(&l.hashes) {
            assert!(line.chars().count() <= MAX_CHARS, "{line}");
        }
    }

    #[test]
    fn transfers_come_first_then_orders_by_value() {
        let a = sample_analysis();
        let rows = top_rows(&a);
        assert!(rows.len() <= TOP_ROWS);
        let first_order = rows
            .iter()
            .position(|e| e.table != Table::Transfers)
            .unwrap_or(rows.len());
        assert!(rows[first_order..]
            .iter()
            .all(|e| e.table != Table::Transfers));
        // Each order's value computed independently, as text → f64 for the check.
        let values: Vec<f64> = rows[first_order..]
            .iter()
            .map(|e| {
                let p: f64 = e.price.unwrap().to_string().parse().unwrap();
                let q: f64 = e.qty.unwrap().to_string().parse().unwrap();
                p * q
            })
            .collect();
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    }

    #[test]
    fn cut_marks_long_lines() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        assert_eq!(cut("a\nb", 4), "a?b");
    }

    #[test]
    fn png_is_1200_by_900_and_deterministic() {
        let a = sample_analysis();
        let png = summary_png(&a).unwrap();
        let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
        assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT));
        assert_eq!(summary_png(&a).unwrap(), png);
    }
}
