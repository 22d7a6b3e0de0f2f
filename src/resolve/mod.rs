//! Name resolution: the syntax trees of one model (a root file and its
//! includes) → a [`Model`] plus diagnostics.
//!
//! The parts: this file resolves a model in one piece ([`resolve`]);
//! `pieces` resolves a big one in pieces on several threads and puts
//! them together; `names` is the table of parties and of topics (one
//! generic table) and the diagnostics of unknown names;
//! `clean` makes the statement texts shown in messages; `party_typos`
//! decides `undeclared-party` (a party block whose name is likely a
//! typo) from the items alone, after resolution. Resolution is given
//! syntax trees; it neither reads nor parses files.
//!
//! Declarations are order-independent: all `party`, `topic` and `scenario`
//! items of the model are collected first, then statements are resolved.
//! Errors (unknown party, duplicate label, conflicting declaration labels)
//! drop only the statement concerned; everything else is still resolved,
//! so a file with errors is checked as far as it can be.

use crate::ast::{self, FormulaKind, Item, Name, Stance};
use crate::date::Date;
use crate::diagnostic::{Diagnostic, Fix, Kind};
use crate::hash::{IdMap, NameMap, id_map, name_map};
use crate::model::{
    Atom, AtomId, ExpectKind, Expectation, Expr, Model, Party, PartyId, Scenario, ScenarioId,
    Statement, StmtId, StmtKind, TextRef, Topic, TopicId,
};
use crate::source::{FileId, SourceMap, Span};
use clean::{clean_into, clean_text};
use names::{Names, unknown};
use std::collections::BTreeMap;

mod clean;
mod names;
mod party_typos;
mod pieces;
use pieces::{resolve_in_pieces, split};

/// A resolved model with the diagnostics of its resolution.
pub type Resolved = (Model, Vec<Diagnostic>);

/// Resolves the files of one model, in load order.
///
/// Big models (from 1 MiB to 16 MiB of text) are resolved in pieces, one
/// per available core, and put together (`resolve_in_pieces`); the result is
/// exactly that of resolving in one piece, whatever the number of threads.
pub fn resolve(sources: &SourceMap, files: &[(FileId, &ast::File)]) -> Resolved {
    let parts: Vec<&[Item]> = files.iter().map(|(_, f)| f.items.as_slice()).collect();
    let bytes: usize = files
        .iter()
        .filter_map(|(f, _)| sources.get(*f))
        .map(|f| f.text.len())
        .sum();
    if crate::parallel::in_pieces(bytes) && bytes <= PARALLEL_UNTIL {
        let pieces = crate::parallel::threads_for(bytes);
        if let Some(done) = resolve_in_pieces(sources, &split(&parts, pieces), bytes) {
            return done;
        }
    }
    resolve_whole(sources, &parts, bytes)
}

/// Models are resolved in pieces up to this many bytes of text (from
/// `crate::parallel::in_pieces` on): the pieces' tables and statements are held twice
/// while they are put together (the memory the allocator frees is not
/// given back at once), which on a model of 1M statements would take the
/// peak over 1 GiB. Bigger models are resolved in one piece.
const PARALLEL_UNTIL: usize = 16 << 20;

/// Resolves `parts` (runs of items, in order) in one piece; `bytes`: the
/// size of their text.
fn resolve_whole(sources: &SourceMap, parts: &[&[Item]], bytes: usize) -> Resolved {
    let mut r = Resolver::new(sources);
    r.declare(parts, bytes);
    r.statements(parts);
    r.expectations(parts);
    r.unused();
    r.unused_fixes(parts);
    r.diags.extend(party_typos::undeclared_parties(parts));
    r.finish()
}

struct Resolver<'a> {
    sources: &'a SourceMap,
    model: Model,
    diags: Vec<Diagnostic>,
    parties: Names<Party>,
    topics: Names<Topic>,
    /// Atoms `X@P`.
    atom_ids: IdMap<Atom, AtomId>,
    /// The plain atom of each topic, by topic id.
    plain_atoms: Vec<Option<AtomId>>,
    scenario_ids: NameMap<Name, ScenarioId>,
    labels: NameMap<Name, Span>,
    /// Whether an `expect` item was seen by [`Resolver::statements`].
    has_expect: bool,
    /// Resolving a piece of the model ([`pieces::merge`]): a party or topic that is
    /// not declared (yet) in the piece is not an error here (another piece
    /// may declare it) but a provisional entry, declared if the piece
    /// declares it later, else looked up when the pieces are put together.
    piece: bool,
    /// By file: the end of its last `topic` item, and the start of its
    /// first item (where a fix declares a topic).
    places: BTreeMap<FileId, (Option<u32>, Option<u32>)>,
}

