"""Pydantic's validation errors as a :class:`ProgressError`: key path, message and fix."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from migrate_tui.errors import Location, ProgressError
from migrate_tui.progress.model import ANSWER_NAMES, STATUSES

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

_EXAMPLE_TIME = "2025-03-01T09:30:00Z"

# The fix for a bad value, by the last key of its path.
_FIXES: dict[str, str] = {
    "schema": "write schema = 1 (a newer migrate-tui may have written this file: upgrade)",
    "status": "write status = " + " | ".join(f'"{s}"' for s in STATUSES),
    "assignee": 'write a name, e.g. assignee = "ana", or remove the line',
    "changed_by": 'write a name, e.g. changed_by = "ana", or remove the line',
    "changed_at": f"write a UTC time, e.g. changed_at = {_EXAMPLE_TIME}, or remove the line",
    "note": 'write a string, e.g. note = "waiting for the DBA", or remove the line',
    "started": "write the day work began, e.g. started = 2025-03-03 (a date, no quotes), "
    "or remove the line",
    "finished": "write the day it was done, e.g. finished = 2025-03-07 (a date, no quotes), "
    "or remove the line",
    "team": 'write a list of names, e.g. team = ["ana", "bo"]',
    "team_size": "write a whole number of people, at least 1, e.g. team_size = 3",
    "focus": "write the share of time spent on the migration, above 0 and at most 1, "
    "e.g. focus = 0.5",
    "start": "write a date, e.g. start = 2025-03-01",
    "servers": "write a whole number, at least 1, e.g. servers = 3",
    "deploys_per_week": "write a number, 0 or more, e.g. deploys_per_week = 5",
    "autoscaling": "write true or false",
    "ops_owner": "write true or false",
    "downtime_ok": "write true or false",
    "class": 'write class = "stateful" or class = "stateless"',
    "kind": 'write kind = "service", "job", "dev-only", "daemon" or "tool"',
}
_KNOWN_KEYS: dict[str, tuple[str, ...]] = {
    "": ("schema", "settings", "items"),
    "settings": ("team", "team_size", "focus", "start", "answers", "overrides", "changed_at"),
    "answers": ANSWER_NAMES,
    "item": ("status", "assignee", "changed_by", "changed_at", "note", "started", "finished"),
    "override": ("class", "kind"),
}


def key_path(loc: Sequence[str | int]) -> str:
    """A pydantic location as the dotted key a person finds in the TOML file.

    ``("items", "api.probes", "status")`` gives ``items."api.probes".status``; list
    indices become ``[1]``.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        text = part if _BARE_KEY.match(part) else '"' + part.replace('"', '\\"') + '"'
        out += f".{text}" if out else text
    return out


def _table_kind(loc: Sequence[str | int]) -> str:
    keys = [p for p in loc if isinstance(p, str)]
    if not keys:
        return ""
    if keys[0] == "items":
        return "item"
    if keys[:2] == ["settings", "overrides"] and len(keys) == 3:
        return "override"
    if keys[:2] == ["settings", "answers"]:
        return "answers"
    return keys[-1]


def _describe(error: Any) -> tuple[str, str]:
    loc: tuple[str | int, ...] = tuple(error["loc"])
    keys = [p for p in loc if isinstance(p, str)]
    last = keys[-1] if keys else ""
    value = error.get("input")
    if error["type"] == "extra_forbidden":
        known = _KNOWN_KEYS.get(_table_kind(loc[:-1]), ())
        hint = "remove it or fix its spelling"
        if known:
            hint += "; the keys here are " + ", ".join(known)
        return f"unknown key {last!r}", hint
    if error["type"] == "literal_error" and last == "status":
        return f"unknown status {value!r}", _FIXES["status"]
    shown = _show(value)
    message = f"{last or 'the file'}: {error['msg'][0].lower()}{error['msg'][1:]}, not {shown}"
    if keys[:1] == ["items"] and len(keys) == 2 and error["type"] == "value_error":
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
        return f"item {last!r}: {reason}", (
            "a finish cannot come before a start: fix the dates (YYYY-MM-DD), or remove "
            "started if the day work began is not known")
    if keys[:1] == ["items"] and len(keys) == 2:
        return f"item {last!r} must be a table, not {shown}", (
            f'write it as a table: [items.{key_path(loc[1:])}] then status = "done"')
    if error["type"] in ("dict_type", "model_type"):
        return f"{last or 'the file'} must be a table, not {shown}", (
            f"write it as a table: [{key_path(loc)}] then one key = value a line")
    if "changed_at" in keys:
        return message, _FIXES["changed_at"].replace("changed_at =", f"{last} =")
    return message, _FIXES.get(last, "remove the line, or see the example in the file's header")


def _show(value: Any) -> str:
    """A value as it looks in TOML, for messages."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return repr(value)


def validation_problems(
    err: ValidationError,
    file: str | None,
    line_for: Callable[[Sequence[str | int]], int | None] = lambda _loc: None,
    prefix: Sequence[str | int] = (),
) -> ProgressError:
    """Every problem pydantic found, as one :class:`ProgressError` (in file order).

    Args:
        err: Pydantic's error.
        file: The file that was validated, if any.
        line_for: The line of a key path, if known.
        prefix: Key path the validated object stands at.
    """
    problems: list[ProgressError] = []
    for error in err.errors():
        loc = (*prefix, *error["loc"])
        message, hint = _describe({**error, "loc": loc})
        location = Location(file, line_for(loc)) if file else None
        problems.append(ProgressError(message, location=location, path=key_path(loc), hint=hint))
    problems.sort(key=lambda p: p.line or 0)
    first, *rest = problems
    return ProgressError(
        first.message, location=first.location, path=first.path, hint=first.hint, also=rest
    )
