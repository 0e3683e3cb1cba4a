"""The rules of METHODOLOGY.md as numpy arrays, for `scoring.engine.score()`: each rule is
evaluated for every item (disclosure request, case, finding) at every assessment date at
once, as a (dates × items) array, and the items of a company are then summed (`_sct_sums`,
`_fi_sums`). Moved out of engine.py (issue 24) without change; engine.py's docstring says how
these rules and the SQL rules of scoring/queries/ stay in step. `scoring.actions` reads the
per-item assessments (`_request_items`, `_case_items`) for one company at one date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring import params
from scoring.evidence import Evidence

# --- The rules as numpy arrays (score) -----------------------------------------------------
#
# Each rule is evaluated for every item (request, case, finding) at every assessment date
# at once, as a (dates × items) array; an item's facts are 1-d arrays (one value per
# item) and the date indices t a (dates × 1) column, so they broadcast to that shape.
# Dates are int64 day numbers. A date x is on or before assessment date t exactly when
# position(x) <= t, position(x) being the index of the first assessment date on or after
# x: each rule's date tests are comparisons of small integers.

NEVER = np.iinfo(np.int64).max
"""Day number of a date that does not exist (no disclosure yet...): after every date."""

FULL, PARTIAL, DUE_DILIGENCE, NONE = (np.int8(params.LEVELS.index(level)) for level in params.LEVELS)


class _Series:
    """The assessment grid as arrays: day numbers, versions, and the companies."""

    def __init__(self, grid: pd.DataFrame, companies: pd.Series) -> None:
        self.days = grid["as_of"].to_numpy(dtype="datetime64[D]").astype(np.int64)
        self.versions = [params.VERSIONS[v] for v in grid["methodology"]]
        self.companies = companies
        self.shape = (len(grid), len(companies))
        """(dates × companies): the shape of the sums."""

    def position(self, days: np.ndarray, after: bool = False) -> np.ndarray:
        """Index of the first assessment date on or after (`after`: strictly after) each
        day; the number of dates when there is none."""
        return np.searchsorted(self.days, days, side="right" if after else "left").astype(np.int32)

    def blocks(self) -> Iterator[tuple[params.Methodology, np.ndarray]]:
        """Each version applied and the (dates × 1) column of the date indices it applies to."""
        for version in dict.fromkeys(m.version for m in self.versions):
            t = [i for i, m in enumerate(self.versions) if m.version == version]
            yield params.VERSIONS[version], np.array(t, dtype=np.int32)[:, None]


class _Groups:
    """Items (requests, cases, findings) in the order of their group (company, case), to
    sum (dates × items) arrays per group."""

    def __init__(self, group: np.ndarray, n_groups: int) -> None:
        known = np.flatnonzero(group >= 0)
        self.order = known[np.argsort(group[known], kind="stable")]
        """Item numbers sorted by group; items without a group (-1) are left out."""
        self.present, self.starts = np.unique(group[self.order], return_index=True)
        self.n_groups = n_groups
        self._position = np.full(len(group), -1, dtype=np.int64)
        self._position[self.order] = np.arange(len(self.order))

    def renumber(self, items: np.ndarray) -> np.ndarray:
        """Item numbers (-1: none) as positions in `order` (-1: none or left out)."""
        out = np.full(len(items), -1, dtype=np.int64)
        out[items >= 0] = self._position[items[items >= 0]]
        return out

    def sums(self, values: np.ndarray) -> np.ndarray:
        """(dates × groups) sums of a (dates × items in `order`) array."""
        out = np.zeros((values.shape[0], self.n_groups))
        if len(self.starts):
            out[:, self.present] = np.add.reduceat(values, self.starts, axis=1)
        return out


def _days(column: pd.Series) -> np.ndarray:
    """A date column as int64 day numbers (NEVER where missing)."""
    d = column.to_numpy(dtype="datetime64[D]")
    days = d.astype(np.int64)
    days[np.isnat(d)] = NEVER
    return days


def _rows(ids: pd.Series, *references: pd.Series) -> list[np.ndarray]:
    """For each series of references to `ids` (unique), the row number in `ids` of each
    value; -1 where missing or not in `ids` (what an inner join drops)."""
    n = len(ids)
    codes, _ = pd.factorize(pd.concat([ids, *references], ignore_index=True))
    if not np.array_equal(codes[:n], np.arange(n)):
        raise ValueError(f"duplicate ids in {ids.name}")
    codes = np.where(codes < n, codes, -1)
    return np.split(codes, np.cumsum([n] + [len(r) for r in references]))[1:-1]


def _first(n: int, rows: np.ndarray, days: np.ndarray, where: np.ndarray | bool = True) -> np.ndarray:
    """For each of n items, the first of the `days` of its rows (`rows`: the item of each
    day, -1 for none; only where `where`); NEVER when there is none."""
    keep = (rows >= 0) & where
    first = np.full(n, NEVER, dtype=np.int64)
    np.minimum.at(first, rows[keep], days[keep])
    return first


def _level(disclosed: np.ndarray, incomplete: np.ndarray, diligence: np.ndarray) -> np.ndarray:
    """The level of a request at a date (METHODOLOGY.md section 1; SQL:
    request_assessments.sql), FULL, PARTIAL... as int8, from whether it has a disclosure,
    a factory whose latest state is incomplete, and a due-diligence record on or before
    that date."""
    return np.where(disclosed, np.where(incomplete, PARTIAL, FULL), np.where(diligence, DUE_DILIGENCE, NONE))


def _factory_states(
    request: np.ndarray, factory: np.ndarray, on: np.ndarray, complete: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A factory's state for a request is its latest disclosure row: each row holds from
    its date until the next row of the same request and factory (NEVER: for good).

    Returns the rows sorted by request, factory and date (their order), and for each
    sorted row the day its state ends. On a date with several rows of one factory (not
    possible with the table's key) the complete one is the state."""
    order = np.lexsort((complete, on, factory, request))
    r, f, d = request[order], factory[order], on[order]
    until = np.full(len(order), NEVER, dtype=np.int64)
    if len(order) > 1:
        same = (r[1:] == r[:-1]) & (f[1:] == f[:-1])
        until[:-1] = np.where(same, d[1:], NEVER)
    return order, until, d


