"""The dependency graph: a Mermaid flowchart that reads in GitHub's column, or a table.

What a service needs is drawn above it, each box saying its wave; arrows implied by others
are left out (through cycles too), and those to hubs that many services need are folded
into a note (``HUB_SHARE``); parts without arrows between them are stacked in rows so that
the graph reads in GitHub's 880 px column (``ROW_WIDTH``). Past what Mermaid draws
(``MERMAID_MAX_TEXT_SIZE``, ``MERMAID_MAX_EDGES``), or when a part is too wide to read, it
is a table of the waves, ranges of waves past ``WAVE_ROWS`` rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import NamedTuple

from migrate_tui.analysis.model import INFERRED_KINDS, Analysis, ServiceAnalysis
from migrate_tui.analysis.ordering import (
    adjacency,
    components,
    is_acyclic,
    transitive_reduction,
)
from migrate_tui.export.markdown_text import code, md
from migrate_tui.export.markdown_text import plural as _n
from migrate_tui.export.mermaid_text import (
    MERMAID_MAX_EDGES,
    MERMAID_MAX_TEXT_SIZE,
    mermaid_lines,
    node_id,
    node_label,
)

_NAMES_SHOWN = 10
"""In the waves table, how many services of a wave are named before "and N more"."""

WAVE_ROWS = 200
"""The most rows of the waves table; past it, each row takes a range of consecutive waves.

A row per wave is at most a few dozen rows for most projects, but a long ``depends_on``
chain has a wave per service: 4,000 rows would take 100 KB of the
``GITHUB_MAX_MARKDOWN_SIZE`` the phases need, for a table nobody reads row by row.
200 rows (some 10 to 60 KB, ten names a row) keep a project's first waves, the ones most
depended on, one a row up to 200 waves."""


HUB_SHARE = 1 / 3
"""A service at least this share of the others need directly is a hub (with ``HUB_ARROWS``)."""

HUB_ARROWS = 6
"""A hub still takes at least this many arrows once those implied by others are left out.

A collector or a feature-flag service that every service talks to draws an arrow from
every wave into one box: 20 arrows that cross the whole graph and say less than one
sentence ("most services need the collector"). A hub's arrows are left out, its box says
how many services need it, and the text under the graph names them. A database that a few
services need keeps its arrows: they are what a reader looks for. A hub is folded only when
that leaves fewer arrows: a migration job every service waits for implies their arrows to
the databases it migrates, which would all come back."""

ROW_WIDTH = 1200
"""About how wide, in pixels, a row of boxes may be drawn before it is wrapped.

GitHub shows a diagram in a column 880 px wide and shrinks a wider one to fit: at 1,466 px
its 16 px labels are 9.6 px high, the least that reads well. Mermaid lays the boxes out
itself (dagre), row by row of dependency depth; ``_rows`` guesses those rows, and one
guessed wider than this (twenty services that need nothing, or that one service needs) is
wrapped onto several with invisible links."""

LABEL_LINE = 10
"""A service name longer than this is broken after a ``-``, ``_`` or ``.`` onto lines of
about this many characters: ``product-`` / ``catalog`` takes half the width."""

_FLOWCHART_CONFIG = ["---", "config:", "  flowchart:", "    nodeSpacing: 20",
                     "    rankSpacing: 40", "    padding: 8", "---"]
"""Mermaid's spacing between boxes and inside them, tighter than its defaults (50, 50,
15): a third less width for the same boxes. Front matter, which GitHub's Mermaid reads."""


def _box_width(lines: list[str]) -> int:
    """About how wide Mermaid draws a box with these lines of 16 px text.

    About 8.5 px a character, with its padding and the space to the next box.
    """
    return int(max(len(line) for line in lines) * 8.5) + 16 + 20


def _name_lines(name: str) -> list[str]:
    """A service name on lines of about ``LABEL_LINE`` characters.

    Broken only after a ``-``, ``_`` or ``.``.
    """
    if len(name) <= LABEL_LINE:
        return [name]
    lines = [""]
    for part in re.split(r"(?<=[-_.])", name):
        if lines[-1] and len(lines[-1]) + len(part) > LABEL_LINE:
            lines.append("")
        lines[-1] += part
    return lines


