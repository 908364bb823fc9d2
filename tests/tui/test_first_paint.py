"""The TUI paints its frame before it loads the core: the app's modules import none of it.

The Overview's frame comes first and the project fills it in as a worker loads it (issue 18).
The analysis, the planner, the progress store and the manifests (pydantic models built at
import, about half a second on a slow machine) are imported by that worker, not before the
first paint: a widget that imports them at its top would put them back in front of it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

import pytest

from migrate_tui.tui.widgets.overview import Overview
from tests.tui.helpers import SAMPLES, app_for, loaded, shown

LOADED_BY_THE_WORKER = ("pydantic", "networkx", "yaml", "migrate_tui.workspace",
                        "migrate_tui.analysis", "migrate_tui.planning", "migrate_tui.progress",
                        "migrate_tui.manifests", "migrate_tui.export", "migrate_tui.masking",
                        "migrate_tui.compose.parse", "migrate_tui.compose.dotenv")
OPENED_LATER = ("migrate_tui.tui.widgets.services_view", "migrate_tui.tui.widgets.graph_view",
                "migrate_tui.tui.widgets.plan_pane", "migrate_tui.tui.widgets.plan_view",
                "migrate_tui.tui.widgets.findings_view",
                "migrate_tui.tui.widgets.manifests_view")
"""The views behind the Overview: imported when their tab is first opened."""


FIRST_PAINT = """
import asyncio, sys
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.tui.app import make_app

app = make_app(LoadOptions(path=sys.argv[1], environ={}, cwd=sys.argv[1]), watch_interval=0)
early = []
display = app._display

def noted(screen, renderable):  # (each frame, as it goes to the terminal)
    if renderable is not None and not early:
        early.append(sorted(m for m in sys.modules if m.startswith(tuple(sys.argv[2:]))))
    display(screen, renderable)

app._display = noted

async def first_paint():
    async with app.run_test(size=(120, 40)):
        while not early:
            await asyncio.sleep(0.001)

asyncio.run(first_paint())
print(",".join(early[0]))
"""


def test_the_app_imports_no_core_and_no_other_view_before_its_first_paint() -> None:
    out = subprocess.run([sys.executable, "-c", FIRST_PAINT, str(SAMPLES / "api-postgres-redis"),
                          *LOADED_BY_THE_WORKER, *OPENED_LATER],
                         capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "", f"the first paint waited for {out.stdout.strip()}"


async def test_the_overview_frame_is_up_while_the_project_loads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from migrate_tui.tui import loading

    release = threading.Event()
    real = loading.load_for_tui

    def slow_load(*args: Any, **kwargs: Any) -> Any:
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "load_for_tui", slow_load)
    app = app_for(SAMPLES / "api-postgres-redis")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.workspace is None
        assert app.query_one("#tabs").display and app.query_one(Overview).display
        assert "Loading" in shown(app, "#summary")
        assert "Decision" not in shown(app, "#ov-decision")
        release.set()
        await loaded(app, pilot)
        assert "Decision" in shown(app, "#ov-decision")


async def test_the_footer_is_built_once_while_the_project_loads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Its keys are rebuilt when the keys to show change, not each time Textual says the
    bindings changed (twice at start-up, with the same keys: a rebuild and a frame each)."""
    from textual.widgets._footer import FooterKey

    from migrate_tui.tui.widgets.keys_footer import KeysFooter

    built: list[str] = []
    real = KeysFooter.recompose

    async def counted(self: KeysFooter) -> None:
        built.append(type(self.screen.focused).__name__)
        await real(self)

    monkeypatch.setattr(KeysFooter, "recompose", counted)
    app = app_for(SAMPLES / "api-postgres-redis")
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        assert built == ["Overview"]
        assert "a" in [key.key for key in app.query(FooterKey)]  # (the Overview's keys)
