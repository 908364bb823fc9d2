"""The state of a migration as frozen pydantic models: what ``migration.toml`` holds.

The models mirror the file one to one (``ProgressState.model_dump(by_alias=True)`` is the
TOML document, minus the defaults), so a validation error's location is a key path in the
file.

Every value a person changes carries a time, so two sessions or two git branches that
changed the same thing resolve by the latest change:

- a checklist item has its own ``changed_at`` (and ``changed_by``);
- the settings keep their times in a mirror table, ``[settings.changed_at]``, with the same
  keys as the values (``team``, ``answers.servers``, ``overrides.db.class``). A time stays
  when its value is cleared, so "cleared later" beats "set earlier" in a merge.

Times are UTC, to the second: naive times read from a hand-edited file are taken as UTC,
others converted; sub-second parts are dropped. They are written as
``2025-03-01T09:30:00Z``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, model_validator

from migrate_tui.analysis.model import ServiceKind

SCHEMA_VERSION: Literal[1] = 1
"""The version of the file layout this code reads and writes."""

Status = Literal["todo", "doing", "done", "skipped", "blocked"]
"""The status of a checklist item."""
STATUSES: tuple[Status, ...] = ("todo", "doing", "done", "skipped", "blocked")
FINISHED: frozenset[str] = frozenset({"done", "skipped"})
"""Statuses that count as done in the progress figures."""

ServiceClass = Literal["stateful", "stateless"]
AnswerName = Literal["servers", "deploys_per_week", "autoscaling", "ops_owner", "downtime_ok"]
ANSWER_NAMES: tuple[AnswerName, ...] = (
    "servers", "deploys_per_week", "autoscaling", "ops_owner", "downtime_ok",
)
OverrideField = Literal["class", "kind"]
RecordedVerdict = Literal["verified", "contradicted"]
"""What ``migrate-tui verify --update`` found in the manifests for an item."""


def utc_second(value: dt.datetime) -> dt.datetime:
    """A time as stored: UTC, whole seconds (naive times are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).replace(microsecond=0)


def utc_now() -> dt.datetime:
    """The current time, as stored."""
    return utc_second(dt.datetime.now(dt.timezone.utc))


def _unique(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _drop_empty_overrides(overrides: dict[str, Override]) -> dict[str, Override]:
    return {name: o for name, o in overrides.items() if o != Override()}


def _drop_untouched(items: dict[str, ItemState]) -> dict[str, ItemState]:
    return {item_id: state for item_id, state in items.items() if state != UNTOUCHED}


Day = Annotated[dt.date, Strict()]
"""A calendar day in the file: a TOML local date, ``2025-03-04``."""
Stamp = Annotated[dt.datetime, Strict(), AfterValidator(utc_second)]
"""A time in the file: a TOML offset or local date-time, kept as UTC seconds."""
Text = Annotated[str, Strict(), Field(min_length=1)]
Name = Annotated[str, Strict(), Field(min_length=1)]

_MODEL = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Answers(BaseModel):
    """The answers to the decision's questions; None where not answered yet.

    Each field is one question the user answers (the playbook's ``decision.yaml`` asks the
    others of the project): its title is the TUI's label, its description the CLI's help,
    and :mod:`.settings` makes a flag and a field of each. (Descriptions, not attribute
    docstrings: reading those parses this file's source at every start, 3% of ``plan``.)
    """

    model_config = _MODEL
    servers: Annotated[int, Strict(), Field(ge=1)] | None = Field(
        default=None, title="Servers running it today",
        description="How many servers run the Compose project today.")
    deploys_per_week: Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)] | None = Field(
        default=None, title="Deploys per week",
        description="How many times a week the team deploys.")
    autoscaling: Annotated[bool, Strict()] | None = Field(
        default=None, title="Needs autoscaling?",
        description="Whether the load changes enough (3x or more) to need autoscaling.")
    ops_owner: Annotated[bool, Strict()] | None = Field(
        default=None, title="Someone owns operations?",
        description="Whether someone owns operations: on-call, upgrades, the cluster.")
    downtime_ok: Annotated[bool, Strict()] | None = Field(
        default=None, title="~15 min downtime per incident OK?",
        description="Whether about 15 minutes of downtime per incident is acceptable.")


