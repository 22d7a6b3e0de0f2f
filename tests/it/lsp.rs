//! `stance lsp` in-process: a client on one end of `Connection::memory()`,
//! the server loop (`stancecheck::lsp::serve`) on a thread at the other.
//! Diagnostics are compared with `stance check --format json` run on the
//! same files.

use crate::support::common::{TempDir, run_stance};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::{Position, PublishDiagnosticsParams, Url};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

mod rename;

/// Only against a hang: never a speed assertion (docs/decisions.md, Tests).
const HANG_GUARD: Duration = Duration::from_secs(120);

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<bool, String>>>,
    next_id: i32,
    /// Notifications received while waiting for something else.
    inbox: VecDeque<Notification>,
}

impl Client {
    /// A server on a thread; nothing sent yet.
    fn spawn() -> Client {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || stancecheck::lsp::serve(&server));
        Client {
            conn: client,
            server: Some(handle),
            next_id: 0,
            inbox: VecDeque::new(),
        }
    }

    /// A server whose messages are queued before it starts: it finds the
    /// whole burst waiting.
    fn with_queued(messages: Vec<Message>) -> Client {
        let (server, client) = Connection::memory();
        for m in messages {
            client.sender.send(m).unwrap();
        }
        let handle = std::thread::spawn(move || stancecheck::lsp::serve(&server));
        Client {
            conn: client,
            server: Some(handle),
            next_id: 1000,
            inbox: VecDeque::new(),
        }
    }

    /// Spawned and initialized (with UTF-8 offered when `utf8`).
    fn start(root: Option<&Path>, utf8: bool) -> Client {
        let mut c = Client::spawn();
        let r = c.request("initialize", init_params(root, utf8));
        assert!(r.response_result.is_ok(), "{r:?}");
        c.notify("initialized", json!({}));
        c
    }

    fn recv(&mut self) -> Message {
        self.conn
            .receiver
            .recv_timeout(HANG_GUARD)
            .expect("the server answers")
    }

    fn request(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Request::new(id.clone(), method.to_owned(), params).into())
            .unwrap();
        loop {
            match self.recv() {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) => self.inbox.push_back(n),
                _ => {}
            }
        }
    }

    fn result(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        match r.response_result {
            Ok(v) => v,
            Err(e) => panic!("{method}: {e:?}"),
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Notification::new(method.to_owned(), params).into())
            .unwrap();
    }

    fn open(&self, uri: &Url, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "stance", "version": version, "text": text}}),
        );
    }

    fn change(&self, uri: &Url, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// The next diagnostics published for `uri` (others are kept).
    fn diagnostics(&mut self, uri: &Url) -> PublishDiagnosticsParams {
        let deadline = Instant::now() + HANG_GUARD;
        loop {
            if let Some(i) = self.inbox.iter().position(|n| is_diagnostics_for(n, uri)) {
                let n = self.inbox.remove(i).unwrap();
                return serde_json::from_value(n.params).unwrap();
            }
            assert!(Instant::now() < deadline, "no diagnostics for {uri}");
            if let Message::Notification(n) = self.recv() {
                self.inbox.push_back(n);
            }
        }
    }

    /// Diagnostics for `uri` of exactly `version` (earlier ones skipped).
    fn diagnostics_of(&mut self, uri: &Url, version: i32) -> PublishDiagnosticsParams {
        loop {
            let p = self.diagnostics(uri);
            if p.version == Some(version) {
                return p;
            }
        }
    }

    /// `shutdown` then `exit`; what `serve` returned.
    fn stop(mut self) -> Result<bool, String> {
        let r = self.request("shutdown", Value::Null);
        assert!(r.response_result.is_ok());
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap()
    }
}

fn code(r: &Response) -> i32 {
    match &r.response_result {
        Err(e) => e.code,
        Ok(v) => panic!("expected an error, got {v}"),
    }
}

fn is_diagnostics_for(n: &Notification, uri: &Url) -> bool {
    n.method == "textDocument/publishDiagnostics"
        && n.params.get("uri").and_then(Value::as_str) == Some(uri.as_str())
}

