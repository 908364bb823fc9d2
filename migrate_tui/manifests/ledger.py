"""The translation ledger: every Compose key of every service, and what became of it.

The builders note the keys they translate; :func:`complete` accounts for the rest, from
``playbooks/manifests/keys.yaml``, so each key that ``config --format json`` prints for
an active service has at least one entry. The renderings (JSON, Markdown, text) are here
too: one function each, for the CLI and any other front.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.model import STATUSES, LedgerEntry, Manifests
from migrate_tui.text import visible


def _covered(keys: Iterable[str]) -> set[str]:
    """The keys, and the top-level key of each (``ports`` of ``ports[0]``)."""
    out = set(keys)
    out |= {k.partition(".")[0].partition("[")[0] for k in out}
    return out


def _special(ctx: Context, f: ServiceFacts, key: str) -> LedgerEntry | None:
    """The keys whose word depends on the service (not a fixed table row)."""
    name = f.name
    where = f"{f.file} {f.workload}/{f.label}" if f.workload else ""
    value = f.svc.get(key)
    if key == "x-migrate":
        return LedgerEntry(service=name, key=key, status="mapped", target=where,
                           why="migrate-tui's own hints: read into the class, kind, storage "
                               "and schedule of these manifests")
    if key.startswith("x-"):
        return LedgerEntry(service=name, key=key, status="dropped", target="",
                           why="an extension field: Compose ignores it, and so does the "
                               "cluster; if a tool of yours reads it, give it the same "
                               "setting in an overlay (an annotation or its own config)")
    if key == "profiles":
        return LedgerEntry(service=name, key=key, status="mapped", target=where,
                           why="its profile is enabled: it is deployed like the others")
    if key == "network_mode":
        mode = str(value)
        if mode.startswith("service:"):
            return LedgerEntry(service=name, key=key, status="decide", target=where,
                               why=f"shares the network of {mode[8:]}, which is not "
                               "deployed: give it its own pod or deploy that service")
        if mode == "host":
            return LedgerEntry(service=name, key=key, status="decide", target=where,
                               why="host networking: hostNetwork: true in an overlay if it "
                               "really needs the node's interfaces; ports then bind on it")
        if mode == "none":
            return LedgerEntry(service=name, key=key, status="approximated", target=where,
                               why="no network: a NetworkPolicy denying all would be closest")
        return LedgerEntry(service=name, key=key, status="approximated", target=where,
                           why="one pod network: the mode has no equivalent")
    if key in ("environment", "deploy", "labels", "healthcheck", "volumes", "ports",
               "expose", "secrets", "configs", "tmpfs", "depends_on"):
        rule = ctx.keys.keys.get(key)
        if rule is None:
            return LedgerEntry(service=name, key=key, status="mapped", target=where,
                               why="nothing in it to translate")
    return None


def complete(ctx: Context, entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """The builders' entries and one for every key they left, sorted by service."""
    by_service: dict[str, list[LedgerEntry]] = {}
    for e in entries:
        by_service.setdefault(e.service, []).append(e)
    out: list[LedgerEntry] = []
    for name, f in ctx.facts.items():
        out += complete_service(ctx, f, by_service.get(name, []))
    return out


def complete_service(ctx: Context, f: ServiceFacts,
                     mine: list[LedgerEntry]) -> list[LedgerEntry]:
    """One service's entries (``mine``, from the builders) and one for every key they left.

    It reads ``f``, ``mine`` and the key table, nothing else (what a re-generation that
    reuses it keys on).
    """
    name = f.name
    if not f.deployed:
        if not f.analysis.active:
            return [LedgerEntry(service=name, key="profiles", status="dropped",
                                target="", why=f.workload_why)]
        return [LedgerEntry(service=name, key=key, status="dropped", target="",
                            why=f.workload_why) for key in _printed_keys(f)]
    covered = _covered(e.key for e in mine)
    extra = []
    for key in _printed_keys(f):
        if key in covered:
            continue
        special = _special(ctx, f, key)
        if special is not None:
            extra.append(special)
            continue
        rule = ctx.keys.keys.get(key)
        if rule is None:
            extra.append(LedgerEntry(service=name, key=key, status="decide", target="",
                                     why="no rule covers this key yet: check it by hand"))
        else:
            extra.append(LedgerEntry(service=name, key=key, status=rule.status,
                                     target=rule.target, why=rule.why))
    return _dedupe(mine) + extra


def _printed_keys(f: ServiceFacts) -> list[str]:
    """The keys ``config`` prints for the service: its settings, then its ``x-`` fields."""
    return [*f.svc.raw, *f.svc.extensions]


def _dedupe(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for e in entries:
        key = (e.key, e.status, e.target, e.why)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


# ---------------------------------------------------------------------- renderings


def ledger_json(manifests: Manifests) -> str:
    """``{"project": ..., "entries": [...]}``, indented, ending in a newline."""
    return json.dumps({"project": manifests.project,
                       "entries": [e.to_json() for e in manifests.ledger]},
                      indent=2, ensure_ascii=False) + "\n"


def ledger_markdown(manifests: Manifests) -> str:
    """A Markdown table per service, with the count of each status first.

    The one Markdown rendering of the ledger, shared with the plan's Translation section
    (:mod:`migrate_tui.export.translation`).
    """
    from migrate_tui.export.translation import ledger_document  # (not for generating)

    return ledger_document(manifests.project, manifests.ledger)


def ledger_text(manifests: Manifests) -> str:
    """One line per entry, grouped by service, control characters shown escaped."""
    lines = []
    service = None
    for e in manifests.ledger:
        if e.service != service:
            service = e.service
            lines.append(visible(service))
        lines.append(f"  {e.status:<12} {visible(e.key or '(service)')}: {visible(e.why)}"
                     + (f"  [{visible(e.target)}]" if e.target else ""))
    counts = Counter(e.status for e in manifests.ledger)
    lines.append(", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES))
    return "\n".join(lines) + "\n"


RENDERERS = {"json": ledger_json, "markdown": ledger_markdown, "text": ledger_text}
"""The ledger's renderings, by ``--format``."""