CREDIT_INPUTS = (len(params.LEVELS), 2, 2, 2, 2)
"""What a request's credit at t depends on (`_credit`): its level by the deadline, and
whether t is past the deadline, its first disclosure is on or before t, some factory's
state at t is incomplete, and its first due-diligence record is on or before t."""


def _credit(
    m: params.Methodology,
    by_deadline: np.ndarray,
    past_due: np.ndarray,
    disclosed: np.ndarray,
    incomplete: np.ndarray,
    diligence: np.ndarray,
) -> np.ndarray:
    """A request's credit at t under `m` (METHODOLOGY.md section 1; SQL:
    request_assessments.sql), from its CREDIT_INPUTS."""
    credits = np.array([m.credits[level] for level in params.LEVELS])
    now = credits[_level(disclosed, incomplete, diligence)]
    # Up to the deadline the level now counts; after it, what was in place by the
    # deadline counts fully and what came later with the late factor, whichever is better.
    return np.where(past_due, np.maximum(credits[by_deadline], m.late_factor * now), now)


def _lookup(table: np.ndarray, *inputs: np.ndarray) -> np.ndarray:
    """`table[inputs]` for a small table (< 2**15 entries) and integer or boolean arrays
    that broadcast together: numpy's advanced indexing, several times faster on large
    arrays (the flat index is computed in int16)."""
    code = np.zeros((), dtype=np.int16)
    for size, x in zip(table.shape, inputs, strict=True):
        code = code * np.int16(size) + x
    return np.take(table.ravel(), code)


