"""Shared helpers for the loader tests: write a project into a folder, load it hermetically.

Every load gets an explicit environment (``PATH`` and ``HOME`` only, plus what a test adds)
and an explicit working folder, so the host's variables and current folder never leak in.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.compose.model import Project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "compose"
HOME = "/home/tester"
BASE_ENV = {"PATH": "/usr/bin:/bin", "HOME": HOME}


def write_files(folder: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: YAML text}`` under ``folder`` (dedented); return ``folder``."""
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


def load(
    folder: Path,
    *,
    env: dict[str, str] | None = None,
    warnings: list[str] | None = None,
    **options: Any,
) -> Project:
    """Load the project in ``folder`` as ``docker compose`` run there would.

    Args:
        folder: The working folder (``cwd``) and, unless ``path``/``files`` say otherwise,
            the folder searched for compose files.
        env: Variables added to the hermetic base environment.
        warnings: Receives the warnings, when given.
        **options: Any other :class:`LoadOptions` field (``files``, ``profiles``...).
    """
    options.setdefault("path", None if options.get("files") else str(folder))
    sink = warnings if warnings is not None else []
    return load_project(
        LoadOptions(environ={**BASE_ENV, **(env or {})}, cwd=str(folder), **options),
        warn=sink.append,
    )


LoadText = Callable[..., Project]


@pytest.fixture
def load_yaml(tmp_path: Path) -> LoadText:
    """Load a project made of a single ``compose.yaml`` (plus optional extra files).

    ``load_yaml(text, files={...}, env={...}, warnings=[...], **options)``
    """

    def _load(text: str, files: dict[str, str] | None = None, **kwargs: Any) -> Project:
        write_files(tmp_path, {"compose.yaml": text, **(files or {})})
        return load(tmp_path, **kwargs)

    return _load


def service(project: Project, name: str) -> dict[str, Any]:
    """One service as ``docker compose config`` prints it."""
    services: dict[str, Any] = project.compose["services"]
    return services[name]  # type: ignore[no-any-return]
