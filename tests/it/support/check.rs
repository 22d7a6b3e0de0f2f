//! A test-only builder of resolved models, with a tiny formula syntax:
//! `a`, `a@p`, `not f` / `!f`, `f & g` / `f and g`, `f | g` / `f or g`,
//! `f -> g` (right associative), `f <-> g`, parentheses. Every statement,
//! scenario and expectation gets its own line in a fake source so spans are
//! distinct and ordered; `line_of` maps a span back to that line.
use stancecheck::model::*;
use stancecheck::source::{FileId, Span};

#[derive(Default)]
pub struct Builder {
    pub m: Model,
    line: u32,
    parties: std::collections::HashMap<String, PartyId>,
    topics: std::collections::HashMap<String, TopicId>,
    atoms: std::collections::HashMap<Atom, AtomId>,
}

const LINE: u32 = 1000;

pub fn line_of(span: Span) -> u32 {
    span.start / LINE
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    fn next_span(&mut self) -> Span {
        self.line += 1;
        Span::new(
            FileId(0),
            (self.line * LINE) as usize,
            (self.line * LINE + 10) as usize,
        )
    }

    pub fn party(&mut self, name: &str) -> PartyId {
        if let Some(p) = self.parties.get(name) {
            return *p;
        }
        self.parties
            .insert(name.into(), PartyId(self.m.parties.len() as u32));
        let span = self.next_span();
        self.m.parties.push(Party {
            name: name.into(),
            label: None,
            span,
        });
        PartyId(self.m.parties.len() as u32 - 1)
    }

    pub fn topic(&mut self, name: &str) -> TopicId {
        if let Some(t) = self.topics.get(name) {
            return *t;
        }
        self.topics
            .insert(name.into(), TopicId(self.m.topics.len() as u32));
        self.m.topics.push(Topic {
            name: name.into(),
            label: None,
            span: Span::default(),
            declared: true,
        });
        TopicId(self.m.topics.len() as u32 - 1)
    }

    fn atom_at(&mut self, topic: &str, party: Option<&str>, span: Span) -> AtomId {
        let t = self.topic(topic);
        let p = party.map(|p| self.party(p));
        if p.is_some() {
            // The plain atom exists first.
            self.atom_at(topic, None, span);
        }
        let a = Atom { topic: t, party: p };
        if let Some(i) = self.atoms.get(&a) {
            return *i;
        }
        self.atoms.insert(a, AtomId(self.m.atoms.len() as u32));
        self.m.atoms.push(a);
        // Atom spans: inside the line that first writes the atom, offset by
        // the atom index so they are distinct.
        let off = 100 + self.m.atoms.len() as u32;
        self.m.atom_spans.push(Span::new(
            FileId(0),
            (span.start + off) as usize,
            (span.start + off + 1) as usize,
        ));
        AtomId(self.m.atoms.len() as u32 - 1)
    }

    pub fn parse(&mut self, text: &str, span: Span) -> Expr {
        let toks = lex(text);
        let mut pos = 0;
        let e = self.p_iff(&toks, &mut pos, span);
        assert_eq!(pos, toks.len(), "trailing tokens in {text:?}");
        e
    }

    fn p_iff(&mut self, t: &[String], pos: &mut usize, sp: Span) -> Expr {
        let a = self.p_imp(t, pos, sp);
        if t.get(*pos).map(String::as_str) == Some("<->") {
            *pos += 1;
            let b = self.p_imp(t, pos, sp);
            return Expr::Iff(Box::new(a), Box::new(b));
        }
        a
    }
    fn p_imp(&mut self, t: &[String], pos: &mut usize, sp: Span) -> Expr {
        let a = self.p_or(t, pos, sp);
        if t.get(*pos).map(String::as_str) == Some("->") {
            *pos += 1;
            let b = self.p_imp(t, pos, sp);
            return Expr::Implies(Box::new(a), Box::new(b));
        }
        a
    }
    fn p_or(&mut self, t: &[String], pos: &mut usize, sp: Span) -> Expr {
        let mut xs = vec![self.p_and(t, pos, sp)];
        while matches!(t.get(*pos).map(String::as_str), Some("|" | "or")) {
            *pos += 1;
            xs.push(self.p_and(t, pos, sp));
        }
        if xs.len() == 1 {
            xs.pop().unwrap()
        } else {
            Expr::Or(xs)
        }
    }
    fn p_and(&mut self, t: &[String], pos: &mut usize, sp: Span) -> Expr {
        let mut xs = vec![self.p_un(t, pos, sp)];
        while matches!(t.get(*pos).map(String::as_str), Some("&" | "and")) {
            *pos += 1;
            xs.push(self.p_un(t, pos, sp));
        }
        if xs.len() == 1 {
            xs.pop().unwrap()
        } else {
            Expr::And(xs)
        }
    }
    fn p_un(&mut self, t: &[String], pos: &mut usize, sp: Span) -> Expr {
        let tok = t.get(*pos).cloned().expect("formula ends early");
        *pos += 1;
        match tok.as_str() {
            "!" | "not" => Expr::Not(Box::new(self.p_un(t, pos, sp))),
            "(" => {
                let e = self.p_iff(t, pos, sp);
                assert_eq!(t.get(*pos).map(String::as_str), Some(")"));
                *pos += 1;
                e
            }
            "true" => Expr::And(vec![]),
            "false" => Expr::Or(vec![]),
            name => match name.split_once('@') {
                Some((x, p)) => Expr::Atom(self.atom_at(x, Some(p), sp)),
                None => Expr::Atom(self.atom_at(name, None, sp)),
            },
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        party: Option<&str>,
        kind: StmtKind,
        formula: Expr,
        cond: Option<String>,
        text: String,
        span: Span,
    ) -> StmtId {
        let id = StmtId(self.m.statements.len() as u32);
        let party = party.map(|p| self.party(p));
        // A conditional statement's formula is `C -> …`.
        let (condition_span, condition_text) = match cond {
            Some(t) => (
                Some(Span::new(
                    FileId(0),
                    (span.start + 50) as usize,
                    (span.start + 60) as usize,
                )),
                Some(self.m.add_text(&t)),
            ),
            None => (None, None),
        };
        let text = self.m.add_text(&text);
        self.m.statements.push(Statement {
            id,
            party,
            kind,
            formula,
            condition_span,
            condition_text,
            label: None,
            quote: None,
            weight: 1,
            span,
            text,
            date: None,
        });
        id
    }

    /// Sets the weight of statement `id` (LANGUAGE.md §10).
    pub fn weight(&mut self, id: StmtId, w: u32) {
        self.m.statements[id.0 as usize].weight = w;
    }

    fn conditional(&mut self, party: &str, kind: StmtKind, f: &str, when: Option<&str>) -> StmtId {
        let span = self.next_span();
        let fe = self.parse(f, span);
        let fe = match kind {
            StmtKind::Rejects | StmtKind::Avoids => Expr::Not(Box::new(fe)),
            _ => fe,
        };
        let word = kind.as_str();
        match when {
            None => self.push(Some(party), kind, fe, None, format!("{word} {f}"), span),
            Some(c) => {
                let ce = self.parse(c, span);
                self.push(
                    Some(party),
                    kind,
                    Expr::Implies(Box::new(ce), Box::new(fe)),
                    Some(c.into()),
                    format!("{word} {f} when {c}"),
                    span,
                )
            }
        }
    }

    pub fn requires(&mut self, p: &str, f: &str) -> StmtId {
        self.conditional(p, StmtKind::Requires, f, None)
    }
    pub fn requires_when(&mut self, p: &str, f: &str, c: &str) -> StmtId {
        self.conditional(p, StmtKind::Requires, f, Some(c))
    }
    pub fn rejects(&mut self, p: &str, f: &str) -> StmtId {
        self.conditional(p, StmtKind::Rejects, f, None)
    }
    pub fn rejects_when(&mut self, p: &str, f: &str, c: &str) -> StmtId {
        self.conditional(p, StmtKind::Rejects, f, Some(c))
    }
    pub fn prefers(&mut self, p: &str, f: &str) -> StmtId {
        self.conditional(p, StmtKind::Prefers, f, None)
    }
    pub fn prefers_when(&mut self, p: &str, f: &str, c: &str) -> StmtId {
        self.conditional(p, StmtKind::Prefers, f, Some(c))
    }
    pub fn avoids(&mut self, p: &str, f: &str) -> StmtId {
        self.conditional(p, StmtKind::Avoids, f, None)
    }
    pub fn claims(&mut self, p: &str, f: &str) -> StmtId {
        self.conditional(p, StmtKind::Claims, f, None)
    }

    pub fn no_without(&mut self, p: &str, a: &str, b: &str) -> StmtId {
        let span = self.next_span();
        let ae = self.parse(a, span);
        let be = self.parse(b, span);
        self.push(
            Some(p),
            StmtKind::NoWithout,
            Expr::Implies(Box::new(ae), Box::new(be)),
            Some(a.into()),
            format!("no {a} without {b}"),
            span,
        )
    }

    pub fn duty(&mut self, p: &str, q: &str, x: &str) -> StmtId {
        let span = self.next_span();
        let xa = self.parse(x, span);
        let xq = self.parse(&format!("{x}@{q}"), span);
        self.push(
            Some(p),
            StmtKind::Duty,
            Expr::Implies(Box::new(xa), Box::new(xq)),
            None,
            format!("duty {q}: {x}"),
            span,
        )
    }

    pub fn assume(&mut self, f: &str) -> StmtId {
        let span = self.next_span();
        let fe = self.parse(f, span);
        self.push(
            None,
            StmtKind::Assume,
            fe,
            None,
            format!("assume {f}"),
            span,
        )
    }

    pub fn label(&mut self, s: StmtId, label: &str) {
        self.m.statements[s.0 as usize].label = Some(label.into());
    }

    pub fn scenario(&mut self, name: &str, fs: &[&str]) -> ScenarioId {
        let span = self.next_span();
        let formulas = fs.iter().map(|f| self.parse(f, span)).collect();
        self.m.scenarios.push(Scenario {
            name: name.into(),
            label: None,
            formulas,
            span,
            text: fs.join(", "),
        });
        ScenarioId(self.m.scenarios.len() as u32 - 1)
    }

    pub fn expect(&mut self, kind: ExpectKind, text: &str) -> Span {
        let span = self.next_span();
        self.m.expectations.push(Expectation {
            kind,
            span,
            text: text.into(),
            as_of: None,
        });
        span
    }

    pub fn expect_impossible(&mut self, f: &str) -> Span {
        let span = self.next_span();
        let e = self.parse(f, span);
        self.m.expectations.push(Expectation {
            kind: ExpectKind::Impossible(e),
            span,
            text: format!("expect impossible {f}"),
            as_of: None,
        });
        span
    }

    pub fn pid(&self, name: &str) -> PartyId {
        PartyId(self.m.parties.iter().position(|p| p.name == name).unwrap() as u32)
    }
}

fn lex(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if s[s.char_indices().nth(i).unwrap().0..].starts_with("<->") {
            out.push("<->".into());
            i += 3;
        } else if c == '-' && cs.get(i + 1) == Some(&'>') {
            out.push("->".into());
            i += 2;
        } else if "()!&|".contains(c) {
            out.push(c.to_string());
            i += 1;
        } else {
            let st = i;
            while i < cs.len() && (cs[i].is_alphanumeric() || cs[i] == '_' || cs[i] == '@') {
                i += 1;
            }
            assert!(i > st, "bad char {c:?} in {s:?}");
            out.push(cs[st..i].iter().collect());
        }
    }
    out
}

