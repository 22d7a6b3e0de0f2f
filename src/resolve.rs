//! Name resolution: the syntax trees of one model (a root file and its
//! includes) → a [`Model`] plus diagnostics.
//!
//! Declarations are order-independent: all `party`, `topic` and `scenario`
//! items of the model are collected first, then statements are resolved.
//! Errors (unknown party, duplicate label, conflicting declaration labels)
//! drop only the statement concerned; everything else is still resolved,
//! so a file with errors is checked as far as it can be.

use crate::ast::{self, FormulaKind, Item, Name, Stance};
use crate::diagnostic::{Diagnostic, Kind};
use crate::hash::{IdMap, NameMap, id_map, name_map};
use crate::model::{
    Atom, AtomId, ExpectKind, Expectation, Expr, Model, Party, PartyId, Scenario, ScenarioId,
    Statement, StmtId, StmtKind, TextRef, Topic, TopicId,
};
use crate::source::{FileId, SourceMap, Span};
use std::hash::BuildHasher;

/// A resolved model with the diagnostics of its resolution.
pub type Resolved = (Model, Vec<Diagnostic>);

/// Resolves the files of one model, in load order.
///
/// Big models (from 1 MiB to 16 MiB of text) are resolved in pieces, one
/// per available core, and put together (`resolve_in_pieces`); the result is
/// exactly that of resolving in one piece, whatever the number of threads.
pub fn resolve(sources: &SourceMap, files: &[(FileId, &ast::File)]) -> (Model, Vec<Diagnostic>) {
    let parts: Vec<&[Item]> = files.iter().map(|(_, f)| f.items.as_slice()).collect();
    let bytes: usize = files
        .iter()
        .filter_map(|(f, _)| sources.get(*f))
        .map(|f| f.text.len())
        .sum();
    if (PARALLEL_FROM..=PARALLEL_UNTIL).contains(&bytes) {
        let pieces = crate::parallel::threads().min(bytes / (PARALLEL_FROM / 2));
        if let Some(done) = resolve_in_pieces(sources, &split(&parts, pieces), bytes) {
            return done;
        }
    }
    resolve_whole(sources, &parts, bytes)
}

/// Parses file `file` of `sources` (its text `text`) as
/// [`crate::syntax::parse`] does; a file of 1–16 MiB is also resolved as
/// the only file of a model while it is parsed, each piece on the thread
/// that parsed it right after parsing it (while its tree is still in the
/// cache), and the pieces put together ([`merge`]). The model is exactly
/// `resolve(sources, &[(file, &tree)])`; `None` when the file was parsed in
/// one piece, has an `include` (its model needs the included files), or
/// the pieces cannot be put together (the caller then resolves it).
pub(crate) fn parse_and_resolve(
    sources: &SourceMap,
    file: FileId,
    text: &str,
) -> (ast::File, Vec<Diagnostic>, Option<Resolved>) {
    let bytes = text.len();
    if !(PARALLEL_FROM..=PARALLEL_UNTIL).contains(&bytes) {
        let (tree, errors) = crate::syntax::parse(file, text);
        return (tree, errors, None);
    }
    let threads = crate::parallel::threads();
    let (start, each) = (piece_start(sources, text, threads), piece_each);
    let (tree, errors, states) = crate::syntax::parse_with(file, text, start, each);
    let includes = tree.items.iter().any(|i| matches!(i, Item::Include { .. }));
    let model = states
        .filter(|_| !includes)
        .and_then(|states| states.into_iter().collect::<Option<Vec<_>>>())
        .and_then(|pieces| merge(pieces, &[tree.items.as_slice()]));
    (tree, errors, model)
}

/// The state a thread that parses pieces of a file starts from in
/// [`parse_and_resolve`]: a resolver in piece mode (`threads`: how many
/// threads share `text`).
fn piece_start<'a>(
    sources: &'a SourceMap,
    text: &'a str,
    threads: usize,
) -> impl Fn(usize) -> Option<Resolver<'a>> + Sync {
    move |k| {
        let mut r = Resolver::new(sources);
        r.piece = true;
        if k == 0 {
            // The first piece's text buffer and statements become the
            // model's: room for all of them (statements are lines, but for
            // `;`: pages of a reserve never written cost no memory).
            r.model.reserve_text(text.len());
            let lines = text.bytes().filter(|&b| b == b'\n').count();
            r.model.statements.reserve(lines + 1);
        } else {
            r.model.reserve_text(text.len() / threads.max(1));
        }
        Some(r)
    }
}

/// What a thread of [`parse_and_resolve`] does with each piece it parsed:
/// declare its names, then resolve its statements; a diagnostic gives up.
fn piece_each(r: &mut Option<Resolver>, items: &[Item]) {
    if let Some(resolver) = r {
        let parts = [items];
        resolver.declare(&parts, 0);
        resolver.statements(&parts);
        if !resolver.diags.is_empty() {
            *r = None;
        }
    }
}

/// Models from this many bytes of text on are resolved in pieces…
const PARALLEL_FROM: usize = 1 << 20;

/// …up to this many: the pieces' tables and statements are held twice
/// while they are put together (the memory the allocator frees is not
/// given back at once), which on a model of 1M statements would take the
/// peak over 1 GiB. Bigger models are resolved in one piece.
const PARALLEL_UNTIL: usize = 16 << 20;

/// Resolves `parts` (runs of items, in order) in one piece; `bytes`: the
/// size of their text.
fn resolve_whole(sources: &SourceMap, parts: &[&[Item]], bytes: usize) -> (Model, Vec<Diagnostic>) {
    let mut r = Resolver::new(sources);
    r.declare(parts, bytes);
    r.statements(parts);
    r.expectations(parts);
    r.unused();
    (r.model, r.diags)
}

/// A piece's party and topic numbers in the model
/// ([`Resolver::declarations_of`]).
#[derive(Default)]
struct Numbers {
    parties: Vec<PartyId>,
    topics: Vec<TopicId>,
    /// Parties and topics the piece uses without declaring them.
    undeclared_parties: Undeclared,
    undeclared_topics: Undeclared,
}

/// Names a piece uses without declaring them: their numbers in the piece
/// and the names.
type Undeclared = Vec<(usize, Name)>;

/// A party or topic number.
trait Number: Copy + Eq {
    fn new(i: usize) -> Self;
    fn index(self) -> usize;
}

impl Number for PartyId {
    fn new(i: usize) -> Self {
        PartyId(idx(i))
    }
    fn index(self) -> usize {
        self.0 as usize
    }
}

