//! `textDocument/rename` and `textDocument/prepareRename` in-process: each
//! kind of name, across an include (a file shared by two models, one of
//! them not open), from an unsaved buffer, in UTF-16 and UTF-8; the
//! refusals; and a property test: after applying the edits, `stance
//! check --format json` gives the same findings with the name renamed, and
//! the old name is written nowhere.

use super::{Client, TempDir, check_json, code, init_params, uri};
use crate::support::check::{Below, Rng};
use lsp_types::{Position, Url};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The LSP position of byte `offset` of `text`.
fn position(text: &str, offset: usize, utf8: bool) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = &text[start..offset];
    let character = if utf8 {
        col.len()
    } else {
        col.encode_utf16().count()
    };
    Position {
        line: line as u32,
        character: character as u32,
    }
}

/// The byte offset of an LSP position of `text`.
fn offset(text: &str, p: Position, utf8: bool) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(p.line as usize)
        .map(str::len)
        .sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= p.character as usize || c == '\n' {
            return start + i;
        }
        units += if utf8 { c.len_utf8() } else { c.len_utf16() };
    }
    text.len()
}

/// The byte offset of the `nth` whole-word `word` in `text`.
fn word_at(text: &str, word: &str, nth: usize) -> usize {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    text.match_indices(word)
        .map(|(i, _)| i)
        .filter(|&i| {
            !is_word(text[..i].chars().next_back())
                && !is_word(text[i + word.len()..].chars().next())
        })
        .nth(nth)
        .unwrap_or_else(|| panic!("no {nth}th `{word}`"))
}

/// `text` with every whole word `old` replaced by `new`.
fn replace_word(text: &str, old: &str, new: &str) -> String {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(old) {
        let prev = match i {
            0 => out.chars().next_back(),
            _ => rest[..i].chars().next_back(),
        };
        let before_ok = !prev.is_some_and(is_word);
        let after_ok = !rest[i + old.len()..].chars().next().is_some_and(is_word);
        out.push_str(&rest[..i]);
        out.push_str(if before_ok && after_ok { new } else { old });
        rest = &rest[i + old.len()..];
    }
    out.push_str(rest);
    out
}