def _by_date(at: np.ndarray, group: np.ndarray, weights: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(dates × groups) totals of the `weights` of each group's items (`group`: the
    group of each item) whose date is on or before each date (`at`: its position)."""
    n_dates, n_groups = shape
    keep = (at < n_dates) & (group >= 0)
    cell = at[keep].astype(np.int64) * n_groups + group[keep]
    cells = np.bincount(cell, weights=weights[keep], minlength=n_dates * n_groups)
    return cells.reshape(shape).cumsum(axis=0)


@dataclass
class _RequestItems:
    """Every request of the companies (in company order: `groups.order`) with its facts,
    and per version block its assessment at the dates of the block (`blocks`)."""

    groups: _Groups
    scopes: pd.Index
    scope: np.ndarray
    """Scope code of each request (into `scopes`; -1: none)."""
    due: np.ndarray
    level_by_deadline: np.ndarray
    blocks: list[_RequestBlock]


@dataclass
class _RequestBlock:
    """The requests assessed at the dates `t` (a (dates × 1) column of date indices) under
    one version: (dates × requests) arrays, and the scope weights (requests)."""

    m: params.Methodology
    t: np.ndarray
    weights: np.ndarray
    scorable: np.ndarray
    in_window: np.ndarray
    credit: np.ndarray
    disclosed_now: np.ndarray
    partial_now: np.ndarray
    diligence_now: np.ndarray

    def level_now(self) -> np.ndarray:
        return _level(self.disclosed_now, self.partial_now, self.diligence_now)


def _request_items(evidence: Evidence, series: _Series) -> _RequestItems:
    """Every request assessed at every date (METHODOLOGY.md section 1). The SQL twin (for
    explain) is request_facts.sql and request_assessments.sql: keep them in step."""
    requests = evidence.disclosure_requests
    (company,) = _rows(series.companies, requests["company_id"])
    disclosures = evidence.disclosures
    disclosed, recorded = _rows(
        requests["request_id"], disclosures["request_id"], evidence.due_diligence["request_id"]
    )
    # request_facts: the dates a request's level depends on.
    n = len(requests)
    disclosed_on = _days(disclosures["disclosed_on"])
    first_disclosed = _first(n, disclosed, disclosed_on)
    first_diligence = _first(n, recorded, _days(evidence.due_diligence["recorded_on"]))
    due = _days(requests["due_on"])
    scope, scopes = pd.factorize(requests["scope"])
    # Each factory's state holds from its row's date until its next row: an incomplete
    # state is an interval of days; the request is incomplete while one of them lasts.
    factory, _ = pd.factorize(disclosures["factory_id"])
    keep = disclosed >= 0
    complete = disclosures["complete"].to_numpy(dtype=bool)[keep]
    order, until, start = _factory_states(disclosed[keep], factory[keep], disclosed_on[keep], complete)
    state_request = disclosed[keep][order]
    state_incomplete = ~complete[order]
    at_due = state_incomplete & (start <= due[state_request]) & (due[state_request] < until)
    incomplete_by_deadline = np.bincount(state_request[at_due], minlength=n) > 0
    level_by_deadline = _level(first_disclosed <= due, incomplete_by_deadline, first_diligence <= due)

    # Requests in company order.
    groups = _Groups(company, series.shape[1])
    o = groups.order
    scope, due, level_by_deadline = scope[o], due[o], level_by_deadline[o]
    disclosed_at = series.position(first_disclosed[o])
    diligence_at = series.position(first_diligence[o])
    # (all dates × requests): does some factory's state at the date say incomplete?
    state_position = groups.renumber(state_request)
    starts, ends = series.position(start), series.position(until)
    inc = state_incomplete & (state_position >= 0) & (starts < ends)
    shape = (len(series.days), len(o))
    incomplete_now = (
        _by_date(starts[inc], state_position[inc], np.ones(inc.sum()), shape)
        - _by_date(ends[inc], state_position[inc], np.ones(inc.sum()), shape)
    ) > 0.5
    due_at = series.position(due)
    past_due_from = series.position(due, after=True)

    blocks = []
    for m, t in series.blocks():
        weights = np.array([m.scope_weight(s) for s in scopes] + [0.0])[scope]  # scope -1 (none): 0
        disclosed_now = disclosed_at <= t
        partial_now = incomplete_now[t[:, 0]]
        diligence_now = diligence_at <= t
        if m.sct_window_days is not None:
            # Dropped once due_on <= as_of - window: from the first date on or after due_on + window.
            window_end = np.where(due < NEVER - m.sct_window_days, due + m.sct_window_days, NEVER)
            in_window = t < series.position(window_end)
        else:
            in_window = np.ones((len(t), len(o)), dtype=bool)
        # Due, or already FULL: an early partial or due-diligence response waits for the
        # deadline, so responding early never lowers a score.
        scorable = (weights > 0) & in_window & ((due_at <= t) | (disclosed_now & ~partial_now))
        # _credit at every (date, request), looked up in a table of _credit over all its inputs.
        table = _credit(m, *np.indices(CREDIT_INPUTS))
        credit = _lookup(
            table, level_by_deadline, past_due_from <= t, disclosed_now, partial_now, diligence_now
        )
        blocks.append(
            _RequestBlock(
                m, t, weights, scorable, in_window, credit, disclosed_now, partial_now, diligence_now
            )
        )
    return _RequestItems(groups, scopes, scope, due, level_by_deadline, blocks)


def _sct_sums(evidence: Evidence, series: _Series) -> tuple[np.ndarray, np.ndarray]:
    """Each company's SCT sums at every date, (dates × companies): weight × credit and
    weight of its scorable requests."""
    items = _request_items(evidence, series)
    p = np.zeros(series.shape)
    w = np.zeros(series.shape)
    for b in items.blocks:
        weight = np.where(b.scorable, b.weights, 0.0)
        p[b.t[:, 0]] = items.groups.sums(weight * b.credit)
        w[b.t[:, 0]] = items.groups.sums(weight)
    return p, w


@dataclass
class _CaseItems:
    """Every case of the companies (in company order: `groups.order`) and its findings,
    and per version block the cases assessed at the dates of the block (`blocks`)."""

    groups: _Groups
    opened: np.ndarray
    """Day number each case opened."""
    finding_case: np.ndarray
    """Each finding's case as a position in `groups.order` (-1: none)."""
    severity: np.ndarray
    severities: pd.Index
    evidenced_at: np.ndarray
    """Each finding's first date with evidence (or verification), as a date position."""
    verified_at: np.ndarray
    blocks: list[_CaseBlock]


