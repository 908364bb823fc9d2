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
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from migrate_tui.gc_pause import gc_paused
from migrate_tui.planning.decision import Answers, Decision, decide
from migrate_tui.planning.playbooks import (
    PHASE_IDS,
    FindingTask,
    PhaseId,
    PlanPlaybooks,
)

Status = Literal["todo", "doing", "done", "skipped", "blocked"]
_FROZEN = ConfigDict(frozen=True)


@dataclass(frozen=True)
class ServiceFacts:
    """What the plan needs to know of one service, from the analysis."""

    name: str
    service_class: str
    """stateful or stateless."""
    kind: str
    """service, job or dev-only."""
    wave: int
    engine: str | None = None
    """The stateful engine's key in engines.yaml (postgresql, kafka...), if known."""
    software: str | None = None
    """What people call it (PostgreSQL, Kafka), for titles."""
    ports: int = 0
    volumes: int = 0
    builds: bool = False
    gpu: bool = False
    public_ports: bool = False


@dataclass(frozen=True)
class FindingFacts:
    """One finding, as the plan uses it."""

    rule: str
    severity: str
    service: str | None
    message: str
    fix: str


@dataclass(frozen=True)
class PlanInput:
    """Everything the plan is computed from."""

    project: str
    services: list[ServiceFacts]
    findings: list[FindingFacts]
    waves: list[list[str]]
    has_secrets: bool = False


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

    @property
    def done(self) -> int:
        """Items done or skipped."""
        return sum(1 for i in self.checklist if i.status in ("done", "skipped"))

    @property
    def days_left(self) -> float:
        """The estimate, less the share of the items done (weighted by their estimates)."""
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


_ItemSpec = tuple[str, str, float]
"""A checklist item before it becomes a :class:`PlanItem`: id, text, estimate in days."""


@dataclass(frozen=True)
class _PhasePlaybook:
    """The playbooks' part in one phase, sorted out once for all services.

    Which items a stateless service has in the pain phase, which finding rules are fixed
    there: the answers depend on the phase and the kind of service only, and a plan of
    2,000 services would otherwise ask the playbooks 8,000 times.
    """

    phase: PhaseId
    checklists: dict[tuple[str, bool], list[_ItemSpec]]
    """By kind (stateless, job, dev-only) and whether the stateful wording applies: the
    ids here are the playbook's, without the service name."""
    fixes: dict[str, FindingTask]
    """The finding rules whose fix is done in this phase."""

    @classmethod
    def of(cls, playbooks: PlanPlaybooks, phase: PhaseId) -> _PhasePlaybook:
        """The part of ``playbooks`` in ``phase``."""
        checklists: dict[tuple[str, bool], list[_ItemSpec]] = {}
        for kind, items in playbooks.service_items.items():
            here = [i for i in items if i.phase == phase]
            checklists[(kind, False)] = [(i.id, i.text, i.estimate_days) for i in here]
            checklists[(kind, True)] = [
                (i.id, playbooks.stateful_texts.get(i.id, i.text), i.estimate_days)
                for i in here
            ]
        fixes = {rule: t for rule, t in playbooks.finding_tasks.items() if t.phase == phase}
        return cls(phase, checklists, fixes)


