//! The canonical formatter behind `stance fmt` (layout rules:
//! `docs/formatting.md`).
//!
//! The file is parsed; a file with syntax errors is never rewritten. The
//! output is printed from the syntax tree, one line per item or statement,
//! so spelling, spacing and parentheses are canonical. Comments are not in
//! the tree: a small scanner finds them, and each is attached to a line of
//! the output by position:
//!
//! - the output is a list of *units* (a header, a statement, a scenario
//!   formula, a closing `}`, an item), each with the byte range of the
//!   source it comes from; the units are in source order and disjoint;
//! - a comment alone on its line goes before the first unit that ends after
//!   it (or at the end of the file); a comment that follows code goes at
//!   the end of the line of the unit that code belongs to, or of the last
//!   unit before it;
//! - a comment that falls inside a unit (inside a formula continued over
//!   several lines) goes on its own line before that unit.
//!
//! Formulas are printed with the fewest parentheses that give the same
//! tree: `parse(format(x))` is [`crate::ast::Formula::same`] as
//! `parse(x)`, formula by formula, so check results do not change.
//!
//! No I/O; never panics.

mod scan;
#[cfg(test)]
mod tests;

use crate::ast::{
    DateLit, Expect, ExpectKind, Formula, FormulaKind, Ident, Item, Stance, Statement, Str,
};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use scan::{Scan, Tk};

/// The widest a one-line `scenario` may be (in characters) before its
/// formulas go one per line.
pub const MAX_WIDTH: usize = 100;

/// The furthest a trailing quote is aligned: at most this many characters
/// (indentation and padding included) come before an aligned quote. A
/// longer line gets its quote after the minimum gap instead.
pub const QUOTE_LIMIT: usize = 60;

/// One level of indentation.
const INDENT: &str = "  ";

/// Formats the text of one rule file. Returns the canonical text, or the
/// file's syntax errors (a file with syntax errors is not formatted).
///
/// A leading byte-order mark is dropped (the spans of the errors are then
/// relative to the text without it, as with [`crate::source::decode`]);
/// `\r\n` line endings become `\n`.
pub fn format_source(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (ast, errors) = crate::syntax::parse(file, text);
    if !errors.is_empty() {
        return Err(errors);
    }
    let scan = scan::scan(text);
    let mut b = Builder {
        text,
        scan: &scan,
        units: Vec::with_capacity(ast.items.len() * 2),
        blocks: 0,
    };
    for item in &ast.items {
        b.item(item);
    }
    Ok(b.finish())
}

/// Whether `text` is already formatted: `Ok(true)` when formatting would
/// not change it (byte for byte).
pub fn is_formatted(file: FileId, text: &str) -> Result<bool, Vec<Diagnostic>> {
    format_source(file, text).map(|f| f == text)
}

// ------------------------------------------------------------ formulas

/// Binding strength: the higher, the tighter.
fn prec(f: &Formula) -> u8 {
    match f.kind {
        FormulaKind::Iff(..) => 1,
        FormulaKind::Implies(..) => 2,
        FormulaKind::Or(_) => 3,
        FormulaKind::And(_) => 4,
        FormulaKind::Not(_) => 5,
        FormulaKind::Atom { .. } => 6,
    }
}

/// Prints a formula with the fewest parentheses that keep its tree.
///
/// Operand positions demand a minimum binding strength (the grammar level
/// they are parsed at): `not` and `and` operands are unary (5), `or`
/// operands are `and` chains (4), the left of `->` is an `or` chain (3),
/// its right and both sides of `<->` are implications (2). A nested chain
/// of the same operator (`(a and b) and c`) is a separate node in the
/// tree, so it keeps its parentheses.
pub fn formula(f: &Formula) -> String {
    let mut out = String::new();
    write_formula(f, &mut out);
    out
}

fn write_formula(f: &Formula, out: &mut String) {
    match &f.kind {
        FormulaKind::Atom { topic, party } => {
            out.push_str(&topic.name);
            if let Some(p) = party {
                out.push('@');
                out.push_str(&p.name);
            }
        }
        FormulaKind::Not(x) => {
            out.push_str("not ");
            operand(x, 5, out);
        }
        FormulaKind::And(xs) => chain(xs, " and ", 5, out),
        FormulaKind::Or(xs) => chain(xs, " or ", 4, out),
        FormulaKind::Implies(a, b) => {
            operand(a, 3, out);
            out.push_str(" -> ");
            operand(b, 2, out);
        }
        FormulaKind::Iff(a, b) => {
            operand(a, 2, out);
            out.push_str(" <-> ");
            operand(b, 2, out);
        }
    }
}

fn chain(xs: &[Formula], op: &str, min: u8, out: &mut String) {
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            out.push_str(op);
        }
        operand(x, min, out);
    }
}

