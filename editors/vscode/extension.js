// The VS Code client of `stance lsp`: starts the language server for
// `*.stance` files. The binary is the setting `stance.path` (default
// `stance`, found on the PATH); a change of the setting restarts it.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/** The server command from the settings: `<stance.path> lsp`. */
function serverOptions(config) {
  const command = config.get("path") || "stance";
  const run = { command, args: ["lsp"], transport: TransportKind.stdio };
  return { run, debug: run };
}

function clientOptions() {
  return {
    documentSelector: [
      { scheme: "file", language: "stance" },
      { scheme: "untitled", language: "stance" },
    ],
    synchronize: {
      // the server finds including files among the workspace's rule files
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.stance"),
    },
  };
}

async function start() {
  const config = vscode.workspace.getConfiguration("stance");
  client = new LanguageClient("stance", "Stance", serverOptions(config), clientOptions());
  try {
    await client.start();
  } catch (err) {
    const command = config.get("path") || "stance";
    vscode.window.showErrorMessage(
      `Could not start the stance language server (\`${command} lsp\`): ${err && err.message ? err.message : err}. ` +
        "Install stancecheck or set `stance.path`."
    );
  }
}

async function stop() {
  const c = client;
  client = undefined;
  if (c) {
    await c.stop().catch(() => undefined);
  }
}

/** @param {import("vscode").ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("stance.path")) {
        await stop();
        await start();
      }
    }),
    { dispose: () => void stop() }
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverOptions, clientOptions };
