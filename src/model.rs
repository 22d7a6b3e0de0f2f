//! The resolved model: what `resolve` hands to `logic` and `check`.
//!
//! Names are resolved to indices; formulas are [`Expr`] over [`AtomId`]s.
//! Statements are in source order (files in include order, depth first).
//! No I/O, no rendering knowledge.

use crate::ast::Name;
use crate::date::Date;
use crate::source::Span;

/// Index into [`Model::parties`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartyId(pub u32);
/// Index into [`Model::topics`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicId(pub u32);
/// Index into [`Model::atoms`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AtomId(pub u32);
/// Index into [`Model::statements`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StmtId(pub u32);
/// Index into [`Model::scenarios`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScenarioId(pub u32);

/// A declared party.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    /// Identifier.
    pub name: Name,
    /// Label, if declared with one.
    pub label: Option<Name>,
    /// Span of the identifier at its first declaration.
    pub span: Span,
}

impl Party {
    /// The label, or the identifier when there is none.
    pub fn display(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// A topic (declared, or used without declaration).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    /// Identifier.
    pub name: Name,
    /// Label, if declared with one.
    pub label: Option<Name>,
    /// Span of the declaration, or of the first use when undeclared.
    pub span: Span,
    /// Whether a `topic` item declares it.
    pub declared: bool,
}

/// A propositional atom: a topic, or a topic borne by a party (`X@P`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Atom {
    /// The topic.
    pub topic: TopicId,
    /// The party after `@`, if any.
    pub party: Option<PartyId>,
}

/// A resolved formula. `And`/`Or` are n-ary (possibly empty: true/false).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    /// An atom.
    Atom(AtomId),
    /// Negation.
    Not(Box<Expr>),
    /// Conjunction (empty: true).
    And(Vec<Expr>),
    /// Disjunction (empty: false).
    Or(Vec<Expr>),
    /// Implication.
    Implies(Box<Expr>, Box<Expr>),
    /// Equivalence.
    Iff(Box<Expr>, Box<Expr>),
}

/// Statement kinds (LANGUAGE.md §5, plus assumptions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StmtKind {
    /// `requires F [when C]`.
    Requires,
    /// `rejects F [when C]`.
    Rejects,
    /// `no A without B`.
    NoWithout,
    /// `duty Q: X`.
    Duty,
    /// `prefers F [when C]`.
    Prefers,
    /// `avoids F [when C]`.
    Avoids,
    /// `claims F`.
    Claims,
    /// `assume F`.
    Assume,
}

impl StmtKind {
    /// The JSON `kind` string.
    pub fn as_str(self) -> &'static str {
        match self {
            StmtKind::Requires => "requires",
            StmtKind::Rejects => "rejects",
            StmtKind::NoWithout => "no-without",
            StmtKind::Duty => "duty",
            StmtKind::Prefers => "prefers",
            StmtKind::Avoids => "avoids",
            StmtKind::Claims => "claims",
            StmtKind::Assume => "assume",
        }
    }

    /// The strength class.
    pub fn strength(self) -> Strength {
        match self {
            StmtKind::Requires | StmtKind::Rejects | StmtKind::NoWithout | StmtKind::Duty => {
                Strength::Hard
            }
            StmtKind::Prefers | StmtKind::Avoids => Strength::Soft,
            StmtKind::Claims => Strength::Belief,
            StmtKind::Assume => Strength::Background,
        }
    }
}

/// How a statement binds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Strength {
    /// A red line (`requires`, `rejects`, `no … without`, `duty`).
    Hard,
    /// A wish (`prefers`, `avoids`).
    Soft,
    /// A claim: binds only its party.
    Belief,
    /// An assumption of the analyst.
    Background,
}