fn operand(x: &Formula, min: u8, out: &mut String) {
    if prec(x) < min {
        out.push('(');
        write_formula(x, out);
        out.push(')');
    } else {
        write_formula(x, out);
    }
}

/// A string literal with the canonical escapes (`\"`, `\\`, `\n`, `\t`);
/// every other character is kept as it is.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A statement without its quote: `[label: ]keyword …`.
fn statement_body(st: &Statement) -> String {
    let mut s = String::new();
    if let Some(l) = &st.label {
        s.push_str(&l.name);
        s.push_str(": ");
    }
    let conditional = |s: &mut String, kw: &str, f: &Formula, when: &Option<Formula>| {
        s.push_str(kw);
        s.push(' ');
        write_formula(f, s);
        if let Some(c) = when {
            s.push_str(" when ");
            write_formula(c, s);
        }
    };
    match &st.stance {
        Stance::Requires { formula, when } => conditional(&mut s, "requires", formula, when),
        Stance::Rejects { formula, when } => conditional(&mut s, "rejects", formula, when),
        Stance::Prefers { formula, when } => conditional(&mut s, "prefers", formula, when),
        Stance::Avoids { formula, when } => conditional(&mut s, "avoids", formula, when),
        Stance::Claims { formula } => conditional(&mut s, "claims", formula, &None),
        Stance::NoWithout {
            antecedent,
            consequent,
        } => {
            s.push_str("no ");
            write_formula(antecedent, &mut s);
            s.push_str(" without ");
            write_formula(consequent, &mut s);
        }
        Stance::Duty { bearer, topic } => {
            s.push_str("duty ");
            s.push_str(&bearer.name);
            s.push_str(": ");
            s.push_str(&topic.name);
        }
    }
    if let Some(w) = st.weight {
        s.push_str(" weight ");
        s.push_str(&w.to_string());
    }
    s
}

fn names(ps: &[Ident]) -> String {
    ps.iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn expect_line(e: &Expect) -> String {
    let line = expect_kind(e);
    match &e.as_of {
        Some(d) => format!("{line} as of {}", d.date),
        None => line,
    }
}

fn expect_kind(e: &Expect) -> String {
    match &e.kind {
        ExpectKind::Consistent(ps) => format!("expect consistent {}", names(ps)),
        ExpectKind::Conflict(ps) => format!("expect conflict {}", names(ps)),
        ExpectKind::Feasible { scenario, parties } => {
            for_parties("expect feasible", scenario, parties.as_deref())
        }
        ExpectKind::Infeasible { scenario, parties } => {
            for_parties("expect infeasible", scenario, parties.as_deref())
        }
        ExpectKind::Impossible(f) => format!("expect impossible {}", formula(f)),
        ExpectKind::Reversal(p) => format!("expect reversal {}", p.name),
    }
}

fn for_parties(head: &str, scenario: &Ident, parties: Option<&[Ident]>) -> String {
    match parties {
        Some(ps) => format!("{head} {} for {}", scenario.name, names(ps)),
        None => format!("{head} {}", scenario.name),
    }
}

/// `NAME` or `NAME "label"`.
fn name_label(kw: &str, name: &Ident, label: Option<&Str>) -> String {
    match label {
        Some(l) => format!("{kw} {} {}", name.name, quote(&l.value)),
        None => format!("{kw} {}", name.name),
    }
}

// --------------------------------------------------------------- layout

/// Which quotes are aligned together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Align {
    /// Not aligned.
    None,
    /// A statement of the party block with this number.
    Block(usize),
    /// A `party` or `topic` declaration line.
    Decl,
    /// An `assume` line.
    Assume,
}

impl Align {
    /// The least number of spaces before the quote.
    fn gap(self) -> usize {
        match self {
            Align::Decl => 1,
            _ => 2,
        }
    }
}

/// One line of output, before comments and alignment.
#[derive(Debug)]
struct Unit {
    /// Source byte range it comes from.
    lo: usize,
    hi: usize,
    /// Indentation level.
    depth: usize,
    /// The text without the quote.
    body: String,
    /// The quote literal, if any.
    quote: Option<String>,
    align: Align,
    /// Ends with `{`.
    open: bool,
    /// Is a closing `}`.
    close: bool,
    /// Comments on their own lines before it.
    leading: Vec<usize>,
    /// Comments from inside its source range, put before it.
    inside: Vec<usize>,
    /// A comment at the end of its line.
    trailing: Option<usize>,
}

struct Builder<'a> {
    text: &'a str,
    scan: &'a Scan,
    units: Vec<Unit>,
    /// Party blocks seen so far (alignment groups).
    blocks: usize,
}

