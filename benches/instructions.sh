#!/bin/sh
# Instructions executed by the parser and by resolution on the dense
# workload (`generate::disputes(7700, 1)`, 5.8 MB), counted by callgrind.
# Unlike times, the counts do not depend on what else the machine is
# doing, so two versions can be compared on a busy machine. Not run in CI.
# Needs valgrind.
#
#   benches/instructions.sh
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cargo bench --quiet --manifest-path "$here/Cargo.toml" --bench check --no-run \
    --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\/deps\/check-[^"]*\)".*/\1/p' | tail -n 1)
if [ -z "$bin" ]; then
    echo "instructions.sh: could not build the bench binary" >&2
    exit 2
fi
out=$(mktemp)
log=$(mktemp)
if ! STANCE_PARSE_ONCE=1 valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" \
    > "$log" 2>&1; then
    cat "$log" >&2
    exit 2
fi
rm -f "$log"
# Inclusive counts, all threads together. A function inlined into others
# is listed once per source file; its largest entry is its total. Parsing
# is `parse_piece` (a big file's pieces run on several threads);
# resolution is `resolve::resolve`, all of it: `Resolver::declare` and
# `Resolver::statements` on each piece (on several threads) and `merge`
# putting the pieces together.
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | grep -v '=>' |
    sed -nE 's/^ *([0-9,]+) .*[ :](stancecheck::(syntax::parse_piece|resolve::resolve|resolve::merge|resolve::Resolver::declare|resolve::Resolver::statements))( .*)?$/\2 \1/p' |
    awk '!seen[$1]++ { print $1 ": " $2 " instructions" }'
callgrind_annotate "$out" 2>/dev/null | grep 'PROGRAM TOTALS' |
    sed -E 's/^ *([0-9,]+) .*/whole run (with generating the workload): \1 instructions/'
rm -f "$out"
