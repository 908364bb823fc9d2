"""The timeline: a Mermaid gantt of the plan's phases and tasks, or a table.

A bar a task; past Mermaid's size, a bar a wave and kind of service; past that, the same
bars as a table, ranges of waves past ``TIMELINE_ROWS``. The axis counts the weeks or
years of the plan, or shows dates when the plan has a start date (``_AXES``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import chain, groupby
from typing import NamedTuple

from migrate_tui.export.markdown_text import md
from migrate_tui.export.markdown_text import plural as _n
from migrate_tui.export.markdown_text import weeks as _w
from migrate_tui.export.mermaid_text import MERMAID_MAX_TEXT_SIZE, gantt_text, mermaid_lines
from migrate_tui.planning.plan import PhasePlan, Plan, Task

TIMELINE_ROWS = 200
"""The most rows of the timeline's table (the gantt a plan too long to draw gets); past it,
each row takes the bars of several consecutive waves of a phase.

That table has a row per wave and kind of service in every phase: 8,000 rows, 490 KB, for
a 4,000-service ``depends_on`` chain, more than GitHub renders. 200 rows take some 15 KB."""


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
    head = ["gantt", f"  title {gantt_text(plan.project)} - about {_w(plan.total_weeks)} weeks",
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

    Args:
        plan: The plan, its phases dated when it has a start date.

    Returns:
        The section's lines, heading first.
    """
    start = dt.date.fromisoformat(plan.start) if plan.start else _GANTT_ORIGIN
    # Made once for the end, the gantt of waves and the table (at 2,000 services, each
    # pass over 7,500 tasks took 5 ms).
    wave_bars = list(_gantt_bars(plan, start, by_wave=True))
    end = max((bar.start + dt.timedelta(days=bar.days) for _, bar in wave_bars if bar is not None),
              default=start + dt.timedelta(days=7))
    head = _gantt_head(plan, start, end)
    axis_note = "" if plan.start else (" The axis counts the weeks (or years) of the plan, "
                                       "the first being 1; set `--start YYYY-MM-DD` for dates.")
    drawable = bool(plan.start) or (end - start).days <= _MAX_COUNTED_YEARS * 365
    lines = (mermaid_lines(chain(head, _gantt_lines(_gantt_bars(plan, start, by_wave=False))))
             if drawable else None)
    if lines is not None:
        return ["## Timeline", "", "```mermaid", *lines, "```", "",
                "The whole team takes the tasks of a phase one after the other, in the order of "
                "the plan; a bar is the task's person-days over the team's capacity."
                + axis_note, ""]
    tasks = sum(len(p.tasks) for p in plan.phases)
    why = (f"The plan's {tasks:,} tasks are too many to draw a bar each (GitHub's renderer "
           f"draws at most {MERMAID_MAX_TEXT_SIZE:,} characters a diagram)")
    lines = mermaid_lines(chain(head, _gantt_lines(wave_bars))) if drawable else None
    if lines is not None:
        return ["## Timeline", "", "```mermaid", *lines, "```", "",
                f"{why}, so a bar is the tasks of one wave: its stateless services and jobs, "
                "its stateful services or its dev-only ones. The whole team takes the tasks "
                "of a phase one after the other, in the order of the plan; a bar is their "
                "person-days over the team's capacity." + axis_note, ""]
    if not drawable:
        why = (f"The plan lasts about {(end - start).days // 365} years, longer than a gantt "
               "without dates can count (set `--start YYYY-MM-DD` for dates)")
    bars = [(phase, bar) for phase, bar in wave_bars if bar is not None]
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
    """The timeline table's rows: a bar each, or runs of bars past ``TIMELINE_ROWS``.

    Past ``TIMELINE_ROWS`` bars, a row takes the bars of as many consecutive waves of a
    phase as it takes to stay about within it (a project task keeps a row of its own).
    """
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
    """The name of a row of the timeline table.

    A project task's title, or its waves and how many services of each kind
    (``Waves 12–15: 3 stateless services, 1 stateful service``).
    """
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
        phase_start = max(cursor, start + dt.timedelta(days=round(phase.start_week * 7)))
        runs = _waves(phase.tasks) if by_wave else ((gantt_text(t.title), [t])
                                                     for t in phase.tasks)
        # Each bar sits where its work falls in the phase (the work before it, rounded to
        # days), at least a day long: a task of a few hours (a copy of another service)
        # shares a day with the next rather than pushing the phase past the plan's end.
        work = 0.0
        for index, (name, tasks) in enumerate(runs):
            first = round(work / per_day)
            work += sum(t.estimate_days for t in tasks)
            days = max(1, round(work / per_day) - first)
            done = all(t.checklist and t.done == len(t.checklist) for t in tasks)
            bar_start = phase_start + dt.timedelta(days=first)
            yield phase, _Bar(index, name, done, bar_start, days, tasks)
            cursor = max(cursor, bar_start + dt.timedelta(days=days))


def _gantt_lines(bars: Iterable[tuple[PhasePlan, _Bar | None]]) -> Iterator[str]:
    """The gantt's sections and bars."""
    for phase, bar in bars:
        if bar is None:
            yield f"  section {gantt_text(phase.name)}"
        else:
            yield (f"  {bar.name} :{'done, ' if bar.done else ''}t{bar.place}_{phase.id}, "
                   f"{bar.start.isoformat()}, {bar.days}d")


def _waves(tasks: list[Task]) -> Iterator[tuple[str, list[Task]]]:
    """The tasks in runs of one wave and one kind, each with its bar's name.

    The name is ``Wave 2 - 40 stateless services``, or a project task's title.
    """
    for (wave, kind), run in groupby(tasks, key=_wave_kind):
        group = list(run)
        if wave is None:
            yield gantt_text(group[0].title), group
        else:
            yield f"Wave {wave} - {_n(len(group), f'{kind} service')}", group


def _wave_kind(task: Task) -> tuple[int | None, str]:
    """What puts a task in a wave's bar: its wave and kind (a project task is on its own)."""
    if task.service is None:
        return None, task.id
    if task.kind == "dev-only":
        return task.wave, "dev-only"
    return task.wave, "stateful" if task.service_class == "stateful" else "stateless"
