"""What kompose gets wrong, done right: each of its known failures as a named test.

The project is ``tests/fixtures/manifests/kompose/compose.yaml``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from migrate_tui.analysis.pipeline import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.manifests import Manifests, generate_manifests
from migrate_tui.manifests.writer import file_text

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "manifests" / "kompose"


@cache
def manifests() -> Manifests:
    project = load_project(LoadOptions(path=str(FIXTURE), environ={}))
    return generate_manifests(project, analyze(project))


def obj(kind: str, name: str) -> dict[str, Any]:
    return next(d.body for d in manifests().documents() if d.kind == kind and d.name == name)


def main_container(kind: str, name: str) -> dict[str, Any]:
    return obj(kind, name)["spec"]["template"]["spec"]["containers"][0]


def test_cmd_shell_probe_runs_through_a_shell() -> None:
    """kompose #1374: a CMD-SHELL test became one argv string that cannot run."""
    probe = main_container("Deployment", "web")["readinessProbe"]
    assert probe["exec"]["command"][:2] == ["sh", "-c"]
    assert probe["exec"]["command"][2].startswith("python -c ")
    db = main_container("StatefulSet", "db")["livenessProbe"]
    assert db["exec"]["command"] == ["sh", "-c", "pg_isready -U postgres"]


def test_liveness_is_more_tolerant_than_readiness_and_start_period_is_a_startup_probe() -> None:
    c = main_container("Deployment", "web")
    assert c["livenessProbe"]["failureThreshold"] > c["readinessProbe"]["failureThreshold"]
    assert c["readinessProbe"]["periodSeconds"] == 10
    assert c["readinessProbe"]["timeoutSeconds"] == 3
    assert c["startupProbe"]["failureThreshold"] * c["startupProbe"]["periodSeconds"] >= 20


def test_curl_of_localhost_becomes_http_get() -> None:
    probe = main_container("Deployment", "api")["readinessProbe"]
    assert probe == {**probe, "httpGet": {"path": "/ready", "port": 9000}}
    assert "exec" not in probe


def test_a_service_without_ports_still_gets_its_service() -> None:
    """kompose #58: no ``ports``, no Service; cache is reached only through CACHE_URL."""
    service = obj("Service", "cache")
    assert [p["port"] for p in service["spec"]["ports"]] == [6379]
    assert obj("Service", "api")["spec"]["ports"][0]["port"] == 9000  # from expose


def test_database_volume_is_not_tiny() -> None:
    """kompose sizes every PVC at 100Mi; a database gets the catalogue's 10Gi."""
    templates = obj("StatefulSet", "db")["spec"]["volumeClaimTemplates"]
    assert templates[0]["spec"]["resources"]["requests"]["storage"] == "10Gi"
    assert templates[0]["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert obj("Service", "db-headless")["spec"]["clusterIP"] == "None"


def test_depends_on_is_kept_as_policy_and_ledger() -> None:
    """kompose drops depends_on: here db and cache admit web, and the ledger says it."""
    for name, port in (("db", 5432), ("cache", 6379)):
        rules = obj("NetworkPolicy", name)["spec"]["ingress"]
        admitted = [(p["podSelector"]["matchLabels"]["app.kubernetes.io/name"],
                     [x["port"] for x in r["ports"]]) for r in rules for p in r.get("from", [])]
        assert ("web", [port]) in admitted
    keys = {e.key for e in manifests().entries_for("web")}
    assert {"depends_on.db", "depends_on.cache"} <= keys
    deny = obj("NetworkPolicy", "default-deny-ingress")
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}


def test_env_file_variables_split_into_config_and_secret() -> None:
    """kompose #1326: env_file values end up in plain env; here secrets go to the Secret."""
    config = obj("ConfigMap", "web-env")["data"]
    assert config["LOG_LEVEL"] == "info"
    assert "SESSION_SECRET" not in config
    env = {e["name"]: e for e in main_container("Deployment", "web").get("env", [])}
    assert env["SESSION_SECRET"]["valueFrom"]["secretKeyRef"]["key"] == "web.SESSION_SECRET"
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] == "web.DATABASE_URL"


def test_compose_secret_is_mounted_at_its_path_by_generator() -> None:
    """kompose #1564: secrets landed at the wrong path; here /run/secrets/<name>."""
    c = main_container("Deployment", "web")
    mount = next(m for m in c["volumeMounts"] if m["mountPath"] == "/run/secrets/api_token")
    volume = next(v for v in obj("Deployment", "web")["spec"]["template"]["spec"]["volumes"]
                  if v["name"] == mount["name"])
    k = obj("Kustomization", "")
    gen = next(g for g in k["secretGenerator"] if g["name"] == volume["secret"]["secretName"])
    assert gen["files"] == [f"api_token={gen['files'][0].split('=', 1)[1]}"]
    assert gen["files"][0].split("=", 1)[1].startswith("secret-files/")


def test_no_secret_value_anywhere() -> None:
    text = "".join(file_text(f) for f in manifests().files)
    text += "".join(str(e.to_json()) for e in manifests().ledger)
    for value in ("s3cr3t-in-url", "db-password-value", "env-file-session-secret",
                  "token-file-content-xyz"):
        assert value not in text
    env = manifests().file("secrets.env").text
    assert [line for line in env.splitlines() if not line.startswith("#")] == [
        f"{k}=" for k in manifests().secret_keys]
