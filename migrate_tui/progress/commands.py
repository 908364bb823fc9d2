"""The progress subcommands, for ``cli.py`` to call.

``set``, ``assign``, ``status`` and ``merge-driver``.
Each returns the text to print (or the exit code), and raises :class:`ProgressError` for
anything the user has to fix; the CLI prints it and exits 2.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Literal

from migrate_tui.errors import ProgressError
from migrate_tui.progress.changes import Change, SetAssignee, SetNote, SetStatus, item_days
from migrate_tui.progress.merge import merge_driver
from migrate_tui.progress.model import STATUSES, Status
from migrate_tui.progress.status import PlanRow, render_status_text, summarize
from migrate_tui.progress.store import ProgressStore

if TYPE_CHECKING:
    from migrate_tui.planning.plan import Plan


def check_item_id(item_id: str, known_ids: Collection[str]) -> None:
    """Refuse an item id the plan does not have, suggesting the closest ones.

    Raises:
        ProgressError: ``item_id`` is not in ``known_ids``.
    """
    if item_id in known_ids:
        return
    close = difflib.get_close_matches(item_id, sorted(known_ids), n=3, cutoff=0.5)
    if close:
        hint = "did you mean " + ", ".join(close) + "?"
    else:
        hint = "run migrate-tui status or migrate-tui plan to see the item ids"
    raise ProgressError(f"unknown checklist item {item_id!r}", path=item_id, hint=hint)


def _check_by(by: str | None) -> str:
    if by is None or not by.strip():
        raise ProgressError(
            "who is making this change?",
            hint='pass --by NAME, or set your name with git config user.name "Your Name"',
        )
    return by.strip()


def _check_status(status: str) -> Status:
    for known in STATUSES:
        if status == known:
            return known
    close = difflib.get_close_matches(status, STATUSES, n=1)
    raise ProgressError(
        f"unknown status {status!r}",
        hint=("did you mean " + close[0] + "? " if close else "")
        + "the statuses are " + ", ".join(STATUSES),
    )


DATED: tuple[Status, ...] = ("doing", "done")
"""The statuses ``set --at`` dates: the day work began, the day it was done."""

FUTURE_DAYS = 1
"""How many days after today (this machine's) ``--at`` may be: a teammate a time zone
ahead is already in tomorrow; a later day has not happened yet."""


def parse_day(text: str, status: str, *, today: dt.date | None = None) -> dt.date:
    """The day ``set --at`` names, checked.

    Args:
        text: What was given, ``YYYY-MM-DD``.
        status: The status being set: only ``doing`` and ``done`` take a day.
        today: Today (default: this machine's date).

    Raises:
        ProgressError: Not a date, in the future, or given with another status.
    """
    if status not in DATED:
        raise ProgressError(
            f"--at dates a start (doing) or a finish (done), not {status!r}",
            hint="drop --at, or use it with --status doing or --status done",
        )
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        day = None
    if day is None or len(text.strip()) != 10:
        raise ProgressError(
            f"--at {text!r} is not a date",
            hint="give the day as YYYY-MM-DD, e.g. --at 2025-03-04",
        )
    current = today or dt.date.today()
    if day > current + dt.timedelta(days=FUTURE_DAYS):
        raise ProgressError(
            f"--at {day.isoformat()} is in the future (today is {current.isoformat()})",
            hint="record a start or a finish once it has happened: give today or an "
            "earlier day",
        )
    return day


def cmd_set(
    store: ProgressStore,
    item_id: str,
    status: str,
    by: str | None,
    note: str | None,
    known_ids: Collection[str],
    at: str | None = None,
    *,
    today: dt.date | None = None,
) -> str:
    """``migrate-tui set ITEM_ID --status STATUS --by NAME [--note TEXT] [--at YYYY-MM-DD]``.

    ``doing`` records the day the item started and ``done`` the day it finished: today,
    or the day ``--at`` gives (a back-fill).

    Args:
        store: The progress file.
        item_id: The checklist item.
        status: todo, doing, done, skipped or blocked.
        by: Who makes the change (the CLI defaults it to :func:`git_user_name`).
        note: A new note; None keeps the note, "" removes it.
        known_ids: The plan's item ids.
        at: The day it started (doing) or finished (done), ``YYYY-MM-DD``; None: today.
        today: Today, for the check of ``at`` (default: this machine's date).

    Returns:
        One line saying what changed.

    Raises:
        ProgressError: Unknown item or status, no name, a bad ``--at`` (not a date, in the
            future, a finish before the start), or the file cannot be read or saved.
    """
    check_item_id(item_id, known_ids)
    checked = _check_status(status)
    day = parse_day(at, checked, today=today) if at is not None else None
    who = _check_by(by)
    current = store.load().item(item_id)
    if day is not None:
        try:
            item_days(current, checked, day, given=True)
        except ProgressError as err:
            raise ProgressError(f"{item_id}: {err.message}", path=f"items.{item_id}",
                                hint=err.hint) from None
    changes: list[Change] = [SetStatus(item_id, checked, who, on=day)]
    if note is not None:
        changes.append(SetNote(item_id, note, who, at=changes[0].at))
    after = store.apply(changes).item(item_id)
    line = f"{item_id}: {current.status} -> {after.status} (by {who})"
    if after.status != checked:
        line += f"; a later change by {after.changed_by or 'someone'} wins"
    elif checked == "doing" and after.started is not None:
        line += f"; started {after.started.isoformat()}"
    elif checked == "done" and after.finished is not None:
        line += f"; finished {after.finished.isoformat()}"
    if note is not None:
        line += f"; note {'removed' if not note else 'set'}"
    return line


def cmd_assign(
    store: ProgressStore,
    item_id: str,
    name: str | None,
    by: str | None,
    known_ids: Collection[str],
) -> str:
    """``migrate-tui assign ITEM_ID NAME``; an empty NAME (or None) unassigns.

    Returns:
        One line saying what changed, and a reminder if NAME is not in ``settings.team``.

    Raises:
        ProgressError: Unknown item, no name for ``by``, or the file cannot be read or saved.
    """
    check_item_id(item_id, known_ids)
    who = _check_by(by)
    assignee = (name or "").strip() or None
    state = store.apply([SetAssignee(item_id, assignee, who)])
    after = state.item(item_id).assignee
    line = f"{item_id}: assigned to {after}" if after else f"{item_id}: unassigned"
    line += f" (by {who})"
    if after != assignee:
        line += f"; a later change by {state.item(item_id).changed_by or 'someone'} wins"
    team = state.settings.team
    if assignee and team and assignee not in team:
        line += f"\nnote: {assignee} is not in the team ({', '.join(team)})"
    return line


def cmd_status(
    store: ProgressStore,
    plan_items: Iterable[PlanRow],
    fmt: Literal["text", "json"] = "text",
    *,
    plan: Plan | None = None,
    ranges: tuple[float, float] = (1.0, 1.0),
    today: dt.date | None = None,
) -> str:
    """``migrate-tui status --format text|json``: the figures, as text or JSON.

    Args:
        store: The progress file.
        plan_items: The plan's checklist rows.
        fmt: ``text`` or ``json``.
        plan: The plan, for the forecast (:mod:`.forecast`); None leaves it out.
        ranges: The plan's ``range_low`` and ``range_high`` factors, for the forecast's.
        today: The day the forecast is made (default: today, UTC).
    """
    from migrate_tui.progress.forecast import forecast, render_forecast_text

    state = store.load()
    summary = summarize(state, plan_items)
    fc = None
    if plan is not None:
        as_of = today or dt.datetime.now(dt.timezone.utc).date()
        fc = forecast(plan, state, as_of=as_of, range_low=ranges[0], range_high=ranges[1])
    if fmt == "json":
        data: dict[str, object] = dict(summary)
        if fc is not None:
            data["forecast"] = fc.to_json()
        return json.dumps(data, indent=2) + "\n"
    text = render_status_text(summary)
    return text + render_forecast_text(fc) if plan is not None else text


def cmd_merge_driver(
    base: str | os.PathLike[str], ours: str | os.PathLike[str], theirs: str | os.PathLike[str]
) -> int:
    """``migrate-tui merge-driver %O %A %B``: the exit code for git (0 merged, 1 not)."""
    return merge_driver(base, ours, theirs)
