"""The edges of rules where one value decides: who is root, which host ports are privileged.

Each case is a project of one service, so a rule that moves its bound by one, or reads
``user: "0:0"`` as a plain user, fails here by name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_tui.analysis import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project


def _findings(folder: Path, service: str, rule: str) -> list[tuple[str | None, str]]:
    """(variant, evidence text) of each finding of ``rule`` in a one-service project."""
    (folder / "compose.yaml").write_text("services:\n  app:\n    image: example/app:1\n" +
                                         service, encoding="utf-8")
    project = load_project(LoadOptions(path=str(folder), environ={}, cwd=str(folder)),
                           warn=lambda _m: None)
    return [(f.variant, f.evidence.text) for f in analyze(project).findings if f.rule == rule]


@pytest.mark.parametrize("user,variant", [
    (None, None),
    ("root", "explicit-root"),
    ("0", "explicit-root"),
    ("0:0", "explicit-root"),
    ("root:root", "explicit-root"),
    ("0:1000", "explicit-root"),
])
def test_root_users(tmp_path: Path, user: str | None, variant: str | None) -> None:
    found = _findings(tmp_path, f'    user: "{user}"\n' if user else "", "runs-as-root")
    assert [v for v, _ in found] == [variant]


@pytest.mark.parametrize("user", ["1000", "1000:0", "app", "app:root", "10001:10001"])
def test_users_that_are_not_root(tmp_path: Path, user: str) -> None:
    assert _findings(tmp_path, f'    user: "{user}"\n', "runs-as-root") == []


@pytest.mark.parametrize("published,privileged", [
    (1, True), (80, True), (443, True), (1023, True),
    (1024, False), (1025, False), (8080, False),
])
def test_privileged_host_ports_stop_at_1024(tmp_path: Path, published: int,
                                            privileged: bool) -> None:
    found = _findings(tmp_path, f'    ports: ["{published}:8080"]\n', "privileged-port")
    assert bool(found) is privileged, found
