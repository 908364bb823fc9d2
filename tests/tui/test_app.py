"""The TUI, driven with Pilot: every view and action, and what lands on disk."""

from __future__ import annotations

import os
import shutil
import weakref
from pathlib import Path

import pytest
import tomllib

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.tui.app import MigrateApp, make_app
from migrate_tui.tui.widgets.error_panel import ErrorPanel
from migrate_tui.tui.widgets.overview import Overview
from migrate_tui.tui.widgets.plan_view import PlanTree
from migrate_tui.tui.widgets.row_table import RowTable
from migrate_tui.tui.widgets.services_view import ServicesView
from tests.tui.helpers import loaded, until

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", target)
    return target


def _app(path: Path, **kwargs: object) -> MigrateApp:
    options = LoadOptions(path=str(path), environ={"PATH": "/usr/bin", "HOME": str(path)},
                          cwd=str(path))
    return make_app(options, user="alice", watch_interval=0, **kwargs)


def _toml(path: Path) -> dict:
    return tomllib.loads((path / "migration.toml").read_text())


async def test_number_keys_switch_the_five_views(project: Path) -> None:
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        tabs = app.query_one("#tabs")
        views = ("services", "graph", "plan", "findings", "overview")
        for key, tab in zip("23451", views, strict=True):
            await pilot.press(key)
            assert tabs.active == tab


async def test_plan_opens_on_the_first_item_and_space_lands_in_the_toml(project: Path) -> None:
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        tree = app.query_one(PlanTree)
        assert tree.has_focus
        first = app.workspace.plan.phases[0].tasks[0].checklist[0].id
        assert tree.cursor_node is not None and tree.cursor_node.data == ("item", first)
        await pilot.press("space")
        await until(pilot, lambda: (project / "migration.toml").exists(), "the save")
        item = _toml(project)["items"][first]
        assert item["status"] == "done"
        assert item["changed_by"] == "alice"
        assert item["changed_at"]
        await until(pilot, lambda: "saved" in str(app.query_one("#save-state").render()),
                     "the saved state")
        items = len(app.workspace.plan.items())
        assert f"; 1/{items} items done" in str(app.query_one("#summary").render())


async def test_item_form_sets_assignee_and_note(project: Path) -> None:
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        first = app.workspace.plan.phases[0].tasks[0].checklist[0].id
        await pilot.press("a")
        await pilot.pause()
        for ch in "bob":
            await pilot.press(ch)
        await pilot.press("enter")
        await until(pilot, lambda: (project / "migration.toml").exists(), "the save")
        assert _toml(project)["items"][first]["assignee"] == "bob"


async def test_overriding_a_service_to_stateful_doubles_its_estimate_on_screen(
        project: Path) -> None:
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        view = app.query_one(ServicesView)
        view.select("api")
        await pilot.pause()
        before = view.rows["api"][4]
        await pilot.press("c")
        assert view.rows["api"][1] == "stateful"  # (shown at once; the days come next)
        await until(pilot, lambda: app.workspace.analysis.services["api"].service_class
                     == "stateful" and view.workspace is app.workspace, "the re-plan")
        assert view.rows["api"][4] == pytest.approx(2 * before)
        assert _toml(project)["settings"]["overrides"]["api"]["class"] == "stateful"


