//! The checker: every finding kind of LANGUAGE.md §6, one module per kind.
//!
//! The model is split into independent components ([`session`]); each
//! component gets one incremental solver and runs, in order: tautology,
//! assumptions-inconsistent (when the assumptions fail, nothing else that
//! needs satisfiability runs on that component), self-contradiction,
//! conflict, disputed-claim, ruled-out and unattainable-preference (only
//! when the component's red lines and assumptions hold together; otherwise
//! deadlocked-dispute says so), redundant. Then unaccepted-duty, the
//! scenarios and the expectations run over the whole model.
//!
//! Sets: every reported set is a minimal unsatisfiable subset (MUS) of the
//! items in question with the implicit `X@P -> X` axioms always on (facts
//! of the solver, never members; an explanation shows those a set uses).
//! Assumptions are ordinary members, shown only when the contradiction
//! needs them. Each set is reported once; the output is sorted by primary
//! location, code, then member locations.
//!
//! Limits: at most `max_sets` sets per finding kind (per scenario, per
//! condition, per preference for those kinds); the time budget stops every
//! search. Either sets [`CheckOutput::truncated`].

mod assumptions;
pub mod cache;
mod concessions;
mod conflict;
mod deadlock;
mod disputed_claim;
mod duty;
mod expect;
pub mod explain;
mod preference;
mod redundant;
mod reversal;
mod ruled_out;
mod scenario;
mod self_contradiction;
pub mod session;
mod shape;
mod softened;
mod tautology;
mod timeline;

use crate::date::Date;
use crate::diagnostic::{Diagnostic, Kind};
use crate::logic::{Assignment, Budget, Stop};
use crate::model::{AtomId, Expr, Model, PartyId, ScenarioId, StmtId};
use explain::{Cond, explain};
use session::{Components, ItemKey, Session};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Limits and switches of one check run.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Maximum number of minimal sets to report per finding kind (and per
    /// scenario / condition).
    pub max_sets: usize,
    /// Time budget for the whole check; `None`: unlimited.
    pub time_budget: Option<Duration>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            max_sets: 100,
            time_budget: Some(Duration::from_secs(10)),
        }
    }
}

/// The result of a check.
#[derive(Clone, Debug, Default)]
pub struct CheckOutput {
    /// Findings, in deterministic order.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether a limit cut the results short.
    pub truncated: bool,
}

/// A diagnostic with what the expectations need to match it.
#[derive(Clone, Debug)]
pub(crate) struct Finding {
    pub diag: Diagnostic,
    /// The scenario it is about.
    pub scenario: Option<ScenarioId>,
    /// The condition it is about (`ruled-out`).
    pub condition: Option<Expr>,
    /// The parties of its minimal set's statements.
    pub parties: BTreeSet<PartyId>,
    /// The component whose checks found it (`None`: a check over the
    /// whole model).
    pub component: Option<usize>,
}

impl Finding {
    /// A finding about nothing in particular.
    pub fn new(diag: Diagnostic) -> Finding {
        Finding {
            diag,
            scenario: None,
            condition: None,
            parties: BTreeSet::new(),
            component: None,
        }
    }
}

/// Whether something is known to hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Known {
    /// Not decided (yet, or the budget ran out).
    #[default]
    Unknown,
    /// Proved to hold.
    Holds,
    /// Proved not to hold.
    Fails,
}

/// What is known about one component while its checks run, in order
/// ([`COMPONENT_CHECKS`]); each check reads what earlier ones learned.
#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    /// The scenarios that touch exactly this component.
    pub scenarios: Vec<ScenarioId>,
    /// Its statements that are tautologies.
    pub tautologies: BTreeSet<StmtId>,
    /// Whether its assumptions hold together.
    pub assumptions: Known,
    /// Whether its red lines and assumptions hold together.
    pub red_lines: Known,
    /// The latest few outcomes where its red lines and assumptions hold:
    /// they answer many later questions without the solver.
    pub outcomes: Vec<Assignment>,
}

