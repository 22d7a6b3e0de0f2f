//! Resolution in pieces: a big model cut into runs of items, each
//! resolved alone on a thread of its own ([`resolve_in_pieces`]), then
//! put together ([`merge`]). Whenever
//! the pieces might disagree with a resolution in one piece, the model is
//! resolved in one piece; see [`merge`] for why the result is otherwise
//! the same.

use super::names::{Entry, Names, Number};
use super::{Resolved, Resolver, idx};
use crate::ast::{Item, Name};
use crate::hash::NameMap;
use crate::model::{AtomId, Expr, PartyId, ScenarioId, Statement, StmtId, TopicId};
use crate::source::SourceMap;

/// Names a piece uses without declaring them: their numbers in the piece
/// and the names.
type Undeclared = Vec<(usize, Name)>;

/// The number in the model of a name declared in the first piece (its
/// table `first`) or in one of the other pieces (each its table and its
/// numbers in the model, which may cover only the first pieces); `None`
/// when none of them declares it.
fn declared<'p, I: Number + 'p>(
    first: &NameMap<Name, I>,
    mut pieces: impl Iterator<Item = (&'p NameMap<Name, I>, &'p [Option<I>])>,
    name: &Name,
) -> Option<I> {
    if let Some(&id) = first.get(name) {
        return Some(id);
    }
    pieces.find_map(|(table, numbers)| {
        // (a name the piece only uses is not numbered yet: `None`)
        *numbers.get(table.get(name)?.index())?
    })
}

/// Numbers the names `piece` declares (in its order of declaration) in
/// `first`, the model's table, after those of the pieces before it
/// (`before`, numbered by `numbers`): a name declared before keeps its
/// number (its label merged, its use added), a new one is added. Returns
/// the piece's numbers (`None` for a name it uses without declaring it,
/// until that name is looked up) and those names; `None` when a name is
/// labelled differently in two pieces.
fn number_declarations<T: Entry>(
    first: &mut Names<T>,
    piece: &mut Names<T>,
    before: &[&mut Names<T>],
    numbers: &[Vec<Option<T::Id>>],
) -> Option<(Vec<Option<T::Id>>, Undeclared)> {
    let mut entries: Vec<Option<T>> = std::mem::take(&mut piece.entries)
        .into_iter()
        .map(Some)
        .collect();
    let mut out: Vec<Option<T::Id>> = vec![None; entries.len()];
    for &local in &piece.order {
        let i = local.index();
        let mut x = entries.get_mut(i)?.take()?;
        let used = *piece.used.get(i)?;
        let tables = before.iter().map(|p| &p.ids);
        let all = tables.zip(numbers.iter().map(Vec::as_slice));
        let id = match declared(&first.ids, all, x.name()) {
            Some(id) => {
                let old = first.entries.get_mut(id.index())?;
                let label = merge_label(old.label_mut().take(), x.label_mut())?;
                *old.label_mut() = label;
                *first.used.get_mut(id.index())? |= used;
                id
            }
            None => first.adopt(x, used),
        };
        *out.get_mut(i)? = Some(id);
    }
    let undeclared = entries
        .into_iter()
        .enumerate()
        .filter_map(|(i, x)| Some((i, x?.name().clone())))
        .collect();
    Some((out, undeclared))
}

/// Numbers the names of `pieces` (the tables of the pieces after the
/// first, in order) in `first`, the model's table, as one piece numbers
/// them: every declaration first, each name at its first declaration over
/// the pieces ([`number_declarations`]); then the names a piece uses
/// without declaring them, looked up among all declarations (and marked
/// used). The numbers in the model of each piece's names; `None` when a
/// name is labelled differently in two pieces or declared in none.
fn number_pieces<T: Entry>(
    first: &mut Names<T>,
    mut pieces: Vec<&mut Names<T>>,
) -> Option<Vec<Vec<T::Id>>> {
    let mut numbers: Vec<Vec<Option<T::Id>>> = Vec::with_capacity(pieces.len());
    let mut undeclared: Vec<Undeclared> = Vec::with_capacity(pieces.len());
    for k in 0..pieces.len() {
        let (before, after) = pieces.split_at_mut(k);
        let (n, u) = number_declarations(first, after.first_mut()?, before, &numbers)?;
        numbers.push(n);
        undeclared.push(u);
    }
    for (k, names) in undeclared.into_iter().enumerate() {
        let found: Vec<(usize, T::Id)> = names
            .into_iter()
            .map(|(i, name)| {
                let tables = pieces.iter().map(|p| &p.ids);
                let all = tables.zip(numbers.iter().map(Vec::as_slice));
                Some((i, declared(&first.ids, all, &name)?))
            })
            .collect::<Option<_>>()?;
        for (i, id) in found {
            *numbers.get_mut(k)?.get_mut(i)? = Some(id);
            first.mark_used(id);
        }
    }
    // Every name is numbered now; one that is not would make the merge
    // fail (and the model resolve in one piece), never get a made-up id.
    numbers
        .into_iter()
        .map(|n| n.into_iter().collect::<Option<Vec<_>>>())
        .collect()
}