async def test_export_writes_the_same_file_the_cli_writes(project: Path) -> None:
    import subprocess
    import sys

    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: (project / "MIGRATION_PLAN.md").exists(), "the export")
    cli = subprocess.run([sys.executable, "-m", "migrate_tui", "plan", "-o", "cli.md"],
                         cwd=project, env={"PATH": "/usr/bin", "HOME": str(project),
                              "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]},
                         capture_output=True, text=True, check=True)
    assert cli.returncode == 0
    assert (project / "MIGRATION_PLAN.md").read_text() == (project / "cli.md").read_text()


async def test_broken_compose_file_shows_the_error_and_r_recovers(project: Path) -> None:
    compose = project / "compose.yaml"
    good = compose.read_text()
    compose.write_text(good.replace("services:", "services:\n  broken: [1, 2\n", 1))
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        panel = app.query_one(ErrorPanel)
        assert panel.display and app.workspace is None
        assert "compose.yaml:" in panel.error.render()
        compose.write_text(good)
        await pilot.press("r")
        await until(pilot, lambda: app.workspace is not None, "the reload")
        assert not panel.display


async def test_broken_progress_file_opens_read_only_and_is_left_alone(project: Path) -> None:
    broken = 'schema = 1\n[items."api.probes"]\nstatus = "finished"\n'
    (project / "migration.toml").write_text(broken)
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        assert app.workspace is not None and app.workspace.read_only
        assert "read-only" in str(app.query_one("#save-state").render())
        await pilot.press("4")
        await pilot.press("space")
        await pilot.pause(0.2)
    assert (project / "migration.toml").read_text() == broken


async def test_a_teammates_change_on_disk_is_picked_up(project: Path) -> None:
    options = LoadOptions(path=str(project), environ={"PATH": "/usr/bin", "HOME": str(project)},
                          cwd=str(project))
    app = make_app(options, user="alice", watch_interval=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        (project / "migration.toml").write_text(
            'schema = 1\n\n[items."api.probes"]\nstatus = "done"\nchanged_by = "bob"\n'
            "changed_at = 2030-01-01T00:00:00Z\n")
        await until(pilot, lambda: app.workspace.state.item("api.probes").status == "done",
                     "the reload from disk")


async def test_graph_and_findings_open_their_service(project: Path) -> None:
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.query_one("#tabs").active == "services"
        assert app.query_one(ServicesView).selected is not None
        await pilot.press("5")
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#tabs").active == "services"


async def test_filter_narrows_the_services_table(project: Path) -> None:
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "slash")
        for ch in "stateful":
            await pilot.press(ch)
        await pilot.pause()
        table = app.query_one("#svc-table", RowTable)
        names = set(table.row_keys)
        assert names == {n for n, s in app.workspace.analysis.services.items()
                         if s.service_class == "stateful" and s.active}


async def test_answering_a_question_is_saved(project: Path) -> None:
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        field = app.query_one("#q-servers")
        field.focus()
        for ch in "3":
            await pilot.press(ch)
        await pilot.press("enter")
        await until(pilot, lambda: (project / "migration.toml").exists(), "the save")
        assert _toml(project)["settings"]["answers"]["servers"] == 3


async def test_q_quits(project: Path) -> None:
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_fields_due_after_the_app_stopped_are_not_put_in(project: Path) -> None:
    """The fields' mount is called after a refresh: one that comes as the app closes finds
    the screen gone, and puts nothing in."""
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        overview = app.query_one(Overview)
    overview._questions_ready = False
    await overview._mount_questions()
    assert not overview._questions_ready


async def test_saved_items_of_a_service_that_left_are_named_on_the_overview(
    project: Path,
) -> None:
    (project / "migration.toml").write_text(
        'schema = 1\n\n[items."oldsvc.probes"]\nstatus = "done"\n', encoding="utf-8")
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        totals = str(app.query_one("#ov-totals").render())
        assert "1 saved item no longer in the plan (kept in the file): oldsvc.probes" in totals


class _Cycle:
    def __init__(self) -> None:
        self.me = self


async def test_a_reload_lets_the_collector_free_what_the_last_load_froze(project: Path) -> None:
    """The load freezes what is alive (gc.freeze) so the first screen is not held up by a
    full collection; a reload must make it collectable again, or cyclic garbage stays
    for the life of the session."""
    app = _app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        cycle = _Cycle()
        await loaded(app, pilot)  # frozen with everything else alive
        gone = weakref.ref(cycle)
        del cycle
        first = app.workspace
        await pilot.press("r")
        await until(pilot, lambda: app.workspace is not first, "the reload")
        assert gone() is None
