"""Progress figures for ``migrate-tui status``, and items the plan no longer has.

The plan is passed in as rows, ``(item_id, phase_id, service or None, text)``, so this
module needs nothing from ``planning/``. An item the file holds but the plan does not (its
service was removed or renamed) is *orphaned*: it stays in the file, is reported, and never
counts in the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TypedDict

from migrate_tui.progress.model import FINISHED, ProgressState
from migrate_tui.text import visible

PlanRow = tuple[str, str, str | None, str]
"""One checklist item of the plan: ``(item_id, phase_id, service or None, text)``."""


class Count(TypedDict):
    """Done (or skipped) and all items of a group."""

    done: int
    total: int


class StatusSummary(TypedDict):
    """What ``migrate-tui status --format json`` prints."""

    done: int
    total: int
    phases: dict[str, Count]
    """In plan order."""
    services: dict[str, Count]
    """Sorted by name; project-wide items are in no service."""
    people: dict[str, Count]
    """By assignee, sorted; unassigned items are in no one's count."""
    orphaned: list[str]
    """Item ids in the file but not in the plan, sorted."""
    open: list[OpenItem]
    """Blocked, then doing items, in plan order, whoever owns them (or nobody)."""
    verified: int
    """Items ``verify --update`` last found verified in the manifests."""
    contradicted: list[ContradictedItem]
    """Items it last found contradicted, in plan order: ticked ones (``done``) first."""


class ContradictedItem(TypedDict):
    """An item the manifests contradict, as ``verify --update`` recorded it."""

    id: str
    status: str
    evidence: str | None
    verified_at: str | None


class OpenItem(TypedDict):
    """An item someone has to look at: blocked, or being worked on."""

    id: str
    status: str
    assignee: str | None
    note: str | None
    text: str


OPEN_STATUSES = ("blocked", "doing")
"""The statuses ``status`` lists item by item, in this order."""


def reconcile(state: ProgressState, plan_item_ids: Iterable[str]) -> list[str]:
    """The items of the file that the plan no longer has, sorted.

    They are kept in the file (a service may come back, a rename may be undone); show them
    as orphaned.
    """
    known = set(plan_item_ids)
    return sorted(item_id for item_id in state.items if item_id not in known)


def summarize(state: ProgressState, plan_items: Iterable[PlanRow]) -> StatusSummary:
    """Done and total items: overall, per phase, per service, per person.

    Done counts ``done`` and ``skipped``.

    Args:
        state: The saved progress.
        plan_items: The plan's checklist, in plan order.
    """
    rows = list(plan_items)
    phases: dict[str, Count] = {}
    services: dict[str, Count] = {}
    people: dict[str, Count] = {}
    open_items: dict[str, list[OpenItem]] = {status: [] for status in OPEN_STATUSES}
    done = verified = 0
    contradicted: list[ContradictedItem] = []

    def count(groups: dict[str, Count], key: str, finished: bool) -> None:
        group = groups.setdefault(key, {"done": 0, "total": 0})
        group["total"] += 1
        group["done"] += int(finished)

    for item_id, phase, service, text in rows:
        item = state.item(item_id)
        finished = item.status in FINISHED
        done += int(finished)
        count(phases, phase, finished)
        if service is not None:
            count(services, service, finished)
        if item.assignee is not None:
            count(people, item.assignee, finished)
        verified += int(item.verdict == "verified")
        if item.verdict == "contradicted":
            contradicted.append({"id": item_id, "status": item.status, "evidence": item.evidence,
                                 "verified_at": _stamp(item.verified_at)})
        if item.status in open_items:
            open_items[item.status].append({"id": item_id, "status": item.status,
                                            "assignee": item.assignee, "note": item.note,
                                            "text": text})
    return {
        "done": done,
        "total": len(rows),
        "phases": phases,
        "services": dict(sorted(services.items())),
        "people": dict(sorted(people.items())),
        "orphaned": reconcile(state, (row[0] for row in rows)),
        "open": [item for status in OPEN_STATUSES for item in open_items[status]],
        "verified": verified,
        "contradicted": sorted(contradicted, key=lambda i: i["status"] != "done"),
    }


def _stamp(when: dt.datetime | None) -> str | None:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when is not None else None


def _verdict_rows(summary: StatusSummary) -> list[str]:
    """The verdicts ``verify --update`` recorded: a ticked item the manifests contradict
    stands out (``!!``), one line each with its evidence; the others are counted."""
    found = summary["contradicted"]
    if not summary["verified"] and not found:
        return []
    ticked = [i for i in found if i["status"] == "done"]
    lines = ["", f"Manifests (verify --update): {summary['verified']} verified, "
             f"{len(found)} contradicted"]
    if ticked:
        width = max(len(i["id"]) for i in ticked)
        lines += ["", f"Ticked but contradicted ({len(ticked)})"]
        lines += [f"  !! {visible(i['id']):<{width}}  {visible(i['evidence'] or '')}"
                  for i in ticked]
    return lines


BAR_WIDTH = 20


def _bar(done: int, total: int) -> str:
    filled = round(BAR_WIDTH * done / total) if total else 0
    return "[" + "#" * filled + "." * (BAR_WIDTH - filled) + "]"


def _percent(done: int, total: int) -> str:
    return f"{100 * done // total:3d}%" if total else "  -%"


def _rows(title: str, groups: Mapping[str, Count]) -> list[str]:
    if not groups:
        return []
    width = max(len(name) for name in groups)
    digits = len(str(max(g["total"] for g in groups.values())))
    lines = ["", title]
    for name, g in groups.items():
        figures = f"{g['done']:>{digits}}/{g['total']:<{digits}}"
        lines.append(f"  {name:<{width}}  {figures}  {_bar(g['done'], g['total'])} "
                     f"{_percent(g['done'], g['total'])}")
    return lines


def _open_rows(status: str, items: list[OpenItem]) -> list[str]:
    """``Blocked (2)`` and one aligned line per item: id, owner or nobody, text: note."""
    if not items:
        return []
    owners = [visible(i["assignee"] or "nobody") for i in items]
    id_width = max(len(i["id"]) for i in items)
    owner_width = max(len(o) for o in owners)
    lines = ["", f"{status.capitalize()} ({len(items)})"]
    for item, owner in zip(items, owners, strict=True):
        note = f": {visible(item['note'])}" if item["note"] else ""
        lines.append(f"  {visible(item['id']):<{id_width}}  {owner:<{owner_width}}  "
                     f"{visible(item['text'])}{note}")
    return lines


def render_status_text(summary: StatusSummary) -> str:
    """The summary as aligned plain text, with progress bars made of ``#`` and ``.``."""
    done, total = summary["done"], summary["total"]
    lines = [f"Progress  {done}/{total}  {_bar(done, total)} {_percent(done, total).strip()}"]
    lines += _rows("Phases", summary["phases"])
    lines += _rows("Services", summary["services"])
    lines += _rows("People", summary["people"])
    for status in OPEN_STATUSES:
        lines += _open_rows(status, [i for i in summary["open"] if i["status"] == status])
    lines += _verdict_rows(summary)
    orphaned = summary["orphaned"]
    if orphaned:
        lines += ["", f"Orphaned ({len(orphaned)}): in the progress file, no longer in the plan"]
        lines += [f"  {item_id}" for item_id in orphaned]
    return "\n".join(lines) + "\n"
