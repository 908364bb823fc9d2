"""The container of a service: what Compose says it runs, with probes, hardening and
resources. Each piece is a small builder giving its fragment and its ledger entries."""

from __future__ import annotations

import re

from migrate_tui.analysis.catalogue import image_tag
from migrate_tui.compose.model import Service
from migrate_tui.manifests.common import Obj, Part, target
from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.names import unescaped
from migrate_tui.manifests.probes import probes_part
from migrate_tui.manifests.references import ENV_NAME, scrub_argv, secret_key
from migrate_tui.manifests.resources import resources_part
from migrate_tui.manifests.security import security_part

_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


def placeholder_image(label: str) -> str:
    """The image of a service Compose builds: a placeholder for the team's registry."""
    return f"REGISTRY/{label}:TAG"


def config_env(svc: Service, f: ServiceFacts) -> dict[str, str]:
    """The plain variables that go in the service's ConfigMap."""
    return {k: unescaped(f.rebound.get(k, v)) for k, v in svc.environment.items()
            if v is not None and k not in f.secret_env and _CONFIG_KEY.fullmatch(k)
            and ENV_NAME.fullmatch(k)}


def env_config_name(f: ServiceFacts, svc: Service) -> str:
    """The name of the ConfigMap of a container's plain variables."""
    return f"{f.label}-env" if svc.name == f.name else f"{f.label}-{_label_of(svc)}-env"


def _label_of(svc: Service) -> str:
    from migrate_tui.manifests.names import dns_label

    return dns_label(svc.name)


def image_part(ctx: Context, f: ServiceFacts, svc: Service, name: str,
               extra: dict[str, Obj]) -> tuple[Obj, Part]:
    """image, command (args), entrypoint (command), working_dir, env."""
    part = Part()
    where = target(f, f.workload or "Pod", f.label)
    c: Obj = {"name": name}
    if svc.image:
        c["image"] = svc.image
        tag = image_tag(svc.image)
        if "@" in svc.image:
            part.note(svc.name, "image", "mapped", where, "pinned by digest")
        elif tag is None or tag == "latest":
            part.note(svc.name, "image", "decide", where,
                      "the tag is latest (or none): pin a version or a digest, since a "
                      "restarted pod may pull another image")
        else:
            part.note(svc.name, "image", "mapped", where, "the same image and tag")
        if svc.build is not None:
            part.note(svc.name, "build", "decide", where,
                      "built by Compose: CI must build and push this image to a registry the "
                      "cluster can pull from")
    else:
        c["image"] = placeholder = placeholder_image(ctx.facts[svc.name].label)
        part.note(svc.name, "build", "decide", where,
                  "built by Compose with no image name: build and push it, then set it in an "
                  f"overlay (kustomize images: name {placeholder.split(':')[0]})")
    if svc.entrypoint is not None:
        c["command"] = scrub_argv(ctx, svc, svc.entrypoint, extra)
        part.note(svc.name, "entrypoint", "mapped", where, "container command")
    if svc.command is not None:
        c["args"] = scrub_argv(ctx, svc, svc.command, extra)
        part.note(svc.name, "command", "mapped", where, "container args")
    if svc.get("working_dir"):
        c["workingDir"] = unescaped(str(svc.get("working_dir")))
        part.note(svc.name, "working_dir", "mapped", where, "workingDir")
    env, env_from = _env(ctx, f, ctx.facts[svc.name], svc, part, where)
    if env_from:
        c["envFrom"] = env_from
    if env:
        c["env"] = env
    return c, part