@dataclass
class _CaseBlock:
    """The cases assessed at the dates `t` under one version: (dates × cases) arrays
    and the per-case and per-finding weights."""

    m: params.Methodology
    t: np.ndarray
    finding_weights: np.ndarray
    """Severity weight of each finding (0 where its case or severity is unknown)."""
    total: np.ndarray
    case_weight: np.ndarray
    scorable: np.ndarray
    ack: np.ndarray
    access: np.ndarray
    plan: np.ndarray
    severity_evidenced: np.ndarray
    severity_verified: np.ndarray
    retaliated: np.ndarray
    case_score: np.ndarray


def _case_score(
    m: params.Methodology,
    ack: np.ndarray,
    access: np.ndarray,
    plan: np.ndarray,
    severity_evidenced: np.ndarray,
    severity_verified: np.ndarray,
    total: np.ndarray,
    retaliated: np.ndarray,
) -> np.ndarray:
    """Case scores from their components (METHODOLOGY.md section 2; SQL:
    case_assessments.sql): ack points, whether access and a plan are there, the severity
    weight evidenced and verified, the case's total and whether retaliation is confirmed."""
    with np.errstate(invalid="ignore", divide="ignore"):  # no findings: not scorable
        points = (
            ack
            + np.where(access, m.access_points, 0.0)
            + np.where(plan, m.plan_points, 0.0)
            + m.evidence_points * severity_evidenced / total
            + m.verified_points * severity_verified / total
        )
    if m.retaliation_penalty is None:
        return np.where(retaliated, 0.0, points)
    return np.where(retaliated, np.maximum(0.0, points - m.retaliation_penalty), points)


