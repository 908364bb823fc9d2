"""Three-way merge of progress states, and the git merge driver built on it.

The same merge serves two people saving one file at once (the store merges this session's
changes into what is on disk) and two git branches (``migrate-tui merge-driver``).

Rules, item by item and setting by setting:

- what only one side changed (relative to the base) is taken from that side, so the union
  of both sides' work survives;
- in an item both sides changed, a field only one side changed still comes from that side;
  a field both changed differently comes from the side whose item was changed last
  (``changed_at``);
- an item's ``status``, ``started`` and ``finished`` go together (a status and the days it
  started and finished are one fact): when both sides changed them differently and both
  say ``done``, the item is done, started on the earliest day either side knows of and
  finished on the earlier finish (it was done the first time someone finished it; the
  other side did it again without knowing); otherwise all three come from the side whose
  item was changed last;
- a setting both sides changed comes from the side that changed it last
  (``settings.changed_at``); for ``team`` both sides' additions and removals are kept;
- equal times are broken by comparing the values, so the merge gives the same result
  whichever side is "ours";
- a time in the future (more than :data:`~migrate_tui.progress.changes.CLOCK_SKEW`
  ahead of now) counts as no time: a real change on the other side wins over it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

from migrate_tui.errors import ProgressError
from migrate_tui.fsio import write_bytes_safely
from migrate_tui.masking import mask_secrets
from migrate_tui.progress.changes import (
    Leaf,
    SettingPath,
    believed,
    future_times,
    setting_leaves,
    settings_from_leaves,
)
from migrate_tui.progress.document import DEFAULT_NAME, dumps_state, header_name, read_state
from migrate_tui.progress.model import UNTOUCHED, ItemState, ProgressState, Settings, utc_now
from migrate_tui.text import visible

T = TypeVar("T")
_NEVER = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
_ITEM_FIELDS = ("assignee", "note", "changed_by", "changed_at")
_PROGRESS_FIELDS = ("status", "started", "finished")
"""Merged as one: the status and the days it started and finished."""
_VERDICT_FIELDS = ("verdict", "evidence", "verified_at")
"""Recorded by ``verify --update`` with their own time: merged as one group, the later
``verified_at`` winning, whatever the person-made fields did."""


def _three_way(base: T, ours: T, theirs: T, pick: Callable[[], T]) -> T:
    """The side that changed; ``pick()`` when both changed, differently."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    return pick()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _later(
    ours: tuple[dt.datetime | None, Any], theirs: tuple[dt.datetime | None, Any],
    now: dt.datetime,
) -> bool:
    """Whether ``theirs`` (time, value) wins over ``ours``: later, or equal and greater.

    A time in the future is not believed: it counts as never.
    """
    key_o = (believed(ours[0], now) or _NEVER, _canonical(ours[1]))
    key_t = (believed(theirs[0], now) or _NEVER, _canonical(theirs[1]))
    return key_t > key_o


def merge_item(
    base: ItemState, ours: ItemState, theirs: ItemState, *, now: dt.datetime | None = None,
) -> ItemState:
    """One item, merged field by field (see the module's rules)."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    dumped = [s.model_dump(mode="json") for s in (base, ours, theirs)]
    current = now or utc_now()
    winner = theirs if _later((ours.changed_at, dumped[1]), (theirs.changed_at, dumped[2]),
                              current) else ours
    merged = {
        name: _three_way(
            getattr(base, name), getattr(ours, name), getattr(theirs, name),
            lambda name=name: getattr(winner, name),  # type: ignore[misc]
        )
        for name in _ITEM_FIELDS
    }
    progress = _three_way(_progress(base), _progress(ours), _progress(theirs),
                          lambda: _both_progress(_progress(ours), _progress(theirs), winner))
    merged.update(zip(_PROGRESS_FIELDS, progress, strict=True))
    groups = [tuple(getattr(s, name) for name in _VERDICT_FIELDS) for s in (base, ours, theirs)]

    def later_verdict() -> tuple[Any, ...]:
        return groups[2] if _later((ours.verified_at, groups[1]),
                                   (theirs.verified_at, groups[2]), current) else groups[1]

    verdict = _three_way(groups[0], groups[1], groups[2], later_verdict)
    merged.update(zip(_VERDICT_FIELDS, verdict, strict=True))
    return ItemState.model_validate(merged)


_Progress = tuple[str, dt.date | None, dt.date | None]


def _progress(item: ItemState) -> _Progress:
    return item.status, item.started, item.finished


def _both_progress(ours: _Progress, theirs: _Progress, winner: ItemState) -> _Progress:
    """Both sides changed the status or its days: both done, the earlier days; else the
    side changed last."""
    if ours[0] == theirs[0] == "done":
        starts = [d for d in (ours[1], theirs[1]) if d is not None]
        finishes = [d for d in (ours[2], theirs[2]) if d is not None]
        # (a start recorded on one side only may come after the other side's finish: the
        # work began no later than the first day either side knows of)
        return "done", min(starts + finishes) if starts else None, min(finishes, default=None)
    return _progress(winner)


def _merge_team(base: Any, first: Any, second: Any) -> tuple[str, ...]:
    """Both sides' additions and removals; ``first``'s order, then ``second``'s additions."""
    b, f, s = (tuple(x or ()) for x in (base, first, second))
    removed = (set(b) - set(f)) | (set(b) - set(s))
    return tuple(dict.fromkeys(name for name in (*f, *s) if name not in removed))


