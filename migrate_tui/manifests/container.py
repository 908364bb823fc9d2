"""The container of a service: what Compose says it runs, with probes, hardening and
resources. Each piece is a small builder giving its fragment and its ledger entries."""

from __future__ import annotations

import re
import shlex
from typing import Any
from urllib.parse import urlsplit

from migrate_tui.analysis.catalogue import image_tag
from migrate_tui.compose.model import Service
from migrate_tui.manifests.common import Obj, Part, target
from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.names import cpu_quantity, memory_quantity, seconds, unescaped

_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_SECRET_KEY_CHARS = re.compile(r"[^-._a-zA-Z0-9]")
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]")
_CURL_FLAGS = {"-f", "-s", "-S", "-fs", "-sf", "-fsS", "-sfS", "-Ssf", "-fSs", "-sS",
               "-fsSL", "-fL", "-L", "-sSf", "--fail", "--silent", "--show-error",
               "--location", "-k", "--insecure", "-o", "/dev/null"}
_WGET_FLAGS = {"-q", "--quiet", "--spider", "-O", "-", "-O-", "-qO-", "-qO", "-nv",
               "--no-verbose", "-S", "--tries=1", "-T", "--no-check-certificate"}
_FAIL_TAIL: tuple[list[str], ...] = (["||", "exit", "1"], ["||", "exit", "1;"], [])


def placeholder_image(label: str) -> str:
    """The image of a service Compose builds: a placeholder for the team's registry."""
    return f"REGISTRY/{label}:TAG"


def secret_key(f: ServiceFacts, variable: str) -> str:
    """The key of a secret variable in the project's env Secret (``api.DB_PASSWORD``)."""
    return f"{f.label}.{_SECRET_KEY_CHARS.sub('_', variable)}"


def config_env(svc: Service, f: ServiceFacts) -> dict[str, str]:
    """The plain variables that go in the service's ConfigMap."""
    return {k: unescaped(v) for k, v in svc.environment.items()
            if v is not None and k not in f.secret_env and _CONFIG_KEY.fullmatch(k)
            and _ENV_NAME.fullmatch(k)}


def env_config_name(f: ServiceFacts, svc: Service) -> str:
    """The name of the ConfigMap of a container's plain variables."""
    return f"{f.label}-env" if svc.name == f.name else f"{f.label}-{_label_of(svc)}-env"


def _label_of(svc: Service) -> str:
    from migrate_tui.manifests.names import dns_label

    return dns_label(svc.name)


def _reference(ctx: Context, svc: Service, value: str, extra: dict[str, Obj]) -> str:
    """The variable that holds a secret value, for a reference in place of the value.

    The container's own secret variable when it holds the value; else a variable added to
    the container from the Secret key of the service that holds it.
    """
    owner, var = ctx.secret_values[value]
    own = ctx.facts[svc.name]
    if svc.environment.get(var) == value and var in own.secret_env and _ENV_NAME.fullmatch(var):
        return var
    holder = ctx.facts[owner]
    name = re.sub(r"[^A-Za-z0-9_]", "_", f"SECRET_{holder.label}_{var}").upper()
    extra[name] = {"name": name, "valueFrom": {"secretKeyRef": {
        "name": ctx.env_secret_name, "key": secret_key(holder, var)}}}
    return name


def scrub_argv(ctx: Context, svc: Service, argv: list[str], extra: dict[str, Obj],
               shell: bool = False) -> list[str]:
    """``argv`` as the kubelet must get it, each secret value replaced by a reference to a
    variable holding it, so no secret value is written.

    Compose keeps a literal ``$`` as ``$$`` and so does the kubelet in command and args:
    the text goes as it is, with ``$(VAR)`` references. A ``shell`` command (a probe's,
    which the kubelet does not expand) is unescaped and gets ``${VAR}``.
    """
    pattern = ctx.secret_pattern
    out = []
    for arg in argv:
        if pattern is None or pattern.search(arg) is None:
            out.append(unescaped(arg) if shell else arg)
            continue
        pieces, last = [], 0
        for m in pattern.finditer(arg):
            piece = arg[last:m.start()]
            pieces.append(unescaped(piece) if shell else piece)
            name = _reference(ctx, svc, m.group(0), extra)
            pieces.append(f"${{{name}}}" if shell else f"$({name})")
            last = m.end()
        pieces.append(unescaped(arg[last:]) if shell else arg[last:])
        out.append("".join(pieces))
    return out


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
    env, env_from = _env(ctx, ctx.facts[svc.name], svc, part, where)
    if env_from:
        c["envFrom"] = env_from
    if env:
        c["env"] = env
    return c, part


