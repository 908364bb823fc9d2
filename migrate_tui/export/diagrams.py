"""The plan's two diagrams, as Mermaid where GitHub draws them, as tables where it would not.

- The dependency graph: a flowchart, bottom to top by wave, the transitive reduction of the
  edges, stateful services styled apart. Past what Mermaid draws (``MERMAID_MAX_TEXT_SIZE``,
  ``MERMAID_MAX_EDGES``) it becomes a table of the waves, ranges of waves past
  ``WAVE_ROWS`` rows.
- The timeline: a gantt of phases and tasks; past Mermaid's size, one bar per wave and kind
  of service; past that, the same bars as a table, ranges of waves past ``TIMELINE_ROWS``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain, groupby
from typing import Any, NamedTuple

from migrate_tui.analysis.ordering import adjacency, is_acyclic, transitive_reduction
from migrate_tui.export.markdown_text import md, redact
from migrate_tui.export.markdown_text import plural as _n
from migrate_tui.export.markdown_text import weeks as _w
from migrate_tui.planning.plan import PhasePlan, Plan, Task
from migrate_tui.text import without_control as _without_control

_NOT_ID = re.compile(r"[^A-Za-z0-9_]")


@lru_cache(maxsize=65536)
def _mermaid_id(name: str) -> str:
    return "s_" + _NOT_ID.sub("_", name)


def _mermaid_label(text: str) -> str:
    """A label inside ``["..."]``: quotes and brackets as entity codes."""
    clean = _without_control(str(text))
    return (clean.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;"))


def _gantt_text(text: str) -> str:
    """A gantt task name: no colon, hash or semicolon (they end the name)."""
    clean = _without_control(redact(str(text)))
    return clean.translate(_GANTT_ENDS).strip()


_GANTT_ENDS = str.maketrans({":": " -", "#": " -", ";": " -"})


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


def dependency_graph(analysis: dict[str, Any]) -> list[str]:
    """The dependency graph as a Mermaid flowchart, or its waves as a table when too big.

    The flowchart is drawn when its text and arrows are within what Mermaid draws
    (``MERMAID_MAX_TEXT_SIZE``, ``MERMAID_MAX_EDGES``); the arrows, which take a
    transitive reduction to find, are only looked for once the boxes fit.
    """
    nodes = _mermaid(_flowchart_nodes(analysis))
    edges = _drawn_edges(analysis) if nodes is not None else []
    lines = None
    if nodes is not None and len(edges) <= MERMAID_MAX_EDGES:
        lines = _mermaid(chain(nodes, _flowchart_edges(analysis, edges)))
    if lines is None:
        return _waves_table(analysis)
    return ["## Dependency graph", "",
            "An arrow A → B means A needs B. Wave 0, at the top, needs nothing; each wave needs "
            "only the waves above it. Stateful services are cylinders, jobs parallelograms, "
            "dev-only services dashed. Arrows implied by others are left out.", "",
            "```mermaid", *lines, "```", "",
            "Solid arrows are declared (`depends_on`, `links`, `network_mode`, `volumes_from`); "
            "dotted ones are inferred from environment values and commands.", ""]


def _flowchart_nodes(analysis: dict[str, Any]) -> Iterator[str]:
    """The flowchart's first lines: a subgraph of boxes for each wave."""
    services = analysis.get("services", {})
    yield "flowchart BT"
    for index, wave in enumerate(analysis.get("waves", [])):
        yield f'  subgraph wave{index}["Wave {index}"]'
        for name in wave:
            info = services.get(name, {})
            nid = _mermaid_id(name)
            label = _mermaid_label(name)
            if info.get("class") == "stateful":
                yield f'    {nid}[("{label}")]:::stateful'
            elif info.get("kind") == "dev-only":
                yield f'    {nid}["{label}"]:::devonly'
            elif info.get("kind") == "job":
                yield f'    {nid}[/"{label}"/]:::job'
            else:
                yield f'    {nid}["{label}"]:::stateless'
        yield "  end"


def _flowchart_edges(
    analysis: dict[str, Any], edges: list[tuple[str, str, bool]]
) -> Iterator[str]:
    """The flowchart's last lines: the arrows, the styles, the services in a cycle."""
    for source, target, declared in edges:
        arrow = "-->" if declared else "-.->"
        yield f"  {_mermaid_id(source)} {arrow} {_mermaid_id(target)}"
    yield "  classDef stateful fill:#fdebd0,stroke:#b9770e,stroke-width:2px,color:#000"
    yield "  classDef stateless fill:#d6eaf8,stroke:#2874a6,color:#000"
    yield "  classDef job fill:#e8daef,stroke:#7d3c98,color:#000"
    yield "  classDef devonly fill:#eaeded,stroke:#7f8c8d,stroke-dasharray:4 2,color:#000"
    cycles = {n for c in analysis.get("cycles", []) for n in c}
    if cycles:
        yield "  classDef cycle stroke:#c0392b,stroke-width:3px"
        yield "  class " + ",".join(_mermaid_id(n) for n in sorted(cycles)) + " cycle"