/// Applies the `changes` of a `WorkspaceEdit` to `texts` (by URI); panics
/// on an edit to a file not given or on overlapping edits.
fn apply(texts: &mut BTreeMap<Url, String>, edit: &Value, utf8: bool) {
    let changes = edit["changes"].as_object().expect("changes");
    for (u, edits) in changes {
        let u = Url::parse(u).unwrap();
        let text = texts
            .get_mut(&u)
            .unwrap_or_else(|| panic!("an edit to {u}, which is not in the model"));
        let mut spans: Vec<(usize, usize, String)> = edits
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let r: lsp_types::Range = serde_json::from_value(e["range"].clone()).unwrap();
                (
                    offset(text, r.start, utf8),
                    offset(text, r.end, utf8),
                    e["newText"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        spans.sort();
        for w in spans.windows(2) {
            assert!(w[0].1 <= w[1].0, "overlapping edits {w:?}");
        }
        for (a, b, new) in spans.into_iter().rev() {
            text.replace_range(a..b, &new);
        }
    }
}

fn rename_params(u: &Url, p: Position, new: &str) -> Value {
    json!({"textDocument": {"uri": u}, "position": p, "newName": new})
}

#[test]
fn rename_is_advertised_with_prepare() {
    let mut c = Client::spawn();
    let r = c.request("initialize", init_params(None, false));
    let init = r.response_result.unwrap();
    assert_eq!(
        init["capabilities"]["renameProvider"],
        json!({"prepareProvider": true})
    );
    c.notify("initialized", json!({}));
    assert_eq!(c.stop(), Ok(true));
}

/// Shared by `main.stance` and `other.stance`; non-ASCII before names.
const COMMON: &str = "# «shared» — “declarations” 😀\nparty eu \"Європейський союз — “EU”\"\ntopic guarantees \"гарантії “безпеки”\"\n";
/// The main file as on disk: the buffer adds the last line.
const MAIN_DISK: &str = "include \"common.stance\"\n\
party us \"США\"\n\
topic ceasefire\n\
party us as of 2025-02-26 {\n\
  z1: rejects guarantees@us \"“no” — 🕊\"; duty eu: guarantees\n\
}\n\
party eu {\n\
  requires guarantees@eu when ceasefire \"« oui »\"\n\
}\n\
scenario deal \"угода 🕊\" { ceasefire }\n\
expect feasible deal for us, eu\n";
/// Another model that includes the shared file, never opened.
const OTHER: &str = "include \"common.stance\"\nparty eu { rejects guarantees \"non\" }\n";
/// A model of its own with the same names: never touched.
const ALONE: &str = "party eu\ntopic guarantees\nparty eu { requires guarantees }\n";

fn main_buffer() -> String {
    format!("{MAIN_DISK}expect consistent eu\n")
}

/// A server on a workspace with the four files, `main.stance` open with
/// its unsaved buffer.
fn workspace(utf8: bool) -> (TempDir, Client, BTreeMap<Url, String>) {
    let dir = TempDir::new("lsp-rename");
    dir.write("common.stance", COMMON);
    dir.write("main.stance", MAIN_DISK);
    dir.write("sub/other.stance", OTHER.replace("\"common", "\"../common"));
    dir.write("alone.stance", ALONE);
    let mut c = Client::start(Some(dir.path()), utf8);
    let m = uri(&dir, "main.stance");
    c.open(&m, 1, &main_buffer());
    let _ = c.diagnostics(&m);
    let texts: BTreeMap<Url, String> = [
        (uri(&dir, "common.stance"), COMMON.to_owned()),
        (m, main_buffer()),
        (
            uri(&dir, "sub/other.stance"),
            OTHER.replace("\"common", "\"../common"),
        ),
        (uri(&dir, "alone.stance"), ALONE.to_owned()),
    ]
    .into();
    (dir, c, texts)
}

#[test]
fn each_kind_of_name_is_renamed_everywhere_it_is_written() {
    for utf8 in [false, true] {
        let (dir, mut c, texts) = workspace(utf8);
        let m = uri(&dir, "main.stance");
        let main = main_buffer();
        // (the word under the cursor, which one, the new name, the files after)
        let cases: Vec<(&str, usize, &str, BTreeMap<Url, String>)> = vec![
            // a party, from `duty eu:` in a dated block
            ("eu", 0, "europe", {
                let mut t = texts.clone();
                for (u, s) in t.iter_mut() {
                    if *u != uri(&dir, "alone.stance") {
                        *s = replace_word(s, "eu", "europe");
                    }
                }
                t
            }),
            // a topic, from the `X` of `X@P`
            ("guarantees", 0, "security", {
                let mut t = texts.clone();
                for (u, s) in t.iter_mut() {
                    if *u != uri(&dir, "alone.stance") {
                        *s = replace_word(s, "guarantees", "security");
                    }
                }
                t
            }),
            // a party, from its dated block's header; `@us` and `for us`
            ("us", 1, "usa", {
                let mut t = texts.clone();
                t.insert(m.clone(), replace_word(&main, "us", "usa"));
                t
            }),
            // a scenario, from `expect feasible deal`
            ("deal", 1, "truce", {
                let mut t = texts.clone();
                t.insert(m.clone(), replace_word(&main, "deal", "truce"));
                t
            }),
            // a label
            ("z1", 0, "kyiv_1", {
                let mut t = texts.clone();
                t.insert(m.clone(), replace_word(&main, "z1", "kyiv_1"));
                t
            }),
        ];
        for (word, nth, new, want) in cases {
            let at = word_at(&main, word, nth);
            let p = position(&main, at, utf8);
            // prepareRename: the name's range and the name
            let prep = c.result(
                "textDocument/prepareRename",
                json!({"textDocument": {"uri": m}, "position": p}),
            );
            assert_eq!(prep["placeholder"], word);
            assert_eq!(prep["range"]["start"], json!(p));
            assert_eq!(
                prep["range"]["end"],
                json!(position(&main, at + word.len(), utf8))
            );
            // the cursor at the end of the name renames it too
            let end = position(&main, at + word.len(), utf8);
            for pos in [p, end] {
                let edit = c.result("textDocument/rename", rename_params(&m, pos, new));
                let mut got = texts.clone();
                apply(&mut got, &edit, utf8);
                assert_eq!(got, want, "{word} → {new} (utf8: {utf8})");
            }
        }
        // the unsaved line was renamed from the buffer, not the disk
        assert_eq!(dir.read("main.stance"), MAIN_DISK);
        assert_eq!(c.stop(), Ok(true));
    }
}

#[test]
fn prepare_rename_is_null_where_no_name_is() {
    let (dir, mut c, _) = workspace(false);
    let m = uri(&dir, "main.stance");
    let main = main_buffer();
    for (what, at) in [
        ("keyword", word_at(&main, "party", 1) + 1),
        ("keyword as", word_at(&main, "as", 0)),
        ("date", main.find("2025-02-26").unwrap() + 2),
        ("string", main.find("США").unwrap()),
        ("include path", main.find("common.stance").unwrap() + 1),
        ("white space", main.find("; duty").unwrap() + 1),
        ("separator", main.find("; duty").unwrap()),
    ] {
        let p = position(&main, at, false);
        let r = c.result(
            "textDocument/prepareRename",
            json!({"textDocument": {"uri": m}, "position": p}),
        );
        assert_eq!(r, Value::Null, "{what}");
        // and rename there is refused
        let r = c.request("textDocument/rename", rename_params(&m, p, "x2"));
        assert_eq!(code(&r), -32803, "{what}");
    }
    // a comment
    let common = uri(&dir, "common.stance");
    c.open(&common, 1, COMMON);
    let r = c.result(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": common}, "position": {"line": 0, "character": 4}}),
    );
    assert_eq!(r, Value::Null);
    assert_eq!(c.stop(), Ok(true));
}

#[test]
fn refusals_are_errors_with_a_reason_and_no_edit() {
    let (dir, mut c, _) = workspace(false);
    let m = uri(&dir, "main.stance");
    let main = main_buffer();
    let at = |w: &str, n: usize| position(&main, word_at(&main, w, n), false);
    let cases: Vec<(Position, &str, i32, &str)> = vec![
        (
            at("eu", 1),
            "party",
            -32602,
            "`party` is a reserved keyword",
        ),
        (
            at("eu", 1),
            "weight",
            -32602,
            "`weight` is a reserved keyword",
        ),
        (at("eu", 1), "2eu", -32602, "`2eu` is not a valid name"),
        (at("eu", 1), "europé", -32602, "is not a valid name"),
        (at("eu", 1), "e u", -32602, "is not a valid name"),
        (at("eu", 1), "", -32602, "is not a valid name"),
        // another party of the same model
        (
            at("eu", 1),
            "us",
            -32803,
            "`us` is already a party of this model (`main.stance:2`)",
        ),
        // `guarantees@us` and `ceasefire@us` would be one atom
        (
            at("ceasefire", 0),
            "guarantees",
            -32803,
            "`guarantees` is already a topic of this model (`common.stance:3`)",
        ),
        (
            at("deal", 0),
            "deal",
            0, // same name: accepted, no edit
            "",
        ),
    ];
    for (p, new, want_code, want) in cases {
        let r = c.request("textDocument/rename", rename_params(&m, p, new));
        if want_code == 0 {
            let edit = r.response_result.unwrap();
            assert_eq!(edit["changes"], json!({}), "{new}");
            continue;
        }
        let e = r
            .response_result
            .err()
            .unwrap_or_else(|| panic!("{new}: accepted"));
        assert_eq!(e.code, want_code, "{new}: {}", e.message);
        assert!(e.message.contains(want), "{new}: {}", e.message);
    }
    // `alone.stance` is a model the rename does not reach: its names
    // are no clash, and it is not edited
    let edit = c.result(
        "textDocument/rename",
        rename_params(&m, at("ceasefire", 0), "guarantee"),
    );
    assert!(edit["changes"].as_object().unwrap().len() == 1);
    let edit = c.result(
        "textDocument/rename",
        rename_params(&m, at("us", 0), "solo"),
    );
    assert!(edit["changes"].as_object().unwrap().len() == 1);
    // a syntax error in a reached file: refused, naming it
    let broken = format!("{main}party eu {{ requires requires }}\n");
    c.change(&m, 2, &broken);
    let r = c.request(
        "textDocument/rename",
        rename_params(&m, at("eu", 1), "europe"),
    );
    let e = r.response_result.unwrap_err();
    assert_eq!(e.code, -32803);
    assert!(
        e.message.contains("`main.stance:13` has a syntax error"),
        "{}",
        e.message
    );
    assert_eq!(c.stop(), Ok(true));
}

#[test]
fn an_untitled_buffer_is_renamed_alone() {
    let dir = TempDir::new("lsp-rename-untitled");
    let mut c = Client::start(Some(dir.path()), false);
    let u = Url::parse("untitled:Untitled-1").unwrap();
    let text = "party p \"«P» 😀\"\ntopic x\nparty p { requires x@p \"“ok”\"; duty p: x }\n";
    c.open(&u, 1, text);
    let _ = c.diagnostics(&u);
    let at = position(text, word_at(text, "p", 1), false);
    let edit = c.result("textDocument/rename", rename_params(&u, at, "q"));
    let mut texts: BTreeMap<Url, String> = [(u.clone(), text.to_owned())].into();
    apply(&mut texts, &edit, false);
    assert_eq!(texts[&u], replace_word(text, "p", "q"));
    assert_eq!(c.stop(), Ok(true));
}

/// A random model over parties `p0…`, topics `t0…`, scenarios `s0…` and
/// labels `l0…` (no name a prefix of another, every name declared, so no
/// finding depends on how names are spelt), split into a declarations
/// file and a main file that includes it; non-ASCII quotes before names.
fn random_model(seed: u64) -> (String, String) {
    let mut r = Rng(seed | 1);
    for _ in 0..4 {
        r.next();
    }
    let np = 2 + r.below(3);
    let nt = 2 + r.below(4);
    let ns = r.below(3);
    let party = |r: &mut Rng| format!("p{}", r.below(np));
    let atom = |r: &mut Rng| {
        let t = format!("t{}", r.below(nt));
        if r.below(4) == 0 {
            format!("{t}@p{}", r.below(np))
        } else {
            t
        }
    };
    let formula = |r: &mut Rng| {
        let a = atom(r);
        match r.below(5) {
            0 => format!("not {a}"),
            1 => format!("{a} and {}", atom(r)),
            2 => format!("{a} or not {}", atom(r)),
            3 => format!("{a} -> {}", atom(r)),
            _ => a,
        }
    };
    let mut decls = String::from("# «declarations» — “shared”\n");
    for p in 0..np {
        decls.push_str(&format!("party p{p} \"«{p}» — “party” 😀\"\n"));
    }
    for t in 0..nt {
        decls.push_str(&format!("topic t{t} \"тема “{t}”\"\n"));
    }
    let mut main = String::from("include \"decls.stance\"\n");
    let mut label = 0;
    for p in 0..np {
        let dated = r.below(3) == 0;
        if dated {
            main.push_str(&format!(
                "party p{p} as of 2025-0{}-1{} {{\n",
                1 + r.below(9),
                r.below(10)
            ));
        } else {
            main.push_str(&format!("party p{p} {{\n"));
        }
        for _ in 0..1 + r.below(3) {
            let mut line = String::from("  ");
            if r.below(2) == 0 && label < 10 {
                line.push_str(&format!("l{label}: "));
                label += 1;
            }
            let f = formula(&mut r);
            line.push_str(&match r.below(7) {
                0 => format!("requires {f}"),
                1 => format!("rejects {f}"),
                2 => format!("prefers {f} weight {}", 1 + r.below(5)),
                3 => format!("avoids {f}"),
                4 => format!("claims {f}"),
                5 => format!("no {} without {}", atom(&mut r), atom(&mut r)),
                _ => format!("duty {}: t{}", party(&mut r), r.below(nt)),
            });
            line.push_str(" \"« mot » 🕊\"");
            // a second statement after the quote, on the same line
            if r.below(3) == 0 {
                line.push_str(&format!(
                    "; requires {} when {}",
                    atom(&mut r),
                    atom(&mut r)
                ));
            }
            main.push_str(&line);
            main.push('\n');
        }
        main.push_str("}\n");
    }
    if r.below(2) == 0 && label < 10 {
        main.push_str(&format!(
            "assume l{label}: {} \"« hyp »\"\n",
            formula(&mut r)
        ));
    }
    for s in 0..ns {
        main.push_str(&format!(
            "scenario s{s} \"сценарій “{s}”\" {{ {} }}\n",
            formula(&mut r)
        ));
        let parties: Vec<String> = (0..1 + r.below(np)).map(|_| party(&mut r)).collect();
        let kind = if r.below(2) == 0 {
            "feasible"
        } else {
            "infeasible"
        };
        main.push_str(&format!("expect {kind} s{s} for {}\n", parties.join(", ")));
    }
    match r.below(4) {
        0 => main.push_str(&format!("expect consistent {}\n", party(&mut r))),
        1 => main.push_str(&format!("expect impossible {}\n", formula(&mut r))),
        2 => main.push_str(&format!("expect conflict p0, p{}\n", 1 + r.below(np - 1))),
        _ => {}
    }
    (decls, main)
}

/// `value` without the column fields (a longer name shifts the columns
/// after it on its line; lines never move).
fn without_columns(value: &mut Value) {
    match value {
        Value::Object(m) => {
            m.retain(|k, _| !k.contains("column"));
            m.values_mut().for_each(without_columns);
        }
        Value::Array(a) => a.iter_mut().for_each(without_columns),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Renaming a name of each kind, written anywhere in a random model
    /// (a random place of each kind): the edits give the model `stance
    /// check` finds the same things in, with the name renamed, and the old
    /// name is written nowhere.
    #[test]
    fn a_rename_changes_nothing_but_the_name(seed in any::<u64>(), pick in any::<usize>(), utf8 in any::<bool>()) {
        use stancecheck::lsp::symbols::SymbolKind;
        let (decls, main) = random_model(seed);
        let before = TempDir::new("lsp-rename-prop");
        before.write("decls.stance", &decls);
        before.write("main.stance", &main);
        let mut json_before = check_json(before.path(), &["main.stance"]);
        without_columns(&mut json_before);

        // every name written in either file, by kind
        let mut names: BTreeMap<SymbolKind, Vec<(&str, usize)>> = BTreeMap::new();
        for (file, text) in [("decls.stance", &decls), ("main.stance", &main)] {
            let tree = stancecheck::syntax::parse(stancecheck::source::FileId(0), text).0;
            for o in stancecheck::lsp::symbols::occurrences(&tree) {
                names.entry(o.kind).or_default().push((file, o.span.start as usize));
            }
        }
        prop_assert!(names.len() >= 2);
        let mut c = Client::start(Some(before.path()), utf8);
        for places in names.values() {
            let (file, at) = places[pick % places.len()];
            let text = if file == "main.stance" { &main } else { &decls };
            let end = at + text[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(text.len() - at);
            let old = text[at..end].to_owned();
            let new = format!("{old}_renamed");
            let u = uri(&before, file);
            c.open(&u, 1, text);
            let edit = c.result("textDocument/rename", rename_params(&u, position(text, at, utf8), &new));
            let mut texts: BTreeMap<Url, String> = [
                (uri(&before, "decls.stance"), decls.clone()),
                (uri(&before, "main.stance"), main.clone()),
            ].into();
            apply(&mut texts, &edit, utf8);

            // the old name is written nowhere, the new one where the old was
            for (u, t) in &texts {
                let original = if *u == uri(&before, "main.stance") { &main } else { &decls };
                prop_assert_eq!(t, &replace_word(original, &old, &new), "{}", u);
            }
            let after = TempDir::new("lsp-rename-prop");
            after.write("decls.stance", &texts[&uri(&before, "decls.stance")]);
            after.write("main.stance", &texts[&uri(&before, "main.stance")]);
            let mut json_after = check_json(after.path(), &["main.stance"]);
            without_columns(&mut json_after);
            let want = replace_word(&json_before.to_string(), &old, &new);
            prop_assert_eq!(json_after.to_string(), want, "{} → {}\n{}\n{}", old, new, decls, main);
        }
        prop_assert_eq!(c.stop(), Ok(true));
    }
}
