"""The analysis as the JSON contract and as a text report for a terminal.

The JSON (:func:`to_json`) is read by other tools and by our tests::

    {"services": {NAME: {"class", "kind", "reasons", "confidence", "overridden", "wave", ...}},
     "edges": [{"source", "target", "kind", "evidence", ...}],
     "waves": [[NAME, ...], ...],
     "cycles": [[NAME, ...], ...],
     "findings": [{"rule", "severity", "service", "message", "fix", "file", "line", "path"}]}

Keys beyond those are additions (``kind_reasons``, ``image``, the edge's ``file`` and
``line``, ``warnings``: the files the analysis could not read, as the CLI says them on
stderr...); the listed ones keep their meaning. The text report (:func:`render_text`)
groups and aligns; colour is plain ANSI, on only when the caller says the terminal has it.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from migrate_tui.analysis.findings.base import load_findings_playbook
from migrate_tui.analysis.model import SEVERITIES, Analysis, Edge, Evidence, Finding
from migrate_tui.analysis.report_evidence import evidence_json, evidence_text
from migrate_tui.gc_pause import gc_paused
from migrate_tui.text import plural, visible

WIDTH = 100
_MIN_TEXT = 30  # columns left for wrapped text however deep the indent
"""Width the text report wraps to."""


# ---------------------------------------------------------------------- JSON


def _edge_json(edge: Edge) -> dict[str, Any]:
    ev = edge.evidence
    return {
        "source": edge.source, "target": edge.target, "kind": edge.kind,
        "evidence": f"{ev.where}: {ev.text}" if ev.text else ev.where,
        "file": ev.file, "line": ev.line, "text": ev.text,
        "condition": edge.condition, "required": edge.required, "port": edge.port,
        "name": edge.name,
    }


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule, "severity": f.severity, "service": f.service, "message": f.message,
        "fix": f.fix, "file": f.evidence.file, "line": f.evidence.line, "path": f.evidence.path,
        "evidence": f.evidence.text, "variant": f.variant,
    }


@gc_paused
def to_json(analysis: Analysis) -> dict[str, Any]:
    """The analysis as the JSON contract (a dict ready for ``json.dumps``)."""
    return {
        "project": analysis.project,
        "services": {
            name: {
                "class": s.service_class, "kind": s.kind, "reasons": list(s.reasons),
                "confidence": s.confidence, "overridden": s.overridden, "wave": s.wave,
                "kind_reasons": list(s.kind_reasons), "image": s.image,
                "software": s.software, "category": s.category, "ports": list(s.ports),
                "active": s.active, "profiles": list(s.profiles),
            }
            for name, s in analysis.services.items()
        },
        "edges": [_edge_json(e) for e in analysis.edges],
        "waves": [list(w) for w in analysis.waves],
        "cycles": [list(c) for c in analysis.cycles],
        "findings": [_finding_json(f) for f in analysis.findings],
        **evidence_json(analysis),
        "warnings": list(analysis.warnings),
    }


# ---------------------------------------------------------------------- text

_STYLES = {
    "bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34",
    "magenta": "35", "cyan": "36",
    "high": "1;31", "medium": "33", "low": "36", "info": "2",
    "stateful": "35", "stateless": "32", "heading": "1;4",
}


class _Paint:
    """ANSI colours, or nothing."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        if not self.color or not text:
            return text
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"


def _wrap(text: str, indent: int, first: str = "") -> list[str]:
    """``first`` then ``text`` wrapped, continuation lines indented by ``indent``.

    A long service name can push ``indent`` past the page; the text then still gets
    ``_MIN_TEXT`` columns (the line runs past ``WIDTH`` rather than failing).
    """
    lines = textwrap.wrap(text, width=max(WIDTH - indent, _MIN_TEXT), break_long_words=False,
                          break_on_hyphens=False) or [""]
    pad = " " * indent
    return [first + lines[0]] + [pad + line for line in lines[1:]]


_plural = plural


def _summary(a: Analysis, paint: _Paint) -> list[str]:
    services = a.services.values()
    inactive = [s.name for s in services if not s.active]
    counts = {sev: sum(1 for f in a.findings if f.severity == sev) for sev in SEVERITIES}
    out = [paint(f"Analysis of {a.project}", "bold") + ": " + ", ".join([
        _plural(len(a.services), "service") + (f" ({len(inactive)} inactive)" if inactive else ""),
        _plural(len({(e.source, e.target) for e in a.edges if e.kind != 'shared_volume'}),
                "dependency", "dependencies"),
        _plural(len(a.waves), "start-up wave"),
        _plural(len(a.cycles), "cycle"),
    ]), ""]
    groups = [
        ("stateful", [s.name for s in services if s.service_class == "stateful"], "stateful"),
        ("stateless", [s.name for s in services if s.service_class == "stateless"
                       and s.kind == "service"], "stateless"),
        ("jobs", [s.name for s in services if s.kind == "job"], "bold"),
        ("dev-only", [s.name for s in services if s.kind == "dev-only"], "dim"),
        ("daemons", [s.name for s in services if s.kind == "daemon"], "cyan"),
        ("tools", [s.name for s in services if s.kind == "tool"], "dim"),
    ]
    for label, names, style in groups:
        if names:
            head = f"  {paint(f'{label:<10}', style)} {len(names):>3}  "
            out += _wrap(", ".join(names), 18, head)
    findings = "  ".join(paint(f"{counts[s]} {s}", s) for s in SEVERITIES if counts[s])
    out += ["", f"  {'findings':<10} {len(a.findings):>3}  {findings}"]
    return out