class Override(BaseModel):
    """A person's correction of how a service was classified."""

    model_config = _MODEL
    service_class: ServiceClass | None = Field(default=None, alias="class")
    """``stateful`` or ``stateless``; None keeps the analysis' verdict."""
    kind: ServiceKind | None = None
    """``service``, ``job``, ``dev-only``, ``daemon`` or ``tool``; None keeps the analysis'
    verdict."""


class SettingTimes(BaseModel):
    """When each setting was last changed; the same keys as :class:`Settings`."""

    model_config = _MODEL
    team: Stamp | None = None
    team_size: Stamp | None = None
    focus: Stamp | None = None
    start: Stamp | None = None
    answers: dict[AnswerName, Stamp] = Field(default_factory=dict)
    """Per answer name."""
    overrides: dict[Name, dict[OverrideField, Stamp]] = Field(default_factory=dict)
    """Per service, per ``class`` / ``kind``."""


class Settings(BaseModel):
    """The team, the answers and the overrides: everything the plan is computed from."""

    model_config = _MODEL
    team: Annotated[tuple[Name, ...], AfterValidator(_unique)] = ()
    """The people on the migration, by the names they use for ``--by``."""
    team_size: Annotated[int, Strict(), Field(ge=1)] | None = Field(
        default=None, title="Engineers on it",
        description="How many engineers work on the migration (unset: the estimates "
                    "playbook's number).")
    focus: Annotated[float, Strict(), Field(gt=0, le=1, allow_inf_nan=False)] | None = Field(
        default=None, title="Share of their time",
        description="The share of their time they give it, 0-1 or a percentage (unset: the "
                    "playbook's).")
    start: Annotated[dt.date, Strict()] | None = Field(
        default=None, title="First day",
        description="The first day of week 1, YYYY-MM-DD (unset: the plan counts weeks, "
                    "without dates).")
    answers: Answers = Answers()
    """The decision's answers."""
    overrides: Annotated[dict[Name, Override], AfterValidator(_drop_empty_overrides)] = Field(
        default_factory=dict
    )
    """Per service name, corrections of class and kind."""
    changed_at: SettingTimes = SettingTimes()
    """When each setting was last changed."""


class ItemState(BaseModel):
    """The progress of one checklist item; the defaults are an untouched item."""

    model_config = _MODEL
    status: Status = "todo"
    """todo, doing, done, skipped or blocked."""
    assignee: Name | None = None
    """Who does it."""
    changed_by: Name | None = None
    """Who changed it last."""
    changed_at: Stamp | None = None
    """When it was changed last (UTC)."""
    note: Text | None = None
    """A free-form note."""
    started: Day | None = None
    """The day work on it began: set when it goes to ``doing`` (``set --at`` back-fills)."""
    finished: Day | None = None
    """The day it was done: set when it goes to ``done``, cleared when it is reopened."""
    verdict: RecordedVerdict | None = None
    """What ``verify --update`` found in the manifests last (None: not judged, or
    ``unknown``). Recorded by the tool, never by a person: it has its own time."""
    evidence: Text | None = None
    """The manifest ``file:line`` and what it says, behind ``verdict``."""
    verified_at: Stamp | None = None
    """When ``verify --update`` recorded ``verdict`` (UTC)."""

    @model_validator(mode="after")
    def _finished_after_started(self) -> ItemState:
        if self.started is not None and self.finished is not None \
                and self.finished < self.started:
            raise ValueError(f"finished {self.finished.isoformat()} is before started "
                             f"{self.started.isoformat()}")
        return self


UNTOUCHED = ItemState()
"""An item nobody has touched: it is not written to the file."""


class ProgressState(BaseModel):
    """Everything ``migration.toml`` holds."""

    model_config = _MODEL
    schema_version: Literal[1] = Field(default=SCHEMA_VERSION, alias="schema")
    """The file layout's version, ``schema = 1`` in the file."""
    settings: Settings = Settings()
    """The team, the answers, the overrides."""
    items: Annotated[dict[Text, ItemState], AfterValidator(_drop_untouched)] = Field(
        default_factory=dict
    )
    """Per checklist item id (``api.probes``, ``project.cluster-choice``), its progress."""

    def item(self, item_id: str) -> ItemState:
        """The state of an item; an untouched one if the file does not mention it."""
        return self.items.get(item_id, UNTOUCHED)
