"""``migrate-tui manifests`` and ``ledger`` as a user runs them: same bytes every time,
the team's edits never overwritten, secrets.env kept, bad output folders refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from migrate_tui.cli import main
from migrate_tui.errors import ManifestError
from migrate_tui.manifests import write_manifests
from migrate_tui.manifests.writer import RECORD
from tests.manifests.helpers import generated_from
from tests.manifests.test_kompose_regressions import FIXTURE, manifests

SAAS = Path(__file__).resolve().parents[2] / "sample_projects" / "saas"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_input_same_bytes(tmp_path: Path) -> None:
    assert main(["manifests", str(SAAS), "-o", str(tmp_path / "a")]) == 0
    assert main(["manifests", str(SAAS), "-o", str(tmp_path / "b")]) == 0
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a == b
    assert "kustomization.yaml" in a and "api.yaml" in a


def test_kustomization_lists_every_manifest(tmp_path: Path) -> None:
    write_manifests(manifests(), tmp_path)
    import yaml

    k = yaml.safe_load((tmp_path / "kustomization.yaml").read_text())
    manifest_files = {f.path for f in manifests().files
                      if f.documents and f.path != "kustomization.yaml"}
    assert set(k["resources"]) == manifest_files


def test_secrets_env_has_keys_only_is_ignored_and_never_overwritten(tmp_path: Path) -> None:
    write_manifests(manifests(), tmp_path)
    env = (tmp_path / "secrets.env").read_text()
    assert env and all(line.endswith("=") for line in env.splitlines()
                       if not line.startswith("#"))
    assert "/secrets.env" in (tmp_path / ".gitignore").read_text().splitlines()
    assert "/secret-files/" in (tmp_path / ".gitignore").read_text().splitlines()
    filled = env.replace("web.DATABASE_URL=", "web.DATABASE_URL=postgres://filled")
    (tmp_path / "secrets.env").write_text(filled)
    write_manifests(manifests(), tmp_path)
    assert (tmp_path / "secrets.env").read_text() == filled
    json.loads((tmp_path / RECORD).read_text())  # (the record is JSON)


def test_secrets_env_groups_the_keys_that_held_one_value(tmp_path: Path) -> None:
    """A client's password and its database's held one value in Compose: ``secrets.env``
    says so in a comment (names, never the value), so that a typo is no failed log-in;
    an unset value groups nothing. The keys are read as before: a comment is no key."""
    made = generated_from(tmp_path, (
        "services:\n"
        "  db:\n    image: postgres:16\n    environment:\n"
        "      POSTGRES_PASSWORD: pw-shared-1\n      BACKUP_TOKEN: ''\n"
        "  app:\n    image: example/app\n    environment:\n"
        "      DB_PASSWORD: pw-shared-1\n      API_TOKEN: ''\n      OTHER_SECRET: pw-own-22\n"))
    env = made.file("secrets.env").text
    assert env is not None and "pw-shared-1" not in env and "pw-own-22" not in env
    comments = [line for line in env.splitlines() if line.startswith("#")]
    assert "#   app.DB_PASSWORD, db.POSTGRES_PASSWORD" in comments
    assert not any("TOKEN" in line or "OTHER_SECRET" in line for line in comments)
    out = tmp_path / "k8s"
    write_manifests(made, out)
    (out / "secrets.env").write_text("app.DB_PASSWORD=x\n")
    report = write_manifests(made, out)
    assert "app.DB_PASSWORD" not in report.missing_secret_keys
    assert not any(k.startswith("#") for k in report.missing_secret_keys)
    assert "db.POSTGRES_PASSWORD" in report.missing_secret_keys


def test_edited_file_is_refused_unless_forced(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "base"
    assert main(["manifests", str(FIXTURE), "-o", str(out)]) == 0
    edited = (out / "web.yaml").read_text() + "# our change\n"
    (out / "web.yaml").write_text(edited)
    (out / "db.yaml").write_text("# replaced by hand\n")
    before = _files(out)
    capsys.readouterr()
    assert main(["manifests", str(FIXTURE), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "web.yaml" in err and "db.yaml" in err and "overlay" in err
    assert "Traceback" not in err
    assert _files(out) == before  # nothing overwritten
    assert main(["manifests", str(FIXTURE), "-o", str(out), "--force"]) == 0
    assert "# our change" not in (out / "web.yaml").read_text()


def test_an_unknown_file_in_the_way_counts_as_edited(tmp_path: Path) -> None:
    (tmp_path / "web.yaml").write_text("mine\n")
    with pytest.raises(ManifestError, match="web.yaml"):
        write_manifests(manifests(), tmp_path)
    assert (tmp_path / "web.yaml").read_text() == "mine\n"


def test_output_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("keep me\n")
    assert main(["manifests", str(FIXTURE), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "not a folder" in err and str(target) in err
    assert target.read_text() == "keep me\n"


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="root writes anywhere: permissions cannot be tested")
def test_unwritable_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert main(["manifests", str(FIXTURE), "-o", str(folder)]) == 2
        assert "not writable" in capsys.readouterr().err
    finally:
        folder.chmod(0o700)


def test_unwritable_folder_as_root_is_refused_by_a_read_only_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """(root passes every permission check: the access test is what refuses)"""
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)
    assert main(["manifests", str(FIXTURE), "-o", str(tmp_path)]) == 2
    assert "not writable" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_links_are_never_followed(tmp_path: Path) -> None:
    out = tmp_path / "base"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (out / "web.yaml").symlink_to(victim)
    with pytest.raises(ManifestError, match="link"):
        write_manifests(manifests(), out)
    assert victim.read_text() == "precious\n"
    link = tmp_path / "linked"
    link.symlink_to(out)
    with pytest.raises(ManifestError, match="not a folder"):
        write_manifests(manifests(), link)


def test_secrets_env_as_a_link_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("x\n")
    out = tmp_path / "base"
    out.mkdir()
    (out / "secrets.env").symlink_to(victim)
    with pytest.raises(ManifestError, match="link"):
        write_manifests(manifests(), out)
    assert victim.read_text() == "x\n"


def test_ledger_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ledger", str(FIXTURE), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["project"] == "kompose"
    assert set(data["entries"][0]) == {"service", "key", "status", "target", "why"}
    assert main(["ledger", str(FIXTURE), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Translation ledger") and "| key | status |" in out
    assert main(["ledger", str(FIXTURE)]) == 0
    assert "healthcheck.test" in capsys.readouterr().out


def test_external_secrets_mode(tmp_path: Path) -> None:
    assert main(["manifests", str(FIXTURE), "-o", str(tmp_path), "--secrets",
                 "external-secrets"]) == 0
    text = (tmp_path / "external-secrets.yaml").read_text()
    assert "kind: ExternalSecret" in text and "web.SESSION_SECRET" in text
    assert not (tmp_path / "secrets.env").exists()
    assert "secretGenerator" not in (tmp_path / "kustomization.yaml").read_text()


def test_the_program_itself(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "migrate_tui", "manifests", str(FIXTURE),
                           "-o", str(tmp_path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "kubectl kustomize" in proc.stderr


def test_a_crafted_record_removes_nothing_outside(tmp_path: Path) -> None:
    """The record lives in the output folder (maybe a cloned repository): its paths are
    never followed out of it, through '..' or a linked folder."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.yaml").write_text("precious\n")
    out = tmp_path / "base"
    out.mkdir()
    (out / "sub").symlink_to(outside)
    import hashlib

    digest = hashlib.sha256(b"precious\n").hexdigest()
    (out / RECORD).write_text(json.dumps({"files": {
        "../outside/keep.yaml": digest, "sub/keep.yaml": digest}}))
    write_manifests(manifests(), out)
    assert (outside / "keep.yaml").read_text() == "precious\n"


def test_a_linked_subfolder_is_refused(tmp_path: Path) -> None:
    from migrate_tui.analysis.pipeline import analyze
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.compose.loader import load_project
    from migrate_tui.manifests import generate_manifests

    project = load_project(LoadOptions(path=str(SAAS.parent / "webapp"), environ={}))
    generated = generate_manifests(project, analyze(project))
    assert any(f.path.startswith("files/") for f in generated.files)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "base"
    out.mkdir()
    (out / "files").symlink_to(elsewhere)
    with pytest.raises(ManifestError, match="link"):
        write_manifests(generated, out)
    assert list(elsewhere.iterdir()) == []
    assert [p.name for p in out.iterdir()] == ["files"]  # refused before any write
