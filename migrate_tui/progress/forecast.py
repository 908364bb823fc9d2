"""The forecast: when the migration ends at the pace the team has kept so far.

The plan says how much work each phase is (its tasks' estimates, in person-days) and how
fast the team should get through it (``capacity_days_per_week``: team size x focus x days
a week). Once the plan has a start date, the items done say how fast the team really goes:

- an item done is *earned*: its share of its task's estimate (its weight among the task's
  items, as :attr:`~migrate_tui.planning.plan.Task.days_left` counts it) is work behind;
  a skipped item is work nobody has to do: neither earned nor left;
- the team's **pace** is the work earned per week since the start, over the plan's
  capacity: 1.0 is the plan's speed, 0.8 is 20% slower. Weeks with nothing finished count:
  a team that did its first week's work and then stopped is not on plan;
- the work left, at that pace, from today, phase after phase as the plan orders them,
  gives each phase's forecast end; a finished phase ends on its last item's finish. The
  range (low/high) applies the plan's factors (``range_low``, ``range_high`` of
  ``estimates.yaml``) to the weeks left.

Each phase's own pace (its work earned over the days from its first recorded start to its
last finish, or to today) is reported so that a lead sees where the time goes; the
forecast itself uses the team's overall pace, the steadier figure (a phase's pace rests on
few items, and phases run one after another on the same people).

Until work is done (an item with an estimate: an item of no work, such as a proxy replaced
by an Ingress, measures nothing) there is no pace to measure: the forecast is the plan. The estimate
factors are never changed by what the forecast finds; ``status`` says how the pace
differs, and re-estimating stays a person's decision (``--playbooks``).

Properties (``tests/progress/test_forecast.py``): with no item done the forecast is the
plan; once there is a pace, more items done, or the same items done sooner, never moves an
end later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from migrate_tui.planning.plan import PhasePlan, Plan, Task
from migrate_tui.progress.model import ItemState, ProgressState


@dataclass(frozen=True)
class PhaseForecast:
    """One phase: planned and forecast ends, work done and left, its own pace."""

    id: str
    planned_end_date: dt.date
    forecast_end_date: dt.date
    forecast_end_date_low: dt.date
    forecast_end_date_high: dt.date
    done_days: float
    """Estimated work of its items done, in person-days."""
    left_days: float
    """Estimated work of its items neither done nor skipped."""
    pace: float | None
    """Its own pace against the plan's (1.0: as planned); None when nothing in it is done."""


@dataclass(frozen=True)
class Forecast:
    """The whole migration's forecast, as of a day."""

    as_of: dt.date
    start: dt.date
    planned_end_date: dt.date
    end_date: dt.date
    end_date_low: dt.date
    end_date_high: dt.date
    pace: float | None
    """The team's pace against the plan's (1.0: as planned, 0.8: 20% slower); None when
    no item is done yet, and the forecast is the plan."""
    done_items: int
    done_days: float
    left_days: float
    phases: tuple[PhaseForecast, ...]

    def to_json(self) -> dict[str, Any]:
        """The ``forecast`` of ``status --format json``."""
        return {
            "as_of": self.as_of.isoformat(),
            "basis": "plan" if self.pace is None else "pace",
            "pace": _round(self.pace),
            "planned_end_date": self.planned_end_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "end_date_low": self.end_date_low.isoformat(),
            "end_date_high": self.end_date_high.isoformat(),
            "done_days": _round(self.done_days),
            "left_days": _round(self.left_days),
            "phases": [{
                "id": p.id,
                "planned_end_date": p.planned_end_date.isoformat(),
                "forecast_end_date": p.forecast_end_date.isoformat(),
                "forecast_end_date_low": p.forecast_end_date_low.isoformat(),
                "forecast_end_date_high": p.forecast_end_date_high.isoformat(),
                "done_days": _round(p.done_days),
                "left_days": _round(p.left_days),
                "pace": _round(p.pace),
            } for p in self.phases],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value + 1e-12, 2)


