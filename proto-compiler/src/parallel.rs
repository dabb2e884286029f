//! Order-preserving parallel map over the machine's cores (scoped threads, no pool): decoding the files of a
//! request, generating each file to generate, parsing the files of a compilation are independent per item.
//!
//! Items are claimed dynamically in small blocks, so uneven items (a 400-file directory beside a 3-file one)
//! still keep every core busy. A map called from inside a map's worker runs inline on that worker: the outer
//! map already uses every core, and nested threads would only oversubscribe them.

use std::cell::Cell;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

thread_local! {
    /// Set on the worker threads of a running [`map`].
    static IN_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// How many threads to use: `AMEIDE_PY_THREADS` if set (1 = sequential), else the available parallelism.
pub fn thread_count() -> usize {
    std::env::var("AMEIDE_PY_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| thread::available_parallelism().map_or(1, NonZeroUsize::get))
}

/// How many threads a caller may start beside its own to work alongside it: none inside a [`map`]'s worker
/// (the map already uses every core), else one less than [`thread_count`].
pub fn spare_threads() -> usize {
    if IN_WORKER.with(Cell::get) {
        0
    } else {
        thread_count() - 1
    }
}

/// Drops `value` on a thread of its own (or here, if no thread can be started): freeing a structure of
/// hundreds of thousands of allocations takes a while that the caller need not wait for.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = thread::Builder::new().spawn(move || drop(value));
}

/// `items.iter().map(f).collect()`, computed on up to [`thread_count`] threads; the result is in item order
/// whatever the thread count and however the items were scheduled.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = thread_count().min(items.len());
    if threads <= 1 || IN_WORKER.with(Cell::get) {
        return items.iter().map(f).collect();
    }
    // Blocks small enough to balance uneven items, large enough that claiming one costs nothing.
    let block = items.len().div_ceil(threads * 16).max(1);
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, Vec<R>)>> = Mutex::new(Vec::new());
    thread::scope(|scope| {
        let (f, next, done) = (&f, &next, &done);
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    IN_WORKER.with(|w| w.set(true));
                    let mut mine = Vec::new();
                    loop {
                        let start = next.fetch_add(block, Ordering::Relaxed);
                        if start >= items.len() {
                            break;
                        }
                        let end = (start + block).min(items.len());
                        mine.push((start, items[start..end].iter().map(f).collect::<Vec<R>>()));
                    }
                    done.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .extend(mine);
                })
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    });
    let mut blocks = done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    blocks.sort_unstable_by_key(|(start, _)| *start);
    blocks
        .into_iter()
        .flat_map(|(_, results)| results)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn map_keeps_item_order() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&items, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&[] as &[u32], |x| *x).is_empty());
    }

    #[test]
    fn nested_maps_keep_order() {
        let items: Vec<u32> = (0..100).collect();
        let nested = super::map(&items, |x| super::map(&items, |y| x * 1000 + y));
        for (x, row) in nested.iter().enumerate() {
            assert_eq!(row.len(), 100);
            assert!(row
                .iter()
                .enumerate()
                .all(|(y, v)| *v == x as u32 * 1000 + y as u32));
        }
    }
}