def _services(a: Analysis, paint: _Paint) -> list[str]:
    width = max([len(n) for n in a.services] + [7]) + (1 if any(
        not s.active for s in a.services.values()) else 0)
    out = [paint("SERVICES", "heading"),
           f"  {'service':<{width}}  {'class':<9}  {'kind':<8}  wave  conf  why"]
    for name, s in a.services.items():
        shown = name + ("*" if not s.active else "")
        if s.kind != "service" and s.kind_reasons:
            reasons = list(s.kind_reasons[:1])
        else:
            reasons = list(s.reasons[: 1 if s.confidence >= 0.7 else 2])
        reason = "; ".join(reasons)
        head = (f"  {shown:<{width}}  {paint(f'{s.service_class:<9}', s.service_class)}  "
                f"{s.kind:<8}  {s.wave:>4}  {s.confidence:.2f}  ")
        out += _wrap(reason, width + 37, head)
    if any(not s.active for s in a.services.values()):
        out.append(paint("  * inactive: its profiles are not enabled", "dim"))
    return out


def _waves(a: Analysis, paint: _Paint) -> list[str]:
    out = [paint("START-UP ORDER", "heading") + "  dependencies first; within a wave, most "
           "depended-on first"]
    for i, wave in enumerate(a.waves):
        names = [n + ("*" if not a.services[n].active else "") for n in wave]
        out += _wrap(", ".join(names), 11, f"  wave {i:<3}  ")
    if a.cycles:
        out += ["", paint("  cycles", "red") + "  (Kubernetes starts them together: each must "
                "retry until the others answer)"]
        for cycle in a.cycles:
            out.append("    " + " -> ".join([*cycle, cycle[0]]))
    return out


def _dependencies(a: Analysis, paint: _Paint) -> list[str]:
    ordered = [e for e in a.edges if e.kind != "shared_volume"]
    shared = [e for e in a.edges if e.kind == "shared_volume"]
    if not a.edges:
        return [paint("DEPENDENCIES", "heading") + "  none"]
    src_w = max(len(e.source) for e in a.edges)
    tgt_w = max(len(e.target) for e in a.edges)
    rows: list[tuple[str, str, str, str, str]] = []
    last_source = None
    for (source, target), group in groupby(ordered, key=lambda e: (e.source, e.target)):
        edges = list(group)
        rows.append((source if source != last_source else "", "->", target,
                     ", ".join(_kind_label(e) for e in edges),
                     _places(e.evidence for e in edges)))
        last_source = source
    rows += [(e.source, "<>", e.target, f"shared_volume {e.evidence.text.split(':')[0][7:]}",
              e.evidence.where) for e in shared]
    kind_w = max(len(r[3]) for r in rows)
    out = [paint("DEPENDENCIES", "heading") + "  A -> B: A needs B;  A <> B: they share a volume"]
    for source, arrow, target, kinds, where in rows:
        head = f"  {source:<{src_w}} {arrow} {target:<{tgt_w}}  {kinds:<{kind_w}}  "
        places = where.split(", ")
        line = head
        for i, place in enumerate(places):
            piece = place + ("," if i < len(places) - 1 else "")
            if line != head and _visible_len(line) + 1 + len(piece) > WIDTH:
                out.append(line)
                line = " " * len(head)
            line += ("" if line.endswith("  ") or not line.strip() else " ") + paint(piece, "dim")
        out.append(line)
    return out


def _places(evidence: Iterable[Evidence]) -> str:
    """``compose.yaml:12, :14, base.yaml:3``: each place once, a file named once in a row."""
    out: list[str] = []
    last_file = None
    for ev in evidence:
        shown = ev.where if ev.file != last_file or ev.line is None else f":{ev.line}"
        if ev.where not in out and shown not in out:
            out.append(shown)
        last_file = ev.file
    return ", ".join(out)


_CONDITIONS = {"service_started": "started", "service_healthy": "healthy",
               "service_completed_successfully": "completed"}


def _kind_label(edge: Edge) -> str:
    if edge.kind == "depends_on" and edge.condition:
        short = _CONDITIONS.get(edge.condition, edge.condition)
        return f"depends_on:{short}{'' if edge.required is not False else ':optional'}"
    return edge.kind


MANY_PLACES = 4
"""Above this many places for one message, the places are listed in a compact block."""


