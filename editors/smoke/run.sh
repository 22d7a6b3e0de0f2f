#!/usr/bin/env bash
# Smoke-tests the editor setups of docs/editors.md against the server
# built in target/debug (run `cargo build` first): each editor that is
# installed opens a copy of deal.stance headless, waits for the
# diagnostics, asks for a hover, renames a topic, and prints what arrived.
# Editors that are not installed are skipped (and said so). Not run by
# .ci/run: CI installs no editors.
#   bash editors/smoke/run.sh
#   NVIM=/path/to/nvim-0.11/bin/nvim bash editors/smoke/run.sh
set -u
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="$repo/target/debug"
if [ ! -x "$bin/stance" ]; then
  echo "no $bin/stance: run cargo build first" >&2
  exit 2
fi
export PATH="$bin:$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0

echo "== stance: $(stance --version)"

# NVIM names the Neovim binary (default: nvim on the PATH); 0.11 and
# later get the documented `vim.lsp.config` setup, older ones the
# `start_client` one.
nvim_bin="${NVIM:-nvim}"
if command -v "$nvim_bin" >/dev/null; then
  mkdir -p "$work/nvim" && cp "$here/deal.stance" "$work/nvim/"
  version="$("$nvim_bin" --version | head -1)"
  echo "== neovim: $version"
  minor="$(echo "$version" | sed -n 's/^NVIM v0\.\([0-9]*\).*/\1/p')"
  init="$here/nvim/init-0.11.lua"
  if [ -n "$minor" ] && [ "$minor" -lt 11 ]; then
    init="$here/nvim/init-0.7.lua"
  fi
  echo "   setup: ${init#"$repo"/}"
  (cd "$work/nvim" && timeout 120 "$nvim_bin" --headless -u "$init" deal.stance \
    -c "luafile $here/nvim/smoke.lua") || status=1
else
  echo "== neovim: not installed, skipped"
fi

if command -v emacs >/dev/null; then
  mkdir -p "$work/emacs" && cp "$here/deal.stance" "$work/emacs/"
  echo "== emacs: $(emacs --version | head -1)"
  (cd "$work/emacs" && timeout 120 emacs --batch -l "$here/emacs/smoke.el" deal.stance 2>/dev/null) || status=1
else
  echo "== emacs: not installed, skipped"
fi

if command -v hx >/dev/null; then
  echo "== helix: $(hx --version) is installed, but has no headless mode to drive: not smoke-tested"
else
  echo "== helix: not installed, skipped"
fi
exit $status