def _service_task(
    s: ServiceFacts,
    here: _PhasePlaybook,
    playbooks: PlanPlaybooks,
    findings: list[FindingFacts],
) -> tuple[list[_ItemSpec], float] | None:
    """The checklist and estimate of one service in one phase; None if it has nothing."""
    est = playbooks.estimates
    phase = here.phase
    base_key = s.kind if s.kind in ("job", "dev-only") else "stateless"
    stateful = s.service_class == "stateful" and s.kind != "dev-only"
    prefix = f"{s.name}."
    items: list[_ItemSpec] = [
        (prefix + item_id, text, days)
        for item_id, text, days in here.checklists.get(
            (base_key, stateful and base_key == "stateless"), [])
    ]
    by_rule: dict[str, list[FindingFacts]] = {}
    if s.kind != "dev-only":
        for f in findings:
            if f.rule in here.fixes:
                by_rule.setdefault(f.rule, []).append(f)
    if by_rule:
        index = {item_id: n for n, (item_id, _, _) in enumerate(items)}
        for rule in sorted(by_rule):
            task = here.fixes[rule]
            detail = _finding_text(by_rule[rule])
            covered = prefix + task.covered_by if task.covered_by else None
            if covered in index:
                n = index[covered]
                item_id, text, days = items[n]
                items[n] = (item_id, f"{text} ({detail})", days)
                continue
            items.append((f"{prefix}fix-{rule}", detail, task.estimate_days))
    if not items:
        return None
    work = sum(e for _, _, e in items)
    if phase == "pain" and s.kind != "dev-only":
        work += est.per_port * s.ports + est.per_volume * s.volumes
        work += est.per_build if s.builds else 0
    if stateful:
        extra = (est.stateful_multiplier - 1) * work
        if phase == "pain":
            engine = playbooks.engines.get(s.engine or "", playbooks.default_engine)
            data_items = [*engine.items]
            known = {i.id for i in data_items}
            data_items += [i for i in playbooks.default_engine.items if i.id not in known]
            weight = sum(i.estimate_days for i in data_items)
            items += [
                (f"{prefix}data-{i.id}",
                 f"Decide where its data lives: {engine.strategy}"
                 if i.id == "placement" else i.text,
                 extra * i.estimate_days / weight)
                for i in data_items
            ]
        work *= est.stateful_multiplier
    return items, work


def _finding_text(found: list[FindingFacts]) -> str:
    """One item for the findings of one rule on one service: what is wrong, then the fix."""
    if len(found) == 1:  # the usual case, without the removal of repeats
        return f"{found[0].message}. Fix: {found[0].fix}" if found[0].message else found[0].fix
    messages = list(dict.fromkeys(f.message for f in found))
    fixes = list(dict.fromkeys(f.fix for f in found))
    what = "; ".join(messages)
    return f"{what}. Fix: {' '.join(fixes)}" if what else " ".join(fixes)


def _checklist(
    items: list[_ItemSpec], progress: Mapping[str, ItemProgress]
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
    findings_of: dict[str | None, list[FindingFacts]] = {}
    for finding in data.findings:
        findings_of.setdefault(finding.service, []).append(finding)
    phases: list[PhasePlan] = []
    week = low = high = 0.0
    for phase in playbooks.phases:
        here = _PhasePlaybook.of(playbooks, phase.id)
        tasks: list[Task] = []
        project_items: list[_ItemSpec] = [
            (f"project.{i.id}", i.text, i.estimate_days) for i in playbooks.project_items
            if i.phase == phase.id and (i.when is None or i.when in facts)
        ]
        project_items += [(f"project.fix-{f.rule}", f.fix, here.fixes[f.rule].estimate_days)
                          for f in findings_of.get(None, []) if f.rule in here.fixes]
        if project_items:
            unique = list({i[0]: i for i in project_items}.values())
            tasks.append(Task.model_validate({
                "id": f"{phase.id}.project", "title": _PROJECT_TITLES[phase.id],
                "service": None, "estimate_days": _round(sum(e for _, _, e in unique)),
                "checklist": _checklist(unique, progress),
            }))
        for s in order:
            built = _service_task(s, here, playbooks, findings_of.get(s.name, []))
            if built is None:
                continue
            items, work = built
            tasks.append(Task.model_validate({
                "id": f"{phase.id}.{s.name}", "title": _service_title(s, phase.id),
                "service": s.name, "class": s.service_class, "kind": s.kind, "wave": s.wave,
                "estimate_days": _round(work), "checklist": _checklist(items, progress),
            }))
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
    return Plan(
        project=data.project, decision=decision, team_size=team, focus=focus,
        capacity_days_per_week=_round(capacity),
        start=settings.start.isoformat() if settings.start else None,
        total_weeks=_round(week), total_weeks_low=_round(low), total_weeks_high=_round(high),
        phases=phases,
    )


def _date(start: dt.date | None, weeks: float) -> str | None:
    if start is None:
        return None
    return (start + dt.timedelta(days=round(weeks * 7))).isoformat()


_PROJECT_TITLES: dict[str, str] = {
    "denial": "Decide, take the inventory, choose the cluster",
    "pain": "Build the platform the services move onto",
    "acceptance": "Harden the platform",
    "productivity": "Operate it and retire Compose",
}


def _service_title(s: ServiceFacts, phase: str) -> str:
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
    "PHASE_IDS", "FindingFacts", "ItemProgress", "Plan", "PlanInput", "ServiceFacts",
    "Settings", "build_plan",
]
