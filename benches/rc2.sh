#!/bin/sh
# Times `stance deals` and python-sat's RC2 (benches/rc2.py) on the same
# weighted instance, side by side: the cheapest concessions of the
# weighted workload (`generate::weighted_disputes(7700, 1, 100)`, ~100k
# statements, weights 1-100), exported by `stance export --format wcnf`.
# Not run in CI. Needs: pip install python-sat.
#
#   benches/rc2.sh [WORKLOAD...]     (default: weighted-7700)
#
# What is compared: RC2 computes one optimum of the whole instance (its
# cost: the sum of the disputes' cheapest concession totals); `stance
# deals` computes more — every dispute's whole Pareto front of deals or
# concessions (both marks) — and is timed end to end (reading, parsing,
# resolving, JSON), while RC2's time excludes reading the file. Both
# costs are printed and must agree.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${DIR:-$here/target/workloads}
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
stance=$here/target/release/stance
if [ ! -f "$dir/weighted-7700.stance" ]; then
    STANCE_WRITE_WORKLOADS=$dir cargo bench --quiet --manifest-path "$here/Cargo.toml" --bench check
fi
[ $# -gt 0 ] || set -- weighted-7700
for w in "$@"; do
    f=$dir/$w.stance
    "$stance" export --format wcnf --root "$dir" "$f" > "$dir/$w.wcnf"
    start=$(date +%s.%N)
    "$stance" deals --format json --max-deals 1000000 --time-budget 0 \
        --root "$dir" "$f" > "$dir/$w.deals.json" || true
    end=$(date +%s.%N)
    ours=$(echo "$end - $start" | bc)
    peer=$(python3 "$here/benches/rc2.py" "$dir/$w.wcnf" ${RC2_ARGS:-})
    python3 - "$w" "$ours" "$peer" "$dir/$w.deals.json" <<'PY'
import json, sys
name, ours, p, path = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
d = json.load(open(path))
cost = sum(min(c["total"] for c in x["concessions"])
           for x in d["disputes"] if not x["consistent"] and x["concessions"])
print(f"{name}: stance deals {ours:.2f}s (all Pareto fronts), cheapest total {cost}")
print(f"{name}: RC2          {p['solve_s']:.2f}s (one optimum), cost {p['cost']}"
      f" ({p['vars']} vars, {p['hard']} hard, {p['soft']} soft)")
print(f"  ratio (RC2 / stance deals): {p['solve_s'] / ours:.1f}x;"
      f" costs {'agree' if p['cost'] == cost else 'DIFFER'}")
PY
done