fn init_params(root: Option<&Path>, utf8: bool) -> Value {
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    let folders =
        root.map(|r| json!([{"uri": Url::from_directory_path(r).unwrap(), "name": "root"}]));
    json!({
        "processId": null,
        "rootUri": null,
        "capabilities": {"general": {"positionEncodings": encodings}},
        "workspaceFolders": folders,
    })
}

fn uri(dir: &TempDir, rel: &str) -> Url {
    Url::from_file_path(dir.path().join(rel)).unwrap()
}

/// A server on a fresh directory with `text` open as `f.stance` (its first
/// diagnostics read): the directory (kept alive), the client and the URI.
fn opened(tag: &str, text: &str) -> (TempDir, Client, Url) {
    let dir = TempDir::new(tag);
    let mut c = Client::start(Some(dir.path()), false);
    let u = uri(&dir, "f.stance");
    c.open(&u, 1, text);
    let _ = c.diagnostics(&u);
    (dir, c, u)
}

/// `stance check --format json FILES` in `dir`.
fn check_json(dir: &Path, files: &[&str]) -> Value {
    let mut args = vec!["check", "--format", "json"];
    args.extend(files);
    let out = run_stance(dir, &args, None, &[]);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A 1-based line and character column of `check --format json` as an
/// LSP position in `enc` (`utf-16` or `utf-8`).
fn lsp_position(text: &str, line: u64, column: u64, utf8: bool) -> Position {
    let l = text.split('\n').nth(line as usize - 1).unwrap_or("");
    let before: String = l.chars().take(column as usize - 1).collect();
    let character = if utf8 {
        before.len()
    } else {
        before.encode_utf16().count()
    };
    Position {
        line: line as u32 - 1,
        character: character as u32,
    }
}

/// (code, start, end, severity, message) of the JSON diagnostics in `file`.
fn expected(
    json: &Value,
    file: &str,
    text: &str,
    utf8: bool,
) -> Vec<(String, Position, Position, u64, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file)
        .map(|d| {
            let sev = match d["severity"].as_str().unwrap() {
                "error" => 1,
                "warning" => 2,
                _ => 3,
            };
            (
                d["code"].as_str().unwrap().to_owned(),
                lsp_position(
                    text,
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                    utf8,
                ),
                lsp_position(
                    text,
                    d["end_line"].as_u64().unwrap(),
                    d["end_column"].as_u64().unwrap(),
                    utf8,
                ),
                sev,
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn published(p: &PublishDiagnosticsParams) -> Vec<(String, Position, Position, u64, String)> {
    p.diagnostics
        .iter()
        .map(|d| {
            let code = match &d.code {
                Some(lsp_types::NumberOrString::String(s)) => s.clone(),
                other => panic!("code {other:?}"),
            };
            let sev = match d.severity {
                Some(lsp_types::DiagnosticSeverity::ERROR) => 1,
                Some(lsp_types::DiagnosticSeverity::WARNING) => 2,
                _ => 3,
            };
            (code, d.range.start, d.range.end, sev, d.message.clone())
        })
        .collect()
}

/// LANGUAGE.md §1, with non-ASCII quotes and labels before the spans.
const DEAL: &str = r#"# Who is involved — “quoted” é 😀
party ukraine "Ukraine (Zelensky) — “Україна”"
party us      "United States (Trump)"
party russia  "Russia"
party eu      "European Union"

topic ceasefire    "a ceasefire between Russia and Ukraine 🕊"
topic guarantees   "security guarantees for Ukraine"
topic peacekeepers "European peacekeepers in Ukraine"
topic unused       "nobody mentions this ✨"

party ukraine {
  z1: no ceasefire without guarantees   "no ceasefire without strong security guarantees — “сильні”"
}

party us {
  rejects guarantees@us                 "the US will not provide extensive guarantees"
  duty eu: guarantees                   "it is up to Europe to take the lead"
}

party russia {
  rejects peacekeepers                  "strongly opposes European peacekeepers"
}

assume guarantees@eu -> peacekeepers    "European guarantees mean European troops"

scenario deal "a ceasefire deal" { ceasefire }

expect feasible deal
"#;

#[test]
fn open_publishes_what_check_gives_utf16() {
    let dir = TempDir::new("lsp-open");
    dir.write("deal.stance", DEAL);
    let json = check_json(dir.path(), &["deal.stance"]);
    let want = expected(&json, "deal.stance", DEAL, false);
    assert!(want.len() >= 3, "{json}");
    let mut c = Client::start(Some(dir.path()), false);
    let u = uri(&dir, "deal.stance");
    c.open(&u, 1, DEAL);
    let got = c.diagnostics(&u);
    assert_eq!(got.version, Some(1));
    assert_eq!(published(&got), want);
    // members of a minimal set as related information, numbered
    let infeasible = got
        .diagnostics
        .iter()
        .find(|d| d.message.contains("deal"))
        .unwrap();
    let related = infeasible.related_information.as_ref().unwrap();
    assert!(
        related.iter().any(|r| r.message == "2. ukraine (z1)"),
        "{related:?}"
    );
    assert!(related.iter().all(|r| r.location.uri == u));
    // the unused topic is tagged unnecessary
    let unused = got
        .diagnostics
        .iter()
        .find(|d| d.message.contains("unused"))
        .unwrap();
    assert_eq!(
        unused.tags,
        Some(vec![lsp_types::DiagnosticTag::UNNECESSARY])
    );
    assert_eq!(unused.source.as_deref(), Some("stance"));
    assert_eq!(c.stop(), Ok(true));
}

#[test]
fn utf8_is_negotiated_when_offered() {
    let dir = TempDir::new("lsp-utf8");
    dir.write("deal.stance", DEAL);
    let json = check_json(dir.path(), &["deal.stance"]);
    let want = expected(&json, "deal.stance", DEAL, true);
    let mut c = Client::spawn();
    let init = c.result("initialize", init_params(Some(dir.path()), true));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    c.notify("initialized", json!({}));
    let u = uri(&dir, "deal.stance");
    c.open(&u, 1, DEAL);
    assert_eq!(published(&c.diagnostics(&u)), want);
    // and UTF-16 when not
    let mut d = Client::spawn();
    let init = d.result("initialize", init_params(None, false));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(c.stop(), Ok(true));
    assert_eq!(d.stop(), Ok(true));
}

#[test]
fn change_updates_and_unsaved_buffers_are_checked() {
    let dir = TempDir::new("lsp-change");
    dir.write("a.stance", "party p\ntopic x\nparty p { requires x }\n");
    let mut c = Client::start(Some(dir.path()), false);
    let u = uri(&dir, "a.stance");
    c.open(&u, 1, "party p\ntopic x\nparty p { requires x }\n");
    assert!(c.diagnostics(&u).diagnostics.is_empty());
    // the disk still has the clean file: the buffer is what is checked
    c.change(
        &u,
        2,
        "party p\ntopic x\nparty p { requires x\n rejects x }\n",
    );
    let d = c.diagnostics_of(&u, 2);
    assert_eq!(published(&d).len(), 1, "{d:?}");
    assert_eq!(published(&d)[0].0, "SC1002");
    c.change(&u, 3, "party p\ntopic x\nparty p { requires x }\n");
    assert!(c.diagnostics_of(&u, 3).diagnostics.is_empty());
    assert_eq!(c.stop(), Ok(true));
}

#[test]
fn a_burst_of_changes_publishes_only_the_latest_version() {
    let dir = TempDir::new("lsp-burst");
    let u = uri(&dir, "b.stance");
    let init = Request::new(
        RequestId::from(1),
        "initialize".to_owned(),
        init_params(Some(dir.path()), false),
    );
    let mut queued = vec![
        init.into(),
        Notification::new("initialized".to_owned(), json!({})).into(),
        Notification::new(
            "textDocument/didOpen".to_owned(),
            json!({"textDocument": {"uri": u, "languageId": "stance", "version": 1, "text": "party p { requires x }"}}),
        )
        .into(),
    ];
    for v in 2..=20 {
        let text = format!("topic t{v}\nparty p\nparty p {{ requires t{v} }}\n");
        queued.push(
            Notification::new(
                "textDocument/didChange".to_owned(),
                json!({"textDocument": {"uri": u, "version": v}, "contentChanges": [{"text": text}]}),
            )
            .into(),
        );
    }
    let mut c = Client::with_queued(queued);
    let first = c.diagnostics(&u);
    assert_eq!(first.version, Some(20), "a stale version was published");
    assert!(first.diagnostics.is_empty(), "{first:?}");
    let r = c.stop();
    assert_eq!(r, Ok(true));
}

#[test]
fn includes_and_includers_make_one_model() {
    let dir = TempDir::new("lsp-include");
    let main = "include \"shared/town.stance\"\nparty club { requires stadium }\n";
    let town = "party club \"Club\"\ntopic stadium \"a stadium\"\ntopic tram\n";
    dir.write("main.stance", main);
    dir.write("shared/town.stance", town);
    let json = check_json(dir.path(), &["main.stance"]);
    let mut c = Client::start(Some(dir.path()), false);
    // Only the included file is open: its model is its includer's.
    let t = uri(&dir, "shared/town.stance");
    c.open(&t, 1, town);
    let got = c.diagnostics(&t);
    assert_eq!(
        published(&got),
        expected(&json, "shared/town.stance", town, false)
    );
    assert_eq!(got.diagnostics.len(), 1, "only `tram` is unused: {got:?}");
    // definition across the include: `stadium` in main → town
    let m = uri(&dir, "main.stance");
    c.open(&m, 1, main);
    let _ = c.diagnostics(&m);
    let def = c.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": m}, "position": {"line": 1, "character": 24}}),
    );
    assert_eq!(def[0]["uri"], t.as_str(), "{def}");
    assert_eq!(def[0]["range"]["start"], json!({"line": 1, "character": 6}));
    // the include path leads to the file
    let def = c.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": m}, "position": {"line": 0, "character": 12}}),
    );
    assert_eq!(def[0]["uri"], t.as_str());
    // references of `club` in both files
    let refs = c.result(
        "textDocument/references",
        json!({"textDocument": {"uri": t}, "position": {"line": 0, "character": 7},
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(refs.as_array().unwrap().len(), 2, "{refs}");
    // an unsaved edit of the included file changes the includer's model
    c.change(&t, 2, "party club \"Club\"\ntopic stadium \"a stadium\"\n");
    assert!(c.diagnostics_of(&t, 2).diagnostics.is_empty());
    assert_eq!(c.stop(), Ok(true));
}

#[test]
fn hover_definition_references_symbols() {
    let dir = TempDir::new("lsp-nav");
    let mut c = Client::start(Some(dir.path()), false);
    let u = uri(&dir, "deal.stance");
    c.open(&u, 1, DEAL);
    let _ = c.diagnostics(&u);
    let line_of = |needle: &str| DEAL.lines().position(|l| l.contains(needle)).unwrap() as u32;
    let col16 = |line: u32, needle: &str| {
        let l = DEAL.lines().nth(line as usize).unwrap();
        l[..l.find(needle).unwrap()].encode_utf16().count() as u32
    };
    // statement: its meaning, party, label, quote
    let z1 = line_of("z1:");
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": z1, "character": col16(z1, "without")}}),
    );
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("`no ceasefire without guarantees` = ceasefire → guarantees"),
        "{text}"
    );
    assert!(
        text.contains("**ukraine**") && text.contains("(z1)") && text.contains("сильні"),
        "{text}"
    );
    // topic: label and where declared
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": z1, "character": col16(z1, "guarantees") + 2}}),
    );
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("topic `guarantees` — “security guarantees for Ukraine”"),
        "{text}"
    );
    assert!(text.contains("declared at `deal.stance:8`"), "{text}");
    // a diagnostic code in a comment
    let c2 = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": 3}}),
    );
    assert!(c2.is_null(), "{c2}");
    // definition of the party in `duty eu:` → `party eu`
    let duty = line_of("duty eu");
    let def = c.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": u}, "position": {"line": duty, "character": col16(duty, "eu")}}),
    );
    assert_eq!(def[0]["range"]["start"]["line"], line_of("party eu"));
    // references of the scenario: declaration and the expect line
    let sc = line_of("scenario deal");
    let refs = c.result(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": {"line": sc, "character": 10},
               "context": {"includeDeclaration": false}}),
    );
    let refs = refs.as_array().unwrap();
    assert_eq!(refs.len(), 1);
    assert_eq!(
        refs[0]["range"]["start"]["line"],
        line_of("expect feasible")
    );
    // symbols: parties with their statements, topics, scenarios, expectations
    let syms = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"ceasefire") && names.contains(&"deal"),
        "{names:?}"
    );
    assert!(names.contains(&"expect feasible deal"), "{names:?}");
    let ukraine_block = syms
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "ukraine" && !s["children"].as_array().unwrap().is_empty())
        .unwrap();
    assert_eq!(
        ukraine_block["children"][0]["name"],
        "z1: no ceasefire without guarantees"
    );
    assert_eq!(c.stop(), Ok(true));
}

