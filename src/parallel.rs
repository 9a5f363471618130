//! Ordered parallel map on scoped threads: one worker per core (at most one
//! per item), results in input order whatever order they finish in, so
//! outputs stay deterministic.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

thread_local! {
    static SERIAL: Cell<bool> = const { Cell::new(false) };
}

/// Run `f` with [`map_ordered`] on this thread working serially: for callers
/// that already run one job per core (`compare`), so that the threads, and
/// the memory held at once, stay at one job each.
pub fn serial<R>(f: impl FnOnce() -> R) -> R {
    let before = SERIAL.with(|s| s.replace(true));
    let out = f();
    SERIAL.with(|s| s.set(before));
    out
}

/// True inside [`serial`]: this thread is one job of several running at once.
pub fn is_serial() -> bool {
    SERIAL.with(Cell::get)
}

/// `items.iter().map(f).collect()`, on up to `available_parallelism` threads
/// (one, inside [`serial`]).
pub fn map_ordered<I: Sync, O: Send>(items: &[I], f: impl Fn(&I) -> O + Sync) -> Vec<O> {
    let cores = match SERIAL.with(Cell::get) {
        true => 1,
        false => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let workers = cores.min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<O>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let out = f(item);
                *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(out);
            });
        }
    });
    slots
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .expect("every item is mapped before the scope ends")
        })
        .collect()
}

/// Move the items of `parts`, in order, to the end of `dst` — `f(part
/// index, item)` applied to each on the way — with the parts copied on up
/// to one worker per core. `parts` are left empty. The same as extending
/// `dst` with each part in turn, without the serial copy.
pub fn append_ordered<T: Send>(
    dst: &mut Vec<T>,
    parts: &mut [Vec<T>],
    f: impl Fn(usize, &mut T) + Sync,
) {
    let total: usize = parts.iter().map(Vec::len).sum();
    dst.reserve(total);
    let old = dst.len();
    let mut spare = &mut dst.spare_capacity_mut()[..total];
    let mut jobs = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter_mut().enumerate() {
        let (head, rest) = spare.split_at_mut(part.len());
        spare = rest;
        jobs.push(Mutex::new((i, head, part)));
    }
    map_ordered(&jobs, |job| {
        let mut job = job.lock().unwrap_or_else(|p| p.into_inner());
        let (i, head, part) = &mut *job;
        let n = part.len();
        for (slot, mut item) in head.iter_mut().zip(part.drain(..)) {
            f(*i, &mut item);
            slot.write(item);
        }
        debug_assert_eq!(n, head.len());
    });
    drop(jobs);
    // SAFETY: the `total` slots after `old` were cut into one slice per
    // part of exactly that part's length, and every slice was written in
    // full from its part's drained items (a panic in a worker ends the
    // scope above with a panic, before this line, leaving `dst` as it was).
    unsafe { dst.set_len(old + total) };
}

#[cfg(test)]
mod tests {
    use super::{append_ordered, map_ordered};

    #[test]
    fn results_keep_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        // Uneven work so that workers finish out of order.
        let out = map_ordered(&items, |&i| {
            let mut x = i;
            for _ in 0..(i % 7) * 1000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            }
            (i, x)
        });
        assert_eq!(out.len(), 1000);
        assert!(out.iter().enumerate().all(|(k, (i, _))| *i == k as u64));
    }

    #[test]
    fn inside_serial_everything_runs_on_the_calling_thread() {
        let me = std::thread::current().id();
        let items: Vec<u32> = (0..64).collect();
        let ids = super::serial(|| map_ordered(&items, |_| std::thread::current().id()));
        assert!(ids.iter().all(|id| *id == me));
        // The flag is restored afterwards.
        let again = map_ordered(&items, |&i| i * 2);
        assert_eq!(again[63], 126);
    }

    #[test]
    fn no_items_no_threads() {
        let out: Vec<u8> = map_ordered(&Vec::<u8>::new(), |&b| b);
        assert!(out.is_empty());
    }

    #[test]
    fn append_ordered_is_extending_part_by_part() {
        // Parts of uneven sizes (one empty), with owned items, tagged with
        // their part index on the way.
        let mut parts: Vec<Vec<(usize, String)>> = (0..7)
            .map(|p| {
                (0..(p * 37) % 11)
                    .map(|i| (0, format!("{p}-{i}")))
                    .collect()
            })
            .collect();
        let mut expected = vec![(99, "before".to_string())];
        for (p, part) in parts.iter().enumerate() {
            expected.extend(part.iter().map(|(_, s)| (p, s.clone())));
        }
        let mut dst = vec![(99, "before".to_string())];
        append_ordered(&mut dst, &mut parts, |p, item| item.0 = p);
        assert_eq!(dst, expected);
        assert!(parts.iter().all(Vec::is_empty));
        assert_eq!(dst.len(), 1 + (0..7).map(|p| (p * 37) % 11).sum::<usize>());
    }
}
