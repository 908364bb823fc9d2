"""The team's settings in the TUI: edited in the Overview, saved as they change; an
override reset to what the analysis detects from the Services view."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import tomllib
from textual.widgets import Input, Select

from migrate_tui.progress.settings import SETTING_FIELDS
from migrate_tui.tui.widgets import overview
from migrate_tui.tui.widgets.overview import PAUSE, AnswerField
from migrate_tui.tui.widgets.services_view import ServicesView
from tests.tui.helpers import SAMPLES, app_for, loaded, shown, until


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", target)
    return target


def _settings(project: Path) -> dict[str, Any]:
    path = project / "migration.toml"
    return tomllib.loads(path.read_text()).get("settings", {}) if path.exists() else {}


def _saved_state(app: Any) -> str:
    return str(app.query_one("#save-state").render())


async def _type(app: Any, pilot: Any, name: str, text: str) -> None:
    await loaded(app, pilot)
    app.query_one(f"#q-{name}").focus()
    await pilot.pause()
    await pilot.press(*text)


async def test_every_setting_has_its_field_in_the_overview(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        for field in SETTING_FIELDS:
            widget = app.query_one(f"#q-{field.name}")
            assert isinstance(widget, Select if field.kind == "yes-no" else AnswerField)
        assert app.query_one("#q-team_size", Input).placeholder == "4 (default)"
        assert app.query_one("#q-focus", Input).placeholder == "50% (default)"


# field, keys typed -> (the TOML key, the value saved, what the plan then shows)
TYPED = {
    "team_size": ("36", "team_size", 36, lambda plan: plan.team_size == 36),
    "focus": ("25%", "focus", 0.25, lambda plan: plan.focus == 0.25),
    "start": ("2026-01-05", "start", dt.date(2026, 1, 5),
              lambda plan: plan.start == "2026-01-05"),
}


@pytest.mark.parametrize("name", TYPED)
@pytest.mark.parametrize("how", ["pause", "tab", "enter"])
async def test_a_typed_setting_is_saved_on_a_pause_on_leaving_or_on_enter(
        project: Path, monkeypatch: pytest.MonkeyPatch, name: str, how: str) -> None:
    if how != "pause":
        monkeypatch.setattr(overview, "PAUSE", 60.0)  # only leaving the field can save it
    keys, key, value, planned = TYPED[name]
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await _type(app, pilot, name, keys)
        if how == "pause":
            await pilot.pause(PAUSE / 4)
            assert _settings(project).get(key) is None  # (not at every key)
        else:
            await pilot.press(how)
        await until(pilot, lambda: _settings(project).get(key) == value, "the save")
        await until(pilot, lambda: app.workspace is not None and planned(app.workspace.plan)
                    and "saved" in _saved_state(app), "the re-plan")
        if name == "team_size":
            assert "36 engineers" in shown(app, "#ov-totals")


async def test_a_chosen_answer_is_saved_at_once(project: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(overview, "PAUSE", 60.0)
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        app.query_one("#q-autoscaling", Select).value = "yes"
        await until(pilot, lambda: _settings(project).get("answers", {}).get("autoscaling")
                    is True, "the save")
        await until(pilot, lambda: "saved" in _saved_state(app), "the re-plan")
        assert app.workspace is not None
        assert app.workspace.plan.decision.answers["autoscaling"] is True


async def test_saved_settings_show_in_their_fields(project: Path) -> None:
    (project / "migration.toml").write_text(
        "schema = 1\n\n[settings]\nteam_size = 3\nfocus = 0.6\nstart = 2026-02-02\n\n"
        "[settings.answers]\nservers = 2\nops_owner = false\n")
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        values = {f.name: app.query_one(f"#q-{f.name}").value for f in SETTING_FIELDS}
        assert values["team_size"] == "3" and values["focus"] == "60%"
        assert values["start"] == "2026-02-02" and values["servers"] == "2"
        assert values["ops_owner"] == "no" and values["autoscaling"] is Select.NULL
        await pilot.pause(PAUSE * 1.5)
        assert "changed_at" not in _settings(project)  # (shown, not saved again)


async def test_clearing_a_setting_returns_it_to_the_default(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(overview, "PAUSE", 60.0)
    (project / "migration.toml").write_text("schema = 1\n\n[settings]\nteam_size = 3\n")
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        app.query_one("#q-team_size").focus()
        await pilot.pause()
        await pilot.press("end", "backspace", "tab")
        await until(pilot, lambda: "team_size" not in _settings(project), "the save")
        await until(pilot, lambda: app.workspace is not None
                    and app.workspace.plan.team_size == 4, "the re-plan")


async def test_a_bad_date_is_not_saved_and_says_why(project: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(overview, "PAUSE", 60.0)
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await _type(app, pilot, "start", "2026-13-01")
        await pilot.press("tab")
        await pilot.pause(0.3)
        messages = [n.message for n in app._notifications]
        assert any("First day" in m and "not a date like" in m for m in messages), messages
        assert not (project / "migration.toml").exists()
        await pilot.press("q")  # the first q says what it would lose, and stays
        await pilot.pause()
        assert app.is_running


async def test_keys_that_are_no_part_of_a_value_still_reach_the_app(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await _type(app, pilot, "focus", "40%")
        assert app.query_one("#q-focus", Input).value == "40%"
        await pilot.press("escape", "4")
        await pilot.pause()
        assert app.query_one("#tabs").active == "plan"
        await until(pilot, lambda: _settings(project).get("focus") == 0.4, "the save")


OVERRIDE = 'schema = 1\n\n[settings.overrides.api]\nclass = "stateful"\nkind = "job"\n'


async def _services(app: Any, pilot: Any, name: str) -> ServicesView:
    await loaded(app, pilot)
    await pilot.press("2")
    view = app.query_one(ServicesView)
    view.select(name)
    await pilot.pause()
    return view


async def test_an_override_shows_what_was_detected_and_d_resets_it(project: Path) -> None:
    (project / "migration.toml").write_text(OVERRIDE)
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await _services(app, pilot, "api")
        assert view.rows["api"][1:3] == ("stateful", "job")
        await until(pilot, lambda: "overridden (detected: stateless, service)"
                    in shown(app, "#svc-detail-text"), "what the analysis detects")
        await pilot.press("d")
        await until(pilot, lambda: "overrides" not in _settings(project), "the save")
        await until(pilot, lambda: view.rows["api"][1:3] == ("stateless", "service"),
                    "the re-plan")
        await until(pilot, lambda: "saved" in _saved_state(app), "the save state")
        assert "overridden" not in shown(app, "#svc-detail-text")


async def test_d_on_a_service_without_an_override_saves_nothing(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await _services(app, pilot, "db")
        await pilot.press("d")
        await pilot.pause(0.3)
        assert any("not overridden" in n.message for n in app._notifications)
        assert not (project / "migration.toml").exists()


async def test_a_class_flipped_back_is_no_override(project: Path) -> None:
    """``c`` twice goes back to the detected class: nothing stays saved, nothing marked."""
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await _services(app, pilot, "api")
        await pilot.press("c")
        await until(pilot, lambda: _settings(project).get("overrides", {}).get("api")
                    == {"class": "stateful"}, "the override")
        await until(pilot, lambda: view.rows["api"][1] == "stateful", "the first override")
        await pilot.press("c")
        await until(pilot, lambda: "api" not in _settings(project).get("overrides", {}),
                    "the override taken back")
        await until(pilot, lambda: view.workspace is app.workspace
                    and not app.workspace.analysis.services["api"].overridden  # type: ignore[union-attr]
                    and "overridden" not in shown(app, "#svc-detail-text"), "the detail")


async def test_the_kind_cycles_through_every_kind(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  shipper:\n    image: grafana/promtail:2.9.0\n    volumes:\n"
        "      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - /var/log:/var/log:ro\n"
        "    deploy:\n      mode: global\n")
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await _services(app, pilot, "shipper")
        kind = view.rows["shipper"][2]
        await pilot.press("k")
        await until(pilot, lambda: (tmp_path / "migration.toml").exists(), "the save")
        assert _settings(tmp_path)["overrides"]["shipper"]["kind"] != kind


async def test_a_broken_progress_file_takes_no_setting_and_stays_as_it_was(
        project: Path) -> None:
    broken = 'schema = 1\n\n[settings]\nteam_size = "three"\n'
    (project / "migration.toml").write_text(broken)
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await _type(app, pilot, "team_size", "5")
        await pilot.press("enter")
        await until(pilot, lambda: any("broken" in n.message for n in app._notifications),
                    "the refusal")
        assert "read-only" in _saved_state(app)
    assert (project / "migration.toml").read_text() == broken
