"""The phased plan: tasks and checklists from the playbooks, estimates, the schedule.

Tasks follow the dependency waves. In the pain phase stateless services (and jobs) move
first, in wave order, talking to the data stores still on Compose through ExternalName
Services; stateful services follow, each with its engine's data sub-plan and cut-over;
dev-only services are proposed for retirement. The acceptance phase makes each migrated
service Kubernetes-native, in the same order.

Estimates (see ``playbooks/plan/estimates.yaml``): a service task's stateless work is the
sum of its checklist items, plus its ports, volumes, build and the fixes its findings ask
for; a stateful service's work is exactly ``stateful_multiplier`` (2) times that. A phase
lasts its work divided by the team's capacity (team size x focus x days per week).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from migrate_tui.gc_pause import gc_paused
from migrate_tui.planning import evidence_items
from migrate_tui.planning.checklist import (
    ItemSpec,
    PhasePlaybook,
    Resolved,
    finding_text,
    grouped_items,
    resolve_ledger,
    service_task,
)
from migrate_tui.planning.decision import Answers, Decision, decide
from migrate_tui.planning.facts import FindingFacts, LedgerFacts, PlanInput, ServiceFacts
from migrate_tui.planning.playbooks import PHASE_IDS, Estimates, PhaseId, PlanPlaybooks

Status = Literal["todo", "doing", "done", "skipped", "blocked"]
_FROZEN = ConfigDict(frozen=True)


@dataclass(frozen=True)
class Settings:
    """The team and the answers."""

    team_size: int | None = None
    focus: float | None = None
    start: dt.date | None = None
    answers: Answers = field(default_factory=Answers)


@dataclass(frozen=True)
class ItemProgress:
    """The saved state of one checklist item."""

    status: Status = "todo"
    assignee: str | None = None
    verdict: str | None = None
    """What ``verify --update`` last found in the manifests (verified, contradicted)."""


class PlanItem(BaseModel):
    """A checklist item of the plan."""

    model_config = _FROZEN
    id: str
    text: str
    status: Status = "todo"
    assignee: str | None = None
    estimate_days: float = Field(exclude=True, default=0)
    """The item's share of its task (not in the JSON contract)."""
    verdict: str | None = Field(exclude=True, default=None)
    """``verified`` or ``contradicted``, as ``verify --update`` last recorded it (not in
    the plan's JSON contract: ``status --format json`` and ``verify`` carry verdicts)."""


