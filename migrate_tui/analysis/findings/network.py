"""Rules about how services find and reach each other: names, addresses, ports."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from migrate_tui.analysis.evidence import mask, shorten, text_has
from migrate_tui.analysis.findings.base import Hit, RuleContext, rule
from migrate_tui.analysis.model import INFERRED_KINDS

_PORT_AFTER = re.compile(r"^:([0-9]{1,5})")
_LISTEN_BEFORE = re.compile(r"(?i)(bind|listen|host)[\w-]*[=\s:]*['\"]?$")


def _pods(ctx: RuleContext) -> dict[str, frozenset[str]]:
    """The services that share a network namespace (``network_mode: service:X``), grouped.

    Each member maps to its whole group, as one pod would hold them: localhost in any of
    them reaches the others' ports, and only theirs. Services in no group are left out.
    """
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.get(name, name) != name:
            name = parent[name]
        return name

    for name in ctx.setting("network_mode"):
        mode = ctx.services[name].network_mode or ""
        if mode.startswith("service:"):
            parent.setdefault(name, name)
            parent.setdefault(mode.split(":", 1)[1], mode.split(":", 1)[1])
            parent[root(name)] = root(mode.split(":", 1)[1])
    groups: dict[str, set[str]] = {}
    for name in parent:
        groups.setdefault(root(name), set()).add(name)
    return {name: frozenset(groups[root(name)]) for name in parent}


def _owners(ctx: RuleContext, pod: frozenset[str], port: int) -> list[str]:
    """The services outside ``pod`` that ``port`` belongs to."""
    return sorted(n for n, ports in ctx.ports.items() if n not in pod and port in ports)


@rule("localhost-reference")
def localhost_reference(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Environment values and commands that reach something through localhost."""
    # Searches kept by text: variable names, and many values, recur from service to service.
    search = cache(re.compile(params["pattern"]).search)
    ignored = cache(re.compile(params["ignore_keys"]).search)
    public = re.compile(params["public_keys"])
    listen = re.compile(params["listen_keys"])
    own = cache(re.compile(params["self_keys"]).search)
    origin = re.compile(params["origin_keys"])
    baked: dict[str, str] = params["build_time_prefixes"]
    maybe: dict[str, str] = params["maybe_build_time_prefixes"]
    pods = _pods(ctx)
    for name in sorted(ctx.services):
        svc = ctx.services[name]
        mode = svc.network_mode or ""
        if mode == "host" or mode.startswith("container:"):
            continue  # localhost is the host's, or a container we cannot see
        pod = pods.get(name, frozenset((name,)))
        shared = len(pod) > 1
        # Only the texts that name localhost are listed: in nearly every service, none does.
        texts: list[tuple[str, str, str | None, int | None]] = [
            (key, value, None, None) for key, value in svc.environment.items()
            if value and search(value) and not ignored(key) and not own(key)
        ]
        for field in ("command", "entrypoint"):
            items = getattr(svc, field) or []
            texts += [(field, item, items[i - 1] if i else None, i) for i, item in enumerate(items)
                      if search(item)]
        if not texts:
            continue
        ports = {port for member in pod for port in ctx.ports.get(member, ())}
        for key, value, before, index in texts:
            found = search(value)
            if not found:
                continue
            after = _PORT_AFTER.match(value[found.end():])
            port = int(after.group(1)) if after else None
            is_env = index is None and key not in ("command", "entrypoint")
            prefix = value[: found.start()] if not is_env else ""
            owners = _owners(ctx, pod, port) if port is not None else []
            framework = ""
            if is_env and origin.search(key):
                if not _only_local(value, search):
                    continue  # the public origin or host is listed too
                variant: str | None = "origin"  # the browser comes from the Ingress host
            elif is_env and listen.search(key) or not is_env and (
                    _LISTEN_BEFORE.search(prefix) or (before and _LISTEN_BEFORE.search(before))):
                if shared:
                    continue  # listening for the pod's sidecars: fine
                variant = "loopback-listen"
            elif is_env and public.search(key):
                # a browser's localhost, namespaces or not; inlined at build time for some
                upper = key.upper()
                framework = next((f for p, f in baked.items() if upper.startswith(p)), "")
                variant = "build-time" if framework else "public"
                if not framework:
                    framework = next((f for p, f in maybe.items() if upper.startswith(p)), "")
                    variant = "maybe-build-time" if framework else "public"
            elif port is not None and port in ports:
                continue  # its own port (or its pod's): localhost still reaches it
            elif owners:
                variant = "other-service"
            elif shared:
                continue  # a port no one declares: maybe the pod's, so no guess
            else:
                variant = None
            owner = owners[0] if owners else ""
            shown = shorten(mask(value), 70)
            values = {
                "where": key, "value": shown, "port": port or "",
                "owner": owner, "framework": framework,
                "suggestion": shorten(
                    mask(value[: found.start()] + owner + value[found.end():]), 70
                ) if owner else "",
            }
            if is_env:
                evidence = ctx.locator.env(name, key, text=f"{key}={shown}")
            else:
                evidence = ctx.locator.item(name, key, text_has(value), index=index,
                                            text=f"{key}: {shown}")
            yield Hit(name, evidence, values, variant)


