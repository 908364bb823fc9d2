"""The TUI records the day an item started or finished: the space toggle and the item form."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import tomllib
from textual.widgets import Button, Input, Label, Select

from migrate_tui.errors import MigrateError
from migrate_tui.tui.messages import SaveFailed, WorkspaceReady
from migrate_tui.tui.screens.item_form import ItemForm
from tests.tui.helpers import SAMPLES, app_for, loaded, until


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLES / "webapp", tmp_path / "webapp")
    return tmp_path / "webapp"


def _items(project: Path) -> dict:  # type: ignore[type-arg]
    path = project / "migration.toml"
    return tomllib.loads(path.read_text())["items"] if path.exists() else {}


async def test_space_records_the_day_it_was_done(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        first = app.workspace.plan.phases[0].tasks[0].checklist[0].id

        def status() -> str:  # (the item in the workspace the app holds)
            ws = app.workspace
            return "" if ws is None else next(i.status for i in ws.plan.items()
                                              if i.id == first)

        await pilot.press("space")
        await until(pilot, lambda: _items(project).get(first, {}).get("status") == "done"
                    and status() == "done", "the save, shown")
        today = dt.datetime.now(dt.timezone.utc).date()
        assert _items(project)[first]["finished"] == today
        await pilot.press("space")  # back to todo: it has not finished, nor started
        await until(pilot, lambda: "status" not in _items(project)[first]
                    and status() == "todo", "the second save, shown")
        assert "finished" not in _items(project)[first]


async def _open_form(app, pilot) -> ItemForm:  # type: ignore[no-untyped-def]
    await loaded(app, pilot)
    await pilot.press("4")
    await pilot.pause()
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, ItemForm), "the form")
    return app.screen  # type: ignore[return-value]


async def test_the_form_back_fills_a_finish_and_refuses_a_bad_day(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(app, pilot)
        item_id = form.item.id
        day = form.query_one("#item-on", Input)
        assert day.disabled  # todo: no day to give
        form.query_one("#item-status", Select).value = "done"
        await until(pilot, lambda: not day.disabled, "the day field to open")
        assert "Finished on" in str(form.query_one("#item-on-label", Label).render())
        day.value = "2099-01-01"
        await pilot.click("#item-save")
        error = form.query_one("#item-form-error", Label)
        await until(pilot, lambda: error.display, "the form's error")
        assert "in the future" in str(error.render())
        assert app.screen is form and not (project / "migration.toml").exists()
        day.value = "2025-03-04"
        form.query_one("#item-save", Button).press()  # (the error moved it: a click at
        #                                             its old place could miss)
        await until(pilot, lambda: _items(project).get(item_id, {}).get("status") == "done",
                    "the save")
        assert _items(project)[item_id]["finished"] == dt.date(2025, 3, 4)


async def test_the_form_corrects_the_day_of_a_done_item(project: Path) -> None:
    (project / "migration.toml").write_text(
        'schema = 1\n\n[items."project.inventory"]\nstarted = 2025-03-03\n'
        'finished = 2025-03-05\nstatus = "done"\nchanged_at = 2025-03-05T10:00:00Z\n')
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _open_form(app, pilot)
        if form.item.id != "project.inventory":
            pytest.skip(f"the first item is {form.item.id} now")
        day = form.query_one("#item-on", Input)
        assert day.value == "2025-03-05"
        assert "started 2025-03-03" in str(form.query_one("#item-on-label", Label).render())
        day.value = "2025-03-02"  # before the start
        await pilot.click("#item-save")
        error = form.query_one("#item-form-error", Label)
        await until(pilot, lambda: error.display, "the form's error")
        assert "before the item started" in str(error.render())
        day.value = "2025-03-06"
        form.query_one("#item-save", Button).press()  # (the error moved it: a click at
        #                                             its old place could miss)
        await until(pilot, lambda: _items(project)["project.inventory"]["finished"]
                    == dt.date(2025, 3, 6), "the save")
        assert _items(project)["project.inventory"]["started"] == dt.date(2025, 3, 3)


async def test_a_workers_result_arriving_as_the_app_closes_is_dropped(project: Path) -> None:
    """A save's re-plan that ends while the app closes (the test above, on a loaded CI
    machine; a user pressing ``q`` just after a change) found the screen's widgets gone:
    NoMatches, a traceback on the way out. Once the app has stopped, a result is dropped."""
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)  # (the fields in: this test is not about their mount)
        workspace = app.workspace
    assert workspace is not None
    app._show_workspace(WorkspaceReady(workspace, saved=True))
    app._save_failed(SaveFailed(MigrateError("disk full")))