// ---------- random models (shared by the oracle and export tests) ----------

/// Party names of random models.
pub const PARTIES: [&str; 3] = ["p0", "p1", "p2"];
/// Topic names of random models.
pub const TOPICS: [&str; 4] = ["a", "b", "c", "d"];

/// A source of random numbers below a bound (each test keeps its own
/// generator, so its seeded inputs stay as they were).
pub trait Below {
    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64;
}

impl Below for stancecheck::generate::Rng {
    fn below(&mut self, n: u64) -> u64 {
        stancecheck::generate::Rng::below(self, n as usize) as u64
    }
}

/// A small deterministic generator (xorshift): the same random models on
/// every run and machine. The one generator of the suites.
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

impl Below for Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The start of a random model of the oracles: the generator for `seed`
/// (warmed up), 2–3 parties (declared in the builder) and 2–4 topics.
pub fn random_start(seed: u64) -> (Rng, u64, u64, Builder) {
    let mut r = Rng(seed | 1);
    for _ in 0..4 {
        r.next();
    }
    let np = 2 + r.below(2);
    let nt = 2 + r.below(3);
    let mut b = Builder::new();
    for p in PARTIES.iter().take(np as usize) {
        b.party(p);
    }
    (r, np, nt, b)
}

/// A random literal or a formula of one level, alike likely.
pub fn literalish(r: &mut impl Below, nt: u64, np: u64) -> String {
    let d = if r.below(2) == 0 { 0 } else { 1 };
    formula(r, nt, np, d)
}