/// A statement of a dated snapshot shows its date in the hover; the
/// outline names each snapshot with its date.
#[test]
fn hover_and_symbols_show_snapshot_dates() {
    let text = "party uk\ntopic sea\nparty uk {\n  prefers sea\n}\n\
                party uk as of 2019-10-17 {\n  requires sea \"the protocol\"\n}\n";
    let dir = TempDir::new("lsp-dates");
    let mut c = Client::start(Some(dir.path()), false);
    let u = uri(&dir, "d.stance");
    c.open(&u, 1, text);
    let _ = c.diagnostics(&u);
    let hover = |c: &mut Client, line: u32| {
        let h = c.result(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": {"line": line, "character": 4}}),
        );
        h["contents"]["value"].as_str().unwrap().to_owned()
    };
    let dated = hover(&mut c, 6);
    assert!(
        dated.contains("`requires sea` = sea")
            && dated.contains("as of 2019-10-17: in the snapshot of **uk** of that date"),
        "{dated}"
    );
    let undated = hover(&mut c, 3);
    assert!(
        undated.contains("`prefers sea`") && !undated.contains("as of"),
        "{undated}"
    );
    let syms = c.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["uk", "sea", "uk", "uk as of 2019-10-17"],
        "{names:?}"
    );
    assert_eq!(c.stop(), Ok(true));
}

