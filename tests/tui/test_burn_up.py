"""The Overview's burn-up: planned against done, by week, readable at 80x24."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from migrate_tui.planning.build import plan_for_path
from migrate_tui.planning.plan import Settings
from migrate_tui.progress import ItemState, ProgressState
from migrate_tui.progress.burnup import MAX_POINTS, burn_up
from migrate_tui.tui.widgets.burn_up import HEIGHT, BurnUpChart, burn_up_text
from tests.tui.helpers import SAMPLES, app_for, loaded, screen_text

START = dt.date(2026, 10, 5)


def _burn(project: str, done: int, as_of: dt.date) -> object:
    plan = plan_for_path(SAMPLES / project, environ={"PATH": "/usr/bin"},
                         settings=Settings(start=START))
    items = {i.id: ItemState(status="done", finished=START + dt.timedelta(days=n))
             for n, i in enumerate(plan.items()[:done])}
    return burn_up(plan, ProgressState(items=items), as_of=as_of)


def test_the_chart_fits_80_columns_and_its_bars_grow_with_the_work_done() -> None:
    burn = _burn("saas", 60, START + dt.timedelta(days=70))
    assert burn is not None and len(burn.weeks) <= MAX_POINTS  # type: ignore[attr-defined]
    lines = burn_up_text(burn).plain.splitlines()  # type: ignore[arg-type]
    assert max(len(line) for line in lines) <= 78  # (the Overview's padding)
    rows = lines[1:1 + HEIGHT]
    columns = [[row[row.index("┤") + 1:][2 * i] for row in rows]
               for i in range(len(burn.weeks))]  # type: ignore[union-attr]
    eighths = " ▁▂▃▄▅▆▇█"
    filled = [sum(eighths.index(c) for c in col if c in eighths) for col in columns]
    lived = len(burn.done)  # type: ignore[union-attr]
    assert filled[:lived] == sorted(filled[:lived]) and filled[lived - 1] > 0
    assert all(f == 0 for f in filled[lived:]), "no bar after today"
    top = max(burn.total, *burn.done)  # type: ignore[union-attr]
    for column, done in zip(filled, burn.done, strict=False):  # type: ignore[union-attr]
        assert abs(column - done / top * HEIGHT * 8) <= HEIGHT / 2 + 0.5, (column, done)
    assert any("•" in col for col in columns[lived:]), "the plan's line runs on"
    assert "done of" in lines[0] and "planned by now" in lines[0]


def test_without_a_start_date_it_says_how_to_get_one() -> None:
    assert "set a start date" in burn_up_text(None).plain


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLES / "webapp", tmp_path / "webapp")
    today = dt.datetime.now(dt.timezone.utc).date()
    start = today - dt.timedelta(days=20)
    (tmp_path / "webapp" / "migration.toml").write_text(
        f'schema = 1\n\n[settings]\nstart = {start.isoformat()}\n\n'
        f'[items."project.inventory"]\nfinished = {start.isoformat()}\nstatus = "done"\n\n'
        f'[items."project.decision"]\nfinished = {today.isoformat()}\nstatus = "done"\n')
    return tmp_path / "webapp"


async def test_the_overview_draws_it_at_80x24(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        chart = app.query_one(BurnUpChart)
        chart.scroll_visible(animate=False)
        await pilot.pause(0.2)
        screen = screen_text(app)
        assert "Burn-up  █ done  • planned" in screen, screen
        assert "weeks from" in screen or "┤" in screen
        assert all(len(line) <= 80 for line in screen.splitlines())
        text = str(chart.render())
        assert "done of" in text and any(c in text for c in "▁▂▃▄▅▆▇█")
        assert "Forecast ends " in text and "of the plan's" in text
