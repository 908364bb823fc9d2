"""The burn-up's figures (progress/burnup.py) and its Markdown chart (export/burnup.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from migrate_tui.export.burnup import burn_up_chart
from migrate_tui.planning.build import plan_for_path
from migrate_tui.planning.plan import Plan, Settings
from migrate_tui.progress import ItemState, ProgressState
from migrate_tui.progress.burnup import MAX_POINTS, burn_up
from migrate_tui.progress.forecast import item_shares

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"
START = dt.date(2026, 1, 5)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_for_path(SAMPLES / "webapp", environ={"PATH": "/usr/bin"},
                         settings=Settings(start=START))


def _share(plan: Plan, item_id: str) -> float:
    for task in (t for p in plan.phases for t in p.tasks):
        for item, share in zip(task.checklist, item_shares(task), strict=True):
            if item.id == item_id:
                return share
    raise KeyError(item_id)


def _state(**items: ItemState) -> ProgressState:
    return ProgressState(items={k.replace("__", "."): v for k, v in items.items()})


def test_no_start_date_no_burn_up(plan: Plan) -> None:
    assert burn_up(plan.model_copy(update={"start": None}), ProgressState()) is None


def test_the_plans_line_rises_at_its_capacity_to_its_whole_work(plan: Plan) -> None:
    burn = burn_up(plan, ProgressState())
    assert burn is not None
    total = sum(t.estimate_days for p in plan.phases for t in p.tasks)
    assert burn.total == pytest.approx(total)
    assert burn.weeks[-1] >= plan.total_weeks and burn.weeks_per_point == 1
    assert burn.planned[0] == pytest.approx(plan.capacity_days_per_week)
    assert burn.planned[-1] == pytest.approx(total)
    assert burn.done == ()


def test_the_work_done_adds_up_week_by_week(plan: Plan) -> None:
    ids = [i.id for i in plan.items()]
    state = ProgressState(items={
        ids[0]: ItemState(status="done", finished=START),                           # week 1
        ids[1]: ItemState(status="done", finished=START + dt.timedelta(days=15)),   # week 3
        ids[2]: ItemState(status="skipped"),                                        # no work
        ids[3]: ItemState(status="done"),                                # no day: the last
        ids[4]: ItemState(status="done", finished=START - dt.timedelta(days=3)),    # week 1
    })
    burn = burn_up(plan, state)
    assert burn is not None
    a, b, d, e = (_share(plan, ids[n]) for n in (0, 1, 3, 4))
    assert burn.done == pytest.approx((a + e, a + e, a + e + b + d))
    later = burn_up(plan, state, as_of=START + dt.timedelta(days=10))  # week 2
    assert later is not None and later.done == pytest.approx((a + e, a + e + d))


def test_lived_runs_to_the_last_finish_only(plan: Plan) -> None:
    first = plan.items()[0].id
    state = ProgressState(items={first: ItemState(status="done",
                                                  finished=START + dt.timedelta(days=22))})
    burn = burn_up(plan, state, lived=True)
    assert burn is not None and burn.weeks == (1, 2, 3, 4) and len(burn.done) == 4


def test_a_long_plan_groups_its_weeks(plan: Plan) -> None:
    slow = plan.model_copy(update={"capacity_days_per_week": plan.capacity_days_per_week / 20,
                                   "total_weeks": plan.total_weeks * 20})
    burn = burn_up(slow, ProgressState())
    assert burn is not None
    assert len(burn.weeks) <= MAX_POINTS and burn.weeks_per_point > 1
    assert burn.weeks[-1] >= slow.total_weeks
    assert burn.planned[-1] == pytest.approx(burn.total)


def test_the_markdown_chart_without_a_start_says_how_to_get_one(plan: Plan) -> None:
    lines = burn_up_chart(plan.model_copy(update={"start": None}), ProgressState())
    assert lines[0] == "## Burn-up"
    assert "```mermaid" not in lines and "Set a start date" in "\n".join(lines)


def test_the_markdown_chart_draws_the_plan_then_the_weeks_lived(plan: Plan) -> None:
    text = "\n".join(burn_up_chart(plan, ProgressState()))
    assert "xychart-beta" in text and 'line "Planned" [' in text and "bar " not in text
    assert "No item is done yet" in text
    first = plan.items()[0].id
    state = ProgressState(items={first: ItemState(status="done",
                                                  finished=START + dt.timedelta(days=8))})
    lines = burn_up_chart(plan, state)
    text = "\n".join(lines)
    assert '  x-axis "Week" [1, 2]' in lines
    share = _share(plan, first)
    assert f'  bar "Done" [0, {share:.1f}]'.replace(".0]", "]") in lines
    assert "up to week 2" in text and "in week" in text
    assert lines == burn_up_chart(plan, state)  # same figures, same text