/// The number of statements an item holds.
fn statements_of(item: &Item) -> usize {
    match item {
        Item::Party { statements, .. } => statements.len(),
        Item::Assume { .. } => 1,
        _ => 0,
    }
}

/// The label of a name declared in two pieces: the first one given;
/// `None` when both pieces give one and they differ.
fn merge_label(old: Option<Name>, new: &Option<Name>) -> Option<Option<Name>> {
    match (old, new) {
        (Some(old), Some(new)) if old != *new => None,
        (None, new) => Some(new.clone()),
        (old, _) => Some(old),
    }
}

/// Replaces each atom `a` of `e` by `atoms[a]`; `None` for an atom out of
/// range. Recursive over nesting only, as [`Resolver::formula`].
fn renumber(e: &mut Expr, atoms: &[AtomId]) -> Option<()> {
    match e {
        Expr::Atom(a) => *a = *atoms.get(a.0 as usize)?,
        Expr::Not(x) => renumber(x, atoms)?,
        Expr::And(xs) | Expr::Or(xs) => {
            for x in xs {
                renumber(x, atoms)?;
            }
        }
        Expr::Implies(a, b) | Expr::Iff(a, b) => {
            renumber(a, atoms)?;
            renumber(b, atoms)?;
        }
    }
    Some(())
}

/// The items of `parts` (in order) cut into `pieces` runs of about the
/// same number of items; a run may span several files.
pub(super) fn split<'t>(parts: &[&'t [Item]], pieces: usize) -> Vec<Vec<&'t [Item]>> {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let pieces = pieces.clamp(1, total.max(1));
    let mut out = vec![Vec::new(); pieces];
    // item number `at` of the whole goes to piece `at * pieces / total`
    let mut at = 0;
    for &part in parts {
        let mut rest = part;
        while !rest.is_empty() {
            let k = at * pieces / total;
            let end = ((k + 1) * total).div_ceil(pieces);
            let (run, tail) = rest.split_at((end - at).min(rest.len()));
            if let Some(piece) = out.get_mut(k) {
                piece.push(run);
            }
            at += run.len();
            rest = tail;
        }
    }
    out
}

/// Resolves each piece (runs of items, in order) alone, in piece mode,
/// on one thread per core ([`crate::parallel::in_order`]); then puts the
/// pieces together ([`merge`]). `None` when that might not give what
/// resolving in one piece gives: the caller then resolves in one piece.
pub(super) fn resolve_in_pieces(
    sources: &SourceMap,
    pieces: &[Vec<&[Item]>],
    bytes: usize,
) -> Option<Resolved> {
    if pieces.len() < 2 {
        return None;
    }
    let total_items: usize = pieces
        .iter()
        .flatten()
        .map(|p| p.len())
        .sum::<usize>()
        .max(1);
    let resolved = crate::parallel::in_order(pieces.len(), |i| {
        let parts = pieces.get(i)?;
        let mut r = Resolver::new(sources);
        r.piece = true;
        // The first piece's text buffer becomes the model's: it reserves
        // room for all of it.
        let items: usize = parts.iter().map(|p| p.len()).sum();
        let text = if i == 0 {
            // the first piece's statements become the model's
            let statements = pieces.iter().flatten().flat_map(|p| p.iter());
            r.model
                .statements
                .reserve(statements.map(statements_of).sum());
            bytes
        } else {
            bytes / total_items * items
        };
        r.declare(parts, text);
        r.statements(parts);
        r.diags.is_empty().then_some(r)
    });
    let resolved: Vec<Resolver> = resolved
        .into_iter()
        .map(Option::flatten)
        .collect::<Option<_>>()?;
    let parts: Vec<&[Item]> = pieces.iter().flatten().copied().collect();
    merge(resolved, &parts)
}

