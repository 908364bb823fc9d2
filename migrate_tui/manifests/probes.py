"""Probes from a healthcheck: readiness, liveness (more tolerant) and startup; the
catalogue's check or a TCP probe where Compose has none."""

from __future__ import annotations

import re
import shlex
from typing import Any
from urllib.parse import urlsplit

from migrate_tui.analysis.graph import LOCAL_HOSTS, own_names, to_localhost
from migrate_tui.compose.model import Service
from migrate_tui.manifests.common import Obj, Part, target
from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.names import seconds, unescaped
from migrate_tui.manifests.references import reference, scrub_argv

_CURL_FLAGS = {"-f", "-s", "-S", "-fs", "-sf", "-fsS", "-sfS", "-Ssf", "-fSs", "-sS",
               "-fsSL", "-fL", "-L", "-sSf", "--fail", "--silent", "--show-error",
               "--location", "-k", "--insecure", "-o", "/dev/null"}
_WGET_FLAGS = {"-q", "--quiet", "--spider", "-O", "-", "-O-", "-qO-", "-qO", "-nv",
               "--no-verbose", "-S", "--tries=1", "-T", "--no-check-certificate"}
_FAIL_TAIL: tuple[list[str], ...] = (["||", "exit", "1"], ["||", "exit", "1;"], [])



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
    if f"[{host}]" not in LOCAL_HOSTS and host not in LOCAL_HOSTS:
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
            word += f'"${{{reference(ctx, svc, value, extra)}}}"'
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
    written = list(health.test or []) if health and not health.disable else []
    test = to_localhost(written, own_names(svc))
    action = probe_action([unescaped(a) for a in test])
    if action is None:
        own = [p for p in f.ports if p.protocol == "TCP"] if svc.name == f.name else []
        for key in raw:
            part.note(svc.name, f"healthcheck.{key}", "dropped", where,
                      "the healthcheck is disabled: no probe")
        known = catalogue_probe(ctx.facts[svc.name].software_entry,
                                svc.environment) if not raw else None
        # (a probe Compose never had: a first start, a database's init, may take minutes,
        # and a liveness probe counting from the first second would restart it for ever)
        startup = (f"; a startupProbe allows {d.startup_seconds} s to start before liveness "
                   "counts")
        if known is not None:
            probe = {**known, "periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3}
            name = ctx.facts[svc.name].software_entry.name
            part.note(svc.name, "healthcheck", "approximated", where,
                      f"no healthcheck: the catalogue's readiness check for {name}; check "
                      f"it against the image's version{startup}")
            return {"readinessProbe": probe, "livenessProbe": {
                **probe, "failureThreshold": 3 + d.liveness_extra_failures},
                "startupProbe": {**probe, "failureThreshold": d.startup_seconds // 10}}, part
        if own:
            tcp = {"tcpSocket": {"port": own[0].port}, "periodSeconds": 10,
                   "timeoutSeconds": 5, "failureThreshold": 3}
            part.note(svc.name, "healthcheck", "decide", where,
                      f"no healthcheck: a TCP probe on port {own[0].port} says only that it "
                      f"listens; write a readiness check that means ready{startup}")
            return {"readinessProbe": tcp,
                    "livenessProbe": {**tcp, "failureThreshold": 3 + d.liveness_extra_failures},
                    "startupProbe": {**tcp, "failureThreshold": d.startup_seconds // 10}
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
    if test != written:
        test_why += ", calling localhost where it called itself by name"
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
