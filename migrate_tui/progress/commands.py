"""The progress subcommands, for ``cli.py`` to call.

``set``, ``assign``, ``status`` and ``merge-driver``.
Each returns the text to print (or the exit code), and raises :class:`ProgressError` for
anything the user has to fix; the CLI prints it and exits 2.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Collection, Iterable
from typing import Literal

from migrate_tui.errors import ProgressError
from migrate_tui.progress.changes import Change, SetAssignee, SetNote, SetStatus
from migrate_tui.progress.merge import merge_driver
from migrate_tui.progress.model import STATUSES, Status
from migrate_tui.progress.status import PlanRow, render_status_text, summarize
from migrate_tui.progress.store import ProgressStore


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


def cmd_set(
    store: ProgressStore,
    item_id: str,
    status: str,
    by: str | None,
    note: str | None,
    known_ids: Collection[str],
) -> str:
    """``migrate-tui set ITEM_ID --status STATUS --by NAME [--note TEXT]``.

    Args:
        store: The progress file.
        item_id: The checklist item.
        status: todo, doing, done, skipped or blocked.
        by: Who makes the change (the CLI defaults it to :func:`git_user_name`).
        note: A new note; None keeps the note, "" removes it.
        known_ids: The plan's item ids.

    Returns:
        One line saying what changed.

    Raises:
        ProgressError: Unknown item or status, no name, or the file cannot be read or saved.
    """
    check_item_id(item_id, known_ids)
    checked = _check_status(status)
    who = _check_by(by)
    before = store.load().item(item_id).status
    changes: list[Change] = [SetStatus(item_id, checked, who)]
    if note is not None:
        changes.append(SetNote(item_id, note, who, at=changes[0].at))
    after = store.apply(changes).item(item_id)
    line = f"{item_id}: {before} -> {after.status} (by {who})"
    if after.status != checked:
        line += f"; a later change by {after.changed_by or 'someone'} wins"
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
    store: ProgressStore, plan_items: Iterable[PlanRow], fmt: Literal["text", "json"] = "text"
) -> str:
    """``migrate-tui status --format text|json``: the figures, as text or JSON."""
    summary = summarize(store.load(), plan_items)
    if fmt == "json":
        return json.dumps(summary, indent=2) + "\n"
    return render_status_text(summary)


def cmd_merge_driver(
    base: str | os.PathLike[str], ours: str | os.PathLike[str], theirs: str | os.PathLike[str]
) -> int:
    """``migrate-tui merge-driver %O %A %B``: the exit code for git (0 merged, 1 not)."""
    return merge_driver(base, ours, theirs)
