//! Concessions: the minimal sets of red lines whose withdrawal would make a
//! *subject* (a scenario, a ruled-out condition, an unattainable preference)
//! possible again, i.e. the minimal correction sets W ⊆ H such that
//! (H ∖ W) ∪ A ∪ {subject} holds. Smallest first, then in source order.
//!
//! When every minimal set containing the subject is known and H ∪ A holds
//! without it, W corrects exactly when it meets the red lines of every one
//! of those sets (each minimal set of H ∪ A ∪ {subject} contains the
//! subject), so the corrections are the minimal hitting sets of their red
//! lines. Otherwise the maximal satisfiable subsets of H with the subject
//! and A always on are enumerated, and the corrections are their
//! complements. A subject that contradicts the assumptions alone has no
//! concession (`hopeless`).

use super::explain::stmt_ref;
use super::{
    Ctx,
    session::{ItemKey, Session},
};
use crate::diagnostic::StatementRef;
use crate::logic::Stop;
use crate::model::StmtId;
use std::collections::BTreeSet;

/// What the parties could give up.
#[derive(Clone, Debug, Default)]
pub(crate) struct Concessions {
    /// The minimal correction sets, as statement references.
    pub refs: Vec<Vec<StatementRef>>,
    /// The subject contradicts the assumptions alone: no concession helps.
    pub hopeless: bool,
}

/// The concessions that make `subject` possible. `sets` are the minimal
/// sets found for it (items of `hard` ∪ `background`, without the subject);
/// `exact`: they are all of them and H ∪ A holds without the subject.
pub(crate) fn find(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    subject: usize,
    hard: &[usize],
    background: &[usize],
    sets: &[Vec<usize>],
    exact: bool,
) -> Result<Concessions, Stop> {
    let hard_set: BTreeSet<usize> = hard.iter().copied().collect();
    let family: Vec<Vec<usize>> = sets
        .iter()
        .map(|t| t.iter().copied().filter(|x| hard_set.contains(x)).collect())
        .collect();
    let (mut corrections, hopeless, complete) =
        match exact.then(|| hitting_sets(&family, HITTING_CAP)).flatten() {
            Some(hs) => (to_stmts(sess, &hs), family.iter().any(Vec::is_empty), true),
            None => {
                let mut required = background.to_vec();
                required.push(subject);
                let cap = ctx.options.max_sets.saturating_mul(10).max(100);
                let (msses, complete) = sess.msses(hard, &required, &ctx.budget, cap)?;
                let hopeless = msses.is_none();
                let mcses: Vec<Vec<usize>> = msses
                    .unwrap_or_default()
                    .iter()
                    .map(|mss| {
                        hard.iter()
                            .copied()
                            .filter(|h| mss.binary_search(h).is_err())
                            .collect()
                    })
                    .filter(|m: &Vec<usize>| !m.is_empty())
                    .collect();
                (to_stmts(sess, &mcses), hopeless, complete)
            }
        };
    corrections.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    corrections.dedup();
    if !complete || corrections.len() > ctx.options.max_sets {
        ctx.cut();
    }
    corrections.truncate(ctx.options.max_sets);
    let model = ctx.model;
    let refs = corrections
        .iter()
        .map(|c| c.iter().map(|s| stmt_ref(model, *s)).collect())
        .collect();
    Ok(Concessions { refs, hopeless })
}

/// Above this many partial hitting sets, enumerate corrections instead.
const HITTING_CAP: usize = 10_000;

fn to_stmts(sess: &Session<'_>, sets: &[Vec<usize>]) -> Vec<Vec<StmtId>> {
    sets.iter()
        .map(|m| {
            m.iter()
                .filter_map(|h| match sess.key(*h) {
                    Some(ItemKey::Stmt(s)) => Some(*s),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The minimal hitting sets of `family` (Berge's algorithm), or `None`
/// when there would be more than `cap` of them along the way. An empty
/// member makes the result empty (nothing hits it).
fn hitting_sets(family: &[Vec<usize>], cap: usize) -> Option<Vec<Vec<usize>>> {
    if family.iter().any(Vec::is_empty) {
        return Some(Vec::new());
    }
    let mut current: Vec<Vec<usize>> = vec![Vec::new()];
    for set in family {
        let mut next: Vec<Vec<usize>> = Vec::new();
        for h in &current {
            if h.iter().any(|x| set.contains(x)) {
                next.push(h.clone());
                continue;
            }
            for x in set {
                let mut g = h.clone();
                if let Err(at) = g.binary_search(x) {
                    g.insert(at, *x);
                }
                next.push(g);
            }
        }
        next.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        next.dedup();
        let mut minimal: Vec<Vec<usize>> = Vec::new();
        for g in next {
            if !minimal
                .iter()
                .any(|m| m.iter().all(|x| g.binary_search(x).is_ok()))
            {
                minimal.push(g);
            }
            if minimal.len() > cap {
                return None;
            }
        }
        current = minimal;
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::hitting_sets;

    #[test]
    fn minimal_hitting_sets() {
        let f = vec![vec![1, 2], vec![2, 3], vec![4]];
        assert_eq!(hitting_sets(&f, 100), Some(vec![vec![2, 4], vec![1, 3, 4]]));
        assert_eq!(hitting_sets(&[vec![1], vec![]], 100), Some(vec![]));
        assert_eq!(hitting_sets(&[], 100), Some(vec![vec![]]));
    }
}