def _env(ctx: Context, f: ServiceFacts, svc: Service, part: Part,
         where: str) -> tuple[list[Obj], list[Obj]]:
    env: list[Obj] = []
    plain = config_env(svc, f)
    cm = env_config_name(f, svc)
    for key, value in svc.environment.items():
        path = f"environment.{key}"
        if value is None:
            part.note(svc.name, path, "decide", where,
                      "passed through from the host's environment, which a pod does not "
                      "have: set a value in an overlay or drop it")
        elif key in f.secret_env:
            if not _ENV_NAME.fullmatch(key):
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
        elif key in plain:
            part.note(svc.name, path, "mapped", f"{f.file} ConfigMap/{cm}",
                      "a plain variable, through envFrom")
        elif _ENV_NAME.fullmatch(key):
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


# ---------------------------------------------------------------------- probes


def _http_get(argv: list[str]) -> Obj | None:
    """``httpGet`` for a curl/wget of ``http://localhost:PORT/PATH``, else None."""
    if not argv or argv[0].rsplit("/", 1)[-1] not in ("curl", "wget"):
        return None
    flags = _CURL_FLAGS if argv[0].endswith("curl") else _WGET_FLAGS
    url = None
    rest = argv[1:]
    for tail in _FAIL_TAIL:
        if tail and rest[-len(tail):] == tail:
            rest = rest[: -len(tail)]
            break
    for token in rest:
        if token.startswith(("http://", "https://")) and url is None:
            url = token
        elif token not in flags:
            return None
    if url is None:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    if f"[{host}]" not in _LOCAL_HOSTS and host not in _LOCAL_HOSTS:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    probe: Obj = {"path": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                  "port": port}
    if parts.scheme == "https":
        probe["scheme"] = "HTTPS"
    return probe


def probe_action(test: list[str]) -> Obj | None:
    """The probe's action for a healthcheck test (``CMD``, ``CMD-SHELL``), else None.

    ``test`` is the process's view (``$`` not doubled): probes are not expanded.
    """
    if not test or test[0] == "NONE":
        return None
    if test[0] == "CMD-SHELL":
        command = " ".join(test[1:])
        try:
            argv = shlex.split(command)
        except ValueError:
            argv = []
        http = _http_get(argv)
        if http is not None:
            return {"httpGet": http}
        return {"exec": {"command": ["sh", "-c", command]}}
    argv = list(test[1:]) if test[0] == "CMD" else list(test)
    http = _http_get(argv)
    if http is not None:
        return {"httpGet": http}
    return {"exec": {"command": argv}}


def _scrub_probe(ctx: Context, svc: Service, action: Obj, test: list[str],
                 extra: dict[str, Obj]) -> Obj:
    """A probe's exec command with secret values replaced by shell references (``test``
    is the healthcheck as Compose keeps it, ``$`` doubled, as the secret values are)."""
    pattern = ctx.secret_pattern
    if pattern is None or "exec" not in action or not any(pattern.search(a) for a in test):
        return action
    if test[0] == "CMD-SHELL":
        shell = scrub_argv(ctx, svc, [" ".join(test[1:])], extra, shell=True)
        return {"exec": {"command": ["sh", "-c", *shell]}}
    words = []
    for arg in test[1:] if test[0] == "CMD" else test:  # quoted, but for the references
        parts = [unescaped(p) for p in pattern.split(arg)]
        found = pattern.findall(arg)
        word = shlex.quote(parts[0]) if parts[0] else ""
        for value, rest in zip(found, parts[1:], strict=True):
            word += f'"${{{_reference(ctx, svc, value, extra)}}}"'
            word += shlex.quote(rest) if rest else ""
        words.append(word or "''")
    return {"exec": {"command": ["sh", "-c", " ".join(words)]}}


_CATALOGUE_HTTP = re.compile(r"^httpGet: (/\S*) on (\d+)$")


_SHELL_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def catalogue_probe(entry: Any, environment: dict[str, str | None]) -> Obj | None:
    """The probe action of the catalogue's ``probe`` text (``exec: CMD``, ``httpGet: PATH
    on PORT``), or None; None too when it names a variable the service does not set (an
    empty ``-U $POSTGRES_USER`` would fail for ever)."""
    text = getattr(entry, "probe", None)
    if not text or any(environment.get(v) is None for v in _SHELL_VARIABLE.findall(text)):
        return None
    http = _CATALOGUE_HTTP.fullmatch(text)
    if http:
        return {"httpGet": {"path": http[1], "port": int(http[2])}}
    if text.startswith("exec: "):
        return {"exec": {"command": ["sh", "-c", text.removeprefix("exec: ")]}}
    return None


