"""The planning playbooks: phases, checklists, engine sub-plans, estimate factors, decision.

Each is a YAML file under ``playbooks/plan/``, validated with pydantic. A team's own
folder (``--playbooks DIR``) holds files of the same names; their items are added to ours,
or replace ours where the ids match, and their settings replace ours key by key. Every
problem names the file, the item and the field.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from migrate_tui.analysis.catalogue import load_catalogue
from migrate_tui.errors import PlaybookError, ProblemList
from migrate_tui.gc_pause import gc_paused
from migrate_tui.playbooks import (
    Reasoned,
    load_playbook,
    locate_in_playbook,
    playbook_data,
    playbooks_dir,
)

PhaseId = Literal["denial", "pain", "acceptance", "productivity"]
PHASE_IDS: tuple[PhaseId, ...] = ("denial", "pain", "acceptance", "productivity")
Condition = Literal[
    "has_stateful", "has_build", "has_gpu", "has_jobs", "has_dev_only", "has_secrets",
    "has_public_ports", "has_dependencies", "has_config", "has_traffic", "no_traffic",
    "has_healthcheck", "no_healthcheck",
]
"""A fact of the project (``has_stateful``...), or of one service (``has_dependencies``: it
needs another service, declared or inferred; ``has_config``: it has environment, env files,
configs or secrets; ``has_traffic``: something reaches it, a port or a client service;
``no_traffic``: nothing does, a worker; ``has_healthcheck``: Compose checks its health, so
the manifests' probes are made from that check; ``no_healthcheck``: it does not), that an item
needs."""

_STRICT = ConfigDict(frozen=True, extra="forbid")


class Phase(BaseModel):
    """One of the four stages."""

    model_config = _STRICT
    id: PhaseId
    name: str
    goal: str
    default_weeks: tuple[int, int]
    """First and last week of the default window."""


class ChecklistItem(BaseModel):
    """One thing to do, with a stable id."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Stable id: lowercase letters, digits and dashes."""
    phase: PhaseId = "pain"
    text: str = Field(min_length=3)
    estimate_days: float = Field(ge=0, le=60)
    """Person-days (a weight, for engine sub-plan items)."""
    when: Condition | None = None
    """A fact of the project the item needs, else always."""
    text_if: dict[Condition, str] = Field(default_factory=dict)
    """Its wording where a service has one of these conditions (the first listed that
    holds): the same work, the same id, said for what the manifests already did."""


class EngineItem(BaseModel):
    """One item of an engine's data sub-plan (always in the pain phase)."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    text: str = Field(min_length=3)
    estimate_days: float = Field(gt=0, le=60)


class EngineVariant(BaseModel):
    """How an engine's data plan reads in one case (Compose keeps its data in no volume)."""

    model_config = _STRICT
    items: list[EngineItem] = Field(default_factory=list)
    """Items that take the place of the sub-plan's items of the same id (or are added)."""
    drops: list[str] = Field(default_factory=list)
    """Ids of the sub-plan's items that do not apply in this case (``mirror``)."""
    texts: dict[str, str] = Field(default_factory=dict)
    """Its wording of the service's checklist items, by id (``cutover``)."""


class Engine(BaseModel):
    """The data sub-plan of a stateful engine."""

    model_config = _STRICT
    strategy: str
    items: list[EngineItem]
    texts: dict[str, str] = Field(default_factory=dict)
    """Its wording of the service's checklist items, by id (``cutover``), where the generic
    data store's would contradict its data plan (a Kafka cut-over is no write freeze)."""
    without_volume: EngineVariant | None = None
    """The plan when Compose keeps its data in no volume of its engine: nothing durable to
    copy (a broker drained instead of mirrored)."""


class FindingTask(BaseModel):
    """When the fix of a finding rule is done, and how long it takes; its text is the fix."""

    model_config = _STRICT
    phase: PhaseId
    estimate_days: float = Field(ge=0, le=60)
    covered_by: str | None = None
    """A service item that already does this fix: the finding adds detail there, no time."""
    grouped: str | None = None
    """The same fix on several services is one project item with this title (``{n}``: how
    many findings); each finding after the first adds ``group_share`` of the estimate."""
    grouped_one: str | None = None
    """The title when there is one finding ("Pin this image", not "Pin these 1 images")."""
    plan_fix: str | None = None
    """The fix as the plan words it, where the generated manifests already do part of the
    finding's (the analysis' fix says what to do by hand): what is left for the team."""


class LedgerRule(BaseModel):
    """What a ledger entry (``approximated``, ``dropped``, ``decide``) of a key asks of a team."""

    model_config = _STRICT
    phase: PhaseId
    estimate_days: float = Field(ge=0, le=60)
    title: str = Field(min_length=3)
    """The item's first words; the ledger's reasons follow."""
    replaces: str | None = None
    """The generic service item this entry makes concrete: it takes that item's place."""
    grouped: bool = False
    """The same reason on several services is one project item listing them (a setting the
    team reviews once), not one item per service."""
    finding: str | None = None
    """A finding rule that asks the same: where it makes a grouped item, these entries are
    listed there, not in an item of their own."""
    superseded_by: str | None = None
    """An evidence item of the service that says the same more precisely (``route``: its
    route items): where the service has one, this entry makes no item, and what would fold
    into it folds into the first of them."""


class TextVariant(BaseModel):
    """Another text for an item of the same id (the stateful wording of a stateless item)."""

    model_config = _STRICT
    id: str
    text: str = Field(min_length=3)


class Estimates(BaseModel):
    """The estimate factors."""

    model_config = _STRICT
    stateful_multiplier: float = Field(ge=1)
    per_port: float = Field(ge=0)
    per_volume: float = Field(ge=0)
    per_build: float = Field(ge=0)
    days_per_week: float = Field(gt=0, le=7)
    range_low: float = Field(gt=0, le=1)
    range_high: float = Field(ge=1)
    team_size: int = Field(ge=1)
    focus: float = Field(gt=0, le=1)
    copy_share: Reasoned
    """A copy (same image, command and kind as a service before it) costs this share of the
    work the service would cost on its own."""
    sibling_share: Reasoned
    """A sibling (same image and kind as a service before it, another command) costs this
    share of the work the service would cost on its own."""
    group_share: Reasoned
    """Each service after the first in a grouped item adds this share of its estimate."""
    learning_rate: Reasoned
    """Past the reference, each doubling of the distinct services moved cuts the next
    one's work to this share (a learning curve)."""
    project_reference_services: Reasoned
    """The distinct services at which project items cost what project.yaml says."""
    project_floor: Reasoned
    """The share of the project items a one-service project still needs."""
    project_growth: Reasoned
    """Past the reference, project items grow with (distinct / reference) ** this."""
    project_cap: Reasoned
    """Project items never cost more than this multiple of project.yaml's figures."""

    def learning(self, n: int) -> float:
        """The share of its work the ``n``-th distinct service (from 1) costs: 1 up to the
        reference, then ``(n / reference) ** log2(learning_rate)``."""
        ref = self.project_reference_services.value
        if n <= ref:
            return 1.0
        factor: float = (n / ref) ** math.log2(self.learning_rate.value)
        return factor

    def project_scale(self, distinct: int) -> float:
        """The multiple of project.yaml's estimates a project of ``distinct`` units needs.

        From ``project_floor`` for one distinct service, linearly to 1 at the reference,
        then growing as a power (``project_growth``) up to ``project_cap``.
        """
        ref = self.project_reference_services.value
        if distinct == 0:
            return 0.0  # nothing to migrate: no platform to build
        if distinct <= 1:
            return self.project_floor.value
        if distinct <= ref:
            floor = self.project_floor.value
            return floor + (1 - floor) * (distinct - 1) / (ref - 1)
        grown: float = (distinct / ref) ** self.project_growth.value
        return min(self.project_cap.value, grown)


class Question(BaseModel):
    """One of the seven decision questions."""

    model_config = _STRICT
    id: str
    text: str
    from_project: bool = False


class CostSettings(BaseModel):
    """Rates of the monthly cost comparison."""

    model_config = _STRICT
    currency: str
    compose_server_monthly: float = Field(ge=0)
    node_monthly: float = Field(ge=0)
    nodes: int = Field(ge=1)
    control_plane_monthly: float = Field(ge=0)
    load_balancer_monthly: float = Field(ge=0)
    hourly_rate: float = Field(ge=0)
    compose_ops_hours: float = Field(ge=0)
    kubernetes_ops_hours_first_six_months: float = Field(ge=0)
    kubernetes_ops_hours_after: float = Field(ge=0)


class Count(Reasoned):
    """A threshold on a count: a whole number, 1 or more."""

    value: float = Field(ge=1, multiple_of=1)


class Amount(Reasoned):
    """A threshold on a quantity: 0 or more."""

    value: float = Field(ge=0)


class DecisionThresholds(BaseModel):
    """Where the answers turn into reasons to move or to stay (``decision.yaml``)."""

    model_config = _STRICT
    many_services: Count
    """More services than this: a reason to move."""
    few_services: Count
    """This many services or fewer: a reason to stay."""
    many_servers: Count
    """This many servers or more: a reason to move; fewer, a reason to stay."""
    frequent_deploys_per_week: Amount
    """This many deploys a week or more: a reason to move."""
    rare_deploys_per_week: Amount
    """Fewer deploys a week than this: a reason to stay."""
    downtime_minutes: Amount
    """The downtime per incident staying on Compose means (named in the reasons)."""
    go_reasons_needed: Count
    """Fewer reasons to move than this, with ``stay_reasons_decisive`` to stay: stay."""
    stay_reasons_decisive: Count
    """This many reasons to stay, with too few to move: stay."""
    go_reasons_with_data: Count
    """Reasons to move the data stores too, with an owner of operations."""

    @model_validator(mode="after")
    def _ordered(self) -> DecisionThresholds:
        if self.few_services.value >= self.many_services.value:
            raise ValueError("few_services must be below many_services")
        if self.rare_deploys_per_week.value > self.frequent_deploys_per_week.value:
            raise ValueError("rare_deploys_per_week must not exceed frequent_deploys_per_week")
        return self


class DecisionSettings(BaseModel):
    """The decision questions, thresholds and cost rates."""

    model_config = _STRICT
    questions: list[Question]
    thresholds: DecisionThresholds
    cost: CostSettings


class PlanPlaybooks(BaseModel):
    """Everything the planner reads."""

    model_config = ConfigDict(frozen=True)
    phases: list[Phase]
    project_items: list[ChecklistItem]
    service_items: dict[str, list[ChecklistItem]]
    """By class or kind: stateless, job, dev-only."""
    stateful_texts: dict[str, str] = Field(default_factory=dict)
    """The stateful wording of stateless items, by item id."""
    engines: dict[str, Engine]
    default_engine: Engine
    estimates: Estimates
    decision: DecisionSettings
    finding_tasks: dict[str, FindingTask] = Field(default_factory=dict)
    """By finding rule id: when its fix is done and how long it takes."""
    ledger_rules: dict[str, LedgerRule] = Field(default_factory=dict)
    """By Compose key (``healthcheck``, ``deploy.resources``): what its ledger entries ask;
    ``default`` for the keys not listed."""

    @field_validator("phases")
    @classmethod
    def _four_phases(cls, phases: list[Phase]) -> list[Phase]:
        if [p.id for p in phases] != list(PHASE_IDS):
            raise ValueError("the phases must be denial, pain, acceptance, productivity, in order")
        return phases


def _read(path: Path) -> Any:
    try:
        return playbook_data(path)
    except FileNotFoundError:
        raise PlaybookError(f"playbook {path} not found", hint="reinstall migrate-tui") from None


def _problems(path: Path, item: str, exc: ValidationError,
              kp: tuple[str | int, ...] = ()) -> list[PlaybookError]:
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        field = ".".join(str(p) for p in loc)
        out.append(PlaybookError(
            f"{item}: field {field!r}: {err['msg']}",
            location=locate_in_playbook(path, (*kp, *loc)),
            path=f"{item}.{field}" if field else item,
            hint="fix this field of the item (see the comments at the top of the file)",
        ))
    return out


def _items(
    path: Path, raw: Any, section: str, model: type[BaseModel]
) -> tuple[list[Any], list[PlaybookError]]:
    items: list[Any] = []
    problems: list[PlaybookError] = []
    if not isinstance(raw, list):
        from migrate_tui.errors import Location

        return [], [PlaybookError(f"{section} must be a list of items",
                                  location=Location(str(path)),
                                  path=section, hint="write one `- id: ...` entry per item")]
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        name = f"{section}[{i}]"
        if isinstance(entry, dict) and entry.get("id"):
            name = f"{section}[{entry['id']}]"
        try:
            item = model.model_validate(entry)
        except ValidationError as exc:
            problems.extend(_problems(path, name, exc, (section, i)))
            continue
        item_id = getattr(item, "id", None)
        if item_id in seen:  # ids name items in progress files: one item each
            problems.append(PlaybookError(
                f"{name}: a second item with the id {item_id!r}",
                location=locate_in_playbook(path, (section, i)), path=f"{section}[{i}].id",
                hint="give each item its own id (progress files and CI gates name items "
                     "by it); to replace an item of ours, use its id in your own folder"))
            continue
        if item_id is not None:
            seen.add(item_id)
        items.append(item)
    return items, problems


def _unknown_engine(path: Path, name: str, ids: Iterable[str]) -> PlaybookError:
    """An engine sub-plan keyed by no catalogue id: no service would ever get it."""
    close = get_close_matches(name, list(ids), n=3)
    return PlaybookError(
        f"engines.{name}: no entry of the image catalogue has the id {name!r}, so no "
        "service would get this sub-plan",
        location=locate_in_playbook(path, ("engines", name)), path=f"engines.{name}",
        hint=(f"did you mean {' or '.join(close)}? " if close else "")
        + "key each engine by the `id` of its entry in catalogue/stateful_images.yaml",
    )


def _merge_items(ours: list[Any], theirs: list[Any]) -> list[Any]:
    by_id = {i.id: i for i in ours}
    order = [i.id for i in ours]
    for item in theirs:
        if item.id not in by_id:
            order.append(item.id)
        by_id[item.id] = item
    return [by_id[i] for i in order]


@gc_paused
def load_plan_playbooks(extra: Path | None = None) -> PlanPlaybooks:
    """Load and validate the planning playbooks, with a team's folder laid over ours.

    Raises:
        PlaybookError: One problem, naming the file, the item and the field.
        ProblemList: Several.
    """
    folders = [playbooks_dir() / "plan"]
    if extra is not None:
        if not extra.is_dir():
            raise PlaybookError(f"playbooks folder {extra} not found",
                                hint="give --playbooks the folder holding your YAML files")
        folders.append(extra / "plan" if (extra / "plan").is_dir() else extra)
    problems: list[PlaybookError] = []
    phases: list[Phase] = []
    project_items: list[ChecklistItem] = []
    service_items: dict[str, list[ChecklistItem]] = {}
    stateful_texts: dict[str, str] = {}
    engines: dict[str, Engine] = {}
    default_engine: Engine | None = None
    estimates: dict[str, Any] = {}
    decision: dict[str, Any] = {}
    finding_tasks: dict[str, FindingTask] = {}
    ledger_rules: dict[str, LedgerRule] = {}
    catalogue_ids = load_catalogue().by_id
    for folder in folders:
        first = folder == folders[0]

        def present(name: str, folder: Path = folder, first: bool = first) -> Path | None:
            path = folder / name
            return path if first or path.is_file() else None

        if path := present("phases.yaml"):
            raw = _read(path) or {}
            found, errs = _items(path, raw.get("phases"), "phases", Phase)
            problems += errs
            phases = _merge_items(phases, found)
        if path := present("project.yaml"):
            found, errs = _items(path, (_read(path) or {}).get("items"), "items", ChecklistItem)
            problems += errs
            project_items = _merge_items(project_items, found)
        if path := present("services.yaml"):
            raw = _read(path) or {}
            for key, value in raw.items():
                if key == "stateful":
                    variants, errs = _items(path, value, key, TextVariant)
                    problems += errs
                    stateful_texts.update({v.id: v.text for v in variants})
                    continue
                found, errs = _items(path, value, key, ChecklistItem)
                problems += errs
                service_items[key] = _merge_items(service_items.get(key, []), found)
        if path := present("engines.yaml"):
            raw = _read(path) or {}
            engines_raw = {"default": raw.get("default"), **(raw.get("engines") or {})}
            for name, value in engines_raw.items():
                if value is None:
                    continue
                try:
                    engine = Engine.model_validate(value)
                except ValidationError as exc:
                    problems += _problems(path, f"engines.{name}", exc,
                                          ("default",) if name == "default" else ("engines", name))
                    continue
                if name == "default":
                    default_engine = engine
                elif name not in catalogue_ids:
                    problems.append(_unknown_engine(path, name, catalogue_ids))
                else:
                    engines[name] = engine
        if path := present("estimates.yaml"):
            estimates.update(_read(path) or {})
        if path := present("decision.yaml"):
            raw = _read(path) or {}
            for key, value in raw.items():
                if key in ("cost", "thresholds") and isinstance(value, dict):
                    decision[key] = {**decision.get(key, {}), **value}
                else:
                    decision[key] = value
        if path := present("findings.yaml"):
            raw = _read(path) or {}
            rules = (raw.get("rules") or {}) if isinstance(raw, dict) else {}
            for rule_id, task in rules.items():
                try:
                    finding_tasks[rule_id] = FindingTask.model_validate(task)
                except ValidationError as exc:
                    problems += _problems(path, f"rules.{rule_id}", exc, ("rules", rule_id))
        if path := present("ledger.yaml"):
            raw = _read(path) or {}
            keys = (raw.get("keys") or {}) if isinstance(raw, dict) else {}
            for key, rule in keys.items():
                try:
                    ledger_rules[str(key)] = LedgerRule.model_validate(rule)
                except ValidationError as exc:
                    problems += _problems(path, f"keys.{key}", exc, ("keys", key))
    try:
        est = Estimates.model_validate(estimates)
    except ValidationError as exc:
        problems += _problems(folders[0] / "estimates.yaml", "estimates", exc)
    try:
        dec = DecisionSettings.model_validate(decision)
    except ValidationError as exc:
        problems += _problems(folders[0] / "decision.yaml", "decision", exc)
    if problems:
        if len(problems) == 1:
            raise problems[0]
        raise ProblemList(list(problems))
    assert default_engine is not None
    try:
        return PlanPlaybooks(
            phases=phases, project_items=project_items, service_items=service_items,
            stateful_texts=stateful_texts,
            engines=engines, default_engine=default_engine, estimates=est, decision=dec,
            finding_tasks=finding_tasks, ledger_rules=ledger_rules,
        )
    except ValidationError as exc:
        raise ProblemList(list(_problems(folders[0] / "phases.yaml", "phases", exc))) from None


BOUNDS_FILE = "plan/bounds.yaml"
"""The sane bounds of a plan's figures, under the playbooks folder."""

BoundedFigure = Literal[
    "weeks_per_distinct_service", "stateful_service_weeks", "stateless_service_weeks",
]
"""A figure of a plan that ``bounds.yaml`` bounds."""


class FigureRange(BaseModel):
    """The range a figure of every corpus project's plan stays in, and why."""

    model_config = _STRICT
    low: float = Field(ge=0)
    high: float = Field(gt=0)
    why: str = Field(min_length=20)
    """Why each end is where it is, in sentences."""

    @model_validator(mode="after")
    def _ordered(self) -> FigureRange:
        if self.low >= self.high:
            raise ValueError("low must be below high")
        return self

    def holds(self, value: float) -> bool:
        """Whether ``value`` is within the range, ends included."""
        return self.low <= value <= self.high


class KnownOutlier(BaseModel):
    """A figure known to be out of its range, with the reason and what would fix it."""

    model_config = _STRICT
    project: str
    """The corpus project (its ``path`` in the corpus manifest)."""
    figure: BoundedFigure
    service: str | None = None
    """The service, for a per-service figure."""
    why: str = Field(min_length=20)


class PlanBounds(BaseModel):
    """Where a plan's figures must stay (``bounds.yaml``), for the default team of
    ``estimates.yaml``: checked on every corpus project by
    ``tests/planning/test_corpus_bounds.py``."""

    model_config = _STRICT
    weeks_per_distinct_service: FigureRange
    """The plan's total weeks over its distinct services (copies of one template once)."""
    stateful_service_weeks: FigureRange
    """The weeks of one stateful service's own tasks (a stateful engine), all phases."""
    stateless_service_weeks: FigureRange
    """The weeks of one stateless service's own tasks, all phases."""
    known_outliers: list[KnownOutlier] = Field(default_factory=list)


def load_plan_bounds(folder: Path | None = None) -> PlanBounds:
    """Load and validate ``plan/bounds.yaml``.

    Args:
        folder: The playbooks folder; ours when None.

    Raises:
        PlaybookError: The file is missing or invalid (every problem with its line).
    """
    return load_playbook(BOUNDS_FILE, PlanBounds, folder)
