"""Shared fixtures of the verify tests: the saas sample's workspace and its manifests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.workspace import Workspace, open_workspace

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
SAAS = ROOT / "sample_projects" / "saas"


@pytest.fixture(scope="session")
def saas_ws() -> Workspace:
    return open_workspace(LoadOptions(path=str(SAAS)), state_file=None)


def manifests_with(tmp_path: Path, edit: str | None = None) -> Path:
    """The generated saas base, with the files of ``edits/EDIT`` over it."""
    out = tmp_path / "k8s"
    shutil.copytree(FIXTURES / "saas-base", out)
    if edit:
        for file in (FIXTURES / "edits" / edit).iterdir():
            shutil.copy(file, out / file.name)
    return out
