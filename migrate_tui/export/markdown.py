"""The plan as Markdown that renders well on GitHub.

Sections: a summary, the decision with its reasons and the monthly cost, the dependency
graph and the timeline (:mod:`migrate_tui.export.diagrams`), per phase the tasks with
``- [ ]``/``- [x]`` checklists, owners and estimates, the findings table, and how the
estimates were computed.

A plan too big for GitHub to render (``GITHUB_MAX_MARKDOWN_SIZE``) keeps every section, but
its service tasks are grouped, each group's checklist written once
(:mod:`migrate_tui.export.condensed`): by wave, or across waves when there are too many
waves for that to be shorter, or at the last only counted; and findings too many to list
get a row per rule (:mod:`migrate_tui.export.findings`). The tables that stand for
diagrams too big to draw take ranges of waves past a few hundred rows (``WAVE_ROWS``,
``TIMELINE_ROWS``). Whether a form fits is found out by rendering it with a running count
of bytes, stopped as soon as it passes the limit; each form is rendered once, however many
limits it is tried against (:class:`~migrate_tui.export.markdown_text.Measured`).

Same input, same bytes: nothing here reads the clock or depends on dict order it did not
sort. No secret from the compose file reaches the output: every text taken from the
project goes through :func:`redact`, then through Markdown escaping.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial

from migrate_tui.analysis.model import SEVERITIES, Analysis, Finding
from migrate_tui.compose.model import Project
from migrate_tui.export.burnup import burn_up_chart
from migrate_tui.export.condensed import (
    SHORTENINGS,
    TaskGroup,
    condensed_note,
    counted_note,
    group_across,
    group_count_lines,
    group_floor,
    group_lines,
    group_tasks,
)
from migrate_tui.export.diagrams import (
    MERMAID_MAX_EDGES,
    MERMAID_MAX_TEXT_SIZE,
    TIMELINE_ROWS,
    WAVE_ROWS,
    dependency_graph,
    timeline,
)
from migrate_tui.export.evidence_section import evidence_section
from migrate_tui.export.findings import FindingsSection
from migrate_tui.export.markdown_text import (
    DONE,
    GITHUB_MAX_MARKDOWN_SIZE,
    Measured,
    checklist_line,
    lines_within,
    md,
    md_with_code,
    redact,
    size,
)
from migrate_tui.export.markdown_text import code as _code
from migrate_tui.export.markdown_text import days as _days
from migrate_tui.export.markdown_text import ids_as_they_are as _as_they_are
from migrate_tui.export.markdown_text import plural as _n
from migrate_tui.export.markdown_text import relative as _relative
from migrate_tui.export.markdown_text import weeks as _w
from migrate_tui.export.translation import LedgerRow, translation_section
from migrate_tui.gc_pause import gc_paused
from migrate_tui.planning.decision import CostComparison
from migrate_tui.planning.plan import PhasePlan, Plan, Task
from migrate_tui.progress.model import ProgressState
from migrate_tui.progress.settings import FIELDS_BY_NAME
from migrate_tui.text import last_week, week_range

TRANSLATION_SHARE = 4
"""The Translation section takes at most a quarter of the room left for the plan's
variable parts; past it, it is grouped across services, then counted."""


def _money(value: float, currency: str) -> str:
    """``1,234 EUR``: an amount rounded to the unit, with its currency."""
    return f"{value:,.0f} {currency}"


@gc_paused
def render_markdown(project: Project, analysis: Analysis, plan: Plan,
                    state: ProgressState | None = None, *,
                    ledger: Sequence[LedgerRow] = ()) -> str:
    """Render the whole plan as one Markdown document.

    Callers outside ``export/`` go through
    :func:`~migrate_tui.export.assemble.render_export`, which picks the format.

    Args:
        project: The loaded project: the compose files it was read from are named, relative
            to its working directory.
        analysis: Its analysis; the services behind profiles not enabled are left out.
        plan: The plan, with saved progress applied.
        state: The saved progress, for the days items finished (the burn-up); None: the
            burn-up shows the plan alone.
        ledger: The translation ledger: the Translation section (:mod:`.translation`).

    Returns:
        The document, ending in one newline.
    """
    files, root = project.files, project.working_dir
    out: list[str] = []
    analysis = _as_planned(analysis)
    services = analysis.services
    counts = {"stateful": 0, "stateless": 0, "job": 0, "dev-only": 0}
    for info in services.values():
        if info.kind in ("job", "dev-only"):
            counts[info.kind] += 1
        else:
            counts[info.service_class] += 1
    items = plan.items()
    done = sum(1 for i in items if i.status in ("done", "skipped"))
    out += [
        f"# Migration plan: {md(plan.project)}",
        "",
        f"From {', '.join(_code(_relative(f, root)) for f in files)}, by migrate-tui. "
        "Regenerate it after every change to the compose files or the progress file.",
        "",
        "## Summary",
        "",
        "| Plan | |",
        "|---|---|",
        f"| Services | {len(services)}: {counts['stateless']} stateless, "
        f"{counts['stateful']} stateful, {_n(counts['job'], 'job')}, "
        f"{counts['dev-only']} dev-only |",
        f"| Duration | about {_w(plan.total_weeks)} weeks (range {_w(plan.total_weeks_low)} to "
        f"{_w(plan.total_weeks_high)}) with {_n(plan.team_size, 'engineer')} at "
        f"{plan.focus:.0%} focus |",
        f"| Start | {plan.start or 'not set (use --start YYYY-MM-DD)'} |",
        f"| Decision | **{md(plan.decision.title)}** |",
        f"| Progress | {done} of {len(items)} checklist items done |",
        f"| Findings | {_finding_counts(analysis.findings)} |",
        "",
    ]
    out += _decision(plan)
    out += dependency_graph(analysis)
    out += evidence_section(analysis)
    out += timeline(plan)
    out += burn_up_chart(plan, state or ProgressState())
    method = _method(plan)
    room = GITHUB_MAX_MARKDOWN_SIZE - size(out) - size(method)
    translation = translation_section(ledger, services, room // TRANSLATION_SHARE)
    out += _phases_and_findings(plan, analysis.findings, root, room - size(translation))
    out += translation
    out += method
    return _document(out)


def _phases_and_findings(
    plan: Plan, findings: Sequence[Finding], root: str | None, room: int
) -> list[str]:
    """The phases with their tasks, then the findings: in full when they fit, else condensed.

    In full when both fit in ``room`` bytes.

    The phases' task lists are condensed first, grouped by wave; the findings too when they
    would take more than half of ``room`` on their own. When the groups of every wave do
    not fit (a plan of many small waves), the findings get a row per rule unless they fit
    in what the phases leave, and the phases are grouped across waves, or at the last only
    counted. Each form is made at most once, and only as far as ``room`` (:class:`Measured`,
    :class:`_Grouping`), so a big plan costs little more than its condensed form.
    """
    section = FindingsSection(findings, root)
    in_full = Measured(section.in_full())
    phases = lines_within(_phases_in_full(plan), room)
    if phases is not None:
        listed = in_full.within(room - size(phases))
        if listed is not None:
            return phases + listed
    frames = [_frame(phase) for phase in plan.phases]
    wave_groups = [group_tasks(phase.tasks) for phase in plan.phases]
    by_wave = _Grouping(frames, wave_groups)
    listed = in_full.within(room // 2)
    by_rule = section.by_rule() if listed is None else None
    condensed = by_wave.first_that_fits(room - size(listed or by_rule or []))
    if condensed is not None:
        return condensed + (listed or by_rule or [])
    if by_rule is None:
        by_rule = section.by_rule()
        condensed = by_wave.first_that_fits(room - size(by_rule))
    if condensed is None:
        across = _Grouping(frames, [group_across(p.tasks, groups)
                                    for p, groups in zip(plan.phases, wave_groups, strict=True)])
        condensed = across.first_that_fits(room - size(by_rule))
        if condensed is None:
            condensed = across.counted()
    listed = in_full.within(room - size(condensed))
    return condensed + (listed or by_rule)


def _phase_head(phase: PhasePlan) -> list[str]:
    """A phase's heading, goal, work and end."""
    return [
        f"## {md(phase.name)}: {week_range(phase.start_week, phase.end_week, '–')}",
        "",
        f"{md(phase.goal)}",
        "",
        f"{_days(phase.estimate_days)} of work; ends in week {last_week(phase.end_week)} "
        f"(range: week {last_week(phase.end_week_low)} to "
        f"{last_week(phase.end_week_high)})"
        + (f", {phase.start_date} to {_day_before(phase.end_date)}"
           if phase.start_date and phase.end_date else "") + ".",
        "",
    ]


