"""The settings a team saves, as one table, and the ``migrate-tui settings`` command.

:data:`SETTING_FIELDS` is the team size, the focus and the start, then one entry per field
of :class:`~migrate_tui.progress.model.Answers` (the decision's questions): the CLI's flags
(``--team-size``, ``--servers``...), the TUI's fields and the ``settings`` listing are all
made from it, and each takes its label (the field's title), its help (the field's
docstring), its parsing and its limits (the field's constraints) from the model. A question
added to the model gets its flag and its field with no other list to keep in step.

``migrate-tui settings`` prints the saved settings and where each value comes from (saved,
the playbook's default, not answered), or saves the changes given as flags through the
progress store (the locked, merging save every change goes through) and says what changed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import types
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin

from pydantic import ValidationError

from migrate_tui.errors import ProgressError
from migrate_tui.progress.changes import (
    Change,
    SetOverride,
    SetSetting,
    SettingKey,
    setting_leaves,
)
from migrate_tui.progress.model import (
    Answers,
    OverrideField,
    ProgressState,
    Settings,
)
from migrate_tui.progress.store import ProgressStore

SettingKind = Literal["count", "number", "share", "day", "yes-no"]
"""How a setting is typed: a whole number of 1 or more, a number, a share of time (0-1 or
a percentage), a day (``YYYY-MM-DD``), yes or no."""

SettingValue = int | float | bool | dt.date
"""A setting's value, as the progress file holds it."""

_METAVARS: dict[SettingKind, str] = {
    "count": "N", "number": "N", "share": "F", "day": "YYYY-MM-DD", "yes-no": "yes|no",
}
_YES = ("yes", "y", "true", "1")
_NO = ("no", "n", "false", "0")


