"""The first TUI: services listed, errors shown in the app, `r` recovers, `q` quits."""

from __future__ import annotations

from pathlib import Path

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.tui.app import make_app
from migrate_tui.tui.widgets.error_panel import ErrorPanel
from migrate_tui.tui.widgets.services_table import ServicesTable

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"


def _options(path: Path) -> LoadOptions:
    return LoadOptions(path=str(path), environ={"PATH": "/usr/bin", "HOME": "/root"}, cwd=str(path))


async def _wait_loaded(app, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(100):
        await pilot.pause(0.05)
        if app.project is not None or app.query_one(ErrorPanel).error is not None:
            return
    raise AssertionError("the project never finished loading")


async def test_lists_every_service_with_image_ports_and_volumes() -> None:
    app = make_app(_options(SAMPLES / "api-postgres-redis"))
    async with app.run_test(size=(120, 40)) as pilot:
        await _wait_loaded(app, pilot)
        table = app.query_one(ServicesTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert names == sorted(app.project.services)
        row = table.get_row(next(k for k in table.rows if k.value == "db"))
        assert str(row[1]).startswith("postgres:")
        assert "/var/lib/postgresql/data" in str(row[3])


async def test_broken_file_shows_the_error_and_r_recovers(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx\n    ports:\n      - 'abc'\n")
    app = make_app(_options(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await _wait_loaded(app, pilot)
        panel = app.query_one(ErrorPanel)
        assert panel.display
        assert "compose.yaml:5" in panel.error.render()
        assert "services.web.ports[0]" in panel.error.render()
        compose.write_text("services:\n  web:\n    image: nginx\n    ports:\n      - '8080:80'\n")
        await pilot.press("r")
        for _ in range(100):
            await pilot.pause(0.05)
            if app.project is not None:
                break
        assert app.project is not None and list(app.project.services) == ["web"]
        assert not panel.display
        assert app.query_one(ServicesTable).row_count == 1


async def test_q_quits() -> None:
    app = make_app(_options(SAMPLES / "webapp"))
    async with app.run_test(size=(120, 40)) as pilot:
        await _wait_loaded(app, pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