def _phases_in_full(plan: Plan) -> Iterator[str]:
    """Each phase with every task and every item, a line at a time."""
    for phase in plan.phases:
        yield from _phase_head(phase)
        for task in phase.tasks:
            yield from _task(task)


def _frame(phase: PhasePlan) -> list[str]:
    """A phase's heading and its project tasks in full: the same in every condensed form."""
    lines = _phase_head(phase)
    for task in phase.tasks:
        if task.service is None:
            lines += _task(task)
    return lines


class _Grouping:
    """The phases, their service tasks in groups (:func:`group_tasks`), in each shortening.

    The phases' frames (:func:`_frame`) are made once for every form, each shortening's
    form only as far as it is asked for (:class:`Measured`), and none when the groups'
    floor (:func:`group_floor`) already passes the room. At 2,000 services no shortening
    fits, by wave or across waves: the two floors take 0.04 s where trying the fourteen
    forms took 0.15 s (CPU, each form made only as far as the room).
    """

    def __init__(self, frames: list[list[str]], groups: list[list[TaskGroup]]) -> None:
        """Group each phase (``frames`` and ``groups`` in the order of the plan's phases)."""
        self._phases = list(zip(frames, groups, strict=True))
        self._forms = [Measured(self._lines(_condensed_note,
                                            partial(group_lines, shortening=shortening)))
                       for shortening in SHORTENINGS]
        self._floor = sum(
            size(frame) + size(_condensed_note(groups)) + sum(map(group_floor, groups))
            for frame, groups in self._phases)

    def first_that_fits(self, room: int) -> list[str] | None:
        """The phases' lines with the first of ``SHORTENINGS`` that fits in ``room`` bytes.

        None when none does.
        """
        if self._floor > room:
            return None
        for form in self._forms:
            lines = form.within(room)
            if lines is not None:
                return lines
        return None

    def counted(self) -> list[str]:
        """The phases' lines, their service tasks' groups only counted: the last resort.

        As long as the kinds of service and tasks of the playbooks, whatever the number of
        services, waves or findings.
        """
        return list(self._lines(_counted_note, group_count_lines))

    def _lines(self, note: Callable[[list[TaskGroup]], Iterable[str]],
               lines_of: Callable[[TaskGroup], Iterable[str]]) -> Iterator[str]:
        """Each phase: its frame, then a note on its groups and each group's lines."""
        for frame, groups in self._phases:
            yield from frame
            yield from note(groups)
            for group in groups:
                yield from lines_of(group)


