"""The Overview's answers: saved as they change, keys that still work, nothing lost on quit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import tomllib
from textual.widgets import Input

from migrate_tui.tui.widgets import overview
from migrate_tui.tui.widgets.overview import PAUSE
from migrate_tui.tui.widgets.row_table import RowTable
from tests.tui.helpers import SAMPLES, app_for, loaded, shown, until


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", target)
    return target


def _answers(project: Path) -> dict[str, object]:
    path = project / "migration.toml"
    if not path.exists():
        return {}
    return dict(tomllib.loads(path.read_text()).get("settings", {}).get("answers", {}))


async def _type_servers(app, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await loaded(app, pilot)
    app.query_one("#q-servers").focus()
    await pilot.pause()
    await pilot.press(*text)


async def test_the_text_says_answers_save_as_you_type(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        title = shown(app, "#ov-answers-title")
        assert "saved as you type" in title and "Esc leaves a field" in title


async def test_a_typed_number_is_saved_when_the_typing_pauses(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await _type_servers(app, pilot, "3")
        await pilot.pause(PAUSE / 4)
        assert _answers(project).get("servers") is None  # not at every key
        await until(pilot, lambda: _answers(project).get("servers") == 3, "the save")
        # (and the re-plan: the app must not be torn down while it still comes)
        await until(pilot, lambda: "saved" in str(app.query_one("#save-state").render()),
                    "the re-plan")


async def test_tab_out_of_a_field_saves_it(project: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(overview, "PAUSE", 60.0)  # only leaving the field can save it
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await _type_servers(app, pilot, "7")
        await pilot.press("tab")
        await until(pilot, lambda: _answers(project).get("servers") == 7, "the save")


async def test_digits_go_to_the_field_and_escape_gives_the_keys_back(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await _type_servers(app, pilot, "4")
        field = app.query_one("#q-servers", Input)
        assert field.value == "4" and app.query_one("#tabs").active == "overview"
        footer = {b.binding.key: b.binding.description
                  for b in app.screen.active_bindings.values() if b.binding.show}
        assert footer.get("escape") == "Leave field"
        await pilot.press("escape")
        await pilot.pause()
        assert not field.has_focus
        await until(pilot, lambda: _answers(project).get("servers") == 4, "the save", 20)
        await pilot.press("4")
        assert app.query_one("#tabs").active == "plan"


async def test_q_in_a_field_quits_and_keeps_what_was_typed(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await _type_servers(app, pilot, "12")
        await pilot.press("q")
        await pilot.pause(0.5)
    assert app.return_code == 0
    assert _answers(project).get("servers") == 12


async def test_a_value_that_is_no_number_is_not_dropped_in_silence(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        app.query_one("#q-deploys_per_week").focus()
        await pilot.press("-")
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        assert any("not a number" in str(n.message) for n in app._notifications)
        await pilot.press("q")
        await pilot.pause(0.3)
    assert app.return_code == 0
    assert "deploys_per_week" not in _answers(project)


async def test_number_keys_switch_views_from_a_yes_no_answer(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        app.query_one("#q-autoscaling").focus()
        await pilot.pause()
        await pilot.press("4")
        assert app.query_one("#tabs").active == "plan"


async def test_quit_with_the_item_form_changed_asks_first(project: Path) -> None:
    from migrate_tui.tui.screens.item_form import ItemForm

    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ItemForm), "the form")
        await pilot.press(*"ask ops", "ctrl+q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ItemForm)
        assert any("item" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+q")
        await pilot.pause(0.3)
    assert app.return_code == 0


async def test_escape_clears_the_services_filter_and_goes_back_to_the_table(
        project: Path) -> None:
    """The text and the rows it hid do not stay behind (``enter`` keeps the filter)."""
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        table = app.query_one("#svc-table", RowTable)
        everyone = list(table.row_keys)
        await pilot.press("slash", "d", "b")
        await pilot.pause()
        assert table.row_keys != everyone
        await pilot.press("escape")
        await pilot.pause()
        assert table.has_focus
        assert app.query_one("#svc-filter", Input).value == ""
        assert table.row_keys == everyone
        await pilot.press("4")
        assert app.query_one("#tabs").active == "plan"
