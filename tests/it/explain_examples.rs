//! Every `stance explain` document carries an example rule file; checking
//! that example must produce the diagnostic the document explains (so the
//! documentation cannot drift from the checker). The language reference's
//! example must check as the page says.

use stancecheck::check::CheckOptions;
use stancecheck::diagnostic::Kind;
use stancecheck::load::{Loader, MemoryFs};
use stancecheck::pipeline;
use std::path::Path;

fn first_stance_block(md: &str) -> Option<String> {
    let start = md.find("```stance\n")? + "```stance\n".len();
    let end = md[start..].find("\n```")? + start;
    Some(md[start..end].to_owned() + "\n")
}

fn kinds_of(text: &str) -> Vec<Kind> {
    let mut fs = MemoryFs::new();
    fs.insert("example.stance", text.as_bytes().to_vec());
    let mut loader = Loader::new(&fs);
    loader.add_root("example.stance").unwrap();
    let report = pipeline::run(&loader.finish(), &CheckOptions::default());
    report.diagnostics.iter().map(|d| d.kind).collect()
}

#[test]
fn every_explain_example_shows_its_diagnostic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // These need more than one file or bytes that are not text.
    let multi_file = [Kind::IncludeError, Kind::ReadError, Kind::InvalidUtf8];
    let mut problems = Vec::new();
    for kind in Kind::ALL {
        let path = root
            .join("docs/diagnostics")
            .join(format!("{}.md", kind.name()));
        let md = std::fs::read_to_string(&path).unwrap();
        let Some(example) = first_stance_block(&md) else {
            problems.push(format!("{}: no ```stance example", kind.name()));
            continue;
        };
        if multi_file.contains(kind) {
            continue;
        }
        let found = kinds_of(&example);
        if !found.contains(kind) {
            problems.push(format!(
                "{}: its example gives {:?}",
                kind.name(),
                found.iter().map(|k| k.name()).collect::<Vec<_>>()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn language_reference_example_is_infeasible_as_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let md = std::fs::read_to_string(root.join("docs/language.md")).unwrap();
    let example = first_stance_block(&md).unwrap();
    let found = kinds_of(&example);
    assert!(found.contains(&Kind::ExpectedInfeasible), "{found:?}");
    assert!(!found.contains(&Kind::SyntaxError), "{found:?}");
}
