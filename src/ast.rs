//! The syntax tree of one rule file, as written (before name resolution).
//!
//! Every node carries a byte [`Span`]. Parentheses leave no node: `(a)` and
//! `a` parse to equal formulas (compare with [`Formula::same`]).

use std::fmt;

use crate::source::Span;

/// Inline capacity of a [`Name`], in bytes.
const INLINE: usize = 14;

/// A short immutable string that needs no allocation up to 14 bytes
/// (identifiers, labels and short quotes usually fit); a longer one is
/// shared, so cloning a name never allocates (the model keeps the names
/// and labels of the tree). Behaves like a `&str` (it dereferences to one)
/// and compares, hashes and prints like one. 16 bytes.
#[derive(Clone)]
pub struct Name(Repr);

#[derive(Clone)]
enum Repr {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(std::sync::Arc<Box<str>>),
}

impl Name {
    /// The bytes of the text (no UTF-8 check: used to hash and compare).
    fn bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Inline { len, buf } => buf.get(..usize::from(*len)).unwrap_or_default(),
            Repr::Heap(s) => s.as_bytes(),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, buf } => buf
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Repr::Heap(s) => s,
        }
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        if s.len() <= INLINE {
            let mut buf = [0; INLINE];
            if let Some(dst) = buf.get_mut(..s.len()) {
                dst.copy_from_slice(s.as_bytes());
            }
            // s.len() <= INLINE < 256
            Name(Repr::Inline {
                len: s.len() as u8,
                buf,
            })
        } else {
            Name(Repr::Heap(std::sync::Arc::new(s.into())))
        }
    }
}

impl From<String> for Name {
    fn from(s: String) -> Name {
        if s.len() <= INLINE {
            Name::from(s.as_str())
        } else {
            Name(Repr::Heap(std::sync::Arc::new(s.into_boxed_str())))
        }
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        // A name is inline exactly when it has at most `INLINE` bytes
        // (both constructors decide so), and the unused bytes of an inline
        // one are zero: two inline names are equal when their whole
        // representations are (no call to `memcmp` for the name tables'
        // short keys), and an inline name never equals a heap one.
        match (&self.0, &other.0) {
            (Repr::Inline { len: a, buf: x }, Repr::Inline { len: b, buf: y }) => a == b && x == y,
            (Repr::Heap(a), Repr::Heap(b)) => {
                std::sync::Arc::ptr_eq(a, b) || a.as_bytes() == b.as_bytes()
            }
            _ => false,
        }
    }
}

impl Eq for Name {}

impl std::hash::Hash for Name {
    /// Hashes like the `str` it holds (as `Borrow<str>` requires): the
    /// bytes, then `0xff`.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(self.bytes());
        state.write_u8(0xff);
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

/// An identifier with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The identifier text.
    pub name: Name,
    /// Where it was written.
    pub span: Span,
}

/// A string literal: its unescaped value and the span of the whole literal
/// (quotes included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    /// The value with escapes resolved.
    pub value: Name,
    /// Span of the literal including its quotes.
    pub span: Span,
}

/// A date as written (`2025-02-26` after `as of`), with its span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateLit {
    /// The date.
    pub date: crate::date::Date,
    /// Where it was written.
    pub span: Span,
}

/// A parsed file: its items in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    /// Top-level items, in source order.
    pub items: Vec<Item>,
}

