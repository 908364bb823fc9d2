"""A real ``git merge`` of two branches with the merge driver configured."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migrate_tui.progress import (
    ProgressStore,
    SetAssignee,
    SetNote,
    SetSetting,
    SetStatus,
)
from tests.progress.helpers import at

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

# The CLI form, once cli.py has the subcommand, is: migrate-tui merge-driver %O %A %B
DRIVER = (
    f"{shlex.quote(sys.executable)} -c 'import sys; "
    "from migrate_tui.progress.commands import cmd_merge_driver; "
    "sys.exit(cmd_merge_driver(*sys.argv[1:]))' %O %A %B"
)


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo),  # no user-level git config leaks in
    }
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                          check=check)


def _repo(tmp_path: Path, *, driver: bool) -> tuple[Path, ProgressStore]:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "Test")
    _git(repo, "config", "user.email", "test@example.com")
    if driver:
        _git(repo, "config", "merge.migrate-tui.driver", DRIVER)
        (repo / ".gitattributes").write_text("migration.toml merge=migrate-tui\n")
    (repo / ".gitignore").write_text("migration.toml.bak\nmigration.toml.lock\n")
    store = ProgressStore(repo / "migration.toml")
    store.apply([
        SetStatus("api.probes", "doing", "ana", at(0)),
        SetStatus("db.data-backup", "doing", "ana", at(0)),
        SetStatus("web.probes", "doing", "ana", at(0)),
        SetStatus("worker.probes", "doing", "ana", at(0)),
        SetSetting("team", ["ana", "bo"], "ana", at(0)),
    ])
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    return repo, store


def _commit_on(repo: Path, branch: str, store: ProgressStore, changes: list) -> None:  # type: ignore[type-arg]
    _git(repo, "checkout", "-q", branch)
    ProgressStore(store.path).apply(changes)
    _git(repo, "commit", "-q", "-am", f"progress on {branch}")


def test_branches_merge_into_the_union_latest_wins(tmp_path: Path) -> None:
    repo, store = _repo(tmp_path, driver=True)
    _git(repo, "branch", "ana-work")
    _git(repo, "branch", "bo-work")
    _commit_on(repo, "ana-work", store, [
        SetStatus("api.probes", "done", "ana", at(10)),             # only ana
        SetStatus("project.cluster-choice", "done", "ana", at(11)),  # new item, only ana
        SetStatus("db.data-backup", "blocked", "ana", at(30)),      # both; ana's is later
        SetNote("web.probes", "readiness on /health", "ana", at(12)),  # both, other field
        SetStatus("worker.probes", "skipped", "ana", at(13)),       # both; bo's is later
        SetSetting("team", ["ana", "bo", "cy"], "ana", at(14)),
        SetSetting("focus", 0.5, "ana", at(15)),
    ])
    _commit_on(repo, "bo-work", store, [
        SetStatus("api.fix-no-healthcheck", "done", "bo", at(20)),  # new item, only bo
        SetStatus("db.data-backup", "done", "bo", at(21)),
        SetAssignee("web.probes", "bo", "bo", at(22)),
        SetStatus("worker.probes", "done", "bo", at(23)),
        SetSetting("focus", 0.25, "bo", at(24)),
        SetSetting("answers.servers", 3, "bo", at(25)),
    ])
    _git(repo, "checkout", "-q", "ana-work")

    merge = _git(repo, "merge", "--no-edit", "bo-work", check=False)

    assert merge.returncode == 0, merge.stdout + merge.stderr
    text = (repo / "migration.toml").read_text()
    assert "<<<<<<<" not in text and ">>>>>>>" not in text and "=======" not in text
    assert _git(repo, "status", "--porcelain").stdout == ""  # merged and committed
    state = ProgressStore(repo / "migration.toml").load()
    status = {item_id: item.status for item_id, item in state.items.items()}
    assert status == {
        "api.probes": "done",
        "project.cluster-choice": "done",
        "api.fix-no-healthcheck": "done",
        "db.data-backup": "blocked",   # ana at :30 beats bo at :21
        "web.probes": "doing",
        "worker.probes": "done",       # bo at :23 beats ana at :13
    }
    web = state.item("web.probes")
    assert (web.note, web.assignee) == ("readiness on /health", "bo")
    assert state.settings.team == ("ana", "bo", "cy")
    assert state.settings.focus == 0.25
    assert state.settings.answers.servers == 3


def test_a_branch_that_dated_an_item_2099_does_not_win_the_merge(tmp_path: Path) -> None:
    repo, store = _repo(tmp_path, driver=True)
    _git(repo, "branch", "eve-work")
    _git(repo, "branch", "bo-work")
    _commit_on(repo, "eve-work", store, [
        SetStatus("api.probes", "blocked", "eve", at(0).replace(year=2099)),
        SetSetting("focus", 0.9, "eve", at(0).replace(year=2099)),
    ])
    _commit_on(repo, "bo-work", store, [
        SetStatus("api.probes", "done", "bo", at(20)),
        SetSetting("focus", 0.25, "bo", at(21)),
    ])
    _git(repo, "checkout", "-q", "eve-work")
    merge = _git(repo, "merge", "--no-edit", "bo-work", check=False)
    assert merge.returncode == 0, merge.stdout + merge.stderr
    state = ProgressStore(repo / "migration.toml").load()
    item = state.item("api.probes")
    assert (item.status, item.changed_by) == ("done", "bo")
    assert state.settings.focus == 0.25
    assert "settings.changed_at.focus = 2099-03-01T09:00:00Z is in the future" in merge.stderr


def test_without_the_driver_different_existing_items_still_merge_as_text(
    tmp_path: Path,
) -> None:
    repo, store = _repo(tmp_path, driver=False)
    _git(repo, "branch", "one")
    _git(repo, "branch", "two")
    _commit_on(repo, "one", store, [SetStatus("api.probes", "done", "ana", at(10))])
    _commit_on(repo, "two", store, [SetStatus("web.probes", "done", "bo", at(11))])
    _git(repo, "checkout", "-q", "one")
    merge = _git(repo, "merge", "--no-edit", "two", check=False)
    assert merge.returncode == 0, merge.stdout + merge.stderr
    state = ProgressStore(repo / "migration.toml").load()
    assert state.item("api.probes").status == state.item("web.probes").status == "done"


def test_a_broken_side_is_a_conflict_and_the_driver_writes_nothing(tmp_path: Path) -> None:
    repo, store = _repo(tmp_path, driver=True)
    _git(repo, "branch", "broken")
    _git(repo, "checkout", "-q", "broken")
    (repo / "migration.toml").write_text("schema = 1\n[items.a]\nstatus = done\n")
    _git(repo, "commit", "-q", "-am", "broken by hand")
    _commit_on(repo, "main", store, [SetStatus("api.probes", "done", "ana", at(10))])
    ours = (repo / "migration.toml").read_bytes()
    merge = _git(repo, "merge", "--no-edit", "broken", check=False)
    assert merge.returncode != 0
    assert "not valid TOML" in merge.stdout + merge.stderr
    assert (repo / "migration.toml").read_bytes() == ours