impl Number for TopicId {
    fn new(i: usize) -> Self {
        TopicId(idx(i))
    }
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// A declared party or topic, as far as putting pieces together goes.
trait Declared {
    fn name(&self) -> &Name;
    fn label_mut(&mut self) -> &mut Option<Name>;
}

impl Declared for Party {
    fn name(&self) -> &Name {
        &self.name
    }
    fn label_mut(&mut self) -> &mut Option<Name> {
        &mut self.label
    }
}

impl Declared for Topic {
    fn name(&self) -> &Name {
        &self.name
    }
    fn label_mut(&mut self) -> &mut Option<Name> {
        &mut self.label
    }
}

/// The number of a name a piece uses without declaring it, until it is
/// looked up.
fn undeclared<I: Number>() -> I {
    I::new(u32::MAX as usize)
}

/// The number in the model of a name declared in the first piece (its
/// table `first`) or in one of the other pieces (each its table and its
/// numbers in the model, which may cover only the first pieces); `None`
/// when none of them declares it.
fn declared<'p, I: Number + 'p>(
    first: &NameMap<Name, I>,
    mut pieces: impl Iterator<Item = (&'p NameMap<Name, I>, &'p [I])>,
    name: &Name,
) -> Option<I> {
    if let Some(&id) = first.get(name) {
        return Some(id);
    }
    pieces.find_map(|(table, numbers)| {
        // (a name the piece only uses is not numbered yet)
        let &id = numbers.get(table.get(name)?.index())?;
        (id != undeclared()).then_some(id)
    })
}

/// Numbers the parties or topics of a piece (`items`, declared in
/// `order`, used as `piece_used` says) in the model (`all`, `used`): a
/// name `find` knows keeps its number (its label merged), a new one is
/// added. Returns the piece's numbers and the names it uses without
/// declaring them; `None` when a name is labelled differently in two
/// pieces.
fn number_declarations<T: Declared, I: Number>(
    items: Vec<T>,
    order: &[I],
    piece_used: &[bool],
    all: &mut Vec<T>,
    used: &mut Vec<bool>,
    find: impl Fn(&Name) -> Option<I>,
) -> Option<(Vec<I>, Undeclared)> {
    let mut items: Vec<Option<T>> = items.into_iter().map(Some).collect();
    let mut numbers = vec![undeclared(); items.len()];
    for &local in order {
        let i = local.index();
        let mut x = items.get_mut(i)?.take()?;
        let u = *piece_used.get(i)?;
        let id = match find(x.name()) {
            Some(id) => {
                let old = all.get_mut(id.index())?;
                let label = merge_label(old.label_mut().take(), x.label_mut())?;
                *old.label_mut() = label;
                *used.get_mut(id.index())? |= u;
                id
            }
            None => {
                let id = I::new(all.len());
                all.push(x);
                used.push(u);
                id
            }
        };
        *numbers.get_mut(i)? = id;
    }
    let undeclared = items
        .into_iter()
        .enumerate()
        .filter_map(|(i, x)| Some((i, x?.name().clone())))
        .collect();
    Some((numbers, undeclared))
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
fn split<'t>(parts: &[&'t [Item]], pieces: usize) -> Vec<Vec<&'t [Item]>> {
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
fn resolve_in_pieces(
    sources: &SourceMap,
    pieces: &[Vec<&[Item]>],
    bytes: usize,
) -> Option<(Model, Vec<Diagnostic>)> {
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
///   order (`party_order`, `topic_order`). A name it uses before it
///   declares it, or never declares, is provisional meanwhile (no
///   diagnostic: another piece may declare it). Any diagnostic in a piece
///   gives `None`.
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
///   atoms) and unused declarations are resolved after the pieces are put
///   together, as in one piece.
///
/// `tests::pieces_resolve_as_one`, `tests::random_pieces_resolve_as_one`,
/// `tests::parsed_pieces_resolve_as_one` and
/// `tests::pieces_that_disagree_give_no_model` check it.
fn merge(resolved: Vec<Resolver>, parts: &[&[Item]]) -> Option<(Model, Vec<Diagnostic>)> {
    let mut resolved = resolved.into_iter();
    let mut first = resolved.next()?;
    // The first piece's numbers are the model's: every name it uses is
    // declared, and numbered in order of declaration (not used before).
    let in_order = |order: &[u32], all: usize| {
        order.len() == all && order.iter().enumerate().all(|(i, &id)| id as usize == i)
    };
    let parties: Vec<u32> = first.party_order.iter().map(|p| p.0).collect();
    let topics: Vec<u32> = first.topic_order.iter().map(|t| t.0).collect();
    if !in_order(&parties, first.model.parties.len())
        || !in_order(&topics, first.model.topics.len())
    {
        return None;
    }
    first.piece = false;
    let mut rest: Vec<Resolver> = resolved.collect();
    let count =
        first.model.statements.len() + rest.iter().map(|r| r.model.statements.len()).sum::<usize>();
    first.reserve_for(&rest);
    // (the first piece reserved room for all statements, when it could)
    let mut statements = std::mem::take(&mut first.model.statements);
    statements.reserve_exact(count.saturating_sub(statements.len()));
    // Every declaration first, as in one piece. A name is looked up in
    // the tables of the pieces that declare names (the first's tables
    // keep only its own names until the end: filling them would cost
    // more than the lookups).
    let mut numbers: Vec<Numbers> = Vec::with_capacity(rest.len());
    for k in 0..rest.len() {
        let (before, after) = rest.split_at_mut(k);
        let n = first.declarations_of(after.first_mut()?, before, &numbers)?;
        numbers.push(n);
    }
    // then the names a piece uses and another one declares (used here)
    for k in 0..numbers.len() {
        let n = numbers.get(k)?;
        let parties: Vec<(usize, PartyId)> = n
            .undeclared_parties
            .iter()
            .map(|(i, name)| {
                let tables = rest.iter().map(|p| &p.party_ids);
                let all = tables.zip(numbers.iter().map(|n| &n.parties[..]));
                Some((*i, declared(&first.party_ids, all, name)?))
            })
            .collect::<Option<_>>()?;
        let topics: Vec<(usize, TopicId)> = n
            .undeclared_topics
            .iter()
            .map(|(i, name)| {
                let tables = rest.iter().map(|p| &p.topic_ids);
                let all = tables.zip(numbers.iter().map(|n| &n.topics[..]));
                Some((*i, declared(&first.topic_ids, all, name)?))
            })
            .collect::<Option<_>>()?;
        let n = numbers.get_mut(k)?;
        for (i, id) in parties {
            *n.parties.get_mut(i)? = id;
            *first.party_used.get_mut(id.0 as usize)? = true;
        }
        for (i, id) in topics {
            *n.topics.get_mut(i)? = id;
            *first.topic_used.get_mut(id.0 as usize)? = true;
        }
    }
    for (mut piece, numbers) in rest.into_iter().zip(numbers) {
        first.absorb(&mut piece, numbers, &mut statements)?;
    }
    first.model.statements = statements;
    if first.has_expect {
        first.index_names();
        first.expectations(parts);
    }
    first.unused();
    Some((first.model, first.diags))
}

struct Resolver<'a> {
    sources: &'a SourceMap,
    model: Model,
    diags: Vec<Diagnostic>,
    party_ids: NameMap<Name, PartyId>,
    topic_ids: NameMap<Name, TopicId>,
    /// Atoms `X@P`.
    atom_ids: IdMap<Atom, AtomId>,
    /// The plain atom of each topic, by topic id.
    plain_atoms: Vec<Option<AtomId>>,
    scenario_ids: NameMap<Name, ScenarioId>,
    labels: NameMap<Name, Span>,
    /// Recent topic lookups ([`Resolver::topic`]); every topic in it is
    /// marked used.
    recent_topics: Vec<Option<(Name, TopicId)>>,
    party_used: Vec<bool>,
    topic_used: Vec<bool>,
    /// Whether an `expect` item was seen by [`Resolver::statements`].
    has_expect: bool,
    /// Resolving a piece of the model ([`merge`]): a party or topic that is
    /// not declared (yet) in the piece is not an error here (another piece
    /// may declare it) but a provisional entry, declared if the piece
    /// declares it later, else looked up when the pieces are put together.
    piece: bool,
    /// Parties and topics in order of first declaration (by
    /// [`Resolver::declare`]; in a piece, a name may be used before).
    party_order: Vec<PartyId>,
    topic_order: Vec<TopicId>,
    /// Whether each party is declared (a piece's provisional ones are not).
    party_declared: Vec<bool>,
    /// The span of the first label of each party and topic.
    party_label_span: Vec<Option<Span>>,
    topic_label_span: Vec<Option<Span>>,
}

