"""Conformance: our ``config --format json`` agrees with Docker Compose's on every project.

Every project of ``../shared/corpus/MANIFEST.json`` and every sample project is loaded by
both tools with the same arguments, in the same folder, with a clean environment. Where the
oracle accepts a project, the compared fields of every service must be equal; where it
rejects one, we must reject it too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conformance.oracle import (
    CORPUS,
    Case,
    clean_env,
    corpus_cases,
    differences,
    oracle_binary,
    run_oracle,
    run_ours,
    sample_cases,
)

KNOWN_DIFFERENCES: dict[str, str] = {}
"""Projects where we cannot match the oracle yet, with the reason. Empty: we match all."""

CASES = corpus_cases() + sample_cases()


def test_oracle_and_corpus_are_present() -> None:
    assert oracle_binary() is not None, "install the test extras: pip install '.[test]'"
    if os.environ.get("CI") or CORPUS.is_dir():
        assert len(corpus_cases()) >= 500, f"the corpus is missing at {CORPUS}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_agrees_with_docker_compose(case: Case) -> None:
    if case.id in KNOWN_DIFFERENCES:
        pytest.xfail(KNOWN_DIFFERENCES[case.id])
    oracle_rc, theirs, oracle_err = run_oracle(case)
    our_rc, ours, our_err = run_ours(case)
    if oracle_rc != 0:
        assert our_rc != 0, f"Docker Compose rejects this project, we accept it:\n{oracle_err}"
        return
    assert our_rc == 0, f"Docker Compose accepts this project, we reject it:\n{our_err}"
    assert theirs is not None and ours is not None
    assert differences(theirs, ours) == []


@pytest.mark.parametrize("name", ["saas", "api-postgres-redis"])
def test_cli_config_json_is_what_the_loader_gives(name: str) -> None:
    """The real command a user types prints the same JSON, and nothing on stderr."""
    case = next(c for c in sample_cases() if c.id == f"samples/{name}")
    proc = subprocess.run(
        [sys.executable, "-m", "migrate_tui", "config", "--format", "json"],
        cwd=case.workdir, env=clean_env(case.workdir), capture_output=True, text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    _, ours, _ = run_ours(case)
    assert json.loads(proc.stdout) == ours
