"""The Manifests view (6) and writing the manifests with ``e``: lazily generated, no secret
drawn, an edited file never overwritten unless the user picks it in a second dialog."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable, RadioButton, Static

from migrate_tui.tui.screens.overwrite_dialog import OverwriteDialog
from migrate_tui.tui.widgets.manifests_view import ManifestsView
from tests.tui.helpers import SAMPLES, app_for, loaded, screen_text, shown, until

SECRET = "s3cr3t-Value-never-drawn"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", target)
    compose = target / "compose.yaml"
    text = compose.read_text()
    # a secret the analysis knows as one: it must never reach the screen
    compose.write_text(text.replace("environment:", f"environment:\n      API_TOKEN: {SECRET}",
                                    1))
    return target


def _notes(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def test_the_view_is_drawn_only_when_opened_from_the_workspaces_manifests(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import migrate_tui.manifests.generate as generate

    calls: list[str] = []
    run_generation = generate.run_generation

    def counted(*args: object, **kwargs: object) -> object:
        calls.append("generate")
        return run_generation(*args, **kwargs)  # type: ignore[arg-type]

    # (every generation goes through it: generate_manifests and the workspace's re-plan)
    monkeypatch.setattr(generate, "run_generation", counted)
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        # the workspace makes them once, with the analysis (the plan reads their ledger)
        assert len(calls) == 1
        await pilot.pause(0.1)
        assert not app.query(ManifestsView)  # not even mounted before the view opens
        await pilot.press("6")
        view = app.query_one(ManifestsView)
        await until(pilot, lambda: view.manifests is not None, "the manifests")
        assert len(calls) == 1  # the view shows the workspace's, never makes them again
        table = app.query_one("#man-table", DataTable)
        keys = [str(k.value) for k in table.rows]
        assert "service:api" in keys and "file:kustomization.yaml" in keys
        # the selected service: what needs a person, then its YAML
        view.select_service("api")
        await pilot.pause()
        ledger = shown(app, "#man-ledger")
        assert "mapped as Compose says" in ledger
        assert "kind: Deployment" in view.query_one("#man-yaml", Static).content.code  # type: ignore[union-attr]
        assert SECRET not in screen_text(app) and SECRET not in ledger
        # a toggle re-plans with the same analysis: the manifests are not made again
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("space")
        await until(pilot, lambda: (project / "migration.toml").exists(), "the save")
        await pilot.press("6")
        await pilot.pause()
        assert len(calls) == 1 and view.manifests is not None


async def test_m_in_the_services_view_opens_the_services_manifests(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        app.query_one("ServicesView").select("db")  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("m")
        view = app.query_one(ManifestsView)
        await until(pilot, lambda: view.manifests is not None, "the manifests")
        await pilot.pause()
        assert app.query_one("#tabs").active == "manifests"  # type: ignore[attr-defined]
        assert view.selected == "service:db"
        assert shown(app, "#man-ledger").startswith("db")


async def _export_manifests(app: object, pilot: object, path: str | None = None) -> None:
    await pilot.press("e")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    app.screen.query_one("#export-manifests", RadioButton).value = True  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    if path is not None:
        app.screen.query_one("#export-path").value = path  # type: ignore[attr-defined]
    app.screen.query_one("#export-path").focus()  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_e_writes_the_manifests_the_cli_writes(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await _export_manifests(app, pilot)
        await until(pilot, lambda: (project / "k8s" / "kustomization.yaml").exists()
                    and any("written" in n for n in _notes(app)), "the manifests")
    subprocess.run([sys.executable, "-m", "migrate_tui", "manifests", "-o", "cli-k8s"],
                   cwd=project, env={"PATH": "/usr/bin", "HOME": str(project)},
                   capture_output=True, text=True, check=True)
    ours = sorted(p.relative_to(project / "k8s") for p in (project / "k8s").rglob("*"))
    theirs = sorted(p.relative_to(project / "cli-k8s") for p in (project / "cli-k8s").rglob("*"))
    assert ours == theirs
    for path in ours:
        if (project / "k8s" / path).is_file():
            assert (project / "k8s" / path).read_bytes() == \
                (project / "cli-k8s" / path).read_bytes(), path


async def test_an_edited_file_is_named_and_kept_unless_overwrite_is_chosen(
        project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await _export_manifests(app, pilot, "deploy")
        base = project / "deploy"
        await until(pilot, lambda: (base / "api.yaml").exists()
                    and any("written" in n for n in _notes(app)), "the manifests")
        (base / "api.yaml").write_text("# ours\n")
        app._notifications.clear()
        await _export_manifests(app, pilot, "deploy")
        await until(pilot, lambda: isinstance(app.screen, OverwriteDialog), "the second choice")
        assert any("api.yaml" in n for n in _notes(app))  # the refusal names the file
        assert "api.yaml" in str(app.screen.query_one("#overwrite-refusal").render())
        await pilot.press("enter")  # Enter keeps the team's files
        await pilot.pause()
        assert not isinstance(app.screen, OverwriteDialog)
        assert (base / "api.yaml").read_text() == "# ours\n"
        await _export_manifests(app, pilot, "deploy")
        await until(pilot, lambda: isinstance(app.screen, OverwriteDialog), "the second choice")
        await pilot.click("#overwrite-yes")
        await until(pilot, lambda: (base / "api.yaml").read_text() != "# ours\n",
                    "the overwrite")


async def test_a_file_where_the_folder_goes_is_an_error_with_no_overwrite_offered(
        project: Path) -> None:
    (project / "k8s").write_text("not a folder\n")
    app = app_for(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(app, pilot)
        await _export_manifests(app, pilot)
        await until(pilot, lambda: any("not a folder" in n for n in _notes(app)), "the error")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, OverwriteDialog)
    assert (project / "k8s").read_text() == "not a folder\n"


async def test_the_view_fits_a_small_terminal(project: Path) -> None:
    app = app_for(project)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(app, pilot)
        await pilot.press("6")
        view = app.query_one(ManifestsView)
        await until(pilot, lambda: view.manifests is not None, "the manifests")
        await pilot.pause()
        text = screen_text(app)
        assert "6 Manifests" in text and "Decide" in text and "api" in text


def test_a_file_copied_as_text_is_never_drawn() -> None:
    from migrate_tui.manifests.model import Document, GeneratedFile
    from migrate_tui.tui.manifest_files import shown_text

    assert shown_text(GeneratedFile(path="secrets.env", text="TOKEN=x\n")) is None
    yaml = shown_text(GeneratedFile(path="a.yaml", documents=(
        Document({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}),)))
    assert yaml is not None and "kind: ConfigMap" in yaml