def probes_part(ctx: Context, f: ServiceFacts, svc: Service,
                extra: dict[str, Obj]) -> tuple[Obj, Part]:
    """readiness, liveness (more tolerant) and startup probes from the healthcheck."""
    part = Part()
    where = target(f, f.workload or "Pod", f.label)
    d = ctx.defaults.probes
    health = svc.healthcheck
    raw = svc.get("healthcheck") or {}
    if f.workload in ("Job", "CronJob"):
        for key in raw:
            part.note(svc.name, f"healthcheck.{key}", "dropped", where,
                      "a Job runs to completion: its success is the exit code, no probe")
        return {}, part
    test = list(health.test or []) if health and not health.disable else []
    action = probe_action([unescaped(a) for a in test])
    if action is None:
        own = [p for p in f.ports if p.protocol == "TCP"] if svc.name == f.name else []
        for key in raw:
            part.note(svc.name, f"healthcheck.{key}", "dropped", where,
                      "the healthcheck is disabled: no probe")
        known = catalogue_probe(ctx.facts[svc.name].software_entry,
                                svc.environment) if not raw else None
        if known is not None:
            probe = {**known, "periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3}
            name = ctx.facts[svc.name].software_entry.name
            part.note(svc.name, "healthcheck", "approximated", where,
                      f"no healthcheck: the catalogue's readiness check for {name}; check "
                      "it against the image's version")
            return {"readinessProbe": probe, "livenessProbe": {
                **probe, "failureThreshold": 3 + d.liveness_extra_failures}}, part
        if own:
            tcp = {"tcpSocket": {"port": own[0].port}, "periodSeconds": 10,
                   "timeoutSeconds": 5, "failureThreshold": 3}
            part.note(svc.name, "healthcheck", "decide", where,
                      f"no healthcheck: a TCP probe on port {own[0].port} says only that it "
                      "listens; write a readiness check that means ready")
            return {"readinessProbe": tcp,
                    "livenessProbe": {**tcp, "failureThreshold": 3 + d.liveness_extra_failures}
                    }, part
        part.note(svc.name, "healthcheck", "decide", where,
                  "no healthcheck and no port: Kubernetes only sees that the process runs")
        return {}, part
    assert health is not None
    action = _scrub_probe(ctx, svc, action, test, extra)
    period = seconds(health.interval, d.interval_seconds)
    timeout = seconds(health.timeout, d.timeout_seconds)
    retries = health.retries if health.retries and health.retries > 0 else d.retries
    readiness = {**action, "periodSeconds": period, "timeoutSeconds": timeout,
                 "failureThreshold": retries}
    liveness = {**action, "periodSeconds": period, "timeoutSeconds": timeout,
                "failureThreshold": retries + d.liveness_extra_failures}
    out: Obj = {"readinessProbe": readiness, "livenessProbe": liveness}
    how = next(iter(action))
    test_why = {"httpGet": "an httpGet probe on the same URL",
                "exec": "an exec probe running the same command" + (
                    " through sh -c" if (health.test or [""])[0] == "CMD-SHELL" else "")}[how]
    part.note(svc.name, "healthcheck.test", "mapped", where,
              f"{test_why}: readiness, and liveness with {d.liveness_extra_failures} more "
              "failures allowed")
    for key in ("interval", "timeout", "retries"):
        if key in raw:
            part.note(svc.name, f"healthcheck.{key}", "mapped", where,
                      {"interval": "periodSeconds", "timeout": "timeoutSeconds",
                       "retries": "failureThreshold"}[key])
    if health.start_period:
        start = seconds(health.start_period, 0)
        out["startupProbe"] = {**action, "periodSeconds": min(period, 10),
                               "timeoutSeconds": timeout,
                               "failureThreshold": max(1, -(-start // min(period, 10))) + retries}
        part.note(svc.name, "healthcheck.start_period", "mapped", where,
                  "a startupProbe that allows the start period before liveness counts")
    for key in raw:
        if key not in ("test", "interval", "timeout", "retries", "start_period"):
            part.note(svc.name, f"healthcheck.{key}", "approximated", where,
                      "Kubernetes probes have no such setting; the probe's period covers it")
    return out, part


# ---------------------------------------------------------------------- hardening


def _user_ids(user: str) -> tuple[int | None, int | None]:
    uid, _, gid = user.partition(":")
    return (int(uid) if uid.isdigit() else None, int(gid) if gid.isdigit() else None)


def security_part(ctx: Context, f: ServiceFacts, svc: Service) -> tuple[Obj, Part]:
    """The container's securityContext: the safe defaults Compose allows."""
    part = Part()
    where = target(f, f.workload or "Pod", f.label)
    sc: Obj = {"allowPrivilegeEscalation": False}
    add = sorted({str(c).upper().removeprefix("CAP_") for c in svc.get("cap_add") or []})
    if "ALL" in add:
        add.remove("ALL")
        part.note(svc.name, "cap_add", "decide", where,
                  "cap_add: ALL is not carried over: list the capabilities it needs")
    elif add:
        part.note(svc.name, "cap_add", "mapped", where, "added back after dropping ALL")
    if svc.get("cap_drop"):
        part.note(svc.name, "cap_drop", "mapped", where, "every capability is dropped")
    user = svc.user
    repo = f.repository
    uid, gid = _user_ids(user) if user else (None, None)
    steps_down = not user and bool(repo) and ctx.defaults.steps_down(repo)
    if steps_down:
        extra = [c for c in ctx.defaults.steps_down_capabilities if c not in add]
        add = sorted(add + extra)
        part.note(svc.name, "user", "decide", where,
                  "the image starts as root and switches user: the capabilities it needs for "
                  "that are added back; run it as its user (runAsUser) to drop them")
    sc["capabilities"] = {"drop": ["ALL"], **({"add": add} if add else {})}
    if user:
        if uid is not None and uid != 0:
            sc["runAsNonRoot"] = True
            sc["runAsUser"] = uid
            if gid is not None:
                sc["runAsGroup"] = gid
            part.note(svc.name, "user", "mapped", where, "runAsUser, runAsNonRoot")
        elif uid == 0 or user.split(":")[0] == "root":
            part.note(svc.name, "user", "decide", where,
                      "runs as root: find a user the image can run as")
        else:
            part.note(svc.name, "user", "decide", where,
                      "a user name: the kubelet cannot check it is not root; set runAsUser "
                      "to its uid and runAsNonRoot: true in an overlay")
    elif repo and ctx.defaults.runs_unprivileged(repo):
        sc["runAsNonRoot"] = True
        part.note(svc.name, "user", "approximated", where,
                  "runAsNonRoot: the image is known to run as a non-root user")
    elif not steps_down:
        part.note(svc.name, "user", "decide", where,
                  "the image may run as root: set runAsUser/runAsNonRoot once you know its "
                  "user, and check it still works with every capability dropped")
    if svc.get("read_only"):
        sc["readOnlyRootFilesystem"] = True
        part.note(svc.name, "read_only", "mapped", where, "readOnlyRootFilesystem")
    if svc.privileged:
        part.note(svc.name, "privileged", "decide", where,
                  "privileged is not emitted: find the capabilities or device it needs")
    return sc, part


# ---------------------------------------------------------------------- resources


def resources_part(ctx: Context, f: ServiceFacts, svc: Service) -> tuple[Obj, Part]:
    """requests and limits from deploy.resources, mem_limit and cpus; else the defaults."""
    part = Part()
    where = target(f, f.workload or "Pod", f.label)
    limits: dict[str, str] = {}
    requests: dict[str, str] = {}
    if svc.limits:
        if svc.limits.cpus:
            limits["cpu"] = cpu_quantity(svc.limits.cpus)
        if svc.limits.memory:
            limits["memory"] = memory_quantity(svc.limits.memory)
    if svc.reservations:
        if svc.reservations.cpus:
            requests["cpu"] = cpu_quantity(svc.reservations.cpus)
        if svc.reservations.memory:
            requests["memory"] = memory_quantity(svc.reservations.memory)
    resources = ((svc.get("deploy") or {}).get("resources") or {})
    for section, leaves in resources.items():
        for leaf in (leaves or {}) if isinstance(leaves, dict) else []:
            key = f"deploy.resources.{section}.{leaf}"
            if leaf == "devices":
                part.note(svc.name, key, "decide", where,
                          "devices (GPUs) need the vendor's device plugin: set the "
                          "extended resource limit in an overlay")
            elif leaf == "pids":
                part.note(svc.name, key, "dropped", where, "the kubelet's podPidsLimit")
            else:
                part.note(svc.name, key, "mapped", where,
                          f"resources.{'limits' if section == 'limits' else 'requests'}")
    for key in ("mem_limit", "mem_reservation", "cpus"):
        if svc.get(key) is not None:
            part.note(svc.name, key, "mapped", where, "container resources")
    for key, value in requests.items():  # a request above its limit does not validate
        if key in limits and _bigger(value, limits[key]):
            requests[key] = limits[key]
    if not limits and not requests:
        d = ctx.defaults.resources_for(f.analysis.category)
        requests = d.requests.model_dump(exclude_none=True)
        limits = d.limits.model_dump(exclude_none=True)
        part.note(svc.name, "deploy.resources", "approximated", where,
                  f"none set: requests and limits of the catalogue's "
                  f"{f.analysis.category or 'default'} profile; measure and adjust")
    out: Obj = {}
    if requests:
        out["requests"] = requests
    if limits:
        out["limits"] = limits
    return out, part


def _bigger(a: str, b: str) -> bool:
    return _number(a) > _number(b)


def _number(q: str) -> float:
    units = {"m": 1e-3, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4}
    for unit, factor in units.items():
        if q.endswith(unit):
            return float(q[: -len(unit)]) * factor
    return float(q)


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