/// A resolved statement (party stance or assumption).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// Its own index.
    pub id: StmtId,
    /// The owning party; `None` for assumptions.
    pub party: Option<PartyId>,
    /// The kind.
    pub kind: StmtKind,
    /// The full meaning as one formula (`C -> F`, `A -> B`, `X -> X@Q`, …).
    /// A statement with a condition (see [`Statement::condition`]) has the
    /// form `C -> …`.
    pub formula: Expr,
    /// Span of the condition as written (`when C`, or `A` of `no A without
    /// B`), when there is one.
    pub condition_span: Option<Span>,
    /// The source text of the condition, when there is one (in
    /// [`Model::text`]).
    pub condition_text: Option<TextRef>,
    /// Statement label.
    pub label: Option<String>,
    /// Trailing quote.
    pub quote: Option<String>,
    /// `weight N` (LANGUAGE.md §10): what a wish is worth to its party, or
    /// what withdrawing a red line costs it. 1 when not written (and for
    /// claims and assumptions, which take none).
    pub weight: u32,
    /// The statement from its label (or keyword) to the end of its formula;
    /// the quote is not included (it is shown separately).
    pub span: Span,
    /// The statement text without label and quote (in [`Model::text`]).
    pub text: TextRef,
    /// The date of its party's snapshot (`party P as of DATE`); `None`:
    /// it holds at every date (LANGUAGE.md §11).
    pub date: Option<Date>,
}

impl Statement {
    /// The weight of a party's red line or wish (LANGUAGE.md §10), 1 when
    /// none is written; `None` for claims and assumptions, which take none.
    pub fn party_weight(&self) -> Option<u32> {
        (self.party.is_some() && matches!(self.kind.strength(), Strength::Hard | Strength::Soft))
            .then_some(self.weight)
    }

    /// The condition of a conditional hard or soft statement (`when C`, or
    /// `A` of `no A without B`): the left side of its formula `C -> …`.
    /// `None` for a statement without a condition.
    pub fn condition(&self) -> Option<&Expr> {
        self.condition_span?;
        match &self.formula {
            Expr::Implies(c, _) => Some(c),
            _ => None,
        }
    }
}

/// A text held in the model's text buffer: read it with [`Model::text`].
/// Statement texts live in one buffer, so resolving a statement does not
/// allocate a string for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TextRef {
    start: usize,
    end: usize,
}

impl TextRef {
    /// The same text, `offset` bytes further in its buffer.
    pub(crate) fn shifted(self, offset: usize) -> TextRef {
        TextRef {
            start: self.start.saturating_add(offset),
            end: self.end.saturating_add(offset),
        }
    }
}

/// A scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Identifier.
    pub name: String,
    /// Label, if any.
    pub label: Option<String>,
    /// The formulas assumed together.
    pub formulas: Vec<Expr>,
    /// Header span.
    pub span: Span,
    /// Source text of the formulas, joined with `, `.
    pub text: String,
}

/// The forms of an expectation, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectKind {
    /// `expect consistent P…`.
    Consistent(Vec<PartyId>),
    /// `expect conflict P…` (sorted, deduplicated).
    Conflict(Vec<PartyId>),
    /// `expect feasible S [for P…]` (`None`: all parties).
    Feasible(ScenarioId, Option<Vec<PartyId>>),
    /// `expect infeasible S [for P…]`.
    Infeasible(ScenarioId, Option<Vec<PartyId>>),
    /// `expect impossible F`.
    Impossible(Expr),
    /// `expect reversal P`.
    Reversal(PartyId),
}

/// An `expect` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expectation {
    /// What is expected.
    pub kind: ExpectKind,
    /// The line.
    pub span: Span,
    /// Its source text.
    pub text: String,
    /// `as of DATE`: checked in the state at that date.
    pub as_of: Option<Date>,
}

/// The whole resolved model of one check run (one root file with its includes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Model {
    /// Parties, in order of first declaration.
    pub parties: Vec<Party>,
    /// Topics, in order of first declaration or use.
    pub topics: Vec<Topic>,
    /// Atoms, in order of first use. Every `X@P` atom has its plain `X` atom
    /// here too.
    pub atoms: Vec<Atom>,
    /// First source span where each atom is written (parallel to `atoms`).
    pub atom_spans: Vec<Span>,
    /// Statements and assumptions, in source order.
    pub statements: Vec<Statement>,
    /// Scenarios, in source order.
    pub scenarios: Vec<Scenario>,
    /// Expectations, in source order.
    pub expectations: Vec<Expectation>,
    /// The buffer of the statements' texts ([`TextRef`]).
    texts: String,
}

