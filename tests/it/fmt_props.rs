//! Property test of the formatter: on random valid rule files (every item
//! and statement kind, labels, quotes with escapes, random spellings,
//! redundant parentheses, spacing, comments, blank lines, CRLF, BOM),
//! formatting succeeds, is idempotent, keeps every comment, and changes
//! neither the resolved model nor the check results.

use proptest::prelude::*;
use stancecheck::ast::Formula;
use stancecheck::check::CheckOptions;
use stancecheck::format::format_source;
use stancecheck::load::{Loader, MemoryFs};
use stancecheck::model::Model;
use stancecheck::pipeline;
use stancecheck::render::{Format, RenderOptions, render};
use stancecheck::resolve;
use stancecheck::source::FileId;
use stancecheck::syntax;

const PARTIES: &[&str] = &["us", "eu", "russia", "p_2"];
const TOPICS: &[&str] = &["ceasefire", "guarantees", "a", "b", "Troops"];
const SCENARIOS: &[&str] = &["deal", "s1", "nothing"];

/// A seeded generator of rule files (xorshift; the seed comes from
/// proptest, so a failure names a reproducible case).
struct Gen {
    state: u64,
    comments: usize,
    labels: usize,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen {
            state: seed | 1,
            comments: 0,
            labels: 0,
        }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }

    /// Space between tokens.
    fn ws(&mut self) -> &'static str {
        self.pick(&[" ", " ", " ", "  ", "\t", " \t "])
    }

    /// Space or nothing, where a token boundary is clear anyway.
    fn ows(&mut self) -> &'static str {
        self.pick(&["", "", " ", "  "])
    }

    fn indent(&mut self) -> &'static str {
        self.pick(&["", "  ", "  ", "    ", "\t", " "])
    }

    fn comment(&mut self) -> String {
        self.comments += 1;
        let body = self.pick(&[
            "",
            " note",
            "#double",
            " \"quoted\" { } ( ) ; ,",
            " café → 中文",
            " requires a and b",
            "   spaced   ",
        ]);
        format!("# c{}{body}", self.comments)
    }

    /// Blank lines (mostly none).
    fn blanks(&mut self) -> String {
        let n = [0, 0, 0, 1, 2][self.below(5)];
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(self.pick(&["", "  ", "\t"]));
            s.push('\n');
        }
        s
    }

    /// Full-line comments, blank lines or nothing, at `indent`.
    fn gap(&mut self) -> String {
        let mut s = self.blanks();
        if self.chance(25) {
            let ind = self.indent();
            s.push_str(ind);
            s.push_str(&self.comment());
            s.push('\n');
            s.push_str(&self.blanks());
        }
        s
    }

    /// End of a line: maybe a trailing comment.
    fn eol(&mut self) -> String {
        let mut s = String::new();
        if self.chance(25) {
            s.push_str(self.ws());
            s.push_str(&self.comment());
        } else if self.chance(10) {
            s.push_str(self.ws());
        }
        s.push('\n');
        s
    }

    fn string(&mut self) -> String {
        let mut s = String::from("\"");
        for _ in 0..self.below(12) {
            match self.below(12) {
                0 => s.push_str("\\\""),
                1 => s.push_str("\\\\"),
                2 => s.push_str("\\n"),
                3 => s.push_str(self.pick(&["\\t", "\t"])),
                4 => s.push('#'),
                5 => s.push_str("é→"),
                6 => s.push_str("(a)"),
                _ => s.push_str(self.pick(&["x", "word", " ", "Ukraine", "'"])),
            }
        }
        s.push('"');
        s
    }

    fn atom(&mut self) -> String {
        let t = self.pick(TOPICS);
        if self.chance(25) {
            let p = self.pick(PARTIES);
            let (a, b) = (self.ows(), self.ows());
            format!("{t}{a}@{b}{p}")
        } else {
            t.to_owned()
        }
    }

    /// A formula and its binding strength (6 atom … 1 `<->`).
    fn formula(&mut self, depth: u32) -> (String, u8) {
        let choice = if depth == 0 { 0 } else { self.below(8) };
        let (text, prec) = match choice {
            0..=1 => (self.atom(), 6),
            2 => {
                let op = self.pick(&["not ", "!", "! ", "not  "]);
                (format!("{op}{}", self.operand(depth - 1, 5)), 5)
            }
            3 | 4 => {
                let n = 2 + self.below(3);
                let mut parts = Vec::new();
                for _ in 0..n {
                    parts.push(self.operand(depth - 1, if choice == 3 { 5 } else { 4 }));
                }
                let mut s = parts.remove(0);
                for p in parts {
                    let op = if choice == 3 {
                        self.pick(&[" and ", " & ", "&", "  and\t"])
                    } else {
                        self.pick(&[" or ", " | ", "|", " or  "])
                    };
                    s.push_str(op);
                    s.push_str(&p);
                }
                (s, if choice == 3 { 4 } else { 3 })
            }
            5 | 6 => {
                let a = self.operand(depth - 1, 3);
                let b = self.operand(depth - 1, 2);
                let op = self.pick(&[" -> ", "->", "  ->  "]);
                (format!("{a}{op}{b}"), 2)
            }
            _ => {
                let a = self.operand(depth - 1, 2);
                let b = self.operand(depth - 1, 2);
                let op = self.pick(&[" <-> ", "<->"]);
                (format!("{a}{op}{b}"), 1)
            }
        };
        if self.chance(12) {
            (self.paren(&text), 6)
        } else {
            (text, prec)
        }
    }

    fn operand(&mut self, depth: u32, min: u8) -> String {
        let (t, p) = self.formula(depth);
        if p < min { self.paren(&t) } else { t }
    }

    /// `( text )`, maybe continued over lines with comments inside.
    fn paren(&mut self, text: &str) -> String {
        let mut s = String::from("(");
        s.push_str(self.ows());
        if self.chance(10) {
            if self.chance(50) {
                s.push_str(&self.comment());
            }
            s.push('\n');
            if self.chance(30) {
                s.push_str("    ");
                s.push_str(&self.comment());
                s.push('\n');
            }
            s.push_str(self.indent());
        }
        s.push_str(text);
        s.push_str(self.ows());
        if self.chance(5) {
            s.push('\n');
            s.push_str(self.indent());
        }
        s.push(')');
        s
    }

    fn full_formula(&mut self) -> String {
        let depth = self.below(4) as u32;
        self.formula(depth).0
    }

    fn label(&mut self) -> String {
        if self.chance(30) {
            self.labels += 1;
            let (a, b) = (self.ows(), self.ws());
            format!("l{}{a}:{b}", self.labels)
        } else {
            String::new()
        }
    }

    fn quote(&mut self) -> String {
        if self.chance(50) {
            let ws = self.ws();
            format!("{ws}{}", self.string())
        } else {
            String::new()
        }
    }

    fn statement(&mut self) -> String {
        let mut s = self.label();
        match self.below(7) {
            k @ 0..=3 => {
                s.push_str(["requires", "rejects", "prefers", "avoids"][k]);
                s.push_str(self.ws());
                s.push_str(&self.full_formula());
                if self.chance(35) {
                    let (a, b) = (self.ws(), self.ws());
                    s.push_str(&format!("{a}when{b}{}", self.full_formula()));
                }
            }
            4 => {
                s.push_str("claims");
                s.push_str(self.ws());
                s.push_str(&self.full_formula());
            }
            5 => {
                let (a, b, c) = (self.ws(), self.ws(), self.ws());
                let (x, y) = (self.full_formula(), self.full_formula());
                s.push_str(&format!("no{a}{x}{b}without{c}{y}"));
            }
            _ => {
                let (a, b, c) = (self.ws(), self.ows(), self.ows());
                let (p, t) = (self.pick(PARTIES), self.pick(TOPICS));
                s.push_str(&format!("duty{a}{p}{b}:{c}{t}"));
            }
        }
        if !s.contains("claims") && self.chance(25) {
            // `weight N` (LANGUAGE.md §10), with leading zeros now and then
            let (a, b) = (self.ws(), self.ws());
            let n = 1 + self.below(1_000_000);
            let zeros = if self.chance(10) { "00" } else { "" };
            s.push_str(&format!("{a}weight{b}{zeros}{n}"));
        }
        s.push_str(&self.quote());
        s
    }

    fn name_label(&mut self, kw: &str, name: &str) -> String {
        let ws = self.ws();
        let mut s = format!("{kw}{ws}{name}");
        if self.chance(60) {
            s.push_str(self.ws());
            s.push_str(&self.string());
        }
        s
    }

    fn party_block(&mut self) -> String {
        let name = self.pick(PARTIES);
        let mut s = self.name_label("party", name);
        if self.chance(30) {
            // a dated snapshot (LANGUAGE.md §11)
            let date = ["2025-02-12", "2025-02-26", "2024-02-29", "1999-12-31"];
            let ws = self.ws();
            s.push_str(&format!(" as{ws}of {}", self.pick(&date)));
        }
        s.push_str(self.ows());
        s.push('{');
        let n = self.below(5);
        if self.chance(25) {
            // all on one line
            for i in 0..n {
                s.push_str(if i == 0 { " " } else { "; " });
                s.push_str(&self.statement());
            }
            s.push_str(self.ows());
            s.push('}');
            s.push_str(&self.eol());
            return s;
        }
        s.push_str(&self.eol());
        for _ in 0..n {
            s.push_str(&self.gap());
            s.push_str(self.indent());
            s.push_str(&self.statement());
            if self.chance(10) {
                s.push(';');
                s.push_str(self.ws());
                s.push_str(&self.statement());
            }
            s.push_str(&self.eol());
        }
        s.push_str(&self.gap());
        s.push_str(self.indent());
        s.push('}');
        s.push_str(&self.eol());
        s
    }

    fn scenario(&mut self) -> String {
        let name = self.pick(SCENARIOS);
        let mut s = self.name_label("scenario", name);
        s.push_str(self.ws());
        s.push('{');
        let n = self.below(4);
        if self.chance(50) {
            for i in 0..n {
                s.push_str(if i == 0 { " " } else { ", " });
                s.push_str(&self.full_formula());
            }
            s.push_str(self.ows());
            s.push('}');
            s.push_str(&self.eol());
            return s;
        }
        s.push_str(&self.eol());
        for _ in 0..n {
            s.push_str(&self.gap());
            s.push_str(self.indent());
            s.push_str(&self.full_formula());
            if self.chance(40) {
                s.push(',');
            }
            s.push_str(&self.eol());
        }
        s.push_str(&self.gap());
        s.push('}');
        s.push_str(&self.eol());
        s
    }

    fn parties(&mut self, min: usize) -> String {
        let n = min + self.below(2);
        let mut v = Vec::new();
        for _ in 0..n {
            v.push(self.pick(PARTIES));
        }
        let sep = self.pick(&[", ", ",", " , "]);
        v.join(sep)
    }

    fn expect(&mut self) -> String {
        let ws = self.ws();
        match self.below(6) {
            5 => format!("expect{ws}reversal {}", self.pick(PARTIES)),
            0 => format!("expect{ws}consistent {}", self.parties(1)),
            1 => format!("expect{ws}conflict {}", self.parties(2)),
            k @ 2..=3 => {
                let kw = if k == 2 { "feasible" } else { "infeasible" };
                let s = self.pick(SCENARIOS);
                if self.chance(40) {
                    format!("expect{ws}{kw} {s} for {}", self.parties(1))
                } else {
                    format!("expect{ws}{kw} {s}")
                }
            }
            _ => format!("expect{ws}impossible {}", self.full_formula()),
        }
    }

    fn file(&mut self) -> String {
        let mut s = String::new();
        if self.chance(30) {
            s.push_str(&self.comment());
            s.push('\n');
        }
        for _ in 0..self.below(12) {
            s.push_str(&self.gap());
            match self.below(9) {
                0 | 1 => {
                    let name = self.pick(PARTIES);
                    s.push_str(&self.name_label("party", name));
                    if self.chance(10) {
                        s.push_str(" {}");
                    }
                }
                2 | 3 => {
                    let name = self.pick(TOPICS);
                    s.push_str(&self.name_label("topic", name));
                    if self.chance(15) {
                        s.push(';');
                        s.push_str(self.ws());
                        let name = self.pick(TOPICS);
                        s.push_str(&self.name_label("topic", name));
                    }
                }
                4 | 5 => {
                    s.push_str(&self.party_block());
                    continue;
                }
                6 => {
                    let ws = self.ws();
                    let lbl = self.label();
                    let f = self.full_formula();
                    let q = self.quote();
                    s.push_str(&format!("assume{ws}{lbl}{f}{q}"));
                }
                7 => {
                    s.push_str(&self.scenario());
                    continue;
                }
                _ => s.push_str(&self.expect()),
            }
            s.push_str(&self.eol());
        }
        s.push_str(&self.gap());
        if self.chance(20) {
            s.push_str(&self.comment());
        }
        if self.chance(10) {
            s = s.trim_end_matches('\n').to_owned();
        }
        if self.chance(15) {
            s = s.replace('\n', "\r\n");
        }
        if self.chance(5) {
            s.insert(0, '\u{feff}');
        }
        s
    }
}

