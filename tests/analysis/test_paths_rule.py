"""Files from outside the project folder are reported, with the line that names them."""

from __future__ import annotations

from pathlib import Path

from migrate_tui.analysis.pipeline import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project


def test_extends_include_and_env_file_outside_the_project(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "common.yaml").write_text("services:\n  base:\n    image: alpine:3.20\n")
    (shared / "app.env").write_text("LOG_LEVEL=info\n")
    (shared / "extra.yaml").write_text("services:\n  extra:\n    image: redis:7.4\n")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "local.env").write_text("A=1\n")
    (project / "compose.yaml").write_text(
        "include:\n  - ../shared/extra.yaml\n"
        "services:\n"
        "  web:\n"
        "    extends:\n      file: ../shared/common.yaml\n      service: base\n"
        "    env_file:\n      - ./local.env\n      - ../shared/app.env\n"
    )
    loaded = load_project(LoadOptions(path=str(project), environ={"PATH": "/usr/bin"},
                                      cwd=str(project)))
    found = {(f.service, f.evidence.line, f.message)
             for f in analyze(loaded).findings if f.rule == "path-outside-project"}
    assert found == {
        (None, 2, "included file ../shared/extra.yaml is outside the project folder"),
        ("web", 6, "extended file ../shared/common.yaml is outside the project folder"),
        ("web", 10, "env file ../shared/app.env is outside the project folder"),
    }


def test_files_inside_the_project_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("services:\n  base:\n    image: alpine:3.20\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    extends:\n      file: ./base.yaml\n      service: base\n")
    loaded = load_project(LoadOptions(path=str(tmp_path), environ={"PATH": "/usr/bin"},
                                      cwd=str(tmp_path)))
    assert not [f for f in analyze(loaded).findings if f.rule == "path-outside-project"]