def _condensed_note(groups: list[TaskGroup]) -> list[str]:
    """The note on a phase's groups (none without groups)."""
    if not groups:
        return []
    return condensed_note(sum(len(g.tasks) for g in groups), across=groups[0].across)


def _counted_note(groups: list[TaskGroup]) -> list[str]:
    """The note on a phase's groups only counted (none without groups)."""
    return counted_note(sum(len(g.tasks) for g in groups)) if groups else []


def _document(lines: list[str]) -> str:
    """The lines as one text, without trailing blank space, ending in one newline.

    Trimmed before they are joined: stripping the joined text would copy a big plan's
    megabytes twice more.
    """
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        lines[-1] = lines[-1].rstrip()
    return "\n".join([*lines, ""])


def _as_planned(analysis: Analysis) -> Analysis:
    """The analysis without the services behind profiles that are not enabled, nor the
    findings of a proxy that is not deployed (the plan's own items replace it; its docker
    socket is no fix for the team, as the plan's items show).

    A copy that shares the records it keeps.
    """
    gone = analysis.not_deployed
    if all(s.active for s in analysis.services.values()) and not gone:
        return analysis
    active = {n: s for n, s in analysis.services.items() if s.active}
    return replace(
        analysis,
        services=active,
        waves=tuple(tuple(n for n in wave if n in active) for wave in analysis.waves),
        edges=tuple(e for e in analysis.edges if e.source in active and e.target in active),
        findings=tuple(f for f in analysis.findings if (f.service is None or f.service in active)
                       and f.service not in gone),
    )


def _day_before(iso: str) -> str:
    """The ISO date of the day before ``iso``."""
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def _finding_counts(findings: Sequence[Finding]) -> str:
    """``1 high, 0 medium, 2 low, 0 info``: the findings counted by severity."""
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    return ", ".join(f"{counts[s]} {s}" for s in SEVERITIES)