impl Model {
    /// Keeps a text in the model's buffer.
    pub fn add_text(&mut self, text: &str) -> TextRef {
        self.write_text(|out| out.push_str(text))
    }

    /// Appends to the model's buffer the text `clean` writes (a text
    /// written in pieces).
    pub(crate) fn write_text(&mut self, clean: impl FnOnce(&mut String)) -> TextRef {
        let start = self.texts.len();
        clean(&mut self.texts);
        TextRef {
            start,
            end: self.texts.len(),
        }
    }

    /// The part `offset..offset + len` (in bytes) of a text of this
    /// model's buffer, without copying it; `None` when it is not inside
    /// `t` or not on character boundaries.
    pub(crate) fn sub_text(&self, t: TextRef, offset: usize, len: usize) -> Option<TextRef> {
        let start = t.start.checked_add(offset)?;
        let end = start.checked_add(len)?;
        let inside =
            end <= t.end && self.texts.is_char_boundary(start) && self.texts.is_char_boundary(end);
        inside.then_some(TextRef { start, end })
    }

    /// Appends the text buffer of `other` to this one; a [`TextRef`] of
    /// `other` is then one of this model shifted by the returned offset
    /// ([`TextRef::shifted`]).
    pub(crate) fn append_texts(&mut self, other: &Model) -> usize {
        let offset = self.texts.len();
        self.texts.push_str(&other.texts);
        offset
    }

    /// Reserves room for `bytes` more bytes of text.
    pub(crate) fn reserve_text(&mut self, bytes: usize) {
        self.texts.reserve(bytes);
    }

    /// A text kept by [`Model::add_text`] (empty for a reference from
    /// another model).
    pub fn text(&self, t: TextRef) -> &str {
        self.texts.get(t.start..t.end).unwrap_or_default()
    }

    // Typed access. Every id of a model is made by the resolver for that
    // model (or by code that derives it from the model), so an id out of
    // range is an internal bug, never a state of the input: indexing
    // panics, and the binary reports the panic as an internal error (exit
    // 2). No accessor falls back to a default that could become a silently
    // wrong finding.

    /// The party `id`.
    pub fn party(&self, id: PartyId) -> &Party {
        &self.parties[id.0 as usize]
    }

    /// The topic `id`.
    pub fn topic(&self, id: TopicId) -> &Topic {
        &self.topics[id.0 as usize]
    }

    /// The atom `id`.
    pub fn atom(&self, id: AtomId) -> &Atom {
        &self.atoms[id.0 as usize]
    }

    /// The statement `id`.
    pub fn statement(&self, id: StmtId) -> &Statement {
        &self.statements[id.0 as usize]
    }

    /// The scenario `id`.
    pub fn scenario(&self, id: ScenarioId) -> &Scenario {
        &self.scenarios[id.0 as usize]
    }

    /// The display name of an atom: `topic` or `topic@party`.
    pub fn atom_name(&self, atom: AtomId) -> String {
        let a = self.atom(atom);
        let topic = &self.topic(a.topic).name;
        match a.party {
            Some(p) => format!("{topic}@{}", self.party(p).name),
            None => topic.to_string(),
        }
    }

    /// The plain-topic atom of an `X@P` atom (itself for a plain atom);
    /// `None` when the model never mentions `X` itself.
    pub fn base_atom(&self, atom: AtomId) -> Option<AtomId> {
        let a = self.atom(atom);
        if a.party.is_none() {
            return Some(atom);
        }
        self.atoms
            .iter()
            .position(|b| b.topic == a.topic && b.party.is_none())
            .map(|i| AtomId(i as u32))
    }

    /// Whether time matters in this model: a dated statement or an
    /// expectation `as of` a date.
    pub fn is_dated(&self) -> bool {
        self.statements.iter().any(|s| s.date.is_some())
            || self.expectations.iter().any(|e| e.as_of.is_some())
    }

