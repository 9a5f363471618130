//! Ledger rows ordered by time, so that matching another export's row
//! against the statement looks only at the rows within the tolerance
//! (a binary search, then the few rows in the window) instead of scanning
//! the whole statement for every row: O((n + m) log n), not O(n · m).

use crate::model::{LedgerRow, TimeMs};

/// `(time, index)` of every row, sorted.
#[derive(Debug, Default)]
pub struct ByTime {
    keys: Vec<(TimeMs, usize)>,
}

impl ByTime {
    pub fn new(rows: &[LedgerRow]) -> Self {
        let mut keys: Vec<(TimeMs, usize)> =
            rows.iter().enumerate().map(|(i, r)| (r.time, i)).collect();
        keys.sort_unstable();
        Self { keys }
    }

    /// Indices of the rows whose time is within `tol` of `t`, in time order.
    pub fn around(&self, t: TimeMs, tol: TimeMs) -> impl Iterator<Item = usize> + '_ {
        let lo = self.keys.partition_point(|k| k.0 < t.saturating_sub(tol));
        let hi = t.saturating_add(tol);
        self.keys[lo..]
            .iter()
            .take_while(move |k| k.0 <= hi)
            .map(|k| k.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;

    fn row(time: TimeMs) -> LedgerRow {
        crate::reconcile::test_rows::ledger("Spot", "BTC", time, Category::Deposit, "0")
    }

    #[test]
    fn window_is_inclusive_and_in_time_order_whatever_the_row_order() {
        // Newest first, as statements are exported.
        let rows: Vec<LedgerRow> = [5000, 4000, 3000, 2000, 1000, 3000]
            .into_iter()
            .map(row)
            .collect();
        let idx = ByTime::new(&rows);
        assert_eq!(idx.around(3000, 1000).collect::<Vec<_>>(), [3, 2, 5, 1]);
        assert_eq!(idx.around(3000, 0).collect::<Vec<_>>(), [2, 5]);
        assert_eq!(idx.around(10_000, 4999).count(), 0);
        assert_eq!(idx.around(0, 1000).collect::<Vec<_>>(), [4]);
        // No overflow at the ends of the time axis.
        assert_eq!(idx.around(i64::MAX, i64::MAX).count(), 6);
        assert_eq!(idx.around(i64::MIN, 5).count(), 0);
    }
}