/// Puts the pieces of a model (consecutive runs of its items, in order),
/// each resolved alone in piece mode without any diagnostic, together
/// into the first; `parts`: all the model's items, for the expectations.
/// `None` when that might not give what resolving in one piece gives.
///
/// Why it does, when this returns a model. Resolving in one piece
/// declares every party and topic first, in order, then resolves
/// statements and scenarios in order: parties and topics are numbered by
/// first declaration, atoms by first use, statements and scenarios in
/// order, and a name keeps the span of its first declaration (an atom, of
/// its first use) and the first label given to it.
///
/// - A piece numbers its names from zero and keeps its declarations in
///   order (`Names::order`; a table for parties, one for topics). A name
///   it uses before it declares it, or never declares, is provisional
///   meanwhile (no diagnostic: another piece may declare it). Any
///   diagnostic in a piece gives `None`.
/// - The first piece's numbers are the model's, so every name in it must
///   be declared and numbered in order of declaration (else `None`). Then
///   the declarations of every other piece, in order, are numbered after
///   the first's, each name at its first declaration over the pieces: the
///   numbering of one piece. A name labelled differently in two pieces
///   gives `None` (one piece reports it).
/// - Then each piece's provisional names are looked up among all
///   declarations (`None` when no piece declares one), and piece by piece
///   atoms are taken in the piece's order of first use, each kept at its
///   first use over the pieces (the plain atom of `X@P` comes first in its
///   piece too); statement labels and scenario names must be new (else
///   `None`); the statements and scenarios follow those of the pieces
///   before.
/// - Expectations (atoms first used there come after every statement's
///   atoms), unused declarations and `undeclared-party` (a function of
///   all the items) are resolved after the pieces are put together, as in
///   one piece.
///
/// `tests::pieces_resolve_as_one`, `tests::random_pieces_resolve_as_one`
/// and `tests::pieces_that_disagree_give_no_model` check it.
fn merge(resolved: Vec<Resolver>, parts: &[&[Item]]) -> Option<Resolved> {
    let mut resolved = resolved.into_iter();
    let mut first = resolved.next()?;
    // The first piece's numbers are the model's: every name it uses is
    // declared, and numbered in order of declaration (not used before).
    if !first.parties.in_declaration_order() || !first.topics.in_declaration_order() {
        return None;
    }
    first.piece = false;
    // where a fix declares a topic: from all the items, as in one piece
    first.places = super::places_of(parts);
    let mut rest: Vec<Resolver> = resolved.collect();
    let count =
        first.model.statements.len() + rest.iter().map(|r| r.model.statements.len()).sum::<usize>();
    first.reserve_for(&rest);
    // (the first piece reserved room for all statements, when it could)
    let mut statements = std::mem::take(&mut first.model.statements);
    statements.reserve_exact(count.saturating_sub(statements.len()));
    // Every declaration first, as in one piece, then the names a piece
    // uses and another one declares. A name is looked up in the tables of
    // the pieces that declare names (the first's tables keep only its own
    // names until the end: filling them would cost more than the lookups).
    let parties = number_pieces(
        &mut first.parties,
        rest.iter_mut().map(|r| &mut r.parties).collect(),
    )?;
    let topics = number_pieces(
        &mut first.topics,
        rest.iter_mut().map(|r| &mut r.topics).collect(),
    )?;
    for ((mut piece, parties), topics) in rest.into_iter().zip(parties).zip(topics) {
        first.absorb(&mut piece, &parties, &topics, &mut statements)?;
    }
    first.model.statements = statements;
    if first.has_expect {
        first.parties.index_all();
        first.topics.index_all();
        first.expectations(parts);
    }
    first.unused();
    first.unused_fixes(parts);
    // decided from all the items, as in one piece
    first
        .diags
        .extend(super::party_typos::undeclared_parties(parts));
    Some(first.finish())
}

