"""``volumes_from`` (``tests/fixtures/manifests/volumes_from/compose.yaml``): shared inside
one pod, the same ReadWriteMany claim from another pod, or a ``decide`` entry when neither
fits; the base stays valid and builds."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from migrate_tui.analysis.pipeline import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.manifests import Manifests, generate_manifests, write_manifests
from migrate_tui.manifests.model import LedgerEntry
from tests.manifests.helpers import semantic_problems
from tests.manifests.schema import schema_errors

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "manifests" / "volumes_from"


@cache
def manifests() -> Manifests:
    project = load_project(LoadOptions(path=str(FIXTURE), environ={}))
    return generate_manifests(project, analyze(project))


def obj(kind: str, name: str) -> dict[str, Any]:
    found = [d.body for d in manifests().documents() if d.kind == kind and d.name == name]
    assert found, f"no {kind}/{name}"
    return found[0]


def entries(service: str) -> list[LedgerEntry]:
    return [e for e in manifests().entries_for(service) if e.key == "volumes_from[0]"]


def containers(name: str) -> dict[str, dict[str, Any]]:
    pod = obj("Deployment", name)["spec"]["template"]["spec"]
    return {c["name"]: c for c in pod["containers"]}


def test_in_one_pod_the_same_volumes_are_mounted_in_both_containers() -> None:
    found = containers("web")
    web = {m["mountPath"]: m for m in found["web"]["volumeMounts"]}
    shipper = {m["mountPath"]: m for m in found["shipper"]["volumeMounts"]}
    assert set(shipper) == set(web) == {"/usr/share/nginx/html", "/etc/nginx/nginx.conf",
                                         "/var/cache/nginx"}
    for path, mount in shipper.items():
        assert mount["name"] == web[path]["name"]  # the same pod volume
        assert mount.get("subPath") == web[path].get("subPath")
        assert mount["readOnly"] is True  # volumes_from: web:ro
    assert "readOnly" not in web["/usr/share/nginx/html"]
    pod = obj("Deployment", "web")["spec"]["template"]["spec"]
    names = [v["name"] for v in pod["volumes"]]
    assert len(names) == len(set(names)) == 3
    assert {e.status for e in entries("shipper")} == {"mapped"}
    assert all(e.target == "web.yaml Deployment/web" for e in entries("shipper"))


def test_from_another_pod_named_volumes_share_one_read_write_many_claim() -> None:
    thumbs = containers("thumbnails")["thumbnails"]["volumeMounts"]
    assert [m["mountPath"] for m in thumbs] == ["/srv/media"]  # not the anonymous /srv/tmp
    pod = obj("Deployment", "thumbnails")["spec"]["template"]["spec"]
    claim_of = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]}
    uploads = obj("Deployment", "uploads")["spec"]["template"]["spec"]
    assert claim_of[thumbs[0]["name"]] == "media"
    assert {"name": "media", "persistentVolumeClaim": {"claimName": "media"}} in \
        uploads["volumes"]
    claim = obj("PersistentVolumeClaim", "media")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    found = entries("thumbnails")
    assert {e.status for e in found} == {"decide"}
    assert any("ReadWriteMany" in e.why and "media" in e.why for e in found)
    assert any("volumes[1]" in e.why for e in found)  # the anonymous one is not shared
    shared = next(e for e in manifests().entries_for("uploads") if e.key == "volumes[0]")
    assert shared.status == "decide" and "thumbnails" in shared.why


def test_a_decision_when_nothing_can_be_shared() -> None:
    for service in ("legacy", "reader"):
        found = entries(service)
        assert [e.status for e in found] == ["decide"], service
        assert "volumeMounts" not in containers(service)[service]
    assert "outside the project" in entries("legacy")[0].why
    assert "hostdata's volumes[0]" in entries("reader")[0].why


def test_the_base_is_valid_and_every_key_accounted() -> None:
    problems = [f"{d.kind}/{d.name}: {e}" for d in manifests().documents()
                if d.kind != "Kustomization" for e in schema_errors(d.body)]
    assert problems + semantic_problems(manifests()) == []
    for service in ("shipper", "thumbnails", "legacy", "reader"):
        assert entries(service), service


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl_kustomize_builds_it(tmp_path: Path) -> None:
    write_manifests(manifests(), tmp_path)
    proc = subprocess.run(["kubectl", "kustomize", str(tmp_path)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "ReadWriteMany" in proc.stdout
