"""``migrate-tui verify``: the JSON contract, the exit codes, kustomize, ``--update``."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from migrate_tui.cli import main
from migrate_tui.progress.store import ProgressStore
from tests.verify.conftest import SAAS, manifests_with


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SAAS, tmp_path / "saas")
    monkeypatch.chdir(tmp_path / "saas")
    return tmp_path / "saas"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_contract_and_exit_codes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifests_with(project, "probe-removed")
    code, out, _ = run(capsys, "verify", "--manifests", "k8s", "--format", "json",
                       "--no-kustomize")
    assert code == 0  # contradicted, but not ticked
    data = json.loads(out)
    assert data["source"] == "files" and data["summary"]["failed"] == []
    item = next(i for i in data["items"] if i["id"] == "api.probes")
    assert set(item) == {"id", "verdict", "evidence", "status"}
    assert item["verdict"] == "contradicted" and item["evidence"].startswith("k8s/api.yaml:30")
    run(capsys, "set", "api.probes", "--status", "done", "--by", "ana")
    code, out, _ = run(capsys, "verify", "--manifests", "k8s", "--no-kustomize")
    assert code == 1
    assert "FAILED: 1 item(s) ticked done but contradicted: api.probes" in out
    assert "!! api.probes" in out and "[done]" in out


def test_bad_input_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "verify", "--manifests", "nowhere")
    assert code == 2 and "no manifests at nowhere" in err and "Traceback" not in err
    (project / "bad").mkdir()
    (project / "bad" / "x.yaml").write_text("kind: Deployment\n  bad: [\n")
    code, _, err = run(capsys, "verify", "--manifests", "bad")
    assert code == 2 and "bad/x.yaml:" in err and "invalid YAML" in err


def test_kustomize_renders_when_kubectl_is_there(project: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    folder = manifests_with(project)
    (folder / "secrets.env").write_text("")
    (folder / "secret-files").mkdir(exist_ok=True)
    for name in ("secret-db-password-1184c5", "secret-jwt-signing-key-aaf98f"):
        (folder / "secret-files" / name).write_text("x")
    code, out, _ = run(capsys, "verify", "--manifests", "k8s", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["source"] == "kustomize"
    item = next(i for i in data["items"] if i["id"] == "api.probes")
    assert item["verdict"] == "verified" and item["evidence"].startswith("k8s/api.yaml:66")


def test_kubectl_failing_is_said(project: Path, capsys: pytest.CaptureFixture[str],
                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifests_with(project)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "kubectl").write_text("#!/bin/sh\necho 'error: secrets.env: no such file' >&2\n"
                                  "exit 1\n")
    (fake / "kubectl").chmod(stat.S_IRWXU)
    monkeypatch.setenv("PATH", str(fake))
    code, _, err = run(capsys, "verify", "--manifests", "k8s")
    assert code == 2
    assert "kubectl kustomize k8s failed: error: secrets.env: no such file" in err
    assert "--no-kustomize" in err


def test_kubectl_missing_falls_back_to_the_files(project: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    manifests_with(project)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code, out, _ = run(capsys, "verify", "--manifests", "k8s")
    assert code == 0
    assert "kubectl is not on PATH" in out and "(files)" in out


def test_update_ticks_verified_and_never_unticks(project: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    manifests_with(project, "probe-removed")
    run(capsys, "set", "api.probes", "--status", "done", "--by", "ana")
    run(capsys, "set", "api.resources", "--status", "skipped", "--by", "ana")
    code, _, err = run(capsys, "verify", "--manifests", "k8s", "--update", "--no-kustomize")
    assert code == 1
    state = ProgressStore(project / "migration.toml").load()
    workload = state.item("api.workload")
    assert (workload.status, workload.changed_by, workload.verdict) == ("done", "verify",
                                                                        "verified")
    assert workload.evidence and workload.evidence.startswith("k8s/api.yaml:4")
    probes = state.item("api.probes")
    assert (probes.status, probes.changed_by, probes.verdict) == ("done", "ana", "contradicted")
    assert "api.probes is ticked done (by ana) but the manifests contradict it" in err
    assert state.item("api.resources").status == "skipped"  # a person's choice, kept
    assert state.item("api.resources").verdict == "verified"
    assert state.item("api.staging").verdict is None
    text = (project / "migration.toml").read_text()
    assert 'verdict = "verified"' in text and "verified_at = " in text
    # a person moves a verified item back: verify does not tick it again
    run(capsys, "set", "api.workload", "--status", "doing", "--by", "bo")
    run(capsys, "verify", "--manifests", "k8s", "--update", "--no-kustomize")
    assert ProgressStore(project / "migration.toml").load().item("api.workload").status \
        == "doing"


def test_status_shows_the_recorded_verdicts(project: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    manifests_with(project, "probe-removed")
    run(capsys, "set", "api.probes", "--status", "done", "--by", "ana")
    run(capsys, "verify", "--manifests", "k8s", "--update", "--no-kustomize")
    code, out, _ = run(capsys, "status", "--format", "json")
    data = json.loads(out)
    assert data["verified"] > 0
    assert data["contradicted"][0]["id"] == "api.probes"
    assert data["contradicted"][0]["status"] == "done"
    code, out, _ = run(capsys, "status")
    assert "Ticked but contradicted (1)" in out and "api.probes" in out
    code, out, _ = run(capsys, "plan")
    line = next(ln for ln in out.splitlines() if "`api.probes`" in ln)
    assert line.startswith("- [x]") and "**contradicted by the manifests**" in line
    workload = next(ln for ln in out.splitlines() if "`api.workload`" in ln)
    assert "verified in the manifests" in workload


def test_the_progress_file_stays_readable_after_update(project: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    manifests_with(project)
    run(capsys, "verify", "--manifests", "k8s", "--update", "--no-kustomize")
    assert os.path.exists(project / "migration.toml")
    code, _, err = run(capsys, "status")
    assert code == 0, err
