"""Keys typed in one burst: a key that moves the focus takes the keys typed after it along.

A terminal hands the app every key the user typed since its last read at once; Textual
gives each to the widget focused when the app reads it, before the key that moves the focus
has run. These tests post the keys as the terminal's driver does, all before the app runs
the first of them (``pilot.press`` waits for the app to go idle between keys: a burst never
does).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.widgets import Input

from migrate_tui.tui.app import MigrateApp
from migrate_tui.tui.keys import split_escape_bursts
from migrate_tui.tui.screens.export_dialog import ExportDialog
from migrate_tui.tui.widgets.row_table import RowTable
from tests.tui.helpers import SAMPLES, app_for, loaded, until


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLES / "saas", tmp_path / "saas")
    return tmp_path / "saas"


def burst(app: MigrateApp, keys: list[str]) -> None:
    """Post ``keys`` to the app in one go, as the driver does with one read of the terminal."""
    for key in keys:
        character = {"slash": "/", "escape": "\x1b", "backspace": "\x7f"}.get(
            key, key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)


async def test_slash_then_letters_in_one_burst_type_into_the_filter(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        filt = app.query_one("#svc-filter", Input)
        burst(app, ["slash", "t", "e", "m", "p"])
        await until(pilot, lambda: filt.value == "temp", "the filter to hold temp")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)  # e: no Export dialog
        assert len(app.screen_stack) == 1
        assert app.focused is filt


async def test_no_letter_of_a_burst_is_taken_as_a_command(project: Path) -> None:
    """From the Overview: 2 opens the Services, / the filter, and "work" is typed: not o
    (sort), r (reload) nor k (a kind override saved to disk)."""
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        workspace = app.workspace
        # (the Services view is mounted by the 2 of the burst itself, the first time)
        burst(app, ["2", "slash", "w", "o", "r", "k"])
        await until(pilot, lambda: any(f.value == "work" for f in app.query("#svc-filter")),
                    "the filter to hold work")
        await pilot.pause()
        table = app.query_one("#svc-table", RowTable)
        filt = app.query_one("#svc-filter", Input)
        assert app.query_one("#tabs").active == "services"  # type: ignore[attr-defined]
        assert table.row_keys == ["worker-billing", "worker-email", "worker-indexer",
                                  "worker-media"]
        assert app.focused is filt  # (switching the tab did not take it back to the table)
        assert app.workspace is workspace  # no reload, no re-plan
        assert not (project / "migration.toml").exists()  # no override saved
        assert app.query_one("ServicesView").sort_column == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize(("keys", "wanted"), [
    (["backspace", "a"], "tema"),
    (["backspace", "backspace", "a"], "tea"),
    (["left", "x", "backspace", "backspace"], "tep"),
])
async def test_editing_keys_in_a_burst_apply_in_the_order_typed(
        project: Path, keys: list[str], wanted: str) -> None:
    """Backspace then a letter typed at once: the letter went in first (the field's own key
    handler) and the Backspace, run later as a binding, took it out again."""
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2", "slash", "t", "e", "m", "p")
        filt = app.query_one("#svc-filter", Input)
        await until(pilot, lambda: filt.value == "temp", "the filter to hold temp")
        burst(app, keys)
        await until(pilot, lambda: filt.value == wanted, f"the filter to hold {wanted}")
        for _ in range(3):
            await pilot.pause()
        assert filt.value == wanted


async def test_a_key_the_focused_widget_does_not_type_still_runs_its_binding(
        project: Path) -> None:
    """Only what the newly focused widget would type is redirected: Enter after the
    letters still leaves the filter for the table, keeping the filter; Escape after them
    still clears it."""
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        table = app.query_one("#svc-table", RowTable)
        everyone = list(table.row_keys)
        burst(app, ["slash", "a", "p", "i", "enter"])
        filt = app.query_one("#svc-filter", Input)
        await until(pilot, lambda: filt.value == "api" and app.focused is table,
                    "api in the filter, the focus back on the table")
        await pilot.pause()
        assert app.focused is table
        assert table.row_keys == ["api"]
        burst(app, ["slash", "d", "b", "escape"])
        await until(pilot, lambda: filt.value == "" and app.focused is table,
                    "the filter cleared, the focus back on the table")
        await pilot.pause()
        assert table.row_keys == everyone


def _parsed(data: str) -> list[tuple[str, str | None]]:
    parser = XTermParser()
    keys = [(e.key, e.character) for e in parser.feed(data) if isinstance(e, events.Key)]
    keys += [(e.key, e.character) for e in parser.tick() if isinstance(e, events.Key)]
    return keys


def test_escape_then_a_digit_in_one_read_is_escape_then_the_digit() -> None:
    """Textual reads ESC 4 as WezTerm's Option+4, a ¢, typed into the field in focus (the
    Export dialog's path): elsewhere it is Escape, then 4."""
    split_escape_bursts({"TERM_PROGRAM": "tmux"})
    assert _parsed("\x1b4") == [("escape", "\x1b"), ("4", "4")]
    assert _parsed("\x1b2x") == [("escape", "\x1b"), ("2", "2"), ("x", "x")]
    assert _parsed("\x1b[A") == [("up", None)]  # (real sequences are untouched)
    assert _parsed("¢") == [("cent_sign", "¢")]  # (a ¢ typed as such stays one)


def test_wezterm_keeps_its_option_digits() -> None:
    split_escape_bursts({"TERM_PROGRAM": "WezTerm"})
    try:
        assert _parsed("\x1b4") == [("cent_sign", "¢")]
    finally:
        split_escape_bursts({})
