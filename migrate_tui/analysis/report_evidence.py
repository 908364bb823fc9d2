"""The data inventory, the routes, the proxies and the upstream charts in the analysis'
JSON and text report (:mod:`.report` calls these; kept apart to keep that file short)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from migrate_tui.analysis.model import Analysis, DataStore, Route

Paint = Callable[[str, str], str]
"""``paint(text, style)``: the report's colours (or none)."""
Wrap = Callable[[str, int, str], list[str]]
"""``wrap(text, indent, first)``: the report's wrapping to its width."""


def _store_json(d: DataStore) -> dict[str, Any]:
    return {
        "id": d.id, "type": d.type, "writers": list(d.writers), "readers": list(d.readers),
        "paths": list(d.paths), "data": d.data, "software": d.software,
        "access_mode": d.access_mode, "backup": d.backup, "reason": d.reason,
        "file": d.evidence.file, "line": d.evidence.line,
    }


def _route_json(r: Route) -> dict[str, Any]:
    return {
        "service": r.service, "source": r.source, "hosts": list(r.hosts), "path": r.path,
        "port": r.port, "port_end": r.port_end, "published": r.published,
        "protocol": r.protocol, "tls": r.tls,
        "websocket": r.websocket, "target": r.target, "notes": list(r.notes),
        "file": r.evidence.file, "line": r.evidence.line,
    }


def evidence_json(a: Analysis) -> dict[str, Any]:
    """The keys ``data``, ``routes``, ``proxies`` and ``charts`` of the analysis' JSON."""
    return {
        "data": [_store_json(d) for d in a.data],
        "routes": [_route_json(r) for r in a.routes],
        "proxies": [asdict(p) for p in a.proxies],
        "charts": [{**asdict(c), "services": list(c.services)} for c in a.charts],
    }


def route_text(r: Route) -> str:
    """One route in words: ``app.example.com/api -> :8000 (Traefik, TLS): Ingress``."""
    where = ", ".join(f"{h}{r.path or ''}" for h in r.hosts) or (
        f"host port {r.published}" if r.published else "no host")
    to = f":{r.port}" + (f"-{r.port_end}" if r.port_end else "") if r.port else ""
    how = [r.source] + (["TLS"] if r.tls else []) + (["WebSocket"] if r.websocket else [])
    return f"{where} -> {r.service}{to}/{r.protocol} ({', '.join(how)}): {r.target}"


def store_text(d: DataStore) -> str:
    """One store in words: ``volume pgdata: PostgreSQL, written by db (ReadWriteOnce)``."""
    what = d.software or d.data
    if d.data == "cache":
        what = f"{d.software} cache, persistence off: no backup"
    readers = f", read by {', '.join(d.readers)}" if d.readers else ""
    return f"{d.id}: {what}, written by {', '.join(d.writers)}{readers} ({d.access_mode})"


def evidence_text(a: Analysis, paint: Paint, wrap: Wrap) -> list[str]:
    """The report's sections on data, routing and upstream charts (none when empty)."""
    out: list[str] = []

    def lines(texts: list[str]) -> None:
        for text in texts:
            out.extend(wrap(text, 4, "  "))
        out.append("")

    if a.data:
        out.append(paint("DATA", "heading") + "  every volume and host folder written")
        lines([store_text(d) for d in a.data])
    if a.routes or a.proxies:
        out.append(paint("ROUTING", "heading") + "  how traffic gets in")
        lines([route_text(r) for r in a.routes] +
              [f"{p.service} ({p.software}): replaced by an Ingress; it {p.reason}"
               for p in a.proxies])
    if a.charts:
        out.append(paint("UPSTREAM CHARTS", "heading") + "  maintained charts and operators")
        lines([f"{c.name} ({c.kind}) for {', '.join(c.services)}: {c.saves}"
               for c in a.charts])
    return out[:-1]
