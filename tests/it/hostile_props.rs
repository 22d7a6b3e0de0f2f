//! Property tests on hostile input (fast; the long runs are the fuzz
//! targets in `fuzz/`, see docs/fuzzing.md): random bytes and mutated real
//! rule files go through parse → resolve → check → every output format,
//! and the formatter. See `hostile_support` for the promises checked.

use crate::support::hostile::{
    PIECES, check_format, check_parse, check_pipeline, check_run, diagnostic_names, mutate,
    repository_files,
};
use proptest::prelude::*;
use stancecheck::load::MemoryFs;
use std::sync::OnceLock;

fn files() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(repository_files)
}

/// Bytes biased towards the language: keywords, operators, separators,
/// hostile characters and random bytes.
fn stance_like() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(PIECES.clone()).prop_map(|p| p.as_bytes().to_vec()),
            2 => Just(b" ".to_vec()),
            1 => any::<u8>().prop_map(|b| vec![b]),
            1 => "[a-z_]{1,6}".prop_map(String::into_bytes),
        ],
        0..160,
    )
    .prop_map(|parts| parts.concat())
}

fn ops() -> impl Strategy<Value = Vec<(u8, u32, u32)>> {
    prop::collection::vec((any::<u8>(), any::<u32>(), any::<u32>()), 1..8)
}

#[test]
fn the_repository_files_are_there() {
    // The mutation tests below are only as good as their seeds.
    assert!(files().len() >= 30, "{} rule files found", files().len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_never_break_parser_or_pipeline(data in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_parse(&data);
        check_pipeline(&data);
        check_format(&data);
    }

    #[test]
    fn stance_like_text_never_breaks_parser_or_pipeline(data in stance_like()) {
        check_parse(&data);
        check_pipeline(&data);
        check_format(&data);
    }

    /// A mutated real file as the root, with every other real file beside
    /// it, so its includes still resolve (or now fail to).
    #[test]
    fn mutated_rule_files_never_break_the_pipeline(which in any::<prop::sample::Index>(), ops in ops()) {
        let all = files();
        let (path, bytes) = &all[which.index(all.len())];
        let mutated = mutate(bytes, &ops, all);
        let mut fs = MemoryFs::new();
        for (p, b) in all {
            fs.insert(p.clone(), b.clone());
        }
        fs.insert(path.clone(), mutated.clone());
        check_parse(&mutated);
        check_run(&fs, &[path]);
        check_format(&mutated);
    }
}

/// Every real file, unmutated, meets the same promises (and the JSON of
/// the clean ones lists no syntax error: the checks above see real models,
/// not only rubble).
#[test]
fn repository_files_meet_the_promises() {
    let all = files();
    let mut fs = MemoryFs::new();
    for (p, b) in all {
        fs.insert(p.clone(), b.clone());
    }
    for (path, bytes) in all {
        check_parse(bytes);
        check_format(bytes);
        let json = check_run(&fs, &[path]);
        if path.starts_with("rules/") || path.starts_with("examples/") {
            let syntax_errors = diagnostic_names(&json)
                .iter()
                .filter(|n| **n == "syntax-error")
                .count();
            assert_eq!(syntax_errors, 0, "{path}");
        }
    }
}
