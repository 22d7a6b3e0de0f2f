// Loads the committed TextMate grammar with vscode-textmate and the
// oniguruma WebAssembly build (both from node_modules: no VS Code needed)
// and tokenises lines the way VS Code does.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const GRAMMAR = path.join(__dirname, "..", "syntaxes", "stance.tmLanguage.json");

let grammarPromise;

/** The grammar, loaded once. */
function grammar() {
  if (!grammarPromise) {
    const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
    const onigLib = oniguruma
      .loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength))
      .then(() => ({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }));
    const registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) =>
        scopeName === "source.stance"
          ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR)
          : null,
    });
    grammarPromise = registry.loadGrammar("source.stance");
  }
  return grammarPromise;
}

/**
 * Tokenises `text` (one or more lines) and returns, per line, its tokens
 * as `{ text, scopes }`.
 */
async function tokenize(text) {
  const g = await grammar();
  let stack = vsctm.INITIAL;
  const out = [];
  for (const line of text.split("\n")) {
    const r = g.tokenizeLine(line, stack);
    out.push(
      r.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        scopes: t.scopes,
      }))
    );
    stack = r.ruleStack;
  }
  return out;
}

module.exports = { tokenize, GRAMMAR };
