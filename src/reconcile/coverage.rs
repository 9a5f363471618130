//! When a row happened, as the book sees it: a time as an interval (a whole
//! minute for files whose seconds were lost), and the spans of time the
//! transaction statement covers (one per statement file, merged).

use crate::model::{Origin, TimeMs};

/// A row time as an interval: exact, or the whole minute for a file whose
/// seconds were lost.
#[derive(Clone, Copy, Default)]
pub struct Times<'a> {
    pub minute_files: &'a [String],
}

impl Times<'_> {
    pub fn window(&self, o: &Origin, t: TimeMs) -> (TimeMs, TimeMs) {
        if self.minute_files.iter().any(|m| o.file == *m) {
            (t, t + 59_999)
        } else {
            (t, t)
        }
    }

    /// Distance between two row times (0 when their windows meet).
    pub fn distance(&self, a: (&Origin, TimeMs), b: (&Origin, TimeMs)) -> TimeMs {
        let (al, ah) = self.window(a.0, a.1);
        let (bl, bh) = self.window(b.0, b.1);
        (bl - ah).max(al - bh).max(0)
    }
}

/// The time the statement covers: disjoint, sorted spans (merged where
/// files overlap or touch).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub spans: Vec<(TimeMs, TimeMs)>,
}

impl Coverage {
    pub fn new(mut spans: Vec<(TimeMs, TimeMs)>) -> Coverage {
        spans.sort();
        let mut out: Vec<(TimeMs, TimeMs)> = Vec::new();
        for (a, b) in spans {
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        Coverage { spans: out }
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Does the window `lo..=hi`, widened by `tol`, meet a covered span?
    pub fn covers(&self, (lo, hi): (TimeMs, TimeMs), tol: i64) -> bool {
        self.spans
            .iter()
            .any(|&(a, b)| lo <= b.saturating_add(tol) && hi >= a.saturating_sub(tol))
    }

    /// The uncovered stretches between covered spans.
    pub fn gaps(&self) -> Vec<(TimeMs, TimeMs)> {
        self.spans.windows(2).map(|w| (w[0].1, w[1].0)).collect()
    }
}