    /// The dates on which some snapshot starts, in order.
    pub fn snapshot_dates(&self) -> Vec<Date> {
        let mut v: Vec<Date> = self.statements.iter().filter_map(|s| s.date).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The snapshot dates of each party (indexed by party), in order.
    pub fn party_dates(&self) -> Vec<Vec<Date>> {
        let mut v = vec![Vec::new(); self.parties.len()];
        for s in &self.statements {
            if let (Some(p), Some(d)) = (s.party, s.date)
                && let Some(list) = v.get_mut(p.0 as usize)
            {
                list.push(d);
            }
        }
        for list in &mut v {
            list.sort_unstable();
            list.dedup();
        }
        v
    }

    /// The model restricted to the state at date `at` (LANGUAGE.md §11):
    /// each party's undated statements and its latest snapshot dated on
    /// or before `at` (none before its first snapshot); `None`: the latest
    /// state (every party at its latest snapshot). Statements are
    /// renumbered in order; parties, topics, atoms, scenarios and
    /// expectations are kept, so every check runs on it unchanged.
    pub fn state_at(&self, at: Option<Date>) -> Model {
        let chosen: Vec<Option<Date>> = self
            .party_dates()
            .into_iter()
            .map(|ds| match at {
                None => ds.last().copied(),
                Some(d) => ds.into_iter().rfind(|x| *x <= d),
            })
            .collect();
        let keep = |s: &Statement| match (s.date, s.party) {
            (None, _) => true,
            (Some(d), Some(p)) => chosen.get(p.0 as usize).copied().flatten() == Some(d),
            (Some(_), None) => false,
        };
        self.restricted(keep)
    }

    /// A copy that keeps only the statements `keep` accepts, renumbered in
    /// order.
    pub fn restricted(&self, keep: impl Fn(&Statement) -> bool) -> Model {
        let statements = self
            .statements
            .iter()
            .filter(|s| keep(s))
            .enumerate()
            .map(|(i, s)| Statement {
                id: StmtId(i as u32),
                ..s.clone()
            })
            .collect();
        Model {
            parties: self.parties.clone(),
            topics: self.topics.clone(),
            atoms: self.atoms.clone(),
            atom_spans: self.atom_spans.clone(),
            statements,
            scenarios: self.scenarios.clone(),
            expectations: self.expectations.clone(),
            texts: self.texts.clone(),
        }
    }

    /// The atoms of each topic (indices into [`Model::atoms`]).
    pub(crate) fn atoms_by_topic(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.topics.len()];
        for (i, a) in self.atoms.iter().enumerate() {
            if let Some(list) = out.get_mut(a.topic.0 as usize) {
                list.push(i);
            }
        }
        out
    }