/// The comments of a text (outside strings), trailing whitespace removed.
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next_if(|&n| n != '\n');
                }
                '"' | '\n' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '#' {
            let mut s = String::from("#");
            while let Some(n) = chars.next_if(|&n| n != '\n') {
                s.push(n);
            }
            out.push(s.trim_end().to_owned());
        }
    }
    out.sort();
    out
}

/// Loads one file from memory: the model and the JSON of the full check.
fn check(text: &str) -> (Model, serde_json::Value) {
    let mut fs = MemoryFs::new();
    fs.insert("f.stance", text.as_bytes());
    let mut loader = Loader::new(&fs);
    loader.add_root("f.stance").unwrap();
    let loaded = loader.finish();
    let report = pipeline::run(&loaded, &CheckOptions::default());
    let json = render(
        Format::Json,
        &report.diagnostics,
        &loaded.sources,
        &RenderOptions::default(),
    );
    let unit = &loaded.units[0];
    let files: Vec<_> = unit
        .files
        .iter()
        .map(|&f| (f, loaded.ast(f).unwrap()))
        .collect();
    let (model, _) = resolve::resolve(&loaded.sources, &files);
    let mut json: serde_json::Value = serde_json::from_str(&json).unwrap();
    normalise(&mut json);
    // Diagnostics at one position are ordered by their message, which
    // quotes source text: compare them as a multiset.
    if let Some(serde_json::Value::Array(ds)) = json.get_mut("diagnostics") {
        ds.sort_by_cached_key(|d| d.to_string());
    }
    (model, json)
}

