"""Sizing a big plan to what GitHub renders: each form made once, the choice unchanged.

``_phases_and_findings`` makes each form at most once and rules out the groupings whose
floor cannot fit; :func:`_first_form_that_fits` below is the plain statement of the same
choice, every form rendered in full and tried in turn. Both must give the same bytes for
every room, from a plan listed in full to one only counted.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from migrate_tui.analysis.model import Finding
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.export.condensed import (
    SHORTENINGS,
    Shortening,
    TaskGroup,
    condensed_note,
    counted_note,
    group_across,
    group_count_lines,
    group_floor,
    group_lines,
    group_tasks,
)
from migrate_tui.export.findings import findings_by_rule, findings_in_full
from migrate_tui.export.markdown import _phase_head, _phases_and_findings, _task
from migrate_tui.export.markdown_text import Measured, lines_within, size
from migrate_tui.planning.plan import Plan, Task
from migrate_tui.workspace import Workspace, open_workspace

REPO = Path(__file__).resolve().parents[2]


def _chain(services: int) -> str:
    lines = ["services:", "  s0:", "    image: ghcr.io/acme/app:1.0"]
    for n in range(1, services):
        lines += [f"  s{n}:", "    image: ghcr.io/acme/app:1.0", f"    depends_on: [s{n - 1}]"]
    return "\n".join(lines) + "\n"


def _findings_heavy(services: int) -> str:
    """Services of one wave with a dozen findings each: the findings outgrow the condensed
    phases, so they are listed in full beside them once the room passes twice their size."""
    lines = ["services:"]
    for n in range(services):
        lines += [f"  app-{n}:", "    image: nginx", "    privileged: true", "    pid: host",
                  "    cap_add: [SYS_ADMIN]", "    volumes: [/var/run/docker.sock:/s, ./d:/d]",
                  f"    environment: {{DB_PASSWORD: hunter{n}}}", "    ports: ['80']",
                  "    security_opt: ['seccomp:unconfined']", "    devices: ['/dev/fuse']",
                  "    network_mode: host"]
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


@pytest.fixture(scope="module",
                params=["chain-300", "generated-100-with-progress", "findings-heavy-60"])
def workspace(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "chain-300":
        (folder / "compose.yaml").write_text(_chain(300), encoding="utf-8")
        return _workspace(folder)
    if request.param == "findings-heavy-60":
        (folder / "compose.yaml").write_text(_findings_heavy(60), encoding="utf-8")
        return _workspace(folder)
    (folder / "compose.yaml").write_text(_generated(100), encoding="utf-8")
    (folder / "migration.toml").write_text(_progress(_workspace(folder)), encoding="utf-8")
    return _workspace(folder)


def _grouped(plan: Plan, groups: list[list[TaskGroup]],
             shortening: Shortening | None) -> list[str]:
    """The phases, their service tasks in these groups; None: only counted."""
    out: list[str] = []
    for phase, mine in zip(plan.phases, groups, strict=True):
        out += _phase_head(phase)
        for task in phase.tasks:
            if task.service is None:
                out += _task(task)
        if mine:
            count = sum(len(g.tasks) for g in mine)
            out += (counted_note(count) if shortening is None
                    else condensed_note(count, across=mine[0].across))
        for group in mine:
            out += (group_count_lines(group) if shortening is None
                    else group_lines(group, shortening))
    return out


@dataclass(frozen=True)
class _Forms:
    """Every form of the phases and of the findings, rendered in full."""

    phases: list[str]
    findings: list[str]
    by_rule: list[str]
    by_wave: list[list[str]]
    """In each of ``SHORTENINGS``."""
    across: list[list[str]]
    counted: list[str]

    @classmethod
    def of(cls, plan: Plan, findings: Sequence[Finding], root: str | None) -> _Forms:
        by_wave = [group_tasks(phase.tasks) for phase in plan.phases]
        across = [group_tasks(phase.tasks, across=True) for phase in plan.phases]
        return cls(
            phases=[line for phase in plan.phases
                    for line in [*_phase_head(phase), *(x for t in phase.tasks for x in _task(t))]],
            findings=list(findings_in_full(findings, root)),
            by_rule=findings_by_rule(findings, root),
            by_wave=[_grouped(plan, by_wave, s) for s in SHORTENINGS],
            across=[_grouped(plan, across, s) for s in SHORTENINGS],
            counted=_grouped(plan, across, None),
        )

    def rooms(self) -> list[int]:
        """Where the choice changes (each form's size, alone or with the findings), a byte
        either side, and rooms from nothing to more than the plan in full."""
        listed, by_rule = size(self.findings), size(self.by_rule)
        edges = {size(self.phases) + listed, 2 * listed} | {
            size(form) + findings for form in [*self.by_wave, *self.across, self.counted]
            for findings in (listed, by_rule)}
        return sorted({edge + d for edge in edges for d in (-1, 0, 1)}
                      | {int(2_000 * 1.5 ** k) for k in range(18)} | {0})


def _first_form_that_fits(forms: _Forms, room: int) -> list[str]:
    """The choice ``_phases_and_findings`` makes, stated plainly over forms made in full."""
    def fits(lines: list[str], limit: int) -> list[str] | None:
        return lines if size(lines) <= limit else None

    def first(grouped: list[list[str]], limit: int) -> list[str] | None:
        return next((lines for lines in grouped if fits(lines, limit)), None)

    if fits(forms.phases, room) and fits(forms.findings, room - size(forms.phases)):
        return forms.phases + forms.findings
    in_full = fits(forms.findings, room // 2)
    findings = in_full or forms.by_rule
    condensed = first(forms.by_wave, room - size(findings))
    if condensed is not None:
        return condensed + findings
    if in_full is not None:
        condensed = first(forms.by_wave, room - size(forms.by_rule))
    if condensed is None:
        condensed = first(forms.across, room - size(forms.by_rule)) or forms.counted
    return condensed + (fits(forms.findings, room - size(condensed)) or forms.by_rule)


def test_each_room_gets_the_first_form_that_fits(workspace: Workspace) -> None:
    plan, findings = workspace.plan, workspace.analysis.findings
    root = workspace.project.working_dir
    forms = _Forms.of(plan, findings, root)
    chosen = set()
    for room in forms.rooms():
        lines = _phases_and_findings(plan, findings, root, room)
        assert lines == _first_form_that_fits(forms, room), room
        chosen.add("\n".join(lines))
    assert len(chosen) >= 5  # in full, condensed in several forms, counted


def test_a_groups_floor_is_never_more_than_any_shortening_makes_of_it(
    workspace: Workspace,
) -> None:
    groups = [group for phase in workspace.plan.phases
              for across in (False, True) for group in group_tasks(phase.tasks, across=across)]
    assert groups
    for group in groups:
        made = [size(group_lines(group, shortening)) for shortening in SHORTENINGS]
        assert group_floor(group) <= min(made)
        # a floor that rules out some forms (0.27 at worst since a start-order item names
        # the depends_on its findings saw, a wording that differs service by service)
        assert group_floor(group) >= min(made) * 0.25


def _with_progress(tasks: list[Task]) -> list[Task]:
    """The tasks with every third item done and every seventh assigned."""
    out, n = [], 0
    for task in tasks:
        items = []
        for item in task.checklist:
            n += 1
            items.append(item.model_copy(update={
                "status": "done" if n % 3 == 0 else item.status,
                "assignee": "Ana" if n % 7 == 0 else item.assignee}))
        out.append(task.model_copy(update={"checklist": items}))
    return out


def test_groups_across_waves_add_up_the_groups_of_each_wave(workspace: Workspace) -> None:
    # The groups of each wave, added up (items, those done, those under way or assigned),
    # are the groups across waves counted item by item; tasks whose waves interleave
    # (shuffled here) are counted again, with the same result.
    phases = [_with_progress(phase.tasks) for phase in workspace.plan.phases]
    shuffled = [random.Random(0).sample(tasks, len(tasks)) for tasks in phases]
    for tasks in [*phases, *shuffled]:
        assert group_across(tasks, group_tasks(tasks)) == group_tasks(tasks, across=True)


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