/// What a check of a component needs to be known before it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gate {
    /// Nothing.
    Always,
    /// The assumptions hold (otherwise every set would be contradictory).
    AssumptionsHold,
    /// The red lines and assumptions hold (LANGUAGE.md §6: `ruled-out` and
    /// `unattainable-preference` ask about acceptable outcomes).
    RedLinesHold,
    /// The red lines and assumptions were proved not to hold.
    RedLinesFail,
}

impl Facts {
    fn open(&self, gate: Gate) -> bool {
        match gate {
            Gate::Always => true,
            Gate::AssumptionsHold => self.assumptions == Known::Holds,
            Gate::RedLinesHold => self.red_lines == Known::Holds,
            Gate::RedLinesFail => self.red_lines == Known::Fails,
        }
    }
}

/// One check of one component: reports its findings, records what it
/// learned in the facts.
type ComponentCheck = fn(&mut Ctx<'_>, &mut Session<'_>, &mut Facts) -> Result<(), Stop>;

/// The checks of a component, in order, each behind its gate.
const COMPONENT_CHECKS: &[(Gate, ComponentCheck)] = &[
    (Gate::Always, tautology::report_tautologies),
    (Gate::Always, assumptions::report_inconsistent_assumptions),
    (
        Gate::AssumptionsHold,
        self_contradiction::report_self_contradictions,
    ),
    (Gate::AssumptionsHold, conflict::report_conflicts),
    (
        Gate::AssumptionsHold,
        disputed_claim::report_disputed_claims,
    ),
    (Gate::RedLinesHold, ruled_out::report_ruled_out_conditions),
    (
        Gate::RedLinesHold,
        preference::report_unattainable_preferences,
    ),
    (Gate::RedLinesFail, deadlock::report_closed_gate),
    (Gate::AssumptionsHold, redundant::report_redundant_red_lines),
    (Gate::AssumptionsHold, scenario::report_infeasible_scenarios),
];

/// What the per-component pass learned, for the checks over the whole model.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CompState {
    /// The assumptions hold together.
    pub a_ok: bool,
    /// The red lines and A hold together.
    pub h_ok: bool,
}

/// A search for the minimal sets of `items` that [`report_sets`] reports.
pub(crate) struct SetSearch<'a> {
    /// The finding kind (its count limits the sets).
    pub kind: Kind,
    /// The candidates.
    pub items: Vec<usize>,
    /// Which minimal sets count (e.g. those of two or more parties).
    pub keep: &'a dyn Fn(&[ItemKey]) -> bool,
    /// For an error: its message and party, reported without a set when the
    /// budget runs out after the items were proved contradictory (see
    /// [`proved_but_cut`]).
    pub error: Option<(String, Option<PartyId>)>,
}

/// "Do the items hold together? If not, find the minimal sets, note a cut,
/// report each": whether the items hold, and when they do not, every kept
/// minimal set is reported as `describe` words it.
pub(crate) fn report_sets(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    search: SetSearch<'_>,
    describe: &mut dyn FnMut(&mut Ctx<'_>, &[ItemKey]) -> Diagnostic,
) -> Result<bool, Stop> {
    let kind = search.kind;
    if sess.problem.is_sat(&search.items)? {
        return Ok(true);
    }
    let room = ctx.room(kind);
    let found = sess.muses(&search.items, &[], &ctx.budget, room, false, search.keep);
    let (sets, complete) = match (found, search.error) {
        (Ok(r), _) => {
            // `muses` with another limit runs exactly as this one did when
            // the limit was not reached (any limit ≥ the sets found), and
            // only with this very limit when it was.
            ctx.narrow_last_room(if r.0.len() < room {
                (r.0.len(), usize::MAX)
            } else {
                (room, room)
            });
            r
        }
        (Err(Stop), None) => return Err(Stop),
        (Err(Stop), Some((message, party))) => {
            return Err(proved_but_cut(
                ctx,
                sess,
                &search.items,
                kind,
                message,
                party,
            ));
        }
    };
    if !complete {
        ctx.cut();
    }
    for set in sets {
        let keys = sess.keys_of(&set);
        let mut f = Finding::new(describe(ctx, &keys));
        f.parties = ctx.parties_of(&keys);
        ctx.push_finding(f);
    }
    Ok(false)
}

/// State of one check run.
pub(crate) struct Ctx<'m> {
    pub model: &'m Model,
    pub base: &'m [Option<AtomId>],
    pub options: &'m CheckOptions,
    pub budget: Budget,
    pub truncated: bool,
    pub findings: Vec<Finding>,
    counts: BTreeMap<Kind, usize>,
    /// The component whose checks are running.
    component: Option<usize>,
    /// The sets per kind reported before the running component's checks.
    counts_before: BTreeMap<Kind, usize>,
    /// Every `room` asked by the running component's checks, with the
    /// range of answers under which its checks run exactly as they did.
    rooms: Vec<cache::RoomNeed>,
}