class _Graph(NamedTuple):
    """What the flowchart draws."""

    waves: dict[str, int]
    """Each service's wave, in the order of the waves."""
    edges: list[tuple[str, str, bool]]
    """The arrows: (service, what it needs, whether declared), sorted."""
    hubs: dict[str, list[str]]
    """The hubs (``HUB_SHARE``) and the services that need them, whose arrows are left out."""
    stacked: list[tuple[str, str]] | None
    """Invisible links (lower box, box above it) that stack the parts of the graph; None
    when one part has a wave too wide to read in GitHub's column (``ROW_WIDTH``)."""

    @property
    def links(self) -> int:
        """The links Mermaid counts against ``MERMAID_MAX_EDGES``."""
        return len(self.edges) + len(self.stacked or ())


def dependency_graph(analysis: Analysis) -> list[str]:
    """The dependency graph as a Mermaid flowchart, or its waves as a table when too big.

    The flowchart is drawn when its text and arrows are within what Mermaid draws
    (``MERMAID_MAX_TEXT_SIZE``, ``MERMAID_MAX_EDGES``); the arrows, which take a
    transitive reduction to find, are only looked for once the boxes fit.

    Args:
        analysis: The analysis of the services drawn (the active ones: see
            :func:`~migrate_tui.export.markdown.render_markdown`).

    Returns:
        The section's lines, heading first.
    """
    services = analysis.services
    waves = {n: index for index, wave in enumerate(analysis.waves) for n in wave}
    nodes = mermaid_lines(_flowchart_nodes(services, waves, {}))
    lines = None
    too_wide = False
    if nodes is not None:
        graph = _graph(analysis, waves)
        too_wide = graph.stacked is None
        if not too_wide and graph.links <= MERMAID_MAX_EDGES:
            lines = mermaid_lines(chain(_flowchart_nodes(services, waves, graph.hubs),
                                   _flowchart_edges(analysis, graph)))
    if lines is None:
        return _waves_table(analysis, too_wide=too_wide)
    cycles = sorted({n for c in analysis.cycles for n in c})
    return ["## Dependency graph", "",
            "An arrow A → B means A needs B; what a service needs is drawn above it. Each box "
            "says its wave: wave 0 needs nothing, each wave needs only the waves before it. "
            "Stateful services are cylinders, jobs parallelograms, dev-only services dashed. "
            "Arrows implied by others are left out.", "",
            "```mermaid", *lines, "```", "",
            "Solid arrows are declared (`depends_on`, `links`, `network_mode`, `volumes_from`); "
            "dotted ones are inferred from environment values and commands."
            + _proxy_note(analysis)
            + _hubs_note(graph.hubs, len(services))
            + (f" Red borders: in a dependency cycle ({', '.join(md(n) for n in cycles)})."
               if cycles else ""), ""]


PROXY_EDGES_SHOWN = 8
"""Upstreams of proxies' configuration files the note names, with their file and line."""


def _proxy_note(analysis: Analysis) -> str:
    """Which arrows a mounted configuration file gives (a proxy's routes, a scraper's
    targets), each with its file and line: no Compose key shows them."""
    found = [e for e in analysis.edges if e.kind == "proxy_config"
             and e.source in analysis.services and e.target in analysis.services]
    if not found:
        return ""
    shown = [f"{md(e.source)} → {md(e.target)} ({code(e.evidence.where)})"
             for e in found[:PROXY_EDGES_SHOWN]]
    more = len(found) - len(shown)
    return (" Read from a mounted configuration file (a proxy's routes, a scraper's targets), "
            "not from Compose: " + ", ".join(shown) + (f" and {more} more" if more else "") + ".")


def _hubs_note(hubs: dict[str, list[str]], services: int) -> str:
    """What the graph leaves out for its hubs: who needs each."""
    if not hubs:
        return ""
    parts = [f"{md(hub)} by {len(needers)} ({', '.join(md(n) for n in needers)})"
             for hub, needers in sorted(hubs.items(), key=lambda h: (-len(h[1]), h[0]))]
    return (f" Many of the {services} services need {_and([md(h) for h in sorted(hubs)])}: "
            "their arrows are left out, and their boxes have a thick border and say how many "
            f"need them. Needed directly: {'; '.join(parts)}.")


