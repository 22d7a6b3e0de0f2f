//! Unit tests of the formatter: one per layout rule, comment placement.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::syntax;

/// Formats `text`, checks that formatting again changes nothing and that
/// every formula keeps its tree.
fn fmt(text: &str) -> String {
    let out = match format_source(FileId(0), text) {
        Ok(o) => o,
        Err(e) => panic!("syntax errors in {text:?}: {e:?}"),
    };
    let again = format_source(FileId(0), &out).expect("formatted text parses");
    assert_eq!(again, out, "not idempotent for {text:?}");
    assert_same_tree(text.trim_start_matches('\u{feff}'), &out);
    out
}

fn formulas_of(text: &str) -> Vec<Formula> {
    let (file, errors) = syntax::parse(FileId(0), text);
    assert!(errors.is_empty());
    file.formulas().into_iter().cloned().collect()
}

fn assert_same_tree(a: &str, b: &str) {
    let (fa, fb) = (formulas_of(a), formulas_of(b));
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert!(x.same(y), "{x:?} != {y:?}");
    }
}

/// The formatted form of one formula (as an `assume`).
fn f(formula: &str) -> String {
    let out = fmt(&format!("assume {formula}\n"));
    out.strip_prefix("assume ")
        .unwrap()
        .strip_suffix('\n')
        .unwrap()
        .to_owned()
}

#[test]
fn syntax_errors_are_returned_not_formatted() {
    let e = format_source(FileId(3), "party a {\n  requires\n}\n").unwrap_err();
    assert!(!e.is_empty());
    assert!(e.iter().all(|d| d.span.file == FileId(3)));
    assert!(format_source(FileId(0), "party a { requires x\n").is_err());
}

#[test]
fn empty_and_blank_files() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
    assert_eq!(fmt("\u{feff}topic a\n"), "topic a\n");
}

#[test]
fn items_unindented_statements_indented_one_per_line() {
    assert_eq!(
        fmt("   party a {requires x ; rejects y}\n  topic x;topic y"),
        "party a {\n  requires x\n  rejects y\n}\ntopic x\ntopic y\n"
    );
    assert_eq!(
        fmt("party a\n{\n}\n".replace("\n{", " {").as_str()),
        "party a\n"
    );
    assert_eq!(fmt("party a \"A\" { }\n"), "party a \"A\"\n");
}

#[test]
fn every_statement_kind() {
    let src = "party a {\n\
               l1 :requires x&y when !z\n\
               rejects x|y\n\
               no x without y@a\n\
               duty a : x\n\
               prefers x   when y\n\
               avoids ( x )\n\
               claims x->y\n\
               }\n";
    assert_eq!(
        fmt(src),
        "party a {\n  l1: requires x and y when not z\n  rejects x or y\n  \
         no x without y@a\n  duty a: x\n  prefers x when y\n  avoids x\n  \
         claims x -> y\n}\n"
    );
}

#[test]
fn items_of_every_kind() {
    let src = "include   \"b.stance\"\n\
               assume l:a->b\n\
               expect consistent a,b\n\
               expect conflict a ,b\n\
               expect feasible s for a,b\n\
               expect infeasible s\n\
               expect impossible ( a & b )\n";
    assert_eq!(
        fmt(src),
        "include \"b.stance\"\nassume l: a -> b\nexpect consistent a, b\n\
         expect conflict a, b\nexpect feasible s for a, b\nexpect infeasible s\n\
         expect impossible a and b\n"
    );
}

#[test]
fn operators_spelled_as_words() {
    assert_eq!(f("a&b|!c"), "a and b or not c");
    assert_eq!(f("not(a)"), "not a");
    assert_eq!(f("! ! a"), "not not a");
    assert_eq!(f("x @ p"), "x@p");
    assert_eq!(f("a<->b"), "a <-> b");
}