def _env(ctx: Context, pod: ServiceFacts, f: ServiceFacts, svc: Service, part: Part,
         where: str) -> tuple[list[Obj], list[Obj]]:
    """``svc``'s variables (``f`` its facts) in the pod of ``pod``: a sidecar's ConfigMap is
    named and filed by the pod's service, as ``build_env_config`` makes it."""
    env: list[Obj] = []
    plain = config_env(svc, f)
    cm = env_config_name(pod, svc)
    for key, value in svc.environment.items():
        path = f"environment.{key}"
        if value is None:
            part.note(svc.name, path, "decide", where,
                      "passed through from the host's environment, which a pod does not "
                      "have: set a value in an overlay or drop it")
        elif key in f.secret_env:
            if not ENV_NAME.fullmatch(key):
                part.note(svc.name, path, "decide", where,
                          "not a valid variable name for Kubernetes 1.31: rename it")
                continue
            ref = secret_key(f, key)
            env.append({"name": key, "valueFrom": {"secretKeyRef": {
                "name": ctx.env_secret_name, "key": ref}}})
            store = ("an ExternalSecret" if ctx.secrets_mode == "external-secrets"
                     else "secrets.env (not committed)")
            part.note(svc.name, path, "mapped", f"{where} Secret/{ctx.env_secret_name}",
                      f"a secret: key {ref} of the Secret, its value to be put in {store}")
        elif key in plain and key in f.rebound:
            ports = {int(p) for p in re.findall(r"0\.0\.0\.0:([0-9]+)", f.rebound[key])}
            # a port it calls itself on by name elsewhere (KAFKA_CONTROLLER_QUORUM_VOTERS=
            # 1@kafka0:29093) goes through its Service, which lacks it
            own = {svc.name, str(svc.get("hostname") or "")} - {""}
            called = {int(p) for k, v in svc.environment.items() if k != key and v
                      for n in own for p in re.findall(rf"\b{re.escape(n)}:([0-9]+)", v)}
            missing = sorted((ports & called) - {p.port for p in pod.ports})
            part.note(svc.name, path, "decide" if missing else "approximated",
                      f"{pod.file} ConfigMap/{cm}",
                      "it listens on its own name, which in the cluster is its Service's "
                      "address, not the pod's: 0.0.0.0 (every address of the pod) instead"
                      + (f"; port {', '.join(map(str, missing))} is on no Service: add it "
                         "(and to its NetworkPolicy): it calls itself there by name (a "
                         "Kafka controller quorum)" if missing else ""))
        elif key in plain and key in f.env_review:
            status, why = f.env_review[key]
            part.note(svc.name, path, status, f"{pod.file} ConfigMap/{cm}", why)
        elif key in plain:
            part.note(svc.name, path, "mapped", f"{pod.file} ConfigMap/{cm}",
                      "a plain variable, through envFrom")
        elif ENV_NAME.fullmatch(key):
            env.append({"name": key, "value": value})  # ($$ is $ to the kubelet too)
            part.note(svc.name, path, "mapped", where, "set on the container")
        else:
            part.note(svc.name, path, "decide", where,
                      "not a valid variable name for Kubernetes 1.31: rename it")
    return env, ([{"configMapRef": {"name": cm}}] if plain else [])


def ports_part(f: ServiceFacts, svc: Service, own: set[int] | None) -> list[Obj]:
    """containerPorts: the ports of this container (``own``), or all of the service's."""
    return [{"name": p.name, "containerPort": p.port, "protocol": p.protocol}
            for p in f.ports if own is None or p.port in own]


def container(ctx: Context, f: ServiceFacts, svc: Service, name: str,
              own_ports: set[int] | None) -> tuple[Obj, Part]:
    """One container of the service's pod, and its ledger entries."""
    part = Part()
    extra: dict[str, Obj] = {}
    c, p = image_part(ctx, f, svc, name, extra)
    part.extend(p)
    ports = ports_part(f, svc, own_ports)
    if ports:
        c["ports"] = ports
    probes, p = probes_part(ctx, f, svc, extra)
    part.extend(p)
    c.update(probes)
    have = {e["name"] for e in c.get("env", [])}
    added = [e for n, e in sorted(extra.items()) if n not in have]
    if added:
        c["env"] = [*c.get("env", []), *added]
        part.note(svc.name, "command" if svc.command else "healthcheck.test", "mapped",
                  target(f, f.workload or "Pod", f.label),
                  "a secret value written in it is replaced by a reference to a variable "
                  "from the Secret: " + ", ".join(sorted(n for n in extra if n not in have)))
    res, p = resources_part(ctx, f, svc)
    part.extend(p)
    if res:
        c["resources"] = res
    sc, p = security_part(ctx, f, svc)
    part.extend(p)
    c["securityContext"] = sc
    return c, part
