"""Hostile manifests: a clear error (exit 2) or ``unknown`` verdicts, never a traceback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from migrate_tui.errors import MigrateError, VerifyError
from migrate_tui.verify import read_manifests
from migrate_tui.verify.read import MANIFEST_FILE_LIMIT, run_kustomize

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
      - name: api
        image: x:1
"""


def folder_with(tmp_path: Path, **files: str) -> Path:
    out = tmp_path / "k8s"
    out.mkdir()
    for name, text in files.items():
        (out / name).write_text(text)
    return out


def test_a_yaml_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [*a{i-1},*a{i-1},*a{i-1},*a{i-1},*a{i-1},*a{i-1},*a{i-1},"
              f"*a{i-1},*a{i-1}]" for i in range(1, 10)]
    folder = folder_with(tmp_path, **{"bomb.yaml": "\n".join(lines) + "\n"})
    with pytest.raises(VerifyError) as err:
        read_manifests(str(folder))
    assert "YAML bomb" in err.value.render() and "bomb.yaml:" in err.value.render()


def test_a_file_past_the_limit_is_refused_unread(tmp_path: Path) -> None:
    folder = folder_with(tmp_path)
    with open(folder / "huge.yaml", "wb") as f:  # 50 MB, sparse: never read
        f.truncate(50 * 1024 * 1024)
    assert MANIFEST_FILE_LIMIT < 50 * 1024 * 1024
    with pytest.raises(VerifyError) as err:
        read_manifests(str(folder))
    assert "huge.yaml" in err.value.render() and err.value.exit_code == 2


def test_a_link_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside.yaml"
    secret.write_text(DEPLOYMENT)
    folder = folder_with(tmp_path, **{"api.yaml": DEPLOYMENT})
    (folder / "evil.yaml").symlink_to(secret)
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "sub").symlink_to(tmp_path)
    found = read_manifests(str(folder))
    assert [d.file for d in found.docs] == [f"{folder}/api.yaml"]
    assert any("evil.yaml: a link out of the manifests folder" in w for w in found.warnings)
    assert any("zero.yaml: a link out" in w for w in found.warnings)
    assert any("sub: a link to a folder, not followed" in w for w in found.warnings)


def test_non_kubernetes_yaml_is_skipped_with_a_warning(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{
        "mixed.yaml": "services:\n  web: {}\n---\n- a list\n---\n" + DEPLOYMENT + "---\n",
        "values.yml": "replicaCount: 2\n",
    })
    found = read_manifests(str(folder))
    assert [(d.kind, d.name, d.line) for d in found.docs] == [("Deployment", "api", 6)]
    assert sum("not a Kubernetes object" in w for w in found.warnings) == 3


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{"deep.yaml": "a: " + "[" * 50_000 + "]" * 50_000})
    with pytest.raises(VerifyError) as err:
        read_manifests(str(folder))
    assert "nest" in err.value.render() and "deep.yaml:1" in err.value.render()


@pytest.mark.parametrize("text", [
    "kind: [\n", "\x00", "apiVersion: v1\nkind: Service\nkind: Service\n", "\ufeff" + "\x9b",
])
def test_broken_files_are_clear_errors(tmp_path: Path, text: str) -> None:
    folder = folder_with(tmp_path, **{"broken.yaml": text})
    with pytest.raises(MigrateError) as err:
        read_manifests(str(folder))
    assert "broken.yaml" in err.value.render() and err.value.exit_code == 2


def _fake_kubectl(tmp_path: Path, script: str) -> str:
    path = tmp_path / "kubectl"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(stat.S_IRWXU)
    return str(path)


def test_kustomize_output_is_bounded(tmp_path: Path) -> None:
    kubectl = _fake_kubectl(tmp_path, "exec yes 'a: b'\n")
    with pytest.raises(VerifyError) as err:
        run_kustomize(kubectl, str(tmp_path), limit=1024 * 1024)
    assert "wrote more than 1 MiB" in err.value.render()


def test_kustomize_time_is_bounded(tmp_path: Path) -> None:
    kubectl = _fake_kubectl(tmp_path, "exec sleep 30\n")
    with pytest.raises(VerifyError) as err:
        run_kustomize(kubectl, str(tmp_path), timeout=0.5)
    assert "took more than 0.5 s" in err.value.render()


def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(VerifyError, match="no manifests at"):
        read_manifests(os.fspath(tmp_path / "nope"))
