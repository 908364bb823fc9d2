"""What a session changes, as small typed records, and how they apply to a state.

A session (the TUI, one ``migrate-tui set``) never writes a whole state: it records
:data:`Change` records, each with who made it and when, and the store applies them on top of
what is on disk at save time. A change older than the last change of its item (or of its
setting) is stale and is dropped: the latest change wins, whichever session saves first.

Settings are handled as leaves, one per key path (``("team",)``, ``("answers",
"servers")``, ``("overrides", "db", "class")``), each a value and the time it was set;
the merge works on the same leaves.

A time in the file later than now (more than :data:`CLOCK_SKEW` ahead) is not believed
(:func:`believed`): it counts as no time at all, so it never makes a change stale and
never wins a merge. Otherwise one ``changed_at = 2099-01-01T00:00:00Z``, typed by hand or
committed on purpose, would drop every later change to that item until 2099. The time
stays in the file until the item (or setting) is changed again;
:func:`future_times` lists such times so that the commands can say so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from migrate_tui.errors import ProgressError
from migrate_tui.progress.model import (
    ANSWER_NAMES,
    UNTOUCHED,
    ItemState,
    OverrideField,
    ProgressState,
    Settings,
    Status,
    utc_now,
    utc_second,
)
from migrate_tui.progress.problems import validation_problems

SettingKey = Literal[
    "team", "team_size", "focus", "start",
    "answers.servers", "answers.deploys_per_week", "answers.autoscaling",
    "answers.ops_owner", "answers.downtime_ok",
]
"""A setting :class:`SetSetting` can change; overrides have :class:`SetOverride`."""
SETTING_KEYS: tuple[str, ...] = (
    "team", "team_size", "focus", "start", *(f"answers.{name}" for name in ANSWER_NAMES),
)

SettingPath = tuple[str, ...]
"""A setting's key path: ``("team",)``, ``("answers", "servers")``,
``("overrides", "db", "class")``."""
Leaf = tuple[Any, dt.datetime | None]
"""A setting's value (None: not set) and when it was last changed (None: never)."""


@dataclass(frozen=True)
class SetStatus:
    """Set the status of a checklist item, recording the day it started or finished.

    ``doing`` records ``started`` (kept when the item was started before, unless ``on``
    is given) and clears ``finished``; ``done`` records ``finished``; ``todo`` clears both;
    ``blocked`` and ``skipped`` clear ``finished`` and keep ``started``. See
    :func:`item_days`.
    """

    item_id: str
    status: Status
    by: str | None = None
    """Who made the change."""
    at: dt.datetime = dataclasses.field(default_factory=utc_now)
    """When (stored as UTC seconds)."""
    on: dt.date | None = None
    """The day it started (``doing``) or finished (``done``), when it is not the day of
    ``at`` (``set --at`` back-fills); ignored for the other statuses."""


@dataclass(frozen=True)
class SetAssignee:
    """Assign a checklist item to someone; None (or "") unassigns it."""

    item_id: str
    assignee: str | None
    by: str | None = None
    at: dt.datetime = dataclasses.field(default_factory=utc_now)


@dataclass(frozen=True)
class SetNote:
    """Set the note of a checklist item; None (or "") removes it."""

    item_id: str
    note: str | None
    by: str | None = None
    at: dt.datetime = dataclasses.field(default_factory=utc_now)


@dataclass(frozen=True)
class SetSetting:
    """Set one setting (``team``, ``focus``, ``answers.servers``...); None clears it.

    The file keeps when a setting changed, not who changed it: ``by`` is for the caller's
    messages.
    """

    key: SettingKey
    value: Any
    by: str | None = None
    at: dt.datetime = dataclasses.field(default_factory=utc_now)


@dataclass(frozen=True)
class SetOverride:
    """Override a service's ``class`` or ``kind``; None returns it to the analysis' verdict."""

    service: str
    field: OverrideField
    value: str | None
    by: str | None = None
    at: dt.datetime = dataclasses.field(default_factory=utc_now)


@dataclass(frozen=True)
class SetVerdict:
    """Record what ``verify --update`` found for an item; None clears it.

    A verdict has its own time (``verified_at``): it never touches ``changed_at`` or
    ``changed_by``, which say what a person last did.
    """

    item_id: str
    verdict: Literal["verified", "contradicted"] | None
    evidence: str | None = None
    at: dt.datetime = dataclasses.field(default_factory=utc_now)