class Task(BaseModel):
    """A unit of work: the project's part of a phase, or one service's."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)
    id: str
    title: str
    service: str | None
    service_class: str | None = Field(default=None, alias="class")
    kind: str | None = None
    wave: int | None = None
    estimate_days: float
    checklist: list[PlanItem]

    @cached_property
    def done(self) -> int:
        """Items done or skipped; kept once counted, like :attr:`days_left` (a re-plan
        keeps most tasks, and the TUI's views count all 29,630 items at 2,000 services)."""
        return sum(1 for i in self.checklist if i.status in ("done", "skipped"))

    @cached_property
    def days_left(self) -> float:
        """The estimate, less the share of the items done (weighted by their estimates).

        Kept once computed (the task is frozen): a re-plan keeps most tasks, and the
        Overview's phases summed all 3,770 of them again, 14 ms at 2,000 services.
        """
        weights = [i.estimate_days for i in self.checklist]
        total = sum(weights)
        if not self.checklist:
            return self.estimate_days
        if total <= 0:
            weights, total = [1.0] * len(self.checklist), float(len(self.checklist))
        left = sum(w for w, i in zip(weights, self.checklist, strict=True)
                   if i.status not in ("done", "skipped"))
        return self.estimate_days * left / total


class PhasePlan(BaseModel):
    """One phase, scheduled."""

    model_config = _FROZEN
    id: PhaseId
    name: str
    goal: str
    start_week: float
    end_week: float
    end_week_low: float
    end_week_high: float
    start_date: str | None = None
    end_date: str | None = None
    estimate_days: float
    tasks: list[Task]

    @property
    def days_left(self) -> float:
        """Work left in this phase, in person-days."""
        return sum(t.days_left for t in self.tasks)


class Plan(BaseModel):
    """The whole plan."""

    model_config = _FROZEN
    project: str
    decision: Decision
    team_size: int
    focus: float
    capacity_days_per_week: float
    start: str | None
    total_weeks: float
    total_weeks_low: float
    total_weeks_high: float
    phases: list[PhasePlan]

    def items(self) -> list[PlanItem]:
        """Every checklist item, in plan order."""
        return [i for p in self.phases for t in p.tasks for i in t.checklist]

    @gc_paused
    def to_contract(self) -> dict[str, Any]:
        """The JSON contract of ``migrate-tui plan --format json``."""
        data = self.model_dump(mode="json", by_alias=True)
        return data


def _round(value: float) -> float:
    return round(value + 1e-9, 2)


def _conditions(data: PlanInput) -> set[str]:
    facts: set[str] = set()
    active = [s for s in data.services if s.kind != "dev-only"]
    if any(s.service_class == "stateful" for s in active):
        facts.add("has_stateful")
    if any(s.builds for s in active):
        facts.add("has_build")
    if any(s.gpu for s in active):
        facts.add("has_gpu")
    if any(s.kind == "job" for s in data.services):
        facts.add("has_jobs")
    if any(s.kind == "dev-only" for s in data.services):
        facts.add("has_dev_only")
    if any(s.public_ports for s in active):
        facts.add("has_public_ports")
    if data.has_secrets or any("secret" in f.rule for f in data.findings):
        facts.add("has_secrets")
    return facts


def _service_order(data: PlanInput) -> list[ServiceFacts]:
    """Stateless first (jobs among them), then stateful, each in wave order; dev-only last."""
    position = {name: (w, i) for w, wave in enumerate(data.waves) for i, name in enumerate(wave)}

    def key(s: ServiceFacts) -> tuple[int, int, int, str]:
        group = 2 if s.kind == "dev-only" else (1 if s.service_class == "stateful" else 0)
        wave, index = position.get(s.name, (s.wave, 0))
        return (group, wave, index, s.name)

    return sorted(data.services, key=key)


def _project_fixes(findings: list[FindingFacts], here: PhasePlaybook) -> tuple[
        list[ItemSpec], dict[str, tuple[str, ItemSpec]]]:
    """The fixes of the project's own findings (those of no one service): one item a rule,
    listing them. A rule ``covered_by`` a project item is, by that item's id, the detail it
    adds to it, and the item it makes where the phase has no such item (:func:`_covered`)."""
    by_rule: dict[str, list[FindingFacts]] = {}
    for f in findings:
        if f.rule in here.fixes:
            by_rule.setdefault(f.rule, []).append(f)
    own: list[ItemSpec] = []
    covering: dict[str, tuple[str, ItemSpec]] = {}
    for rule in sorted(by_rule):
        task = here.fixes[rule]
        item = (f"project.fix-{rule}", finding_text(by_rule[rule], task), task.estimate_days)
        if task.covered_by:
            covering[f"project.{task.covered_by}"] = (finding_text(by_rule[rule], None), item)
        else:
            own.append(item)
    return own, covering


def _covered(items: list[ItemSpec],
             covering: dict[str, tuple[str, ItemSpec]]) -> list[ItemSpec]:
    """The project's items with the findings their fix covers in parentheses (three shared
    volumes are the ReadWriteMany item's, not a second item saying it); a finding whose
    covering item is not there is an item of its own."""
    out = [(i, f"{text} ({covering[i][0]})", days) if i in covering else (i, text, days)
           for i, text, days in items]
    have = {i for i, _, _ in items}
    return out + [item for i, (_, item) in covering.items() if i not in have]


def _checklist(
    items: list[ItemSpec], progress: Mapping[str, ItemProgress]
) -> list[dict[str, Any]]:
    """The fields of each item's :class:`PlanItem`, with its saved status and assignee.

    Fields, not models: :class:`Task` validates the whole list in one call, in about a
    quarter less time than building each of a big plan's 40,000 items on its own.
    """
    if not progress:  # nothing saved yet: every item as planned
        return [{"id": i, "text": t, "estimate_days": e} for i, t, e in items]
    out = []
    for item_id, text, days in items:
        fields: dict[str, Any] = {"id": item_id, "text": text, "estimate_days": days}
        state = progress.get(item_id)
        if state is not None:
            fields["status"] = state.status
            fields["assignee"] = state.assignee
            if state.verdict is not None:
                fields["verdict"] = state.verdict
        out.append(fields)
    return out


def build_plan(
    data: PlanInput,
    playbooks: PlanPlaybooks,
    settings: Settings | None = None,
    progress: Mapping[str, ItemProgress] | None = None,
) -> Plan:
    """Compute the plan.

    Args:
        data: The services and findings, from the analysis.
        playbooks: The checklists and factors.
        settings: Team size, focus, start date, decision answers.
        progress: Saved status and assignee by item id.
    """
    return run_plan(data, playbooks, settings, progress).plan


ServiceKey = tuple[ServiceFacts, tuple[FindingFacts, ...], tuple[Resolved, ...],
                   tuple[str, float] | None, float]
"""All a service's tasks are made from: its facts, findings and ledger entries, the
service it copies (with the share it costs) and its learning-curve factor."""


@dataclass(frozen=True)
class ServiceTasks:
    """A service's task in each phase (None: no task there), and what they were made of."""

    key: ServiceKey
    tasks: dict[PhaseId, tuple[Task | None, tuple[ItemProgress | None, ...]]]
    """Per phase: the task, and the saved progress of each of its items it was made with."""


@dataclass(frozen=True)
class PlanRun:
    """A plan, and the service tasks a re-plan may reuse."""

    plan: Plan
    playbooks: PlanPlaybooks
    progress: Mapping[str, ItemProgress]
    services: dict[str, ServiceTasks]
    input_parts: Any = None
    """What :func:`~migrate_tui.planning.build.make_plan_run` made the plan's input from,
    for a re-plan to reuse (its own business: None here)."""


def _progress_of(task: Task | None,
                 progress: Mapping[str, ItemProgress]) -> tuple[ItemProgress | None, ...]:
    return () if task is None else tuple(progress.get(i.id) for i in task.checklist)


@gc_paused
def run_plan(
    data: PlanInput,
    playbooks: PlanPlaybooks,
    settings: Settings | None = None,
    progress: Mapping[str, ItemProgress] | None = None,
    previous: PlanRun | None = None,
) -> PlanRun:
    """:func:`build_plan`, keeping what a re-plan may reuse.

    Args:
        data: The services and findings, from the analysis.
        playbooks: The checklists and factors.
        settings: Team size, focus, start date, decision answers.
        progress: Saved status and assignee by item id.
        previous: An earlier run with the same playbooks (the same object): a service's
            task in a phase is reused when its :data:`ServiceKey` is unchanged and so is
            the saved progress of its items. The project tasks, the estimates' sums and
            the schedule are made again. The plan equals one made without it.
    """
    settings = settings or Settings()
    progress = progress or {}
    est = playbooks.estimates
    team = settings.team_size or est.team_size
    focus = settings.focus if settings.focus is not None else est.focus
    capacity = team * focus * est.days_per_week
    facts = _conditions(data)
    migrating = [s for s in data.services if s.kind != "dev-only"]
    decision = decide(
        len(migrating), sum(1 for s in migrating if s.service_class == "stateful"),
        settings.answers, playbooks.decision,
    )
    order = _service_order(data)
    copies = _copies(order, est)
    learning = _learning(data, copies, est)
    scale = est.project_scale(_distinct(order))
    findings_of: dict[str | None, list[FindingFacts]] = {}
    for finding in data.findings:
        findings_of.setdefault(finding.service, []).append(finding)
    ledger_of = resolve_ledger(data.ledger, playbooks.ledger_rules)
    if previous is not None and previous.playbooks is not playbooks:
        previous = None
    before = previous.services if previous is not None else {}
    # (the same progress as before: no task's items need their progress checked)
    same_progress = previous is not None and previous.progress == progress
    made: dict[str, ServiceTasks] = {}
    for s in order:
        key: ServiceKey = (s, tuple(findings_of.get(s.name, ())),
                           tuple(ledger_of.get(s.name, ())), copies.get(s.name),
                           learning.get(s.name, 1.0))
        prior = before.get(s.name)
        made[s.name] = ServiceTasks(key, dict(prior.tasks) if prior is not None
                                    and prior.key == key else {})
    grouped = grouped_items(order, findings_of, ledger_of, playbooks)
    phases: list[PhasePlan] = []
    week = low = high = 0.0
    for phase in playbooks.phases:
        here = PhasePlaybook.of(playbooks, phase.id)
        tasks: list[Task] = []
        project_items: list[ItemSpec] = [
            (f"project.{i.id}", i.text, i.estimate_days * scale)
            for i in playbooks.project_items
            if i.phase == phase.id and (i.when is None or i.when in facts)
        ]
        own, covering = _project_fixes(findings_of.get(None, []), here)
        project_items += own
        project_items += grouped.get(phase.id, [])
        project_items += evidence_items.project_items(data, phase.id)
        if covering:
            project_items = _covered(project_items, covering)
        if project_items:
            unique = list({i[0]: i for i in project_items}.values())
            tasks.append(Task.model_validate({
                "id": f"{phase.id}.project", "title": _PROJECT_TITLES[phase.id],
                "service": None, "estimate_days": _round(sum(e for _, _, e in unique)),
                "checklist": _checklist(unique, progress),
            }))
        for s in order:
            kept = made[s.name].tasks
            task, was = kept.get(phase.id, (None, None))
            if was is None or (not same_progress and _progress_of(task, progress) != was):
                task = _service_task(s, phase.id, here, playbooks, made[s.name].key, progress)
                kept[phase.id] = (task, _progress_of(task, progress))
            if task is not None:
                tasks.append(task)
        work = sum(t.estimate_days for t in tasks)
        weeks = work / capacity
        start = week
        week += weeks
        low += weeks * est.range_low
        high += weeks * est.range_high
        phases.append(PhasePlan(
            id=phase.id, name=phase.name, goal=phase.goal.strip(),
            start_week=_round(start), end_week=_round(week),
            end_week_low=_round(low), end_week_high=_round(high),
            start_date=_date(settings.start, start), end_date=_date(settings.start, week),
            estimate_days=_round(work), tasks=tasks,
        ))
    plan = Plan(
        project=data.project, decision=decision, team_size=team, focus=focus,
        capacity_days_per_week=_round(capacity),
        start=settings.start.isoformat() if settings.start else None,
        total_weeks=_round(week), total_weeks_low=_round(low), total_weeks_high=_round(high),
        phases=phases,
    )
    return PlanRun(plan, playbooks, progress, made)


def _service_task(s: ServiceFacts, phase: PhaseId, here: PhasePlaybook,
                  playbooks: PlanPlaybooks, key: ServiceKey,
                  progress: Mapping[str, ItemProgress]) -> Task | None:
    """A service's task in one phase, made from its :data:`ServiceKey` and the progress."""
    _, findings, ledger, copy_of, learning = key
    built = service_task(s, here, playbooks, list(findings), list(ledger), copy_of)
    if built is None:
        return None
    items, work = built
    work *= learning
    return Task.model_validate({
        "id": f"{phase}.{s.name}",
        "title": _service_title(s, phase),
        "service": s.name, "class": s.service_class, "kind": s.kind, "wave": s.wave,
        "estimate_days": _round(work), "checklist": _checklist(items, progress),
    })


def _date(start: dt.date | None, weeks: float) -> str | None:
    if start is None:
        return None
    return (start + dt.timedelta(days=round(weeks * 7))).isoformat()


_CHECKLIST_TITLES: dict[str, tuple[str, str]] = {
    # (after the pain phase, in it), for the checklists of planning/evidence_items.py
    "proxy": ("harden the Ingress that replaced it", "replace it with an Ingress"),
    "daemon": ("make the DaemonSet safe to roll", "run it as a DaemonSet on every node"),
    "tool": ("limit who may use it", "keep it as an on-demand toolbox (no cut-over)"),
}

_PROJECT_TITLES: dict[str, str] = {
    "denial": "Decide, take the inventory, choose the cluster",
    "pain": "Build the platform the services move onto",
    "acceptance": "Harden the platform",
    "productivity": "Operate it and retire Compose",
}


def _copies(order: list[ServiceFacts], est: Estimates) -> dict[str, tuple[str, float]]:
    """Each copy's or sibling's original (the first service, in plan order, of its template
    or image and kind) and the share of its own work it costs."""
    first: dict[tuple[str, str], str] = {}
    first_image: dict[tuple[str, str], str] = {}
    out: dict[str, tuple[str, float]] = {}
    for s in order:
        if s.kind == "dev-only":
            continue
        if s.template is not None:
            key = (s.template, s.kind)
            if key in first:
                out[s.name] = (first[key], est.copy_share.value)
                continue
            first[key] = s.name
        if s.image is not None:
            key = (s.image, s.kind)
            if key in first_image:
                out[s.name] = (first_image[key], est.sibling_share.value)
            else:
                first_image[key] = s.name
    return out


def _learning(
    data: PlanInput, copies: Mapping[str, tuple[str, float]], est: Estimates
) -> dict[str, float]:
    """The learning-curve factor of each distinct service, numbered in wave order (not by
    class, so that a stateful service stays exactly twice its stateless self)."""
    position = {name: (w, i) for w, wave in enumerate(data.waves) for i, name in enumerate(wave)}
    ranked = sorted((s for s in data.services if s.kind != "dev-only" and s.name not in copies),
                    key=lambda s: (*position.get(s.name, (s.wave, 0)), s.name))
    return {s.name: est.learning(n) for n, s in enumerate(ranked, start=1)}


def _distinct(order: list[ServiceFacts]) -> int:
    """The distinct pieces of work the platform carries: migrating services, copies once."""
    return len({(s.template, s.kind) if s.template is not None else (s.name, "")
                for s in order if s.kind != "dev-only"})


def copies_and_siblings(data: PlanInput, est: Estimates) -> dict[str, tuple[str, float]]:
    """Each copy's or sibling's original and the share of its own work it costs, exactly as
    :func:`build_plan` counts them (what measurements of the plan, such as the corpus
    bounds of ``playbooks/plan/bounds.yaml``, must count too).

    Args:
        data: The services, from the analysis.
        est: The estimate factors (``copy_share``, ``sibling_share``).
    """
    return _copies(_service_order(data), est)


def distinct_services(data: PlanInput) -> int:
    """The distinct services of ``data`` as the plan's project scale counts them: every
    migrating service, the copies of one template once."""
    return _distinct(_service_order(data))


def _service_title(s: ServiceFacts, phase: str) -> str:
    if s.checklist in _CHECKLIST_TITLES:
        return f"{s.name}: {_CHECKLIST_TITLES[s.checklist][phase == 'pain']}"
    if s.kind == "dev-only":
        return f"{s.name}: propose retirement (dev-only)"
    if s.kind == "job":
        return f"{s.name}: run it as a Kubernetes Job" if phase == "pain" else \
            f"{s.name}: make the Job safe to re-run"
    if phase == "pain":
        if s.service_class == "stateful":
            return f"{s.name}: move the data and cut over ({s.software or s.engine or 'stateful'})"
        return f"{s.name}: run it in the cluster"
    return f"{s.name}: make it Kubernetes-native"


__all__ = [
    "PHASE_IDS", "FindingFacts", "ItemProgress", "LedgerFacts", "Plan", "PlanInput",
    "PlanRun", "ServiceFacts", "Settings", "build_plan", "copies_and_siblings",
    "distinct_services", "run_plan",
]
