"""What the app tells the user: a reload done, and the loader's warnings."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.tui.helpers import SAMPLES, app_for, loaded, shown, until


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", target)
    return target


def _said(app, title: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(n.message) for n in app._notifications if n.title == title]


async def test_r_says_the_reload_is_done(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        assert _said(app, "Reloaded") == []
        first = app.workspace
        await pilot.press("r")
        await until(pilot, lambda: app.workspace is not first, "the reload")
        await pilot.pause()
        (said,) = _said(app, "Reloaded")
        assert "4 services" in said and "items done" in said


async def test_a_reload_that_fails_says_so(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        (project / "compose.yaml").write_text("services: [\n")
        await pilot.press("r")
        await until(pilot, lambda: app.load_error is not None, "the failed reload")
        await pilot.pause()
        assert _said(app, "Reload failed")


async def _warning(app: Any, pilot: Any) -> str:
    """The one warnings notification of the loaded project."""
    await loaded(app, pilot)
    await pilot.pause()
    assert app.workspace is not None
    (said,) = [str(n.message) for n in app._notifications
               if str(n.title).startswith("Warnings")]
    return said


async def test_loader_warnings_are_shown(project: Path) -> None:
    compose = project / "compose.yaml"
    compose.write_text(compose.read_text().replace(
        "services:", "x-release: ${RELEASE_TAG}\nservices:", 1))
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        said = await _warning(app, pilot)
        assert "RELEASE_TAG" in said
        warnings = app.query_one("#ov-warnings")
        assert warnings.display and "RELEASE_TAG" in shown(app, "#ov-warnings")


async def test_no_warning_box_without_warnings(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        assert not app.query_one("#ov-warnings").display


async def test_the_analysis_warnings_are_shown_escaped(project: Path) -> None:
    """A proxy's configuration the analysis could not read (a symbolic link) is said as
    the loader's warnings are, its file's name escaped (it is read from the project)."""
    import yaml
    from rich.text import Text

    link = project / "evil\x1b[2J[red]x.conf"
    link.symlink_to("/etc/hostname")
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    compose["services"]["proxy"] = {"image": "nginx:1.27",
                                    "volumes": [f"./{link.name}:/etc/nginx/nginx.conf"]}
    (project / "compose.yaml").write_text(yaml.safe_dump(compose))
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        said = await _warning(app, pilot)
        assert "not read for the proxy's upstreams" in said
        assert "\x1b" not in said  # (and its markup is text, as the user reads it:)
        assert "\\x1b[2J[red]x.conf" in Text.from_markup(said).plain
        box = shown(app, "#ov-warnings")
        assert "not read for the proxy's upstreams" in box
        assert "\x1b" not in box and "\\x1b[2J[red]x.conf" in box