    /// The sub-model of some statements, scenarios and expectations (indices
    /// into this model's lists, each in order) with exactly the topics
    /// `topics` (in order) and their atoms (`by_topic`: the atoms of each
    /// topic of this model, [`Model::atoms_by_topic`]): ids renumbered in their
    /// original order (so every order a check uses is kept), spans and
    /// texts as they are; parties: those the kept items name, in order.
    /// Every atom of a kept item must have its topic in `topics`. Also
    /// returns, per party of the sub-model, its id in this model. Costs
    /// the size of what is kept, not of the whole model.
    pub(crate) fn sub_model(
        &self,
        by_topic: &[Vec<usize>],
        topics: &[TopicId],
        stmts: &[usize],
        scenarios: &[usize],
        expectations: &[usize],
    ) -> (Model, Vec<PartyId>) {
        use crate::hash::{IdMap as HashMap, id_map};
        let mut out = Model::default();
        let mut tmap: HashMap<TopicId, TopicId> = id_map();
        for t in topics {
            tmap.insert(*t, TopicId(out.topics.len() as u32));
            out.topics.push(self.topic(*t).clone());
        }
        // parties named by the kept items, then renumbered in order
        let mut used: std::collections::BTreeSet<PartyId> = std::collections::BTreeSet::new();
        let mut atom_ids: Vec<usize> = Vec::new();
        for t in topics {
            atom_ids.extend(by_topic.get(t.0 as usize).into_iter().flatten());
        }
        atom_ids.sort_unstable();
        for i in &atom_ids {
            used.extend(self.atoms[*i].party);
        }
        for i in stmts {
            used.extend(self.statements[*i].party);
        }
        for i in expectations {
            match &self.expectations[*i].kind {
                ExpectKind::Consistent(ps) | ExpectKind::Conflict(ps) => used.extend(ps),
                ExpectKind::Feasible(_, ps) | ExpectKind::Infeasible(_, ps) => {
                    used.extend(ps.iter().flatten())
                }
                ExpectKind::Impossible(_) => {}
                ExpectKind::Reversal(p) => {
                    used.insert(*p);
                }
            }
        }
        let mut pmap: HashMap<PartyId, PartyId> = id_map();
        let mut back: Vec<PartyId> = Vec::new();
        for p in used {
            pmap.insert(p, PartyId(out.parties.len() as u32));
            out.parties.push(self.party(p).clone());
            back.push(p);
        }
        let mp = |p: &PartyId| pmap.get(p).copied().unwrap_or(*p);
        let mut amap: HashMap<AtomId, AtomId> = id_map();
        for i in atom_ids {
            let a = self.atoms[i];
            amap.insert(AtomId(i as u32), AtomId(out.atoms.len() as u32));
            out.atoms.push(Atom {
                topic: tmap.get(&a.topic).copied().unwrap_or(a.topic),
                party: a.party.as_ref().map(mp),
            });
            out.atom_spans.push(self.atom_spans[i]);
        }
        fn remap(e: &Expr, amap: &HashMap<AtomId, AtomId>) -> Expr {
            match e {
                Expr::Atom(a) => Expr::Atom(amap.get(a).copied().unwrap_or(*a)),
                Expr::Not(x) => Expr::Not(Box::new(remap(x, amap))),
                Expr::And(xs) => Expr::And(xs.iter().map(|x| remap(x, amap)).collect()),
                Expr::Or(xs) => Expr::Or(xs.iter().map(|x| remap(x, amap)).collect()),
                Expr::Implies(a, b) => {
                    Expr::Implies(Box::new(remap(a, amap)), Box::new(remap(b, amap)))
                }
                Expr::Iff(a, b) => Expr::Iff(Box::new(remap(a, amap)), Box::new(remap(b, amap))),
            }
        }
        for (n, i) in stmts.iter().enumerate() {
            let s = &self.statements[*i];
            let text = out.add_text(self.text(s.text));
            let condition_text = s.condition_text.map(|t| out.add_text(self.text(t)));
            out.statements.push(Statement {
                id: StmtId(n as u32),
                party: s.party.as_ref().map(mp),
                kind: s.kind,
                formula: remap(&s.formula, &amap),
                condition_span: s.condition_span,
                condition_text,
                label: s.label.clone(),
                quote: s.quote.clone(),
                weight: s.weight,
                span: s.span,
                text,
                date: s.date,
            });
        }
        let mut smap: HashMap<ScenarioId, ScenarioId> = id_map();
        for i in scenarios {
            let sc = &self.scenarios[*i];
            smap.insert(
                ScenarioId(*i as u32),
                ScenarioId(out.scenarios.len() as u32),
            );
            out.scenarios.push(Scenario {
                formulas: sc.formulas.iter().map(|f| remap(f, &amap)).collect(),
                ..sc.clone()
            });
        }
        let ms = |s: &ScenarioId| smap.get(s).copied().unwrap_or(*s);
        let mps = |ps: &Vec<PartyId>| ps.iter().map(mp).collect::<Vec<_>>();
        for i in expectations {
            let e = &self.expectations[*i];
            let kind = match &e.kind {
                ExpectKind::Consistent(ps) => ExpectKind::Consistent(mps(ps)),
                ExpectKind::Conflict(ps) => ExpectKind::Conflict(mps(ps)),
                ExpectKind::Feasible(s, ps) => ExpectKind::Feasible(ms(s), ps.as_ref().map(mps)),
                ExpectKind::Infeasible(s, ps) => {
                    ExpectKind::Infeasible(ms(s), ps.as_ref().map(mps))
                }
                ExpectKind::Impossible(f) => ExpectKind::Impossible(remap(f, &amap)),
                ExpectKind::Reversal(p) => ExpectKind::Reversal(mp(p)),
            };
            out.expectations.push(Expectation { kind, ..e.clone() });
        }
        (out, back)
    }

    /// The name of a statement's party (`None` for an assumption).
    pub fn party_name(&self, party: Option<PartyId>) -> Option<&str> {
        party.map(|p| self.party(p).name.as_str())
    }
}
