"""The progress commands as a user types them: set, assign, status, plan, merge-driver."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": str(cwd), "PWD": str(cwd),
           "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    return subprocess.run([sys.executable, "-m", "migrate_tui", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SAMPLES / "api-postgres-redis", target)
    return target


def test_set_and_assign_land_in_the_toml_and_show_in_status_and_plan(project: Path) -> None:
    assert run(project, "set", "api.probes", "--status", "done", "--by", "alice").returncode == 0
    assert run(project, "assign", "db.data-backup", "bob", "--by", "alice").returncode == 0
    text = (project / "migration.toml").read_text()
    assert '[items."api.probes"]' in text and 'changed_by = "alice"' in text
    status = json.loads(run(project, "status", "--format", "json").stdout)
    assert status["done"] == 1
    assert status["services"]["api"]["done"] == 1
    assert status["people"]["bob"] == {"done": 0, "total": 1}
    plan = run(project, "plan").stdout
    assert "- [x] Check the probes made from its healthcheck" in plan
    assert "`db.data-backup` (owner: bob)" in plan
    contract = json.loads(run(project, "plan", "--format", "json").stdout)
    items = {i["id"]: i for p in contract["phases"] for t in p["tasks"] for i in t["checklist"]}
    assert items["api.probes"]["status"] == "done"
    assert items["db.data-backup"]["assignee"] == "bob"


def test_an_unknown_item_is_refused_with_suggestions(project: Path) -> None:
    proc = run(project, "set", "api.probez", "--status", "done", "--by", "alice")
    assert proc.returncode == 2
    assert "api.probes" in proc.stderr and "Traceback" not in proc.stderr
    assert not (project / "migration.toml").exists()


def test_an_override_saved_in_the_toml_changes_the_plan(project: Path) -> None:
    def api_days() -> float:
        contract = json.loads(run(project, "plan", "--format", "json").stdout)
        return sum(t["estimate_days"] for p in contract["phases"] for t in p["tasks"]
                   if t["service"] == "api")

    before = api_days()
    (project / "migration.toml").write_text(
        'schema = 1\n\n[settings.overrides.api]\nclass = "stateful"\n')
    assert api_days() == pytest.approx(2 * before)


def test_manifests_and_ledger_honour_a_saved_override_without_making_a_plan(
        project: Path, tmp_path: Path) -> None:
    (project / "migration.toml").write_text(
        'schema = 1\n\n[settings.overrides.api]\nclass = "stateful"\n')
    out = tmp_path / "base"
    assert run(project, "manifests", "-o", str(out)).returncode == 0
    assert "kind: StatefulSet" in (out / "api.yaml").read_text()
    ledger = json.loads(run(project, "ledger", "--format", "json").stdout)
    assert any(e["service"] == "api" and "StatefulSet" in e["target"]
               for e in ledger["entries"])


def test_a_broken_progress_file_stops_with_file_line_and_fix_and_stays_as_it_was(
        project: Path) -> None:
    broken = 'schema = 1\n\n[items."api.probes"]\nstatus = "finished"\n'
    (project / "migration.toml").write_text(broken)
    for args in (("plan",), ("status",), ("set", "api.probes", "--status", "done", "--by", "a"),
                 ("manifests", "-o", "base"), ("ledger",)):
        proc = run(project, *args)
        assert proc.returncode == 2, args
        assert "migration.toml:4" in proc.stderr and "fix:" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert (project / "migration.toml").read_text() == broken


def test_merge_driver_command_in_a_real_git_merge(project: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=project, check=True, capture_output=True,
                              text=True).stdout

    git("init", "-q", "-b", "main")
    git("config", "user.name", "CI")
    git("config", "user.email", "ci@example.com")
    driver = f"{sys.executable} -m migrate_tui merge-driver %O %A %B"
    git("config", "merge.migrate-tui.driver", driver)
    (project / ".gitattributes").write_text("migration.toml merge=migrate-tui\n")
    run(project, "set", "project.inventory", "--status", "done", "--by", "alice")
    git("add", "-A")
    git("commit", "-qm", "start")
    git("checkout", "-qb", "alice")
    run(project, "set", "api.probes", "--status", "done", "--by", "alice")
    git("commit", "-qam", "alice")
    git("checkout", "-q", "main")
    run(project, "set", "db.data-backup", "--status", "doing", "--by", "bob")
    git("commit", "-qam", "bob")
    git("merge", "-q", "--no-edit", "alice")
    text = (project / "migration.toml").read_text()
    assert "<<<<<<<" not in text and ">>>>>>>" not in text
    status = json.loads(run(project, "status", "--format", "json").stdout)
    assert status["done"] == 2  # inventory and api.probes
    plan = run(project, "plan").stdout
    assert "`db.data-backup` (**doing**)" in plan
