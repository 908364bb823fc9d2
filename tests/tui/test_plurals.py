"""One thing is one thing on screen too: ``1 job``, ``1 engineer``, ``1 finding``."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_plurals import COMPOSE, WRONG
from tests.tui.helpers import app_for, loaded, shown


async def test_counts_of_one_are_singular_in_every_view(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "migration.toml").write_text('schema = 1\n\n[settings]\nteam_size = 1\n\n'
                                             '[items."gone.probes"]\nstatus = "done"\n')
    app = app_for(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        assert "1 job," in shown(app, "#ov-project")
        assert "with 1 engineer at" in shown(app, "#ov-totals")
        assert "1 saved item no longer in the plan" in shown(app, "#ov-totals")
        await pilot.press("2")
        await pilot.pause()
        texts = [shown(app, s) for s in ("#summary", "#ov-project", "#ov-totals",
                                         "#svc-detail-text")]
        await pilot.press("5")
        await pilot.pause()
        texts.append(shown(app, "#findings-summary"))
        for text in texts:
            assert not WRONG.search(text), (WRONG.search(text), text)