#[test]
fn fewest_parentheses_same_tree() {
    // precedence makes these parentheses redundant
    assert_eq!(f("(a and b) or c"), "a and b or c");
    assert_eq!(f("((a))"), "a");
    assert_eq!(f("(not a) and b"), "not a and b");
    assert_eq!(f("a -> (b -> c)"), "a -> b -> c");
    assert_eq!(f("(a or b) -> c"), "a or b -> c");
    assert_eq!(f("a <-> (b -> c)"), "a <-> b -> c");
    // these are needed
    assert_eq!(f("not (a and b)"), "not (a and b)");
    assert_eq!(f("(a or b) and c"), "(a or b) and c");
    assert_eq!(f("(a -> b) -> c"), "(a -> b) -> c");
    assert_eq!(f("(a <-> b) <-> c"), "(a <-> b) <-> c");
    assert_eq!(f("a <-> (b <-> c)"), "a <-> (b <-> c)");
    assert_eq!(f("(a <-> b) -> c"), "(a <-> b) -> c");
    assert_eq!(f("a -> (b <-> c)"), "a -> (b <-> c)");
    // a nested chain of the same operator is its own node
    assert_eq!(f("(a and b) and c"), "(a and b) and c");
    assert_eq!(f("a or (b or c)"), "a or (b or c)");
    assert_eq!(f("a and b and c"), "a and b and c");
}

#[test]
fn when_binds_loosest() {
    assert_eq!(
        fmt("party p { requires (a or b) when (c and d) }"),
        "party p {\n  requires a or b when c and d\n}\n"
    );
    assert_eq!(
        fmt("party p { requires (a -> b) when (c <-> d) }"),
        "party p {\n  requires a -> b when c <-> d\n}\n"
    );
}

#[test]
fn strings_reescaped() {
    assert_eq!(
        fmt("topic a \"tab\there \\\"q\\\" \\\\ \\n ü\"\n"),
        "topic a \"tab\\there \\\"q\\\" \\\\ \\n ü\"\n"
    );
}

#[test]
fn scenarios_one_line_when_they_fit() {
    assert_eq!(
        fmt("scenario s \"S\" {\n  a,\n  (b & c)\n}\n"),
        "scenario s \"S\" { a, b and c }\n"
    );
    assert_eq!(fmt("scenario s {}"), "scenario s {}\n");
    assert_eq!(fmt("scenario s {a;b,}"), "scenario s { a, b }\n");
    let long: Vec<String> = (0..12).map(|i| format!("topic_number_{i}")).collect();
    let out = fmt(&format!("scenario s {{ {} }}\n", long.join(", ")));
    let mut want = String::from("scenario s {\n");
    for t in &long {
        want.push_str(&format!("  {t}\n"));
    }
    want.push_str("}\n");
    assert_eq!(out, want);
}

#[test]
fn statement_quotes_aligned_per_block() {
    let src = "party p {\n\
               requires a \"one\"\n\
               z1: rejects a and b   \"two\"\n\
               claims c\n\
               }\n\
               party q { requires a \"x\" }\n";
    assert_eq!(
        fmt(src),
        "party p {\n  requires a           \"one\"\n  z1: rejects a and b  \"two\"\n  \
         claims c\n}\nparty q {\n  requires a  \"x\"\n}\n"
    );
}

#[test]
fn quote_alignment_is_capped() {
    let long = "a and b and c and d and e and f and g and h and i";
    let src = format!("party p {{\nrequires x \"1\"\nrequires {long} \"2\"\n}}\n");
    assert_eq!(
        fmt(&src),
        format!("party p {{\n  requires x  \"1\"\n  requires {long}  \"2\"\n}}\n")
    );
    // at most QUOTE_LIMIT characters before an aligned quote
    let mid = "a and b and c and d and e and f and g and h";
    let out = fmt(&format!(
        "party p {{\nrequires x \"1\"\nrequires {mid} \"2\"\n}}\n"
    ));
    let col = out.lines().nth(1).unwrap().find('"').unwrap();
    assert!(col <= QUOTE_LIMIT, "{out}");
    assert_eq!(out.lines().nth(2).unwrap().find('"'), Some(col));
}