def _wave_rows(waves: list[list[str]]) -> list[tuple[str, list[str]]]:
    """The waves table's rows: each wave's number and services, or past ``WAVE_ROWS``
    waves, ranges of as many consecutive waves as it takes to stay within it
    (``12–15``)."""
    if len(waves) <= WAVE_ROWS:
        return [(str(index), wave) for index, wave in enumerate(waves)]
    per = -(-len(waves) // WAVE_ROWS)
    rows = []
    for first in range(0, len(waves), per):
        last = min(first + per, len(waves)) - 1
        rows.append((f"{first}–{last}" if last > first else str(first),
                     [n for wave in waves[first:last + 1] for n in wave]))
    return rows


def _waves_table(analysis: dict[str, Any]) -> list[str]:
    """The dependency graph of a project too big to draw: one table row per wave.

    Each row counts the wave's services, names its stateful ones (the moves that need a
    data plan) and the first others. The arrows themselves are in the analysis JSON. Past
    ``WAVE_ROWS`` waves, a row takes several consecutive waves, and names the first
    ``_NAMES_SHOWN`` of their stateful services too.
    """
    services = analysis.get("services", {})
    waves = analysis.get("waves", [])
    rows = _wave_rows(waves)
    merged = len(rows) < len(waves)
    ranges = (f" The {len(waves):,} waves are too many for a row each, so a row takes "
              f"{-(-len(waves) // WAVE_ROWS)} consecutive waves." if merged else "")
    out = ["## Dependency graph", "",
           f"The {len(services):,} services make a graph too big for one Mermaid diagram "
           f"(GitHub's renderer draws at most {MERMAID_MAX_EDGES} arrows and "
           f"{MERMAID_MAX_TEXT_SIZE:,} characters), so here are its waves instead. Wave 0 "
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


def _drawn_edges(analysis: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The edges worth drawing: ordering edges, less those implied by a longer path.

    Shared volumes are no dependency and stay out (the findings list them). Where the
    graph has a cycle, every edge is kept.
    """
    services = analysis.get("services", {})
    declared: dict[tuple[str, str], bool] = {}
    for edge in analysis.get("edges", []):
        pair = (edge["source"], edge["target"])
        if edge["kind"] == "shared_volume" or pair[0] not in services or pair[1] not in services:
            continue
        declared[pair] = declared.get(pair, False) or edge["kind"] != "inferred"
    succ = adjacency((), declared)
    nodes = list(succ)
    keep = set(declared)
    if is_acyclic(nodes, succ):
        keep = transitive_reduction(nodes, succ)
    return sorted((a, b, declared[(a, b)]) for a, b in keep)


_GANTT_ORIGIN = dt.date(2000, 1, 3)
"""A Monday in week 1, so the axis can count weeks when no start date is set."""


def timeline(plan: Plan) -> list[str]:
    """The timeline as a Mermaid gantt: a bar a task, or a bar a wave when that is too long.

    Past ``MERMAID_MAX_TEXT_SIZE`` the tasks of a phase are drawn a wave at a time (its
    stateless services, then its stateful ones); a plan that does not fit even so gets the
    same bars as a table.
    """
    start = dt.date.fromisoformat(plan.start) if plan.start else _GANTT_ORIGIN
    axis = "%b %d" if plan.start else "W%W"
    ticks = "1week" if plan.total_weeks <= 20 else "2week"
    head = ["gantt", f"  title {_gantt_text(plan.project)} - about {_w(plan.total_weeks)} weeks",
            "  dateFormat YYYY-MM-DD", f"  axisFormat {axis}", f"  tickInterval {ticks}",
            "  weekday monday"]
    axis_note = "" if plan.start else (" The axis counts weeks from the start "
                                       "(set `--start YYYY-MM-DD` for dates).")
    lines = _mermaid(chain(head, _gantt_lines(_gantt_bars(plan, start, by_wave=False))))
    if lines is not None:
        return ["## Timeline", "", "```mermaid", *lines, "```", "",
                "The whole team takes the tasks of a phase one after the other, in the order of "
                "the plan; a bar is the task's person-days over the team's capacity."
                + axis_note, ""]
    tasks = sum(len(p.tasks) for p in plan.phases)
    why = (f"The plan's {tasks:,} tasks are too many to draw a bar each (GitHub's renderer "
           f"draws at most {MERMAID_MAX_TEXT_SIZE:,} characters a diagram)")
    lines = _mermaid(chain(head, _gantt_lines(_gantt_bars(plan, start, by_wave=True))))
    if lines is not None:
        return ["## Timeline", "", "```mermaid", *lines, "```", "",
                f"{why}, so a bar is the tasks of one wave: its stateless services and jobs, "
                "its stateful services or its dev-only ones. The whole team takes the tasks "
                "of a phase one after the other, in the order of the plan; a bar is their "
                "person-days over the team's capacity." + axis_note, ""]
    bars = [(phase, bar) for phase, bar in _gantt_bars(plan, start, by_wave=True)
            if bar is not None]
    rows = _timeline_rows(bars)
    ranges = (" There are too many of them for a row each, so a row takes the tasks of "
              "several consecutive waves of a phase." if len(rows) < len(bars) else "")
    out = ["## Timeline", "",
           f"{why}, even a bar a wave, so here are the waves as a table. The whole team takes "
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