/// A reversal offers the `expect reversal P as of D` line that records it
/// (D: the later snapshot); applied, the warning becomes an info.
#[test]
fn a_reversal_offers_its_expect_line() {
    let text = "party uk\ntopic sea\n\
                party uk as of 2019-08-19 {\n  rejects sea\n}\n\
                party uk as of 2019-10-17 {\n  requires sea\n}\n";
    let dir = TempDir::new("lsp-reversal");
    let mut c = Client::start(Some(dir.path()), false);
    let u = uri(&dir, "r.stance");
    c.open(&u, 1, text);
    let got = c.diagnostics(&u);
    let d = got
        .diagnostics
        .iter()
        .find(|d| d.code == Some(lsp_types::NumberOrString::String("SC1012".into())))
        .expect("a reversal");
    let actions = c.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": d.range, "context": {"diagnostics": [d]}}),
    );
    let a = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("expect reversal"))
        .expect("an expect action");
    assert_eq!(
        a["title"],
        "add `expect reversal uk as of 2019-10-17` to record this finding"
    );
    let edits: Vec<lsp_types::TextEdit> =
        serde_json::from_value(a["edit"]["changes"][u.as_str()].clone()).unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].new_text, "expect reversal uk as of 2019-10-17\n");
    dir.write("fixed.stance", format!("{text}{}", edits[0].new_text));
    let after = check_json(dir.path(), &["fixed.stance"]);
    let kinds: Vec<&str> = after["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["SC2005"], "{after}");
    assert_eq!(c.stop(), Ok(true));
}