def _only_local(value: str, search: Any) -> bool:
    """Whether every entry of a list of origins or hosts names localhost (``*`` aside)."""
    entries = [e for e in re.split(r"[,;\s]+", value) if e and e != "*"]
    return bool(entries) and all(search(e) for e in entries)


@rule("network-mode-host")
def network_mode_host(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``network_mode: host``."""
    for name in ctx.setting("network_mode"):
        if ctx.services[name].network_mode == "host":
            yield Hit(name, ctx.locator.key(name, "network_mode", text="network_mode: host"))


@rule("network-mode-service")
def network_mode_service(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``network_mode: service:X``: one pod with X."""
    for name in ctx.setting("network_mode"):
        mode = ctx.services[name].network_mode or ""
        if mode.startswith("service:"):
            target = mode.split(":", 1)[1]
            yield Hit(name, ctx.locator.key(name, "network_mode", text=f"network_mode: {mode}"),
                      {"target": target})


@rule("static-ip")
def static_ip(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``ipv4_address`` / ``ipv6_address`` on a network."""
    for name in sorted(ctx.services):
        for network, config in sorted(ctx.services[name].networks.items()):
            if not config:
                continue  # (most: a network joined with no settings)
            for key in ("ipv4_address", "ipv6_address"):
                address = config.get(key)
                if address:
                    yield Hit(name, ctx.locator.key(name, "networks", network, key,
                                                    text=f"{key}: {address}"),
                              {"address": address, "network": network})


@rule("extra-hosts")
def extra_hosts(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``extra_hosts`` entries (host-gateway ones apart)."""
    for name in ctx.setting("extra_hosts"):
        raw = ctx.services[name].get("extra_hosts") or []
        if isinstance(raw, dict):
            entries = [f"{k}:{v}" for k, v in raw.items()]
        else:
            entries = [str(e) for e in raw]
        if not entries:
            continue
        gateway = [e for e in entries if e.endswith("host-gateway")]
        chosen = gateway or entries
        hosts = ", ".join(re.split(r"[:=]", e, maxsplit=1)[0] for e in chosen)
        evidence = ctx.locator.key(name, "extra_hosts", text="extra_hosts: " + ", ".join(entries))
        yield Hit(name, evidence, {"hosts": hosts}, "host-gateway" if gateway else None)


@rule("links")
def links(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Legacy ``links``."""
    for edge in ctx.edges_of("links"):
        yield Hit(edge.source, edge.evidence, {"target": edge.evidence.text.split(": ", 1)[1]})


def _published_ports(ctx: RuleContext, name: str) -> Iterator[tuple[int, Any]]:
    for i, port in enumerate(ctx.services[name].ports):
        if port.published:
            yield i, port


def _port_evidence(ctx: RuleContext, name: str, i: int, port: Any) -> Any:
    text = f"ports: {port.host_ip + ':' if port.host_ip else ''}{port.published}:{port.target}"

    def match(entry: Any) -> bool:
        if isinstance(entry, dict):
            return str(entry.get("target")) == str(port.target)
        text = str(entry).split("/")[0]
        return text.endswith(f":{port.target}") or text == str(port.target)

    return ctx.locator.item(name, "ports", match, index=i, text=text)


@rule("host-port-range")
def host_port_range(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Ranges of host ports, as written (Compose expands ``8000-8010:8000-8010``)."""
    for name in sorted(ctx.services):
        for entry, evidence in ctx.locator.entries(name, "ports"):
            if "$" in str(entry):
                # As written it is a template: judge the ports Compose made of it.
                ranges = [p for p in ctx.services[name].ports if "-" in (p.published or "")]
                for port in ranges[:1]:
                    shown = replace(evidence, text=f"ports: {port.published}:{port.target}")
                    yield Hit(name, shown, {"published": port.published, "target": port.target})
                continue
            published, target = _written_range(entry)
            if published:
                shown = replace(evidence, text=f"ports: {published}:{target}")
                yield Hit(name, shown, {"published": published, "target": target})


def _written_range(entry: Any) -> tuple[str, str]:
    """(host range, container port or range) of a ports entry written with a host range."""
    if isinstance(entry, dict):
        published = str(entry.get("published") or "")
        return (published, str(entry.get("target", ""))) if "-" in published else ("", "")
    text = str(entry).split("/")[0]
    parts = text.rsplit(":", 2)
    if len(parts) < 2:
        return "", ""
    published, target = parts[-2], parts[-1]
    return (published, target) if "-" in published else ("", "")


@rule("privileged-port")
def privileged_port(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Host ports below 1024."""
    for name in ctx.setting("ports"):
        for i, port in _published_ports(ctx, name):
            published = str(port.published)
            if published.isdigit() and 0 < int(published) < 1024:
                yield Hit(name, _port_evidence(ctx, name, i, port),
                          {"published": published, "target": port.target})


@rule("unexposed-port")
def unexposed_port(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Services others reach that declare no port for their Service."""
    # Only a long-running service that declares no port can be the target of a finding:
    # picked first, so that the edges to the others are passed over at once. Its kind is
    # asked last: a re-run after a kind override is then needed only when a service with
    # no port changes kind (:func:`~.base.find` notes the kinds read; 7 of a re-plan's
    # 112 ms at 2,000 services).
    quiet = {name for name, svc in ctx.services.items()
             if not (svc.ports or svc.expose or svc.network_mode)
             and ctx.kinds.get(name) == "service"}
    active = ctx.project.services
    clients: defaultdict[str, set[str]] = defaultdict(set)
    ports: defaultdict[str, Counter[int]] = defaultdict(Counter)
    for source, target, kind, edge_port in ctx.edge_rows:
        if target not in quiet or source not in active:
            continue  # (a client behind a profile that is not enabled reaches nothing)
        if kind in INFERRED_KINDS or kind == "links" or (
                kind == "depends_on" and ctx.ports.get(target)):
            clients[target].add(source)
            if edge_port:
                ports[target][edge_port] += 1
    for name in sorted(clients):
        seen = ports.get(name)
        port = seen.most_common(1)[0][0] if seen else next(iter(ctx.ports.get(name, ())), None)
        who = sorted(clients[name])
        shown = ", ".join(who[:4]) + (f" and {len(who) - 4} more" if len(who) > 4 else "")
        yield Hit(name, ctx.locator.key(name, text=f"reached by {', '.join(who)}"),
                  {"clients": shown, "port": port or ""},
                  None if port else "unknown-port")
