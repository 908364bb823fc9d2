"""Projects to generate manifests for (the samples and the corpus), and the checks every
generated base must pass: the schema of Kubernetes 1.31 (strict), and our own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from migrate_tui.analysis.pipeline import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.compose.model import Project
from migrate_tui.errors import MigrateError
from migrate_tui.manifests import Manifests, generate_manifests
from tests.conformance.oracle import Case, clean_env, corpus_cases, sample_cases

KUBERNETES = "1.31.0"
DNS_1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
POD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job")


def generated_from(folder: Path, compose: str) -> Manifests:
    """The manifests of the project of one ``compose.yaml``, written into ``folder``."""
    (folder / "compose.yaml").write_text(compose)
    project = load_project(LoadOptions(path=str(folder), environ={}))
    return generate_manifests(project, analyze(project))


@dataclass(frozen=True)
class Generated:
    """A project, loaded and analysed, and its manifests."""

    case: Case
    project: Project
    manifests: Manifests


def load_case(case: Case) -> Project | None:
    """The project as the loader reads it (None when it does not load)."""
    from migrate_tui.cli import _options, _split_default_command, build_parser
    from migrate_tui.compose.loader import load_project

    args = build_parser().parse_args(_split_default_command([*case.args, "config"]))
    options = _options(args)
    options = type(options)(**{**options.__dict__, "environ": clean_env(case.workdir),
                               "cwd": str(case.workdir)})
    try:
        return load_project(options, warn=lambda _m: None)
    except MigrateError:
        return None


def generate(case: Case) -> Generated | None:
    """The manifests of a case (None when the project does not load)."""
    project = load_case(case)
    if project is None:
        return None
    try:
        analysis = analyze(project)
    except MigrateError:
        return None
    return Generated(case, project, generate_manifests(project, analysis))


def accepted_corpus_cases() -> list[Case]:
    """Corpus projects the oracle accepts (MANIFEST.json's oracle_ok)."""
    import json

    from tests.conformance.oracle import CORPUS

    manifest = CORPUS / "MANIFEST.json"
    if not manifest.is_file():
        return []
    ok = {e["path"] for e in json.loads(manifest.read_text()) if e["oracle_ok"]}
    return [c for c in corpus_cases() if c.id in ok]


@cache
def generated_samples() -> list[Generated]:
    """Every sample project (with all profiles and with none), generated."""
    return [g for c in sample_cases() if (g := generate(c)) is not None]


@cache
def generated_corpus() -> list[Generated]:
    """Every corpus project the oracle accepts, generated."""
    return [g for c in accepted_corpus_cases() if (g := generate(c)) is not None]


def _walk_containers(body: dict[str, Any]) -> list[dict[str, Any]]:
    spec = body.get("spec") or {}
    if body["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = (spec.get("template") or {}).get("spec") or {}
    return list(pod.get("containers") or [])


def containers(manifests: Manifests) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(workload name, workload, container) of every container generated."""
    for doc in manifests.documents():
        if doc.kind in (*POD_KINDS, "CronJob"):
            for c in _walk_containers(doc.body):
                yield doc.name, doc.body, c


def semantic_problems(manifests: Manifests) -> list[str]:
    """Our own checks: names, selectors, ports, key references."""
    problems: list[str] = []
    docs = manifests.documents()
    config_keys: dict[str, set[str]] = {}
    secret_keys: dict[str, set[str]] = {}
    kustomization = next(d.body for d in docs if d.kind == "Kustomization")
    for gen in kustomization.get("configMapGenerator") or []:
        config_keys[gen["name"]] = {f.split("=", 1)[0] for f in gen.get("files", [])}
    for gen in kustomization.get("secretGenerator") or []:
        keys = {f.split("=", 1)[0] for f in gen.get("files", [])}
        if "secrets.env" in gen.get("envs", []):
            keys |= set(manifests.secret_keys)
        secret_keys[gen["name"]] = keys
    for d in docs:
        if d.kind == "ConfigMap":
            config_keys[d.name] = set(d.body.get("data") or {})
        if d.kind == "ExternalSecret":
            secret_keys[d.name] = {x["secretKey"] for x in d.body["spec"]["data"]}
    pods: list[tuple[dict[str, str], list[dict[str, Any]]]] = []
    for d in docs:
        if d.kind == "Kustomization":
            continue
        if not DNS_1123_SUBDOMAIN.match(d.name) or len(d.name) > 253:
            problems.append(f"{d.kind}/{d.name}: not a DNS-1123 name")
        if d.kind in ("Service", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob") \
                and not DNS_1123_LABEL.match(d.name):
            problems.append(f"{d.kind}/{d.name}: not a DNS-1123 label")
        if d.kind in ("Deployment", "StatefulSet", "DaemonSet"):
            sel = d.body["spec"]["selector"]["matchLabels"]
            tpl = d.body["spec"]["template"]["metadata"]["labels"]
            if any(tpl.get(k) != v for k, v in sel.items()):
                problems.append(f"{d.kind}/{d.name}: selector does not match the labels")
        if d.kind in (*POD_KINDS, "CronJob"):
            spec = d.body["spec"]
            if d.kind == "CronJob":
                spec = spec["jobTemplate"]["spec"]
            pods.append((spec["template"]["metadata"]["labels"], _walk_containers(d.body)))
            for c in _walk_containers(d.body):
                if not DNS_1123_LABEL.match(c["name"]):
                    problems.append(f"{d.kind}/{d.name}: container {c['name']} bad name")
                for e in c.get("env") or []:
                    ref = (e.get("valueFrom") or {})
                    if "secretKeyRef" in ref:
                        r = ref["secretKeyRef"]
                        if r["key"] not in secret_keys.get(r["name"], set()):
                            problems.append(f"{d.name}: secretKeyRef {r['name']}/{r['key']}")
                    if "configMapKeyRef" in ref:
                        r = ref["configMapKeyRef"]
                        if r["key"] not in config_keys.get(r["name"], set()):
                            problems.append(f"{d.name}: configMapKeyRef {r['name']}/{r['key']}")
                for e in c.get("envFrom") or []:
                    name = (e.get("configMapRef") or {}).get("name")
                    if name is not None and name not in config_keys:
                        problems.append(f"{d.name}: envFrom names no ConfigMap {name}")
            volumes = {v["name"]: v for v in spec["template"]["spec"].get("volumes") or []}
            claims = {t["metadata"]["name"] for t in spec.get("volumeClaimTemplates") or []}
            for c in _walk_containers(d.body):
                for m in c.get("volumeMounts") or []:
                    v = volumes.get(m["name"])
                    if v is None and m["name"] not in claims:
                        problems.append(f"{d.name}: mount {m['name']} names no volume")
                    if v and "configMap" in v and m.get("subPath") and m["subPath"] not in \
                            config_keys.get(v["configMap"]["name"], set()):
                        problems.append(f"{d.name}: mount {m['name']} names a missing key")
                    if v and "secret" in v and m.get("subPath") and m["subPath"] not in \
                            secret_keys.get(v["secret"]["secretName"], set()):
                        problems.append(f"{d.name}: mount {m['name']} names a missing key")
    for d in docs:
        if d.kind == "Service":
            sel = d.body["spec"]["selector"]
            matching = [cs for labels, cs in pods if all(labels.get(k) == v
                                                         for k, v in sel.items())]
            if not matching:
                problems.append(f"Service/{d.name}: selects no pod")
            ports = {p["containerPort"] for cs in matching for c in cs
                     for p in c.get("ports") or []}
            for p in d.body["spec"].get("ports") or []:
                if p["targetPort"] not in ports:
                    problems.append(f"Service/{d.name}: targetPort {p['targetPort']} is on "
                                    "no container")
    problems += _ingress_blocked(docs)
    return problems


def _ingress_blocked(docs: list[Any]) -> list[str]:
    """Each Ingress backend's port is admitted from any source (the ingress controller) by
    the NetworkPolicies of the pods its Service selects: under the default deny, a port no
    policy admits drops every request the Ingress sends."""
    problems: list[str] = []
    services = {d.name: d.body for d in docs if d.kind == "Service"}
    policies = [d.body["spec"] for d in docs if d.kind == "NetworkPolicy"]
    for d in docs:
        if d.kind != "Ingress":
            continue
        for rule in d.body["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                port = backend["port"]["number"]
                selected = services[backend["name"]]["spec"]["selector"]
                applying = [p for p in policies if all(
                    selected.get(k) == v for k, v in p["podSelector"].get(
                        "matchLabels", {}).items())]
                open_ports = {q["port"] for p in applying for r in p.get("ingress") or []
                              if "from" not in r for q in r.get("ports") or []}
                if port not in open_ports:
                    problems.append(f"Ingress/{d.name}: port {port} of {backend['name']} is "
                                    "admitted by no NetworkPolicy")
    return problems
