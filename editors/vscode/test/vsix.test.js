// The packaged extension (`npm run package` writes stance.vsix; .ci/run
// packages before it tests): it holds the manifest, the grammar, the
// language configuration, the client and every runtime dependency of the
// client, and the client loads from the unpacked package with a stubbed
// `vscode`. Skipped when stance.vsix has not been built.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const Module = require("node:module");
const yauzl = require("yauzl");

const ROOT = path.join(__dirname, "..");
const VSIX = path.join(ROOT, "stance.vsix");

/** Unpacks the zip at `file` into `dir`; resolves to the entry names. */
function unzip(file, dir) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const names = [];
      zip.on("error", reject);
      zip.on("end", () => resolve(names));
      zip.on("entry", (entry) => {
        names.push(entry.fileName);
        if (entry.fileName.endsWith("/")) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const out = path.join(dir, entry.fileName);
          fs.mkdirSync(path.dirname(out), { recursive: true });
          stream.pipe(fs.createWriteStream(out)).on("finish", () => zip.readEntry());
        });
      });
      zip.readEntry();
    });
  });
}

test("stance.vsix holds the extension and the client's dependencies, and the client loads from it", { skip: !fs.existsSync(VSIX) && "stance.vsix not built (npm run package)" }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stance-vsix-"));
  try {
    const names = await unzip(VSIX, dir);
    const ext = path.join(dir, "extension");
    for (const f of ["package.json", "extension.js", "language-configuration.json", "syntaxes/stance.tmLanguage.json"]) {
      assert.ok(names.includes(`extension/${f}`), `stance.vsix lacks extension/${f}`);
    }
    // the package is built from the files as they are now
    for (const f of ["package.json", "extension.js", "syntaxes/stance.tmLanguage.json"]) {
      assert.equal(
        fs.readFileSync(path.join(ext, f), "utf8"),
        fs.readFileSync(path.join(ROOT, f), "utf8"),
        `stance.vsix has an old ${f}: run npm run package`
      );
    }
    assert.ok(!names.some((n) => n.startsWith("extension/test/")), "tests are not packaged");
    assert.ok(!names.some((n) => /node_modules\/(vscode-textmate|vscode-oniguruma|@vscode\/vsce)\//.test(n)), "dev dependencies are not packaged");

    // require the client from the unpacked package only: a missing runtime
    // dependency fails here
    const original = Module._load;
    const stub = new Proxy(function () {}, { get: (t, p) => (p === "prototype" ? t.prototype : stub), apply: () => stub, construct: () => stub });
    Module._load = function (request, parent, ...rest) {
      if (request === "vscode") return stub;
      return original.call(this, request, parent, ...rest);
    };
    let client;
    try {
      client = require(path.join(ext, "extension.js"));
      require(require.resolve("vscode-languageclient/node", { paths: [ext] }));
    } finally {
      Module._load = original;
    }
    assert.equal(typeof client.activate, "function");
    const loaded = Object.keys(require.cache).filter((k) => k.includes(`${path.sep}vscode-languageclient${path.sep}`));
    assert.ok(loaded.length > 0 && loaded.every((k) => k.startsWith(ext)), "vscode-languageclient came from the package");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
