#!/usr/bin/env python3
"""Times a well-known peer, python-sat, on the clauses `stance export` writes.

Usage: peer.py FILE.gcnf [--timeout SECONDS]

The group CNF (group 0: background, groups 1..G: one statement each) is
loaded into a pysat solver (Glucose 4) with one selector per group. Then:

1. one solve with every group on (is "all red lines and assumptions" sat?);
2. MUS enumeration, MARCO style: a map solver over the selectors proposes a
   seed; a satisfiable seed is grown to an MSS and blocked downwards, an
   unsatisfiable one is shrunk (deletion-based, on the solver core) to a
   MUS and blocked upwards. This is what `stance check` does for conflicts,
   without its split into independent components.

Prints one JSON line: groups, clauses, sat, seconds for the solve, MUSes
found, seconds for the enumeration, and whether it finished in time.
Not run in CI: pip install python-sat.
"""
import json
import sys
import time

from pysat.solvers import Solver


def read_gcnf(path):
    groups = {}
    nvars = 0
    with open(path) as f:
        for line in f:
            if not line or line[0] == "c":
                continue
            if line.startswith("p "):
                nvars = int(line.split()[2])
                continue
            g, rest = line[1:].split("}", 1)
            lits = [int(x) for x in rest.split()[:-1]]
            groups.setdefault(int(g), []).append(lits)
    return nvars, groups


def main():
    path = sys.argv[1]
    timeout = 60.0
    if "--timeout" in sys.argv:
        timeout = float(sys.argv[sys.argv.index("--timeout") + 1])
    t0 = time.perf_counter()
    nvars, groups = read_gcnf(path)
    names = sorted(g for g in groups if g != 0)
    sel = {g: nvars + i + 1 for i, g in enumerate(names)}
    s = Solver(name="g4")
    for c in groups.get(0, []):
        s.add_clause(c)
    for g in names:
        for c in groups[g]:
            s.add_clause([-sel[g]] + c)
    t_load = time.perf_counter() - t0

    t1 = time.perf_counter()
    sat = s.solve(assumptions=[sel[g] for g in names])
    t_solve = time.perf_counter() - t1

    # MARCO. Map variable i+1 true: group names[i] is in the seed.
    t2 = time.perf_counter()
    deadline = t2 + timeout
    m = Solver(name="g4")
    idx = {g: i + 1 for i, g in enumerate(names)}
    m.set_phases(list(range(1, len(names) + 1)))
    muses = 0
    finished = True
    while True:
        if time.perf_counter() > deadline:
            finished = False
            break
        # Maximal seeds first: ask for every group on by default.
        if not m.solve():
            break
        off = set(-v for v in m.get_model() if v < 0)
        seed = [g for g in names if idx[g] not in off]
        if s.solve(assumptions=[sel[g] for g in seed]):
            # Grow to an MSS: first every group the model satisfies, then
            # one solve per remaining group.
            mss = set(seed)
            val = set(v for v in s.get_model() if v > 0)
            for g in names:
                if g in mss:
                    continue
                if time.perf_counter() > deadline:
                    break
                if all(any((l > 0) == (abs(l) in val) for l in c) for c in groups[g]):
                    mss.add(g)
                elif s.solve(assumptions=[sel[x] for x in mss] + [sel[g]]):
                    mss.add(g)
                    val = set(v for v in s.get_model() if v > 0)
            m.add_clause([idx[g] for g in names if g not in mss])
        else:
            core = set(s.get_core())
            mus = [g for g in seed if sel[g] in core]
            i = 0
            while i < len(mus) and time.perf_counter() <= deadline:
                trial = mus[:i] + mus[i + 1 :]
                if not s.solve(assumptions=[sel[g] for g in trial]):
                    c2 = set(s.get_core())
                    mus = [g for g in trial if sel[g] in c2]
                else:
                    i += 1
            muses += 1
            m.add_clause([-idx[g] for g in mus])
    t_enum = time.perf_counter() - t2
    print(
        json.dumps(
            {
                "file": path,
                "groups": len(names),
                "clauses": sum(len(v) for v in groups.values()),
                "load_s": round(t_load, 3),
                "sat": sat,
                "solve_s": round(t_solve, 3),
                "muses": muses,
                "enumerate_s": round(t_enum, 3),
                "finished": finished,
            }
        )
    )


if __name__ == "__main__":
    main()
