//! `stance lsp`: a language server over standard input and output.
//!
//! One synchronous loop, as ruff's server has (`lsp-server` + `lsp-types`,
//! no async runtime): the [`Server`] owns the open documents and the
//! analysis of every model that holds one. Diagnostics are the library's
//! `pipeline::run` under the same [`CheckOptions`] as `stance check`, read
//! through a file system that prefers the editor's buffers
//! ([`workspace::OverlayFs`]).
//!
//! - `position`: byte offsets ↔ LSP positions (UTF-8 or UTF-16);
//! - `workspace`: documents, the overlay file system, the analyses;
//! - `diagnostics`: the checker's diagnostics as LSP diagnostics;
//! - `symbols`: names in the trees (definition, references, hover);
//! - `rename`: prepare and rename across the files a name reaches.
//!
//! Only [`run_stdio`] touches standard input and output; [`serve`] runs on
//! any [`Connection`] (the tests use `Connection::memory()`).

pub mod actions;
pub mod complete;
pub mod diagnostics;
pub mod position;
pub mod rename;
pub mod symbols;
pub mod workspace;

use crate::ast::{self, Item};
use crate::check::CheckOptions;
use crate::check::cache::CheckCache;
use crate::diagnostic::Kind;
use crate::source::{FileId, Span};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    DocumentSymbol, DocumentSymbolResponse, GotoDefinitionResponse, Hover, HoverContents,
    InitializeParams, InitializeResult, Location, MarkupContent, MarkupKind, PositionEncodingKind,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextEdit, Url,
};
use position::{Encoding, LineIndex};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;
use symbols::SymbolKind;
use workspace::{Analysis, Document};

/// Runs the server on standard input and output until the client exits.
/// Returns the process exit code: 0 after `shutdown` then `exit`, 1 when
/// the client exits without `shutdown` or the connection breaks.
pub fn run_stdio() -> i32 {
    let (connection, io) = Connection::stdio();
    let result = serve(&connection);
    drop(connection);
    let joined = io.join();
    match (result, joined) {
        (Ok(true), Ok(())) => 0,
        (Ok(_), _) => 1,
        (Err(e), _) => {
            eprintln!("stance lsp: {e}");
            1
        }
    }
}

/// Where the server is in the protocol's lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Waiting for `initialize`: requests get `ServerNotInitialized`.
    Uninitialized,
    /// Serving.
    Running,
    /// After `shutdown`: requests get `InvalidRequest`, until `exit`.
    ShutDown,
}

/// Serves one client on `connection` until `exit`. Returns whether the
/// client shut the server down first (`shutdown`, then `exit`), or an
/// error when the connection broke.
pub fn serve(connection: &Connection) -> Result<bool, String> {
    let mut server = Server::new(connection);
    loop {
        let Ok(msg) = connection.receiver.recv() else {
            return Err("the client closed the connection without `exit`".to_owned());
        };
        match msg {
            Message::Request(req) => server.request(req),
            Message::Notification(n) => {
                if n.method == lsp_types::notification::Exit::METHOD {
                    return Ok(server.state == State::ShutDown);
                }
                server.notification(n);
            }
            Message::Response(_) => {}
        }
        // Publish only when no message waits: a burst of changes is
        // checked once, for its last version, and never a version older
        // than one already received.
        if server.unpublished && connection.receiver.is_empty() {
            server.publish();
        }
    }
}

/// The server's state: the documents, their analyses, the client's
/// position encoding.
pub struct Server<'c> {
    connection: &'c Connection,
    state: State,
    encoding: Encoding,
    workspace: Option<PathBuf>,
    options: CheckOptions,
    documents: BTreeMap<Url, Document>,
    analyses: Vec<Analysis>,
    /// The per-component check results of each analysis, kept between
    /// edits ([`workspace::analyse`]).
    caches: BTreeMap<String, CheckCache>,
    /// The analyses are older than the documents.
    stale: bool,
    /// The documents changed since diagnostics were last published.
    unpublished: bool,
    /// The diagnostics last published, by URI (to clear and to skip
    /// sending what the client already has).
    published: BTreeMap<Url, (Option<i32>, Vec<lsp_types::Diagnostic>)>,
}

