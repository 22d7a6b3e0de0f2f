// Scopes the TextMate grammar gives to the tokens of the language
// (LANGUAGE.md §2-§5, v2 keywords). The grammar is generated from the
// lexer's keyword table by tests/it/vscode_grammar.rs; these tests check
// what it does once loaded the way VS Code loads it.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { tokenize } = require("./tokenize");

const REPO = path.join(__dirname, "..", "..", "..");

/**
 * Asserts that every token covering the `nth` occurrence of `fragment`
 * in `line` has a scope starting with `scope`.
 */
async function expectScope(line, fragment, scope, nth = 0) {
  // a word is found only as a whole word (`as` is not the one in `feasible`)
  const escaped = fragment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(/^\w+$/.test(fragment) ? `\\b${escaped}\\b` : escaped, "g");
  const found = [...line.matchAll(re)];
  assert.ok(found.length > nth, `\`${fragment}\` not in \`${line}\``);
  const at = found[nth].index;
  const [tokens] = await tokenize(line);
  let pos = 0;
  const covering = [];
  for (const t of tokens) {
    const end = pos + t.text.length;
    if (end > at && pos < at + fragment.length) covering.push(t);
    pos = end;
  }
  assert.ok(covering.length > 0);
  for (const t of covering) {
    assert.ok(
      t.scopes.some((s) => s === scope || s.startsWith(scope + ".")),
      `\`${fragment}\` in \`${line}\`: token \`${t.text}\` has scopes ${t.scopes.join(" ")}, expected ${scope}`
    );
  }
}

/** The keyword table of the lexer, read from its source. */
function lexerKeywords() {
  const src = fs.readFileSync(path.join(REPO, "src", "syntax", "lexer.rs"), "utf8");
  const m = /pub const KEYWORDS: &\[&str\] = &\[([^\]]*)\]/.exec(src);
  assert.ok(m, "KEYWORDS not found in src/syntax/lexer.rs");
  return [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
}

test("every keyword of the lexer is a keyword, alone and in a line", async () => {
  const keywords = lexerKeywords();
  assert.ok(keywords.length >= 27, `only ${keywords.length} keywords`);
  for (const k of keywords) {
    const [tokens] = await tokenize(k);
    assert.equal(tokens.length, 1, `\`${k}\` is one token`);
    assert.ok(
      tokens[0].scopes.some((s) => /^(keyword|storage\.type)\./.test(s)),
      `\`${k}\`: ${tokens[0].scopes.join(" ")}`
    );
  }
  // a keyword inside a longer identifier is not a keyword
  for (const w of ["party_line", "notice", "android", "nor", "for2", "_as"]) {
    await expectScope(`requires ${w}`, w, "variable.other");
  }
});

test("item, statement, formula and expect keywords", async () => {
  await expectScope("include \"shared/base.stance\"", "include", "storage.type.item");
  await expectScope("  requires ceasefire when talks", "requires", "keyword.control.statement");
  await expectScope("  requires ceasefire when talks", "when", "keyword.control.conditional");
  await expectScope("  rejects a and not b or c", "and", "keyword.operator.word");
  await expectScope("  rejects a and not b or c", "not", "keyword.operator.word");
  await expectScope("  rejects a and not b or c", "or", "keyword.operator.word");
  await expectScope("  no ceasefire without guarantees", "no", "keyword.control.statement");
  await expectScope("  no ceasefire without guarantees", "without", "keyword.control.conditional");
  await expectScope("expect feasible deal for us, ukraine", "expect", "storage.type.item");
  await expectScope("expect feasible deal for us, ukraine", "feasible", "keyword.other.expect");
  await expectScope("expect feasible deal for us, ukraine", "for", "keyword.other.expect");
  await expectScope("expect infeasible deal as of 2025-02-12", "as", "keyword.other.modifier");
  await expectScope("expect infeasible deal as of 2025-02-12", "of", "keyword.other.modifier");
  await expectScope("  prefers guarantees@us weight 5 \"…\"", "weight", "keyword.other.modifier");
  await expectScope("  ceasefire", "ceasefire", "variable.other");
});

test("declarations name a party, a topic, a scenario", async () => {
  await expectScope("party us \"United States\"", "party", "storage.type.item");
  await expectScope("party us \"United States\"", "us", "entity.name.type.party");
  await expectScope("party us as of 2025-02-26 {", "us", "entity.name.type.party");
  await expectScope("topic ceasefire \"a ceasefire holds\"", "ceasefire", "entity.name.function.topic");
  await expectScope("scenario deal { ceasefire, peace }", "deal", "entity.name.section.scenario");
  await expectScope("scenario deal { ceasefire, peace }", "ceasefire", "variable.other");
});