def _and(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _graph(analysis: Analysis, waves: dict[str, int]) -> _Graph:
    """The arrows to draw, the hubs left out and the rows wrapped."""
    services = analysis.services
    declared = _ordering_edges(analysis)
    drawn = _reduced(declared)
    needed_by: dict[str, list[str]] = {}
    for source, target in declared:
        if source != target:
            needed_by.setdefault(target, []).append(source)
    arrows_in: dict[str, int] = {}
    for _, target in drawn:
        arrows_in[target] = arrows_in.get(target, 0) + 1
    hubs: dict[str, list[str]] = {}
    candidates = sorted((name for name, needers in needed_by.items()
                         if arrows_in.get(name, 0) >= HUB_ARROWS
                         and len(needers) >= HUB_SHARE * (len(services) - 1)),
                        key=lambda name: (-arrows_in[name], name))
    folded = True
    while folded:  # folded only when that leaves fewer arrows; again after each fold
        folded = False
        for name in [n for n in candidates if n not in hubs]:
            trial = _reduced(pair for pair in declared
                             if pair[1] not in hubs and pair[1] != name)
            if len(trial) < len(drawn):
                hubs[name] = sorted(needed_by[name])
                drawn = trial
                folded = True
    edges = sorted((a, b, declared[(a, b)]) for a, b in drawn)
    return _Graph(waves, edges, hubs, _stacked(waves, edges, hubs))


def _stacked(waves: dict[str, int], edges: list[tuple[str, str, bool]],
             hubs: dict[str, list[str]]) -> list[tuple[str, str]] | None:
    """Invisible links (lower box, box above it) that keep the graph about ``ROW_WIDTH`` wide.

    They stack the parts when it falls apart into several; None when a part is wider
    than that.

    Mermaid lays the parts of a graph that no arrow joins side by side, and the services
    without any arrow all in one row: twenty unrelated tools make a row 2,500 px wide. Here
    those services are cut into rows of ``ROW_WIDTH``, the parts are put side by side as
    long as their widest wave fits in ``ROW_WIDTH``, and each such shelf is hung under the
    one before by a link from a box at its top to a box at the bottom of the one before.

    A part whose widest wave is wider than ``ROW_WIDTH`` cannot be read in GitHub's
    column whatever is done (links inside a part tangle its arrows): the graph is then a
    table of its waves.
    """
    part = {name: name for name in waves}

    def root(name: str) -> str:
        while part[name] != name:
            part[name] = part[part[name]]
            name = part[name]
        return name

    for source, target, _ in edges:
        part[root(source)] = root(target)
    parts: dict[str, list[str]] = {}
    for name in waves:
        parts.setdefault(root(name), []).append(name)
    alone = [names[0] for names in parts.values() if len(names) == 1]
    joined = sorted((names for names in parts.values() if len(names) > 1),
                    key=lambda names: (-len(names), names[0]))
    needs = {source for source, _, _ in edges}
    needed = {target for _, target, _ in edges}
    blocks: list[tuple[list[str], list[str], int]] = []  # (tops, bottoms, width)
    for names in joined:
        by_wave: dict[int, int] = {}
        for name in names:
            by_wave[waves[name]] = (by_wave.get(waves[name], 0)
                                    + _box_width(_label_lines(name, hubs)))
        if max(by_wave.values()) > ROW_WIDTH:
            return None
        blocks.append(([n for n in names if n not in needs],
                       [n for n in names if n not in needed], max(by_wave.values())))
    links: list[tuple[str, str]] = []
    row: list[str] = []
    width = 0
    for name in alone:  # rows of the services without arrows, each under the one before
        box = _box_width(_label_lines(name, hubs))
        if row and width + box > ROW_WIDTH:
            blocks.append((row, row, width))
            row, width = [], 0
        row.append(name)
        width += box
    if row:
        blocks.append((row, row, width))
    shelf: list[tuple[list[str], list[str], int]] = []
    width = 0
    above: list[str] | None = None
    for block in blocks:
        if shelf and width + block[2] > ROW_WIDTH:
            above = shelf[0][1]
            shelf, width = [], 0
        if above is not None:
            links += [(top, above[i % len(above)]) for i, top in enumerate(block[0])]
        shelf.append(block)
        width += block[2]
    return links


def _label_lines(name: str, hubs: dict[str, list[str]]) -> list[str]:
    """The lines of a service's box but its wave (in small print)."""
    lines = _name_lines(name)
    return [*lines, f"(needed by {len(hubs[name])})"] if name in hubs else lines


def _flowchart_nodes(services: dict[str, ServiceAnalysis], waves: dict[str, int],
                     hubs: dict[str, list[str]]) -> Iterator[str]:
    """The flowchart's first lines: a box for each service, by name.

    (Mermaid places the boxes in the order they come, and by wave they came out half again
    as wide for the OpenTelemetry demo.)
    """
    yield from _FLOWCHART_CONFIG
    yield "flowchart BT"
    for name, info in sorted(services.items()):
        wave = waves.get(name, 0)
        nid = node_id(name)
        label = "<br>".join(node_label(line) for line in _label_lines(name, hubs))
        label += f"<br><small>wave {wave}</small>"
        if info.service_class == "stateful":
            yield f'  {nid}[("{label}")]:::stateful'
        elif info.kind == "dev-only":
            yield f'  {nid}["{label}"]:::devonly'
        elif info.kind == "job":
            yield f'  {nid}[/"{label}"/]:::job'
        else:
            yield f'  {nid}["{label}"]:::stateless'


def _flowchart_edges(analysis: Analysis, graph: _Graph) -> Iterator[str]:
    """The flowchart's last lines.

    The arrows, the wrapped rows, the styles, the hubs and the cycles.
    """
    for source, target, declared in graph.edges:
        arrow = "-->" if declared else "-.->"
        yield f"  {node_id(source)} {arrow} {node_id(target)}"
    for lower, upper in graph.stacked or ():
        yield f"  {node_id(lower)} ~~~ {node_id(upper)}"
    yield "  classDef stateful fill:#fdebd0,stroke:#b9770e,stroke-width:2px,color:#000"
    yield "  classDef stateless fill:#d6eaf8,stroke:#2874a6,color:#000"
    yield "  classDef job fill:#e8daef,stroke:#7d3c98,color:#000"
    yield "  classDef devonly fill:#eaeded,stroke:#7f8c8d,stroke-dasharray:4 2,color:#000"
    if graph.hubs:
        yield "  classDef hub stroke-width:4px"
        yield "  class " + ",".join(node_id(n) for n in sorted(graph.hubs)) + " hub"
    cycles = {n for c in analysis.cycles for n in c}
    if cycles:
        yield "  classDef cycle stroke:#c0392b,stroke-width:3px"
        yield "  class " + ",".join(node_id(n) for n in sorted(cycles)) + " cycle"


def _wave_rows(waves: tuple[tuple[str, ...], ...]) -> list[tuple[str, list[str]]]:
    """The waves table's rows: each wave's number and services.

    Past ``WAVE_ROWS`` waves, ranges of as many consecutive waves as it takes to stay
    within it (``12–15``). A wave whose services are all behind profiles not enabled has
    none.
    """
    if len(waves) <= WAVE_ROWS:
        return [(str(index), list(wave)) for index, wave in enumerate(waves) if wave]
    per = -(-len(waves) // WAVE_ROWS)
    rows = []
    for first in range(0, len(waves), per):
        last = min(first + per, len(waves)) - 1
        if not any(waves[first:last + 1]):
            continue
        rows.append((f"{first}–{last}" if last > first else str(first),
                     [n for wave in waves[first:last + 1] for n in wave]))
    return rows


def _waves_table(analysis: Analysis, *, too_wide: bool = False) -> list[str]:
    """The dependency graph of a project too big to draw: one table row per wave.

    ``too_wide``: Mermaid would draw it, but too wide to read (see ``_stacked``).

    Each row counts the wave's services, names its stateful ones (the moves that need a
    data plan) and the first others. The arrows themselves are in the analysis JSON. Past
    ``WAVE_ROWS`` waves, a row takes several consecutive waves, and names the first
    ``_NAMES_SHOWN`` of their stateful services too.
    """
    services = analysis.services
    waves = analysis.waves
    rows = _wave_rows(waves)
    merged = len(waves) > WAVE_ROWS
    ranges = (f" The {len(waves):,} waves are too many for a row each, so a row takes "
              f"{-(-len(waves) // WAVE_ROWS)} consecutive waves." if merged else "")
    why = ("too wide to read in GitHub's 880 px column (a wave of it would be several "
           "screens wide)" if too_wide else
           f"too big for one Mermaid diagram (GitHub's renderer draws at most "
           f"{MERMAID_MAX_EDGES} arrows and {MERMAID_MAX_TEXT_SIZE:,} characters)")
    out = ["## Dependency graph", "",
           f"The {len(services):,} services make a graph {why}, so here are its waves "
           "instead. Wave 0 "
           "needs nothing; each wave needs only the waves before it; within a wave the most "
           "depended-on services come first." + ranges + " `migrate-tui analyze --format "
           "json` has every dependency.", "",
           f"| {'Waves' if merged else 'Wave'} | Services | Stateful | Others |",
           "|---:|---|---|---|"]
    for index, wave in rows:
        stateful = [n for n in wave if _is_stateful(services.get(n))]
        others = [n for n in wave if not _is_stateful(services.get(n))]
        kinds = [services[n].kind if n in services else None for n in others]
        count = str(len(wave))
        extra = [_n(kinds.count("job"), "job")] if "job" in kinds else []
        if "dev-only" in kinds:
            extra.append(f"{kinds.count('dev-only')} dev-only")
        if extra:
            count += f" ({', '.join(extra)})"
        out.append(f"| {index} | {count} | "
                   f"{_first_names(stateful, _NAMES_SHOWN if merged else None) or '-'} "
                   f"| {_first_names(others, _NAMES_SHOWN) or '-'} |")
    out.append("")
    cycles = sorted({n for c in analysis.cycles for n in c})
    if cycles:
        out += [f"In a dependency cycle: {', '.join(md(n) for n in cycles)}.", ""]
    return out


def _is_stateful(service: ServiceAnalysis | None) -> bool:
    """Whether a service of the waves is stateful (one not in the analysis is not)."""
    return service is not None and service.service_class == "stateful"


def _first_names(names: list[str], shown: int | None) -> str:
    """``a, b and 3 more``: the first ``shown`` names (all with None), escaped."""
    if shown is None or len(names) <= shown:
        return ", ".join(md(n) for n in names)
    return ", ".join(md(n) for n in names[:shown]) + f" and {len(names) - shown} more"


def _ordering_edges(analysis: Analysis) -> dict[tuple[str, str], bool]:
    """The edges that order start-up, between services of the analysis, each once.

    Each says whether any of its kind is declared (else it is inferred).

    Shared volumes are no dependency and stay out (the findings list them).
    """
    services = analysis.services
    declared: dict[tuple[str, str], bool] = {}
    for edge in analysis.edges:
        pair = (edge.source, edge.target)
        if edge.kind == "shared_volume" or pair[0] not in services or pair[1] not in services:
            continue
        declared[pair] = declared.get(pair, False) or edge.kind not in INFERRED_KINDS
    return declared


def _reduced(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The edges no longer path implies.

    In a graph with cycles, that is the transitive reduction of its components (a cycle
    taken as one node): an edge between two components stays when theirs does, an edge
    inside a cycle always stays.
    """
    pairs = list(pairs)
    succ = adjacency((), pairs)
    nodes = list(succ)
    if is_acyclic(nodes, succ):
        return transitive_reduction(nodes, succ)
    found = components(nodes, succ)
    comp_of = {n: str(i) for i, members in enumerate(found) for n in members}
    between = adjacency((str(i) for i in range(len(found))),
                        ((comp_of[a], comp_of[b]) for a, b in pairs if comp_of[a] != comp_of[b]))
    kept = transitive_reduction(list(between), between)
    return {(a, b) for a, b in pairs
            if comp_of[a] == comp_of[b] or (comp_of[a], comp_of[b]) in kept}