/// Removes positions and normalises the spelling of formulas in texts
/// (spacing, `&`/`|`/`!`, parentheses): what formatting may change. The
/// formulas themselves are compared as trees.
fn normalise(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for k in ["line", "column", "end_line", "end_column"] {
                map.remove(k);
            }
            // Fixes are text edits that depend on the layout (a
            // declaration alone on its line can be removed; `party eu {}`
            // has no removal fix): not meaning.
            map.remove("fixes");
            for (_, x) in map.iter_mut() {
                normalise(x);
            }
        }
        serde_json::Value::Array(xs) => xs.iter_mut().for_each(normalise),
        serde_json::Value::String(s) => {
            // statement texts are slices of the source: a comment inside a
            // statement continued over lines is part of it (the formatter
            // moves it before the statement)
            let uncommented: Vec<&str> = s
                .lines()
                .map(|l| l.split_once('#').map_or(l, |(code, _)| code))
                .collect();
            // one token per word or symbol; parentheses dropped; `&`, `|`,
            // `!` spelled as words
            let mut t = uncommented
                .join("\n")
                .replace("<->", " \u{1} ")
                .replace("->", " \u{2} ");
            for c in ['&', '|', '!', '(', ')', ',', ':', '@', '`'] {
                t = t.replace(c, &format!(" {c} "));
            }
            *s = t
                .split_whitespace()
                .filter(|w| !matches!(*w, "(" | ")"))
                .map(|w| match w {
                    "&" => "and",
                    "|" => "or",
                    "!" => "not",
                    "\u{1}" => "<->",
                    "\u{2}" => "->",
                    w => w,
                })
                .collect::<Vec<_>>()
                .join(" ");
        }
        _ => {}
    }
}