def item_shares(task: Task) -> list[float]:
    """Each checklist item's share of its task's estimate, in person-days.

    By the items' own estimates, equal shares when they have none: the weighting of
    :attr:`~migrate_tui.planning.plan.Task.days_left`, so that the shares of the items not
    done add up to the days it says are left.
    """
    weights = [i.estimate_days for i in task.checklist]
    total = sum(weights)
    if total <= 0:
        weights, total = [1.0] * len(weights), float(len(weights))
    return [task.estimate_days * w / total for w in weights] if weights else []


def _weeks_to_days(weeks: float) -> dt.timedelta:
    return dt.timedelta(days=round(weeks * 7 + 1e-9))


@dataclass
class _Phase:
    """What the items of one phase add up to."""

    done: float = 0.0
    left: float = 0.0
    done_items: int = 0
    first_day: dt.date | None = None
    last_finish: dt.date | None = None


def _tally(plan_phase_tasks: Iterable[Task], state: ProgressState, start: dt.date,
           as_of: dt.date) -> _Phase:
    phase = _Phase()
    saved = state.items
    for task in plan_phase_tasks:
        if not saved:  # nothing saved: all of it is left
            phase.left += task.estimate_days if task.checklist else 0.0
            continue
        for plan_item, share in zip(task.checklist, item_shares(task), strict=True):
            item: ItemState | None = saved.get(plan_item.id)
            if item is None or item.status not in ("done", "skipped"):
                phase.left += share
                continue
            if item.status == "skipped":
                continue
            finished = min(item.finished, as_of) if item.finished else None
            phase.done += share
            phase.done_items += 1
            for day in (item.started, finished):
                if day is not None:
                    day = min(max(day, start), as_of)
                    phase.first_day = min(phase.first_day or day, day)
            if finished is not None:
                phase.last_finish = max(phase.last_finish or finished, finished)
    return phase


def forecast(
    plan: Plan,
    state: ProgressState,
    *,
    as_of: dt.date,
    range_low: float,
    range_high: float,
) -> Forecast | None:
    """The forecast of ``plan`` with the progress in ``state``; None without a start date.

    Args:
        plan: The plan (its phases, tasks, estimates, capacity and start).
        state: The saved progress: statuses, and the days items started and finished.
        as_of: Today: the day the work left starts from. Finishes recorded after it are
            taken as today's.
        range_low: The plan's factor for the low end of its range (``range_low``).
        range_high: The plan's factor for the high end (``range_high``).
    """
    if plan.start is None:
        return None
    start = dt.date.fromisoformat(plan.start)
    capacity = plan.capacity_days_per_week
    tallies = [_tally(p.tasks, state, start, as_of) for p in plan.phases]
    done = sum(t.done for t in tallies)
    done_items = sum(t.done_items for t in tallies)
    planned_end = _phase_end(start, plan.phases[-1]) if plan.phases else start
    if done <= 0 or capacity <= 0:
        phases = tuple(PhaseForecast(
            id=p.id, planned_end_date=_phase_end(start, p),
            forecast_end_date=_phase_end(start, p),
            forecast_end_date_low=_planned(start, p.end_week_low),
            forecast_end_date_high=_planned(start, p.end_week_high),
            done_days=t.done, left_days=t.left, pace=None,
        ) for p, t in zip(plan.phases, tallies, strict=True))
        return Forecast(
            as_of=as_of, start=start, planned_end_date=planned_end, end_date=planned_end,
            end_date_low=_planned(start, plan.total_weeks_low),
            end_date_high=_planned(start, plan.total_weeks_high), pace=None,
            done_items=done_items, done_days=done, left_days=sum(t.left for t in tallies),
            phases=phases,
        )
    anchor = max(as_of, start)
    pace = done / (capacity * _weeks(start, as_of))
    velocity = capacity * pace
    weeks_left = 0.0
    last_finish: dt.date | None = None
    phases_out = []
    for p, t in zip(plan.phases, tallies, strict=True):
        if t.left > 0:
            weeks_left += t.left / velocity
            end = anchor + _weeks_to_days(weeks_left)
            low = anchor + _weeks_to_days(weeks_left * range_low)
            high = anchor + _weeks_to_days(weeks_left * range_high)
        else:  # all done (or skipped): it ended on its last finish
            end = low = high = t.last_finish or anchor
            last_finish = max(last_finish or end, end)
        own = None
        if t.done > 0 and t.first_day is not None:
            until = as_of if t.left > 0 else (t.last_finish or as_of)
            own = t.done / (capacity * _weeks(t.first_day, until))
        phases_out.append(PhaseForecast(
            id=p.id, planned_end_date=_phase_end(start, p), forecast_end_date=end,
            forecast_end_date_low=low, forecast_end_date_high=high,
            done_days=t.done, left_days=t.left, pace=own,
        ))
    if weeks_left > 0:
        end_date = anchor + _weeks_to_days(weeks_left)
        end_low = anchor + _weeks_to_days(weeks_left * range_low)
        end_high = anchor + _weeks_to_days(weeks_left * range_high)
    else:
        end_date = end_low = end_high = last_finish or anchor
    return Forecast(
        as_of=as_of, start=start, planned_end_date=planned_end, end_date=end_date,
        end_date_low=end_low, end_date_high=end_high, pace=pace, done_items=done_items,
        done_days=done, left_days=sum(t.left for t in tallies), phases=tuple(phases_out),
    )


