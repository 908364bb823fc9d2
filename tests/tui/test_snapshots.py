"""Snapshots of the six views on the SaaS sample (pytest-textual-snapshot), at 120x40 and
at 80x24, the smallest terminal every view must stay usable in.

Update after reviewing a change: ``pytest tests/tui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.tui.app import make_app

SAMPLE = Path(__file__).resolve().parents[2] / "sample_projects" / "saas"
FIXED = Path("/tmp/migrate-tui-snapshots/saas")
"""A fixed path, so the path shown in the header is the same on every machine."""


@pytest.fixture(scope="module")
def project() -> Path:
    if FIXED.exists():
        shutil.rmtree(FIXED)
    shutil.copytree(SAMPLE, FIXED)
    return FIXED


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("key", ["1", "2", "3", "4", "5", "6"])
def test_view_snapshot(snap_compare, project: Path, key: str,  # type: ignore[no-untyped-def]
                       size: tuple[int, int]) -> None:
    app = make_app(LoadOptions(path=str(project), environ={"PATH": "/usr/bin", "HOME": "/root"},
                               cwd=str(project)), user="alice", watch_interval=0)

    async def loaded(pilot) -> None:  # type: ignore[no-untyped-def]
        for _ in range(300):
            await pilot.pause(0.02)
            if app.workspace is not None:
                break
        await pilot.press(key)
        await pilot.pause(0.2)
        if key == "6":  # the manifests come from a worker
            view = app.query_one("ManifestsView")
            for _ in range(300):
                if view.manifests is not None:  # type: ignore[attr-defined]
                    break
                await pilot.pause(0.02)
            await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=size, run_before=loaded)