Change = SetStatus | SetAssignee | SetNote | SetSetting | SetOverride | SetVerdict
"""One change a session made."""

ItemChange = SetStatus | SetAssignee | SetNote


# ---------------------------------------------------------------------- times


CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far ahead of this machine's clock a recorded time is still believed: a teammate's
clock may run a little fast; a time further ahead was not made by a clock at all."""


def believed(when: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    """A recorded time, or None (never) when it lies more than :data:`CLOCK_SKEW` after
    ``now``: such a time carries no weight against a real change."""
    if when is not None and when > now + CLOCK_SKEW:
        return None
    return when


def future_times(state: ProgressState, now: dt.datetime | None = None) -> list[str]:
    """Key paths (``items."api.probes".changed_at``) of times not believed, in file order.

    Args:
        state: The state read from the file.
        now: The current time (default: :func:`~migrate_tui.progress.model.utc_now`).
    """
    current = now or utc_now()
    found = [
        f'items."{item_id}".changed_at = {_stamp(item.changed_at)}'
        for item_id, item in sorted(state.items.items())
        if item.changed_at is not None and believed(item.changed_at, current) is None
    ]
    for path, (_, when) in sorted(setting_leaves(state.settings).items()):
        if when is not None and believed(when, current) is None:
            found.append(f"settings.changed_at.{'.'.join(path)} = {_stamp(when)}")
    return found


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") \
        + "Z"


# ---------------------------------------------------------------------- settings as leaves


def setting_leaves(settings: Settings) -> dict[SettingPath, Leaf]:
    """The settings as leaves: every set value or recorded time, by key path."""
    data = settings.model_dump(by_alias=True)
    values: dict[SettingPath, Any] = {}
    times: dict[SettingPath, dt.datetime] = {}
    for name in ("team", "team_size", "focus", "start"):
        if data[name] not in (None, ()):
            values[(name,)] = data[name]
        if data["changed_at"][name] is not None:
            times[(name,)] = data["changed_at"][name]
    for name, value in data["answers"].items():
        if value is not None:
            values[("answers", name)] = value
    for name, when in data["changed_at"]["answers"].items():
        times[("answers", name)] = when
    for service, override in data["overrides"].items():
        for key, value in override.items():
            if value is not None:
                values[("overrides", service, key)] = value
    for service, keys in data["changed_at"]["overrides"].items():
        for key, when in keys.items():
            times[("overrides", service, key)] = when
    return {path: (values.get(path), times.get(path)) for path in {*values, *times}}


def settings_from_leaves(leaves: Mapping[SettingPath, Leaf]) -> Settings:
    """The settings the leaves describe, validated.

    Raises:
        ProgressError: A value is not valid for its setting.
    """
    data: dict[str, Any] = {"changed_at": {}}
    for path, (value, when) in sorted(leaves.items()):
        if value is not None:
            _put(data, path, value)
        if when is not None:
            _put(data["changed_at"], path, when)
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        raise validation_problems(err, None, prefix=("settings",)) from None


def _put(tree: dict[str, Any], path: SettingPath, value: Any) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


# ---------------------------------------------------------------------- applying


def apply_changes(
    state: ProgressState, changes: Iterable[Change], *, now: dt.datetime | None = None,
) -> ProgressState:
    """A state with the changes applied in order; stale changes are dropped.

    A change is stale when its item (or setting) was changed later than the change was
    made. Ties apply, so several changes made in one second all land. A time in the
    future (see :func:`believed`) makes nothing stale.

    Args:
        state: The state the changes apply to.
        changes: The changes, in the order they were made.
        now: The current time (default: :func:`~migrate_tui.progress.model.utc_now`).

    Raises:
        ProgressError: A change names an unknown setting or carries an invalid value.
    """
    current = now or utc_now()
    items = dict(state.items)
    leaves = setting_leaves(state.settings)
    settings_changed = False
    for change in changes:
        at = utc_second(change.at)
        if isinstance(change, (SetStatus, SetAssignee, SetNote)):
            if not change.item_id:
                raise ProgressError("a checklist item id cannot be empty", path="items",
                                    hint="name the item, e.g. api.probes")
            item = items.get(change.item_id, UNTOUCHED)
            last = believed(item.changed_at, current)
            if last is None or at >= last:
                items[change.item_id] = _changed_item(item, change, at)
            continue
        if isinstance(change, SetVerdict):
            item = items.get(change.item_id, UNTOUCHED)
            last = believed(item.verified_at, current)
            if last is None or at >= last:
                items[change.item_id] = _verdict_item(item, change, at)
            continue
        path, value = _setting_target(change)
        when = believed(leaves.get(path, (None, None))[1], current)
        if when is None or at >= when:
            leaves[path] = (value, at)
            settings_changed = True
            settings_from_leaves({path: leaves[path]})  # report a bad value as this change's
    settings = settings_from_leaves(leaves) if settings_changed else state.settings
    return ProgressState.model_validate(
        {"schema": state.schema_version, "settings": settings, "items": items}
    )


def item_days(
    item: ItemState, status: Status, day: dt.date, *, given: bool = False,
) -> tuple[dt.date | None, dt.date | None]:
    """The ``(started, finished)`` days of ``item`` once its status is set to ``status``.

    Args:
        item: The item before the change.
        status: Its new status.
        day: The day of the change (``set --at``, or the day it was made).
        given: Whether ``day`` was given (``--at``): then it replaces a recorded start.
            A day that was not given never goes before the recorded start (a clock behind
            the one that recorded it): the item finishes the day it started.

    Raises:
        ProgressError: ``day`` was given, the item goes to ``done``, and it started later.
    """
    started = item.started
    if status == "todo":
        return None, None
    if status == "doing":
        return (day if given or started is None else started), None
    if status != "done":
        return started, None
    if started is not None and day < started:
        if given:
            raise ProgressError(
                f"{day.isoformat()} is before the item started ({started.isoformat()})",
                hint=f"give --at {started.isoformat()} or later; if it really started "
                "earlier, first record that: set it to doing with --at that day",
            )
        day = started
    return started, day


def _changed_item(current: ItemState, change: ItemChange, at: dt.datetime) -> ItemState:
    update: dict[str, Any] = {"changed_at": at, "changed_by": change.by or None}
    if isinstance(change, SetStatus):
        update["status"] = change.status
        day = change.on if change.on is not None else at.date()
        try:
            update["started"], update["finished"] = item_days(
                current, change.status, day, given=change.on is not None)
        except ProgressError as err:
            raise ProgressError(f"{change.item_id}: {err.message}", path=f"items.{change.item_id}",
                                hint=err.hint) from None
    elif isinstance(change, SetAssignee):
        update["assignee"] = change.assignee or None
    else:
        update["note"] = change.note or None
    try:
        return ItemState.model_validate({**current.model_dump(by_alias=True), **update})
    except ValidationError as err:
        raise validation_problems(err, None, prefix=("items", change.item_id)) from None


def _verdict_item(current: ItemState, change: SetVerdict, at: dt.datetime) -> ItemState:
    update = {"verdict": change.verdict, "evidence": (change.evidence or None)
              if change.verdict else None, "verified_at": at if change.verdict else None}
    try:
        return ItemState.model_validate({**current.model_dump(by_alias=True), **update})
    except ValidationError as err:
        raise validation_problems(err, None, prefix=("items", change.item_id)) from None


def _setting_target(change: SetSetting | SetOverride) -> tuple[SettingPath, Any]:
    if isinstance(change, SetOverride):
        if change.field not in ("class", "kind"):
            raise ProgressError(
                f"unknown override {change.field!r} for service {change.service!r}",
                path=f"settings.overrides.{change.service}",
                hint="override class (stateful|stateless) or kind (service|job|dev-only)",
            )
        return ("overrides", change.service, change.field), change.value or None
    if change.key not in SETTING_KEYS:
        close = difflib.get_close_matches(change.key, SETTING_KEYS, n=3)
        raise ProgressError(
            f"unknown setting {change.key!r}",
            path=f"settings.{change.key}",
            hint=("did you mean " + " or ".join(close) + "?") if close
            else "the settings are " + ", ".join(SETTING_KEYS),
        )
    value = change.value
    if change.key == "team" and value is not None:
        value = tuple(value) if isinstance(value, (list, tuple)) else value
        value = value or None
    return tuple(change.key.split(".")), value
