//! What every detector reads: the account, the thresholds, the activity
//! orders, the running holdings and the sorted times of all events.

use super::config::DetectConfig;
use super::holdings::Holdings;
use super::orders::{activity_orders, OrderView};
use crate::model::{Account, TimeMs};

pub struct Ctx<'a> {
    pub account: &'a Account,
    pub cfg: &'a DetectConfig,
    /// Orders for the activity detectors, in time order.
    pub orders: Vec<OrderView>,
    pub holdings: Holdings,
    /// Times of every fill, order, transfer and ledger row, sorted.
    pub event_times: Vec<TimeMs>,
}

impl<'a> Ctx<'a> {
    pub fn new(account: &'a Account, cfg: &'a DetectConfig) -> Ctx<'a> {
        let mut event_times: Vec<TimeMs> = account
            .fills
            .iter()
            .map(|f| f.time)
            .chain(account.orders.iter().map(|o| o.time))
            .chain(account.transfers.iter().map(|t| t.time))
            .chain(account.ledger.iter().map(|l| l.time))
            .collect();
        event_times.sort_unstable();
        Ctx {
            account,
            cfg,
            orders: activity_orders(account),
            holdings: Holdings::new(account),
            event_times,
        }
    }

    pub fn first_time(&self) -> Option<TimeMs> {
        self.event_times.first().copied()
    }

    pub fn last_time(&self) -> Option<TimeMs> {
        self.event_times.last().copied()
    }

    /// The latest event strictly before `t`.
    pub fn last_event_before(&self, t: TimeMs) -> Option<TimeMs> {
        let i = self.event_times.partition_point(|&x| x < t);
        i.checked_sub(1).map(|j| self.event_times[j])
    }
}
