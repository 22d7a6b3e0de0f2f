//! Hash maps for the hot paths.
//!
//! [`IdMap`]: a fast unkeyed hasher for the checker's internal maps whose
//! keys are small integers (ids, item keys, formulas over atom ids) —
//! never for names taken from the input.
//!
//! [`NameMap`]: names taken from the input (parties, topics, labels), with
//! foldhash's per-map randomly seeded hasher: several times faster than the
//! standard SipHash on short identifiers, and still seeded at random, so a
//! rule file cannot be written to collide on every machine (see
//! docs/decisions.md).
//!
//! Each word is mixed in with a rotate, an xor and a multiplication by an
//! odd constant (so distinct integers keep distinct low bits).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hash map with [`IdHasher`].
pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// An empty [`IdMap`].
pub(crate) fn id_map<K, V>() -> IdMap<K, V> {
    HashMap::default()
}

/// A hash map keyed by names from the input (randomly seeded foldhash).
pub(crate) type NameMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// An empty [`NameMap`] with room for `n` entries.
pub(crate) fn name_map<K, V>(n: usize) -> NameMap<K, V> {
    HashMap::with_capacity_and_hasher(n, foldhash::fast::RandomState::default())
}

const K: u64 = 0x517c_c1b7_2722_0a95;

/// The hasher of [`IdMap`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for b in chunks.remainder() {
            self.add(u64::from(*b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_ids_spread() {
        let mut m: IdMap<u32, u32> = id_map();
        for i in 0..10_000 {
            m.insert(i, i * 2);
        }
        assert!((0..10_000).all(|i| m.get(&i) == Some(&(i * 2))));
        let lows: std::collections::BTreeSet<u64> = (0..1024u32)
            .map(|i| {
                let mut h = IdHasher::default();
                h.write_u32(i);
                h.finish() & 1023
            })
            .collect();
        assert_eq!(lows.len(), 1024);
    }
}
