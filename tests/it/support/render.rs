//! Hand-built diagnostics over a small two-file model (LANGUAGE.md §1), shared
//! by the render tests.

use stancecheck::diagnostic::{Diagnostic, Kind, Member, Role, StatementRef};
use stancecheck::source::{FileId, SourceMap, Span};

pub const MAIN: &str = r#"# Who is involved
party ukraine "Ukraine (Zelensky)"
party us      "United States (Trump)"
party russia  "Russia"
party eu      "European Union"

include "parties/ukraine.stance"

topic ceasefire    "a ceasefire between Russia and Ukraine"
topic guarantees   "security guarantees for Ukraine"
topic peacekeepers "European peacekeepers in Ukraine"

party us {
  rejects guarantees@us                 "the US will not provide extensive guarantees"
  duty eu: guarantees                   "it is up to Europe to take the lead"
}

party russia {
  rejects peacekeepers                  "strongly opposes European peacekeepers"
}

assume guarantees@eu -> peacekeepers    "European guarantees mean European troops"

scenario deal "a ceasefire deal" { ceasefire }

expect infeasible deal
"#;

pub const UKRAINE: &str = r#"party ukraine {
  z1: no ceasefire without guarantees   "no ceasefire without strong security guarantees"
  z2: requires peacekeepers             "European boots on the ground"
}
"#;

pub const BROKEN: &str = "party ukraine {\n  requires ceasefire and\n}\n";

/// The span of the first occurrence of `needle` in file `file`.
pub fn span(map: &SourceMap, file: FileId, needle: &str) -> Span {
    let text = &map.get(file).expect("file").text;
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in file"));
    Span::new(file, start, start + needle.len())
}

pub fn member(
    span: Span,
    role: Role,
    party: Option<&str>,
    kind: &'static str,
    label: Option<&str>,
    text: &str,
    quote: Option<&str>,
) -> Member {
    Member {
        span,
        role,
        party: party.map(str::to_owned),
        kind,
        label: label.map(str::to_owned),
        text: text.to_owned(),
        quote: quote.map(str::to_owned),
        weight: (role == Role::Party && kind != "claims").then_some(1),
    }
}

