#!/bin/sh
# Times `stance check` and python-sat (benches/peer.py) on the same workload,
# side by side. Not run in CI. Needs: pip install python-sat.
#
#   benches/peer.sh [WORKLOAD...]     (default: disputes-1925 disputes-7700)
#
# Workloads are written by `STANCE_WRITE_WORKLOADS=DIR cargo bench --bench
# check` into $DIR (default target/workloads).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${DIR:-$here/target/workloads}
timeout=${PEER_TIMEOUT:-60}
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
stance=$here/target/release/stance
if [ ! -f "$dir/disputes-1925.stance" ]; then
    STANCE_WRITE_WORKLOADS=$dir cargo bench --quiet --manifest-path "$here/Cargo.toml" --bench check
fi
[ $# -gt 0 ] || set -- disputes-1925 disputes-7700
for w in "$@"; do
    f=$dir/$w.stance
    "$stance" export --format gcnf --root "$dir" "$f" > "$dir/$w.gcnf"
    start=$(date +%s.%N)
    "$stance" check --format json --max-conflicts 1000000 --time-budget 0 \
        --root "$dir" "$f" > "$dir/$w.json" || true
    end=$(date +%s.%N)
    ours=$(echo "$end - $start" | bc)
    found=$(grep -c '"name": "conflict"' "$dir/$w.json" || true)
    peer=$(python3 "$here/benches/peer.py" "$dir/$w.gcnf" --timeout "$timeout")
    echo "$w: stance check ${ours}s (all findings, $found conflicts)"
    echo "$w: python-sat   $peer"
    python3 - "$ours" "$peer" <<'PY'
import json, sys
ours = float(sys.argv[1]); p = json.loads(sys.argv[2])
total = p["load_s"] + p["solve_s"] + p["enumerate_s"]
state = "finished" if p["finished"] else "stopped at the timeout"
print(f"  ratio (python-sat MUS enumeration / stance check): {total / ours:.1f}x, "
      f"{p['muses']} MUSes, {state}")
PY
done
