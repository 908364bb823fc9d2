"""The Services table kept in step without being rebuilt: a re-plan updates the changed
cells, a filter shows the matching rows, the detail follows the selection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrate_tui.tui.widgets.row_table import RowTable
from migrate_tui.tui.widgets.services_view import ServicesView
from tests.tui.helpers import SAMPLES, app_for, loaded, shown, until


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", target)
    return target


async def test_an_override_shows_in_the_table_and_the_filter_keeps_up(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        view = app.query_one(ServicesView)
        table = app.query_one("#svc-table", RowTable)
        view.select("api")
        await pilot.pause()
        assert str(table.get_cell("api", "Class")) == "stateless"
        await pilot.press("c")
        await until(pilot, lambda: str(table.get_cell("api", "Class")) == "stateful*",
                    "the override in the table")
        assert "overridden" in shown(app, "#svc-detail-text")
        # the filter: only the matching rows, and back
        await pilot.press("slash")
        for key in "redis":
            await pilot.press(key)
        await pilot.pause()
        assert table.row_keys == ["redis"]
        assert shown(app, "#svc-detail-text").startswith("redis")
        for _ in "redis":
            await pilot.press("backspace")
        await pilot.pause()
        assert table.row_count == len(view.rows)
        assert str(table.get_cell("api", "Class")) == "stateful*"
