"""The plan's two diagrams, as Mermaid where GitHub draws them, as tables where it would not.

- The dependency graph: a flowchart, what a service needs above it, each box saying its
  wave; arrows implied by others left out (through cycles too), and those to hubs that
  many services need folded into a note (``HUB_SHARE``); parts without arrows between them
  stacked in rows so that it reads in GitHub's 880 px column (``ROW_WIDTH``). Past what
  Mermaid draws (``MERMAID_MAX_TEXT_SIZE``, ``MERMAID_MAX_EDGES``), or when a part is too
  wide to read, it becomes a table of the waves, ranges of waves past ``WAVE_ROWS`` rows.
- The timeline: a gantt of phases and tasks, its axis counting the weeks or years of the
  plan or showing dates (``_AXES``); past Mermaid's size, one bar per wave and kind of
  service; past that, the same bars as a table, ranges of waves past ``TIMELINE_ROWS``.

Any name is safe in either: ids escape every character but letters and digits
(``_mermaid_id``), labels and gantt lines write what Mermaid's grammar would read as syntax
as entity codes (``_mermaid_label``, ``_gantt_text``). ``tests/render`` draws them with
Mermaid 11 in Chromium.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain, groupby
from typing import Any, NamedTuple

from migrate_tui.analysis.ordering import (
    adjacency,
    components,
    is_acyclic,
    transitive_reduction,
)
from migrate_tui.export.markdown_text import md, redact
from migrate_tui.export.markdown_text import plural as _n
from migrate_tui.export.markdown_text import weeks as _w
from migrate_tui.planning.plan import PhasePlan, Plan, Task
from migrate_tui.text import without_control as _without_control


@lru_cache(maxsize=65536)
def _mermaid_id(name: str) -> str:
    """A flowchart node id for a service: ``s_`` and its name, each character other than an
    ASCII letter or digit written as ``_hex_`` (``my-app`` is ``s_my_2d_app``, ``my_app``
    ``s_my_5f_app``).

    Two names never share an id (an underscore only ever opens or closes a code), the same
    name always gets the same one, and no id is a word of Mermaid's grammar (``end``,
    ``subgraph``, ``class``...).
    """
    return "s_" + "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in name)


def _entity(char: str) -> str:
    """A character as Mermaid's entity code (``#58;``), which it turns back into the
    character once the diagram is parsed."""
    return f"#{ord(char)};"


def _mermaid_label(text: str) -> str:
    """A label inside ``["..."]``: quotes, brackets and hashes as entity codes."""
    clean = _without_control(str(text))
    return (clean.replace("#", "#35;").replace("&", "#amp;").replace('"', "#quot;")
            .replace("<", "#lt;").replace(">", "#gt;"))


_GANTT_SPECIAL = str.maketrans({c: _entity(c) for c in "#%:;"})
"""What ends or breaks a gantt line, as entity codes: a colon starts a task's data, ``#``
and ``;`` end it, ``%%`` starts a comment or a directive."""

_GANTT_KEYWORD = re.compile(
    r"(?i)(?:accTitle|accDescr|call|click|gantt|dateFormat|inclusiveEndDates|topAxis|"
    r"axisFormat|tickInterval|includes|excludes|todayMarker|weekday|weekend|title|section|"
    r"href|\d{4}-\d\d-\d\d)")
"""How a line of Mermaid's gantt grammar may begin other than with a task's name.

