//! The check cache (`check::cache`): after every edit of a random
//! multi-component model, the cached check gives byte-for-byte the JSON of
//! a fresh `check` — through random edits inside one component, edits that
//! shift every later position, that merge and split components, that
//! rename topics or change quotes, with small `max_sets`, scenarios,
//! expectations and dated parties. The cache must actually be hit (the
//! hits are counted), or the comparison would prove nothing.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use stancecheck::check::CheckOptions;
use stancecheck::check::cache::CheckCache;
use stancecheck::load::{Loader, MemoryFs};
use stancecheck::pipeline;
use stancecheck::render::{self, Format, RenderOptions};
use std::cell::Cell;

/// One statement line of a model (a one-line `party … { … }` block or an
/// `assume`).
#[derive(Clone, Debug)]
struct Line {
    text: String,
}

/// A model as lines per component: `comps[k]` are the statements of
/// dispute `k` (each `party … {` block of one line), `extra` scenarios
/// and expectations at the end.
#[derive(Clone, Debug)]
struct Doc {
    prefix: Vec<String>,
    comps: Vec<Vec<Line>>,
    extra: Vec<String>,
    /// Topic names per component (renames change them).
    names: Vec<Vec<String>>,
}

const PARTIES: [&str; 3] = ["a", "b", "c"];

fn formula(r: &mut Pick<'_>, names: &[String]) -> String {
    let atom = |r: &mut Pick<'_>| {
        let t = &names[r.below(names.len())];
        match r.below(5) {
            0 => format!("{t}@{}", PARTIES[r.below(3)]),
            1 => format!("not {t}"),
            _ => t.clone(),
        }
    };
    match r.below(4) {
        0 => atom(r),
        1 => format!("{} and {}", atom(r), atom(r)),
        2 => format!("{} or {}", atom(r), atom(r)),
        _ => format!("{} -> {}", atom(r), atom(r)),
    }
}

fn statement(r: &mut Pick<'_>, names: &[String], n: usize) -> String {
    let p = PARTIES[r.below(3)];
    let f = formula(r, names);
    let label = if r.below(4) == 0 {
        format!("s{n}: ")
    } else {
        String::new()
    };
    let quote = if r.below(3) == 0 {
        format!(" \"quote {n}\"")
    } else {
        String::new()
    };
    let body = match r.below(10) {
        0 => format!("rejects {f}"),
        1 => format!("prefers {f}"),
        2 => format!("avoids {f}"),
        3 => format!("claims {f}"),
        4 => format!(
            "no {} without {}",
            names[r.below(names.len())],
            names[r.below(names.len())]
        ),
        5 => format!("requires {f} when {}", names[r.below(names.len())]),
        6 => format!(
            "duty {}: {}",
            PARTIES[r.below(3)],
            names[r.below(names.len())]
        ),
        7 => return format!("assume {f}{quote}"),
        _ => format!("requires {f}"),
    };
    let dated = if r.below(12) == 0 {
        " as of 2024-01-0".to_owned() + &(1 + r.below(3)).to_string()
    } else {
        String::new()
    };
    format!("party {p}{dated} {{ {label}{body}{quote} }}")
}

/// A source of choices from a proptest-made list of numbers.
struct Pick<'a> {
    seq: &'a [u32],
    at: Cell<usize>,
}

impl Pick<'_> {
    fn below(&mut self, n: usize) -> usize {
        let i = self.at.get();
        self.at.set(i + 1);
        let v = self
            .seq
            .get(i % self.seq.len().max(1))
            .copied()
            .unwrap_or(0) as usize;
        // mix in the position so a short list still varies
        (v.wrapping_add(i.wrapping_mul(2_654_435_761))) % n.max(1)
    }
}

impl Doc {
    fn new(r: &mut Pick<'_>, k: usize) -> Doc {
        let mut d = Doc {
            prefix: PARTIES.iter().map(|p| format!("party {p}")).collect(),
            comps: Vec::new(),
            extra: Vec::new(),
            names: Vec::new(),
        };
        for c in 0..k {
            let names: Vec<String> = (0..3).map(|i| format!("t{c}_{i}")).collect();
            let n = 2 + r.below(5);
            let lines = (0..n)
                .map(|i| Line {
                    text: statement(r, &names, c * 100 + i),
                })
                .collect();
            d.comps.push(lines);
            d.names.push(names);
        }
        for _ in 0..r.below(3) {
            d.add_extra(r);
        }
        d
    }