@dataclass(frozen=True)
class SettingField:
    """One setting a person chooses: how it is typed, named, parsed and shown."""

    key: SettingKey
    """Its key path in ``[settings]``: ``team_size``, ``answers.servers``."""
    kind: SettingKind
    label: str
    """A short name: the TUI's label, the listing's (the model field's title)."""
    help: str
    """A sentence: the CLI's help (the model field's docstring)."""

    @property
    def name(self) -> str:
        """The field's name (``servers``): the CLI's ``dest`` and the TUI's field id."""
        return self.key.rsplit(".", 1)[-1]

    @property
    def flag(self) -> str:
        """The command-line flag, ``--deploys-per-week``."""
        return "--" + self.name.replace("_", "-")

    @property
    def metavar(self) -> str:
        """What the flag takes, for the help: ``N``, ``yes|no``..."""
        return _METAVARS[self.kind]

    @property
    def is_answer(self) -> bool:
        """True for a decision question's answer (``answers.*``)."""
        return self.key.startswith("answers.")

    def parse(self, text: str) -> SettingValue | None:
        """The value ``text`` gives this setting; None for an empty text (not set).

        Raises:
            ValueError: It is not a value of this setting; the message says what is.
        """
        text = text.strip()
        if not text:
            return None
        value = _read(self.kind, text)
        try:
            _validate(self.key, value)
        except ValidationError as err:
            said = _limit(err)
            if self.kind == "share":
                said = "give a share of time between 0 and 1 (or 1-100%)"
            raise ValueError(f"{text!r}: {said}") from None
        return value

    def show(self, value: object) -> str:
        """``value`` as a person types it (``50%``, ``yes``, ``2026-01-05``); "" for None."""
        if value is None:
            return ""
        if self.kind == "yes-no":
            return "yes" if value else "no"
        if self.kind == "share" and isinstance(value, float):
            percent = f"{value * 100:g}%"
            return percent if _read("share", percent) == value else _number(value)
        if self.kind == "number" and isinstance(value, float):
            return _number(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def saved(self, settings: Settings) -> SettingValue | None:
        """The value saved in ``settings`` (None: not saved)."""
        holder: object = settings.answers if self.is_answer else settings
        value: SettingValue | None = getattr(holder, self.name)
        return value

    def saved_at(self, settings: Settings) -> dt.datetime | None:
        """When it was last changed, as the file records it."""
        times = settings.changed_at
        if self.is_answer:
            return next((when for name, when in times.answers.items() if name == self.name),
                        None)
        when: dt.datetime | None = getattr(times, self.name)
        return when


def _number(value: float) -> str:
    """``2.5``, ``100000.5``: short, and read back as the same number."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _read(kind: SettingKind, text: str) -> SettingValue:
    """``text`` read as a value of ``kind``, before the model's limits are checked."""
    if kind == "count":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    if kind == "day":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date like 2026-01-05") from None
    if kind == "yes-no":
        low = text.lower()
        if low in _YES or low in _NO:
            return low in _YES
        raise ValueError(f"{text!r}: answer yes or no")
    try:
        number = float(text.removesuffix("%"))
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if kind == "share" and not text.endswith("%") and number > 1:
        # 80 reads as 80%, but 1.7 is neither a share nor a percent anyone types
        if not number.is_integer():
            raise ValueError(f"{text!r} is not a share of time: give 0.5, or 50%")
        return number / 100
    if kind == "share" and text.endswith("%"):
        number /= 100
    return number


_LIMITS = {
    "greater_than_equal": "must be {ge} or more", "greater_than": "must be more than {gt}",
    "less_than_equal": "must be {le} or less", "less_than": "must be less than {lt}",
    "finite_number": "must be a finite number",
}


def _limit(err: ValidationError) -> str:
    """The model's limit that a value broke, as a sentence (``must be 1 or more``)."""
    first = err.errors()[0]
    said = _LIMITS.get(first["type"])
    if said is None:
        return str(first["msg"]).removeprefix("Input ")
    limits = {name: f"{value:g}" if isinstance(value, (int, float)) else value
              for name, value in first.get("ctx", {}).items()}
    return said.format(**limits)


def _validate(key: str, value: object) -> None:
    """Check ``value`` against the model's limits for ``key`` (ValidationError if not)."""
    head, _, name = key.rpartition(".")
    Settings.model_validate({head: {name: value}} if head else {key: value})


def _kind_of(annotation: Any) -> SettingKind:
    """The kind of an answer's field, from its type (``int | None`` is a count...)."""
    args = [a for a in get_args(annotation) if a is not type(None)] \
        if get_origin(annotation) in (Union, types.UnionType) else [annotation]
    inner = args[0]
    if get_origin(inner) is Annotated:
        inner = get_args(inner)[0]
    kinds: dict[type, SettingKind] = {bool: "yes-no", int: "count", float: "number"}
    if inner not in kinds:
        raise TypeError(f"no setting kind for an answer of type {inner!r}")
    return kinds[inner]


def _field(key: SettingKey, kind: SettingKind | None = None) -> SettingField:
    head, _, name = key.rpartition(".")
    info = (Answers if head else Settings).model_fields[name]
    return SettingField(key=key, kind=kind or _kind_of(info.annotation),
                        label=info.title or name, help=info.description or "")


PLAN_FIELDS: tuple[SettingField, ...] = (
    _field("team_size", "count"), _field("focus", "share"), _field("start", "day"),
)
"""The team and the calendar: what the estimates and the dates are computed with."""
ANSWER_FIELDS: tuple[SettingField, ...] = tuple(
    _field(cast(SettingKey, f"answers.{name}")) for name in Answers.model_fields
)
"""One per decision question the user answers, in the model's order."""
SETTING_FIELDS: tuple[SettingField, ...] = PLAN_FIELDS + ANSWER_FIELDS
"""Every setting a person chooses (the team's names and the overrides aside)."""
FIELDS_BY_NAME: dict[str, SettingField] = {f.name: f for f in SETTING_FIELDS}
"""The fields by :attr:`SettingField.name` (the CLI's ``dest``)."""


# ---------------------------------------------------------------------- the command


Source = Literal["saved", "default", "unset"]


@dataclass(frozen=True)
class SettingLine:
    """One setting as ``settings`` lists it."""

    field: SettingField
    value: object
    """The value the plan uses: the saved one, else the default (None: none)."""
    source: Source
    """``saved`` (in the file), ``default`` (the playbook's), ``unset`` (no value)."""
    changed_at: dt.datetime | None


@dataclass(frozen=True)
class OverrideLine:
    """A saved class or kind override."""

    service: str
    field: OverrideField
    value: str
    detected: str | None
    """What the analysis decides without the override (None: the service is gone)."""
    changed_at: dt.datetime | None


@dataclass(frozen=True)
class ChangeLine:
    """What a saved change did to one setting."""

    what: str
    """The setting's label, or ``SERVICE class``."""
    key: str
    """The key path in ``[settings]``: ``team_size``, ``overrides.db.class``."""
    before: object
    after: object
    wanted: object
    """What was asked for: differs from ``after`` when a later change (another session's,
    a teammate's merged branch) won."""


def listing(settings: Settings, defaults: Mapping[str, object]) -> list[SettingLine]:
    """Every setting with its value and where it comes from.

    Args:
        settings: The saved settings.
        defaults: The playbook's values by field name (``team_size``, ``focus``); a field
            without one has no value until it is set.
    """
    lines = []
    for field in SETTING_FIELDS:
        value = field.saved(settings)
        if value is not None:
            lines.append(SettingLine(field, value, "saved", field.saved_at(settings)))
        elif defaults.get(field.name) is not None:
            lines.append(SettingLine(field, defaults[field.name], "default", None))
        else:
            lines.append(SettingLine(field, None, "unset", field.saved_at(settings)))
    return lines


def override_lines(settings: Settings,
                   detected: Mapping[str, Mapping[str, str]]) -> list[OverrideLine]:
    """The saved overrides, sorted by service, class before kind.

    Args:
        settings: The saved settings.
        detected: Per service, what the analysis decides without its override (``class``,
            ``kind``).
    """
    lines = []
    for service, override in sorted(settings.overrides.items()):
        times = settings.changed_at.overrides.get(service, {})
        for field, value in (("class", override.service_class), ("kind", override.kind)):
            if value is not None:
                lines.append(OverrideLine(service, field, value,  # type: ignore[arg-type]
                                          detected.get(service, {}).get(field),
                                          times.get(field)))  # type: ignore[call-overload]
    return lines


def requested_changes(
    values: Mapping[str, object],
    unset: Sequence[str],
    reset: Sequence[str],
    state: ProgressState,
    services: Collection[str],
) -> list[Change]:
    """The changes ``settings`` flags ask for, checked against the saved state.

    Args:
        values: Parsed values by field name (None or missing: not given).
        unset: Field names to clear (``team_size``, ``servers``).
        reset: Services whose saved overrides go, back to what the analysis detects.
        state: The saved state.
        services: The project's services (active or behind a profile).

    Raises:
        ProgressError: A setting is both given and unset, or a service to reset is neither
            in the project nor overridden.
    """
    changes: list[Change] = []
    for name in dict.fromkeys(unset):
        field = FIELDS_BY_NAME[name]
        if values.get(name) is not None:
            raise ProgressError(
                f"{field.flag} is both given and unset", path=f"settings.{field.key}",
                hint=f"give {field.flag} VALUE to set it, or --unset {field.flag[2:]} to "
                "return to the default, not both")
        changes.append(SetSetting(field.key, None))
    for field in SETTING_FIELDS:
        value = values.get(field.name)
        if value is not None:
            changes.append(SetSetting(field.key, value))
    overrides = state.settings.overrides
    for service in dict.fromkeys(reset):
        saved = overrides.get(service)
        if saved is None:
            if service in services:
                continue  # nothing saved: the analysis decides already
            known = sorted({*services, *overrides})
            close = difflib.get_close_matches(service, known, n=3, cutoff=0.5)
            raise ProgressError(
                f"no service {service!r} in the project, and no override saved for it",
                path=f"settings.overrides.{service}",
                hint=("did you mean " + " or ".join(close) + "?") if close else
                "saved overrides: " + (", ".join(sorted(overrides)) or "none"))
        if saved.service_class is not None:
            changes.append(SetOverride(service, "class", None))
        if saved.kind is not None:
            changes.append(SetOverride(service, "kind", None))
    return changes


def changes_made(before: Settings, after: Settings,
                 changes: Sequence[Change]) -> list[ChangeLine]:
    """What each change did, comparing the settings before and after the save."""
    old, new = setting_leaves(before), setting_leaves(after)
    lines = []
    for change in changes:
        if isinstance(change, SetSetting):
            path: tuple[str, ...] = tuple(change.key.split("."))
            what = FIELDS_BY_NAME[path[-1]].label
        elif isinstance(change, SetOverride):
            path = ("overrides", change.service, change.field)
            what = f"{change.service} {change.field}"
        else:  # pragma: no cover - settings makes no other change
            continue
        lines.append(ChangeLine(what, ".".join(path), old.get(path, (None, None))[0],
                                new.get(path, (None, None))[0],
                                getattr(change, "value", None)))
    return lines


def cmd_settings(
    store: ProgressStore,
    state: ProgressState,
    changes: Sequence[Change],
    *,
    defaults: Mapping[str, object],
    detected: Callable[[ProgressState], Mapping[str, Mapping[str, str]]],
    fmt: Literal["text", "json"] = "text",
) -> str:
    """``migrate-tui settings``: save ``changes`` (if any), then say what changed or list all.

    Args:
        store: The progress file (loaded: ``state`` is what it held).
        state: The saved state.
        changes: The changes the flags ask for (:func:`requested_changes`).
        defaults: The playbook's values by field name.
        detected: What the analysis decides without the overrides of a state, per
            overridden service (called only when there are overrides to show).
        fmt: ``text`` or ``json``.

    Raises:
        ProgressError: The file cannot be saved, or a value is refused.
    """
    after = store.apply(changes) if changes else state
    made = changes_made(state.settings, after.settings, changes)
    settings = after.settings
    lines = listing(settings, defaults)
    overrides = override_lines(settings, detected(after) if settings.overrides else {})
    if fmt == "json":
        return json.dumps(_json(store, made, lines, overrides, bool(changes)), indent=2) + "\n"
    if changes:
        return _changes_text(store, made, defaults)
    return _listing_text(store, lines, overrides)


def _stamp(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _json(store: ProgressStore, made: list[ChangeLine], lines: list[SettingLine],
          overrides: list[OverrideLine], saved: bool) -> dict[str, object]:
    settings: dict[str, Any] = {}
    for line in lines:
        entry = {"value": _json_value(line.value), "source": line.source,
                 "changed_at": _stamp(line.changed_at)}
        if line.field.is_answer:
            settings.setdefault("answers", {})[line.field.name] = entry
        else:
            settings[line.field.name] = entry
    found: dict[str, dict[str, object]] = {}
    for o in overrides:
        found.setdefault(o.service, {})[o.field] = {
            "value": o.value, "detected": o.detected, "changed_at": _stamp(o.changed_at)}
    data: dict[str, object] = {"file": str(store.path), "settings": settings,
                               "overrides": found}
    if saved:
        data["changed"] = [{"key": m.key, "before": _json_value(m.before),
                            "after": _json_value(m.after),
                            "applied": m.after == m.wanted} for m in made]
    return data


def _shown(line: SettingLine) -> str:
    return line.field.show(line.value) or "-"


def _listing_text(store: ProgressStore, lines: list[SettingLine],
                  overrides: list[OverrideLine]) -> str:
    width = max(len(line.field.label) for line in lines)
    out = [f"Settings in {store.path}"]
    for title, answers in (("Team", False), ("Decision answers", True)):
        out.append(title)
        for line in (x for x in lines if x.field.is_answer == answers):
            if line.source == "saved":
                where = f"saved {_stamp(line.changed_at) or '(no time recorded)'}"
            elif line.source == "default":
                where = "default (the estimates playbook's)"
            elif answers:
                where = "not answered"
            else:
                where = "not set (the plan counts weeks, without dates)"
            out.append(f"  {line.field.label:<{width}}  {_shown(line):<10}  {where}")
    out.append("Overrides")
    for o in overrides:
        detected = f"detected: {o.detected}" if o.detected else "service not in the project"
        out.append(f"  {o.service} {o.field}: {o.value} (overridden; {detected}), saved "
                   f"{_stamp(o.changed_at) or '(no time recorded)'}")
    if not overrides:
        out.append("  none (set them in the TUI's Services view: c, k)")
    out.append("")
    out.append("plan, status, export and the TUI use these; a flag (plan --team-size 6) "
               "overrides one for that run only.")
    out.append("Change them with migrate-tui settings --team-size N ..., --unset NAME, "
               "--reset-override SERVICE.")
    return "\n".join(out) + "\n"


def _changes_text(store: ProgressStore, made: list[ChangeLine],
                  defaults: Mapping[str, object]) -> str:
    out = [f"Saved in {store.path}:"]
    for m in made:
        if m.before == m.after:
            line = f"  {m.what}: {_said(m, m.after, defaults)} (unchanged)"
        else:
            line = (f"  {m.what}: {_said(m, m.before, defaults)} -> "
                    f"{_said(m, m.after, defaults)}")
        if m.after != m.wanted:
            line += "; a later change (another session, a merged branch) wins"
        out.append(line)
    return "\n".join(out) + "\n"


def _said(change: ChangeLine, value: object, defaults: Mapping[str, object]) -> str:
    """A value before or after a change, as the change lines say it."""
    if change.key.startswith("overrides."):
        return str(value) if value is not None else "detected (no override)"
    field = FIELDS_BY_NAME[change.key.rsplit(".", 1)[-1]]
    if value is not None:
        return field.show(value)
    default = defaults.get(field.name)
    if default is not None:
        return f"{field.show(default)} (default)"
    return "not answered" if field.is_answer else "not set"
