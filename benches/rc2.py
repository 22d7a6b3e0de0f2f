#!/usr/bin/env python3
"""Times python-sat's RC2 on the weighted MaxSAT instance `stance export
--format wcnf` writes (the cheapest concessions of a model).

Usage: rc2.py FILE.wcnf [--repeat N] [--plain]

The WCNF is read by pysat (`WCNF(from_file=...)`, not timed as solving:
reported as load_s), then RC2 (stratified, with exhaustion and core
reduction off: pysat's defaults; --plain: RC2 without stratification)
computes one optimum; its cost is the
lowest total weight of red lines whose withdrawal makes the rest hold
together. With --repeat N the solve is run N times and the fastest kept
(the machine is shared). Prints one JSON line: vars, hard and soft
clauses, cost, load_s, solve_s.
Not run in CI: pip install python-sat.
"""
import json
import sys
import time

from pysat.examples.rc2 import RC2, RC2Stratified
from pysat.formula import WCNF


def main():
    path = sys.argv[1]
    repeat = 1
    if "--repeat" in sys.argv:
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1])
    t0 = time.perf_counter()
    w = WCNF(from_file=path)
    load = time.perf_counter() - t0
    best = None
    cost = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        with (RC2(w) if "--plain" in sys.argv else RC2Stratified(w)) as rc2:
            model = rc2.compute()
            cost = rc2.cost if model is not None else None
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    print(json.dumps({
        "vars": w.nv,
        "hard": len(w.hard),
        "soft": len(w.soft),
        "cost": cost,
        "load_s": round(load, 4),
        "solve_s": round(best, 4),
    }))


if __name__ == "__main__":
    main()