#[test]
fn hover_on_a_code_shows_the_explain_summary() {
    let dir = TempDir::new("lsp-code");
    let mut c = Client::start(Some(dir.path()), false);
    let u = uri(&dir, "c.stance");
    c.open(&u, 1, "# allowed here: SC1003\nparty p\n");
    let _ = c.diagnostics(&u);
    let h = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": 18}}),
    );
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("**SC1003** `conflict` (warning)"),
        "{text}"
    );
    assert!(text.contains("stance explain conflict"), "{text}");
    assert_eq!(c.stop(), Ok(true));
}

#[test]
fn hover_on_a_statement_shows_its_written_weight() {
    let text = "party p\ntopic x\ntopic y\nparty p {\n  requires x weight 7 \"q\"\n  prefers y weight 3\n  avoids x\n}\n";
    let (_dir, mut c, u) = opened("lsp-weight", text);
    // the default weight is not written, and not shown
    let cases = [
        (
            4,
            "red line of **p**, weight 7 (what withdrawing it costs the party)",
        ),
        (
            5,
            "wish of **p**, weight 3 (what the party gains when it holds)",
        ),
        (6, "wish of **p**\n"),
    ];
    for (line, want) in cases {
        let at = json!({"line": line, "character": 4});
        let h = c.result(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": at}),
        );
        let text = h["contents"]["value"].as_str().unwrap();
        assert!(text.contains(want), "{text}");
        assert_eq!(text.contains("weight"), line != 6, "{text}");
    }
    assert_eq!(c.stop(), Ok(true));
}

