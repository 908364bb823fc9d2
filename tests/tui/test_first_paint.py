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

LOADED_BY_THE_WORKER = ("pydantic", "networkx", "migrate_tui.workspace",
                        "migrate_tui.analysis", "migrate_tui.planning", "migrate_tui.progress",
                        "migrate_tui.manifests", "migrate_tui.export", "migrate_tui.masking")


def test_the_app_imports_no_core_before_its_first_paint() -> None:
    code = (
        "import sys\n"
        "from migrate_tui.tui.app import make_app\n"
        "make_app()\n"
        f"early = sorted(m for m in sys.modules if m.startswith({LOADED_BY_THE_WORKER!r}))\n"
        "print(','.join(early))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", f"the TUI's modules pull in {out.stdout.strip()}"


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
