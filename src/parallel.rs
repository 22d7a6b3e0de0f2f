//! The core's threads. Big inputs are parsed (`syntax::parse`) and
//! resolved (`resolve::resolve`) in pieces on one thread per available
//! core; both go through [`in_order`], and nothing else in the core
//! starts threads. When an input is big enough to be cut, and into how
//! many pieces, is decided here ([`in_pieces`], [`threads_for`]).
//! Each caller checks that the pieces, put together, give exactly what one
//! piece would, and falls back to one piece when they might not: results
//! never depend on the number of threads.

/// Inputs of this many bytes of text or more are cut into pieces.
const PIECES_FROM: usize = 1 << 20;

/// Whether an input of `bytes` bytes of text is cut into pieces (below,
/// starting threads costs more than it saves).
pub(crate) fn in_pieces(bytes: usize) -> bool {
    bytes >= PIECES_FROM
}

/// How many threads work on an input of `bytes` bytes of text: one per
/// available core ([`threads`]), but at most one per half MiB.
pub(crate) fn threads_for(bytes: usize) -> usize {
    threads().min(bytes / (PIECES_FROM / 2))
}

/// At most this many threads work on one input.
pub(crate) const MAX_THREADS: usize = 8;

/// The number of threads worth starting: the cores the operating system
/// makes available to this process (on Linux, cgroup limits included),
/// at most [`MAX_THREADS`].
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(MAX_THREADS)
}

/// `work(0)`, …, `work(n - 1)`, in that order, on at most [`threads`]
/// threads: this one and one more per other available core, each taking
/// every `threads()`-th index. A thread that cannot be started does its
/// work here instead; the work of a thread that panicked is `None` (the
/// caller then does it all again in one piece, where the panic shows).
pub(crate) fn in_order<R: Send>(n: usize, work: impl Fn(usize) -> R + Sync) -> Vec<Option<R>> {
    let workers = threads().min(n);
    if workers == 0 {
        return Vec::new();
    }
    let work = &work;
    let share = move |w: usize| -> Vec<R> { (w..n).step_by(workers).map(work).collect() };
    let shares: Vec<Option<Vec<R>>> = std::thread::scope(|s| {
        let started: Vec<_> = (1..workers)
            .map(|w| {
                std::thread::Builder::new()
                    .spawn_scoped(s, move || share(w))
                    .map_err(|_| w)
            })
            .collect();
        let mut out = Vec::with_capacity(workers);
        out.push(Some(share(0)));
        for t in started {
            out.push(match t {
                Ok(handle) => handle.join().ok(),
                Err(w) => Some(share(w)),
            });
        }
        out
    });
    // index i is item i / workers of share i % workers
    let mut shares: Vec<Option<std::vec::IntoIter<R>>> =
        shares.into_iter().map(|s| s.map(Vec::into_iter)).collect();
    (0..n)
        .map(|i| shares.get_mut(i % workers)?.as_mut()?.next())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order() {
        assert_eq!(
            in_order(5, |i| i * 10),
            [Some(0), Some(10), Some(20), Some(30), Some(40)]
        );
        assert!(in_order(0, |i| i).is_empty());
        let many = in_order(50, |i| i + 1);
        assert_eq!(many, (1..=50).map(Some).collect::<Vec<_>>());
        assert!((1..=MAX_THREADS).contains(&threads()));
    }
}