#[test]
fn formatting_is_stance_fmt() {
    let dir = TempDir::new("lsp-fmt");
    let text = "party   p\ntopic x\nparty p {\nrequires x   \"q\"\n}\n";
    dir.write("f.stance", text);
    let out = run_stance(dir.path(), &["fmt", "-"], Some(text.as_bytes()), &[]);
    let want = String::from_utf8(out.stdout).unwrap();
    let mut c = Client::start(Some(dir.path()), false);
    let u = uri(&dir, "f.stance");
    c.open(&u, 1, text);
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits[0]["newText"], want.as_str());
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    // a file with syntax errors is not formatted
    c.change(&u, 2, "party {{{\n");
    let edits = c.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(edits.is_null());
    assert_eq!(c.stop(), Ok(true));
}

#[test]
fn bad_requests_get_errors_and_the_server_lives_on() {
    let mut c = Client::spawn();
    // before initialize
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(code(&r), -32002);
    let r = c.request("initialize", json!({"capabilities": 7}));
    assert_eq!(code(&r), -32602, "invalid initialize params");
    let _ = c.result("initialize", init_params(None, false));
    c.notify("initialized", json!({}));
    let r = c.request("initialize", init_params(None, false));
    assert_eq!(code(&r), -32600);
    // unknown method, malformed params, a malformed notification
    let r = c.request("textDocument/doesNotExist", json!({}));
    assert_eq!(code(&r), -32601);
    let r = c.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(code(&r), -32602);
    c.notify("textDocument/didChange", json!({"nonsense": true}));
    c.notify("textDocument/didOpen", json!([1, 2, 3]));
    // a position far outside the document, a document never opened
    let r = c.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere/x.stance"}, "position": {"line": 99, "character": 99}}),
    );
    assert!(r.is_null());
    // still alive: shutdown, then requests are refused until exit
    let r = c.request("shutdown", Value::Null);
    assert!(r.response_result.is_ok());
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(code(&r), -32600);
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), Ok(true));
}

#[test]
fn exit_without_shutdown_is_reported() {
    let mut c = Client::start(None, false);
    c.notify("exit", Value::Null);
    assert_eq!(c.server.take().unwrap().join().unwrap(), Ok(false));
}

#[test]
fn closing_clears_diagnostics() {
    let dir = TempDir::new("lsp-close");
    let mut c = Client::start(Some(dir.path()), false);
    let u = uri(&dir, "gone.stance");
    c.open(&u, 1, "topic lonely\n");
    assert_eq!(c.diagnostics(&u).diagnostics.len(), 1);
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
    assert!(c.diagnostics(&u).diagnostics.is_empty());
    assert_eq!(c.stop(), Ok(true));
}

// ---- random edits -------------------------------------------------------

const SNIPPETS: &[&str] = &[
    "party p \"P\"\n",
    "party q\n",
    "topic x \"é “x”\"\n",
    "topic y\n",
    "party p {\n",
    "}\n",
    "  requires x\n",
    "  rejects x when y\n",
    "  no x without y\n",
    "  duty q: x\n",
    "  prefers y@q\n",
    "  requires v\n",
    "  rejects u and v\n",
    "topic u\n",
    "  l1: claims not x\n",
    "assume x -> y\n",
    "scenario s { x, y }\n",
    "expect feasible s\n",
    "expect conflict p, q\n",
    "include \"other.stance\"\n",
    "😀",
    "\"",
    "(",
    " and ",
    "\r\n",
];