fn error(id: RequestId, code: ErrorCode, message: impl Into<String>) -> Response {
    Response::new_err(id, code as i32, message.into())
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection) -> Server<'c> {
        Server {
            connection,
            state: State::Uninitialized,
            encoding: Encoding::Utf16,
            workspace: None,
            options: CheckOptions::default(),
            documents: BTreeMap::new(),
            analyses: Vec::new(),
            caches: BTreeMap::new(),
            stale: false,
            unpublished: false,
            published: BTreeMap::new(),
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        // A closed connection ends the loop at the next `recv`.
        let _ = self.connection.sender.send(msg.into());
    }

    fn request(&mut self, req: Request) {
        use lsp_types::request as r;
        let id = req.id.clone();
        let method = req.method.as_str();
        let response = match (self.state, method) {
            (State::Uninitialized, r::Initialize::METHOD) => self.initialize(req),
            (State::Uninitialized, _) => error(
                id,
                ErrorCode::ServerNotInitialized,
                "the server is not initialized",
            ),
            (State::ShutDown, _) => error(
                id,
                ErrorCode::InvalidRequest,
                "the server is shut down; only `exit` is expected",
            ),
            (State::Running, r::Initialize::METHOD) => error(
                id,
                ErrorCode::InvalidRequest,
                "the server is already initialized",
            ),
            (State::Running, r::Shutdown::METHOD) => {
                self.state = State::ShutDown;
                Response::new_ok(id, ())
            }
            (State::Running, _) => {
                if self.stale {
                    self.analyse();
                }
                self.dispatch(req)
            }
        };
        self.send(response);
    }

    fn dispatch(&mut self, req: Request) -> Response {
        use lsp_types::request as r;
        fn answer<R: lsp_types::request::Request>(
            req: Request,
            f: impl FnOnce(R::Params) -> R::Result,
        ) -> Response {
            let id = req.id.clone();
            match req.extract::<R::Params>(R::METHOD) {
                Ok((id, params)) => Response::new_ok(id, f(params)),
                Err(lsp_server::ExtractError::JsonError { error: e, .. }) => error(
                    id,
                    ErrorCode::InvalidParams,
                    format!("invalid parameters: {e}"),
                ),
                Err(lsp_server::ExtractError::MethodMismatch(req)) => error(
                    req.id,
                    ErrorCode::MethodNotFound,
                    format!("unknown method `{}`", req.method),
                ),
            }
        }
        let id = req.id.clone();
        match req.method.as_str() {
            r::HoverRequest::METHOD => {
                answer::<r::HoverRequest>(req, |p| self.hover(&p.text_document_position_params))
            }
            r::GotoDefinition::METHOD => answer::<r::GotoDefinition>(req, |p| {
                self.definition(&p.text_document_position_params)
                    .map(GotoDefinitionResponse::Array)
            }),
            r::References::METHOD => answer::<r::References>(req, |p| {
                self.references(&p.text_document_position, p.context.include_declaration)
            }),
            r::DocumentSymbolRequest::METHOD => answer::<r::DocumentSymbolRequest>(req, |p| {
                self.document_symbols(&p.text_document.uri)
                    .map(DocumentSymbolResponse::Nested)
            }),
            r::Completion::METHOD => answer::<r::Completion>(req, |p| {
                self.complete(&p.text_document_position)
                    .map(lsp_types::CompletionResponse::Array)
            }),
            r::CodeActionRequest::METHOD => answer::<r::CodeActionRequest>(req, |p| {
                let (a, file) = self.locate(&p.text_document.uri)?;
                let start = self.offset(a, file, p.range.start);
                let end = self.offset(a, file, p.range.end).max(start);
                Some(actions::code_actions(a, file, start, end, self.encoding))
            }),
            r::Formatting::METHOD => {
                answer::<r::Formatting>(req, |p| self.format(&p.text_document.uri))
            }
            r::PrepareRenameRequest::METHOD => answer::<r::PrepareRenameRequest>(req, |p| {
                let (a, file) = self.locate(&p.text_document.uri)?;
                rename::prepare(a, file, p.position, self.encoding)
            }),
            r::Rename::METHOD => match req.extract::<lsp_types::RenameParams>(r::Rename::METHOD) {
                Ok((id, p)) => match self.rename(&p) {
                    Ok(edit) => Response::new_ok(id, edit),
                    Err((code, message)) => error(id, code, message),
                },
                Err(e) => error(
                    id,
                    ErrorCode::InvalidParams,
                    format!("invalid parameters: {e}"),
                ),
            },
            other => error(
                id,
                ErrorCode::MethodNotFound,
                format!("unknown method `{other}`"),
            ),
        }
    }

    fn initialize(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let params: InitializeParams = match serde_json::from_value(req.params) {
            Ok(p) => p,
            Err(e) => {
                return error(
                    id,
                    ErrorCode::InvalidParams,
                    format!("invalid initialize parameters: {e}"),
                );
            }
        };
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        self.encoding = if offered.is_some_and(|o| o.contains(&PositionEncodingKind::UTF8)) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        #[allow(deprecated)] // root_uri: still sent by clients without folders
        let folder = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone());
        self.workspace = folder
            .and_then(|u| u.to_file_path().ok())
            .and_then(|p| std::fs::canonicalize(p).ok())
            .filter(|p| p.is_dir());
        if let Some(opts) = params.initialization_options.as_ref() {
            if let Some(budget) = opts.get("timeBudget").and_then(serde_json::Value::as_f64) {
                self.options.time_budget = (budget.is_finite() && budget > 0.0)
                    .then(|| Duration::from_secs_f64(budget.min(3600.0)));
            }
            if let Some(n) = opts.get("maxSets").and_then(serde_json::Value::as_u64) {
                self.options.max_sets = usize::try_from(n.max(1)).unwrap_or(usize::MAX);
            }
        }
        self.state = State::Running;
        let result = InitializeResult {
            capabilities: capabilities(self.encoding),
            server_info: Some(ServerInfo {
                name: "stance".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        };
        Response::new_ok(id, result)
    }

    fn notification(&mut self, n: Notification) {
        use lsp_types::notification as notif;
        if self.state != State::Running {
            return;
        }
        match n.method.as_str() {
            notif::DidOpenTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidOpenTextDocumentParams>(
                    notif::DidOpenTextDocument::METHOD,
                ) {
                    self.documents.insert(
                        p.text_document.uri,
                        Document {
                            version: p.text_document.version,
                            text: p.text_document.text,
                        },
                    );
                    self.changed();
                }
            }
            notif::DidChangeTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    notif::DidChangeTextDocument::METHOD,
                ) {
                    let Some(doc) = self.documents.get_mut(&p.text_document.uri) else {
                        return;
                    };
                    // Full-text sync: the last change holds the whole text;
                    // a ranged change (which we never asked for) is applied.
                    for change in p.content_changes {
                        match change.range {
                            None => doc.text = change.text,
                            Some(range) => {
                                let idx = LineIndex::new(&doc.text);
                                let a = idx.offset(range.start, self.encoding);
                                let b = idx.offset(range.end, self.encoding).max(a);
                                doc.text.replace_range(a..b, &change.text);
                            }
                        }
                    }
                    doc.version = p.text_document.version;
                    self.changed();
                }
            }
            notif::DidCloseTextDocument::METHOD => {
                if let Ok(p) = n.extract::<lsp_types::DidCloseTextDocumentParams>(
                    notif::DidCloseTextDocument::METHOD,
                ) {
                    self.documents.remove(&p.text_document.uri);
                    self.changed();
                }
            }
            notif::DidSaveTextDocument::METHOD => self.changed(),
            notif::DidChangeWatchedFiles::METHOD => self.changed(),
            _ => {}
        }
    }

    fn changed(&mut self) {
        self.stale = true;
        self.unpublished = true;
    }

    fn analyse(&mut self) {
        self.analyses = workspace::analyse(
            &self.documents,
            self.workspace.as_deref(),
            &self.options,
            &mut self.caches,
        );
        self.stale = false;
    }

    /// Checks (when the documents changed) and publishes the diagnostics
    /// of every file read, clearing those of files no longer read.
    fn publish(&mut self) {
        if self.stale {
            self.analyse();
        }
        self.unpublished = false;
        let mut now = BTreeMap::new();
        for a in &self.analyses {
            diagnostics::by_file(a, self.encoding, &mut now);
        }
        let old: Vec<Url> = self
            .published
            .keys()
            .filter(|u| !now.contains_key(*u))
            .cloned()
            .collect();
        for uri in old {
            self.published.remove(&uri);
            self.send_diagnostics(uri, None, Vec::new());
        }
        for (uri, diags) in now {
            let version = self.documents.get(&uri).map(|d| d.version);
            if self.published.get(&uri) == Some(&(version, diags.clone())) {
                continue;
            }
            self.published.insert(uri.clone(), (version, diags.clone()));
            self.send_diagnostics(uri, version, diags);
        }
    }

    fn send_diagnostics(
        &self,
        uri: Url,
        version: Option<i32>,
        diagnostics: Vec<lsp_types::Diagnostic>,
    ) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            lsp_types::notification::PublishDiagnostics::METHOD.to_owned(),
            params,
        ));
    }

    /// The analysis that read `uri`, the file's id, and the byte offset of
    /// a position in it.
    fn locate(&self, uri: &Url) -> Option<(&Analysis, FileId)> {
        self.analyses
            .iter()
            .find_map(|a| a.file(uri).map(|f| (a, f)))
    }

    fn offset(&self, a: &Analysis, file: FileId, pos: lsp_types::Position) -> usize {
        LineIndex::new(a.text(file)).offset(pos, self.encoding)
    }

    /// The files of the models that hold `file`, with their trees.
    fn model_files(a: &Analysis, file: FileId) -> Vec<(FileId, &ast::File)> {
        let mut ids: Vec<FileId> = a
            .units_of(file)
            .into_iter()
            .flat_map(|u| u.files.iter().copied())
            .collect();
        if ids.is_empty() {
            ids.push(file);
        }
        ids.sort();
        ids.dedup();
        ids.into_iter()
            .filter_map(|f| a.loaded.ast(f).map(|t| (f, t)))
            .collect()
    }

    fn hover(&self, p: &lsp_types::TextDocumentPositionParams) -> Option<Hover> {
        let (a, file) = self.locate(&p.text_document.uri)?;
        let offset = self.offset(a, file, p.position);
        let tree = a.loaded.ast(file)?;
        let occ = symbols::occurrences(tree);
        let mut ranges = diagnostics::Ranges::new(a, self.encoding);
        let mut parts: Vec<String> = Vec::new();
        let mut range = None;
        let here = symbols::at(&occ, offset).cloned();
        match &here {
            Some(o) if o.kind != SymbolKind::Label => {
                parts.push(self.describe_name(a, file, o));
                range = Some(ranges.range(o.span));
            }
            _ => {
                if let Some((party, s)) = symbols::statement_at(tree, offset) {
                    let mut text = describe_statement(a, party, s);
                    if let Some(d) = symbols::snapshot_date_at(tree, offset) {
                        text.push_str(&format!(
                            "\n\nas of {d}: in the snapshot of **{}** of that date",
                            markdown_escape(party.name.as_str())
                        ));
                    }
                    parts.push(text);
                    range = Some(ranges.range(s.span));
                }
            }
        }
        if parts.is_empty()
            && let Some((kind, span)) = code_at(a.text(file), file, offset)
        {
            parts.push(describe_kind(kind));
            range = Some(ranges.range(span));
        }
        let offset32 = u32::try_from(offset).unwrap_or(u32::MAX);
        for d in &a.report.diagnostics {
            if d.span.file == file
                && d.span.start <= offset32
                && offset32 < d.span.end.max(d.span.start + 1)
            {
                let line = format!(
                    "`{}` {}: {}",
                    d.kind.code(),
                    d.kind.name(),
                    d.kind.summary()
                );
                if !parts.contains(&line) {
                    parts.push(line);
                }
            }
        }
        if parts.is_empty() {
            return None;
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: parts.join("\n\n---\n\n"),
            }),
            range,
        })
    }

    fn describe_name(&self, a: &Analysis, file: FileId, o: &symbols::Occurrence) -> String {
        let mut out = format!("{} `{}`", o.kind.as_str(), o.name);
        let mut places = Vec::new();
        let mut labels = Vec::new();
        for (f, tree) in Self::model_files(a, file) {
            for (span, label) in symbols::declared_label(tree, o.kind, &o.name) {
                places.push(self.place(a, f, span));
                if let Some(l) = label
                    && !labels.contains(&l)
                {
                    labels.push(l);
                }
            }
        }
        for l in &labels {
            out.push_str(&format!(" — “{}”", markdown_escape(l)));
        }
        if places.is_empty() {
            out.push_str("\n\nnot declared");
        } else {
            out.push_str(&format!("\n\ndeclared at {}", places.join(", ")));
        }
        out
    }

    /// `file.stance:3` (1-based line).
    fn place(&self, a: &Analysis, file: FileId, span: Span) -> String {
        let path = a.loaded.sources.get(file).map_or("", |f| f.path.as_str());
        let line = LineIndex::new(a.text(file))
            .position(span.start as usize, Encoding::Utf8)
            .line
            + 1;
        format!("`{}:{line}`", markdown_escape(path))
    }

    fn definition(&self, p: &lsp_types::TextDocumentPositionParams) -> Option<Vec<Location>> {
        let (a, file) = self.locate(&p.text_document.uri)?;
        let offset = self.offset(a, file, p.position);
        let tree = a.loaded.ast(file)?;
        if let Some(loc) = include_target(a, file, tree, offset) {
            return Some(vec![loc]);
        }
        let occ = symbols::occurrences(tree);
        let o = symbols::at(&occ, offset)?.clone();
        let mut ranges = diagnostics::Ranges::new(a, self.encoding);
        let all = symbols::model_occurrences(&Self::model_files(a, file));
        let decls: Vec<Location> = all
            .iter()
            .filter(|(_, x)| x.kind == o.kind && x.name == o.name && x.decl)
            .filter_map(|(_, x)| ranges.location(x.span))
            .collect();
        Some(decls)
    }

    fn references(
        &self,
        p: &lsp_types::TextDocumentPositionParams,
        include_declaration: bool,
    ) -> Option<Vec<Location>> {
        let (a, file) = self.locate(&p.text_document.uri)?;
        let offset = self.offset(a, file, p.position);
        let occ = symbols::occurrences(a.loaded.ast(file)?);
        let o = symbols::at(&occ, offset)?.clone();
        let mut ranges = diagnostics::Ranges::new(a, self.encoding);
        let all = symbols::model_occurrences(&Self::model_files(a, file));
        Some(
            all.iter()
                .filter(|(_, x)| x.kind == o.kind && x.name == o.name)
                .filter(|(_, x)| include_declaration || !x.decl)
                .filter_map(|(_, x)| ranges.location(x.span))
                .collect(),
        )
    }

    fn complete(
        &self,
        p: &lsp_types::TextDocumentPositionParams,
    ) -> Option<Vec<lsp_types::CompletionItem>> {
        use complete::Context;
        use lsp_types::{CompletionItem, CompletionItemKind};
        let (a, file) = self.locate(&p.text_document.uri)?;
        let text = a.text(file);
        let offset = self.offset(a, file, p.position);
        let before = text.get(..offset)?;
        let occ = symbols::model_occurrences(&Self::model_files(a, file));
        let occ: Vec<symbols::Occurrence> = occ.into_iter().map(|(_, o)| o).collect();
        let item = |label: &str, kind| CompletionItem {
            label: label.to_owned(),
            kind: Some(kind),
            ..CompletionItem::default()
        };
        let names = |kind, ckind| -> Vec<CompletionItem> {
            complete::declared(&occ, kind)
                .iter()
                .map(|n| item(n, ckind))
                .collect()
        };
        let keywords = |kws: &[&str]| -> Vec<CompletionItem> {
            kws.iter()
                .map(|k| item(k, CompletionItemKind::KEYWORD))
                .collect()
        };
        Some(match complete::context(before) {
            Context::Item => keywords(complete::ITEM_KEYWORDS),
            Context::Statement => keywords(complete::STATEMENT_KEYWORDS),
            Context::Topic => {
                let mut v = names(SymbolKind::Topic, CompletionItemKind::CONSTANT);
                v.extend(keywords(&["not"]));
                v
            }
            Context::Party => names(SymbolKind::Party, CompletionItemKind::CLASS),
            Context::Scenario => names(SymbolKind::Scenario, CompletionItemKind::EVENT),
            Context::Nothing => Vec::new(),
        })
    }

    fn document_symbols(&self, uri: &Url) -> Option<Vec<DocumentSymbol>> {
        let (a, file) = self.locate(uri)?;
        let tree = a.loaded.ast(file)?;
        let mut ranges = diagnostics::Ranges::new(a, self.encoding);
        let text = a.text(file);
        let slice = |s: Span| text.get(s.range()).unwrap_or("").to_owned();
        #[allow(deprecated)] // `deprecated` is a required field of the type
        let symbol = |name: String,
                      detail: Option<String>,
                      kind: lsp_types::SymbolKind,
                      range: lsp_types::Range,
                      selection: lsp_types::Range,
                      children: Option<Vec<DocumentSymbol>>| DocumentSymbol {
            name: if name.trim().is_empty() {
                "?".to_owned()
            } else {
                name
            },
            detail,
            kind,
            tags: None,
            deprecated: None,
            range,
            selection_range: selection,
            children,
        };
        let mut out = Vec::new();
        for item in &tree.items {
            match item {
                Item::Party {
                    name,
                    label,
                    statements,
                    span,
                    as_of,
                } => {
                    // a snapshot is named with its date: `uk as of 2019-10-17`
                    let shown = match as_of {
                        Some(d) => format!("{} as of {}", name.name.as_str(), d.date),
                        None => name.name.as_str().to_owned(),
                    };
                    let children: Vec<DocumentSymbol> = statements
                        .iter()
                        .map(|s| {
                            let body = slice(s.body_span);
                            let name = match &s.label {
                                Some(l) => format!("{}: {body}", l.name.as_str()),
                                None => body,
                            };
                            symbol(
                                name,
                                s.quote.as_ref().map(|q| q.value.as_str().to_owned()),
                                lsp_types::SymbolKind::FIELD,
                                ranges.range(s.span),
                                ranges.range(s.body_span),
                                None,
                            )
                        })
                        .collect();
                    let whole = statements.iter().fold(*span, |acc, s| acc.to(s.span));
                    out.push(symbol(
                        shown,
                        label.as_ref().map(|l| l.value.as_str().to_owned()),
                        lsp_types::SymbolKind::CLASS,
                        ranges.range(whole),
                        ranges.range(name.span),
                        Some(children),
                    ));
                }
                Item::Topic { name, label, span } => out.push(symbol(
                    name.name.as_str().to_owned(),
                    label.as_ref().map(|l| l.value.as_str().to_owned()),
                    lsp_types::SymbolKind::CONSTANT,
                    ranges.range(*span),
                    ranges.range(name.span),
                    None,
                )),
                Item::Scenario {
                    name,
                    label,
                    formulas,
                    span,
                } => {
                    let whole = formulas.iter().fold(*span, |acc, f| acc.to(f.span));
                    out.push(symbol(
                        name.name.as_str().to_owned(),
                        label.as_ref().map(|l| l.value.as_str().to_owned()),
                        lsp_types::SymbolKind::EVENT,
                        ranges.range(whole),
                        ranges.range(name.span),
                        None,
                    ));
                }
                Item::Expect(e) => out.push(symbol(
                    slice(e.span),
                    None,
                    lsp_types::SymbolKind::BOOLEAN,
                    ranges.range(e.span),
                    ranges.range(e.span),
                    None,
                )),
                Item::Assume {
                    label,
                    formula,
                    quote,
                    span,
                } => {
                    let body = crate::format::formula(formula);
                    let name = match label {
                        Some(l) => format!("assume {}: {body}", l.name.as_str()),
                        None => format!("assume {body}"),
                    };
                    out.push(symbol(
                        name,
                        quote.as_ref().map(|q| q.value.as_str().to_owned()),
                        lsp_types::SymbolKind::PROPERTY,
                        ranges.range(*span),
                        ranges.range(formula.span),
                        None,
                    ));
                }
                Item::Include { path, span } => out.push(symbol(
                    format!("include {}", path.value.as_str()),
                    None,
                    lsp_types::SymbolKind::FILE,
                    ranges.range(*span),
                    ranges.range(path.span),
                    None,
                )),
            }
        }
        Some(out)
    }

    fn format(&self, uri: &Url) -> Option<Vec<TextEdit>> {
        let text = match self.documents.get(uri) {
            Some(d) => d.text.as_str(),
            None => {
                let (a, file) = self.locate(uri)?;
                a.text(file)
            }
        };
        let formatted = crate::format::format_source(FileId(0), text).ok()?;
        if formatted == text {
            return Some(Vec::new());
        }
        let idx = LineIndex::new(text);
        Some(vec![TextEdit {
            range: lsp_types::Range {
                start: lsp_types::Position::default(),
                end: idx.position(text.len(), self.encoding),
            },
            new_text: formatted,
        }])
    }
}