def _planned(start: dt.date, weeks: float) -> dt.date:
    """The plan's date ``weeks`` after its start (as the plan rounds it)."""
    return start + dt.timedelta(days=round(weeks * 7))


def _phase_end(start: dt.date, phase: PhasePlan) -> dt.date:
    """A phase's planned end: the plan's own date."""
    return dt.date.fromisoformat(phase.end_date) if phase.end_date else \
        _planned(start, phase.end_week)


def _weeks(first: dt.date, last: dt.date) -> float:
    """Weeks from the morning of ``first`` to the evening of ``last``; at least a day."""
    return max(1, (last - first).days + 1) / 7


def pace_words(pace: float) -> str:
    """How a pace differs from the plan's: ``20% slower than planned``, ``as planned``."""
    percent = round((pace - 1) * 100)
    if percent == 0:
        return "as planned"
    return f"{abs(percent)}% {'faster' if percent > 0 else 'slower'} than planned"


def render_forecast_text(fc: Forecast | None) -> str:
    """The forecast for ``status``: the end against the plan's, the pace, each phase.

    Args:
        fc: The forecast; None when the plan has no start date (the text says how to set
            one).
    """
    if fc is None:
        return ("\nForecast: none without a start date; set it with migrate-tui settings "
                "--start YYYY-MM-DD (or in the TUI's Overview)\n")
    lines = ["", f"Forecast (as of {fc.as_of.isoformat()})"]
    if fc.pace is None:
        lines.append("  No item done yet: the forecast is the plan.")
    else:
        lines.append(f"  Team pace  {fc.pace:.0%} of the plan's: {pace_words(fc.pace)}")
        lines.append(f"             from {fc.done_items} item{'s' if fc.done_items != 1 else ''} "
                     f"done, {fc.done_days:.1f} of {fc.done_days + fc.left_days:.1f} days of "
                     "work; the estimates are unchanged")
    shift = (fc.end_date - fc.planned_end_date).days
    when = ("on the planned day" if shift == 0 else
            f"{_days(abs(shift))} {'later' if shift > 0 else 'earlier'} than planned")
    lines.append(f"  End        {fc.end_date.isoformat()}, {when} "
                 f"({fc.planned_end_date.isoformat()})")
    lines.append(f"             range {fc.end_date_low.isoformat()} to "
                 f"{fc.end_date_high.isoformat()}")
    width = max((len(p.id) for p in fc.phases), default=0)
    for p in fc.phases:
        own = f"  pace {p.pace:.0%}" if p.pace is not None else ""
        lines.append(f"  {p.id:<{width}}  planned {p.planned_end_date.isoformat()}  "
                     f"forecast {p.forecast_end_date.isoformat()}{own}")
    return "\n".join(lines) + "\n"


def _days(n: int) -> str:
    """``5 days``, ``3 weeks`` (from two weeks on, rounded to the week)."""
    if n >= 14:
        weeks = round(n / 7)
        return f"{weeks} weeks"
    return f"{n} day{'s' if n != 1 else ''}"