/// Slots of the recent topic lookups.
const RECENT: usize = 256;

/// Formula resolution failed (an error was reported).
struct Failed;

fn idx(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Source text for messages: comments removed and whitespace runs (line
/// breaks of continued statements included) collapsed to one space. The
/// texts handled here (statement bodies, formulas) hold no strings.
fn clean_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    clean_into(raw, &mut out);
    out
}

/// [`clean_text`], appended to `out`; whether `raw` was copied unchanged.
fn clean_into(raw: &str, out: &mut String) -> bool {
    // Fast path: nothing to drop or collapse.
    let plain = is_plain(raw.as_bytes());
    if plain {
        out.push_str(raw);
    } else {
        clean_slowly(raw, out);
    }
    plain
}

/// [`clean_into`] without its fast path.
fn clean_slowly(raw: &str, out: &mut String) {
    let mut first = true;
    for line in raw.lines() {
        let code = line.split('#').next().unwrap_or("");
        for word in code.split_whitespace() {
            if !first {
                out.push(' ');
            }
            first = false;
            out.push_str(word);
        }
    }
}

/// Whether [`clean_into`] would copy `b` unchanged: not empty, no comment,
/// no whitespace but single spaces inside, nothing outside ASCII. Eight
/// bytes at a time (statement texts are cleaned by the hundred thousand),
/// then byte by byte.
fn is_plain(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // whether the previous byte was a space; true at the start, so that a
    // leading space fails like a double one
    let mut space = true;
    let mut words = b.chunks_exact(8);
    for chunk in &mut words {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(chunk);
        let w = u64::from_le_bytes(bytes);
        // Non-ASCII bytes; then, among ASCII bytes (exact as to whether
        // there is one): a control character (below 0x20, which holds all
        // whitespace but the space) or a `#`.
        let ascii_bad = |w: u64| {
            let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
            let x = w ^ (ONES * u64::from(b'#'));
            let hash = x.wrapping_sub(ONES) & !x & HIGH;
            control | hash != 0
        };
        if w & HIGH != 0 || ascii_bad(w) {
            return false;
        }
        // the spaces, one high bit each, exactly (no borrow between bytes)
        let y = w ^ (ONES * u64::from(b' '));
        let spaces = !(((y & LOW7).wrapping_add(LOW7)) | y | LOW7);
        // two spaces in a row: inside the word, or across its start
        if spaces & (spaces >> 8) != 0 || (space && spaces & 0x80 != 0) {
            return false;
        }
        space = spaces >> 63 != 0;
    }
    for &c in words.remainder() {
        if c == b' ' {
            if space {
                return false;
            }
            space = true;
        } else if c < b' ' || c == b'#' || c >= 0x80 {
            // ASCII control characters hold all the whitespace other than
            // the space, and 0x7f is no word character
            return false;
        } else {
            space = false;
        }
    }
    !space
}

impl<'a> Resolver<'a> {
    fn new(sources: &'a SourceMap) -> Resolver<'a> {
        Resolver {
            sources,
            model: Model::default(),
            diags: Vec::new(),
            party_ids: name_map(0),
            topic_ids: name_map(0),
            atom_ids: id_map(),
            plain_atoms: Vec::new(),
            scenario_ids: name_map(0),
            labels: name_map(0),
            recent_topics: vec![None; RECENT],
            party_used: Vec::new(),
            topic_used: Vec::new(),
            has_expect: false,
            piece: false,
            party_order: Vec::new(),
            topic_order: Vec::new(),
            party_declared: Vec::new(),
            party_label_span: Vec::new(),
            topic_label_span: Vec::new(),
        }
    }

    fn text(&self, span: Span) -> String {
        self.sources
            .get(span.file)
            .map(|f| clean_text(f.slice(span)))
            .unwrap_or_default()
    }

    /// [`Resolver::text`], kept in the model's text buffer.
    fn model_text(&mut self, span: Span) -> TextRef {
        self.model_text_plain(span).0
    }

    /// [`Resolver::model_text`], and whether the text is the source text
    /// unchanged.
    fn model_text_plain(&mut self, span: Span) -> (TextRef, bool) {
        let raw = self.sources.get(span.file).map_or("", |f| f.slice(span));
        let mut plain = false;
        let t = self.model.write_text(|out| plain = clean_into(raw, out));
        (t, plain)
    }

    // ---- declarations -------------------------------------------------

    /// Declares the parties and topics of `parts`; `text` is the room to
    /// reserve for statement texts (about the size of the files' text).
    fn declare(&mut self, parts: &[&[Item]], text: usize) {
        let (mut n_items, mut n_stmts, mut n_topics, mut n_parties) = (0, 0, 0, 0);
        for part in parts {
            n_items += part.len();
            for item in *part {
                match item {
                    Item::Party { statements, .. } => {
                        n_stmts += statements.len();
                        n_parties += 1;
                    }
                    Item::Topic { .. } => n_topics += 1,
                    _ => {}
                }
            }
        }
        self.model.statements.reserve(n_stmts + n_items);
        // Statement texts are cleaned slices of the files (conditions
        // repeat part of theirs): about the files' size. Pages of the
        // reserve that are never written cost no memory.
        self.model.reserve_text(text);
        // Tables sized for the declarations (a party is declared once
        // or twice): big tables cost cache misses.
        self.model.topics.reserve(n_topics);
        self.topic_ids.reserve(n_topics);
        self.party_ids.reserve(n_parties / 2);
        self.plain_atoms.reserve(n_topics);
        self.model.atoms.reserve(n_topics);
        self.model.atom_spans.reserve(n_topics);
        for part in parts {
            for item in *part {
                match item {
                    Item::Party { name, label, .. } => {
                        let id = match self.party_ids.get(&name.name) {
                            Some(&id) => {
                                self.declared_now_party(id, name.span);
                                id
                            }
                            None => {
                                let id = PartyId(idx(self.model.parties.len()));
                                self.model.parties.push(Party {
                                    name: name.name.clone(),
                                    label: None,
                                    span: name.span,
                                });
                                self.party_label_span.push(None);
                                self.party_declared.push(true);
                                self.party_order.push(id);
                                self.party_used.push(false);
                                self.party_ids.insert(name.name.clone(), id);
                                id
                            }
                        };
                        let Some(label) = label else { continue };
                        let i = id.0 as usize;
                        let (Some(party), Some(first)) = (
                            self.model.parties.get_mut(i),
                            self.party_label_span.get_mut(i),
                        ) else {
                            continue;
                        };
                        match (&party.label, *first) {
                            (None, _) => {
                                party.label = Some(label.value.clone());
                                *first = Some(label.span);
                            }
                            (Some(old), Some(old_span)) if *old != label.value => {
                                let d = Diagnostic::new(
                                    Kind::ConflictingLabel,
                                    label.span,
                                    format!(
                                        "party `{}` is declared with two different labels",
                                        name.name
                                    ),
                                )
                                .with_span_label("second label")
                                .with_label(old_span, "first label")
                                .with_help(
                                    "use one label for a party, or none on later declarations",
                                );
                                self.diags.push(d);
                            }
                            _ => {}
                        }
                    }
                    Item::Topic { name, label, span } => {
                        match self.topic_ids.get(&name.name).copied() {
                            None => {
                                let id = TopicId(idx(self.model.topics.len()));
                                self.model.topics.push(Topic {
                                    name: name.name.clone(),
                                    label: label.as_ref().map(|l| l.value.clone()),
                                    span: name.span,
                                    declared: true,
                                });
                                self.topic_used.push(false);
                                self.topic_ids.insert(name.name.clone(), id);
                                self.topic_label_span.push(label.as_ref().map(|l| l.span));
                                self.topic_order.push(id);
                            }
                            Some(id) => {
                                let Some(topic) = self.model.topics.get_mut(id.0 as usize) else {
                                    continue;
                                };
                                if !topic.declared {
                                    // used earlier in this piece
                                    topic.declared = true;
                                    topic.span = name.span;
                                    self.topic_order.push(id);
                                }
                                let Some(label) = label else { continue };
                                match &topic.label {
                                    None => {
                                        topic.label = Some(label.value.clone());
                                        if let Some(first) =
                                            self.topic_label_span.get_mut(id.0 as usize)
                                        {
                                            *first = Some(label.span);
                                        }
                                    }
                                    Some(old) if *old != label.value => {
                                        let first = self
                                            .topic_label_span
                                            .get(id.0 as usize)
                                            .copied()
                                            .flatten()
                                            .unwrap_or(*span);
                                        self.diags.push(
                                            Diagnostic::new(
                                                Kind::ConflictingLabel,
                                                label.span,
                                                format!(
                                                    "topic `{}` is declared with two different labels",
                                                    name.name
                                                ),
                                            )
                                            .with_span_label("second label")
                                            .with_label(first, "first label"),
                                        );
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// A declaration of party `id`, known already: in a piece, it may have
    /// been used before (provisional), and is declared from here.
    fn declared_now_party(&mut self, id: PartyId, span: Span) {
        let i = id.0 as usize;
        if self.party_declared.get(i) == Some(&false) {
            if let Some(d) = self.party_declared.get_mut(i) {
                *d = true;
            }
            if let Some(p) = self.model.parties.get_mut(i) {
                p.span = span;
            }
            self.party_order.push(id);
        }
    }

    // ---- names --------------------------------------------------------

    fn suggest<'n>(name: &str, candidates: impl Iterator<Item = &'n str>) -> Option<String> {
        let mut best: Option<(f64, &str)> = None;
        for c in candidates {
            let score = strsim::jaro_winkler(name, c);
            let close = score >= 0.8 || strsim::levenshtein(name, c) <= 2.min(name.len() / 2 + 1);
            if close && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, c));
            }
        }
        best.map(|(_, c)| c.to_owned())
    }

    fn party(&mut self, ident: &ast::Ident) -> Result<PartyId, Failed> {
        if let Some(&id) = self.party_ids.get(&ident.name) {
            if let Some(u) = self.party_used.get_mut(id.0 as usize) {
                *u = true;
            }
            return Ok(id);
        }
        if self.piece {
            let id = PartyId(idx(self.model.parties.len()));
            self.model.parties.push(Party {
                name: ident.name.clone(),
                label: None,
                span: ident.span,
            });
            self.party_used.push(true);
            self.party_declared.push(false);
            self.party_label_span.push(None);
            self.party_ids.insert(ident.name.clone(), id);
            return Ok(id);
        }
        let mut d = Diagnostic::new(
            Kind::UnknownParty,
            ident.span,
            format!("unknown party `{}`", ident.name),
        )
        .with_span_label("not declared");
        let names: Vec<&str> = self.model.parties.iter().map(|p| p.name.as_str()).collect();
        if let Some(s) = Self::suggest(&ident.name, names.into_iter()) {
            d = d.with_help(format!("a party with a similar name exists: `{s}`"));
        } else {
            d = d.with_help(format!("declare it: `party {}`", ident.name));
        }
        self.diags.push(d);
        Err(Failed)
    }

    fn topic(&mut self, ident: &ast::Ident) -> TopicId {
        // Statements mention the topics of their dispute again and again:
        // a small table of recent lookups, indexed by the name's hash,
        // answers most of them from the cache instead of the big map.
        let slot = (self.topic_ids.hasher().hash_one(&ident.name) as usize) % RECENT;
        if let Some(Some((name, id))) = self.recent_topics.get(slot) {
            if *name == ident.name {
                return *id;
            }
        }
        if let Some(&id) = self.topic_ids.get(&ident.name) {
            if let Some(r) = self.recent_topics.get_mut(slot) {
                *r = Some((ident.name.clone(), id));
            }
            if let Some(u) = self.topic_used.get_mut(id.0 as usize) {
                *u = true;
            }
            return id;
        }
        let id = TopicId(idx(self.model.topics.len()));
        self.model.topics.push(Topic {
            name: ident.name.clone(),
            label: None,
            span: ident.span,
            declared: false,
        });
        self.topic_used.push(true);
        self.topic_label_span.push(None);
        self.topic_ids.insert(ident.name.clone(), id);
        if self.piece {
            return id;
        }
        // The first use of an undeclared name (later uses find it above).
        let mut d = Diagnostic::new(
            Kind::UndeclaredTopic,
            ident.span,
            format!("topic `{}` is used but never declared", ident.name),
        )
        .with_span_label("undeclared topic");
        let declared: Vec<&str> = self
            .model
            .topics
            .iter()
            .filter(|t| t.declared)
            .map(|t| t.name.as_str())
            .collect();
        if let Some(s) = Self::suggest(&ident.name, declared.into_iter()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else if self.party_ids.contains_key(&ident.name) {
            d = d.with_help(format!(
                "`{}` is a party, not a topic; write `TOPIC@{}` for a topic borne by it",
                ident.name, ident.name
            ));
        } else {
            d = d.with_help(format!("declare it: `topic {} \"…\"`", ident.name));
        }
        self.diags.push(d);
        id
    }

    fn atom(&mut self, topic: TopicId, party: Option<PartyId>, span: Span) -> AtomId {
        if party.is_some() {
            self.atom(topic, None, span);
        }
        let atom = Atom { topic, party };
        // plain atoms by topic (no hashing); `X@P` atoms in the map
        let t = topic.0 as usize;
        if party.is_none() {
            if let Some(&Some(id)) = self.plain_atoms.get(t) {
                return id;
            }
        } else if let Some(&id) = self.atom_ids.get(&atom) {
            return id;
        }
        let id = AtomId(idx(self.model.atoms.len()));
        self.model.atoms.push(atom);
        self.model.atom_spans.push(span);
        if party.is_none() {
            if self.plain_atoms.len() <= t {
                self.plain_atoms.resize(t + 1, None);
            }
            if let Some(slot) = self.plain_atoms.get_mut(t) {
                *slot = Some(id);
            }
        } else {
            self.atom_ids.insert(atom, id);
        }
        id
    }

    /// Resolves a formula; iterative over `and`/`or` width, recursive only
    /// over nesting depth (bounded by the parser's nesting limit).
    fn formula(&mut self, f: &ast::Formula) -> Result<Expr, Failed> {
        Ok(match &f.kind {
            FormulaKind::Atom { topic, party } => {
                let t = self.topic(topic);
                let p = match party {
                    Some(p) => Some(self.party(p)?),
                    None => None,
                };
                Expr::Atom(self.atom(t, p, f.span))
            }
            FormulaKind::Not(a) => Expr::Not(Box::new(self.formula(a)?)),
            FormulaKind::And(xs) => Expr::And(self.formulas(xs)?),
            FormulaKind::Or(xs) => Expr::Or(self.formulas(xs)?),
            FormulaKind::Implies(a, b) => {
                let a = self.formula(a);
                let b = self.formula(b);
                Expr::Implies(Box::new(a?), Box::new(b?))
            }
            FormulaKind::Iff(a, b) => {
                let a = self.formula(a);
                let b = self.formula(b);
                Expr::Iff(Box::new(a?), Box::new(b?))
            }
        })
    }

    fn formulas(&mut self, xs: &[ast::Formula]) -> Result<Vec<Expr>, Failed> {
        let mut out = Vec::with_capacity(xs.len());
        let mut failed = false;
        for x in xs {
            match self.formula(x) {
                Ok(e) => out.push(e),
                Err(Failed) => failed = true,
            }
        }
        if failed { Err(Failed) } else { Ok(out) }
    }

    fn label(&mut self, label: Option<&ast::Ident>) -> Result<Option<String>, Failed> {
        let Some(label) = label else { return Ok(None) };
        if let Some(&first) = self.labels.get(&label.name) {
            self.diags.push(
                Diagnostic::new(
                    Kind::DuplicateLabel,
                    label.span,
                    format!("the label `{}` is used twice", label.name),
                )
                .with_span_label("second use")
                .with_label(first, "first used here")
                .with_help("labels name statements and must be unique in the model"),
            );
            return Err(Failed);
        }
        self.labels.insert(label.name.clone(), label.span);
        Ok(Some(label.name.as_str().to_owned()))
    }

    // ---- statements ---------------------------------------------------

    fn statements(&mut self, parts: &[&[Item]]) {
        for part in parts {
            for item in *part {
                match item {
                    Item::Party {
                        name, statements, ..
                    } => {
                        let Some(&party) = self.party_ids.get(&name.name) else {
                            continue;
                        };
                        if !statements.is_empty() {
                            if let Some(u) = self.party_used.get_mut(party.0 as usize) {
                                *u = true;
                            }
                        }
                        for st in statements {
                            self.statement(party, st);
                        }
                    }
                    Item::Assume {
                        label,
                        formula,
                        quote,
                        span,
                    } => {
                        let label = self.label(label.as_ref());
                        let f = self.formula(formula);
                        let (Ok(label), Ok(f)) = (label, f) else {
                            continue;
                        };
                        let body = formula.span;
                        let text = self.model_text(body);
                        self.push(Statement {
                            id: StmtId(0),
                            party: None,
                            kind: StmtKind::Assume,
                            formula: f,
                            condition_span: None,
                            condition_text: None,
                            label,
                            quote: quote.as_ref().map(|q| q.value.as_str().to_owned()),
                            // The statement without its quote, which is
                            // shown separately.
                            span: Span {
                                end: body.end,
                                ..*span
                            },
                            text,
                        });
                    }
                    Item::Scenario {
                        name,
                        label,
                        formulas,
                        span,
                    } => {
                        if let Some(&first) = self.scenario_ids.get(&name.name) {
                            let first_span = self
                                .model
                                .scenarios
                                .get(first.0 as usize)
                                .map_or(*span, |s| s.span);
                            self.diags.push(
                                Diagnostic::new(
                                    Kind::DuplicateScenario,
                                    name.span,
                                    format!("scenario `{}` is declared twice", name.name),
                                )
                                .with_label(first_span, "first declared here"),
                            );
                            continue;
                        }
                        let Ok(fs) = self.formulas(formulas) else {
                            continue;
                        };
                        let text = formulas
                            .iter()
                            .map(|f| self.text(f.span))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let id = ScenarioId(idx(self.model.scenarios.len()));
                        self.scenario_ids.insert(name.name.clone(), id);
                        self.model.scenarios.push(Scenario {
                            name: name.name.as_str().to_owned(),
                            label: label.as_ref().map(|l| l.value.as_str().to_owned()),
                            formulas: fs,
                            span: *span,
                            text,
                        });
                    }
                    Item::Expect(_) => self.has_expect = true,
                    _ => {}
                }
            }
        }
    }

    fn push(&mut self, mut st: Statement) {
        st.id = StmtId(idx(self.model.statements.len()));
        self.model.statements.push(st);
    }

    fn statement(&mut self, party: PartyId, st: &ast::Statement) {
        let label = self.label(st.label.as_deref());
        let resolved = self.stance(&st.stance);
        let (Ok(label), Ok((kind, formula, cond))) = (label, resolved) else {
            return;
        };
        let body = st.body_span;
        let (text, plain) = self.model_text_plain(body);
        // The condition is part of the body: when the body's text is its
        // source unchanged, so is the condition's (it starts and ends at a
        // token), and it is read from the body's text instead of copied.
        let condition_text = cond.map(|span| {
            let shared = (plain && span.file == body.file && span.start >= body.start)
                .then(|| {
                    let offset = (span.start - body.start) as usize;
                    let len = span.end.saturating_sub(span.start) as usize;
                    self.model.sub_text(text, offset, len)
                })
                .flatten();
            shared.unwrap_or_else(|| self.model_text(span))
        });
        let condition_span = cond;
        self.push(Statement {
            id: StmtId(0),
            party: Some(party),
            kind,
            formula,
            condition_span,
            condition_text,
            label,
            quote: st.quote.as_ref().map(|q| q.value.as_str().to_owned()),
            // Label and body, without the quote (shown separately).
            span: st
                .label
                .as_ref()
                .map_or(st.body_span, |l| l.span.to(st.body_span)),
            text,
        });
    }

    /// The kind, the formula and the span of the condition (the formula is
    /// then `C -> …`) of a stance.
    fn stance(&mut self, s: &Stance) -> Result<(StmtKind, Expr, Option<Span>), Failed> {
        let conditional = |this: &mut Self,
                           kind: StmtKind,
                           f: &ast::Formula,
                           when: &Option<ast::Formula>,
                           negate: bool|
         -> Result<(StmtKind, Expr, Option<Span>), Failed> {
            let body = this.formula(f);
            let cond = match when {
                Some(c) => Some((this.formula(c)?, c.span)),
                None => None,
            };
            let mut body = body?;
            if negate {
                body = Expr::Not(Box::new(body));
            }
            Ok(match cond {
                Some((c, span)) => (kind, Expr::Implies(Box::new(c), Box::new(body)), Some(span)),
                None => (kind, body, None),
            })
        };
        match s {
            Stance::Requires { formula, when } => {
                conditional(self, StmtKind::Requires, formula, when, false)
            }
            Stance::Rejects { formula, when } => {
                conditional(self, StmtKind::Rejects, formula, when, true)
            }
            Stance::Prefers { formula, when } => {
                conditional(self, StmtKind::Prefers, formula, when, false)
            }
            Stance::Avoids { formula, when } => {
                conditional(self, StmtKind::Avoids, formula, when, true)
            }
            Stance::Claims { formula } => Ok((StmtKind::Claims, self.formula(formula)?, None)),
            Stance::NoWithout {
                antecedent,
                consequent,
            } => {
                let a = self.formula(antecedent);
                let b = self.formula(consequent);
                let (a, b) = (a?, b?);
                Ok((
                    StmtKind::NoWithout,
                    Expr::Implies(Box::new(a), Box::new(b)),
                    Some(antecedent.span),
                ))
            }
            Stance::Duty { bearer, topic } => {
                let q = self.party(bearer);
                let t = self.topic(topic);
                let q = q?;
                let plain = self.atom(t, None, topic.span);
                let span = topic.span.to(bearer.span);
                let borne = self.atom(t, Some(q), span);
                Ok((
                    StmtKind::Duty,
                    Expr::Implies(Box::new(Expr::Atom(plain)), Box::new(Expr::Atom(borne))),
                    None,
                ))
            }
        }
    }

    // ---- expectations -------------------------------------------------

    fn parties(&mut self, xs: &[ast::Ident]) -> Result<Vec<PartyId>, Failed> {
        let mut out = Vec::new();
        let mut failed = false;
        for x in xs {
            match self.party(x) {
                Ok(p) => out.push(p),
                Err(Failed) => failed = true,
            }
        }
        if failed { Err(Failed) } else { Ok(out) }
    }

    fn scenario(&mut self, ident: &ast::Ident) -> Result<ScenarioId, Failed> {
        if let Some(&id) = self.scenario_ids.get(&ident.name) {
            return Ok(id);
        }
        let mut d = Diagnostic::new(
            Kind::UnknownScenario,
            ident.span,
            format!("unknown scenario `{}`", ident.name),
        )
        .with_span_label("no scenario of this name");
        let names: Vec<&str> = self
            .model
            .scenarios
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        if let Some(s) = Self::suggest(&ident.name, names.into_iter()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        self.diags.push(d);
        Err(Failed)
    }

    fn expectations(&mut self, parts: &[&[Item]]) {
        for part in parts {
            for item in *part {
                let Item::Expect(e) = item else { continue };
                let kind = match &e.kind {
                    ast::ExpectKind::Consistent(ps) => self.parties(ps).map(ExpectKind::Consistent),
                    ast::ExpectKind::Conflict(ps) => self.parties(ps).map(|mut ps| {
                        ps.sort();
                        ps.dedup();
                        ExpectKind::Conflict(ps)
                    }),
                    ast::ExpectKind::Feasible { scenario, parties } => {
                        let s = self.scenario(scenario);
                        let ps = match parties {
                            Some(ps) => self.parties(ps).map(Some),
                            None => Ok(None),
                        };
                        s.and_then(|s| ps.map(|ps| ExpectKind::Feasible(s, ps)))
                    }
                    ast::ExpectKind::Infeasible { scenario, parties } => {
                        let s = self.scenario(scenario);
                        let ps = match parties {
                            Some(ps) => self.parties(ps).map(Some),
                            None => Ok(None),
                        };
                        s.and_then(|s| ps.map(|ps| ExpectKind::Infeasible(s, ps)))
                    }
                    ast::ExpectKind::Impossible(f) => self.formula(f).map(ExpectKind::Impossible),
                };
                let Ok(kind) = kind else { continue };
                self.model.expectations.push(Expectation {
                    kind,
                    span: e.span,
                    text: self.text(e.span),
                });
            }
        }
    }

    // ---- pieces ---------------------------------------------------------

    /// Room in the model for the names of `pieces` (it is sized for this
    /// piece's).
    fn reserve_for(&mut self, pieces: &[Resolver]) {
        let sum = |n: fn(&Resolver) -> usize| pieces.iter().map(n).sum::<usize>();
        let parties = sum(|r| r.model.parties.len());
        let topics = sum(|r| r.model.topics.len());
        let atoms = sum(|r| r.model.atoms.len());
        self.model.parties.reserve(parties);
        self.party_used.reserve(parties);
        self.model.topics.reserve(topics);
        self.topic_used.reserve(topics);
        self.plain_atoms.reserve(topics);
        self.model.atoms.reserve(atoms);
        self.model.atom_spans.reserve(atoms);
        self.atom_ids.reserve(sum(|r| r.atom_ids.len()));
        self.labels.reserve(sum(|r| r.labels.len()));
    }

    /// The parties and topics `piece` declares, put into `self` after those
    /// of the pieces before it (`before`, numbered by `numbers`): the
    /// numbers of its parties and topics in `self`, with the names it uses
    /// undeclared left for later. `None` when a name is labelled
    /// differently in two pieces.
    fn declarations_of(
        &mut self,
        piece: &mut Resolver,
        before: &[Resolver],
        numbers: &[Numbers],
    ) -> Option<Numbers> {
        let party_ids = &self.party_ids;
        let (parties, undeclared_parties) = number_declarations(
            std::mem::take(&mut piece.model.parties),
            &piece.party_order,
            &piece.party_used,
            &mut self.model.parties,
            &mut self.party_used,
            |name| {
                let tables = before.iter().map(|p| &p.party_ids);
                declared(
                    party_ids,
                    tables.zip(numbers.iter().map(|n| &n.parties[..])),
                    name,
                )
            },
        )?;
        let topic_ids = &self.topic_ids;
        let (topics, undeclared_topics) = number_declarations(
            std::mem::take(&mut piece.model.topics),
            &piece.topic_order,
            &piece.topic_used,
            &mut self.model.topics,
            &mut self.topic_used,
            |name| {
                let tables = before.iter().map(|p| &p.topic_ids);
                declared(
                    topic_ids,
                    tables.zip(numbers.iter().map(|n| &n.topics[..])),
                    name,
                )
            },
        )?;
        let n = Numbers {
            parties,
            topics,
            undeclared_parties,
            undeclared_topics,
        };
        Some(n)
    }

    /// Every party and topic of the model in the name tables (after the
    /// pieces are put together, for the expectations).
    fn index_names(&mut self) {
        for (i, p) in self.model.parties.iter().enumerate() {
            self.party_ids
                .entry(p.name.clone())
                .or_insert(PartyId(idx(i)));
        }
        for (i, t) in self.model.topics.iter().enumerate() {
            self.topic_ids
                .entry(t.name.clone())
                .or_insert(TopicId(idx(i)));
        }
    }

    /// Puts the rest of `piece`, numbered by `numbers`, into `self`: its
    /// atoms, labels and scenarios renumbered, its statements renumbered
    /// onto the end of `statements`. `None` when the pieces disagree (a
    /// label or scenario name used twice): the model must then be
    /// resolved in one piece.
    fn absorb(
        &mut self,
        piece: &mut Resolver,
        numbers: Numbers,
        statements: &mut Vec<Statement>,
    ) -> Option<()> {
        let Numbers {
            parties, topics, ..
        } = numbers;
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

    // ---- unused declarations -------------------------------------------

    fn unused(&mut self) {
        for (i, p) in self.model.parties.iter().enumerate() {
            if !self.party_used.get(i).copied().unwrap_or(true) {
                self.diags.push(
                    Diagnostic::new(
                        Kind::UnusedDeclaration,
                        p.span,
                        format!(
                            "party `{}` is declared but has no statement and is never used",
                            p.name
                        ),
                    )
                    .with_span_label("unused party")
                    .with_help("give it statements, or remove the declaration"),
                );
            }
        }
        for (i, t) in self.model.topics.iter().enumerate() {
            if t.declared && !self.topic_used.get(i).copied().unwrap_or(true) {
                self.diags.push(
                    Diagnostic::new(
                        Kind::UnusedDeclaration,
                        t.span,
                        format!("topic `{}` is declared but never used", t.name),
                    )
                    .with_span_label("unused topic")
                    .with_help("use it in a statement, or remove the declaration"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_text_drops_comments_and_line_breaks() {
        assert_eq!(
            clean_text("no a without (b  # why\n   or c)"),
            "no a without (b or c)"
        );
        assert_eq!(clean_text("requires x"), "requires x");
        for (raw, want) in [
            ("a  b", "a b"),
            (" a", "a"),
            ("a ", "a"),
            ("a\tb", "a b"),
            ("a\u{a0}b", "a b"),
            ("a # c", "a"),
            ("a\r\n b", "a b"),
            ("a\u{b}b", "a b"),
            ("", ""),
        ] {
            assert_eq!(clean_text(raw), want, "{raw:?}");
        }
    }

    /// The fast path of `clean_into` gives what the slow one gives, on
    /// every string of up to five characters from an alphabet of the
    /// cases (space, tab, line breaks, comment, control, non-ASCII, a
    /// Unicode space, DEL), and on the shorter ones at every position of
    /// texts long enough for the eight-byte steps.
    #[test]
    fn plain_texts_clean_to_themselves() {
        let alphabet = [
            'a', ' ', '\t', '\n', '\r', '#', '\u{1}', '\u{b}', 'é', '\u{a0}', '\u{7f}',
        ];
        let mut words = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = words
                .iter()
                .filter(|w| w.chars().count() == words.last().map_or(0, |l| l.chars().count()))
                .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
                .collect();
            words.extend(longer);
        }
        assert!(words.len() > 100_000);
        let check = |w: &str| {
            let mut slow = String::new();
            clean_slowly(w, &mut slow);
            assert_eq!(clean_text(w), slow, "{w:?}");
        };
        for w in &words {
            check(w);
        }
        // the eight-byte steps: every short word at every offset of a
        // longer text, at its start, at its end and inside
        for w in words.iter().filter(|w| w.chars().count() <= 3) {
            for at in 0..=17 {
                let (head, tail) = "abcdefgh ijklmnop".split_at(at);
                check(&format!("{head}{w}{tail}"));
                check(&format!("{w}{}", "q".repeat(at)));
                check(&format!("{}{w}", "q r".repeat(at)));
            }
        }
    }

    /// A condition's text is its source cleaned, whether it is read from
    /// its statement's text (a plain body) or written apart.
    #[test]
    fn condition_texts_are_their_sources_cleaned() {
        let text = "topic a \"A\"\ntopic b \"B\"\ntopic c \"C\"\nparty p {\n\
                    requires a when b and c\n\
                    requires a  when  b # two spaces: not plain\n\
                    no (a or\n   b) without c\n\
                    rejects a when (b\n  and c)\n\
                    avoids c when a\n\
                    prefers b\twhen c\n\
                    no b and c without a\n}\n";
        let (model, _) = resolve_text(text);
        let conditions: Vec<&str> = model
            .statements
            .iter()
            .filter_map(|st| {
                let span = st.condition_span?;
                assert_eq!(
                    st.condition_text.map(|t| model.text(t)),
                    Some(clean_text(&text[span.range()]).as_str())
                );
                Some(model.text(st.condition_text?))
            })
            .collect();
        assert_eq!(
            conditions,
            ["b and c", "b", "a or b", "b and c", "a", "c", "b and c"]
        );
    }

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

    /// Parses `text` in pieces cut at `cuts` (item lines) on `threads`
    /// threads, resolving each piece right after it is parsed as
    /// [`parse_and_resolve`] does, and resolves it in one piece: the same
    /// model and diagnostics when the pieces give a model. Whether they did.
    fn parsed_pieces_agree(text: &str, cuts: &[usize], threads: usize) -> bool {
        let mut sources = SourceMap::new();
        let file = sources.add("p.stance", text);
        let (tree, _) = crate::syntax::parse(file, text);
        let whole = resolve_whole(&sources, &[tree.items.as_slice()], text.len());
        let start = piece_start(&sources, text, threads);
        let Some((items, states)) =
            crate::syntax::parse_pieces(file, text, cuts, threads, start, piece_each)
        else {
            return false;
        };
        assert!(items == tree.items);
        let Some(pieces) = states.into_iter().collect::<Option<Vec<_>>>() else {
            return false;
        };
        match merge(pieces, &[items.as_slice()]) {
            Some(done) => {
                assert_eq!(done.1, whole.1, "cuts {cuts:?}");
                assert!(done.0 == whole.0, "cuts {cuts:?} of {text}");
                true
            }
            None => false,
        }
    }

    /// The start of each line of `text` that starts with an item keyword
    /// (where a file may be cut into pieces).
    fn item_lines(text: &str) -> Vec<usize> {
        let keywords = [
            "party ",
            "topic ",
            "assume ",
            "scenario ",
            "expect ",
            "include ",
        ];
        let mut at = 0;
        let mut out = Vec::new();
        for line in text.split_inclusive('\n') {
            if at > 0 && keywords.iter().any(|k| line.starts_with(k)) {
                out.push(at);
            }
            at += line.len();
        }
        out
    }

    /// Pieces resolved while they are parsed, several to a thread (names
    /// used in a piece and declared in a later piece of the same thread,
    /// or of another), resolve as one piece: generated models and rule
    /// files cut at every item line, and random files cut at random ones.
    #[test]
    fn parsed_pieces_resolve_as_one() {
        let mut texts = vec![
            crate::generate::disputes(6, 3).text,
            crate::generate::scenarios(6, 5).text,
            crate::generate::chain(30).text,
        ];
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
                texts.push(std::fs::read_to_string(f).unwrap());
            }
        }
        let mut agreed = 0;
        for (k, text) in texts.iter().enumerate() {
            let every = item_lines(text);
            for threads in 1..=3 {
                let ok = parsed_pieces_agree(text, &every, threads);
                agreed += usize::from(ok);
                if k < 3 {
                    assert!(ok, "generated text {k}, {threads} threads");
                }
            }
        }
        assert!(agreed > 20, "{agreed}");
        let mut rng = crate::generate::Rng::new(29);
        let (mut tried, mut agreed) = (0, 0);
        for _ in 0..2000 {
            let text = random_file(&mut rng);
            let cuts: Vec<usize> = item_lines(&text)
                .into_iter()
                .filter(|_| rng.below(2) == 0)
                .collect();
            if cuts.is_empty() {
                continue;
            }
            tried += 1;
            agreed += usize::from(parsed_pieces_agree(&text, &cuts, 1 + rng.below(3)));
        }
        assert!(agreed * 5 > tried, "{agreed} of {tried}");
    }

    /// A file of over 1 MiB is resolved while it is parsed, as in one
    /// piece; not when it includes another file.
    #[test]
    fn big_files_resolve_while_parsed() {
        let text = crate::generate::disputes(1500, 4).text;
        let mut sources = SourceMap::new();
        let file = sources.add("big.stance", text.as_str());
        let (tree, errors, model) = parse_and_resolve(&sources, file, &text);
        assert!(errors.is_empty());
        let whole = resolve_whole(&sources, &[tree.items.as_slice()], text.len());
        assert!(model.is_some_and(|m| m == whole));
        let with_include = format!("include \"other.stance\"\n{text}");
        let file = sources.add("inc.stance", with_include.as_str());
        assert!(parse_and_resolve(&sources, file, &with_include).2.is_none());
    }

    /// A model of over 1 MiB is resolved in pieces, as in one piece.
    #[test]
    fn big_models_resolve_in_pieces() {
        let text = crate::generate::disputes(1500, 2).text;
        assert!(text.len() > PARALLEL_FROM);
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

    fn resolve_text(text: &str) -> (Model, Vec<Diagnostic>) {
        let mut sources = SourceMap::new();
        let file = sources.add("t.stance", text);
        let (ast, errors) = crate::syntax::parse(file, text);
        assert!(errors.is_empty(), "{errors:?}");
        resolve(&sources, &[(file, &ast)])
    }

    /// Many topics, each used several times (so the recent-lookup cache
    /// both hits and evicts): every use resolves to its own topic and
    /// atom, in order of first use, and every declared topic counts as
    /// used.
    #[test]
    fn recent_lookups_resolve_like_the_table() {
        let n = 3 * RECENT + 7;
        let mut text = String::from("party p\n");
        for i in 0..n {
            text.push_str(&format!("topic topic_with_a_long_name_{i} \"t{i}\"\n"));
        }
        text.push_str("party p {\n");
        for i in 0..n {
            let j = (i * 7) % n;
            text.push_str(&format!(
                "  requires topic_with_a_long_name_{i} when topic_with_a_long_name_{j}\n  prefers topic_with_a_long_name_{i}@p\n"
            ));
        }
        text.push_str("}\n");
        let (model, diags) = resolve_text(&text);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(model.topics.len(), n);
        for (k, st) in model.statements.iter().enumerate() {
            let i = k / 2;
            let want = format!("topic_with_a_long_name_{i}");
            let atoms = match &st.formula {
                Expr::Implies(c, f) => vec![
                    (&**f, want.clone()),
                    (&**c, format!("topic_with_a_long_name_{}", (i * 7) % n)),
                ],
                f => vec![(f, format!("{want}@p"))],
            };
            for (e, name) in atoms {
                let Expr::Atom(a) = e else { panic!("{e:?}") };
                assert_eq!(model.atom_name(*a), name);
            }
        }
        // every `X@P` atom has its plain atom, and no atom twice
        let mut seen = std::collections::HashSet::new();
        assert!(model.atoms.iter().all(|a| seen.insert(*a)));
        assert!(model.atoms.iter().all(|a| {
            a.party.is_none()
                || model
                    .atoms
                    .iter()
                    .any(|b| b.topic == a.topic && b.party.is_none())
        }));
    }
}