impl<'m> Ctx<'m> {
    /// A run over `model` with the `X@P -> X` table `base`, until
    /// `deadline`, with `counts` sets per kind already reported.
    pub fn new(
        model: &'m Model,
        base: &'m [Option<AtomId>],
        options: &'m CheckOptions,
        deadline: Option<Instant>,
        counts: BTreeMap<Kind, usize>,
    ) -> Ctx<'m> {
        Ctx {
            model,
            base,
            options,
            budget: Budget::new(deadline),
            truncated: false,
            findings: Vec::new(),
            counts,
            component: None,
            counts_before: BTreeMap::new(),
            rooms: Vec::new(),
        }
    }

    /// Starts the checks of component `k` (`None`: the whole model).
    fn enter(&mut self, k: Option<usize>) {
        self.component = k;
        self.counts_before = self.counts.clone();
        self.rooms.clear();
    }

    /// The sets of `kind` reported so far by the running component.
    fn own_count(&self, kind: Kind) -> usize {
        let now = self.counts.get(&kind).copied().unwrap_or(0);
        now.saturating_sub(self.counts_before.get(&kind).copied().unwrap_or(0))
    }

    /// Narrows the range of answers of the latest `room` (see
    /// [`cache::RoomNeed`]).
    fn narrow_last_room(&mut self, (lo, hi): (usize, usize)) {
        if let Some(last) = self.rooms.last_mut() {
            last.lo = lo;
            last.hi = hi;
        }
    }

    /// The sets reported per kind so far.
    pub fn take_counts(&mut self) -> BTreeMap<Kind, usize> {
        std::mem::take(&mut self.counts)
    }

    /// How many more sets of `kind` may be reported. The answer is
    /// recorded: a component's cached findings are reused only where every
    /// answer its checks got would be the same ([`cache`]). A caller that
    /// does more than compare the answer with 0 narrows the record
    /// ([`Ctx::narrow_last_room`]).
    pub fn room(&mut self, kind: Kind) -> usize {
        let room = self
            .options
            .max_sets
            .saturating_sub(self.counts.get(&kind).copied().unwrap_or(0));
        if self.component.is_some() {
            let own_before = self.own_count(kind);
            let (lo, hi) = if room == 0 { (0, 0) } else { (1, usize::MAX) };
            self.rooms.push(cache::RoomNeed {
                kind,
                own_before,
                lo,
                hi,
            });
        }
        room
    }

    /// Records a diagnostic.
    pub fn push(&mut self, diag: Diagnostic) {
        self.push_finding(Finding::new(diag));
    }

    /// Records a finding.
    pub fn push_finding(&mut self, mut f: Finding) {
        *self.counts.entry(f.diag.kind).or_insert(0) += 1;
        f.component = f.component.or(self.component);
        self.findings.push(f);
    }

    /// Notes that some search stopped early.
    pub fn cut(&mut self) {
        self.truncated = true;
    }

    /// A diagnostic about the set `keys`, at its first member. The
    /// explanation adds the `X@P -> X` axioms the set uses (role
    /// `definition`).
    pub fn set_diag(
        &mut self,
        kind: Kind,
        keys: &[ItemKey],
        cond: Option<&Cond<'_>>,
        message: String,
    ) -> Diagnostic {
        let used = match explain::axioms_used(self.model, self.base, keys, cond, &self.budget) {
            Ok(used) => used,
            Err(all) => {
                self.cut();
                all
            }
        };
        let mut keys = keys.to_vec();
        keys.extend(used.into_iter().map(ItemKey::Def));
        let ex = explain(self.model, self.base, &keys, cond);
        let span = ex
            .first
            .or_else(|| ex.members.first().map(|m| m.span))
            .unwrap_or_default();
        let mut d = Diagnostic::new(kind, span, message);
        d.members = ex.members;
        d.chain = ex.chain;
        d.parties = ex.parties;
        d
    }

    /// The party of a key, if it is a party statement.
    pub fn party_of(&self, key: &ItemKey) -> Option<PartyId> {
        match key {
            ItemKey::Stmt(s) | ItemKey::Neg(s) => self.model.statement(*s).party,
            _ => None,
        }
    }

    /// The distinct parties of a set.
    pub fn parties_of(&self, keys: &[ItemKey]) -> BTreeSet<PartyId> {
        keys.iter().filter_map(|k| self.party_of(k)).collect()
    }

    /// `a`, `a` and `b`, `a`, `b` and `c` (names in backticks).
    pub fn party_list(&self, parties: &BTreeSet<PartyId>) -> String {
        let mut names: Vec<String> = parties
            .iter()
            .filter_map(|p| self.model.party_name(Some(*p)))
            .map(|n| format!("`{n}`"))
            .collect();
        names.sort();
        join_and(&names)
    }
}