/// A random atom over the first `nt` topics and `np` parties.
pub fn atom(r: &mut impl Below, nt: u64, np: u64) -> String {
    let t = TOPICS[r.below(nt) as usize];
    if r.below(5) == 0 {
        format!("{t}@{}", PARTIES[r.below(np) as usize])
    } else {
        t.to_string()
    }
}

/// A random formula of at most `depth` binary levels.
pub fn formula(r: &mut impl Below, nt: u64, np: u64, depth: u32) -> String {
    if depth == 0 || r.below(3) == 0 {
        let a = atom(r, nt, np);
        return if r.below(3) == 0 {
            format!("not {a}")
        } else {
            a
        };
    }
    let x = formula(r, nt, np, depth - 1);
    let y = formula(r, nt, np, depth - 1);
    match r.below(5) {
        0 => format!("({x} & {y})"),
        1 => format!("({x} | {y})"),
        2 => format!("({x} -> {y})"),
        3 => format!("({x} <-> {y})"),
        _ => format!("not ({x} | {y})"),
    }
}

/// The value of `e` in truth-table row `row` (bit `i`: atom `i`), written
/// independently of the checker's own evaluator.
pub fn ev(e: &Expr, row: u64) -> bool {
    match e {
        Expr::Atom(a) => row >> a.0 & 1 == 1,
        Expr::Not(x) => !ev(x, row),
        Expr::And(xs) => xs.iter().all(|x| ev(x, row)),
        Expr::Or(xs) => xs.iter().any(|x| ev(x, row)),
        Expr::Implies(a, b) => !ev(a, row) || ev(b, row),
        Expr::Iff(a, b) => ev(a, row) == ev(b, row),
    }
}
