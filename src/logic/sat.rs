//! A thin layer over the batsat solver, called directly.
//!
//! The rustsat wrapper of batsat reads the CPU clock around every solve to
//! keep statistics; with tens of thousands of small queries that syscall was
//! a fifth of the whole check. Here a solve is just batsat's own
//! `solve_limited`. Literals stay rustsat's [`Lit`] (variable index plus
//! sign), converted at this boundary.

use batsat::intmap::AsIndex;
use batsat::{Callbacks, SolverInterface, lbool};
use rustsat::types::Lit;
use std::time::Instant;

/// batsat callbacks that stop a solve once the check's deadline has passed
/// (batsat asks `stop` at every conflict), so one hard query cannot
/// outlive the time budget.
#[derive(Default)]
pub(crate) struct Deadline {
    at: Option<Instant>,
}

impl Callbacks for Deadline {
    fn stop(&self) -> bool {
        self.at.is_some_and(|at| Instant::now() >= at)
    }
}

/// An incremental SAT solver.
#[derive(Default)]
pub(crate) struct Sat {
    inner: batsat::Solver<Deadline>,
    buf: Vec<batsat::Lit>,
    /// Whether the last solve was satisfiable.
    sat: bool,
}

impl Sat {
    fn conv(&mut self, l: Lit) -> batsat::Lit {
        let v = self.inner.var_of_int(l.vidx32());
        batsat::Lit::new(v, l.is_pos())
    }

    /// Stops every later solve (with `None`, "gave up") once `at` has passed.
    pub fn set_deadline(&mut self, at: Option<Instant>) {
        self.inner.cb_mut().at = at;
    }

    /// Makes variables `0..n` known.
    pub fn reserve(&mut self, n: u32) {
        while self.inner.num_vars() < n {
            self.inner.new_var_default();
        }
    }

    /// Adds a clause; `false` when the clauses became unsatisfiable.
    pub fn add_clause(&mut self, lits: &[Lit]) -> bool {
        let mut cl: Vec<batsat::Lit> = Vec::with_capacity(lits.len());
        for l in lits {
            let b = self.conv(*l);
            cl.push(b);
        }
        self.sat = false;
        self.inner.add_clause_reuse(&mut cl)
    }

    /// Solves under assumptions: `Some(true)` sat, `Some(false)` unsat,
    /// `None` when the solver gave up.
    pub fn solve(&mut self, assumps: &[Lit]) -> Option<bool> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        for l in assumps {
            let b = self.conv(*l);
            buf.push(b);
        }
        let r = self.inner.solve_limited(&buf);
        self.buf = buf;
        if r == lbool::TRUE {
            self.sat = true;
            Some(true)
        } else if r == lbool::FALSE {
            self.sat = false;
            Some(false)
        } else {
            self.sat = false;
            None
        }
    }

    /// The failed assumptions of the last unsatisfiable solve (as the
    /// assumption literals themselves).
    pub fn core(&self) -> impl Iterator<Item = Lit> + '_ {
        self.inner
            .unsat_core()
            .iter()
            .map(|l| Lit::new(l.var().idx(), !l.sign()))
    }

    /// The value of a literal in the last model (`false` when unassigned or
    /// when the last solve was not satisfiable).
    pub fn value(&self, l: Lit) -> bool {
        if !self.sat || l.vidx32() >= self.inner.num_vars() {
            return false;
        }
        let b = batsat::Lit::new(batsat::Var::from_index(l.vidx()), l.is_pos());
        self.inner.value_lit(b) == lbool::TRUE
    }
}
