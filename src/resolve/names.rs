//! The resolver's name tables: one [`Names`] for the parties and one for
//! the topics, alike in one piece and in piece mode; and the did-you-mean
//! of every unknown name ([`unknown`]).
//!
//! What differs between the two kinds is what the language says, and it
//! is decided by the resolver, not here: a party must be declared (an
//! unknown party drops its statement), a topic used without a declaration
//! is a warning and still a topic. Both are numbered by first declaration
//! (or first use, for a topic that is never declared, or for a name a
//! piece uses before it declares it), keep the span of their first
//! declaration and their first label, and count as used or not.

use crate::ast::{self, Name};
use crate::diagnostic::{Diagnostic, Fix, Kind};
use crate::hash::{NameMap, name_map};
use crate::model::{Party, PartyId, Topic, TopicId};
use crate::source::Span;
use std::hash::BuildHasher;

/// The diagnostic of an unknown name (`ident`): `message`, with `label`
/// at the name, and the help "did you mean `…`?" when one of
/// `candidates` is close ([`crate::suggest::closest`], the project's one
/// did-you-mean), else `otherwise`.
pub(super) fn unknown<'n>(
    kind: Kind,
    ident: &ast::Ident,
    message: String,
    label: &str,
    candidates: impl Iterator<Item = &'n str>,
    otherwise: Option<String>,
) -> Diagnostic {
    let d = Diagnostic::new(kind, ident.span, message).with_span_label(label);
    match crate::suggest::closest(&ident.name, candidates) {
        Some(s) => d
            .with_help(format!("did you mean `{s}`?"))
            .with_fix(Fix::one(
                format!("replace `{}` with `{s}`", ident.name),
                true,
                ident.span,
                s,
            )),
        None => match otherwise {
            Some(help) => d.with_help(help),
            None => d,
        },
    }
}

/// A party or topic number.
pub(super) trait Number: Copy + Eq {
    fn new(i: usize) -> Self;
    fn index(self) -> usize;
}

impl Number for PartyId {
    fn new(i: usize) -> Self {
        PartyId(super::idx(i))
    }
    fn index(self) -> usize {
        self.0 as usize
    }
}

impl Number for TopicId {
    fn new(i: usize) -> Self {
        TopicId(super::idx(i))
    }
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a [`Names`] table holds: the model's parties or topics.
pub(super) trait Entry {
    /// The kind's word in messages.
    const KIND: &'static str;
    /// Its number in the model.
    type Id: Number;
    /// A new entry named `name` at `span`: its declaration when
    /// `declared`, else its first use.
    fn new(name: Name, span: Span, declared: bool) -> Self;
    fn name(&self) -> &Name;
    fn label_mut(&mut self) -> &mut Option<Name>;
    fn span(&self) -> Span;
    /// An entry first used is declared at `span`.
    fn declare_at(&mut self, span: Span);
    /// What `unused-declaration` says of an entry: the end of the message
    /// (after the kind and the name), and the help.
    const UNUSED: (&'static str, &'static str);
}

/// The accessors of an entry's `name`, `label` and `span` fields, which
/// both kinds have.
macro_rules! fields {
    () => {
        fn name(&self) -> &Name {
            &self.name
        }
        fn label_mut(&mut self) -> &mut Option<Name> {
            &mut self.label
        }
        fn span(&self) -> Span {
            self.span
        }
    };
}

impl Entry for Party {
    const KIND: &'static str = "party";
    type Id = PartyId;
    fn new(name: Name, span: Span, _declared: bool) -> Self {
        Party {
            name,
            label: None,
            span,
        }
    }
    fields!();
    fn declare_at(&mut self, span: Span) {
        self.span = span;
    }
    const UNUSED: (&'static str, &'static str) = (
        "is declared but has no statement and is never used",
        "give it statements, or remove the declaration",
    );
}

impl Entry for Topic {
    const KIND: &'static str = "topic";
    type Id = TopicId;
    fn new(name: Name, span: Span, declared: bool) -> Self {
        Topic {
            name,
            label: None,
            span,
            declared,
        }
    }
    fields!();
    fn declare_at(&mut self, span: Span) {
        self.declared = true;
        self.span = span;
    }
    const UNUSED: (&'static str, &'static str) = (
        "is declared but never used",
        "use it in a statement, or remove the declaration",
    );
}

/// Slots of the recent lookups ([`Names::find`]).
pub(super) const RECENT: usize = 256;

/// The names of one kind: the model's entries and what resolution needs
/// to know about them.
pub(super) struct Names<T: Entry> {
    /// The entries, by number (they become the model's).
    pub(super) entries: Vec<T>,
    /// The number of each name.
    pub(super) ids: NameMap<Name, T::Id>,
    /// Whether each entry is used.
    pub(super) used: Vec<bool>,
    /// Whether each entry is declared (a name a piece uses before it
    /// declares it, or a topic never declared, is not).
    declared: Vec<bool>,
    /// The declared entries in order of first declaration.
    pub(super) order: Vec<T::Id>,
    /// The span of each entry's first label.
    label_span: Vec<Option<Span>>,
    /// Recent lookups, by the name's hash ([`Names::find`]); every entry
    /// in it is marked used.
    recent: Vec<Option<(Name, T::Id)>>,
}

impl<T: Entry> Names<T> {
    pub(super) fn new() -> Names<T> {
        Names {
            entries: Vec::new(),
            ids: name_map(0),
            used: Vec::new(),
            declared: Vec::new(),
            order: Vec::new(),
            label_span: Vec::new(),
            recent: vec![None; RECENT],
        }
    }

