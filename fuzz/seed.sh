#!/usr/bin/env bash
# Builds the fuzz corpora (fuzz/corpus/<target>, gitignored) from the
# repository's rule files and the hand-written seeds in fuzz/seeds/.
set -euo pipefail
cd "$(dirname "$0")"
for target in parse pipeline format; do
  mkdir -p "corpus/$target"
  find ../rules ../examples ../tests/ui seeds -type f -name '*.stance' -print0 |
    while IFS= read -r -d '' f; do
      name=$(printf '%s' "$f" | sed 's#^\.\./##; s#/#_#g')
      cp "$f" "corpus/$target/$name"
    done
done
echo "seeded: $(ls corpus/parse | wc -l) files per target"