#[derive(Clone, Debug)]
enum Edit {
    Insert(usize, usize),
    Delete(usize, usize),
}

fn apply(text: &mut String, e: &Edit) {
    let boundary = |t: &str, mut i: usize| {
        i %= t.len() + 1;
        while !t.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    match *e {
        Edit::Insert(at, s) => {
            let at = boundary(text, at);
            text.insert_str(at, SNIPPETS[s % SNIPPETS.len()]);
        }
        Edit::Delete(at, len) => {
            let a = boundary(text, at);
            let b = boundary(text, a + len % 40);
            if b > a {
                text.replace_range(a..b, "");
            }
        }
    }
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(a, s)| Edit::Insert(a, s)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Edit::Delete(a, l)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random edits, some delivered as bursts, never crash the server, and
    /// the last diagnostics are those of a fresh check of the final text.
    /// The text starts with several independent disputes, so the server's
    /// check cache (kept between edits) reuses components across edits that
    /// shift, merge, split and change them.
    #[test]
    fn random_edits_end_like_a_fresh_check(edits in prop::collection::vec(edit(), 1..12)) {
        let dir = TempDir::new("lsp-prop");
        dir.write("other.stance", "topic z\n");
        let mut c = Client::start(Some(dir.path()), false);
        let u = uri(&dir, "r.stance");
        let mut text = String::from(
            "party p\nparty q\ntopic x\ntopic u\ntopic v\n\
             party p {\n  requires x\n  rejects u\n}\n\
             party q {\n  requires u or v\n  claims not v\n  rejects x\n}\n\
             scenario s2 { u }\nexpect conflict p, q\n",
        );
        c.open(&u, 1, &text);
        for (i, e) in edits.iter().enumerate() {
            apply(&mut text, e);
            c.change(&u, i as i32 + 2, &text);
        }
        let last = edits.len() as i32 + 1;
        let got = c.diagnostics_of(&u, last);
        // the fresh check, in a fresh server
        let mut fresh = Client::start(Some(dir.path()), false);
        fresh.open(&u, 1, &text);
        let want = fresh.diagnostics(&u);
        prop_assert_eq!(&got.diagnostics, &want.diagnostics);
        // and that is `stance check` on the text written to disk
        dir.write("r.stance", &text);
        let json = check_json(dir.path(), &["r.stance"]);
        prop_assert_eq!(published(&got), expected(&json, "r.stance", &text, false));
        prop_assert_eq!(c.stop(), Ok(true));
        prop_assert_eq!(fresh.stop(), Ok(true));
    }
}

/// Each version of a sequence of edits of a multi-dispute file (kept
/// between edits by one server, with its check cache) is published as a
/// fresh server publishes it: a one-line change, a shift of every later
/// line, the change undone, a rename, a new conflict.
#[test]
fn successive_edits_publish_what_a_fresh_server_publishes() {
    let dir = TempDir::new("lsp-incr");
    let u = uri(&dir, "d.stance");
    let base = stancecheck::generate::disputes(12, 7).text;
    let mut versions = vec![base.clone()];
    versions.push(base.replacen("claims t5_1 or t5_2", "claims t5_1 and t5_2", 1));
    versions.push(format!("# a new first line\n{}", versions[1]));
    versions.push(format!("# a new first line\n{base}"));
    versions.push(versions[3].replace("t7_", "topic7_"));
    versions.push(versions[4].replacen("party c3 {\n", "party c3 {\n  rejects t3_0\n", 1));
    for (i, v) in versions.iter().enumerate() {
        assert!(i == 0 || v != &versions[i - 1]);
    }
    let mut c = Client::start(Some(dir.path()), false);
    c.open(&u, 1, &versions[0]);
    let _ = c.diagnostics_of(&u, 1);
    for (i, text) in versions.iter().enumerate().skip(1) {
        let version = i as i32 + 1;
        c.change(&u, version, text);
        let got = c.diagnostics_of(&u, version);
        let mut fresh = Client::start(Some(dir.path()), false);
        fresh.open(&u, 1, text);
        let want = fresh.diagnostics(&u);
        assert_eq!(got.diagnostics, want.diagnostics, "version {version}");
        assert!(!got.diagnostics.is_empty());
        assert_eq!(fresh.stop(), Ok(true));
    }
    assert_eq!(c.stop(), Ok(true));
}

#[test]
fn completion_in_context() {
    let text = "party p\nparty q\ntopic x\ntopic y\nscenario s { x }\nparty p {\n  requires x@\n  duty \n  rejects \n  \n}\nexpect feasible \n";
    let (_dir, mut c, u) = opened("lsp-complete", text);
    let labels = |c: &mut Client, line: u32, character: u32| -> Vec<String> {
        let r = c.result(
            "textDocument/completion",
            json!({"textDocument": {"uri": u}, "position": {"line": line, "character": character}}),
        );
        r.as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(labels(&mut c, 6, 13), ["p", "q"]);
    assert_eq!(labels(&mut c, 7, 7), ["p", "q"]);
    assert_eq!(labels(&mut c, 8, 10), ["x", "y", "not"]);
    assert!(labels(&mut c, 9, 2).contains(&"requires".to_owned()));
    assert_eq!(labels(&mut c, 11, 16), ["s"]);
    assert!(labels(&mut c, 12, 0).contains(&"party".to_owned()));
    assert_eq!(c.stop(), Ok(true));
}

/// A file with one finding of each kind that has a quick fix, non-ASCII
/// text before them (UTF-16 positions).
const FIXABLE: &str = "\
# «Ukraine» — quick fixes
topic ceasefire \"cessez-le-feu ☮\"
topic guarantees
topic spare
party kyiv {
  requires ceasefire \"мир\"
  requires guarantees or not guarantees
  no ceasefire without guarantes
}
party moscow {
  rejects ceasefire
}
scenario deal { ceasefire }
";

/// The byte offset of an LSP UTF-16 position.
fn offset16(text: &str, p: Position) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(p.line as usize)
        .map(str::len)
        .sum();
    let line = &text[start..];
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if units >= p.character as usize || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[test]
fn every_quick_fix_clears_its_finding() {
    let dir = TempDir::new("lsp-actions");
    dir.write("f.stance", FIXABLE);
    let mut c = Client::start(Some(dir.path()), false);
    let u = uri(&dir, "f.stance");
    c.open(&u, 1, FIXABLE);
    let got = c.diagnostics(&u);
    let codes: Vec<String> = got
        .diagnostics
        .iter()
        .map(|d| match &d.code {
            Some(lsp_types::NumberOrString::String(s)) => s.clone(),
            _ => String::new(),
        })
        .collect();
    for want in ["SC3001", "SC3002", "SC1009", "SC1003", "SC1004"] {
        assert!(codes.iter().any(|c| c == want), "{want} in {codes:?}");
    }
    let mut tried = 0;
    for d in &got.diagnostics {
        let actions = c.result(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": u}, "range": d.range, "context": {"diagnostics": [d]}}),
        );
        for a in actions.as_array().unwrap() {
            assert_eq!(a["kind"], "quickfix");
            // the finding the action fixes
            let d: lsp_types::Diagnostic =
                serde_json::from_value(a["diagnostics"][0].clone()).unwrap();
            let Some(lsp_types::NumberOrString::String(code)) = &d.code else {
                panic!("{d:?}")
            };
            let edits: Vec<lsp_types::TextEdit> =
                serde_json::from_value(a["edit"]["changes"][u.as_str()].clone()).unwrap();
            let mut text = FIXABLE.to_owned();
            let mut spans: Vec<(usize, usize, String)> = edits
                .iter()
                .map(|e| {
                    (
                        offset16(&text, e.range.start),
                        offset16(&text, e.range.end),
                        e.new_text.clone(),
                    )
                })
                .collect();
            spans.sort();
            for (s, e, t) in spans.into_iter().rev() {
                text.replace_range(s..e, &t);
            }
            dir.write("fixed.stance", &text);
            let after = check_json(dir.path(), &["fixed.stance"]);
            let same = after["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["code"] == code.as_str() && x["message"] == d.message.as_str());
            assert!(!same, "`{}` left `{}`:\n{text}", a["title"], d.message);
            tried += 1;
        }
    }
    // did-you-mean and declare, unused, tautology, and the expect lines
    assert!(tried >= 6, "{tried}");
    assert_eq!(c.stop(), Ok(true));
}