    /// How many entries there are.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Room for `n` more names. Tables sized to the declarations: a big
    /// table costs cache misses on every lookup.
    pub(super) fn reserve(&mut self, n: usize) {
        self.reserve_entries(n);
        self.ids.reserve(n);
    }

    /// Room for `n` more entries, the name table left as it is.
    pub(super) fn reserve_entries(&mut self, n: usize) {
        self.entries.reserve(n);
        self.used.reserve(n);
        self.declared.reserve(n);
        self.label_span.reserve(n);
    }

    /// The number of `name`, if it has one.
    pub(super) fn get(&self, name: &Name) -> Option<T::Id> {
        self.ids.get(name).copied()
    }

    /// The number of `name`, marked used. Statements name the parties and
    /// topics of their dispute again and again: a small table of recent
    /// lookups, indexed by the name's hash, answers most of them from the
    /// cache instead of the big table.
    pub(super) fn find(&mut self, name: &Name) -> Option<T::Id> {
        let slot = (self.ids.hasher().hash_one(name) as usize) % RECENT;
        if let Some(Some((recent, id))) = self.recent.get(slot)
            && recent == name
        {
            return Some(*id);
        }
        let id = self.get(name)?;
        if let Some(r) = self.recent.get_mut(slot) {
            *r = Some((name.clone(), id));
        }
        self.mark_used(id);
        Some(id)
    }

    /// Marks `id` used.
    pub(super) fn mark_used(&mut self, id: T::Id) {
        if let Some(u) = self.used.get_mut(id.index()) {
            *u = true;
        }
    }

    /// A new entry, numbered after the others.
    fn push(&mut self, entry: T, used: bool, declared: bool) -> T::Id {
        let id = T::Id::new(self.entries.len());
        self.ids.insert(entry.name().clone(), id);
        self.entries.push(entry);
        self.used.push(used);
        self.declared.push(declared);
        self.label_span.push(None);
        if declared {
            self.order.push(id);
        }
        id
    }

    /// A name used where it has no entry (not declared, or not yet): a new
    /// entry, used and not declared.
    pub(super) fn add_used(&mut self, ident: &ast::Ident) -> T::Id {
        self.push(T::new(ident.name.clone(), ident.span, false), true, false)
    }

    /// A declaration of `name` with `label`: the name's first declaration
    /// numbers it (or declares the entry a first use made); its first
    /// label is kept. A different label than the first is a
    /// `conflicting-label`, returned.
    pub(super) fn declare(
        &mut self,
        name: &ast::Ident,
        label: Option<&ast::Str>,
    ) -> Option<Diagnostic> {
        let i = match self.get(&name.name) {
            Some(id) => {
                let i = id.index();
                if self.declared.get(i) == Some(&false) {
                    if let (Some(d), Some(entry)) =
                        (self.declared.get_mut(i), self.entries.get_mut(i))
                    {
                        *d = true;
                        entry.declare_at(name.span);
                    }
                    self.order.push(id);
                }
                i
            }
            None => self
                .push(T::new(name.name.clone(), name.span, true), false, true)
                .index(),
        };
        let label = label?;
        let (entry, first) = (self.entries.get_mut(i)?, self.label_span.get_mut(i)?);
        let old = entry.label_mut();
        match (&*old, *first) {
            (None, _) => {
                *old = Some(label.value.clone());
                *first = Some(label.span);
                None
            }
            (Some(old), Some(first)) if *old != label.value => Some(
                Diagnostic::new(
                    Kind::ConflictingLabel,
                    label.span,
                    format!(
                        "{} `{}` is declared with two different labels",
                        T::KIND,
                        name.name
                    ),
                )
                .with_span_label("second label")
                .with_label(first, "first label")
                .with_help(format!(
                    "use one label for a {}, or none on later declarations",
                    T::KIND
                )),
            ),
            _ => None,
        }
    }

    /// An entry declared in another piece, numbered after these (its name
    /// reaches the table with [`Names::index_all`]).
    pub(super) fn adopt(&mut self, entry: T, used: bool) -> T::Id {
        let id = T::Id::new(self.entries.len());
        self.entries.push(entry);
        self.used.push(used);
        self.declared.push(true);
        self.label_span.push(None);
        self.order.push(id);
        id
    }

    /// The names of the declared entries, in order of number.
    pub(super) fn declared_names(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .zip(&self.declared)
            .filter(|(_, d)| **d)
            .map(|(e, _)| e.name().as_str())
    }

    /// The `unused-declaration` of every declared entry never used.
    pub(super) fn unused(&self) -> impl Iterator<Item = Diagnostic> {
        self.entries
            .iter()
            .zip(self.declared.iter().zip(&self.used))
            .filter(|(_, (declared, used))| **declared && !**used)
            .map(|(e, _)| {
                let (message, help) = T::UNUSED;
                Diagnostic::new(
                    Kind::UnusedDeclaration,
                    e.span(),
                    format!("{} `{}` {message}", T::KIND, e.name()),
                )
                .with_span_label(format!("unused {}", T::KIND))
                .with_help(help)
            })
    }

    /// Whether every entry is declared and numbered in order of
    /// declaration (none was used before it was declared).
    pub(super) fn in_declaration_order(&self) -> bool {
        self.order.len() == self.entries.len()
            && self.order.iter().enumerate().all(|(i, id)| id.index() == i)
    }

    /// Every entry in the name table (after pieces are put together into
    /// this table, which knew only its own names).
    pub(super) fn index_all(&mut self) {
        for (i, e) in self.entries.iter().enumerate() {
            self.ids.entry(e.name().clone()).or_insert(T::Id::new(i));
        }
    }
}
