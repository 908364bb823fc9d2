"""The burn-up: work planned against work done, week by week, from the plan's start date.

Both lines count the plan's work in person-days (the tasks' estimates). The plan's line
rises at the plan's capacity (team size x focus x days a week) until it reaches the whole
plan's work: the phases run one after another at one capacity, so it is straight. The done
line adds, at the end of each week, the share of every item finished that week
(:func:`~migrate_tui.progress.forecast.item_shares`); a skipped item is not work done.

The weeks are counted from the start date (week 1 is its first seven days). A long plan
has its weeks grouped (``MAX_POINTS``) so that a chart stays readable in GitHub's column
and in an 80-column terminal. The done line ends on the week of the last finish recorded,
or on ``as_of``'s week when one is given (the TUI gives today; the Markdown export gives
none, so that the same files make the same document). An item done without a recorded day
counts on that last week.

One source for the Markdown chart (:func:`migrate_tui.export.burnup.burn_up_chart`) and
the TUI's (``tui/widgets/burn_up.py``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from migrate_tui.planning.plan import Plan
from migrate_tui.progress.forecast import item_shares
from migrate_tui.progress.model import ProgressState

MAX_POINTS = 26
"""The most points a line has: past 26 weeks, each point is a group of weeks."""


@dataclass(frozen=True)
class BurnUp:
    """The two lines of the burn-up, a point a week (or a group of weeks)."""

    start: dt.date
    """The plan's start date: week 1 begins on it."""
    weeks_per_point: int
    """How many weeks a point covers (1 up to ``MAX_POINTS`` weeks)."""
    weeks: tuple[int, ...]
    """The last week of each point (1-based), in order."""
    planned: tuple[float, ...]
    """The work the plan has done by the end of each point's weeks, in person-days."""
    done: tuple[float, ...]
    """The work done by then; as many points as there are weeks with a known finish (or
    up to ``as_of``), so possibly fewer than ``planned``."""
    total: float
    """The whole plan's work, in person-days."""

    def label(self, index: int) -> str:
        """The x-axis label of a point: the number of its (last) week."""
        return str(self.weeks[index])


def burn_up(
    plan: Plan, state: ProgressState, *, as_of: dt.date | None = None, lived: bool = False,
) -> BurnUp | None:
    """The burn-up of ``plan`` with the progress of ``state``; None without a start date.

    Args:
        plan: The plan: its start, capacity and the estimates of its items.
        state: The saved progress: statuses and the days items finished.
        as_of: The day the done line runs to (finishes after it are not drawn); None: the
            last finish recorded.
        lived: Once an item is done, run the weeks only to the done line's last (the weeks
            lived), not to the plan's end.
    """
    if plan.start is None:
        return None
    start = dt.date.fromisoformat(plan.start)
    total = sum(t.estimate_days for p in plan.phases for t in p.tasks)
    finishes: dict[int, float] = {}  # work of the items done on a known day, by week
    undated = 0.0
    saved = state.items
    for task in (t for p in plan.phases for t in p.tasks) if saved else ():
        for plan_item, share in zip(task.checklist, item_shares(task), strict=True):
            item = saved.get(plan_item.id)
            if item is None or item.status != "done":
                continue
            if item.finished is None:
                undated += share
            elif as_of is None or item.finished <= as_of:
                week = _week_of(start, item.finished)
                finishes[week] = finishes.get(week, 0.0) + share
    last_done = max(finishes, default=1 if undated else 0)
    if as_of is not None:
        last_done = max(last_done, _week_of(start, as_of)) if (finishes or undated) else 0
    plan_weeks = max(1, math.ceil(plan.total_weeks - 1e-9))
    weeks = last_done if lived and last_done else max(plan_weeks, last_done)
    step = max(1, math.ceil(weeks / MAX_POINTS))
    ends = tuple(range(step, math.ceil(weeks / step) * step + 1, step))
    capacity = plan.capacity_days_per_week
    planned = tuple(min(total, capacity * w) for w in ends)
    done: list[float] = []
    weekly = sorted(finishes.items())
    dated, at = 0.0, 0
    for end in ends:
        if end - step >= last_done:
            break
        while at < len(weekly) and weekly[at][0] <= end:
            dated += weekly[at][1]
            at += 1
        done.append(dated + (undated if end >= last_done else 0.0))
    return BurnUp(start=start, weeks_per_point=step, weeks=ends, planned=planned,
                  done=tuple(done), total=total)


def _week_of(start: dt.date, day: dt.date) -> int:
    """The week ``day`` falls in, 1 for the first seven days (and any day before them)."""
    return max(1, (day - start).days // 7 + 1)