/// What the server can do.
pub fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(lsp_types::TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp_types::OneOf::Left(true)),
        references_provider: Some(lsp_types::OneOf::Left(true)),
        rename_provider: Some(lsp_types::OneOf::Right(lsp_types::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp_types::WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(lsp_types::OneOf::Left(true)),
        document_formatting_provider: Some(lsp_types::OneOf::Left(true)),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Simple(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec!["@".to_owned()]),
            ..lsp_types::CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        if !crate::render::is_unsafe_char(c) {
            out.push(c);
        }
    }
    out
}

fn describe_statement(a: &Analysis, party: &ast::Ident, s: &ast::Statement) -> String {
    let text = a
        .loaded
        .sources
        .get(s.body_span.file)
        .map_or("", |f| f.slice(s.body_span));
    let mut out = format!(
        "`{}` = {}\n\n{} of **{}**",
        text.replace('`', "'"),
        markdown_escape(&symbols::meaning(&s.stance)),
        symbols::strength(&s.stance),
        markdown_escape(party.name.as_str()),
    );
    if let Some(l) = &s.label {
        out.push_str(&format!(" ({})", markdown_escape(l.name.as_str())));
    }
    // only a weight written in the file (LANGUAGE.md §10): the default 1
    // is not shown
    if let Some(w) = s.weight {
        let meaning = match s.stance {
            ast::Stance::Prefers { .. } | ast::Stance::Avoids { .. } => {
                "what the party gains when it holds"
            }
            _ => "what withdrawing it costs the party",
        };
        out.push_str(&format!(", weight {w} ({meaning})"));
    }
    if let Some(q) = &s.quote {
        out.push_str(&format!("\n\n> “{}”", markdown_escape(q.value.as_str())));
    }
    out
}

