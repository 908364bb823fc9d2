"""Every corpus project's plan stays within the sane bounds of ``playbooks/plan/bounds.yaml``.

Each project of the shared corpus that Docker Compose accepts (``oracle_ok`` in its
manifest; the conformance suite holds that we accept the same ones) is planned as
``migrate-tui plan`` plans it (load, analysis, the manifests' ledger, the plan, no
Markdown), with the default team of ``estimates.yaml``. Three figures are measured:

- total weeks per distinct service, counted as the plan counts them
  (:func:`~migrate_tui.planning.plan.distinct_services`: copies of one template once);
- the weeks of each stateful service's own tasks (a stateful engine) and of each
  stateless one's, copies and siblings left out
  (:func:`~migrate_tui.planning.plan.copies_and_siblings`).

A figure out of its range fails the test, naming the project, the service and the figure.
Their distribution (min, median, max) is printed in the terminal summary
(``tests/planning/conftest.py``). Planning the ~490 projects takes about 10 s.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from migrate_tui.errors import MigrateError, PlaybookError
from migrate_tui.planning.build import plan_input
from migrate_tui.planning.plan import Plan, PlanInput, copies_and_siblings, distinct_services
from migrate_tui.planning.playbooks import (
    BoundedFigure,
    Estimates,
    FigureRange,
    KnownOutlier,
    PlanBounds,
    load_plan_bounds,
)
from migrate_tui.playbooks import playbooks_dir
from migrate_tui.text import plural
from migrate_tui.workspace import open_workspace
from tests.analysis.helpers import corpus_options
from tests.conformance.oracle import CORPUS, Case, corpus_cases
from tests.planning.conftest import SUMMARY

FIGURES: tuple[BoundedFigure, ...] = (
    "weeks_per_distinct_service", "stateful_service_weeks", "stateless_service_weeks")


def accepted_cases() -> list[Case]:
    """The corpus projects Docker Compose accepts (``oracle_ok`` in the manifest)."""
    manifest = CORPUS / "MANIFEST.json"
    if not manifest.is_file():
        return []
    accepted = {e["path"] for e in json.loads(manifest.read_text()) if e["oracle_ok"]}
    return [case for case in corpus_cases() if case.id in accepted]


CASES = accepted_cases()
NO_CORPUS = f"the shared corpus is missing at {CORPUS} (set MIGRATE_TUI_CORPUS to its folder)"
needs_corpus = pytest.mark.skipif(not CASES, reason=NO_CORPUS)


@dataclass(frozen=True)
class Figure:
    """One measured figure of one project's plan."""

    project: str
    figure: BoundedFigure
    value: float
    service: str | None = None
    detail: str = ""
    """How it was measured (``13.07 weeks / 5 distinct services``), for the message."""

    @property
    def where(self) -> str:
        return f"{self.project} {self.service}" if self.service else self.project


def plan_figures(project: str, plan: Plan, data: PlanInput, est: Estimates) -> list[Figure]:
    """The bounded figures of one plan, distinct services and copies counted by the plan."""
    out: list[Figure] = []
    distinct = distinct_services(data)
    if distinct:
        how = f"{plan.total_weeks} weeks / {plural(distinct, 'distinct service')}"
        out.append(Figure(project, "weeks_per_distinct_service", plan.total_weeks / distinct,
                          detail=how))
    days: dict[str, float] = defaultdict(float)
    for phase in plan.phases:
        for task in phase.tasks:
            if task.service is not None:
                days[task.service] += task.estimate_days
    copies = copies_and_siblings(data, est)
    for s in data.services:
        if s.kind == "dev-only" or s.name in copies:
            continue
        figure: BoundedFigure = ("stateful_service_weeks" if s.service_class == "stateful"
                                 else "stateless_service_weeks")
        out.append(Figure(project, figure, days[s.name] / plan.capacity_days_per_week,
                          service=s.name,
                          detail=f"{days[s.name]:.1f} person-days, {s.kind}"
                                 f"{', ' + s.software if s.software else ''}"))
    return out


def out_of_bounds(figures: list[Figure], bounds: PlanBounds) -> list[str]:
    """One line for each figure out of its range, and for each known outlier that is no
    longer out of it (or no longer measured): its entry must go."""
    known = {(o.project, o.figure, o.service) for o in bounds.known_outliers}
    seen: set[tuple[str, str, str | None]] = set()
    lines = []
    for f in figures:
        span: FigureRange = getattr(bounds, f.figure)
        key = (f.project, f.figure, f.service)
        if key in known:
            seen.add(key)
            if span.holds(f.value):
                lines.append(f"{f.where}: {f.figure} = {f.value:.2f} is within "
                             f"[{span.low:g}, {span.high:g}] now: remove it from "
                             "known_outliers in bounds.yaml")
        elif not span.holds(f.value):
            lines.append(f"{f.where}: {f.figure} = {f.value:.2f} is outside "
                         f"[{span.low:g}, {span.high:g}] ({f.detail})")
    lines += [f"{' '.join(k for k in (p, s) if k)}: the known outlier's {fig} is not measured "
              "(renamed or gone?): update known_outliers in bounds.yaml"
              for p, fig, s in sorted(known - seen, key=str)]
    return lines


