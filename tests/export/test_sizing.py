"""Sizing a big plan to what GitHub renders: each form made once, the choice unchanged.

``_phases_and_findings`` makes each form at most once and rules out the groupings whose
floor cannot fit; :func:`_first_form_that_fits` below is the plain statement of the same
choice, every form rendered in full and tried in turn. Both must give the same bytes for
every room, from a plan listed in full to one only counted.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from migrate_tui.analysis.model import Finding
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.export.condensed import (
    SHORTENINGS,
    TaskGroup,
    condensed_note,
    counted_note,
    group_count_lines,
    group_floor,
    group_lines,
    group_tasks,
)
from migrate_tui.export.findings import findings_by_rule, findings_in_full
from migrate_tui.export.markdown import _phase_head, _phases_and_findings, _task
from migrate_tui.export.markdown_text import Measured, lines_within, size
from migrate_tui.planning.plan import Plan
from migrate_tui.workspace import Workspace, open_workspace

REPO = Path(__file__).resolve().parents[2]
ROOMS = sorted({int(2_000 * 1.3 ** k) for k in range(26)} | {0, 5_000, 350_000})
"""From nothing to more than a 500-service plan takes in full (1.5 MB)."""


def _chain(services: int) -> str:
    lines = ["services:", "  s0:", "    image: ghcr.io/acme/app:1.0"]
    for n in range(1, services):
        lines += [f"  s{n}:", "    image: ghcr.io/acme/app:1.0", f"    depends_on: [s{n - 1}]"]
    return "\n".join(lines) + "\n"


def _generated(services: int) -> str:
    spec = importlib.util.spec_from_file_location("bench_generate",
                                                  REPO / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return str(module.generate(services))


def _progress(ws: Workspace) -> str:
    """Every fifth item under way, done, blocked, skipped or assigned: notable items."""
    out = ["schema = 1", ""]
    items = [i for i in ws.plan.items()]
    for n, item in enumerate(items[::5]):
        out += [f'[items."{item.id}"]',
                f'status = "{("doing", "done", "blocked", "skipped", "todo")[n % 5]}"']
        if n % 3 == 0:
            out.append('assignee = "Ana <ops|team>"')
        out.append("")
    return "\n".join(out)


def _workspace(folder: Path) -> Workspace:
    options = LoadOptions(path=str(folder), environ={"PWD": str(folder)}, cwd=str(folder))
    return open_workspace(options, state_file=str(folder / "migration.toml"))


@pytest.fixture(scope="module", params=["chain-300", "generated-400-with-progress"])
def workspace(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "chain-300":
        (folder / "compose.yaml").write_text(_chain(300), encoding="utf-8")
        return _workspace(folder)
    (folder / "compose.yaml").write_text(_generated(400), encoding="utf-8")
    (folder / "migration.toml").write_text(_progress(_workspace(folder)), encoding="utf-8")
    return _workspace(folder)


def _grouped(plan: Plan, groups: list[list[TaskGroup]], counted: bool,
             shortening_index: int = 0) -> Iterator[str]:
    for phase, mine in zip(plan.phases, groups, strict=True):
        yield from _phase_head(phase)
        for task in phase.tasks:
            if task.service is None:
                yield from _task(task)
        if mine:
            count = sum(len(g.tasks) for g in mine)
            yield from (counted_note(count) if counted
                        else condensed_note(count, across=mine[0].across))
        for group in mine:
            yield from (group_count_lines(group) if counted
                        else group_lines(group, SHORTENINGS[shortening_index]))


def _first_form_that_fits(plan: Plan, findings: Sequence[Finding], root: str | None,
                          room: int) -> list[str]:
    """The choice of ``_phases_and_findings``, each form rendered anew each time it is tried."""
    def first(groups: list[list[TaskGroup]], limit: int) -> list[str] | None:
        for index in range(len(SHORTENINGS)):
            lines = lines_within(_grouped(plan, groups, False, index), limit)
            if lines is not None:
                return lines
        return None

    phases = lines_within((line for phase in plan.phases
                           for line in [*_phase_head(phase),
                                        *(x for t in phase.tasks for x in _task(t))]), room)
    if phases is not None:
        listed = lines_within(findings_in_full(findings, root), room - size(phases))
        if listed is not None:
            return phases + listed
    by_wave = [group_tasks(phase.tasks) for phase in plan.phases]
    in_full = lines_within(findings_in_full(findings, root), room // 2)
    by_rule = findings_by_rule(findings, root) if in_full is None else None
    condensed = first(by_wave, room - size(in_full or by_rule or []))
    if condensed is not None:
        return condensed + (in_full or by_rule or [])
    if by_rule is None:
        by_rule = findings_by_rule(findings, root)
        condensed = first(by_wave, room - size(by_rule))
    if condensed is None:
        across = [group_tasks(phase.tasks, across=True) for phase in plan.phases]
        condensed = first(across, room - size(by_rule))
        if condensed is None:
            condensed = list(_grouped(plan, across, True))
    listed = lines_within(findings_in_full(findings, root), room - size(condensed))
    return condensed + (listed or by_rule)


def test_each_room_gets_the_first_form_that_fits(workspace: Workspace) -> None:
    plan, findings = workspace.plan, workspace.analysis.findings
    root = workspace.project.working_dir
    forms = set()
    for room in ROOMS:
        lines = _phases_and_findings(plan, findings, root, room)
        assert lines == _first_form_that_fits(plan, findings, root, room), room
        forms.add("\n".join(lines))
    assert len(forms) >= 7  # in full, by wave or across in several shortenings, counted


def test_a_groups_floor_is_never_more_than_any_shortening_makes_of_it(
    workspace: Workspace,
) -> None:
    groups = [group for phase in workspace.plan.phases
              for across in (False, True) for group in group_tasks(phase.tasks, across=across)]
    assert groups
    for group in groups:
        made = [size(group_lines(group, shortening)) for shortening in SHORTENINGS]
        assert group_floor(group) <= min(made)
        assert group_floor(group) >= min(made) * 0.3  # a floor that rules out some forms


def test_every_shortening_gives_a_wording_of_each_item_that_differs() -> None:
    # what group_floor counts on
    assert all(s.wordings is None or s.wordings >= 1 for s in SHORTENINGS)


def test_measured_lines_are_made_once_and_answer_every_limit() -> None:
    made: list[int] = []

    def lines() -> Iterator[str]:
        for n in range(100):
            made.append(n)
            yield f"line {n} é"  # 10 or 11 bytes with the newline: é takes two

    whole = [f"line {n} é" for n in range(100)]
    measured = Measured(lines())
    assert measured.within(100) is None
    assert len(made) == 11  # stopped as soon as it passed 100 bytes: 10 x 10, then 11
    assert measured.within(50) is None and len(made) == 11
    total = size(whole)
    assert measured.within(total - 1) is None
    assert measured.within(total) == whole
    assert measured.within(total + 1) == whole and measured.within(50) is None
    assert made == list(range(100))
    for limit in (0, 10, 11, 100, 1000, total - 1, total):
        assert lines_within(iter(whole), limit) == (whole if limit >= total else None)