/// `x`, `x and y`, `x, y and z`.
pub(crate) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A short description of the true atoms of an outcome.
pub(crate) fn describe_outcome(model: &Model, a: &Assignment, atoms: &[AtomId]) -> String {
    let mut on: Vec<String> = atoms
        .iter()
        .filter(|x| a.get(**x))
        .map(|x| format!("`{}`", model.atom_name(*x)))
        .collect();
    on.sort();
    on.dedup();
    if on.is_empty() {
        String::from("an outcome where none of the topics involved holds")
    } else {
        format!(
            "an outcome where {} {} and nothing else involved does",
            join_and(&on),
            if on.len() == 1 { "holds" } else { "hold" }
        )
    }
}

/// When the budget runs out after `items` were proved contradictory but
/// before a minimal set was found, an error must not vanish: report it
/// without a set (no members, so nothing claims to be minimal), at the first
/// statement of `items`, and pass the stop on.
pub(crate) fn proved_but_cut(
    ctx: &mut Ctx<'_>,
    sess: &Session<'_>,
    items: &[usize],
    kind: Kind,
    message: String,
    party: Option<PartyId>,
) -> Stop {
    let first = sess
        .keys_of(items)
        .into_iter()
        .filter_map(|k| match k {
            ItemKey::Stmt(s) => Some(ctx.model.statement(s).span),
            _ => None,
        })
        .min();
    if let Some(span) = first {
        let mut d = Diagnostic::new(kind, span, message).with_note(
            "the time budget ran out after this contradiction was proved but before a \
                 minimal set of statements was found; raise `--time-budget` to see it",
        );
        if let Some(name) = ctx.model.party_name(party) {
            d.parties = vec![name.to_owned()];
        }
        ctx.push(d);
    }
    ctx.cut();
    Stop
}

/// Minimal sets (item indices), and whether they are all of them.
pub(crate) type SetsFound = (Vec<Vec<usize>>, bool);

/// The minimal sets that make `extra` impossible together with `base`
/// (which holds), and whether they are all of them; or `None` when `extra`
/// can hold — then the outcome found joins `models`, the few latest
/// outcomes that answer later questions without the solver. Shared by
/// `ruled-out` and `unattainable-preference`.
pub(crate) fn sets_against(
    ctx: &mut Ctx<'_>,
    sess: &mut Session<'_>,
    base: &[usize],
    extra: usize,
    models: &mut Vec<crate::logic::Assignment>,
) -> Result<Option<SetsFound>, Stop> {
    ctx.budget.check()?;
    let mut q = base.to_vec();
    q.push(extra);
    if sess.problem.is_sat(&q)? {
        // Keep the few latest outcomes: enough for the fast path, and
        // linear work on long lists of conditions.
        if models.len() >= 8 {
            models.remove(1);
        }
        models.push(sess.problem.assignment());
        return Ok(None);
    }
    let (sets, complete) = sess.muses(
        base,
        &[extra],
        &ctx.budget,
        ctx.options.max_sets,
        true,
        &|_| true,
    )?;
    if !complete {
        ctx.cut();
    }
    Ok(Some((sets, complete)))
}