    fn add_extra(&mut self, r: &mut Pick<'_>) {
        let k = r.below(self.comps.len());
        let n = self.extra.len();
        let t = self.names[k][r.below(3)].clone();
        let line = match r.below(5) {
            0 => format!("scenario sc{n} {{ {t} }}"),
            1 => {
                let j = r.below(self.comps.len());
                let u = self.names[j][r.below(3)].clone();
                format!("scenario sc{n} {{ {t}, {u} }}")
            }
            2 => "expect conflict a, b".to_owned(),
            3 => format!("expect impossible {t}"),
            _ => "expect consistent c".to_owned(),
        };
        self.extra.push(line);
        // expectations of scenarios need the scenario first
        if r.below(2) == 0 && self.extra.iter().any(|l| l.starts_with("scenario sc")) {
            let s = self
                .extra
                .iter()
                .find_map(|l| l.strip_prefix("scenario ")?.split(' ').next())
                .map(str::to_owned);
            if let Some(s) = s {
                let which = if r.below(2) == 0 {
                    "feasible"
                } else {
                    "infeasible"
                };
                self.extra.push(format!("expect {which} {s}"));
            }
        }
    }

    fn text(&self) -> String {
        let mut t = String::new();
        for l in &self.prefix {
            t.push_str(l);
            t.push('\n');
        }
        for names in &self.names {
            for n in names {
                t.push_str(&format!("topic {n}\n"));
            }
        }
        for (k, c) in self.comps.iter().enumerate() {
            t.push_str(&format!("# dispute {k}\n"));
            for l in c {
                t.push_str(&l.text);
                t.push('\n');
            }
        }
        for l in &self.extra {
            t.push_str(l);
            t.push('\n');
        }
        t
    }

