"""The verdicts the fixture manifests must give: the generated base, then edited copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_tui.verify import read_manifests, verify_plan
from migrate_tui.workspace import Workspace
from tests.verify.conftest import manifests_with


def verdicts(ws: Workspace, folder: Path) -> dict[str, tuple[str, str]]:
    report = verify_plan(ws.plan, ws.analysis, ws.project,
                         read_manifests(str(folder), kustomize=False))
    return {i.id: (i.verdict, i.evidence) for i in report.items}


BASE_VERIFIED = [
    "api.workload", "api.probes", "api.resources", "api.config", "api.image",
    "api.availability", "project.fix-plain-secret", "api.fix-unexposed-port",
    "postgres.workload", "postgres.data-storage", "postgres.probes", "migrate.job-manifest",
    "migrate.job-retries", "project.network-policies",
    "prometheus.security-context", "prometheus.fix-bind-mount",
]
BASE_CONTRADICTED = [
    "scheduler.probes",  # the Compose service has no healthcheck: the base writes none
    "realtime.resources",  # requests left out: nothing measured in Compose
    "api.security-context",  # no user in Compose: the base cannot invent one
]


def test_the_generated_base(saas_ws: Workspace, tmp_path: Path) -> None:
    found = verdicts(saas_ws, manifests_with(tmp_path))
    for item in BASE_VERIFIED:
        assert found[item][0] == "verified", (item, found[item])
    for item in BASE_CONTRADICTED:
        assert found[item][0] == "contradicted", (item, found[item])
    assert found["api.staging"] == ("unknown", "nothing in a manifest shows this item")
    assert "k8s/api.yaml:66: readinessProbe" in found["api.probes"][1]  # (file:line)


@pytest.mark.parametrize(("edit", "item", "evidence"), [
    ("probe-removed", "api.probes", "k8s/api.yaml:30: container api has no readinessProbe"),
    ("literal-password", "project.fix-plain-secret", "k8s/api.yaml:42: DATABASE_PASSWORD holds "
     "a literal value"),
    ("literal-password", "api.config", "k8s/api.yaml:42: DATABASE_PASSWORD"),
    ("deployment-for-db", "postgres.workload", "k8s/postgres.yaml:4: Deployment postgres, but "
     "postgres is stateful (service): it belongs in a StatefulSet"),
    ("deployment-for-db", "postgres.data-storage", "k8s/postgres.yaml:4: Deployment postgres "
     "mounts no PersistentVolumeClaim"),
])
def test_an_edit_contradicts_its_item(saas_ws: Workspace, tmp_path: Path, edit: str,
                                      item: str, evidence: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    manifests_with(tmp_path, edit)
    monkeypatch.chdir(tmp_path)  # (evidence paths as the user typed the folder: k8s/...)
    report = verify_plan(saas_ws.plan, saas_ws.analysis, saas_ws.project,
                         read_manifests("k8s", kustomize=False))
    found = {i.id: i for i in report.items}
    assert found[item].verdict == "contradicted"
    assert found[item].evidence.startswith(evidence), found[item].evidence


def test_an_edit_changes_only_its_items(saas_ws: Workspace, tmp_path: Path) -> None:
    base = verdicts(saas_ws, manifests_with(tmp_path / "a"))
    edited = verdicts(saas_ws, manifests_with(tmp_path / "b", "probe-removed"))
    changed = {k for k in base if base[k][0] != edited[k][0]}
    assert changed == {"api.probes"}


def test_a_secret_in_a_config_map_is_contradicted(saas_ws: Workspace, tmp_path: Path) -> None:
    folder = manifests_with(tmp_path)
    api = folder / "api.yaml"
    api.write_text(api.read_text().replace("  DATABASE_USER: saas\n",
                                           "  DATABASE_USER: saas\n  DB_PASSWORD: hunter2x\n"))
    verdict, evidence = verdicts(saas_ws, folder)["api.config"]
    assert verdict == "contradicted" and "ConfigMap api-env holds DB_PASSWORD" in evidence


def test_a_network_policy_admitting_a_stranger(saas_ws: Workspace, tmp_path: Path) -> None:
    folder = manifests_with(tmp_path)
    api = folder / "api.yaml"
    text = api.read_text().replace(
        "          app.kubernetes.io/name: web\n",
        "          app.kubernetes.io/name: worker-email\n")
    api.write_text(text)
    verdict, evidence = verdicts(saas_ws, folder)["project.network-policies"]
    assert verdict == "contradicted"
    # (web still reaches api: the rule for the Ingress admits any source on port 8000)
    assert "admits worker-email that do not need it" in evidence


def test_an_unpinned_image_and_a_probe_on_a_wrong_port(saas_ws: Workspace,
                                                       tmp_path: Path) -> None:
    folder = manifests_with(tmp_path)
    api = folder / "api.yaml"
    text = api.read_text().replace("ghcr.io/acme-saas/backend:2024.11.3",
                                   "ghcr.io/acme-saas/backend:latest")
    text = text.replace("            port: 8000\n", "            port: 8001\n", 1)
    api.write_text(text)
    found = verdicts(saas_ws, folder)
    assert found["api.image"][0] == "contradicted"
    assert found["api.probes"][0] == "contradicted" and "port 8001" in found["api.probes"][1]


def test_no_workload_contradicts_the_workload_and_leaves_the_rest_unknown(
        saas_ws: Workspace, tmp_path: Path) -> None:
    folder = manifests_with(tmp_path)
    (folder / "api.yaml").unlink()
    found = verdicts(saas_ws, folder)
    assert found["api.workload"][0] == "contradicted"
    assert found["api.probes"][0] == "unknown"


def test_an_ingress_whose_port_no_policy_admits(saas_ws: Workspace, tmp_path: Path) -> None:
    """The routed web service admits only the Ingress (no dependant): take that rule away
    and the default deny drops every request, which verify must say."""
    folder = manifests_with(tmp_path)
    web = folder / "web.yaml"
    text = web.read_text()
    rule = "  ingress:\n  - ports:\n    - port: 3000\n      protocol: TCP\n"
    assert rule in text
    web.write_text(text.replace(rule, ""))
    verdict, evidence = verdicts(saas_ws, folder)["project.network-policies"]
    assert verdict == "contradicted"
    assert "Ingress web sends to port 3000 of web" in evidence


def test_a_policy_narrowed_to_the_ingress_controller_still_admits_the_ingress(
        saas_ws: Workspace, tmp_path: Path) -> None:
    """The hardening the plan asks for (web's open rule limited to the controller's
    namespace) is no contradiction."""
    folder = manifests_with(tmp_path)
    web = folder / "web.yaml"
    text = web.read_text()
    rule = "  ingress:\n  - ports:\n    - port: 3000\n      protocol: TCP\n"
    narrowed = ("  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n"
                "          kubernetes.io/metadata.name: ingress-nginx\n"
                "    ports:\n    - port: 3000\n      protocol: TCP\n")
    assert rule in text
    web.write_text(text.replace(rule, narrowed))
    verdict, evidence = verdicts(saas_ws, folder)["project.network-policies"]
    assert verdict == "verified", evidence


SHARED_FOLDER = """\
services:
  web:
    image: jitsi/web:stable
    volumes: ['/srv/jitsi/storage/web:/storage', '/srv/jitsi/shared:/shared']
  prosody:
    image: jitsi/prosody:stable
    volumes: ['/srv/jitsi/storage/prosody:/var/lib/prosody', '/srv/jitsi/shared:/shared']
