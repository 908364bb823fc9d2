"""The forecast: the plan until an item is done, then the team's own pace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate_tui.planning.build import plan_for_path
from migrate_tui.planning.plan import Plan, Settings
from migrate_tui.progress import ItemState, ProgressState
from migrate_tui.progress.forecast import Forecast, forecast, item_shares, pace_words

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"
START = dt.date(2026, 1, 5)
D = dt.date


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_for_path(SAMPLES / "webapp", environ={"PATH": "/usr/bin"},
                         settings=Settings(start=START))


def _fc(plan: Plan, items: dict[str, ItemState], as_of: dt.date) -> Forecast:
    result = forecast(plan, ProgressState(items=items), as_of=as_of, range_low=0.8,
                      range_high=1.5)
    assert result is not None
    return result


def _ids(plan: Plan) -> list[str]:
    return [i.id for i in plan.items()]


def _ends(fc: Forecast) -> list[dt.date]:
    return [fc.end_date, fc.end_date_low, fc.end_date_high,
            *(d for p in fc.phases for d in (p.forecast_end_date, p.forecast_end_date_low,
                                             p.forecast_end_date_high))]


def test_no_start_date_no_forecast(plan: Plan) -> None:
    undated = plan.model_copy(update={"start": None})
    assert forecast(undated, ProgressState(), as_of=START, range_low=0.8,
                    range_high=1.5) is None


def test_the_shares_of_a_task_add_up_to_its_estimate(plan: Plan) -> None:
    for task in (t for p in plan.phases for t in p.tasks):
        assert sum(item_shares(task)) == pytest.approx(task.estimate_days)


def test_a_team_exactly_on_plan_is_forecast_to_end_on_the_planned_day(plan: Plan) -> None:
    # everything planned for the first phase done by the day it was planned to end
    first = plan.phases[0]
    end = dt.date.fromisoformat(first.end_date or "")
    items = {i.id: ItemState(status="done", finished=end - dt.timedelta(days=2))
             for t in first.tasks for i in t.checklist}
    fc = _fc(plan, items, end - dt.timedelta(days=1))
    assert fc.pace is not None and fc.pace == pytest.approx(1.0, abs=0.1)
    assert abs((fc.end_date - fc.planned_end_date).days) <= 0.1 * plan.total_weeks * 7
    assert fc.phases[0].forecast_end_date == end - dt.timedelta(days=2)  # its last finish


def test_a_team_at_half_the_pace_takes_twice_as_long_for_what_is_left(plan: Plan) -> None:
    first = plan.phases[0]
    planned_weeks = first.end_week
    as_of = START + dt.timedelta(days=round(planned_weeks * 14) - 1)  # twice the time
    items = {i.id: ItemState(status="done", finished=START) for t in first.tasks
             for i in t.checklist}
    fc = _fc(plan, items, as_of)
    assert fc.pace == pytest.approx(0.5, abs=0.05)
    assert pace_words(fc.pace or 0) in ("50% slower than planned", "49% slower than planned",
                                         "51% slower than planned")
    left_weeks = (plan.total_weeks - planned_weeks) * 2
    assert (fc.end_date - as_of).days == pytest.approx(left_weeks * 7, abs=2)
    assert fc.end_date_low < fc.end_date < fc.end_date_high
    for phase in fc.phases[1:]:  # (the first is done: it ended on its last finish)
        assert phase.forecast_end_date_low < phase.forecast_end_date \
            < phase.forecast_end_date_high
    assert fc.phases[-1].forecast_end_date_high == fc.end_date_high


def test_skipped_items_are_neither_earned_nor_left(plan: Plan) -> None:
    ids = _ids(plan)
    done = {ids[0]: ItemState(status="done", finished=START)}
    fc = _fc(plan, done, START + dt.timedelta(days=6))
    skipped = _fc(plan, {**done, ids[1]: ItemState(status="skipped")},
                  START + dt.timedelta(days=6))
    assert skipped.done_days == fc.done_days
    assert skipped.left_days < fc.left_days
    assert skipped.end_date <= fc.end_date


def test_the_json_names_the_phases_in_plan_order(plan: Plan) -> None:
    data = _fc(plan, {}, START).to_json()
    assert [p["id"] for p in data["phases"]] == [p.id for p in plan.phases]
    assert data["basis"] == "plan" and data["pace"] is None
    assert data["end_date"] == data["planned_end_date"]
    assert {"id", "planned_end_date", "forecast_end_date"} <= set(data["phases"][0])


# -- properties ------------------------------------------------------------------------------

days = st.integers(0, 120).map(lambda n: START + dt.timedelta(days=n))


@st.composite
def progress(draw: st.DrawFn, plan_ids: list[str]) -> tuple[dict[str, ItemState], dt.date]:
    as_of = draw(days)
    chosen = draw(st.lists(st.sampled_from(plan_ids), unique=True, max_size=25))
    items = {}
    for item_id in chosen:
        status = draw(st.sampled_from(["done", "done", "done", "skipped", "doing"]))
        if status == "done":
            finished = draw(st.none() | st.integers(0, 120).map(
                lambda n: START + dt.timedelta(days=n)).filter(lambda d: d <= as_of))
            items[item_id] = ItemState(status="done", finished=finished)
        else:
            items[item_id] = ItemState(status=status)  # type: ignore[arg-type]
    return items, as_of


@pytest.fixture(scope="module")
def plan_ids(plan: Plan) -> list[str]:
    return _ids(plan)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_no_done_items_the_forecast_is_the_plan(plan: Plan, plan_ids: list[str],
                                                 data: st.DataObject) -> None:
    items, as_of = data.draw(progress(plan_ids))
    items = {k: v for k, v in items.items() if v.status != "done"}
    fc = _fc(plan, items, as_of)
    assert fc.pace is None
    assert fc.end_date == fc.planned_end_date == dt.date.fromisoformat(
        plan.phases[-1].end_date or "")
    for phase, planned in zip(fc.phases, plan.phases, strict=True):
        assert phase.forecast_end_date == phase.planned_end_date == dt.date.fromisoformat(
            planned.end_date or "")


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_more_done_never_forecasts_later(plan: Plan, plan_ids: list[str],
                                         data: st.DataObject) -> None:
    items, as_of = data.draw(progress(plan_ids))
    if _fc(plan, items, as_of).pace is None:
        # No work done yet (no item, or only items of no work, such as a proxy replaced by
        # an Ingress): the forecast is the plan, and the first work done sets the pace.
        items[plan_ids[0]] = ItemState(status="done", finished=START)
    before = _fc(plan, items, as_of)
    extra = data.draw(st.sampled_from(plan_ids).filter(
        lambda i: items.get(i, ItemState()).status != "done"))
    finished = data.draw(days.filter(lambda d: d <= as_of) | st.none())
    after = _fc(plan, {**items, extra: ItemState(status="done", finished=finished)}, as_of)
    assert all(a <= b for a, b in zip(_ends(after), _ends(before), strict=True)), (
        extra, before, after)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_same_items_done_sooner_never_forecast_later(plan: Plan, plan_ids: list[str],
                                                         data: st.DataObject) -> None:
    items, as_of = data.draw(progress(plan_ids))
    dated = [k for k, v in items.items() if v.status == "done" and v.finished is not None]
    if not dated:
        return
    moved = data.draw(st.sampled_from(dated))
    old = items[moved].finished
    assert old is not None
    sooner = data.draw(st.integers(0, (old - START).days).map(
        lambda n: START + dt.timedelta(days=n)))
    before = _fc(plan, items, as_of)
    after = _fc(plan, {**items, moved: ItemState(status="done", finished=sooner)}, as_of)
    assert all(a <= b for a, b in zip(_ends(after), _ends(before), strict=True))


def test_status_says_how_the_pace_differs_and_json_has_the_forecast(
        plan: Plan, tmp_path: Path) -> None:
    import json

    from migrate_tui.progress import ProgressStore, SetStatus
    from migrate_tui.progress.commands import cmd_status

    store = ProgressStore(tmp_path / "migration.toml")
    rows = [(i.id, p.id, t.service, i.text) for p in plan.phases for t in p.tasks
            for i in t.checklist]
    first = plan.phases[0].tasks[0].checklist[0].id
    store.apply([SetStatus(first, "done", "ana", on=START)])
    as_of = START + dt.timedelta(days=27)
    text = cmd_status(store, rows, "text", plan=plan, ranges=(0.8, 1.5), today=as_of)
    fc = _fc(plan, store.load().items, as_of)
    assert fc.pace is not None and fc.pace < 1
    assert f"Team pace  {fc.pace:.0%} of the plan's: {pace_words(fc.pace)}" in text
    assert "slower than planned" in text and "the estimates are unchanged" in text
    assert f"End        {fc.end_date.isoformat()}, " in text
    assert "later than planned" in text
    data = json.loads(cmd_status(store, rows, "json", plan=plan, ranges=(0.8, 1.5),
                                 today=as_of))
    assert data["forecast"] == fc.to_json()
    assert data["forecast"]["end_date"] > data["forecast"]["planned_end_date"]
    undated = plan.model_copy(update={"start": None})
    assert "forecast" not in json.loads(cmd_status(store, rows, "json", plan=undated))
    assert "none without a start date" in cmd_status(store, rows, "text", plan=undated)


def test_the_readme_worked_example_is_what_status_prints(tmp_path: Path) -> None:
    """README.md's example: webapp, its Denial items done in January, as of 2026-02-01."""
    import re
    import shutil

    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.progress.commands import cmd_status
    from migrate_tui.workspace import open_workspace

    readme = (SAMPLES.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"\$ migrate-tui status        # on 2026-02-01\n\.\.\.\n(.*?)```",
                      readme, flags=re.S)
    assert block is not None
    project = tmp_path / "webapp"
    shutil.copytree(SAMPLES / "webapp", project)
    days = {"inventory": "finished = 2026-01-07",
            "decision": "finished = 2026-01-13\nstarted = 2026-01-07",
            **{name: "finished = 2026-01-20" for name in (
                "cost-model", "cluster-choice", "dev-cluster")},
            **{name: "finished = 2026-01-28" for name in (
                "security-review", "training", "runbook-baseline")}}
    (project / "migration.toml").write_text(
        "schema = 1\n\n[settings]\nstart = 2026-01-05\n\n" + "\n".join(
            f'[items."project.{name}"]\n{when}\nstatus = "done"\n'
            for name, when in days.items()))
    ws = open_workspace(LoadOptions(path=str(project), cwd=str(project),
                                    environ={"PATH": "/usr/bin"}))
    est = ws.playbooks.estimates
    text = cmd_status(ws.store, ws.rows(), "text", plan=ws.plan,
                      ranges=(est.range_low, est.range_high), today=D(2026, 2, 1))
    assert text[text.index("Forecast (as of"):] == block.group(1)
