//! Name resolution: the syntax trees of one model (a root file and its
//! includes) → a [`Model`] plus diagnostics.
//!
//! `undeclared-party` (a party block whose name is likely a typo) is
//! decided from the items alone, after resolution (`party_typos`).
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

mod party_typos;
mod pieces;
pub(crate) use pieces::parse_and_resolve;
use pieces::{resolve_in_pieces, split};

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
    r.diags.extend(party_typos::undeclared_parties(parts));
    (r.model, r.diags)
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
    /// Resolving a piece of the model ([`pieces::merge`]): a party or topic that is
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
        crate::suggest::closest(name, candidates).map(str::to_owned)
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
                            weight: 1,
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
            weight: st.weight.map_or(1, |w| w.get()),
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
