#!/usr/bin/env bash
# Smoke-tests the editor setups of docs/editors.md against the server
# built in target/debug (run `cargo build` first): each editor that is
# installed opens a copy of deal.stance headless, waits for the
# diagnostics, asks for a hover, renames a topic, and prints what arrived.
# Editors that are not installed are skipped (and said so). Not run by
# .ci/run: CI installs no editors.
#   bash editors/smoke/run.sh
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

if command -v nvim >/dev/null; then
  mkdir -p "$work/nvim" && cp "$here/deal.stance" "$work/nvim/"
  echo "== neovim: $(nvim --version | head -1)"
  (cd "$work/nvim" && timeout 120 nvim --headless -u "$here/nvim/init-0.7.lua" deal.stance \
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