    /// One random edit; its name (for the failure message).
    fn edit(&mut self, r: &mut Pick<'_>, step: usize) -> &'static str {
        let k = r.below(self.comps.len());
        match r.below(11) {
            9 | 10 => {
                // the same line with another topic of the component (often
                // the same length: only the meaning changes)
                let i = r.below(self.comps[k].len());
                let (a, b) = (r.below(3), r.below(3));
                let (from, to) = (self.names[k][a].clone(), self.names[k][b].clone());
                let l = &mut self.comps[k][i].text;
                *l = replace_word(l, &from, &to);
                "retarget a topic"
            }
            0 => {
                // change one statement inside one component
                let i = r.below(self.comps[k].len());
                self.comps[k][i].text = statement(r, &self.names[k], step * 1000 + i);
                "change a statement"
            }
            1 => {
                // shift every later position (same meaning)
                self.prefix
                    .push(format!("# comment {}", "x".repeat(r.below(30))));
                "shift positions"
            }
            2 => {
                // merge two components with one statement on both
                let j = r.below(self.comps.len());
                let (t, u) = (&self.names[k][r.below(3)], &self.names[j][r.below(3)]);
                let line = format!("party a {{ requires {t} or {u} }}");
                self.comps[k].push(Line { text: line });
                "merge components"
            }
            3 => {
                // remove a statement (may split a component)
                if self.comps[k].len() > 1 {
                    let i = r.below(self.comps[k].len());
                    self.comps[k].remove(i);
                }
                "remove a statement"
            }
            4 => {
                // rename a topic everywhere
                let i = r.below(3);
                let old = self.names[k][i].clone();
                let new = format!("{old}r");
                let re = |s: &str| replace_word(s, &old, &new);
                for c in &mut self.comps {
                    for l in c.iter_mut() {
                        l.text = re(&l.text);
                    }
                }
                for l in &mut self.extra {
                    *l = re(l);
                }
                self.names[k][i] = new;
                "rename a topic"
            }
            5 => {
                // change or add a quote
                let i = r.below(self.comps[k].len());
                let l = &mut self.comps[k][i].text;
                match l.rfind('"') {
                    Some(_) => *l = l.replacen("quote", "Quote", 1),
                    None => {
                        if let Some(p) = l.rfind(" }") {
                            l.insert_str(p, " \"added\"");
                        }
                    }
                }
                "change a quote"
            }
            6 => {
                self.add_extra(r);
                "add a scenario or expectation"
            }
            7 => {
                // move a statement to the end of its component
                let i = r.below(self.comps[k].len());
                let l = self.comps[k].remove(i);
                self.comps[k].push(l);
                "move a statement"
            }
            _ => {
                // a new component
                let c = self.comps.len();
                let names: Vec<String> = (0..3).map(|i| format!("n{c}_{step}_{i}")).collect();
                let line = statement(r, &names, step);
                self.comps.push(vec![Line { text: line }]);
                self.names.push(names);
                "add a component"
            }
        }
    }
}

/// `s` with the whole word `old` replaced by `new`.
fn replace_word(s: &str, old: &str, new: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |w: &mut String, out: &mut String| {
        out.push_str(if w == old { new } else { w });
        w.clear();
    };
    for ch in s.chars() {
        if ch.is_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn json(text: &str, options: &CheckOptions, cache: Option<&mut CheckCache>) -> String {
    let mut fs = MemoryFs::new();
    fs.insert("m.stance", text.as_bytes().to_vec());
    let mut loader = Loader::new(&fs);
    let _ = loader.add_root("m.stance");
    let loaded = loader.finish();
    let report = match cache {
        Some(c) => pipeline::run_cached(&loaded, options, c),
        None => pipeline::run(&loaded, options),
    };
    let mut out = render::render(
        Format::Json,
        &report.diagnostics,
        &loaded.sources,
        &RenderOptions::default(),
    );
    out.push_str(&format!("\ntruncated: {}", report.truncated));
    out
}

#[test]
fn cached_check_equals_a_fresh_check_through_random_edits() {
    let mut runner = TestRunner::new(Config {
        cases: 48,
        ..Config::default()
    });
    let hits = Cell::new(0u64);
    let misses = Cell::new(0u64);
    let edits = Cell::new(0u64);
    let strategy = (
        prop::collection::vec(any::<u32>(), 8..64),
        2usize..6,
        prop::sample::select(vec![1usize, 2, 3, 100]),
        1usize..10,
    );
    runner
        .run(&strategy, |(seq, k, max_sets, steps)| {
            let mut r = Pick {
                seq: &seq,
                at: Cell::new(0),
            };
            let options = CheckOptions {
                max_sets,
                time_budget: None,
            };
            let mut doc = Doc::new(&mut r, k);
            let mut cache = CheckCache::new();
            let text = doc.text();
            prop_assert_eq!(
                json(&text, &options, Some(&mut cache)),
                json(&text, &options, None)
            );
            let mut done = Vec::new();
            for step in 0..steps {
                done.push(doc.edit(&mut r, step));
                let text = doc.text();
                let got = json(&text, &options, Some(&mut cache));
                let want = json(&text, &options, None);
                prop_assert_eq!(got, want, "after {:?} on\n{}", done, text);
                edits.set(edits.get() + 1);
            }
            hits.set(hits.get() + cache.stats().hits);
            misses.set(misses.get() + cache.stats().misses);
            Ok(())
        })
        .unwrap();
    // Most components survive an edit: the cache must have been used.
    assert!(
        hits.get() > edits.get(),
        "{} hits, {} misses over {} edits",
        hits.get(),
        misses.get(),
        edits.get()
    );
}

/// The 2,000-statement workload after a one-line edit: one component
/// checked again, every other one reused, the same report.
#[test]
fn one_line_edit_of_the_generated_workload_rechecks_one_component() {
    let w = stancecheck::generate::disputes(154, 1);
    let d = 77;
    let edited = w.text.replacen(
        &format!("claims t{d}_1 or t{d}_2"),
        &format!("claims t{d}_1 and t{d}_2"),
        1,
    );
    assert_ne!(edited, w.text);
    let options = CheckOptions::default();
    let mut cache = CheckCache::new();
    let first = json(&w.text, &options, Some(&mut cache));
    assert_eq!(first, json(&w.text, &options, None));
    let before = cache.stats();
    assert_eq!(before.misses, 154);
    let got = json(&edited, &options, Some(&mut cache));
    assert_eq!(got, json(&edited, &options, None));
    let after = cache.stats();
    assert_eq!(after.misses - before.misses, 1, "{after:?}");
    assert_eq!(after.hits - before.hits, 153, "{after:?}");
    assert_eq!(cache.len(), 154);
}
