// The client module, loaded under Node with a stubbed `vscode` module (the
// real one exists only inside VS Code): it loads together with the real
// vscode-languageclient, starts `<stance.path> lsp` for stance files, and
// restarts when the setting changes. Also checks that package.json,
// the language configuration and the grammar agree.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const ROOT = path.join(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/**
 * A stand-in for any value of the `vscode` API: callable, constructible,
 * subclassable, and every property is another stand-in.
 */
function anything() {
  const target = function () {};
  return new Proxy(target, {
    get: (t, prop) => {
      if (prop === "prototype") return t.prototype;
      if (prop === Symbol.toPrimitive) return () => 0;
      if (typeof prop === "symbol") return undefined;
      if (!(prop in t) || prop === "name" || prop === "length") {
        try {
          t[prop] = anything();
        } catch {
          return anything();
        }
      }
      return t[prop];
    },
    apply: () => anything(),
    construct: () => anything(),
  });
}

/** Runs `fn` with `require("vscode")` (and optional others) answered by `stubs`. */
function withStubs(stubs, fn) {
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (Object.prototype.hasOwnProperty.call(stubs, request)) return stubs[request];
    return original.call(this, request, ...rest);
  };
  try {
    return fn();
  } finally {
    Module._load = original;
  }
}

function freshRequire(id) {
  const resolved = require.resolve(id);
  for (const k of Object.keys(require.cache)) {
    if (k.includes(`${path.sep}vscode-languageclient${path.sep}`) || k === resolved) delete require.cache[k];
  }
  return require(id);
}

test("the client loads with the real vscode-languageclient and a stubbed vscode", () => {
  const ext = withStubs({ vscode: anything() }, () => freshRequire("../extension.js"));
  assert.equal(typeof ext.activate, "function");
  assert.equal(typeof ext.deactivate, "function");
  const config = (p) => ({ get: (k) => (k === "path" ? p : undefined) });
  assert.deepEqual(ext.serverOptions(config(undefined)).run.command, "stance");
  assert.deepEqual(ext.serverOptions(config("")).run.command, "stance");
  const opts = ext.serverOptions(config("/opt/stance/bin/stance"));
  assert.equal(opts.run.command, "/opt/stance/bin/stance");
  assert.deepEqual(opts.run.args, ["lsp"]);
  assert.deepEqual(opts.debug, opts.run);
});

test("activate starts `<stance.path> lsp` for stance documents and restarts on a change of the setting", async () => {
  const events = [];
  let settings = { path: "/usr/local/bin/stance" };
  let onConfig;
  const vscode = {
    workspace: {
      getConfiguration: (section) => {
        assert.equal(section, "stance");
        return { get: (k) => settings[k] };
      },
      onDidChangeConfiguration: (f) => {
        onConfig = f;
        return { dispose() {} };
      },
      createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
    },
    window: { showErrorMessage: (m) => events.push(["error", m]) },
  };
  class LanguageClient {
    constructor(id, name, server, client) {
      this.id = id;
      events.push(["new", id, name, server.run.command, server.run.args, client]);
    }
    async start() {
      events.push(["start", this.id]);
    }
    async stop() {
      events.push(["stop", this.id]);
    }
  }
  const lc = { LanguageClient, TransportKind: { stdio: 0 } };
  const ext = withStubs({ vscode, "vscode-languageclient/node": lc }, () => freshRequire("../extension.js"));
  const context = { subscriptions: [] };
  await ext.activate(context);
  const [, id, name, command, args, client] = events[0];
  assert.deepEqual([id, name, command, args], ["stance", "Stance", "/usr/local/bin/stance", ["lsp"]]);
  assert.deepEqual(client.documentSelector.map((d) => d.language), ["stance", "stance"]);
  assert.equal(client.synchronize.fileEvents.glob, "**/*.stance");
  assert.deepEqual(events[1], ["start", "stance"]);

  // an unrelated setting changes nothing; stance.path restarts the server
  await onConfig({ affectsConfiguration: (s) => s === "editor.tabSize" });
  assert.equal(events.length, 2);
  settings = { path: "/elsewhere/stance" };
  await onConfig({ affectsConfiguration: (s) => s === "stance.path" });
  assert.deepEqual(events.slice(2).map((e) => e.slice(0, 4)), [
    ["stop", "stance"],
    ["new", "stance", "Stance", "/elsewhere/stance"],
    ["start", "stance"],
  ]);
  await ext.deactivate();
  assert.deepEqual(events.at(-1), ["stop", "stance"]);
  assert.ok(!events.some((e) => e[0] === "error"));
});

test("a binary that cannot start is an error message that names the setting", async () => {
  const messages = [];
  const vscode = {
    workspace: {
      getConfiguration: () => ({ get: () => "/no/such/stance" }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
      createFileSystemWatcher: () => ({ dispose() {} }),
    },
    window: { showErrorMessage: (m) => messages.push(m) },
  };
  class LanguageClient {
    async start() {
      throw new Error("spawn /no/such/stance ENOENT");
    }
    async stop() {}
  }
  const lc = { LanguageClient, TransportKind: { stdio: 0 } };
  const ext = withStubs({ vscode, "vscode-languageclient/node": lc }, () => freshRequire("../extension.js"));
  await ext.activate({ subscriptions: [] });
  assert.equal(messages.length, 1);
  assert.match(messages[0], /\/no\/such\/stance lsp/);
  assert.match(messages[0], /ENOENT/);
  assert.match(messages[0], /stance\.path/);
  await ext.deactivate();
});

test("package.json, the language configuration and the grammar agree", () => {
  const [lang] = pkg.contributes.languages;
  assert.equal(lang.id, "stance");
  assert.deepEqual(lang.extensions, [".stance"]);
  const [grammar] = pkg.contributes.grammars;
  assert.equal(grammar.language, "stance");
  const g = JSON.parse(fs.readFileSync(path.join(ROOT, grammar.path), "utf8"));
  assert.equal(g.scopeName, grammar.scopeName);
  const prop = pkg.contributes.configuration.properties["stance.path"];
  assert.equal(prop.default, "stance");
  assert.equal(prop.type, "string");
  assert.ok(fs.existsSync(path.join(ROOT, pkg.main)));
  // the extension's dependency must be packaged (vsce without --no-dependencies)
  assert.ok(!/--no-dependencies/.test(pkg.scripts.package));

  const conf = JSON.parse(fs.readFileSync(path.join(ROOT, lang.configuration), "utf8"));
  assert.equal(conf.comments.lineComment, "#");
  assert.deepEqual(conf.brackets, [["{", "}"], ["(", ")"]]);
  assert.ok(conf.autoClosingPairs.some((p) => p.open === '"' && p.close === '"'));
  const inc = new RegExp(conf.indentationRules.increaseIndentPattern);
  const dec = new RegExp(conf.indentationRules.decreaseIndentPattern);
  for (const l of ["party us {", "party us \"United States\" {", "party p as of 2025-02-26 {  # note", "scenario s {"]) {
    assert.ok(inc.test(l), `indents after \`${l}\``);
  }
  for (const l of ["party p { requires a }", "  requires a  # {", '  requires a "{"', "topic t"]) {
    assert.ok(!inc.test(l), `does not indent after \`${l}\``);
  }
  assert.ok(dec.test("}") && dec.test("  }") && !dec.test("  requires a"));
  const word = new RegExp(`^(?:${conf.wordPattern})$`);
  for (const w of ["ceasefire", "guarantees_us", "z1", "2025-02-26"]) assert.ok(word.test(w), w);
});
