"""Loading fixtures and corpus projects for the analysis tests."""

from __future__ import annotations

import os
from pathlib import Path

from migrate_tui.analysis import Analysis, analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.compose.model import Project
from tests.conformance.oracle import Case, clean_env

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "analysis"


def load(name: str, *, profiles: tuple[str, ...] = ()) -> Project:
    """A fixture: ``name.yaml`` (one file) or ``name/`` (a folder with compose.yaml)."""
    path = FIXTURES / name
    if path.is_dir():
        folder, files = path, ()
    else:
        path = FIXTURES / f"{name}.yaml"
        folder, files = path.parent, (str(path),)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/root", "PWD": str(folder)}
    return load_project(
        LoadOptions(path=None if files else str(folder), files=files, profiles=profiles,
                    environ=env, cwd=str(folder)),
        warn=lambda _m: None,
    )


def analyse(name: str, **kwargs: object) -> Analysis:
    """Load and analyse a fixture."""
    return analyze(load(name), **kwargs)  # type: ignore[arg-type]


def line_of(name: str, text: str, file: str | None = None) -> int:
    """The line of a fixture that holds ``text`` (exactly once)."""
    if file:
        path = FIXTURES / name / file
    elif (FIXTURES / name).is_dir():
        path = FIXTURES / name / "compose.yaml"
    else:
        path = FIXTURES / f"{name}.yaml"
    hits = [i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(hits) == 1, f"{text!r} is on lines {hits} of {path}"
    return hits[0]


def corpus_options(case: Case) -> LoadOptions:
    """The loader's options for a corpus case: the manifest's Compose flags, a clean env."""
    files: list[str] = []
    profiles: list[str] = []
    env_files: list[str] = []
    name = directory = None
    args = list(case.args)
    while args:
        flag, value = args.pop(0), args.pop(0)
        if flag in ("-f", "--file"):
            files.append(value)
        elif flag == "--profile":
            profiles.append(value)
        elif flag == "--env-file":
            env_files.append(value)
        elif flag in ("-p", "--project-name"):
            name = value
        elif flag == "--project-directory":
            directory = value
        else:  # pragma: no cover - the manifest uses only the flags above
            raise ValueError(f"unexpected flag {flag} in {case.id}")
    return LoadOptions(files=tuple(files), profiles=tuple(profiles), env_files=tuple(env_files),
                       project_name=name, project_directory=directory,
                       environ=clean_env(case.workdir), cwd=str(case.workdir))