def _case_items(evidence: Evidence, series: _Series) -> _CaseItems:
    """Every case scored at every date (METHODOLOGY.md section 2). The SQL twin (for
    explain) is case_facts.sql, finding_facts.sql and case_assessments.sql: keep them in
    step."""
    cases, findings, events = evidence.cases, evidence.findings, evidence.events
    (company,) = _rows(series.companies, cases["company_id"])
    finding_case, event_case = _rows(cases["case_id"], findings["case_id"], events["case_id"])
    (event_finding,) = _rows(findings["finding_id"], events["finding_id"])
    # An event concerns a finding of its own case (finding_facts.sql joins on both).
    own = event_finding >= 0
    own[own] = finding_case[event_finding[own]] == event_case[own]
    event_finding = np.where(own, event_finding, -1)
    event_on = _days(events["event_date"])
    event_type, event_types = pd.factorize(events["event_type"])

    def of_type(*kinds: str) -> np.ndarray:
        return np.isin(event_type, [i for i, kind in enumerate(event_types) if kind in kinds])

    # case_facts and finding_facts: the only dates a case score depends on.
    opened = _days(cases["opened_on"])
    acknowledged = _first(len(cases), event_case, event_on, of_type("acknowledged"))
    access = _first(len(cases), event_case, event_on, of_type("access_granted"))
    plan = _first(len(cases), event_case, event_on, of_type("plan_submitted"))
    retaliation = _first(len(cases), event_case, event_on, of_type("retaliation_confirmed"))
    # A verified finding counts as evidenced too.
    evidenced = _first(len(findings), event_finding, event_on, of_type("evidence_submitted", "verified"))
    verified = _first(len(findings), event_finding, event_on, of_type("verified"))
    severity, severities = pd.factorize(findings["severity"])

    # Cases in company order.
    case_groups = _Groups(company, series.shape[1])
    o = case_groups.order
    finding_case = case_groups.renumber(finding_case)  # now the case's position in o
    evidenced_at = series.position(evidenced)
    verified_at = series.position(verified)
    opened_at = series.position(opened[o])
    acknowledged_at = series.position(acknowledged[o])
    access_at = series.position(access[o])
    plan_at = series.position(plan[o])
    retaliation_at = series.position(retaliation[o])
    ack_days = acknowledged[o] - opened[o]

    blocks = []
    for m, t in series.blocks():
        weights = np.array([m.severity_weights.get(s, np.nan) for s in severities] + [np.nan])[severity]
        known = ~np.isnan(weights) & (finding_case >= 0)  # what the joins keep
        count = np.bincount(finding_case[known], minlength=len(o))
        total = np.bincount(finding_case[known], weights=weights[known], minlength=len(o))
        case_weight = np.zeros(len(o))
        np.maximum.at(case_weight, finding_case[known], weights[known])
        weights = np.where(known, weights, 0.0)
        shape = (len(series.days), len(o))
        severity_evidenced = _by_date(evidenced_at, finding_case, weights, shape)[t[:, 0]]
        severity_verified = _by_date(verified_at, finding_case, weights, shape)[t[:, 0]]
        ack = np.where(
            acknowledged_at <= t,
            np.where(ack_days <= m.ack_window_days, m.ack_on_time_points, m.ack_late_points),
            0.0,
        )
        has_access, has_plan, retaliated = access_at <= t, plan_at <= t, retaliation_at <= t
        case_score = _case_score(
            m, ack, has_access, has_plan, severity_evidenced, severity_verified, total, retaliated
        )
        scorable = (opened_at <= t) & (count > 0)
        blocks.append(
            _CaseBlock(
                m,
                t,
                weights,
                total,
                case_weight,
                scorable,
                ack,
                has_access,
                has_plan,
                severity_evidenced,
                severity_verified,
                retaliated,
                case_score,
            )
        )
    return _CaseItems(
        case_groups, opened[o], finding_case, severity, severities, evidenced_at, verified_at, blocks
    )


def _fi_sums(evidence: Evidence, series: _Series) -> tuple[np.ndarray, np.ndarray]:
    """Each company's FI sums at every date, (dates × companies): case weight × case score
    and case weight of its scorable cases."""
    items = _case_items(evidence, series)
    p = np.zeros(series.shape)
    w = np.zeros(series.shape)
    for b in items.blocks:
        weight = np.where(b.scorable, b.case_weight, 0.0)
        p[b.t[:, 0]] = items.groups.sums(np.where(b.scorable, weight * b.case_score, 0.0))
        w[b.t[:, 0]] = items.groups.sums(weight)
    return p, w