def _merge_leaf(
    path: SettingPath, base: Leaf, ours: Leaf, theirs: Leaf, now: dt.datetime,
) -> Leaf:
    def pick() -> Leaf:
        later = _later((ours[1], ours[0]), (theirs[1], theirs[0]), now)
        winner, loser = (theirs, ours) if later else (ours, theirs)
        if path == ("team",):
            return _merge_team(base[0], winner[0], loser[0]) or None, winner[1]
        return winner

    return _three_way(base, ours, theirs, pick)


def merge_settings(
    base: Settings, ours: Settings, theirs: Settings, *, now: dt.datetime | None = None,
) -> Settings:
    """The settings, merged leaf by leaf (see the module's rules)."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    current = now or utc_now()
    leaves = [setting_leaves(s) for s in (base, ours, theirs)]
    merged: dict[SettingPath, Leaf] = {}
    for path in sorted({p for side in leaves for p in side}):
        b, o, t = (side.get(path, (None, None)) for side in leaves)
        merged[path] = _merge_leaf(path, b, o, t, current)
    return settings_from_leaves(merged)


def merge_states(
    base: ProgressState, ours: ProgressState, theirs: ProgressState, *,
    now: dt.datetime | None = None,
) -> ProgressState:
    """Merge two progress states that both started from ``base``.

    Args:
        base: The common ancestor (an empty state if there is none).
        ours: One side.
        theirs: The other side.
        now: The current time, against which times in the future are told (default:
            :func:`~migrate_tui.progress.model.utc_now`).

    Returns:
        The union of both sides' changes; where both changed the same thing, the later
        change.
    """
    current = now or utc_now()
    items: dict[str, ItemState] = {}
    for item_id in sorted({*base.items, *ours.items, *theirs.items}):
        merged = merge_item(base.item(item_id), ours.item(item_id), theirs.item(item_id),
                            now=current)
        if merged != UNTOUCHED:
            items[item_id] = merged
    return ProgressState.model_validate({
        "schema": ours.schema_version,
        "settings": merge_settings(base.settings, ours.settings, theirs.settings, now=current),
        "items": items,
    })


def merge_driver(
    base_path: str | os.PathLike[str],
    ours_path: str | os.PathLike[str],
    theirs_path: str | os.PathLike[str],
    *,
    stderr: TextIO | None = None,
) -> int:
    """Git's merge driver for progress files: ``migrate-tui merge-driver %O %A %B``.

    Reads the three versions git hands over, merges them with :func:`merge_states` and
    writes the result into ``ours_path`` (git's ``%A``), which git then takes as the
    merged file. A missing or empty base (the file was added on both branches) is an
    empty state. A time in the future on either side counts as no time (see
    :func:`merge_states`) and is named on ``stderr``, which git shows.

    Args:
        base_path: The common ancestor's version (``%O``).
        ours_path: The current branch's version (``%A``); receives the result.
        theirs_path: The other branch's version (``%B``).
        stderr: Where problems are reported (default: ``sys.stderr``).

    Returns:
        0 when merged; 1 when a version cannot be read or validated, in which case no file
        is changed and git reports a conflict.
    """
    err_out = stderr if stderr is not None else sys.stderr
    ours_file = Path(ours_path)
    try:
        read = [read_state(Path(p)) for p in (base_path, ours_path, theirs_path)]
        ours_raw = read[1][1]
        name = (header_name(ours_raw.decode("utf-8")) if ours_raw else None) or DEFAULT_NAME
        merged = merge_states(*(state for state, _ in read))
        ignored = dict.fromkeys([*future_times(read[1][0]), *future_times(read[2][0])])
        for where in ignored:
            print(f"migrate-tui merge-driver: {visible(mask_secrets(where), one_line=True)} is in "
                  "the future: it counted as no time in the merge (a real change wins over it)",
                  file=err_out)
        # git names %A (a file it made in the work tree): written like a path the user named
        write_bytes_safely(ours_file, dumps_state(merged, name).encode("utf-8"),
                           allowed_root=None, user_named=True, error=ProgressError)
    except ProgressError as err:
        print(f"migrate-tui merge-driver: cannot merge the progress file:\n"
              f"{mask_secrets(err.render())}",
              file=err_out)
        return 1
    except OSError as err:
        print(f"migrate-tui merge-driver: cannot write {ours_file}: {err}", file=err_out)
        return 1
    return 0
