//! Seeded generators of large rule sets, for benchmarks and tests.
//!
//! Every generator returns rule text in the stance language plus what the
//! checker must find in it, so benchmarks can verify their results. The
//! random source is a small seeded SplitMix64: the same seed always gives the
//! same text.

/// A small deterministic random source (SplitMix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`; 0 when `n == 0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }
}

/// A generated workload.
#[derive(Clone, Debug)]
pub struct Workload {
    /// The rule text.
    pub text: String,
    /// Number of statements (party statements and assumptions) in it.
    pub statements: usize,
    /// Number of planted two-party conflicts (each must be found once).
    pub planted_conflicts: usize,
    /// Number of conditional statements.
    pub conditionals: usize,
}

/// `disputes` independent disputes of 3 parties and 6 topics with 13
/// statements each; every second dispute holds one planted two-party
/// conflict (`requires t0`, `no t0 without t3` ⟂ `rejects t3`). Everything
/// else is satisfiable by making every topic true, so the planted conflicts
/// are the only `conflict` findings.
pub fn disputes(disputes: usize, seed: u64) -> Workload {
    disputes_with(disputes, seed, None)
}

/// [`disputes`] with a random `weight` (1 to `max_weight`) on every wish
/// and red line, for `stance deals` (LANGUAGE.md §10): the same text
/// otherwise (the weights come from their own random source, seeded from
/// `seed`), so the same statements, conflicts and findings. Half the
/// disputes are consistent (deals over the wishes of `a` and `c`), half
/// conflicting (concessions over the red lines).
pub fn weighted_disputes(disputes: usize, seed: u64, max_weight: u32) -> Workload {
    disputes_with(disputes, seed, Some(max_weight.max(1)))
}

fn disputes_with(disputes: usize, seed: u64, max_weight: Option<u32>) -> Workload {
    let mut rng = Rng::new(seed);
    let mut wrng = Rng::new(seed ^ 0x5745_4947_4854);
    let mut w = move || match max_weight {
        Some(m) => format!(" weight {}", 1 + wrng.below(m as usize)),
        None => String::new(),
    };
    let mut text = String::with_capacity(disputes * 700);
    let mut statements = 0;
    let mut planted = 0;
    let mut conditionals = 0;
    for d in 0..disputes {
        let conflict = d % 2 == 1;
        let (a, b, c) = (format!("a{d}"), format!("b{d}"), format!("c{d}"));
        text.push_str(&format!("# dispute {d}\n"));
        for p in [&a, &b, &c] {
            text.push_str(&format!("party {p} \"party {p}\"\n"));
        }
        dispute_body(&mut text, d, [&a, &b, &c], &mut rng, &mut w, |_, p| {
            format!("party {p} {{\n")
        });
        if conflict {
            planted += 1;
        } else {
            conditionals += 1;
        }
        statements += 13;
        conditionals += 5;
    }
    Workload {
        text,
        statements,
        planted_conflicts: planted,
        conditionals,
    }
}

/// The topics, the three party blocks and the assumption of dispute `d`
/// of the dispute workloads (13 statements): parties `names` (`a`, `b`,
/// `c`), each block opened by `open(i, name)`, each red line, duty and
/// wish followed by `weight()` (` weight N`, or nothing). Odd disputes
/// get the planted rejection that makes their red lines conflict; the
/// others a conditional in its place. Draws two numbers from `rng`.
fn dispute_body(
    text: &mut String,
    d: usize,
    names: [&str; 3],
    rng: &mut Rng,
    weight: &mut impl FnMut() -> String,
    open: impl Fn(usize, &str) -> String,
) {
    let [a, b, c] = names;
    let t = |i: usize| format!("t{d}_{i}");
    let w = weight;
    for i in 0..6 {
        text.push_str(&format!("topic {} \"topic {i} of dispute {d}\"\n", t(i)));
    }
    // Party a: 5 statements.
    let x = 1 + rng.below(2); // 1 or 2
    text.push_str(&open(0, a));
    text.push_str(&format!("  requires {}{}\n", t(0), w()));
    text.push_str(&format!("  no {} without {}{}\n", t(0), t(3), w()));
    text.push_str(&format!("  requires {} when {}{}\n", t(x), t(0), w()));
    text.push_str(&format!("  prefers {} or {}{}\n", t(4), t(5), w()));
    text.push_str(&format!("  duty {b}: {}{}\n", t(5), w()));
    text.push_str("}\n");
    // Party b: 4 statements.
    text.push_str(&open(1, b));
    if d % 2 == 1 {
        text.push_str(&format!("  rejects {}{} \"planted\"\n", t(3), w()));
    } else {
        text.push_str(&format!("  requires {} when {}{}\n", t(3), t(1), w()));
    }
    text.push_str(&format!("  requires {}@{b} when {}{}\n", t(5), t(5), w()));
    text.push_str(&format!("  claims {} -> {}\n", t(2), t(4)));
    text.push_str(&format!("  no {} without {}{}\n", t(4), t(5), w()));
    text.push_str("}\n");
    // Party c: 3 statements.
    let y = 1 + rng.below(3);
    text.push_str(&open(2, c));
    text.push_str(&format!(
        "  requires {} when {} and {}{}\n",
        t(4),
        t(y),
        t(0),
        w()
    ));
    text.push_str(&format!("  avoids not {}{}\n", t(2), w()));
    text.push_str(&format!("  claims {} or {}\n", t(1), t(2)));
    text.push_str("}\n");
    // One assumption.
    text.push_str(&format!("assume {} -> {}\n", t(3), t(4)));
}

