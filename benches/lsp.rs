//! The language server after a one-line edit (issue #16, Performance):
//! diagnostics published for a 2,000-statement file and for the
//! 100k-statement workload (`generate::disputes`), on a cold server (open)
//! and on a warm one (a change of one line, the check cache kept between
//! edits). Figures: docs/performance.md.
//!
//! `STANCE_LSP_PHASES=1 cargo bench --bench lsp` prints where the time of
//! one analysis goes instead (parse, resolve, components, check, LSP
//! conversion), each phase timed alone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use stancecheck::check::{self, CheckOptions};
use stancecheck::generate;
use stancecheck::load::{Loader, MemoryFs};
use stancecheck::pipeline;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::Instant;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Disputes of 13 statements: 154 → 2,002 statements, 7,700 → 100,100.
const SIZES: [usize; 2] = [154, 7_700];

fn main() {
    if std::env::var_os("STANCE_LSP_PHASES").is_some() {
        for d in SIZES {
            phases(d);
        }
        return;
    }
    // `STANCE_LSP_ONCE=open|edit STANCE_LSP_DISPUTES=N`: open the workload
    // once (and make one one-line edit), for instruction counts under
    // callgrind: the edit's count is the difference of the two.
    if let Some(what) = std::env::var_os("STANCE_LSP_ONCE") {
        let disputes = std::env::var("STANCE_LSP_DISPUTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(7_700);
        let (text, edited) = texts(disputes);
        let mut s = Server::open(&text);
        if what == "edit" {
            assert!(s.change(&edited) > 0);
        }
        return;
    }
    divan::main();
}

/// The workload's text, and the same text after a one-line edit in the
/// middle dispute that changes one statement and shifts every later span
/// (`claims A or B` → `claims A and B`).
fn texts(disputes: usize) -> (String, String) {
    let w = generate::disputes(disputes, 1);
    let d = disputes / 2;
    let from = format!("claims t{d}_1 or t{d}_2");
    let to = format!("claims t{d}_1 and t{d}_2");
    assert_eq!(w.text.matches(&from).count(), 1);
    let edited = w.text.replacen(&from, &to, 1);
    (w.text, edited)
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// The median of `n` runs of `f`, in milliseconds.
fn median(n: usize, mut f: impl FnMut() -> f64) -> f64 {
    let mut v: Vec<f64> = (0..n).map(|_| f()).collect();
    v.sort_by(f64::total_cmp);
    v[n / 2]
}

fn phases(disputes: usize) {
    let (_, text) = texts(disputes);
    let mut fs = MemoryFs::new();
    fs.insert("bench.stance", text.as_bytes().to_vec());
    let options = CheckOptions::default();
    let load = || {
        let mut loader = Loader::new(&fs);
        let _ = loader.add_root("bench.stance");
        loader.finish()
    };
    let loaded = load();
    let unit = pipeline::checked_units(&loaded)[0];
    let (model, _) = pipeline::resolve_unit(&loaded, unit);
    let n = 7;
    let t_load = median(n, || {
        let t = Instant::now();
        drop(load());
        ms(t)
    });
    let t_resolve = median(n, || {
        let t = Instant::now();
        drop(pipeline::resolve_unit(&loaded, unit));
        ms(t)
    });
    let t_comps = median(n, || {
        let t = Instant::now();
        drop(check::session::Components::new(&model));
        ms(t)
    });
    let t_check = median(n, || {
        let t = Instant::now();
        drop(check::check(&model, &options));
        ms(t)
    });
    let mut cache = check::cache::CheckCache::new();
    check::cache::check(&model, &options, &mut cache);
    let t_check_warm = median(n, || {
        let t = Instant::now();
        drop(check::cache::check(&model, &options, &mut cache));
        ms(t)
    });
    let t_pipeline = median(n, || {
        let t = Instant::now();
        drop(pipeline::run(&loaded, &options));
        ms(t)
    });
    let report = pipeline::run(&loaded, &options);
    let analysis = stancecheck::lsp::workspace::Analysis {
        loaded: load(),
        report,
        uris: vec![Some(
            lsp_types::Url::parse("file:///bench/bench.stance").unwrap(),
        )],
    };
    let t_lsp = median(n, || {
        let t = Instant::now();
        let mut out = std::collections::BTreeMap::new();
        stancecheck::lsp::diagnostics::by_file(
            &analysis,
            stancecheck::lsp::position::Encoding::Utf16,
            &mut out,
        );
        let json = serde_json::to_string(&out).unwrap();
        drop(json);
        ms(t)
    });
    println!(
        "{} statements, {} findings: load+parse {t_load:.2} ms, resolve {t_resolve:.2} ms, \
         components {t_comps:.2} ms, check {t_check:.2} ms (with a warm cache, nothing \
         changed: {t_check_warm:.2} ms), pipeline::run {t_pipeline:.2} ms, LSP conversion + \
         JSON {t_lsp:.2} ms",
        model.statements.len(),
        analysis.report.diagnostics.len(),
    );
}

/// An initialized server on a thread, with the workload open in a
/// temporary directory (its diagnostics received).
struct Server {
    conn: Connection,
    handle: Option<JoinHandle<Result<bool, String>>>,
    uri: lsp_types::Url,
    dir: PathBuf,
    version: i32,
}

impl Server {
    fn open(text: &str) -> Server {
        let dir = std::env::temp_dir().join(format!(
            "stance-bench-lsp-{}-{}",
            std::process::id(),
            text.len()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bench.stance");
        std::fs::write(&path, text).unwrap();
        let uri = lsp_types::Url::from_file_path(&path).unwrap();
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || stancecheck::lsp::serve(&server));
        let s = Server {
            conn: client,
            handle: Some(handle),
            uri,
            dir,
            version: 1,
        };
        s.conn
            .sender
            .send(Message::Request(Request::new(
                RequestId::from(1),
                "initialize".to_owned(),
                // `STANCE_LSP_NO_BUDGET=1`: no time budget (under
                // callgrind, 50 times slower, the default 10 s would cut
                // the cold check short, and what is cut is not cached).
                if std::env::var_os("STANCE_LSP_NO_BUDGET").is_some() {
                    json!({"capabilities": {}, "rootUri": null,
                           "initializationOptions": {"timeBudget": 0}})
                } else {
                    json!({"capabilities": {}, "rootUri": null})
                },
            )))
            .unwrap();
        loop {
            if let Message::Response(_) = s.conn.receiver.recv().unwrap() {
                break;
            }
        }
        s.notify("initialized", json!({}));
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": s.uri, "languageId": "stance", "version": 1, "text": text}}),
        );
        s.wait(1);
        s
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.to_owned(),
                params,
            )))
            .unwrap();
    }

    /// Sends the whole new text and waits for its diagnostics; returns
    /// how many were published.
    fn change(&mut self, text: &str) -> usize {
        self.version += 1;
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [{"text": text}]}),
        );
        self.wait(self.version)
    }

    fn wait(&self, version: i32) -> usize {
        loop {
            if let Message::Notification(n) = self.conn.receiver.recv().unwrap()
                && n.method == "textDocument/publishDiagnostics"
                && n.params["version"] == json!(version)
            {
                return n.params["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.notify("exit", Value::Null);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Cold: a new server opens the edited file (parse, resolve, every
/// component solved, published).
#[divan::bench(args = SIZES, sample_count = 5, sample_size = 1)]
fn open_cold(bencher: divan::Bencher, disputes: usize) {
    let (_, edited) = texts(disputes);
    bencher.bench_local(|| {
        let s = Server::open(&edited);
        drop(s);
    });
}

/// Incremental: the file is open (its components cached); each sample is
/// one one-line edit, alternately made and undone, until its diagnostics
/// are published.
#[divan::bench(args = SIZES, sample_count = 20, sample_size = 1)]
fn one_line_edit(bencher: divan::Bencher, disputes: usize) {
    let (text, edited) = texts(disputes);
    let mut s = Server::open(&text);
    let before = s.change(&text);
    let after = s.change(&edited);
    assert!(before > 0 && after > 0);
    let mut flip = false;
    bencher.bench_local(|| {
        flip = !flip;
        s.change(if flip { &edited } else { &text })
    });
}