Its lexer (``gantt.jison``) takes the first rule that matches, and each of these words,
and a date, has a rule before the one for a task's name: a task named ``gantt`` or ``call``
is a syntax error, one named ``title`` or ``section`` becomes the title or a section, one
named ``excludes`` or ``todayMarker`` a setting. A name that begins with one has its first
letter written as an entity code. Matched as a prefix, without regard to case: more than
the grammar takes, never less."""


def _gantt_text(text: str) -> str:
    """Text for a gantt title, section or task name, exactly as it reads.

    Its secrets masked and control characters dropped; the characters that would end it
    (``:``, ``#``, ``;``) or start a comment (``%``) as entity codes, and a first word the
    grammar would take for a keyword (``_GANTT_KEYWORD``) with its first letter as one.
    """
    clean = " ".join(_without_control(redact(str(text))).split()) or "-"
    clean = clean.translate(_GANTT_SPECIAL)
    return _entity(clean[0]) + clean[1:] if _GANTT_KEYWORD.match(clean) else clean


MERMAID_MAX_TEXT_SIZE = 50_000
"""The longest diagram Mermaid draws, in characters (UTF-16 code units, as JavaScript
counts them). Its ``maxTextSize`` setting, 50,000 by default (the config schema,
https://mermaid.js.org/config/schema-docs/config.html, and ``MAX_TEXTLENGTH`` in
``packages/mermaid/src/mermaidAPI.ts``): a longer text is replaced by a box that says
"Maximum text size in diagram exceeded". Like ``maxEdges``, it is set by the page that runs
Mermaid (``mermaid.initialize``); the Markdown we write cannot raise it."""

MERMAID_MAX_EDGES = 500
"""The most arrows Mermaid draws in a flowchart: its ``maxEdges`` setting, 500 by default
(the config schema, and ``addSingleLink`` in ``packages/mermaid/src/diagrams/flowchart/
flowDb.ts``, which throws "Edge limit exceeded" at the 501st). Its message says it is a
secure setting: only ``mermaid.initialize`` can raise it, not the diagram's own config."""

_NAMES_SHOWN = 10
"""In the waves table, how many services of a wave are named before "and N more"."""

WAVE_ROWS = 200
"""The most rows of the waves table; past it, each row takes a range of consecutive waves.

A row per wave is at most a few dozen rows for most projects, but a long ``depends_on``
chain has a wave per service: 4,000 rows would take 100 KB of the
``GITHUB_MAX_MARKDOWN_SIZE`` the phases need, for a table nobody reads row by row.
200 rows (some 10 to 60 KB, ten names a row) keep a project's first waves, the ones most
depended on, one a row up to 200 waves."""

TIMELINE_ROWS = 200
"""The most rows of the timeline's table (the gantt a plan too long to draw gets); past it,
each row takes the bars of several consecutive waves of a phase.

That table has a row per wave and kind of service in every phase: 8,000 rows, 490 KB, for
a 4,000-service ``depends_on`` chain, more than GitHub renders. 200 rows take some 15 KB."""


def _mermaid(lines: Iterable[str]) -> list[str] | None:
    """The lines of a Mermaid diagram, or None as soon as they pass ``MERMAID_MAX_TEXT_SIZE``.

    Mermaid would draw an error box in its place; stopping early also spares building the
    rest of a diagram nobody would see.
    """
    out: list[str] = []
    size = 0
    for line in lines:
        size += (len(line) if line.isascii() else len(line.encode("utf-16-le")) // 2) + 1
        if size > MERMAID_MAX_TEXT_SIZE:
            return None
        out.append(line)
    return out


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
    """About how wide Mermaid draws a box with these lines of 16 px text (about 8.5 px a
    character), with its padding and the space to the next box."""
    return int(max(len(line) for line in lines) * 8.5) + 16 + 20


def _name_lines(name: str) -> list[str]:
    """A service name on lines of about ``LABEL_LINE`` characters, broken only after a
    ``-``, ``_`` or ``.``."""
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


def dependency_graph(analysis: dict[str, Any]) -> list[str]:
    """The dependency graph as a Mermaid flowchart, or its waves as a table when too big.

    The flowchart is drawn when its text and arrows are within what Mermaid draws
    (``MERMAID_MAX_TEXT_SIZE``, ``MERMAID_MAX_EDGES``); the arrows, which take a
    transitive reduction to find, are only looked for once the boxes fit.
    """
    services = analysis.get("services", {})
    waves = {n: index for index, wave in enumerate(analysis.get("waves", [])) for n in wave}
    nodes = _mermaid(_flowchart_nodes(services, waves, {}))
    lines = None
    too_wide = False
    if nodes is not None:
        graph = _graph(analysis, waves)
        too_wide = graph.stacked is None
        if not too_wide and graph.links <= MERMAID_MAX_EDGES:
            lines = _mermaid(chain(_flowchart_nodes(services, waves, graph.hubs),
                                   _flowchart_edges(analysis, graph)))
    if lines is None:
        return _waves_table(analysis, too_wide=too_wide)
    cycles = sorted({n for c in analysis.get("cycles", []) for n in c})
    return ["## Dependency graph", "",
            "An arrow A → B means A needs B; what a service needs is drawn above it. Each box "
            "says its wave: wave 0 needs nothing, each wave needs only the waves before it. "
            "Stateful services are cylinders, jobs parallelograms, dev-only services dashed. "
            "Arrows implied by others are left out.", "",
            "```mermaid", *lines, "```", "",
            "Solid arrows are declared (`depends_on`, `links`, `network_mode`, `volumes_from`); "
            "dotted ones are inferred from environment values and commands."
            + _hubs_note(graph.hubs, len(services))
            + (f" Red borders: in a dependency cycle ({', '.join(md(n) for n in cycles)})."
               if cycles else ""), ""]


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


def _graph(analysis: dict[str, Any], waves: dict[str, int]) -> _Graph:
    """The arrows to draw, the hubs left out and the rows wrapped."""
    services = analysis.get("services", {})
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
    """Invisible links (lower box, box above it) that keep the graph about ``ROW_WIDTH``
    wide when it falls apart into several, or None when a part is wider than that.

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


def _flowchart_nodes(services: dict[str, Any], waves: dict[str, int],
                     hubs: dict[str, list[str]]) -> Iterator[str]:
    """The flowchart's first lines: a box for each service, by name.

    (Mermaid places the boxes in the order they come, and by wave they came out half again
    as wide for the OpenTelemetry demo.)
    """
    yield from _FLOWCHART_CONFIG
    yield "flowchart BT"
    for name, info in sorted(services.items()):
        wave = waves.get(name, 0)
        nid = _mermaid_id(name)
        label = "<br>".join(_mermaid_label(line) for line in _label_lines(name, hubs))
        label += f"<br><small>wave {wave}</small>"
        if info.get("class") == "stateful":
            yield f'  {nid}[("{label}")]:::stateful'
        elif info.get("kind") == "dev-only":
            yield f'  {nid}["{label}"]:::devonly'
        elif info.get("kind") == "job":
            yield f'  {nid}[/"{label}"/]:::job'
        else:
            yield f'  {nid}["{label}"]:::stateless'


def _flowchart_edges(analysis: dict[str, Any], graph: _Graph) -> Iterator[str]:
    """The flowchart's last lines: the arrows, the wrapped rows, the styles, the hubs and
    the cycles."""
    for source, target, declared in graph.edges:
        arrow = "-->" if declared else "-.->"
        yield f"  {_mermaid_id(source)} {arrow} {_mermaid_id(target)}"
    for lower, upper in graph.stacked or ():
        yield f"  {_mermaid_id(lower)} ~~~ {_mermaid_id(upper)}"
    yield "  classDef stateful fill:#fdebd0,stroke:#b9770e,stroke-width:2px,color:#000"
    yield "  classDef stateless fill:#d6eaf8,stroke:#2874a6,color:#000"
    yield "  classDef job fill:#e8daef,stroke:#7d3c98,color:#000"
    yield "  classDef devonly fill:#eaeded,stroke:#7f8c8d,stroke-dasharray:4 2,color:#000"
    if graph.hubs:
        yield "  classDef hub stroke-width:4px"
        yield "  class " + ",".join(_mermaid_id(n) for n in sorted(graph.hubs)) + " hub"
    cycles = {n for c in analysis.get("cycles", []) for n in c}
    if cycles:
        yield "  classDef cycle stroke:#c0392b,stroke-width:3px"
        yield "  class " + ",".join(_mermaid_id(n) for n in sorted(cycles)) + " cycle"


def _wave_rows(waves: list[list[str]]) -> list[tuple[str, list[str]]]:
    """The waves table's rows: each wave's number and services, or past ``WAVE_ROWS``
    waves, ranges of as many consecutive waves as it takes to stay within it
    (``12–15``). A wave whose services are all behind profiles not enabled has none."""
    if len(waves) <= WAVE_ROWS:
        return [(str(index), wave) for index, wave in enumerate(waves) if wave]
    per = -(-len(waves) // WAVE_ROWS)
    rows = []
    for first in range(0, len(waves), per):
        last = min(first + per, len(waves)) - 1
        if not any(waves[first:last + 1]):
            continue
        rows.append((f"{first}–{last}" if last > first else str(first),
                     [n for wave in waves[first:last + 1] for n in wave]))
    return rows


def _waves_table(analysis: dict[str, Any], *, too_wide: bool = False) -> list[str]:
    """The dependency graph of a project too big to draw: one table row per wave.

    ``too_wide``: Mermaid would draw it, but too wide to read (see ``_stacked``).

    Each row counts the wave's services, names its stateful ones (the moves that need a
    data plan) and the first others. The arrows themselves are in the analysis JSON. Past
    ``WAVE_ROWS`` waves, a row takes several consecutive waves, and names the first
    ``_NAMES_SHOWN`` of their stateful services too.
    """
    services = analysis.get("services", {})
    waves = analysis.get("waves", [])
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
        stateful = [n for n in wave if services.get(n, {}).get("class") == "stateful"]
        others = [n for n in wave if services.get(n, {}).get("class") != "stateful"]
        kinds = [services.get(n, {}).get("kind") for n in others]
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
    cycles = sorted({n for c in analysis.get("cycles", []) for n in c})
    if cycles:
        out += [f"In a dependency cycle: {', '.join(md(n) for n in cycles)}.", ""]
    return out


def _first_names(names: list[str], shown: int | None) -> str:
    """``a, b and 3 more``: the first ``shown`` names (all with None), escaped."""
    if shown is None or len(names) <= shown:
        return ", ".join(md(n) for n in names)
    return ", ".join(md(n) for n in names[:shown]) + f" and {len(names) - shown} more"


def _ordering_edges(analysis: dict[str, Any]) -> dict[tuple[str, str], bool]:
    """The edges that order start-up, between services of the analysis, each once: whether
    any of its kind is declared (else it is inferred).

    Shared volumes are no dependency and stay out (the findings list them).
    """
    services = analysis.get("services", {})
    declared: dict[tuple[str, str], bool] = {}
    for edge in analysis.get("edges", []):
        pair = (edge["source"], edge["target"])
        if edge["kind"] == "shared_volume" or pair[0] not in services or pair[1] not in services:
            continue
        declared[pair] = declared.get(pair, False) or edge["kind"] != "inferred"
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


_GANTT_ORIGIN = dt.date(2001, 1, 1)
"""Where the gantt of a plan without a start date begins: a Monday that is also the first
day of its year, so that the axis's week of the year (``%W``) is the week of the plan and
its year (``%y``) the year of the plan: 1 is the first. A plan that has no date gets no
date on its axis either."""

_MAX_COUNTED_YEARS = 98
"""The most years an axis can count from ``_GANTT_ORIGIN`` (``%y`` is 00 again in 2100)."""


class _Axis(NamedTuple):
    """How the gantt's axis is labelled for a span of time."""

    weeks: float
    """The longest span, in weeks, this axis suits (about 6 to 13 ticks)."""
    dates: str
    """The labels of a plan with a start date (d3's time format): dates."""
    counted: str
    """The labels of a plan without: week or year of the plan, from 1."""
    ticks: str | None
    """Mermaid's ``tickInterval``; None lets it choose (every few years)."""


_AXES = (
    _Axis(13, "%d %b", "week %-W", "1week"),
    _Axis(26, "%d %b", "week %-W", "2week"),
    _Axis(52, "%b %Y", "week %-W", "4week"),
    _Axis(104, "%b %Y", "Q%q year %-y", "3month"),
    _Axis(208, "%b %Y", "Q%q year %-y", "6month"),
    _Axis(520, "%Y", "year %-y", "12month"),
    _Axis(float("inf"), "%Y", "year %-y", None),
)
"""The axes, from the shortest span to the longest: the first whose span is not shorter
than the plan's is used. Mermaid would tick every other week over any span (1,176 grid
lines for a 44-year plan) and label weeks with the week of the year, from 1 again each
January."""


def _gantt_head(plan: Plan, start: dt.date, end: dt.date) -> list[str]:
    """The gantt's title and settings for bars from ``start`` to ``end``.

    A plan without a start date has no "today" line: its dates are made up.
    """
    weeks = (end - start).days / 7
    axis = next(a for a in _AXES if weeks <= a.weeks)
    head = ["gantt", f"  title {_gantt_text(plan.project)} - about {_w(plan.total_weeks)} weeks",
            "  dateFormat YYYY-MM-DD", f"  axisFormat {axis.dates if plan.start else axis.counted}"]
    if axis.ticks:
        head.append(f"  tickInterval {axis.ticks}")
    head.append("  weekday monday")
    if not plan.start:
        head.append("  todayMarker off")
    return head


def timeline(plan: Plan) -> list[str]:
    """The timeline as a Mermaid gantt: a bar a task, or a bar a wave when that is too long.

    Past ``MERMAID_MAX_TEXT_SIZE`` the tasks of a phase are drawn a wave at a time (its
    stateless services, then its stateful ones); a plan that does not fit even so gets the
    same bars as a table, and so does a plan without a start date that lasts longer than
    its axis can count (``_MAX_COUNTED_YEARS``).
    """
    start = dt.date.fromisoformat(plan.start) if plan.start else _GANTT_ORIGIN
    end = max((bar.start + dt.timedelta(days=bar.days)
               for _, bar in _gantt_bars(plan, start, by_wave=True) if bar is not None),
              default=start + dt.timedelta(days=7))
    head = _gantt_head(plan, start, end)
    axis_note = "" if plan.start else (" The axis counts the weeks (or years) of the plan, "
                                       "the first being 1; set `--start YYYY-MM-DD` for dates.")
    drawable = bool(plan.start) or (end - start).days <= _MAX_COUNTED_YEARS * 365
    lines = (_mermaid(chain(head, _gantt_lines(_gantt_bars(plan, start, by_wave=False))))
             if drawable else None)
    if lines is not None:
        return ["## Timeline", "", "```mermaid", *lines, "```", "",
                "The whole team takes the tasks of a phase one after the other, in the order of "
                "the plan; a bar is the task's person-days over the team's capacity."
                + axis_note, ""]
    tasks = sum(len(p.tasks) for p in plan.phases)
    why = (f"The plan's {tasks:,} tasks are too many to draw a bar each (GitHub's renderer "
           f"draws at most {MERMAID_MAX_TEXT_SIZE:,} characters a diagram)")
    lines = (_mermaid(chain(head, _gantt_lines(_gantt_bars(plan, start, by_wave=True))))
             if drawable else None)
    if lines is not None:
        return ["## Timeline", "", "```mermaid", *lines, "```", "",
                f"{why}, so a bar is the tasks of one wave: its stateless services and jobs, "
                "its stateful services or its dev-only ones. The whole team takes the tasks "
                "of a phase one after the other, in the order of the plan; a bar is their "
                "person-days over the team's capacity." + axis_note, ""]
    if not drawable:
        why = (f"The plan lasts about {(end - start).days // 365} years, longer than a gantt "
               "without dates can count (set `--start YYYY-MM-DD` for dates)")
    bars = [(phase, bar) for phase, bar in _gantt_bars(plan, start, by_wave=True)
            if bar is not None]
    rows = _timeline_rows(bars)
    ranges = (" There are too many of them for a row each, so a row takes the tasks of "
              "several consecutive waves of a phase." if len(rows) < len(bars) else "")
    even = ", even a bar a wave," if drawable else ","
    out = ["## Timeline", "",
           f"{why}{even} so here are the waves as a table. The whole team takes "
           "the tasks of a phase one after the other, in the order of the plan; the days are "
           "their person-days over the team's capacity." + ranges, "",
           "| Phase | Tasks | Start | Days |", "|---|---|---|---:|"]
    for phase, run in rows:
        when = (run[0].start.isoformat() if plan.start
                else f"week {(run[0].start - start).days // 7 + 1}")
        out.append(f"| {md(phase.name)} | {_row_name(run)} | {when} "
                   f"| {sum(bar.days for bar in run)} |")
    return [*out, ""]


def _timeline_rows(bars: list[tuple[PhasePlan, _Bar]]) -> list[tuple[PhasePlan, list[_Bar]]]:
    """The timeline table's rows: a bar each, or past ``TIMELINE_ROWS`` bars, the bars of
    as many consecutive waves of a phase as it takes to stay about within it (a project
    task keeps a row of its own)."""
    if len(bars) <= TIMELINE_ROWS:
        return [(phase, [bar]) for phase, bar in bars]
    own = sum(1 for _, bar in bars if bar.tasks[0].service is None)
    per = -(-(len(bars) - own) // max(TIMELINE_ROWS - own, 1))
    rows: list[tuple[PhasePlan, list[_Bar]]] = []
    for phase, bar in bars:
        last = rows[-1] if rows else None
        if (last is not None and last[0] is phase and bar.tasks[0].service is not None
                and last[1][0].tasks[0].service is not None and len(last[1]) < per):
            last[1].append(bar)
        else:
            rows.append((phase, [bar]))
    return rows


def _row_name(run: list[_Bar]) -> str:
    """What a row of the timeline table takes: a project task's title, or its waves and
    how many services of each kind (``Waves 12–15: 3 stateless services, 1 stateful
    service``)."""
    tasks = [task for bar in run for task in bar.tasks]
    if tasks[0].service is None:
        return md(tasks[0].title)
    kinds: dict[str, int] = {}
    for task in tasks:
        kind = _wave_kind(task)[1]
        kinds[kind] = kinds.get(kind, 0) + 1
    waves = [task.wave for task in tasks if task.wave is not None]
    where = ""
    if waves:
        low, high = min(waves), max(waves)
        where = f"Wave {low}: " if low == high else f"Waves {low}–{high}: "
    return where + ", ".join(_n(count, f"{kind} service") for kind, count in kinds.items())


class _Bar(NamedTuple):
    """One bar of the gantt."""

    place: int
    """Its place in its phase, from 0: the gantt's task id."""
    name: str
    done: bool
    start: dt.date
    days: int
    tasks: list[Task]
    """The tasks it stands for."""


def _gantt_bars(
    plan: Plan, start: dt.date, *, by_wave: bool
) -> Iterator[tuple[PhasePlan, _Bar | None]]:
    """Each phase (with None: a section begins), then its bars, one after the other.

    A bar is a task; with ``by_wave``, the consecutive tasks of services of one wave and
    one kind (the plan orders services by kind, then wave).
    """
    per_day = max(plan.capacity_days_per_week / 7, 1e-9)
    cursor = start
    for phase in plan.phases:
        yield phase, None
        cursor = max(cursor, start + dt.timedelta(days=round(phase.start_week * 7)))
        runs = _waves(phase.tasks) if by_wave else ((_gantt_text(t.title), [t])
                                                     for t in phase.tasks)
        for index, (name, tasks) in enumerate(runs):
            days = sum(max(1, round(t.estimate_days / per_day)) for t in tasks)
            done = all(t.checklist and t.done == len(t.checklist) for t in tasks)
            yield phase, _Bar(index, name, done, cursor, days, tasks)
            cursor += dt.timedelta(days=days)


def _gantt_lines(bars: Iterable[tuple[PhasePlan, _Bar | None]]) -> Iterator[str]:
    """The gantt's sections and bars."""
    for phase, bar in bars:
        if bar is None:
            yield f"  section {_gantt_text(phase.name)}"
        else:
            yield (f"  {bar.name} :{'done, ' if bar.done else ''}t{bar.place}_{phase.id}, "
                   f"{bar.start.isoformat()}, {bar.days}d")


def _waves(tasks: list[Task]) -> Iterator[tuple[str, list[Task]]]:
    """The tasks in runs of one wave and one kind, each with its bar's name
    (``Wave 2 - 40 stateless services``, or a project task's title)."""
    for (wave, kind), run in groupby(tasks, key=_wave_kind):
        group = list(run)
        if wave is None:
            yield _gantt_text(group[0].title), group
        else:
            yield f"Wave {wave} - {_n(len(group), f'{kind} service')}", group


def _wave_kind(task: Task) -> tuple[int | None, str]:
    """What puts a task in a wave's bar: its wave and kind (a project task is on its own)."""
    if task.service is None:
        return None, task.id
    if task.kind == "dev-only":
        return task.wave, "dev-only"
    return task.wave, "stateful" if task.service_class == "stateful" else "stateless"