impl Resolver<'_> {
    /// Room in the model for the names of `pieces` (it is sized for this
    /// piece's).
    fn reserve_for(&mut self, pieces: &[Resolver]) {
        let sum = |n: fn(&Resolver) -> usize| pieces.iter().map(n).sum::<usize>();
        let parties = sum(|r| r.parties.len());
        let topics = sum(|r| r.topics.len());
        let atoms = sum(|r| r.model.atoms.len());
        self.parties.reserve_entries(parties);
        self.topics.reserve_entries(topics);
        self.plain_atoms.reserve(topics);
        self.model.atoms.reserve(atoms);
        self.model.atom_spans.reserve(atoms);
        self.atom_ids.reserve(sum(|r| r.atom_ids.len()));
        self.labels.reserve(sum(|r| r.labels.len()));
    }

    /// Puts the rest of `piece`, whose parties and topics are numbered
    /// `parties` and `topics` in `self`, into `self`: its atoms, labels
    /// and scenarios renumbered, its statements renumbered onto the end of
    /// `statements`. `None` when the pieces disagree (a
    /// label or scenario name used twice): the model must then be
    /// resolved in one piece.
    fn absorb(
        &mut self,
        piece: &mut Resolver,
        parties: &[PartyId],
        topics: &[TopicId],
        statements: &mut Vec<Statement>,
    ) -> Option<()> {
        let mut atoms = Vec::with_capacity(piece.model.atoms.len());
        for (a, &span) in piece.model.atoms.iter().zip(&piece.model.atom_spans) {
            let topic = *topics.get(a.topic.0 as usize)?;
            let party = match a.party {
                Some(p) => Some(*parties.get(p.0 as usize)?),
                None => None,
            };
            atoms.push(self.atom(topic, party, span));
        }
        for (name, &span) in piece.labels.iter() {
            if self.labels.insert(name.clone(), span).is_some() {
                return None;
            }
        }
        for mut sc in piece.model.scenarios.drain(..) {
            let id = ScenarioId(idx(self.model.scenarios.len()));
            if self
                .scenario_ids
                .insert(Name::from(sc.name.as_str()), id)
                .is_some()
            {
                return None;
            }
            for f in &mut sc.formulas {
                renumber(f, &atoms)?;
            }
            self.model.scenarios.push(sc);
        }
        let shift = self.model.append_texts(&piece.model);
        for mut st in piece.model.statements.drain(..) {
            st.id = StmtId(idx(statements.len()));
            st.party = match st.party {
                Some(p) => Some(*parties.get(p.0 as usize)?),
                None => None,
            };
            renumber(&mut st.formula, &atoms)?;
            st.text = st.text.shifted(shift);
            st.condition_text = st.condition_text.map(|t| t.shifted(shift));
            statements.push(st);
        }
        self.has_expect |= piece.has_expect;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{resolve, resolve_whole};
    use super::*;
    use crate::ast;

    /// The items of `parts` cut before each item number of `cuts`
    /// (increasing).
    fn cut_at<'t>(parts: &[&'t [Item]], cuts: &[usize]) -> Vec<Vec<&'t [Item]>> {
        let mut pieces = vec![Vec::new()];
        let mut at = 0;
        let mut cuts = cuts.iter().copied().peekable();
        for &part in parts {
            let mut rest = part;
            loop {
                while cuts.peek() == Some(&at) {
                    cuts.next();
                    pieces.push(Vec::new());
                }
                let n = cuts.peek().map_or(rest.len(), |c| (c - at).min(rest.len()));
                let (run, tail) = rest.split_at(n);
                if !run.is_empty() {
                    pieces.last_mut().unwrap().push(run);
                }
                at += run.len();
                rest = tail;
                if rest.is_empty() {
                    break;
                }
            }
        }
        pieces
    }

    /// Resolves `files` (name, text; in load order) in pieces cut at
    /// `cuts` (item numbers over all files) and in one piece: the same
    /// model and diagnostics when the pieces give a model. Whether they
    /// did.
    fn pieces_agree(files: &[(&str, &str)], cuts: &[usize]) -> bool {
        let mut sources = SourceMap::new();
        let trees: Vec<ast::File> = files
            .iter()
            .map(|(name, text)| {
                let id = sources.add(*name, *text);
                crate::syntax::parse(id, text).0
            })
            .collect();
        let parts: Vec<&[Item]> = trees.iter().map(|t| t.items.as_slice()).collect();
        let whole = resolve_whole(&sources, &parts, 0);
        match resolve_in_pieces(&sources, &cut_at(&parts, cuts), 0) {
            Some(pieces) => {
                assert_eq!(pieces.1, whole.1, "cuts {cuts:?}");
                assert!(pieces.0 == whole.0, "cuts {cuts:?}");
                true
            }
            None => false,
        }
    }

    fn items_of(text: &str) -> usize {
        crate::syntax::parse(crate::source::FileId(0), text)
            .0
            .items
            .len()
    }

    /// Generated models and the rule files cut into pieces everywhere:
    /// the pieces resolve as one piece, and the generated ones (whose
    /// names are declared before they are used) always give a model.
    #[test]
    fn pieces_resolve_as_one() {
        let generated = [
            crate::generate::disputes(12, 3).text,
            crate::generate::scenarios(12, 5).text,
            crate::generate::chain(40).text,
        ];
        for text in &generated {
            let n = items_of(text);
            for a in 1..n {
                assert!(pieces_agree(&[("g.stance", text)], &[a]), "cut {a} of {n}");
                let b = (a * 7 + 3) % n;
                if b > a {
                    assert!(pieces_agree(&[("g.stance", text)], &[a, b]));
                }
            }
        }
        let mut files = Vec::new();
        for dir in ["rules", "examples"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            let mut names: Vec<_> = std::fs::read_dir(path)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect();
            names.sort();
            for f in names
                .into_iter()
                .filter(|f| f.extension().is_some_and(|e| e == "stance"))
            {
                files.push(std::fs::read_to_string(f).unwrap());
            }
        }
        let mut agreed = 0;
        for text in &files {
            let n = items_of(text);
            for a in 1..n {
                agreed += usize::from(pieces_agree(&[("r.stance", text)], &[a]));
            }
            for k in 2..=4.min(n) {
                let cuts: Vec<usize> = (1..k).map(|i| i * n / k).collect();
                agreed += usize::from(pieces_agree(&[("r.stance", text)], &cuts));
            }
        }
        assert!(agreed > 100, "{agreed}");
    }

    /// A model of over 1 MiB is resolved in pieces, as in one piece.
    #[test]
    fn big_models_resolve_in_pieces() {
        let text = crate::generate::disputes(1500, 2).text;
        assert!(crate::parallel::in_pieces(text.len()));
        let mut sources = SourceMap::new();
        let file = sources.add("big.stance", text.as_str());
        let (tree, errors) = crate::syntax::parse(file, &text);
        assert!(errors.is_empty());
        let parts = [tree.items.as_slice()];
        let whole = resolve_whole(&sources, &parts, text.len());
        let pieces = resolve_in_pieces(&sources, &split(&parts, 2), text.len());
        assert!(pieces.is_some_and(|p| p == whole));
        assert!(resolve(&sources, &[(file, &tree)]) == whole);
    }

    /// What a piece cannot see on its own gives no model (the model is
    /// then resolved in one piece, which reports it); a name declared in a
    /// later piece than its use, but not in the first piece, is found.
    #[test]
    fn pieces_that_disagree_give_no_model() {
        let head = "party p \"P\"\ntopic a \"A\"\n";
        let cases = [
            // used in the first piece, declared in the second (the first
            // piece's numbers are the model's)
            (false, "party p {\n  requires b\n}\ntopic b \"B\"\n"),
            (false, "party p {\n  requires a@q\n}\nparty q\n"),
            // labelled differently in two pieces
            (false, "party p {\n  requires a\n}\ntopic a \"other\"\n"),
            (false, "party p {\n  requires a\n}\nparty p \"other\"\n"),
            // a statement label, a scenario name used in two pieces
            (
                false,
                "party p {\n  x: requires a\n}\nparty p {\n  x: rejects a\n}\n",
            ),
            (false, "scenario s {\n  a\n}\nscenario s {\n  not a\n}\n"),
            // undeclared anywhere
            (
                false,
                "party p {\n  requires a\n}\nparty p {\n  requires c\n}\n",
            ),
            // used in the third piece, declared in the second and the
            // fourth; used in the second, declared in the third; the same
            // label twice; an expectation naming another piece's scenario
            (
                true,
                "party p {\n  requires a\n}\nparty p {\n  requires c\n}\ntopic c \"C\"\n",
            ),
            (
                true,
                "party p {\n  requires a\n}\ntopic b \"B\"\nparty p {\n  requires b@q\n}\nparty q \"Q\"\n",
            ),
            (
                true,
                "party p {\n  requires a\n}\ntopic a \"A\"\nparty p \"P\" {\n  rejects a\n}\n",
            ),
            (
                true,
                "scenario s {\n  a\n}\nparty p {\n  requires a\n}\nexpect feasible s\nexpect impossible a and not a\n",
            ),
        ];
        for (gives, tail) in cases {
            let text = format!("{head}{tail}");
            let n = items_of(&text);
            // the head with the tail's first item, then the other items
            // of the tail one piece each
            let cuts: Vec<usize> = (3..n).collect();
            assert_eq!(pieces_agree(&[("t.stance", &text)], &cuts), gives, "{text}");
        }
    }

    /// `undeclared-party` is found alike in pieces and in one piece,
    /// wherever the cuts fall (the typo's block, the party it is close
    /// to, and a use that makes a name meant, each in any piece).
    #[test]
    fn pieces_find_party_typos_as_one() {
        let text = "party france \"France\"\nparty germany \"Germany\"\n\
                    topic bonds \"B\"\ntopic aid \"A\"\n\
                    party frnace {\n  requires bonds\n}\n\
                    party germny {\n  rejects bonds\n}\n\
                    party france {\n  requires aid\n}\n\
                    party germany {\n  prefers aid@germny\n}\n\
                    party frnace {\n  rejects aid\n}\n";
        let n = items_of(text);
        let mut sources = SourceMap::new();
        let file = sources.add("t.stance", text);
        let tree = crate::syntax::parse(file, text).0;
        let whole = resolve_whole(&sources, &[tree.items.as_slice()], 0);
        let found: Vec<&str> = whole
            .1
            .iter()
            .filter(|d| d.kind == crate::diagnostic::Kind::UndeclaredParty)
            .map(|d| &text[d.span.range()])
            .collect();
        // `germny` is named in an atom: meant
        assert_eq!(found, ["frnace"]);
        for a in 4..n {
            assert!(pieces_agree(&[("t.stance", text)], &[a]), "cut {a}");
            for b in a + 1..n {
                assert!(pieces_agree(&[("t.stance", text)], &[a, b]), "cuts {a} {b}");
            }
        }
    }

    /// Pieces across files: the second file's names declared in the first
    /// and the other way round.
    #[test]
    fn pieces_span_files() {
        let a = "party p \"P\"\ntopic a \"A\"\nparty p {\n  requires a\n}\n";
        let b =
            "topic b \"B\"\nparty p {\n  requires a and b\n  l: prefers b@p\n}\nassume a -> b\n";
        for cuts in [&[1][..], &[2], &[3], &[4], &[1, 3], &[2, 4, 5]] {
            assert!(
                pieces_agree(&[("a.stance", a), ("b.stance", b)], cuts),
                "{cuts:?}"
            );
        }
    }

    /// A random rule file over a few names, so that names are declared
    /// in several places, before and after their uses, with and without
    /// (different) labels, and labels and scenarios collide.
    fn random_file(rng: &mut crate::generate::Rng) -> String {
        fn pick<'s>(rng: &mut crate::generate::Rng, xs: &[&'s str]) -> &'s str {
            xs.get(rng.below(xs.len())).copied().unwrap_or_default()
        }
        fn formula(rng: &mut crate::generate::Rng) -> String {
            let topics = ["a", "b", "c", "d"];
            let atom = |rng: &mut crate::generate::Rng| match rng.below(4) {
                0 => format!("{}@{}", pick(rng, &topics), pick(rng, &["p", "q", "r"])),
                _ => pick(rng, &topics).to_owned(),
            };
            match rng.below(5) {
                0 => format!("not {}", atom(rng)),
                1 => format!("{} and {}", atom(rng), atom(rng)),
                2 => format!("({} -> {}) or {}", atom(rng), atom(rng), atom(rng)),
                _ => atom(rng),
            }
        }
        let label = |rng: &mut crate::generate::Rng| match rng.below(12) {
            0..3 => " \"x\"",
            3 => " \"y\"",
            _ => "",
        };
        // every name declared up front, or not
        let mut text = match rng.below(2) {
            0 => String::from("party p\nparty q\nparty r\ntopic a\ntopic b\ntopic c\ntopic d\n"),
            _ => String::new(),
        };
        for _ in 0..rng.below(12) + 1 {
            let line = match rng.below(9) {
                0 | 1 => format!("party {}{}\n", pick(rng, &["p", "q", "r"]), label(rng)),
                2 | 3 => format!("topic {}{}\n", pick(rng, &["a", "b", "c", "d"]), label(rng)),
                4 | 5 => {
                    let mut block =
                        format!("party {}{} {{\n", pick(rng, &["p", "q", "r"]), label(rng));
                    for _ in 0..rng.below(3) {
                        if rng.below(3) == 0 {
                            block.push_str(&format!("  {}: ", pick(rng, &["l1", "l2", "l3"])));
                        }
                        let kind =
                            pick(rng, &["requires", "rejects", "prefers", "avoids", "claims"]);
                        let f = formula(rng);
                        block.push_str(&match rng.below(5) {
                            0 => format!("  no {f} without {}\n", formula(rng)),
                            1 => format!(
                                "  duty {}: {}\n",
                                pick(rng, &["p", "q"]),
                                pick(rng, &["a", "b"])
                            ),
                            2 if kind != "claims" => {
                                format!("  {kind} {f} when {}\n", formula(rng))
                            }
                            _ => format!("  {kind} {f}\n"),
                        });
                    }
                    block.push_str("}\n");
                    block
                }
                6 => format!("assume {}\n", formula(rng)),
                7 => format!(
                    "scenario {} {{\n  {}, {}\n}}\n",
                    pick(rng, &["s", "t"]),
                    formula(rng),
                    formula(rng)
                ),
                _ => match rng.below(3) {
                    0 => format!("expect feasible {}\n", pick(rng, &["s", "t"])),
                    1 => format!(
                        "expect conflict {} {}\n",
                        pick(rng, &["p", "q", "r"]),
                        pick(rng, &["p", "q"])
                    ),
                    _ => format!("expect impossible {}\n", formula(rng)),
                },
            };
            text.push_str(&line);
        }
        text
    }

    /// Random files cut at random items: whenever the pieces give a model,
    /// it is the model of one piece, diagnostics included; and they often
    /// do.
    #[test]
    fn random_pieces_resolve_as_one() {
        let mut rng = crate::generate::Rng::new(17);
        let (mut tried, mut agreed) = (0, 0);
        for _ in 0..3000 {
            let text = random_file(&mut rng);
            let n = items_of(&text);
            let cuts: Vec<usize> = (1..n).filter(|_| rng.below(2) == 0).collect();
            if cuts.is_empty() {
                continue;
            }
            tried += 1;
            agreed += usize::from(pieces_agree(&[("r.stance", &text)], &cuts));
        }
        assert!(agreed * 4 > tried, "{agreed} of {tried}");
    }

    #[test]
    fn split_shares_items_out_in_order() {
        let text = crate::generate::disputes(3, 1).text;
        let tree = crate::syntax::parse(crate::source::FileId(0), &text).0;
        let (a, b) = tree.items.split_at(10);
        let parts = [a, b];
        for pieces in 1..=6 {
            let split = split(&parts, pieces);
            assert_eq!(split.len(), pieces);
            let lens: Vec<usize> = split
                .iter()
                .map(|p| p.iter().map(|r| r.len()).sum())
                .collect();
            assert_eq!(lens.iter().sum::<usize>(), tree.items.len());
            assert!(
                lens.iter().max().unwrap() - lens.iter().min().unwrap() <= 1,
                "{lens:?}"
            );
            let flat: Vec<&Item> = split.iter().flatten().flat_map(|r| r.iter()).collect();
            assert!(
                flat.iter()
                    .zip(&tree.items)
                    .all(|(x, y)| std::ptr::eq(*x, y))
            );
        }
    }
}