impl File {
    /// Every formula of the file in source order: assumptions, statement
    /// formulas and their conditions, scenario formulas, `expect impossible`.
    pub fn formulas(&self) -> Vec<&Formula> {
        let mut out = Vec::new();
        for item in &self.items {
            match item {
                Item::Assume { formula, .. } => out.push(&**formula),
                Item::Scenario { formulas, .. } => out.extend(formulas),
                Item::Expect(Expect {
                    kind: ExpectKind::Impossible(f),
                    ..
                }) => out.push(f),
                Item::Party { statements, .. } => {
                    for s in statements {
                        match &s.stance {
                            Stance::Requires { formula, when }
                            | Stance::Rejects { formula, when }
                            | Stance::Prefers { formula, when }
                            | Stance::Avoids { formula, when } => {
                                out.push(formula);
                                out.extend(when);
                            }
                            Stance::Claims { formula } => out.push(formula),
                            Stance::NoWithout {
                                antecedent,
                                consequent,
                            } => {
                                out.push(antecedent);
                                out.push(consequent);
                            }
                            Stance::Duty { .. } => {}
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `include "path"`.
    Include {
        /// The path as written.
        path: Str,
        /// The whole item.
        span: Span,
    },
    /// `party ID ["label"] [as of DATE] [{ statements }]`.
    Party {
        /// The party's identifier.
        name: Ident,
        /// Its optional label.
        label: Option<Str>,
        /// `as of DATE`: the block is a snapshot of that date (LANGUAGE.md
        /// §11); `None`: it holds at every date.
        as_of: Option<Box<DateLit>>,
        /// Statements of the block (empty when there is no block).
        statements: Vec<Statement>,
        /// The header line (keyword to label, or to the opening brace).
        span: Span,
    },
    /// `topic ID ["label"]`.
    Topic {
        /// The topic's identifier.
        name: Ident,
        /// Its optional label.
        label: Option<Str>,
        /// The whole item.
        span: Span,
    },
    /// `assume [LABEL:] FORMULA ["quote"]`.
    Assume {
        /// Optional statement label.
        label: Option<Ident>,
        /// The assumed formula (boxed: keeps every item small).
        formula: Box<Formula>,
        /// Optional quote.
        quote: Option<Str>,
        /// The whole item.
        span: Span,
    },
    /// `scenario ID ["label"] { FORMULA, … }`.
    Scenario {
        /// The scenario's identifier.
        name: Ident,
        /// Its optional label.
        label: Option<Str>,
        /// The formulas assumed together.
        formulas: Vec<Formula>,
        /// The header (keyword to label).
        span: Span,
    },
    /// `expect …`.
    Expect(Expect),
}

/// A statement inside a party block.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// Optional `label:` prefix (boxed, like the quote: most statements
    /// have neither, and statements are the bulk of a tree).
    pub label: Option<Box<Ident>>,
    /// What the statement says.
    pub stance: Stance,
    /// Optional trailing quote (the party's words or the source).
    pub quote: Option<Box<Str>>,
    /// `weight N` (LANGUAGE.md §10), when written and valid (1 to
    /// 1 000 000); a statement without it weighs 1.
    pub weight: Option<std::num::NonZeroU32>,
    /// The whole statement, label to quote.
    pub span: Span,
    /// The statement without label and quote (keyword to end of formula).
    pub body_span: Span,
}

/// The kinds of statement and their operands.
#[derive(Clone, Debug, PartialEq)]
pub enum Stance {
    /// `requires F [when C]`: hard.
    Requires {
        /// The required formula.
        formula: Formula,
        /// The optional condition.
        when: Option<Formula>,
    },
    /// `rejects F [when C]`: hard.
    Rejects {
        /// The rejected formula.
        formula: Formula,
        /// The optional condition.
        when: Option<Formula>,
    },
    /// `prefers F [when C]`: soft.
    Prefers {
        /// The preferred formula.
        formula: Formula,
        /// The optional condition.
        when: Option<Formula>,
    },
    /// `avoids F [when C]`: soft.
    Avoids {
        /// The avoided formula.
        formula: Formula,
        /// The optional condition.
        when: Option<Formula>,
    },
    /// `claims F`: a belief binding only its party.
    Claims {
        /// The claimed formula.
        formula: Formula,
    },
    /// `no A without B`: hard, `A -> B`.
    NoWithout {
        /// `A`.
        antecedent: Formula,
        /// `B`.
        consequent: Formula,
    },
    /// `duty Q: X`: hard, `X -> X@Q`.
    Duty {
        /// The party whose job it is (`Q`).
        bearer: Ident,
        /// The topic (`X`).
        topic: Ident,
    },
}

/// A formula with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    /// The node.
    pub kind: FormulaKind,
    /// The source range (for a parenthesised formula, the inner formula).
    pub span: Span,
}

/// Formula nodes. `and`/`or` are n-ary (flattened chains).
#[derive(Clone, Debug, PartialEq)]
pub enum FormulaKind {
    /// `TOPIC` or `TOPIC@PARTY`.
    Atom {
        /// The topic.
        topic: Ident,
        /// The party after `@`, if any (boxed: rare, and it keeps every
        /// formula node small).
        party: Option<Box<Ident>>,
    },
    /// `not F`.
    Not(Box<Formula>),
    /// `F and G and …` (two or more operands).
    And(Box<[Formula]>),
    /// `F or G or …` (two or more operands).
    Or(Box<[Formula]>),
    /// `F -> G`.
    Implies(Box<Formula>, Box<Formula>),
    /// `F <-> G`.
    Iff(Box<Formula>, Box<Formula>),
}

impl Formula {
    /// Structural equality ignoring spans ("equal as parsed").
    pub fn same(&self, other: &Formula) -> bool {
        use FormulaKind::*;
        match (&self.kind, &other.kind) {
            (
                Atom {
                    topic: t1,
                    party: p1,
                },
                Atom {
                    topic: t2,
                    party: p2,
                },
            ) => t1.name == t2.name && p1.as_ref().map(|p| &p.name) == p2.as_ref().map(|p| &p.name),
            (Not(a), Not(b)) => a.same(b),
            (And(a), And(b)) | (Or(a), Or(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.same(y))
            }
            (Implies(a1, b1), Implies(a2, b2)) | (Iff(a1, b1), Iff(a2, b2)) => {
                a1.same(a2) && b1.same(b2)
            }
            _ => false,
        }
    }
}

/// An `expect` line.
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    /// What is expected.
    pub kind: ExpectKind,
    /// `as of DATE`: checked at that date (LANGUAGE.md §11).
    pub as_of: Option<Box<DateLit>>,
    /// The whole line.
    pub span: Span,
}

/// The forms of `expect`.
#[derive(Clone, Debug, PartialEq)]
pub enum ExpectKind {
    /// `expect consistent P1[, P2 …]`.
    Consistent(Vec<Ident>),
    /// `expect conflict P1, P2[, …]`.
    Conflict(Vec<Ident>),
    /// `expect feasible S [for P1, …]`.
    Feasible {
        /// The scenario.
        scenario: Ident,
        /// The parties after `for` (`None`: all parties).
        parties: Option<Vec<Ident>>,
    },
    /// `expect infeasible S [for P1, …]`.
    Infeasible {
        /// The scenario.
        scenario: Ident,
        /// The parties after `for` (`None`: all parties).
        parties: Option<Vec<Ident>>,
    },
    /// `expect impossible F`.
    Impossible(Formula),
    /// `expect reversal P` (`reversal` is a contextual word).
    Reversal(Ident),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_behave_like_strings() {
        for s in [
            "",
            "a",
            "abcdefghijklmn",
            "abcdefghijklmno",
            "ü€ and more text than fits",
        ] {
            let n = Name::from(s);
            assert_eq!(n.as_str(), s);
            assert_eq!(Name::from(s.to_owned()), n);
            assert_eq!(format!("{n:?}"), format!("{s:?}"));
            assert_eq!(n.to_string(), s);
            // `Borrow<str>`: a name hashes like its text.
            let std_state = std::hash::RandomState::new();
            let fold = foldhash::fast::RandomState::default();
            use std::hash::BuildHasher;
            assert_eq!(std_state.hash_one(&n), std_state.hash_one(s));
            assert_eq!(fold.hash_one(&n), fold.hash_one(s));
        }
        assert_ne!(Name::from("a"), Name::from("b"));
        assert_eq!(std::mem::size_of::<Name>(), 16);
        // equality is the texts' equality, whichever the representations
        // (names built apart, prefixes, the inline limit on both sides)
        let texts = [
            "",
            "a",
            "ab",
            "a\0",
            "abcdefghijklm",
            "abcdefghijklmn",
            "abcdefghijklmo",
            "abcdefghijklmno",
            "abcdefghijklmnp",
            "abcdefghijklmnop",
        ];
        for x in texts {
            for y in texts {
                let (a, b) = (Name::from(x), Name::from(y.to_owned()));
                assert_eq!(a == b, x == y, "{x:?} {y:?}");
                assert!(a.clone() == a && b.clone() == b);
            }
        }
    }

    /// The tree is most of the memory of a big check: keep its nodes small.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn nodes_stay_small() {
        use std::mem::size_of;
        assert!(size_of::<Ident>() <= 32);
        assert!(size_of::<Formula>() <= 56);
        // 160 before `weight` (LANGUAGE.md §10) took its 4 bytes
        assert!(size_of::<Statement>() <= 168);
        // 112 since a party block carries its `as of` date (one per block,
        // not per statement)
        assert!(size_of::<Item>() <= 112);
    }
}
