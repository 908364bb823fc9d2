"""Fuzz: whatever the compose file says, the loader returns a project or a MigrateError.

Never another exception: a KeyError or a TypeError from deep inside a phase would reach the
user as a traceback. CI runs a bounded budget; raise it for a long run with::

    HYPOTHESIS_PROFILE=fuzz-long python -m pytest tests/hostile/test_fuzz.py

(``fuzz-long`` is 100,000 examples a test; ``FUZZ_EXAMPLES=N`` sets any other count.)
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.compose.model import Project
from migrate_tui.errors import MigrateError
from tests.hostile.strategies import (
    mutated,
    mutated_tree,
    random_yaml,
    seed_documents,
    seed_env_files,
)

_COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck), "print_blob": True}
settings.register_profile("fuzz-ci", max_examples=300, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("fuzz-long", max_examples=100_000, **_COMMON)  # type: ignore[arg-type]
FUZZ = settings(
    settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz-ci")),
    **({"max_examples": int(os.environ["FUZZ_EXAMPLES"])} if "FUZZ_EXAMPLES" in os.environ
       else {}),
)
"""The budget of each fuzz test: 300 examples unless the environment asks for more."""

ENVIRON = {"PATH": "/usr/bin", "HOME": "/root"}


def load_files(folder: Path, files: dict[str, str]) -> Project | MigrateError:
    """Write ``files`` into ``folder`` and load the project there, as the CLI would."""
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        project = load_project(
            LoadOptions(path=str(folder), environ=dict(ENVIRON), cwd=str(folder)),
            warn=lambda _message: None,
        )
    except MigrateError as exc:
        exc.render()  # the message itself must not fail
        return exc
    json.dumps(project.compose)  # what `migrate-tui config --format json` prints
    return project


def check(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        outcome = load_files(Path(folder), files)
    assert isinstance(outcome, (Project, MigrateError))


@FUZZ
@given(
    compose=mutated(seed_documents()),
    other=st.none() | mutated(seed_documents()),
    env=st.none() | mutated(seed_env_files()),
)
def test_a_broken_real_file_gives_a_project_or_a_migrate_error(
    compose: str, other: str | None, env: str | None
) -> None:
    files = {"compose.yaml": compose}
    if other is not None:  # a target for `extends: {file: other.yaml}` and `include`
        files["other.yaml"] = other
    if env is not None:
        files[".env"] = env
    check(files)


@FUZZ
@given(compose=mutated_tree(), other=st.none() | mutated_tree())
def test_a_real_file_with_changed_values_gives_a_project_or_a_migrate_error(
    compose: str, other: str | None
) -> None:
    files = {"compose.yaml": compose}
    if other is not None:
        files["other.yaml"] = other
    check(files)


@FUZZ
@given(compose=random_yaml(), other=st.none() | random_yaml())
def test_random_yaml_gives_a_project_or_a_migrate_error(compose: str, other: str | None) -> None:
    files = {"compose.yaml": compose}
    if other is not None:
        files["other.yaml"] = other
    check(files)


@FUZZ
@given(text=st.text(max_size=200))
def test_any_text_gives_a_project_or_a_migrate_error(text: str) -> None:
    check({"compose.yaml": text})