/// Whether the statements among `keys` belong to two or more parties (the
/// filter that makes a minimal set a conflict or a disputed claim).
pub(crate) fn involves_several_parties(model: &Model, keys: &[ItemKey]) -> bool {
    let mut first = None;
    for k in keys {
        if let ItemKey::Stmt(s) = k
            && let Some(p) = model.statement(*s).party
        {
            match first {
                None => first = Some(p),
                Some(q) if q != p => return true,
                Some(_) => {}
            }
        }
    }
    false
}

/// Runs every check on a resolved model: on its latest state when some
/// party block is dated (LANGUAGE.md §11).
pub fn check(model: &Model, options: &CheckOptions) -> CheckOutput {
    check_at(model, options, None)
}

/// Runs every check on the state of the model at date `at` (`None`: the
/// latest state), with the timeline findings between the snapshots up to
/// it, and each `expect … as of DATE` in the state at its date. A model
/// without dates is checked as it is.
pub fn check_at(model: &Model, options: &CheckOptions, at: Option<Date>) -> CheckOutput {
    check_at_cached(model, options, at, None)
}

/// [`check_at`], with the per-component results of `cache` when there is
/// one ([`cache::check_at`]).
fn check_at_cached(
    model: &Model,
    options: &CheckOptions,
    at: Option<Date>,
    mut cache: Option<&mut cache::CheckCache>,
) -> CheckOutput {
    let deadline = options.time_budget.map(|d| Instant::now() + d);
    if !model.is_dated() {
        let mut out = check_state_cached(model, options, deadline, cache);
        // `expect reversal` in a model without snapshots fails
        let failed = expect::reversal_expectations(model, &mut [], None, at, false);
        if !failed.is_empty() {
            out.diagnostics.extend(failed);
            sort_diagnostics(&mut out.diagnostics);
        }
        return out;
    }
    // an `expect … as of D` that the state at D and the state checked here
    // decide alike (the parties it is about are at the same snapshots, e.g.
    // D on or after their last one in a check of the latest state) is
    // decided with this state, so the finding it records shows as expected
    let party_dates = model.party_dates();
    let here = chosen_snapshots(&party_dates, at);
    let with_run = |e: &crate::model::Expectation| {
        e.as_of.is_none_or(|d| {
            let then = chosen_snapshots(&party_dates, Some(d));
            match expectation_parties(e) {
                None => then == here,
                Some(ps) => ps
                    .iter()
                    .all(|p| then.get(p.0 as usize) == here.get(p.0 as usize)),
            }
        })
    };
    // … but only for its marks where another party is at another snapshot
    // on D: that party's statements may join or split the components the
    // expectation is decided in, so its verdict comes from the state at D
    let same_state = |e: &crate::model::Expectation| {
        e.as_of
            .is_none_or(|d| chosen_snapshots(&party_dates, Some(d)) == here)
    };
    let mut state = model.state_at(at);
    state.expectations.retain(|e| with_run(e));
    let mut out = check_state_cached(&state, options, deadline, cache.as_deref_mut());
    let decided_at_date: std::collections::BTreeSet<crate::source::Span> = state
        .expectations
        .iter()
        .filter(|e| !same_state(e))
        .map(|e| e.span)
        .collect();
    out.diagnostics
        .retain(|x| !(x.kind == Kind::FailedExpectation && decided_at_date.contains(&x.span)));
    // each other date of an expectation: its state, its expectations only
    let mut dates: Vec<Date> = model
        .expectations
        .iter()
        .filter(|e| !same_state(e))
        // `expect reversal … as of D` is decided from the snapshots
        // (below), not from the state at D: no check of that state for it
        .filter(|e| !matches!(e.kind, crate::model::ExpectKind::Reversal(_)))
        .filter_map(|e| e.as_of)
        .collect();
    dates.sort_unstable();
    dates.dedup();
    for d in dates {
        let mut then = model.state_at(Some(d));
        then.expectations
            .retain(|e| e.as_of == Some(d) && !same_state(e));
        let r = check_state_cached(&then, options, deadline, cache.as_deref_mut());
        out.truncated |= r.truncated;
        out.diagnostics.extend(
            r.diagnostics
                .into_iter()
                .filter(|x| x.kind == Kind::FailedExpectation),
        );
    }
    let mut r = timeline::report(model, options, deadline, at);
    out.truncated |= r.truncated;
    // an `expect reversal … as of D` with D after `at`: its reversal is
    // not in this output, so look for it among all of them
    let later = at.is_some_and(|a| {
        model.expectations.iter().any(|e| {
            matches!(e.kind, crate::model::ExpectKind::Reversal(_))
                && e.as_of.is_some_and(|d| d > a)
        })
    });
    let all = if later {
        let r = timeline::report(model, options, deadline, None);
        out.truncated |= r.truncated;
        Some(r.reversals)
    } else {
        None
    };
    let failed =
        expect::reversal_expectations(model, &mut r.reversals, all.as_deref(), at, out.truncated);
    out.diagnostics.extend(failed);
    out.diagnostics
        .extend(r.reversals.into_iter().map(|x| x.diag));
    out.diagnostics.extend(r.others);
    sort_diagnostics(&mut out.diagnostics);
    out.diagnostics.dedup();
    out
}

