"""The TUI's export refuses a committed link at the output path, as ``plan -o`` does."""

from __future__ import annotations

import shutil
from pathlib import Path

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.tui.app import make_app

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"


async def test_export_onto_a_committed_link_leaves_its_target_alone(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", project)
    victim = tmp_path / ".bashrc"
    victim.write_text("mine\n")
    (project / "MIGRATION_PLAN.md").symlink_to(victim)
    options = LoadOptions(path=str(project), environ={"PATH": "/usr/bin", "HOME": str(tmp_path)},
                          cwd=str(project))
    app = make_app(options, user="alice", watch_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if app.workspace is not None:
                break
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.02)
            if app._notifications:
                break
        messages = [n.message for n in app._notifications]
    assert any("symbolic link" in m for m in messages), messages
    assert victim.read_text() == "mine\n"
    assert (project / "MIGRATION_PLAN.md").is_symlink()