pub fn sref(span: Span, party: &str, label: Option<&str>, text: &str) -> StatementRef {
    StatementRef {
        span,
        party: Some(party.to_owned()),
        label: label.map(str::to_owned),
        text: text.to_owned(),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The sources and the diagnostics (in render order) of the sample.
pub fn sample() -> (SourceMap, Vec<Diagnostic>) {
    let mut map = SourceMap::new();
    let main = map.add("peace.stance", MAIN);
    let ua = map.add("parties/ukraine.stance", UKRAINE);
    let broken = map.add("broken.stance", BROKEN);

    let z1_line = r#"z1: no ceasefire without guarantees   "no ceasefire without strong security guarantees""#;
    let z2_line = r#"z2: requires peacekeepers             "European boots on the ground""#;
    let duty_line =
        r#"duty eu: guarantees                   "it is up to Europe to take the lead""#;
    let russia_line =
        r#"rejects peacekeepers                  "strongly opposes European peacekeepers""#;
    let assume_line =
        r#"assume guarantees@eu -> peacekeepers    "European guarantees mean European troops""#;

    let z1 = span(&map, ua, z1_line);
    let z2 = span(&map, ua, z2_line);
    let duty = span(&map, main, duty_line);
    let russia = span(&map, main, russia_line);
    let assume = span(&map, main, assume_line);
    let scenario = span(
        &map,
        main,
        r#"scenario deal "a ceasefire deal" { ceasefire }"#,
    );

    let mut infeasible = Diagnostic::new(
        Kind::InfeasibleScenario,
        scenario,
        "scenario `deal` is impossible under the parties' red lines",
    )
    .with_span_label("this scenario cannot happen");
    infeasible.parties = strings(&["russia", "ukraine", "us"]);
    infeasible.scenario = Some("deal".to_owned());
    infeasible.members = vec![
        member(
            span(&map, main, "{ ceasefire }"),
            Role::Scenario,
            None,
            "scenario",
            None,
            "ceasefire",
            None,
        ),
        member(
            z1,
            Role::Party,
            Some("ukraine"),
            "no-without",
            Some("z1"),
            "no ceasefire without guarantees",
            Some("no ceasefire without strong security guarantees"),
        ),
        member(
            duty,
            Role::Party,
            Some("us"),
            "duty",
            None,
            "duty eu: guarantees",
            Some("it is up to Europe to take the lead"),
        ),
        member(
            assume,
            Role::Assumption,
            None,
            "assume",
            None,
            "guarantees@eu -> peacekeepers",
            Some("European guarantees mean European troops"),
        ),
        member(
            russia,
            Role::Party,
            Some("russia"),
            "rejects",
            None,
            "rejects peacekeepers",
            Some("strongly opposes European peacekeepers"),
        ),
    ];
    infeasible.chain = strings(&[
        "ceasefire",
        "guarantees",
        "guarantees@eu",
        "peacekeepers",
        "⟂ russia",
    ]);
    infeasible.concessions = vec![
        vec![sref(
            z1,
            "ukraine",
            Some("z1"),
            "no ceasefire without guarantees",
        )],
        vec![sref(duty, "us", None, "duty eu: guarantees")],
        vec![sref(russia, "russia", None, "rejects peacekeepers")],
    ];

    let mut conflict = Diagnostic::new(
        Kind::Conflict,
        russia,
        "the red lines of `russia` and `ukraine` cannot all hold",
    );
    conflict.parties = strings(&["russia", "ukraine"]);
    conflict.members = vec![
        member(
            z2,
            Role::Party,
            Some("ukraine"),
            "requires",
            Some("z2"),
            "requires peacekeepers",
            Some("European boots on the ground"),
        ),
        member(
            russia,
            Role::Party,
            Some("russia"),
            "rejects",
            None,
            "rejects peacekeepers",
            Some("strongly opposes European peacekeepers"),
        ),
    ];
    // a red line with `weight 3`: in JSON and SARIF, never in the human text
    conflict.members[1].weight = Some(3);
    conflict.chain = strings(&["peacekeepers", "⟂ russia"]);
    conflict.concessions = vec![
        vec![sref(z2, "ukraine", Some("z2"), "requires peacekeepers")],
        vec![sref(russia, "russia", None, "rejects peacekeepers")],
    ];

    let mut duty_info = Diagnostic::new(
        Kind::UnacceptedDuty,
        span(&map, main, "duty eu: guarantees"),
        "`us` assigns a duty to `eu`, which never accepts it",
    )
    .with_span_label("`eu` has no statement that requires `guarantees@eu`")
    .with_label(
        span(&map, main, r#"party eu      "European Union""#),
        "`eu` is declared here",
    )
    .with_help(
        "if `eu` accepts the duty, add `requires guarantees@eu when guarantees` to its block",
    );
    duty_info.parties = strings(&["eu", "us"]);

    let syntax = Diagnostic::new(
        Kind::SyntaxError,
        span(&map, broken, "and"),
        "expected a formula after `and`",
    )
    .with_span_label("the formula stops here")
    .with_note("a line break ends a statement unless it is inside parentheses")
    .with_fix(stancecheck::diagnostic::Fix::one(
        "remove `and`",
        true,
        span(&map, broken, "and"),
        "",
    ));

    let read = Diagnostic::new(
        Kind::ReadError,
        Span::new(FileId(99), 0, 0),
        "cannot read `missing.stance`: permission denied",
    );

    let mut diagnostics = vec![conflict, duty_info, infeasible, syntax, read];
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    (map, diagnostics)
}

/// A model whose rule file is hostile: control characters, bidi overrides,
/// a GitHub command hidden in a quote, `%`, `,` and `:` in labels and paths.
pub fn hostile() -> (SourceMap, Vec<Diagnostic>) {
    let evil_quote = "ok\n::error file=x::pwned\u{1b}[2J\u{7}";
    let text = format!(
        "party evil \"Evil\u{1b}]0;title\u{7}\"\nparty evil {{\n  x%1: requires \u{202e}peace\u{202c} \"{}\"\n}}\r\n\u{85}\u{b}\u{c}\r\n",
        "ok\\n::error file=x::pwned\u{1b}[2J\u{7}"
    );
    let mut map = SourceMap::new();
    let f = map.add("evil,name:%0A\u{1b}[31m.stance", text);
    let stmt = span(&map, f, "x%1: requires");
    let stmt = Span::new(
        f,
        stmt.start as usize,
        map.get(f).unwrap().text.find("\"\n}").unwrap() + 1,
    );
    let mut d = Diagnostic::new(
        Kind::Conflict,
        stmt,
        "`evil\u{1b}[31m` says `%0A::error::x` and\n::warning ::injected",
    )
    .with_span_label("label with % and \u{7} bell")
    .with_note("note with\n::error ::second line and \u{1b}[0m")
    .with_help("help %2C with \u{202e}override");
    d.parties = vec!["evil\n::error ::p".to_owned()];
    d.members = vec![member(
        stmt,
        Role::Party,
        Some("evil\u{7}"),
        "requires",
        Some("x%1"),
        "requires \u{202e}peace\u{202c}",
        Some(evil_quote),
    )];
    d.chain = vec!["peace\n::error ::c".to_owned(), "⟂ evil\u{1b}".to_owned()];
    d.concessions = vec![vec![sref(stmt, "evil\r\n::error ::q", Some("x%1"), "t")]];
    // An empty span at the very end, and one past the end of the file.
    let len = map.get(f).unwrap().text.len();
    let end = Diagnostic::new(Kind::SyntaxError, Span::new(f, len, len), "unexpected end");
    let past = Diagnostic::new(
        Kind::SyntaxError,
        Span::new(f, len + 10, len + 20),
        "past the end",
    );
    // A span that starts and ends inside multi-byte characters.
    let inside = map.get(f).unwrap().text.find('\u{202e}').unwrap() + 1;
    let mid = Diagnostic::new(
        Kind::Tautology,
        Span::new(f, inside, inside + 1),
        "inside a character",
    );
    (map, vec![d, mid, end, past])
}