/// How the snapshots of [`dated_disputes`] are dated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dating {
    /// No dates: the same statements and parties as the dated variants,
    /// every block undated (the baseline the dated variants are measured
    /// against).
    Undated,
    /// Every party's snapshot `j` on the same date (10 dates in all: the
    /// timeline has 11 periods).
    Shared,
    /// Every party's 10 snapshots on its own random dates (distinct,
    /// increasing) within ten years: the timeline has thousands of dates,
    /// and between two consecutive ones only a few parties move.
    PerParty,
}

/// Number of snapshots per party in [`dated_disputes`].
pub const SNAPSHOTS: usize = 10;

/// The dispute workload of [`disputes`] (the same statements, in the same
/// order, with the same random choices) spread over dated snapshots
/// (LANGUAGE.md §11): the disputes are taken in groups of
/// [`SNAPSHOTS`]; the parties `a`, `b` and `c` of dispute `10g + j` become
/// the parties `a{g}`, `b{g}` and `c{g}`, and their blocks become those
/// parties' snapshot `j` (`party a{g} as of DATE { … }`). So every party
/// has 10 snapshots, each holding a whole dispute's worth of its
/// statements; every statement of the text appears once; the state at a
/// date holds about a tenth of the statements plus every assumption
/// (assumptions are undated). Consecutive snapshots of a party speak of
/// different topics: no reversal, and each red line of a snapshot but
/// the last is a `softened-stance`. In the latest state the planted
/// conflicts are those of each group's last dispute (one per group).
///
/// `Dating::Undated` gives the same text without `as of` (the baseline);
/// `planted_conflicts` counts the conflicts of the state `stance check`
/// checks (the latest one, or everything undated).
pub fn dated_disputes(disputes: usize, seed: u64, dating: Dating) -> Workload {
    let mut rng = Rng::new(seed);
    let mut drng = Rng::new(seed ^ 0x0044_4154_4553);
    let groups = disputes.div_ceil(SNAPSHOTS);
    // the dates of each party's snapshots: day numbers in 0..DAYS
    const DAYS: usize = 10 * 12 * 28;
    let mut dates: Vec<[Vec<usize>; 3]> = Vec::with_capacity(groups);
    for _ in 0..groups {
        let mut per_party = || {
            let mut v: Vec<usize> = Vec::with_capacity(SNAPSHOTS);
            while v.len() < SNAPSHOTS {
                let d = match dating {
                    Dating::PerParty => drng.below(DAYS),
                    _ => v.len() * (DAYS / SNAPSHOTS),
                };
                if !v.contains(&d) {
                    v.push(d);
                }
            }
            v.sort_unstable();
            v
        };
        dates.push([per_party(), per_party(), per_party()]);
    }
    // 2015-01-01 + day n, with months of 28 days (every date valid)
    let date = |n: usize| {
        format!(
            "{}-{:02}-{:02}",
            2015 + n / 336,
            1 + n % 336 / 28,
            1 + n % 28
        )
    };
    let mut text = String::with_capacity(disputes * 760);
    let mut statements = 0;
    let mut planted = 0;
    let mut conditionals = 0;
    for d in 0..disputes {
        let (g, j) = (d / SNAPSHOTS, d % SNAPSHOTS);
        let last = j + 1 == SNAPSHOTS || d + 1 == disputes;
        let conflict = d % 2 == 1;
        let (a, b, c) = (format!("a{g}"), format!("b{g}"), format!("c{g}"));
        let open = |p: usize, name: &str| match (dating, dates.get(g)) {
            (Dating::Undated, _) | (_, None) => format!("party {name} {{\n"),
            (_, Some(ds)) => format!("party {name} as of {} {{\n", date(ds[p][j])),
        };
        text.push_str(&format!("# dispute {d}: snapshot {j} of group {g}\n"));
        if j == 0 {
            for p in [&a, &b, &c] {
                text.push_str(&format!("party {p} \"party {p}\"\n"));
            }
        }
        dispute_body(&mut text, d, [&a, &b, &c], &mut rng, &mut String::new, open);
        if !conflict {
            conditionals += 1;
        } else if last || dating == Dating::Undated {
            planted += 1;
        }
        statements += 13;
        conditionals += 5;
    }
    Workload {
        text,
        statements,
        planted_conflicts: planted,
        conditionals,
    }
}