#[test]
fn declarations_and_assumptions_aligned_in_runs() {
    let src = "party ukraine \"Ukraine\"\n\
               party us \"United States\"\n\
               # a comment does not break a run\n\
               topic x \"X\"\n\
               party plain\n\
               \n\
               topic ceasefire \"C\"\n\
               topic g \"G\"\n\
               assume a -> b \"one\"\n\
               assume long_name -> b \"two\"\n";
    assert_eq!(
        fmt(src),
        "party ukraine \"Ukraine\"\n\
         party us      \"United States\"\n\
         # a comment does not break a run\n\
         topic x       \"X\"\n\
         party plain\n\
         \n\
         topic ceasefire \"C\"\n\
         topic g         \"G\"\n\
         assume a -> b          \"one\"\n\
         assume long_name -> b  \"two\"\n"
    );
}

#[test]
fn blank_lines_collapse_and_vanish_at_block_edges() {
    let src = "\n\ntopic a\n\n\n\ntopic b\nparty p {\n\n  requires a\n\n\n  requires b\n\n}\n\n\n";
    assert_eq!(
        fmt(src),
        "topic a\n\ntopic b\nparty p {\n  requires a\n\n  requires b\n}\n"
    );
}

#[test]
fn crlf_becomes_lf() {
    assert_eq!(
        fmt("topic a \"A\" # c\r\n\r\nparty p {\r\n  requires a\r\n}\r\n"),
        "topic a \"A\" # c\n\nparty p {\n  requires a\n}\n"
    );
}

#[test]
fn full_line_comments_stay_before_what_follows() {
    let src =
        "# head\n\n# about a\ntopic a\nparty p {\n    # about the statement\n requires a\n}\n";
    assert_eq!(
        fmt(src),
        "# head\n\n# about a\ntopic a\nparty p {\n  # about the statement\n  requires a\n}\n"
    );
}

#[test]
fn trailing_comments_stay_on_their_line() {
    let src = "topic a   # t\n\
               party p { # header\n\
               requires a \"q\"    # s1\n\
               rejects b#s2\n\
               }   # close\n\
               scenario s { a, b }  # sc\n\
               expect feasible s # e\n";
    assert_eq!(
        fmt(src),
        "topic a # t\nparty p { # header\n  requires a  \"q\" # s1\n  rejects b #s2\n} # close\n\
         scenario s { a, b } # sc\nexpect feasible s # e\n"
    );
}

#[test]
fn comments_at_the_end_of_a_block_and_of_the_file() {
    let src = "party p {\n  requires a\n# last\n\n   # really last\n}\nscenario s {\n a\n # end\n}\n\n# eof 1\n# eof 2";
    assert_eq!(
        fmt(src),
        "party p {\n  requires a\n  # last\n\n  # really last\n}\nscenario s {\n  a\n  # end\n}\n\n\
         # eof 1\n# eof 2\n"
    );
}

#[test]
fn a_block_with_only_comments_is_kept() {
    assert_eq!(fmt("party p {\n# todo\n}\n"), "party p {\n  # todo\n}\n");
    assert_eq!(fmt("party p { # todo\n}\n"), "party p { # todo\n}\n");
    assert_eq!(fmt("party p { } # c\n"), "party p # c\n");
}

#[test]
fn comments_inside_a_multiline_formula_go_before_the_statement() {
    let src =
        "party p {\n  requires (a   # first\n    # second\n    and b)  # third\n  rejects c\n}\n";
    assert_eq!(
        fmt(src),
        "party p {\n  # first\n  # second\n  requires a and b # third\n  rejects c\n}\n"
    );
    let src = "assume (a ->\n  # why\n  b)\nscenario s {\n  (a  # one\n  and b)\n}\n";
    assert_eq!(
        fmt(src),
        "# why\nassume a -> b\nscenario s {\n  # one\n  a and b\n}\n"
    );
}

#[test]
fn comments_force_a_scenario_onto_several_lines() {
    assert_eq!(
        fmt("scenario s { a, # why a\n b }\n"),
        "scenario s {\n  a # why a\n  b\n}\n"
    );
}

#[test]
fn semicolon_separated_statements_with_comments() {
    assert_eq!(
        fmt("party p { requires a; requires b # on b\n}\n"),
        "party p {\n  requires a\n  requires b # on b\n}\n"
    );
    assert_eq!(
        fmt("topic a; # on a\ntopic b\n"),
        "topic a # on a\ntopic b\n"
    );
}