test("strings, with escapes, and an unterminated string ends at the line end", async () => {
  const line = 'party p "she said \\"no\\" \\\\ then\\tleft\\n"';
  await expectScope(line, '"she', "string.quoted.double");
  await expectScope(line, '\\"', "constant.character.escape", 0);
  await expectScope(line, '\\"', "constant.character.escape", 1);
  await expectScope(line, "\\\\", "constant.character.escape");
  await expectScope(line, "\\t", "constant.character.escape");
  await expectScope(line, "\\n", "constant.character.escape");
  await expectScope(line, "no", "string.quoted.double");
  // a quoted `#` is not a comment, a quoted keyword not a keyword
  await expectScope('  requires a "# requires"', "# requires", "string.quoted.double");
  await expectScope('topic x "bad \\q escape"', "\\q", "invalid.illegal.unknown-escape");
  // unterminated: the next line is not inside the string
  const [first, second] = await tokenize('topic x "open\n  requires a');
  assert.ok(first.some((t) => t.scopes.some((s) => s.startsWith("string.quoted"))));
  assert.ok(second.every((t) => !t.scopes.some((s) => s.startsWith("string"))), JSON.stringify(second));
  assert.ok(second.some((t) => t.scopes.includes("keyword.control.statement.stance")));
});

test("comments", async () => {
  await expectScope("# a comment: requires x", "# a comment: requires x", "comment.line.number-sign");
  await expectScope("  requires a  # the red line", "# the red line", "comment.line.number-sign");
  await expectScope("  requires a  # the red line", "requires", "keyword.control.statement");
  await expectScope('  requires a "x" # "not a string"', '"not a string"', "comment.line");
});

test("@party, labels, duty", async () => {
  await expectScope("  requires guarantees@us", "@", "keyword.operator.at");
  await expectScope("  requires guarantees@us", "us", "entity.name.type.party");
  await expectScope("  requires guarantees@us", "guarantees", "variable.other");
  await expectScope("  requires guarantees @ us", "us", "entity.name.type.party");
  await expectScope("  z1: requires ceasefire \"…\"", "z1", "entity.name.label");
  await expectScope("  z1: requires ceasefire \"…\"", ":", "punctuation.separator.label");
  await expectScope("party p { z1: requires a; z2: avoids b }", "z1", "entity.name.label");
  await expectScope("party p { z1: requires a; z2: avoids b }", "z2", "entity.name.label");
  await expectScope("assume a1: stadium -> not park", "a1", "entity.name.label");
  await expectScope("assume a1: stadium -> not park", "assume", "storage.type.item");
  // `duty Q: X`: Q is a party, not a label
  await expectScope("  duty us: minerals", "duty", "keyword.control.statement");
  await expectScope("  duty us: minerals", "us", "entity.name.type.party");
  await expectScope("  d1: duty us: minerals", "d1", "entity.name.label");
  await expectScope("  d1: duty us: minerals", "us", "entity.name.type.party");
});

test("dates, numbers, operators, punctuation", async () => {
  await expectScope("party us as of 2025-02-26 {", "2025-02-26", "constant.numeric.date");
  await expectScope("  prefers a weight 1000000", "1000000", "constant.numeric.integer");
  const f = "assume (a & b | !c) -> d <-> e";
  await expectScope(f, "&", "keyword.operator.logical");
  await expectScope(f, "|", "keyword.operator.logical");
  await expectScope(f, "!", "keyword.operator.logical");
  await expectScope(f, "->", "keyword.operator.logical.implication");
  await expectScope(f, "<->", "keyword.operator.logical.implication");
  await expectScope(f, "(", "punctuation.section.parens");
  await expectScope("party p {", "{", "punctuation.section.block");
  await expectScope("expect conflict a, b", ",", "punctuation.separator.comma");
  await expectScope("party p { requires a; avoids b }", ";", "punctuation.terminator.statement");
});

/** Every `*.stance` file below `dir`. */
function stanceFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...stanceFiles(p));
    else if (e.name.endsWith(".stance")) out.push(p);
  }
  return out.sort();
}

test("the repository's rule files tokenise without an invalid token, and every keyword is scoped", async () => {
  const keywords = new Set(lexerKeywords());
  const files = [...stanceFiles(path.join(REPO, "examples")), ...stanceFiles(path.join(REPO, "rules"))];
  assert.ok(files.length >= 10, `only ${files.length} rule files`);
  for (const file of files) {
    const lines = await tokenize(fs.readFileSync(file, "utf8").replace(/\r\n/g, "\n"));
    lines.forEach((tokens, i) => {
      for (const t of tokens) {
        const where = `${path.relative(REPO, file)}:${i + 1}: \`${t.text}\``;
        assert.ok(!t.scopes.some((s) => s.startsWith("invalid")), `${where}: ${t.scopes.join(" ")}`);
        const inText = t.scopes.some((s) => /^(string|comment)\./.test(s));
        if (!inText && keywords.has(t.text.trim())) {
          assert.ok(
            t.scopes.some((s) => /^(keyword|storage\.type)\./.test(s)),
            `${where}: keyword without a keyword scope: ${t.scopes.join(" ")}`
          );
        }
      }
    });
  }
});