def _finding_lines(findings: list[Finding], paint: _Paint) -> list[str]:
    """One rule's findings: alike ones merged, each fix said once.

    Each entry starts with where to look and who it is about. Findings with the same message
    at the same place (a key inherited by several services) name all those services at that
    place; a message found at many places is said once, then the places follow.
    """
    out: list[str] = []
    by_fix: dict[str, list[Finding]] = {}
    for f in findings:
        by_fix.setdefault(f.fix, []).append(f)
    for fix, group in by_fix.items():
        by_message: dict[str, dict[str, list[str]]] = {}
        for f in group:
            places = by_message.setdefault(f.message, {})
            places.setdefault(f.evidence.where, []).append(f.service or "(project)")
        for message, places in by_message.items():
            if len(places) <= MANY_PLACES:
                for where, names in places.items():
                    head = f"    {paint(where, 'dim')}  "
                    indent = 4 + len(where) + 2
                    out += _wrap_items([paint(n, "bold") for n in names], indent, sep=", ",
                                       first=head)
                out += _wrap(message, 6, "      ")
            else:
                out += _wrap(message, 6, "    ")
                items = [paint(", ".join(names), "bold") + " " + paint(where, "dim")
                         for where, names in places.items()]
                out += _wrap_items(items, 6)
        out += _wrap(fix, 9, "    " + paint("fix:", "bold") + " ")
    return out


def _visible_len(text: str) -> int:
    import re

    return len(re.sub(r"\x1b\[[0-9;]*m", "", text))


def _wrap_items(items: Iterable[str], indent: int, sep: str = " · ",
                first: str | None = None) -> list[str]:
    """Items separated by ``sep``, wrapped by their visible width.

    The first line starts with ``first`` (``indent`` spaces when None).
    """
    lines: list[str] = []
    start = first if first is not None else " " * indent
    current = start
    for item in items:
        empty = current in (start, " " * indent)
        if not empty and _visible_len(current + sep + item + sep.rstrip()) > WIDTH:
            lines.append(current.rstrip(" ") + sep.rstrip())
            current = " " * indent + item
        else:
            current += ("" if empty else sep) + item
    if current.strip():
        lines.append(current)
    return lines


def _findings(a: Analysis, paint: _Paint) -> list[str]:
    out = [paint("FINDINGS", "heading") + "  most severe first; evidence is file:line"]
    if not a.findings:
        return out + ["  none"]
    inactive = {name for name, s in a.services.items() if not s.active}
    aside = sum(1 for f in a.findings if f.service in inactive)
    if aside:  # (the plan, its Markdown and the TUI count the active services' alone)
        out.append(paint(f"  {plural(len(a.findings), 'finding')}, {aside} of them on "
                         "inactive services: the plan and the TUI leave those out", "dim"))
    titles = {rule: text.title for rule, text in load_findings_playbook().rules.items()}
    for severity in SEVERITIES:
        of_severity = [f for f in a.findings if f.severity == severity]
        if not of_severity:
            continue
        out += ["", paint(f"  {severity.upper()}", severity) + f"  ({len(of_severity)})"]
        for rule, group in groupby(of_severity, key=lambda f: f.rule):
            items = list(group)
            count = f" ({len(items)})" if len(items) > 1 else ""
            out.append("")
            out.append(f"  {paint(rule, severity)}  {titles.get(rule, '')}{count}")
            out += _finding_lines(items, paint)
    return out


def render_text(analysis: Analysis, color: bool = False) -> str:
    r"""The analysis as a report a person reads in a terminal.

    Args:
        analysis: The analysis.
        color: Use ANSI colours (the CLI decides: a terminal that has them, no NO_COLOR).
            None when the project's text holds an escape: it could pass for ours.

    Returns:
        The report, ending with a newline; control characters from the project written
        out (``\x1b``, :func:`~migrate_tui.text.visible`).
    """
    plain = _render(analysis, _Paint(False))
    if not color or "\x1b" in plain:
        # An escape from the project could pass for one of our colours: none, then.
        return visible(plain)
    return _neutralize(_render(analysis, _Paint(True)))


def _render(analysis: Analysis, paint: _Paint) -> str:
    sections = [
        _summary(analysis, paint), _services(analysis, paint), _waves(analysis, paint),
        _dependencies(analysis, paint), _findings(analysis, paint),
        evidence_text(analysis, paint, _wrap),
    ]
    lines: list[str] = []
    for section in sections:
        lines += [*section, ""]
    return "\n".join(line.rstrip() for line in lines).rstrip() + "\n"


_OUR_COLOURS = re.compile(r"(\x1b\[[0-9;]*m)")


def _neutralize(text: str) -> str:
    r"""Control characters shown as ``\x1b`` (a C1 CSI, a bell), our colours kept: every
    escape in ``text`` is ours, as the project's text had none (see :func:`render_text`)."""
    parts = _OUR_COLOURS.split(text)
    return "".join(
        part if i % 2 else visible(part)
        for i, part in enumerate(parts)
    )