/// A diagnostic code or name written at `offset` (in a comment, say):
/// `SC1003` or `conflict`.
fn code_at(text: &str, file: FileId, offset: usize) -> Option<(Kind, Span)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let offset = offset.min(text.len());
    let before = text.get(..offset)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let after = text.get(offset..)?;
    let end = offset + after.find(|c: char| !is_word(c)).unwrap_or(after.len());
    let word = text.get(start..end)?;
    let kind = Kind::from_name_or_code(word)?;
    Some((kind, Span::new(file, start, end)))
}

/// `stance explain`'s summary of a kind: its code, name and severity, the
/// one-line summary and the "What it means" paragraph of its page.
fn describe_kind(kind: Kind) -> String {
    let page = crate::render::explain(kind);
    let meaning = page
        .split("## What it means")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").map(str::trim).find(|p| !p.is_empty()))
        .unwrap_or("");
    format!(
        "**{}** `{}` ({}): {}\n\n{}\n\nMore: `stance explain {}`",
        kind.code(),
        kind.name(),
        kind.severity().as_str(),
        kind.summary(),
        meaning.replace('\n', " "),
        kind.name()
    )
}

/// The file an `include` at `offset` names.
fn include_target(a: &Analysis, file: FileId, tree: &ast::File, offset: usize) -> Option<Location> {
    let offset = u32::try_from(offset).ok()?;
    let from = a.loaded.sources.get(file)?.path.clone();
    tree.items.iter().find_map(|item| match item {
        Item::Include { path, .. } if path.span.start <= offset && offset <= path.span.end => {
            let target = crate::load::join_include(&from, path.value.as_str()).ok()?;
            let id = a.loaded.sources.find(&target)?;
            let uri = a.uris.get(id.0 as usize)?.clone()?;
            Some(Location {
                uri,
                range: lsp_types::Range::default(),
            })
        }
        _ => None,
    })
}