@dataclass(frozen=True)
class CorpusPlans:
    """Every accepted project's figures, and what could not be measured."""

    total_weeks: dict[str, float]
    figures: list[Figure]
    rejected: list[str]
    """Projects the oracle accepts and our loader refused (the conformance suite says why)."""
    seconds: float


def _distribution(values: list[float]) -> str:
    if not values:
        return "none"
    return (f"min {min(values):.2f}, median {statistics.median(values):.2f}, "
            f"max {max(values):.2f} (n={len(values)})")


def _summarise(plans: CorpusPlans) -> list[str]:
    def top(figure: str) -> str:
        found = [f for f in plans.figures if f.figure == figure]
        if not found:
            return ""
        high = max(found, key=lambda f: f.value)
        low = min(found, key=lambda f: f.value)
        return f"; min {low.where}, max {high.where}"

    weeks = plans.total_weeks
    longest = max(weeks, key=lambda k: weeks[k]) if weeks else ""
    lines = [f"corpus plan bounds: {len(weeks)} plans in {plans.seconds:.1f} s",
             f"total weeks: {_distribution(list(weeks.values()))}; max {longest}"]
    for figure in FIGURES:
        values = [f.value for f in plans.figures if f.figure == figure]
        lines.append(f"{figure}: {_distribution(values)}{top(figure)}")
    return lines


@pytest.fixture(scope="module")
def corpus_plans() -> CorpusPlans:
    """Plan every accepted corpus project once, as ``migrate-tui plan`` does."""
    started = time.perf_counter()
    total: dict[str, float] = {}
    figures: list[Figure] = []
    rejected: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        state = str(Path(tmp) / "migration.toml")  # never written: plans only read it
        for case in CASES:
            try:
                ws = open_workspace(corpus_options(case), state_file=state)
            except MigrateError:
                rejected.append(case.id)
                continue
            # The services the plan counted (the ledger changes items, not services).
            data = plan_input(ws.project, ws.analysis)
            total[case.id] = ws.plan.total_weeks
            figures += plan_figures(case.id, ws.plan, data, ws.playbooks.estimates)
    plans = CorpusPlans(total, figures, rejected, time.perf_counter() - started)
    SUMMARY[:] = _summarise(plans)
    return plans


@needs_corpus
def test_every_corpus_plan_stays_within_the_bounds(corpus_plans: CorpusPlans) -> None:
    assert corpus_plans.rejected == [], "the oracle accepts these, we reject them"
    assert len(corpus_plans.total_weeks) >= 450
    problems = out_of_bounds(corpus_plans.figures, load_plan_bounds())
    assert problems == [], "\n".join(problems)


@needs_corpus
@pytest.mark.parametrize("figure", FIGURES)
def test_a_tightened_bound_names_the_project_service_and_figure(
        corpus_plans: CorpusPlans, figure: BoundedFigure) -> None:
    """The check can fail: with the bound's top moved to the median, the largest figure is
    reported with its project, its service and its value (known outliers aside)."""
    bounds = load_plan_bounds()
    known = {(o.project, o.service) for o in bounds.known_outliers if o.figure == figure}
    found = [f for f in corpus_plans.figures
             if f.figure == figure and (f.project, f.service) not in known]
    largest = max(found, key=lambda f: f.value)
    span: FigureRange = getattr(bounds, figure)
    median = statistics.median(f.value for f in found)
    tight = bounds.model_copy(update={figure: span.model_copy(update={"high": median})})
    lines = out_of_bounds(found, tight)
    expected = f"{largest.where}: {figure} = {largest.value:.2f} is outside"
    assert any(line.startswith(expected) for line in lines), lines[:5]
    assert len(lines) >= len(found) // 3  # every figure above the median, not one


def test_a_known_outlier_back_in_range_must_leave_the_list() -> None:
    bounds = load_plan_bounds()
    outlier = KnownOutlier(project="some/project", figure="stateless_service_weeks",
                           service="relay", why="a figure we know is wrong, fixed elsewhere")
    span: FigureRange = getattr(bounds, outlier.figure)
    inside = Figure(outlier.project, outlier.figure, span.low, outlier.service)
    [line] = out_of_bounds([inside], bounds.model_copy(update={"known_outliers": [outlier]}))
    assert "remove it from known_outliers" in line
    [line] = out_of_bounds([], bounds.model_copy(update={"known_outliers": [outlier]}))
    assert "is not measured" in line


def test_every_bound_gives_its_reason_and_low_is_below_high(tmp_path: Path) -> None:
    bounds = load_plan_bounds()
    for figure in FIGURES:
        span: FigureRange = getattr(bounds, figure)
        assert 0 <= span.low < span.high and len(span.why) > 200, figure
    plan = tmp_path / "plan"
    plan.mkdir()
    text = (playbooks_dir() / "plan" / "bounds.yaml").read_text()
    (plan / "bounds.yaml").write_text(text.replace("  low: 1\n", "  low: 7\n", 1))
    with pytest.raises(PlaybookError) as caught:
        load_plan_bounds(tmp_path)
    message = caught.value.render()
    assert "stateful_service_weeks" in message and "low must be below high" in message