/// The snapshot date each party is at on date `at` (`None`: the latest),
/// as `Model::state_at` chooses it; `None` for a party before its first
/// snapshot or without one.
fn chosen_snapshots(party_dates: &[Vec<Date>], at: Option<Date>) -> Vec<Option<Date>> {
    party_dates
        .iter()
        .map(|ds| match at {
            None => ds.last().copied(),
            Some(d) => ds.iter().rev().find(|x| **x <= d).copied(),
        })
        .collect()
}

/// The parties whose statements alone decide an expectation (with A), or
/// `None` when every party's do: `conflict` and `consistent` are about the
/// named parties' red lines, `feasible`/`infeasible … for` too.
fn expectation_parties(e: &crate::model::Expectation) -> Option<&[PartyId]> {
    use crate::model::ExpectKind;
    match &e.kind {
        ExpectKind::Consistent(ps) | ExpectKind::Conflict(ps) => Some(ps),
        ExpectKind::Feasible(_, ps) | ExpectKind::Infeasible(_, ps) => ps.as_deref(),
        ExpectKind::Impossible(_) => None,
        ExpectKind::Reversal(p) => Some(std::slice::from_ref(p)),
    }
}

/// The checks of LANGUAGE.md §6 on one state, reusing (and filling) the
/// per-component results of `cache` when there is one: the same output
/// either way.
pub(crate) fn check_state_cached(
    model: &Model,
    options: &CheckOptions,
    deadline: Option<Instant>,
    mut cache: Option<&mut cache::CheckCache>,
) -> CheckOutput {
    let mut comps = Components::new(model);
    comps.deadline = deadline;
    let mut ctx = Ctx::new(model, &comps.base, options, deadline, BTreeMap::new());
    let scenario_comps = scenario::touched(model, &comps);
    let mut exactly_here: Vec<Vec<ScenarioId>> = vec![Vec::new(); comps.list.len()];
    for (i, t) in scenario_comps.iter().enumerate() {
        if let [k] = t.as_slice()
            && let Some(list) = exactly_here.get_mut(*k)
        {
            list.push(ScenarioId(i as u32));
        }
    }
    let mut states: Vec<CompState> = Vec::with_capacity(comps.list.len());
    for (k, scenarios) in exactly_here.into_iter().enumerate() {
        ctx.enter(Some(k));
        let state = match cache.as_deref_mut() {
            None => check_component(&mut ctx, &comps, k, scenarios),
            Some(cache) => cache.component(&mut ctx, &comps, k, scenarios),
        };
        states.push(state);
    }
    ctx.enter(None);
    duty::report_unaccepted_duties(&mut ctx);
    scenario::report_multi_component_scenarios(&mut ctx, &comps, &states, &scenario_comps);
    expect::check_expectations(&mut ctx, &comps, &states);
    point_to_deals(&mut ctx.findings);

    let truncated = ctx.truncated;
    let mut diagnostics: Vec<Diagnostic> = ctx.findings.into_iter().map(|f| f.diag).collect();
    sort_diagnostics(&mut diagnostics);
    number_alike(&mut diagnostics);
    CheckOutput {
        diagnostics,
        truncated,
    }
}