def _decision(plan: Plan) -> list[str]:
    d = plan.decision
    out = ["## Decision", "", f"**{md(d.title)}.**", ""]
    out += [f"- {md(r)}" for r in d.reasons]
    out += ["", "What would change it:", ""] + [f"- {md(w)}" for w in d.would_change]
    if d.unanswered:
        def flag(question: str) -> str:
            field = FIELDS_BY_NAME.get(question)
            return f"{field.flag} {field.metavar}" if field else question

        out += ["", "Not answered yet, so not counted: "
                + ", ".join(_code(flag(q)) for q in d.unanswered)
                + " (save them with `migrate-tui settings`, give them to `migrate-tui plan` "
                "for one run, or answer them in the TUI)."]
    if d.recommendation == "stay":
        out += ["", "> [!NOTE]", "> The plan below is what migrating would take, if you decide "
                "to go ahead anyway or once the answers change."]
    elif d.recommendation == "stateless-first":
        out += ["", "> [!NOTE]", "> The stateful services' cut-overs are in the plan, last in "
                "the pain phase. Moving the stateless part first, you can stop before them, "
                "or replace them with managed services, and skip their items."]
    c = d.cost
    cur = c.currency
    out += [
        "", "### Monthly cost", "",
        "| | Compose | Kubernetes, first 6 months | Kubernetes, after |",
        "|---|---:|---:|---:|",
        f"| Infrastructure | {_money(c.compose_infra, cur)} | {_money(c.kubernetes_infra, cur)}"
        f" | {_money(c.kubernetes_infra, cur)} |",
        f"| People | {_money(c.compose_people, cur)} | "
        f"{_money(c.kubernetes_people_first_six_months, cur)} | "
        f"{_money(c.kubernetes_people_after, cur)} |",
        f"| **Total** | **{_money(c.compose_total, cur)}** | "
        f"**{_money(c.kubernetes_total_first_six_months, cur)}** | "
        f"**{_money(c.kubernetes_total_after, cur)}** |",
        "",
        f"The migration itself costs about {_money(_migration_cost(plan), cur)} once: "
        f"{_days(_work(plan))} of work at the same hourly rate.",
        "",
        _cost_basis(c),
        "",
    ]
    return out


def _cost_basis(c: CostComparison) -> str:
    """What the monthly cost compares, in the figures it was worked out from."""
    guess = ("" if c.servers_answered else
             " The number of servers is a guess until you give it (`--servers N`).")
    return (
        f"{_n(c.compose_servers, 'Compose server')} against a {c.kubernetes_nodes}-node "
        "managed cluster with its control plane and load balancer; people at about "
        f"{_hours(c.compose_ops_hours)} h/month for Compose, "
        f"{_hours(c.kubernetes_ops_hours_first_six_months)} h/month for Kubernetes in the "
        f"first six months and {_hours(c.kubernetes_ops_hours_after)} after.{guess} Rates "
        "are settings (`playbooks/plan/decision.yaml`)."
    )


def _hours(value: float) -> str:
    return f"{value:g}"


def _work(plan: Plan) -> float:
    return round(sum(p.estimate_days for p in plan.phases), 2)


def _migration_cost(plan: Plan) -> float:
    return _work(plan) * 8 * plan.decision.cost.hourly_rate


def _task(task: Task) -> list[str]:
    """A task's heading, its facts and its checklist.

    The checklists are most of a big plan's Markdown (40,000 lines at 2,000 services): an
    item still to do, with nobody on it, which is most of them, takes the short way.
    """
    plain_ids = _as_they_are([item.id for item in task.checklist])
    checklist = []
    done = 0
    for item in task.checklist:
        status, owner = item.status, item.assignee
        code = f"`{item.id}`" if plain_ids else _code(item.id)
        if status == "todo" and not owner and item.verdict is None:
            checklist.append(f"- [ ] {md_with_code(item.text)} {code}")
            continue
        done += status in DONE
        checklist.append(checklist_line(item, code))
    details = [_days(task.estimate_days)]
    if task.service_class and task.kind == "service":
        details.append(task.service_class)
    elif task.kind:
        details.append(task.kind)
    if task.wave is not None:
        details.append(f"wave {task.wave}")
    return [f"### {md(task.title)}", "",
            f"_{' · '.join(details)} · {done}/{len(task.checklist)} done_", "",
            *checklist, ""]


def _method(plan: Plan) -> list[str]:
    return [
        "## How the estimates were computed", "",
        "- Every checklist item has an estimate in person-days (`playbooks/plan/`).",
        "- A service's task adds to its items a quarter day per published port, half a day "
        "per volume and half a day when its image is built here, and the fixes its findings "
        "ask for.",
        "- A stateful service's work is exactly twice the same service's stateless work: its "
        "engine's data sub-plan (placement, storage, backup, restore test, cut-over, "
        "rollback) takes the second half.",
        "- A phase lasts its work divided by the team's capacity: "
        f"{_n(plan.team_size, 'engineer')} x {plan.focus:.0%} focus x 5 days = "
        f"{plan.capacity_days_per_week:g} person-days a week; phases follow each other.",
        "- The range runs from 0.8 to 1.5 times the likely duration: migrations overrun more "
        "often than they finish early.",
        "- Waves are dependency depth, not order of work: stateless services move first, in "
        "wave order, then stateful ones.",
        "- The item estimates are set so that a five-service stateless project with 4 "
        "engineers at 50% takes about 2 weeks of denial, 6 of pain and 4 of acceptance, the "
        "usual course of such a migration.",
        "",
    ]


__all__ = [
    "GITHUB_MAX_MARKDOWN_SIZE", "MERMAID_MAX_EDGES", "MERMAID_MAX_TEXT_SIZE", "TIMELINE_ROWS",
    "WAVE_ROWS", "md", "redact", "render_markdown",
]
