"""The translation ledger as Markdown: one renderer for ``migrate-tui ledger --format
markdown`` and for the plan's "Translation" section.

Per service, a heading, its entries counted by status, and a table of the entries listed
(the ledger command lists them all; the plan lists what needs a person: ``decide``,
``approximated``, ``dropped``, and counts the ``mapped`` ones). Entries of one service that
say the same thing (status, target, why) share a row, their keys listed together: a
dev-only service's twenty dropped keys are one row.

A plan's section must fit in what GitHub renders: in full when it fits the room it is
given, else grouped across services (one row per key, status and reason, naming the
services), else only counted (one row per key and status). Every text from the project is
escaped (:func:`~migrate_tui.export.markdown_text.md`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Protocol

from migrate_tui.export.markdown_text import lines_within, md, size
from migrate_tui.text import plural

STATUSES = ("mapped", "approximated", "dropped", "decide")
"""The ledger's statuses, in the order they are counted (as the ledger command does)."""
NEEDS_YOU = ("decide", "approximated", "dropped")
"""The statuses the plan lists, most pressing first."""
TABLE_HEAD = ["| key | status | target | why |", "| --- | --- | --- | --- |"]
LISTED_SERVICES = 12
"""Services named in a row of the grouped form; the rest are counted."""


class LedgerRow(Protocol):
    """An entry of the ledger (:class:`~migrate_tui.manifests.model.LedgerEntry`)."""

    @property
    def service(self) -> str:
        """The Compose service."""

    @property
    def key(self) -> str:
        """The dotted key path."""

    @property
    def status(self) -> str:
        """mapped, approximated, dropped or decide."""

    @property
    def target(self) -> str:
        """The manifest file and object."""

    @property
    def why(self) -> str:
        """One sentence."""


def _by_service(entries: Iterable[LedgerRow]) -> dict[str, list[LedgerRow]]:
    out: dict[str, list[LedgerRow]] = {}
    for e in entries:
        out.setdefault(e.service, []).append(e)
    return out


def counts_line(entries: Iterable[LedgerRow]) -> str:
    """``12 mapped, 3 approximated, 0 dropped, 1 decide``."""
    counts = Counter(e.status for e in entries)
    return ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)


def _rows(entries: Sequence[LedgerRow], listed: Collection[str]) -> Iterator[str]:
    """The table rows of one service's listed entries, the same saying sharing a row."""
    keys: dict[tuple[str, str, str], list[str]] = {}
    for e in entries:
        if e.status in listed:
            keys.setdefault((e.status, e.target, e.why), []).append(e.key or "(service)")
    order = {s: i for i, s in enumerate(listed)}
    for (status, target, why), names in sorted(keys.items(), key=lambda kv: order[kv[0][0]]):
        yield f"| {', '.join(md(k) for k in names)} | {status} | {md(target)} | {md(why)} |"


def service_tables(entries: Iterable[LedgerRow], *, heading: str,
                   listed: Collection[str] = STATUSES) -> Iterator[str]:
    """Per service: a heading, its counts, and a table of its entries in ``listed``.

    Args:
        entries: The ledger, by service.
        heading: The Markdown heading's hashes (``##``).
        listed: The statuses whose entries are listed, in this order; the others are
            only counted.
    """
    for service, mine in _by_service(entries).items():
        rows = list(_rows(mine, listed))
        yield from [f"{heading} {md(service)}", "", f"_{counts_line(mine)}_", ""]
        if rows:
            yield from [*TABLE_HEAD, *rows, ""]


def ledger_document(project: str, entries: Sequence[LedgerRow]) -> str:
    """The whole ledger as a Markdown document (``migrate-tui ledger --format markdown``)."""
    lines = [f"# Translation ledger: {md(project)}", "", counts_line(entries), "",
             *service_tables(entries, heading="##")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def translation_section(entries: Sequence[LedgerRow], active: Collection[str],
                        room: int) -> list[str]:
    """The plan's "Translation" section, in at most ``room`` bytes where it can be.

    Args:
        entries: The ledger.
        active: The services the plan covers (those behind profiles not enabled are left
            out, as everywhere in the plan).
        room: The most bytes the section should take: in full when it fits, else grouped
            across services, else counted (whose size depends only on the keys).
    """
    mine = [e for e in entries if e.service in active]
    head = ["## Translation", "",
            "What became of every Compose key in the generated Kubernetes manifests "
            "(`migrate-tui manifests -o DIR`; the whole ledger: `migrate-tui ledger`). "
            "Listed: what needs a person (`decide`), what is close but not the same "
            "(`approximated`) and what has no place in the cluster (`dropped`); the keys "
            "translated as Compose says them are only counted.", "",
            f"In all: {counts_line(mine)}.", ""]
    if not mine:
        return [*head[:2], "No service is deployed, so no key is translated.", ""]
    left = room - size(head)
    listed = lines_within(_in_full(mine), left)
    if listed is None:
        groups = _needing_you(mine)  # one pass over the ledger for both shorter forms
        listed = lines_within(_grouped(groups), left)
        if listed is None:
            listed = list(_counted(groups))
    return head + listed


def _in_full(entries: Sequence[LedgerRow]) -> Iterator[str]:
    """Each service with something to read, then the services whose keys are all mapped."""
    quiet = []
    for service, mine in _by_service(entries).items():
        if any(e.status in NEEDS_YOU for e in mine):
            yield from service_tables(mine, heading="###", listed=NEEDS_YOU)
        else:
            quiet.append(service)
    if quiet:
        yield f"Every key mapped: {', '.join(md(s) for s in quiet)}."
        yield ""


_Groups = dict[tuple[str, str, str], list[str]]
"""The services of each status, top-level key and reason that needs a person."""


def _needing_you(entries: Sequence[LedgerRow]) -> _Groups:
    """The entries that need a person, by status, top-level key and reason: their services."""
    groups: _Groups = {}
    for e in entries:
        if e.status in NEEDS_YOU:
            top = e.key.partition(".")[0].partition("[")[0] or "(service)"
            services = groups.setdefault((e.status, top, e.why), [])
            if not services or services[-1] != e.service:
                services.append(e.service)
    return groups


def _grouped(groups: _Groups) -> Iterator[str]:
    """One row per key, status and reason, naming the services it concerns."""
    order = {s: i for i, s in enumerate(NEEDS_YOU)}
    yield from ["Too many services to list each: the entries are grouped by key and "
                "reason.", "", "| key | status | why | services |", "| --- | --- | --- | --- |"]
    for (status, top, why), services in sorted(
            groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1], -len(kv[1]))):
        named = ", ".join(md(s) for s in services[:LISTED_SERVICES])
        more = len(services) - LISTED_SERVICES
        yield (f"| {md(top)} | {status} | {md(why)} | {named}"
               + (f" and {more} more" if more > 0 else "") + " |")
    yield ""


def _counted(groups: _Groups) -> Iterator[str]:
    """One row per key and status: how many entries, of how many services."""
    counts: dict[tuple[str, str], set[str]] = {}
    for (status, top, _), named in groups.items():
        counts.setdefault((status, top), set()).update(named)
    order = {s: i for i, s in enumerate(NEEDS_YOU)}
    yield from ["Too many to list: counted by key (`migrate-tui ledger` lists each).", "",
                "| key | status | services |", "| --- | --- | --- |"]
    for (status, top), services in sorted(counts.items(),
                                          key=lambda kv: (order[kv[0][0]], kv[0][1])):
        yield f"| {md(top)} | {status} | {plural(len(services), 'service')} |"
    yield ""
