"""The keys the README and the help screen name are the app's keys."""

from __future__ import annotations

import re
from pathlib import Path

from migrate_tui.tui.app import TABS, MigrateApp
from migrate_tui.tui.screens.help_screen import HELP

README = Path(__file__).resolve().parents[2] / "README.md"


def _tui_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("### In the TUI", 1)[1].split("\n#", 1)[0]


def test_the_readme_names_every_tab_and_its_key() -> None:
    """It said ``1``-``5`` and five tabs when the app had six."""
    found = re.search(r"`1`-`(\d)` switch between ([^;]+);", " ".join(_tui_section().split()))
    assert found, "the README's sentence on the tab keys"
    names = re.split(r", | and ", found.group(2))
    assert (int(found.group(1)), names) == (len(TABS), [tab.title() for tab in TABS])


def test_the_help_names_every_tab_and_its_key() -> None:
    row = next(line for line in HELP.splitlines() if line.startswith("| `1`-"))
    assert row.startswith(f"| `1`-`{len(TABS)}` |")
    assert row.split("|")[3].strip() == ", ".join(tab.title() for tab in TABS)


def test_every_key_of_the_app_is_in_the_readme() -> None:
    keys = {"question_mark": "?"}
    section = _tui_section()
    for binding in MigrateApp.BINDINGS:
        key = keys.get(binding.key, binding.key)  # type: ignore[union-attr]
        if not key.isdigit():
            assert f"`{key}`" in section, f"{key} is not in the README"
