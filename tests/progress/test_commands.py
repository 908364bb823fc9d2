"""The functions ``cli.py`` calls for ``set``, ``assign``, ``status``, ``merge-driver``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from migrate_tui.errors import ProgressError
from migrate_tui.progress import ProgressStore, git_user_name
from migrate_tui.progress.commands import cmd_assign, cmd_merge_driver, cmd_set, cmd_status

KNOWN = {"api.probes", "api.fix-no-healthcheck", "db.data-backup", "project.cluster-choice"}
PLAN = [("api.probes", "pain", "api", "Add probes"),
        ("db.data-backup", "pain", "db", "Back up")]


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "migration.toml")


def test_set_saves_status_who_and_note(store: ProgressStore) -> None:
    assert cmd_set(store, "api.probes", "doing", "ana", None, KNOWN, "2025-03-03") == \
        "api.probes: todo -> doing (by ana); started 2025-03-03"
    line = cmd_set(store, "api.probes", "done", "bo", "probes on /health", KNOWN, "2025-03-04")
    assert line == "api.probes: doing -> done (by bo); finished 2025-03-04; note set"
    item = ProgressStore(store.path).load().item("api.probes")
    assert (item.status, item.changed_by, item.note) == ("done", "bo", "probes on /health")
    cmd_set(store, "api.probes", "done", "bo", "", KNOWN)
    assert ProgressStore(store.path).load().item("api.probes").note is None


def test_an_unknown_item_suggests_the_closest_ids(store: ProgressStore) -> None:
    with pytest.raises(ProgressError) as caught:
        cmd_set(store, "api.probe", "done", "ana", None, KNOWN)
    err = caught.value
    assert "'api.probe'" in err.message
    assert err.hint is not None and "api.probes" in err.hint
    assert not store.path.exists()
    with pytest.raises(ProgressError) as caught:
        cmd_assign(store, "zzz", "ana", "ana", KNOWN)
    assert "migrate-tui status" in (caught.value.hint or "")


def test_an_unknown_status_or_no_name_is_refused(store: ProgressStore) -> None:
    with pytest.raises(ProgressError) as caught:
        cmd_set(store, "api.probes", "finished", "ana", None, KNOWN)
    assert "done" in (caught.value.hint or "")
    with pytest.raises(ProgressError) as caught:
        cmd_set(store, "api.probes", "done", None, None, KNOWN)
    assert "--by" in (caught.value.hint or "")
    assert not store.path.exists()


def test_assign_and_unassign(store: ProgressStore) -> None:
    assert cmd_assign(store, "db.data-backup", "cy", "ana", KNOWN) == \
        "db.data-backup: assigned to cy (by ana)"
    assert cmd_assign(store, "db.data-backup", "", "ana", KNOWN) == \
        "db.data-backup: unassigned (by ana)"


def test_status_as_json_and_text(store: ProgressStore) -> None:
    cmd_set(store, "api.probes", "done", "ana", None, KNOWN)
    data = json.loads(cmd_status(store, PLAN, "json"))
    assert (data["done"], data["total"]) == (1, 2)
    assert cmd_status(store, PLAN).startswith("Progress  1/2")


def test_merge_driver_command(tmp_path: Path) -> None:
    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    base.write_text("")
    ours.write_text('schema = 1\n[items.a]\nstatus = "done"\n')
    theirs.write_text('schema = 1\n[items.b]\nstatus = "done"\n')
    assert cmd_merge_driver(str(base), str(ours), str(theirs)) == 0
    assert set(ProgressStore(ours).load().items) == {"a", "b"}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_user_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert git_user_name(tmp_path) is None
    subprocess.run(["git", "config", "user.name", "Ana Lima"], cwd=tmp_path, check=True)
    assert git_user_name(tmp_path) == "Ana Lima"
    assert git_user_name(tmp_path / "missing") is None
    monkeypatch.setenv("PATH", os.devnull)
    assert git_user_name(tmp_path) is None