/// `disputes` independent conflict-free disputes, each with a feasible
/// scenario, 13 statements, 6 of them conditional.
pub fn scenarios(disputes: usize, seed: u64) -> Workload {
    let mut rng = Rng::new(seed);
    let mut text = String::with_capacity(disputes * 760);
    let mut conditionals = 0;
    for d in 0..disputes {
        let (a, b, c) = (format!("a{d}"), format!("b{d}"), format!("c{d}"));
        let t = |i: usize| format!("t{d}_{i}");
        for p in [&a, &b, &c] {
            text.push_str(&format!("party {p}\n"));
        }
        for i in 0..6 {
            text.push_str(&format!("topic {}\n", t(i)));
        }
        let x = 1 + rng.below(4);
        text.push_str(&format!("party {a} {{\n"));
        text.push_str(&format!("  requires {} when {}\n", t(1), t(0)));
        text.push_str(&format!("  no {} without {}\n", t(1), t(2)));
        text.push_str(&format!("  requires {} when {} and {}\n", t(5), t(x), t(2)));
        text.push_str(&format!("  prefers {}\n", t(3)));
        text.push_str("}\n");
        text.push_str(&format!("party {b} {{\n"));
        text.push_str(&format!("  rejects {} when {}\n", t(4), t(3)));
        text.push_str(&format!("  requires {} or {}\n", t(0), t(3)));
        text.push_str(&format!("  duty {c}: {}\n", t(2)));
        text.push_str(&format!("  claims {}\n", t(5)));
        text.push_str("}\n");
        text.push_str(&format!("party {c} {{\n"));
        text.push_str(&format!("  requires {}@{c} when {}\n", t(2), t(2)));
        text.push_str(&format!("  no {} without {}\n", t(5), t(2)));
        text.push_str(&format!("  avoids {}\n", t(4)));
        text.push_str(&format!("  requires {} -> {}\n", t(3), t(2)));
        text.push_str("}\n");
        text.push_str(&format!("assume {} -> {}\n", t(0), t(2)));
        text.push_str(&format!("scenario s{d} {{ {}, {} }}\n", t(0), t(3)));
        conditionals += 6;
    }
    Workload {
        text,
        statements: disputes * 13,
        planted_conflicts: 0,
        conditionals,
    }
}

/// One party with an implication chain of `steps` steps:
/// `requires a0`, `no a0 without a1`, …
pub fn chain(steps: usize) -> Workload {
    let mut text = String::with_capacity(steps * 48);
    text.push_str("party p\n");
    for i in 0..=steps {
        text.push_str(&format!("topic a{i}\n"));
    }
    text.push_str("party p {\n  requires a0\n");
    for i in 0..steps {
        text.push_str(&format!("  no a{i} without a{}\n", i + 1));
    }
    text.push_str("}\n");
    Workload {
        text,
        statements: steps + 1,
        planted_conflicts: 0,
        conditionals: steps,
    }
}

/// `copies` copies of rule files as written (comments, labels, quotes),
/// each copy of each file an independent dispute: every identifier outside
/// comments and strings gets the suffix `_n`, `n` counting the file copies
/// (keywords stay). `include` lines are dropped (the copies are
/// concatenated into one file), so the files must stand alone. For
/// measuring on text like the real corpus instead of the dense generated
/// disputes.
pub fn replicate(files: &[&str], copies: usize) -> String {
    let total: usize = files.iter().map(|f| f.len()).sum();
    let mut out = String::with_capacity((total + 64) * copies);
    for k in 0..copies {
        for (f, file) in files.iter().enumerate() {
            let suffix = format!("_{}", k * files.len() + f);
            for line in file.lines() {
                if line.trim_start().starts_with("include ") {
                    continue;
                }
                rename_line(line, &suffix, &mut out);
                out.push('\n');
            }
        }
    }
    out
}

