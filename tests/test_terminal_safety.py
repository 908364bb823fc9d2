"""Escape sequences and markup in compose values never reach a terminal or a document raw."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMPOSE = (
    "services:\n  web:\n    image: nginx:1.27\n    environment:\n"
    '      EVIL: "\\e[31mRED\\e[0m <script>alert(1)</script>"\n'
    '      API_URL: "http://localhost:8080/\\e]0;pwned\\a"\n'
    "    labels:\n"
    '      note: "\\e[2J cleared | [x](javascript:alert(1))"\n'
)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    return tmp_path


def _run(project: Path, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "migrate_tui", *args], cwd=project,
                          env={"PATH": os.environ.get("PATH", ""), "HOME": str(project)},
                          capture_output=True, text=True, check=True)
    return proc.stdout


@pytest.mark.parametrize("args", [("analyze",), ("analyze", "--format", "json"),
                                  ("plan",), ("plan", "--format", "json")])
def test_no_raw_escape_reaches_the_output(project: Path, args: tuple[str, ...]) -> None:
    out = _run(project, *args)
    assert "\x1b" not in out and "\x07" not in out
    assert "<script>" not in out or args[-1] == "json"


async def test_the_tui_shows_escapes_as_text(project: Path) -> None:
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.tui.app import make_app

    app = make_app(LoadOptions(path=str(project), environ={"PATH": "/usr/bin"},
                               cwd=str(project)), watch_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if app.workspace is not None:
                break
        await pilot.press("2")
        await pilot.pause()
        detail = str(app.query_one("#svc-detail-text").render())
        assert "\x1b" not in detail and "\x07" not in detail
