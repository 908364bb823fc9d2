"""Starting the app on a project and waiting for it, for the Pilot tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.tui.app import MigrateApp, make_app
from migrate_tui.tui.widgets.overview import Overview

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"


def app_for(path: Path, **kwargs: Any) -> MigrateApp:
    """The app on ``path``, as alice, not watching the files (unless asked)."""
    options = LoadOptions(path=str(path), environ={"PATH": "/usr/bin", "HOME": str(path)},
                          cwd=str(path))
    kwargs.setdefault("watch_interval", 0)
    return make_app(options, user="alice", **kwargs)


async def until(pilot: Any, check: Callable[[], object], what: str,
                deadline: float = 120.0) -> None:
    """Wait until ``check()`` is true, or fail saying ``what`` never came.

    It waits on the condition: ``deadline`` (seconds) only turns a hang into a failure,
    far beyond what a loaded machine takes (200 tries of 20 ms failed a save that took
    longer than 4 s while other tests ran).
    """
    give_up = time.monotonic() + deadline
    while True:
        await pilot.pause(0.02)  # (first: what was just asked for has a turn to happen)
        if check():
            return
        if time.monotonic() > give_up:
            raise AssertionError(f"timed out waiting for {what}")


async def loaded(app: MigrateApp, pilot: Any) -> None:
    """Wait for the first load to end (in a workspace or an error)."""
    await until(pilot, lambda: app.workspace is not None or app.load_error is not None,
                "the project to load")
    if app.workspace is not None:  # (the Overview's fields mount after the data's frame)
        await until(pilot, lambda: app.query_one(Overview)._questions_ready,
                    "the Overview's fields")
    await pilot.pause()


def shown(app: MigrateApp, selector: str) -> str:
    """The text a Static (or Label) shows."""
    return str(app.query_one(selector).render())


def screen_text(app: MigrateApp) -> str:
    """What the terminal shows now, as plain text (from a screenshot of the app)."""
    import html
    import re

    rows: dict[float, list[str]] = {}
    cell = 12.2  # (the width of a cell in Textual's screenshots)
    for match in re.finditer(r'<text class="terminal-[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>'
                             r"([^<]*)</text>", app.export_screenshot()):
        x, y, text = match.groups()
        row = rows.setdefault(float(y), [])
        column = round(float(x) / cell)
        row.extend(" " * (column - len(row)))
        row[column:column + len(text)] = html.unescape(text).replace("\xa0", " ")
    return "\n".join("".join(row).rstrip() for _, row in sorted(rows.items()))