/// Runs the checks of component `k` (with the scenarios that touch it
/// alone): its findings join `ctx`.
fn check_component(
    ctx: &mut Ctx<'_>,
    comps: &Components,
    k: usize,
    scenarios: Vec<ScenarioId>,
) -> CompState {
    let mut sess = Session::new(ctx.model, comps, &[k]);
    let mut facts = Facts {
        scenarios,
        ..Facts::default()
    };
    for (gate, check) in COMPONENT_CHECKS {
        if facts.open(*gate) && check(ctx, &mut sess, &mut facts).is_err() {
            ctx.cut();
        }
    }
    CompState {
        a_ok: facts.assumptions == Known::Holds,
        h_ok: facts.red_lines == Known::Holds,
    }
}

/// When one dispute has two or more minimal sets of one kind (conflicts,
/// self-contradictions, or the sets of one infeasible scenario), no single
/// concession in their help lines resolves all of them: a note on each
/// points to `stance deals`, which finds the cheapest ways out
/// (LANGUAGE.md §10). Expected findings count with their kind.
fn point_to_deals(findings: &mut [Finding]) {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Group {
        Dispute(Kind, usize),
        Scenario(ScenarioId),
    }
    let group = |f: &Finding| match f.diag.kind {
        Kind::Conflict | Kind::ExpectedConflict => {
            f.component.map(|k| Group::Dispute(Kind::Conflict, k))
        }
        Kind::SelfContradiction => f
            .component
            .map(|k| Group::Dispute(Kind::SelfContradiction, k)),
        Kind::InfeasibleScenario | Kind::ExpectedInfeasible => f.scenario.map(Group::Scenario),
        _ => None,
    };
    let mut sizes: BTreeMap<Group, usize> = BTreeMap::new();
    for f in findings.iter() {
        if let Some(g) = group(f) {
            *sizes.entry(g).or_insert(0) += 1;
        }
    }
    for f in findings.iter_mut() {
        let Some(g) = group(f) else { continue };
        let n = sizes.get(&g).copied().unwrap_or(0);
        if n < 2 {
            continue;
        }
        let note = match (&g, &f.diag.scenario) {
            (Group::Scenario(_), Some(name)) => format!(
                "{n} minimal sets make this scenario infeasible; \
                 `stance deals --scenario {name}` shows the cheapest ways out"
            ),
            _ => format!(
                "{n} minimal sets in this dispute; `stance deals` shows the cheapest ways out"
            ),
        };
        f.diag.notes.push(note);
    }
}

/// The order of the output: primary location, code, then members.
fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        a.sort_key().cmp(&b.sort_key()).then_with(|| {
            let ma: Vec<_> = a.members.iter().map(|m| (m.span, m.role)).collect();
            let mb: Vec<_> = b.members.iter().map(|m| (m.span, m.role)).collect();
            ma.cmp(&mb)
        })
    });
}

/// Findings of one kind about one subject with the same message (several
/// minimal sets for one scenario, condition or preference) are told apart
/// in the message itself, so that one-line formats (short, GitHub, SARIF)
/// do not show identical lines: `… (minimal set 2 of 3)`. `diagnostics`
/// is sorted, so alike findings are adjacent and numbered in output order.
fn number_alike(diagnostics: &mut [Diagnostic]) {
    let alike = |a: &Diagnostic, b: &Diagnostic| {
        a.kind == b.kind && a.span == b.span && a.message == b.message && !a.members.is_empty()
    };
    for group in diagnostics.chunk_by_mut(alike) {
        let n = group.len();
        if n > 1 {
            for (k, d) in group.iter_mut().enumerate() {
                d.message = format!("{} (minimal set {} of {n})", d.message, k + 1);
            }
        }
    }
}