"""


def test_a_shared_folder_beside_a_stateful_services_own_data(tmp_path: Path) -> None:
    """A folder two stateful services write is one ReadWriteMany claim both mount, beside
    each one's ReadWriteOnce claim template: its storage item stays verified (the RWX claim
    holds shared files, not its own data); with its own data on RWX too, contradicted."""
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.manifests import write_manifests
    from migrate_tui.workspace import open_workspace

    (tmp_path / "compose.yaml").write_text(SHARED_FOLDER)
    ws = open_workspace(LoadOptions(path=str(tmp_path)), state_file=None)
    assert ws.manifests is not None
    out = tmp_path / "k8s"
    write_manifests(ws.manifests, out)
    found = verdicts(ws, out)
    for name in ("web", "prosody"):
        assert found[f"{name}.data-storage"][0] == "verified", found[f"{name}.data-storage"]
    web = out / "web.yaml"
    web.write_text(web.read_text().replace("ReadWriteOnce", "ReadWriteMany"))
    verdict, evidence = verdicts(ws, out)["web.data-storage"]
    assert verdict == "contradicted" and "one pod's data belongs on ReadWriteOnce" in evidence


def test_a_service_named_as_its_clients_call_it_is_verified_and_missed(
        tmp_path: Path) -> None:
    """api calls db by its container name app-db: the generated base has a Service
    app-db (db.workload verified); a team's base without it contradicts db.workload."""
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.manifests import generate_manifests
    from migrate_tui.manifests.writer import write_manifests
    from migrate_tui.workspace import open_workspace

    project = tmp_path / "project"
    project.mkdir()
    (project / "compose.yaml").write_text(
        "services:\n  db:\n    image: postgres:16\n    container_name: app-db\n"
        "  api:\n    image: nginx:1.27\n"
        "    environment: {DATABASE_URL: 'postgres://u@app-db:5432/app'}\n")
    ws = open_workspace(LoadOptions(path=str(project), environ={}), state_file=None)
    out = tmp_path / "k8s"
    write_manifests(generate_manifests(ws.project, ws.analysis), out)
    verdict, evidence = verdicts(ws, out)["db.workload"]
    assert verdict == "verified" and "app-db (" in evidence
    text = (out / "db.yaml").read_text()
    (out / "db.yaml").write_text(text.replace("name: app-db", "name: app-db-renamed"))
    verdict, evidence = verdicts(ws, out)["db.workload"]
    assert verdict == "contradicted"
    assert "no Service app-db selects its pods, and api calls it app-db" in evidence
