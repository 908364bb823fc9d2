"""The Services table kept in step without being rebuilt: a re-plan updates the changed
cells, a filter shows the matching rows, the detail follows the selection."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from migrate_tui.tui.widgets.row_table import RowTable
from migrate_tui.tui.widgets.services_view import ServicesView
from tests.tui.helpers import SAMPLES, app_for, loaded, shown, until


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", target)
    return target


async def _services_on_api(app: Any, pilot: Any) -> tuple[ServicesView, RowTable]:
    """The project loaded, the Services view open, ``api`` selected."""
    await loaded(app, pilot)
    await pilot.press("2")
    await pilot.pause()
    view = app.query_one(ServicesView)
    view.select("api")
    await pilot.pause()
    return view, app.query_one("#svc-table", RowTable)


async def test_an_override_shows_in_the_table_and_the_filter_keeps_up(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        view, table = await _services_on_api(app, pilot)
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


async def test_an_override_whose_save_fails_leaves_the_row_as_it_was(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from migrate_tui.errors import ProgressError
    from migrate_tui.workspace import Workspace

    def failing_apply(self: Workspace, changes: Any) -> Workspace:
        raise ProgressError("the disk is full", path=str(project / "migration.toml"))

    monkeypatch.setattr(Workspace, "apply", failing_apply)
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        view, table = await _services_on_api(app, pilot)
        await pilot.press("c")
        await until(pilot, lambda: "not saved" in shown(app, "#save-state"), "the failed save")
        await pilot.pause()
        assert str(table.get_cell("api", "Class")) == "stateless"
        assert view.rows["api"][1] == "stateless"


async def test_the_override_is_in_the_row_before_the_re_plan(project: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    import threading

    from migrate_tui.workspace import Workspace

    release = threading.Event()
    real = Workspace.apply

    def slow_apply(self: Workspace, changes: Any) -> Workspace:
        release.wait(10)
        return real(self, changes)

    monkeypatch.setattr(Workspace, "apply", slow_apply)
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        view, table = await _services_on_api(app, pilot)
        before = app.workspace
        await pilot.press("c")
        await pilot.pause()
        assert app.workspace is before  # (the re-plan waits)
        assert str(table.get_cell("api", "Class")) == "stateful*"
        await pilot.press("k")  # the kind, after the class: both shown, the class kept
        await pilot.pause()
        assert str(table.get_cell("api", "Kind")) == "job"
        assert str(table.get_cell("api", "Class")) == "stateful*"
        release.set()
        await until(pilot, lambda: app.workspace is not before
                    and app.workspace.analysis.services["api"].kind == "job", "the re-plan")
        await pilot.pause()
        assert str(table.get_cell("api", "Class")) == "stateful*"
        assert str(table.get_cell("api", "Kind")) == "job"
        assert "overridden" in shown(app, "#svc-detail-text")


async def test_a_reset_override_unmarks_its_row(project: Path) -> None:
    """An override set, then ``c`` again back to the detected class (no override is kept),
    then ``d`` (nothing to reset): the row reads as before, no longer marked overridden
    (its cells are not those of the overridden row)."""
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        view, table = await _services_on_api(app, pilot)
        await pilot.press("c")
        await until(pilot, lambda: app.workspace.analysis.services["api"].overridden  # type: ignore[union-attr]
                    and view.workspace is app.workspace
                    and str(table.get_cell("api", "Class")) == "stateful*"
                    and not app.workers, "the override to stateful")
        await pilot.press("c")
        await until(pilot, lambda: not app.workspace.analysis.services["api"].overridden  # type: ignore[union-attr]
                    and view.workspace is app.workspace
                    and str(table.get_cell("api", "Class")) == "stateless"
                    and not app.workers, "back to the detected class")
        await pilot.press("d")
        await until(pilot, lambda: not app.workspace.analysis.services["api"].overridden  # type: ignore[union-attr]
                    and view.workspace is app.workspace, "the reset")
        await pilot.pause()
        assert str(table.get_cell("api", "Class")) == "stateless"
        assert table.get_cell("api", "Service").style == ""