/// By file: the end of its last `topic` item and the start of its first
/// item ([`Resolver::declare_topic_fix`]).
fn places_of(parts: &[&[Item]]) -> BTreeMap<FileId, (Option<u32>, Option<u32>)> {
    let mut places: BTreeMap<FileId, (Option<u32>, Option<u32>)> = BTreeMap::new();
    for item in parts.iter().flat_map(|p| p.iter()) {
        let span = match item {
            Item::Include { span, .. }
            | Item::Party { span, .. }
            | Item::Topic { span, .. }
            | Item::Assume { span, .. }
            | Item::Scenario { span, .. } => *span,
            Item::Expect(e) => e.span,
        };
        let place = places.entry(span.file).or_default();
        place.1 = Some(place.1.map_or(span.start, |s| s.min(span.start)));
        if let Item::Topic { span, .. } = item {
            place.0 = Some(place.0.map_or(span.end, |e| e.max(span.end)));
        }
    }
    places
}

/// Formula resolution failed (an error was reported).
struct Failed;

fn idx(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'a> Resolver<'a> {
    fn new(sources: &'a SourceMap) -> Resolver<'a> {
        Resolver {
            sources,
            model: Model::default(),
            diags: Vec::new(),
            parties: Names::new(),
            topics: Names::new(),
            atom_ids: id_map(),
            plain_atoms: Vec::new(),
            scenario_ids: name_map(0),
            labels: name_map(0),
            has_expect: false,
            piece: false,
            places: BTreeMap::new(),
        }
    }

    /// The model, its parties and topics in it, with the diagnostics.
    fn finish(self) -> Resolved {
        let mut model = self.model;
        model.parties = self.parties.entries;
        model.topics = self.topics.entries;
        (model, self.diags)
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
        self.topics.reserve(n_topics);
        self.parties.reserve(n_parties / 2);
        self.plain_atoms.reserve(n_topics);
        self.model.atoms.reserve(n_topics);
        self.model.atom_spans.reserve(n_topics);
        self.places = places_of(parts);
        for part in parts {
            for item in *part {
                let conflict = match item {
                    Item::Party { name, label, .. } => self.parties.declare(name, label.as_ref()),
                    Item::Topic { name, label, .. } => self.topics.declare(name, label.as_ref()),
                    _ => None,
                };
                self.diags.extend(conflict);
            }
        }
    }

    // ---- names --------------------------------------------------------

    /// The number of a party named in a statement or an expectation; an
    /// unknown party is an error (in a piece, provisional).
    fn party(&mut self, ident: &ast::Ident) -> Result<PartyId, Failed> {
        if let Some(id) = self.parties.find(&ident.name) {
            return Ok(id);
        }
        if self.piece {
            return Ok(self.parties.add_used(ident));
        }
        self.diags.push(unknown(
            Kind::UnknownParty,
            ident,
            format!("unknown party `{}`", ident.name),
            "not declared",
            self.parties.declared_names(),
            Some(format!("declare it: `party {}`", ident.name)),
        ));
        Err(Failed)
    }

    /// The number of a topic named in a formula; a topic used but never
    /// declared is a warning, at its first use (in a piece, provisional).
    fn topic(&mut self, ident: &ast::Ident) -> TopicId {
        if let Some(id) = self.topics.find(&ident.name) {
            return id;
        }
        let id = self.topics.add_used(ident);
        if self.piece {
            return id;
        }
        let otherwise = if self.parties.get(&ident.name).is_some() {
            format!(
                "`{}` is a party, not a topic; write `TOPIC@{}` for a topic borne by it",
                ident.name, ident.name
            )
        } else {
            format!("declare it: `topic {} \"…\"`", ident.name)
        };
        let is_party = self.parties.get(&ident.name).is_some();
        let mut d = unknown(
            Kind::UndeclaredTopic,
            ident,
            format!("topic `{}` is used but never declared", ident.name),
            "undeclared topic",
            self.topics.declared_names(),
            Some(otherwise),
        );
        if !is_party {
            // Declaring it is safe unless a did-you-mean says it is a typo.
            let safe = d.fixes.is_empty();
            if let Some(fix) = self.declare_topic_fix(ident, safe) {
                d.fixes.push(fix);
            }
        }
        self.diags.push(d);
        id
    }

    /// The fix that declares the topic `ident` (a line `topic NAME`) in the
    /// file that uses it: after its last topic declaration, else before
    /// its first item, else at its top.
    fn declare_topic_fix(&self, ident: &ast::Ident, safe: bool) -> Option<Fix> {
        let file = ident.span.file;
        let text = &self.sources.get(file)?.text;
        let line = format!("topic {}", ident.name);
        let (at, line) = match self.places.get(&file) {
            Some((Some(last), _)) => match crate::fix::after_line(text, *last as usize) {
                (at, true) => (at, format!("\n{line}\n")),
                (at, false) => (at, format!("{line}\n")),
            },
            Some((None, Some(first))) => (
                crate::fix::line_start(text, *first as usize),
                format!("{line}\n"),
            ),
            _ => (0, format!("{line}\n")),
        };
        Some(Fix::one(
            format!("declare the topic `{}`", ident.name),
            safe,
            Span::new(file, at, at),
            line,
        ))
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
        self.each(xs, Self::formula)
    }

    /// `f` of every one of `xs` (each is resolved, so that each reports
    /// its errors); failed when one failed.
    fn each<X, T>(
        &mut self,
        xs: &[X],
        mut f: impl FnMut(&mut Self, &X) -> Result<T, Failed>,
    ) -> Result<Vec<T>, Failed> {
        let mut out = Vec::with_capacity(xs.len());
        let mut failed = false;
        for x in xs {
            match f(self, x) {
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
                        name,
                        statements,
                        as_of,
                        ..
                    } => {
                        let Some(party) = self.parties.get(&name.name) else {
                            continue;
                        };
                        if !statements.is_empty() {
                            self.parties.mark_used(party);
                        }
                        let date = as_of.as_ref().map(|d| d.date);
                        for st in statements {
                            self.statement(party, st, date);
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
                            date: None,
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

    fn statement(&mut self, party: PartyId, st: &ast::Statement, date: Option<Date>) {
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
            date,
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
        self.each(xs, Self::party)
    }

    fn scenario(&mut self, ident: &ast::Ident) -> Result<ScenarioId, Failed> {
        if let Some(&id) = self.scenario_ids.get(&ident.name) {
            return Ok(id);
        }
        self.diags.push(unknown(
            Kind::UnknownScenario,
            ident,
            format!("unknown scenario `{}`", ident.name),
            "no scenario of this name",
            self.model.scenarios.iter().map(|s| s.name.as_str()),
            None,
        ));
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
                    ast::ExpectKind::Feasible { scenario, parties }
                    | ast::ExpectKind::Infeasible { scenario, parties } => {
                        let s = self.scenario(scenario);
                        let ps = match parties {
                            Some(ps) => self.parties(ps).map(Some),
                            None => Ok(None),
                        };
                        let feasible = matches!(e.kind, ast::ExpectKind::Feasible { .. });
                        s.and_then(|s| {
                            ps.map(|ps| match feasible {
                                true => ExpectKind::Feasible(s, ps),
                                false => ExpectKind::Infeasible(s, ps),
                            })
                        })
                    }
                    ast::ExpectKind::Impossible(f) => self.formula(f).map(ExpectKind::Impossible),
                    ast::ExpectKind::Reversal(p) => self
                        .parties(std::slice::from_ref(p))
                        .and_then(|ps| ps.first().copied().ok_or(Failed))
                        .map(ExpectKind::Reversal),
                };
                let Ok(kind) = kind else { continue };
                self.model.expectations.push(Expectation {
                    kind,
                    span: e.span,
                    text: self.text(e.span),
                    as_of: e.as_of.as_ref().map(|d| d.date),
                });
            }
        }
    }

    // ---- unused declarations -------------------------------------------

    fn unused(&mut self) {
        self.diags.extend(self.parties.unused());
        self.diags.extend(self.topics.unused());
    }

    /// Gives each `unused-declaration` the fix that removes its line,
    /// when the declaration is alone on it (a `topic` item, or a `party`
    /// item without statements): safe, nothing uses the name.
    fn unused_fixes(&mut self, parts: &[&[Item]]) {
        let mut decls: BTreeMap<(FileId, u32, u32), Span> = BTreeMap::new();
        for item in parts.iter().flat_map(|p| p.iter()) {
            let (name, span) = match item {
                Item::Topic { name, span, .. } => (name, *span),
                Item::Party {
                    name,
                    span,
                    statements,
                    ..
                } if statements.is_empty() => (name, *span),
                _ => continue,
            };
            decls.insert((name.span.file, name.span.start, name.span.end), span);
        }
        for d in &mut self.diags {
            if d.kind != Kind::UnusedDeclaration || !d.fixes.is_empty() {
                continue;
            }
            let key = (d.span.file, d.span.start, d.span.end);
            let Some(item) = decls.get(&key) else {
                continue;
            };
            let Some(file) = self.sources.get(item.file) else {
                continue;
            };
            if let Some(span) = crate::fix::line_removal(&file.text, *item, false) {
                let name = file.slice(d.span).to_owned();
                d.fixes.push(Fix::one(
                    format!("remove the declaration of `{name}`"),
                    true,
                    span,
                    "",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let n = 3 * names::RECENT + 7;
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