#[test]
fn hash_inside_strings_is_not_a_comment() {
    assert_eq!(
        fmt("topic a \"#1 \\\"#2\\\"\" # real\n"),
        "topic a \"#1 \\\"#2\\\"\" # real\n"
    );
}

#[test]
fn the_language_example_is_stable() {
    let src = "# Who is involved\n\
               party ukraine \"Ukraine (Zelensky)\"\n\
               party us      \"United States (Trump)\"\n\
               \n\
               topic ceasefire    \"a ceasefire between Russia and Ukraine\"\n\
               topic guarantees   \"security guarantees for Ukraine\"\n\
               \n\
               party ukraine {\n\
               \x20 z1: no ceasefire without guarantees   \"no ceasefire without strong security guarantees\"\n\
               }\n\
               \n\
               party us {\n\
               \x20 rejects guarantees@us                 \"the US will not provide extensive guarantees\"\n\
               \x20 duty eu: guarantees                   \"it is up to Europe to take the lead\"\n\
               }\n\
               \n\
               assume guarantees@eu -> peacekeepers    \"European guarantees mean European troops\"\n\
               \n\
               scenario deal \"a ceasefire deal\" { ceasefire }\n\
               \n\
               expect infeasible deal\n";
    let out = fmt(src);
    assert!(
        out.contains("party us      \"United States (Trump)\"\n"),
        "{out}"
    );
    assert!(out.contains(
        "  rejects guarantees@us  \"the US will not provide extensive guarantees\"\n  \
         duty eu: guarantees    \"it is up to Europe to take the lead\"\n"
    ));
    assert!(out.contains("assume guarantees@eu -> peacekeepers  \"European"));
    assert!(out.contains("scenario deal \"a ceasefire deal\" { ceasefire }\n"));
}

#[test]
fn is_formatted_tells() {
    assert_eq!(is_formatted(FileId(0), "topic a\n"), Ok(true));
    assert_eq!(is_formatted(FileId(0), "topic  a\n"), Ok(false));
    assert!(is_formatted(FileId(0), "topic\n").is_err());
}

#[test]
fn unquoted_lines_wider_than_the_quote_column() {
    assert_eq!(
        fmt("party p {\nrequires a \"q\"\nrequires a and b and c and d\n}\n"),
        "party p {\n  requires a  \"q\"\n  requires a and b and c and d\n}\n"
    );
    assert_eq!(
        fmt("topic a \"A\"\ntopic long_name\n"),
        "topic a \"A\"\ntopic long_name\n"
    );
}

#[test]
fn a_second_comment_for_one_line_goes_below() {
    assert_eq!(
        fmt("party p {\n  requires a # c1\n  ; # c2\n  requires b\n}\n"),
        "party p {\n  requires a # c1\n  # c2\n  requires b\n}\n"
    );
}

#[test]
fn deep_nesting_formats() {
    let n = 200;
    let deep = format!("{}a{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(f(&deep), "a");
    let nots = format!("{}a", "not ".repeat(n));
    assert_eq!(f(&nots), nots);
    let mut chain = String::from("z");
    for i in 0..n / 2 {
        chain = if i % 2 == 0 {
            format!("a{i} and ({chain})")
        } else {
            format!("b{i} or {chain}")
        };
    }
    let out = f(&chain);
    assert_eq!(f(&out), out);
}

#[test]
fn dated_party_headers() {
    assert_eq!(
        fmt(
            "party us  \"US\"  as   of 2025-02-26 {\n requires x \"q\"\n}\nparty us as of 2025-02-12 {  }\nparty ru as of 2024-02-29\n"
        ),
        "party us \"US\" as of 2025-02-26 {\n  requires x  \"q\"\n}\nparty us as of 2025-02-12\nparty ru as of 2024-02-29\n"
    );
    assert_eq!(
        fmt(
            "expect infeasible deal  as of   2025-02-12\nexpect impossible a and b as of 2025-02-12\n"
        ),
        "expect infeasible deal as of 2025-02-12\nexpect impossible a and b as of 2025-02-12\n"
    );
}