impl Builder<'_> {
    fn push(&mut self, span: (usize, usize), depth: usize, body: String) -> &mut Unit {
        self.units.push(Unit {
            lo: span.0,
            hi: span.1,
            depth,
            body,
            quote: None,
            align: Align::None,
            open: false,
            close: false,
            leading: Vec::new(),
            inside: Vec::new(),
            trailing: None,
        });
        let n = self.units.len() - 1;
        &mut self.units[n]
    }

    fn push_quoted(
        &mut self,
        span: (usize, usize),
        depth: usize,
        body: String,
        quote_: Option<&Str>,
        align: Align,
    ) {
        let u = self.push(span, depth, body);
        u.quote = quote_.map(|q| quote(&q.value));
        u.align = align;
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Include { path, span } => {
                self.push(range(*span), 0, format!("include {}", quote(&path.value)));
            }
            Item::Topic { name, label, span } => self.push_quoted(
                range(*span),
                0,
                format!("topic {}", name.name),
                label.as_ref(),
                Align::Decl,
            ),
            Item::Assume {
                label,
                formula: f,
                quote: q,
                span,
            } => {
                let body = match label {
                    Some(l) => format!("assume {}: {}", l.name, formula(f)),
                    None => format!("assume {}", formula(f)),
                };
                self.push_quoted(range(*span), 0, body, q.as_ref(), Align::Assume);
            }
            Item::Expect(e) => {
                self.push(range(e.span), 0, expect_line(e));
            }
            Item::Party {
                name,
                label,
                as_of,
                statements,
                span,
            } => self.party(name, label.as_ref(), as_of.as_deref(), statements, *span),
            Item::Scenario {
                name,
                label,
                formulas,
                span,
            } => self.scenario(name, label.as_ref(), formulas, *span),
        }
    }

    fn party(
        &mut self,
        name: &Ident,
        label: Option<&Str>,
        as_of: Option<&DateLit>,
        statements: &[Statement],
        span: Span,
    ) {
        let (lo, hi) = range(span);
        let has_block = hi > 0 && self.text.as_bytes().get(hi - 1) == Some(&b'{');
        let decl = format!("party {}", name.name);
        // a snapshot's date follows the label, so its label is not aligned
        let dated = as_of.map(|d| format!("{} as of {}", name_label("party", name, label), d.date));
        if !has_block {
            match dated {
                Some(h) => {
                    self.push((lo, hi), 0, h);
                }
                None => self.push_quoted((lo, hi), 0, decl, label, Align::Decl),
            }
            return;
        }
        let last = statements.last().map_or(hi, |s| s.span.end as usize);
        let (close_lo, close_hi) = self
            .scan
            .next(Tk::RBrace, last)
            .map_or((last, last), |t| (t.start, t.end));
        if statements.is_empty() && !self.scan.comment_inside(hi, close_lo) {
            // a party without statements has no block
            match dated {
                Some(h) => {
                    self.push((lo, close_hi), 0, h);
                }
                None => self.push_quoted((lo, close_hi), 0, decl, label, Align::Decl),
            }
            return;
        }
        let header = match dated {
            Some(h) => format!("{h} {{"),
            None => format!("{} {{", name_label("party", name, label)),
        };
        self.push((lo, hi), 0, header).open = true;
        let block = self.blocks;
        self.blocks += 1;
        for st in statements {
            self.push_quoted(
                range(st.span),
                1,
                statement_body(st),
                st.quote.as_deref(),
                Align::Block(block),
            );
        }
        self.push((close_lo, close_hi), 0, "}".to_owned()).close = true;
    }

    fn scenario(&mut self, name: &Ident, label: Option<&Str>, formulas: &[Formula], span: Span) {
        let (lo, hi) = range(span);
        let header = name_label("scenario", name, label);
        let texts: Vec<String> = formulas.iter().map(formula).collect();
        let one_line = if texts.is_empty() {
            format!("{header} {{}}")
        } else {
            format!("{header} {{ {} }}", texts.join(", "))
        };
        let open = self.scan.next(Tk::LBrace, hi);
        let close = open.and_then(|o| self.scan.next(Tk::RBrace, o.end));
        let (Some(open), Some(close)) = (open, close) else {
            self.push((lo, hi), 0, one_line);
            return;
        };
        if one_line.chars().count() <= MAX_WIDTH && !self.scan.comment_inside(open.end, close.start)
        {
            self.push((lo, close.end), 0, one_line);
            return;
        }
        self.push((lo, open.end), 0, format!("{header} {{")).open = true;
        for (f, text) in formulas.iter().zip(texts) {
            let (s, e) = range(f.span);
            let extent = self.scan.with_parens(s, e);
            self.push(extent, 1, text);
        }
        self.push((close.start, close.end), 0, "}".to_owned()).close = true;
    }

    /// Attaches every comment to a unit (or to the end of the file).
    fn attach_comments(&mut self) -> Vec<usize> {
        let mut eof = Vec::new();
        for (ci, c) in self.scan.comments.iter().enumerate() {
            if !c.own_line {
                // the unit the code before the comment belongs to, or the
                // last one before it
                let k = self.units.partition_point(|u| u.lo < c.code_before);
                if let Some(u) = k.checked_sub(1).and_then(|k| self.units.get_mut(k)) {
                    if u.hi > c.start {
                        u.inside.push(ci);
                        continue;
                    }
                    if u.trailing.is_none() {
                        u.trailing = Some(ci);
                        continue;
                    }
                }
            }
            let k = self.units.partition_point(|u| u.hi <= c.start);
            match self.units.get_mut(k) {
                Some(u) if u.lo < c.start => u.inside.push(ci),
                Some(u) => u.leading.push(ci),
                None => eof.push(ci),
            }
        }
        eof
    }

    /// Whether a blank line comes before the comment (alone on its line).
    fn comment_blank(&self, ci: usize) -> bool {
        self.scan
            .comments
            .get(ci)
            .is_some_and(|c| c.own_line && self.scan.blank_before(self.text, c.start))
    }

    /// The number of spaces before each unit's quote.
    fn quote_pads(&self) -> Vec<usize> {
        let mut pads: Vec<usize> = self.units.iter().map(|u| u.align.gap()).collect();
        let mut i = 0;
        while i < self.units.len() {
            let align = self.units.get(i).map_or(Align::None, |u| u.align);
            if align == Align::None {
                i += 1;
                continue;
            }
            // the run of units aligned together
            let mut j = i + 1;
            while let Some(u) = self.units.get(j) {
                let breaks = matches!(align, Align::Decl | Align::Assume)
                    && (self.scan.blank_before(self.text, u.lo)
                        || u.leading.iter().any(|&c| self.comment_blank(c)));
                if u.align != align || breaks {
                    break;
                }
                j += 1;
            }
            let run = self.units.get(i..j).unwrap_or_default();
            let gap = align.gap();
            let width = |u: &Unit| u.depth * INDENT.len() + u.body.chars().count();
            let target = run
                .iter()
                .filter(|u| u.quote.is_some())
                .map(|u| width(u) + gap)
                .filter(|&w| w <= QUOTE_LIMIT)
                .max();
            for (k, u) in run.iter().enumerate() {
                // unquoted lines may be wider than the target: only quoted
                // ones within the limit are padded to it
                if let (Some(t), Some(p), Some(_)) = (target, pads.get_mut(i + k), &u.quote)
                    && width(u) + gap <= QUOTE_LIMIT
                {
                    *p = t.saturating_sub(width(u));
                }
            }
            i = j;
        }
        pads
    }

    fn finish(mut self) -> String {
        let eof = self.attach_comments();
        let pads = self.quote_pads();
        let mut out = Out {
            text: String::with_capacity(self.text.len() + self.text.len() / 8),
            state: State::Start,
        };
        let comment = |ci: usize| {
            self.scan
                .comments
                .get(ci)
                .map_or("", |c: &scan::Comment| c.text.as_str())
        };
        for (u, pad) in self.units.iter().zip(pads) {
            let indent = INDENT.repeat(u.depth);
            // comments before a `}` are the block's last lines
            let cindent = if u.close {
                INDENT.repeat(u.depth + 1)
            } else {
                indent.clone()
            };
            for &ci in &u.leading {
                out.blank(self.comment_blank(ci));
                out.line(&cindent, comment(ci), State::Line);
            }
            out.blank(!u.close && self.scan.blank_before(self.text, u.lo));
            for &ci in &u.inside {
                out.line(&indent, comment(ci), State::Line);
            }
            let mut line = u.body.clone();
            if let Some(q) = &u.quote {
                line.push_str(&" ".repeat(pad));
                line.push_str(q);
            }
            if let Some(ci) = u.trailing {
                line.push(' ');
                line.push_str(comment(ci));
            }
            let state = if u.open { State::Open } else { State::Line };
            out.line(&indent, &line, state);
        }
        for ci in eof {
            out.blank(self.comment_blank(ci));
            out.line("", comment(ci), State::Line);
        }
        out.text
    }
}

fn range(span: Span) -> (usize, usize) {
    (span.start as usize, span.end as usize)
}

/// What the last output line was.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing written yet.
    Start,
    /// A header ending with `{`.
    Open,
    /// Anything else.
    Line,
}

struct Out {
    text: String,
    state: State,
}

impl Out {
    /// A blank line, if wanted and allowed here (not at the start of the
    /// file, not right after `{`).
    fn blank(&mut self, want: bool) {
        if want && self.state == State::Line {
            self.text.push('\n');
            self.state = State::Open;
        }
    }

    fn line(&mut self, indent: &str, text: &str, state: State) {
        self.text.push_str(indent);
        self.text.push_str(text);
        self.text.push('\n');
        self.state = state;
    }
}