/// Appends `line` with `suffix` after every identifier outside comments
/// and strings.
fn rename_line(line: &str, suffix: &str, out: &mut String) {
    let mut rest = line;
    // the word before, for `reversal`: a word of `expect`, not a keyword
    let mut prev = "";
    while let Some(c) = rest.chars().next() {
        if c == '#' {
            out.push_str(rest);
            return;
        }
        if c == '"' {
            // the string through its closing quote (escapes skipped)
            let b = rest.as_bytes();
            let mut i = 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            let end = (i + 1).min(rest.len());
            let (s, r) = rest.split_at(end);
            out.push_str(s);
            rest = r;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let (word, r) = rest.split_at(len);
            out.push_str(word);
            let contextual = prev == "expect" && word == "reversal";
            if !crate::syntax::KEYWORDS.contains(&word) && !contextual {
                out.push_str(suffix);
            }
            prev = word;
            rest = r;
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicated_copies_are_renamed() {
        let text = replicate(
            &[
                "party a \"A # not a comment\" # a b\nparty a {\n  x1: requires t@a and not u \"q \\\" t\"\n}\ninclude \"f.stance\"\n",
            ],
            2,
        );
        assert_eq!(
            text,
            "party a_0 \"A # not a comment\" # a b\nparty a_0 {\n  x1_0: requires t_0@a_0 and not u_0 \"q \\\" t\"\n}\n\
             party a_1 \"A # not a comment\" # a b\nparty a_1 {\n  x1_1: requires t_1@a_1 and not u_1 \"q \\\" t\"\n}\n"
        );
    }

    #[test]
    fn replicate_keeps_the_word_reversal_of_expect() {
        let text = replicate(
            &["topic reversal\nexpect reversal us as of 2025-02-26\n"],
            1,
        );
        assert_eq!(
            text,
            "topic reversal_0\nexpect reversal us_0 as of 2025-02-26\n"
        );
    }

    #[test]
    fn same_seed_same_text() {
        assert_eq!(disputes(20, 7).text, disputes(20, 7).text);
        assert_ne!(disputes(20, 7).text, disputes(20, 8).text);
        let w = disputes(10, 1);
        assert_eq!(w.statements, 130);
        assert_eq!(w.planted_conflicts, 5);
        assert_eq!(chain(3).statements, 4);
        assert_eq!(scenarios(4, 1).statements, 52);
        let weighted = weighted_disputes(10, 1, 100);
        assert_eq!(weighted.text.matches(" weight ").count(), 10 * 10);
        let plain = regex_free_strip(&weighted.text);
        assert_eq!(plain, w.text);
    }

    /// `text` without its ` as of YYYY-MM-DD` parts.
    fn undate(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(" as of ") {
            out.push_str(&rest[..i]);
            rest = &rest[i + " as of YYYY-MM-DD".len()..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn dated_workload_is_the_undated_one_with_dates() {
        let undated = dated_disputes(25, 3, Dating::Undated);
        assert_eq!(undated.statements, 25 * 13);
        assert_eq!(undated.planted_conflicts, 12);
        assert!(!undated.text.contains(" as of "));
        for dating in [Dating::Shared, Dating::PerParty] {
            let w = dated_disputes(25, 3, dating);
            assert_eq!(undate(&w.text), undated.text);
            assert_eq!(w.text.matches(" as of ").count(), 25 * 3);
            // the last snapshots: disputes 9, 19 (planted) and 24 (not)
            assert_eq!(w.planted_conflicts, 2);
            // each party's dates increase, snapshot by snapshot
            for g in 0..3 {
                for p in ["a", "b", "c"] {
                    let head = format!("party {p}{g} as of ");
                    let dates: Vec<&str> = w
                        .text
                        .match_indices(&head)
                        .map(|(i, _)| &w.text[i + head.len()..i + head.len() + 10])
                        .collect();
                    assert_eq!(dates.len(), if g == 2 { 5 } else { 10 });
                    assert!(dates.windows(2).all(|d| d[0] < d[1]), "{dates:?}");
                    for d in &dates {
                        assert!(crate::date::Date::parse(d).is_ok(), "{d}");
                    }
                }
            }
        }
        // the same statements, in the same order, as `disputes`: only the
        // parties' names differ
        let plain = disputes(25, 3).text;
        let stmts = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.starts_with("  "))
                .map(|l| {
                    l.split(' ')
                        .map(|w| match w.strip_suffix(':').unwrap_or(w) {
                            x if x.starts_with(['a', 'b', 'c'])
                                && x[1..].chars().all(|c| c.is_ascii_digit()) =>
                            {
                                "P"
                            }
                            _ => w,
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .map(|l| l.split('@').next().unwrap_or("").to_owned())
                .collect()
        };
        assert_eq!(stmts(&undated.text), stmts(&plain));
    }

    /// `text` without its ` weight N` parts.
    fn regex_free_strip(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(" weight ") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 8..];
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            rest = &after[digits..];
        }
        out.push_str(rest);
        out
    }
}