/// Every formula of a file's syntax tree, in order.
fn formulas(text: &str) -> Vec<Formula> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (file, errors) = syntax::parse(FileId(0), text);
    assert!(errors.is_empty());
    file.formulas().into_iter().cloned().collect()
}

/// The model without positions and source texts.
fn model_key(m: &Model) -> String {
    let mut s = String::new();
    for p in &m.parties {
        s.push_str(&format!("party {} {:?}\n", p.name, p.label));
    }
    for t in &m.topics {
        s.push_str(&format!("topic {} {:?} {}\n", t.name, t.label, t.declared));
    }
    s.push_str(&format!("atoms {:?}\n", m.atoms));
    for st in &m.statements {
        s.push_str(&format!(
            "stmt {:?} {:?} {:?} {:?} {:?} {:?} {:?} w{}\n",
            st.party,
            st.kind,
            st.label,
            st.quote,
            st.formula,
            st.condition(),
            st.id,
            st.weight
        ));
    }
    for sc in &m.scenarios {
        s.push_str(&format!(
            "scenario {} {:?} {:?}\n",
            sc.name, sc.label, sc.formulas
        ));
    }
    for e in &m.expectations {
        s.push_str(&format!("expect {:?}\n", e.kind));
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn formatting_keeps_meaning_and_comments(seed in any::<u64>()) {
        let text = Gen::new(seed).file();
        let out = match format_source(FileId(0), &text) {
            Ok(o) => o,
            Err(e) => panic!("generated file has errors: {e:?}\n{text}"),
        };
        let again = format_source(FileId(0), &out).unwrap();
        prop_assert_eq!(&again, &out, "not idempotent\n--- input\n{}", text);
        prop_assert_eq!(comments(&text), comments(&out), "comments differ\n{}\n---\n{}", text, out);
        prop_assert!(!out.contains('\r') || text.contains('\r'));
        prop_assert!(!out.contains("\n\n\n") && !out.starts_with('\n'));
        prop_assert!(out.is_empty() || (out.ends_with('\n') && !out.ends_with("\n\n")));
        let (f1, f2) = (formulas(&text), formulas(&out));
        prop_assert_eq!(f1.len(), f2.len());
        for (a, b) in f1.iter().zip(&f2) {
            prop_assert!(a.same(b), "formula trees differ: {:?} / {:?}\n{}\n---\n{}", a, b, text, out);
        }
        let (m1, j1) = check(&text);
        let (m2, j2) = check(&out);
        prop_assert_eq!(model_key(&m1), model_key(&m2), "models differ\n{}\n---\n{}", text, out);
        prop_assert_eq!(j1, j2, "check results differ\n{}\n---\n{}", text, out);
    }
}

/// The generator is not trivial: its files use what the formatter has to
/// handle.
#[test]
fn generated_files_cover_the_language() {
    let mut all = String::new();
    for seed in 0..200 {
        all.push_str(&Gen::new(seed).file());
    }
    for needle in [
        "requires",
        "rejects",
        "prefers",
        "avoids",
        "claims",
        " without",
        "duty",
        "when",
        "assume",
        "scenario",
        "expect consistent",
        "expect conflict",
        "expect feasible",
        "expect infeasible",
        "expect impossible",
        "expect reversal",
        "@",
        "&",
        " and ",
        "|",
        "!",
        "<->",
        "->",
        "(\n",
        "\\\"",
        "\\t",
        "\r\n",
        "\u{feff}",
        ";",
        "# c",
        "\n\n",
        "l1",
    ] {
        assert!(all.contains(needle), "no `{needle:?}` generated");
    }
    // and the generated files are valid
    for seed in 0..200 {
        let t = Gen::new(seed).file();
        assert!(format_source(FileId(0), &t).is_ok(), "{t}");
    }
}
