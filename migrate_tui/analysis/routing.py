"""Routing: how traffic gets into each service, and which proxies an Ingress replaces.

Read from what the project says, in this order for each service:

- Traefik labels (v2/v3 ``traefik.http.routers.<r>.rule`` with ``Host(...)`` and
  ``PathPrefix(...)``, ``...tls``/``...tls.certresolver``, the port of
  ``traefik.http.services.<s>.loadbalancer.server.port``; TCP routers; v1
  ``traefik.frontend.rule``/``traefik.port``); ``traefik.enable=false`` turns them off;
- nginx-proxy variables (``VIRTUAL_HOST``, ``VIRTUAL_PORT``, ``VIRTUAL_PATH``,
  ``LETSENCRYPT_HOST`` for TLS);
- caddy-docker-proxy labels (``caddy``/``caddy_N`` site addresses and
  ``caddy.reverse_proxy: {{upstreams 8080}}``), TLS on unless the address is ``http://``;
- published ports of the rest: an Ingress for HTTP, a LoadBalancer Service otherwise, kept
  internal for a data store published for a person at the host.

A reverse proxy with no upstreams of its own (Traefik, nginx-proxy and caddy-docker-proxy
reading the Docker socket, or a web server with only configuration mounted and services
behind it) is replaced by the cluster's Ingress controller, not migrated as a service.
Knowledge beyond the proxies' syntax is in ``playbooks/catalogue/routing.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from migrate_tui.analysis.catalogue import Catalogue, any_match
from migrate_tui.analysis.classify import mount_role
from migrate_tui.analysis.evidence import Locator, shorten
from migrate_tui.analysis.model import Edge, PortFrom, ProxyReplacement, Route, ServiceAnalysis
from migrate_tui.analysis.proxy_config import ProxyConfigKnowledge
from migrate_tui.compose.model import Port, Service
from migrate_tui.playbooks import load_playbook

ROUTING_FILE = "catalogue/routing.yaml"


class RoutingKnowledge(BaseModel):
    """``playbooks/catalogue/routing.yaml``, validated."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    http_ports: list[int]
    proxy_servers: list[str]
    internal_categories: list[str]
    websocket_names: list[re.Pattern[str]]
    websocket_variables: list[re.Pattern[str]]
    proxy_config: ProxyConfigKnowledge
    """The proxies' own configuration files and their upstream syntaxes."""


@lru_cache(maxsize=4)
def load_routing(folder: Path | None = None) -> RoutingKnowledge:
    """Read and validate the routing playbook.

    Raises:
        PlaybookError: The file is missing or invalid.
    """
    return load_playbook(ROUTING_FILE, RoutingKnowledge, folder)


_QUOTED = re.compile(r"[`\"']([^`\"']+)[`\"']")
_HOST = re.compile(r"\bHost(?:SNI)?\s*\(([^)]*)\)")
_PATH = re.compile(r"\b(Path|PathPrefix|PathRegexp|PathRegex)\s*\(([^)]*)\)")
"""A path matcher of a Traefik rule: ``Path`` is exact (Ingress ``Exact``), ``PathPrefix``
a prefix; a regular expression (``PathRegexp``, v2's ``{id:[0-9]+}``) has no Ingress
match."""
_ROUTER = re.compile(r"^traefik\.(http|tcp)\.routers\.([^.]+)\.(.+)$")
_SERVICE_PORT = re.compile(r"^traefik\.(http|tcp)\.services\.([^.]+)\.loadbalancer\.server\.port$")
_CADDY = re.compile(r"^caddy(_\d+)?$")
_UPSTREAMS = re.compile(r"\{\{\s*upstreams\s+(?:https?\s+)?(\d+)\s*\}\}")


def _path_fields(found: tuple[str, str] | None) -> tuple[str | None, str, str | None]:
    """(path, pathType, regular expression) of a Traefik rule's first path matcher, given
    as (matcher, path)."""
    if found is None:
        return None, "Prefix", None
    matcher, path = found
    if matcher.startswith("PathRegex") or "{" in path:
        return None, "Prefix", path
    return path, "Exact" if matcher == "Path" else "Prefix", None


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else None


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text.strip()) if w]


class _Reader:
    """Reads one service's routes."""

    def __init__(self, name: str, svc: Service, info: ServiceAnalysis, locator: Locator,
                 knowledge: RoutingKnowledge) -> None:
        self.name, self.svc, self.info = name, svc, info
        self.locator, self.k = locator, knowledge

    @cached_property
    def websocket(self) -> bool:
        """Whether its name or a variable's name says it carries WebSockets (read only for
        a service that has a route)."""
        k = self.k
        return bool(any_match(k.websocket_names, self.name)) or any(
            any_match(k.websocket_variables, key) for key in self.svc.environment)

    def default_port(self) -> int | None:
        return self.info.ports[0] if self.info.ports else None

    def detected_port(self, named: int | None) -> tuple[int | None, PortFrom | None]:
        """(``port``, ``port_from``) of a route that names ``named`` (None: it names
        none): then, as Traefik's port detection, the service's only port, or the lowest
        of several, or what the catalogue says its image listens on."""
        if named is not None or not self.info.ports:
            return named, None
        svc = self.svc
        declared = bool(svc.ports or svc.expose)
        where: PortFrom = ("catalogue" if not declared else
                           "only" if len(self.info.ports) == 1 else "lowest")
        return self.info.ports[0], where

    def route(self, source: str, *, key: str, env: bool = False, **fields: object) -> Route:
        evidence = (self.locator.env(self.name, key, text=f"{key}={self.svc.environment[key]}")
                    if env else self.locator.key(self.name, "labels", key,
                                                 text=f"{key}={self.svc.labels.get(key, '')}"))
        notes = []
        if fields.get("tls"):
            notes.append(f"TLS was terminated by {source}: issue the certificate with "
                         "cert-manager (an ACME Issuer) and list the hosts under the "
                         "Ingress's spec.tls")
        if self.websocket:
            notes.append("WebSockets: the Ingress controller must keep long connections "
                         "open (ingress-nginx: raise proxy-read-timeout and "
                         "proxy-send-timeout above 60 s)")
        return Route(service=self.name, source=source,  # type: ignore[arg-type]
                     websocket=self.websocket, notes=tuple(notes), evidence=evidence,
                     **fields)  # type: ignore[arg-type]

    def traefik(self) -> list[Route]:
        labels = self.svc.labels
        if not any(k.startswith("traefik.") for k in labels):
            return []
        if labels.get("traefik.enable", "true").strip().lower() == "false":
            return []
        ports = {m.group(2): _int(v) for k, v in labels.items()
                 if (m := _SERVICE_PORT.match(k))}
        routers: dict[tuple[str, str], dict[str, str]] = {}
        for key, value in labels.items():
            m = _ROUTER.match(key)
            if m:
                routers.setdefault((m.group(1), m.group(2)), {})[m.group(3)] = value
        out = []
        for (proto, router), keys in sorted(routers.items()):
            rule = keys.get("rule", "")
            hosts = tuple(h for m in _HOST.finditer(rule) for h in _QUOTED.findall(m.group(1)))
            paths = [(m.group(1), p) for m in _PATH.finditer(rule)
                     for p in _QUOTED.findall(m.group(2))]
            named = keys.get("service")
            port = ports.get(named or "") if named else (
                next(iter(ports.values())) if len(ports) == 1 else None)
            tls = "tls" in keys or any(k.startswith("tls.") for k in keys)
            key = f"traefik.{proto}.routers.{router}.rule" if rule else \
                f"traefik.{proto}.routers.{router}.{sorted(keys)[0]}"
            path, path_type, regexp = _path_fields(paths[0] if paths else None)
            port, port_from = self.detected_port(port)
            out.append(self.route(
                "traefik", key=key, hosts=hosts, path=path, path_type=path_type,
                path_regexp=regexp,
                port=port, port_from=port_from, tls=tls,
                target="Ingress" if proto == "http" else "LoadBalancer"))
        rule = labels.get("traefik.frontend.rule", "")  # Traefik v1
        if rule and not out:
            port, port_from = self.detected_port(_int(labels.get("traefik.port")))
            hosts = tuple(h for part in rule.split(";") if part.startswith("Host:")
                          for h in _words(part[len("Host:"):]))
            out.append(self.route(
                "traefik", key="traefik.frontend.rule", hosts=hosts,
                port=port, port_from=port_from,
                target="Ingress"))
        return out

    def nginx_proxy(self) -> list[Route]:
        env = self.svc.environment
        hosts = env.get("VIRTUAL_HOST")
        if not hosts:
            return []
        return [self.route(
            "nginx-proxy", key="VIRTUAL_HOST", env=True, hosts=tuple(_words(hosts)),
            path=env.get("VIRTUAL_PATH") or None,
            port=_int(env.get("VIRTUAL_PORT")) or self.default_port(),
            tls=bool(env.get("LETSENCRYPT_HOST")), target="Ingress")]

    def caddy(self) -> list[Route]:
        labels = self.svc.labels
        out = []
        for key in sorted(k for k in labels if _CADDY.match(k)):
            addresses = _words(labels[key])
            upstream = _UPSTREAMS.search(labels.get(f"{key}.reverse_proxy", ""))
            hosts = tuple(re.sub(r"^https?://", "", a).split("/")[0] for a in addresses)
            out.append(self.route(
                "caddy", key=key, hosts=hosts,
                port=int(upstream.group(1)) if upstream else self.default_port(),
                tls=not all(a.startswith("http://") for a in addresses), target="Ingress"))
        return out

    def published(self) -> list[Route]:
        out = []
        for index, first, last in port_runs(self.svc.ports):
            if not first.published:
                continue
            internal = self.info.category in self.k.internal_categories
            http = first.target in self.k.http_ports and first.protocol == "tcp"
            ports = (f"{first.target}" if last is first
                     else f"{first.target}-{last.target}")
            notes = (["no host name is known: choose one for the Ingress"] if http else
                     [f"a LoadBalancer Service on port {ports}/{first.protocol}, or "
                      "ClusterIP if only services in the cluster use it"])
            if internal:
                notes = [f"{self.info.software} published for a person at the host: keep it "
                         "internal (ClusterIP) and use kubectl port-forward, unless clients "
                         "outside the cluster need it"]
            if is_loopback(first.host_ip):
                internal = True
                notes = [f"published on {first.host_ip} only, for a person at the host: keep "
                         "it internal (ClusterIP) and use kubectl port-forward"]
            if self.websocket and http:
                notes.append("WebSockets: the Ingress controller must keep long connections "
                             "open (ingress-nginx: raise proxy-read-timeout)")
            shown = f"{first.published}:{first.target}" if last is first else \
                f"{first.published}-{last.published}:{first.target}-{last.target}"
            out.append(Route(
                service=self.name, source="published", port=first.target,
                port_end=None if last is first else last.target,
                published=_int(first.published.split("-")[0]), protocol=first.protocol,
                websocket=self.websocket and http,
                target="ClusterIP" if internal else "Ingress" if http else "LoadBalancer",
                notes=tuple(notes),
                evidence=self.locator.key(self.name, "ports", str(index),
                                          text=shorten(shown)),
            ))
        return out


def is_loopback(host_ip: str | None) -> bool:
    """Whether a port is published on the host's loopback address only (``127.0.0.1:5432:5432``):
    reachable from the host itself, never from outside; the one test of it."""
    if not host_ip:
        return False
    address = host_ip.strip("[]").lower()
    return address.startswith("127.") or address in ("::1", "localhost")


def port_runs(ports: Sequence[Port]) -> list[tuple[int, Port, Port]]:
    """The ports as runs: a range Compose expanded to one mapping per port is one run again.

    ``(index of its first mapping, first, last)``; a run is consecutive mappings whose
    container and host ports both go up by one, of one protocol and host address. One
    published range (``20000-20050:20000-20050/udp``) is one decision and one piece of
    work, not 51.
    """
    runs: list[tuple[int, Port, Port]] = []
    for index, port in enumerate(ports):
        if runs:
            start, first, last = runs[-1]
            if (port.protocol == last.protocol and port.host_ip == last.host_ip
                    and port.mode == last.mode and port.target == last.target + 1
                    and _next_published(last.published, port.published)):
                runs[-1] = (start, first, port)
                continue
        runs.append((index, port, port))
    return runs


def _next_published(before: str | None, after: str | None) -> bool:
    """Whether host port ``after`` follows ``before`` (both unpublished also follows)."""
    if before is None or after is None:
        return before is None and after is None
    return before.isdigit() and after.isdigit() and int(after) == int(before) + 1


def _proxy_software(svc: Service, info: ServiceAnalysis, catalogue: Catalogue,
                    knowledge: RoutingKnowledge, behind: list[str],
                    proxy_image: bool) -> str | None:
    """What a reverse proxy with no upstreams of its own runs, or None for anything else
    (``proxy_image``: :meth:`~.catalogue.Catalogue.is_proxy_image` of its image)."""
    if proxy_image:
        return catalogue.repository(svc.image or "").rsplit("/", 1)[-1]
    if info.engine not in knowledge.proxy_servers or not behind:
        return None
    own = [m for m in svc.volumes
           if mount_role(m, catalogue) not in ("config", "socket", "tmpfs", "scratch")]
    return None if own else info.software


def routes_of(services: Mapping[str, Service], analysed: Mapping[str, ServiceAnalysis],
              edges: tuple[Edge, ...], catalogue: Catalogue, locator: Locator,
              knowledge: RoutingKnowledge | None = None,
              ) -> tuple[list[Route], list[ProxyReplacement]]:
    """Every active, migrated service's routes, and the proxies an Ingress replaces.

    Args:
        services: Every service, by name.
        analysed: Their analyses (kind, engine, ports).
        edges: The dependencies: a web server's upstreams are the services it needs.
        catalogue: The catalogue (proxy images, mount roles).
        locator: Finds the line of each label, variable and port.
        knowledge: The routing playbook; the installed one when None.
    """
    found = read_routes(services, analysed, edges, catalogue, locator, knowledge)
    return found.routes, found.proxies


@dataclass(frozen=True)
class ServiceRoutes:
    """What one service's labels, variables and ports say, and the analysis read."""

    info: ServiceAnalysis
    labelled: list[Route]
    """Its routes from a proxy's labels or variables."""
    proxy_image: bool
    """It runs a reverse proxy's image that reads the Docker socket (catalogue)."""
    published: list[Route]
    """Its routes from its published ports, when it has no labelled ones."""


@dataclass(frozen=True)
class Routing:
    """The routes and proxies of a project, and each service's, for a re-read to reuse."""

    routes: list[Route]
    proxies: list[ProxyReplacement]
    services: dict[str, ServiceRoutes]
    knowledge: RoutingKnowledge


def read_routes(services: Mapping[str, Service], analysed: Mapping[str, ServiceAnalysis],
                edges: tuple[Edge, ...], catalogue: Catalogue, locator: Locator,
                knowledge: RoutingKnowledge | None = None,
                previous: Routing | None = None) -> Routing:
    """:func:`routes_of`, keeping each service's routes for a re-read to reuse.

    ``previous``: an earlier read of the same services, locator and catalogue; a
    service's routes are read again only when its analysis is another object (a re-plan
    after an override classifies again only the services it changes). The result equals
    a read without it.
    """
    k = knowledge or load_routing()
    before = previous.services if previous is not None and previous.knowledge is k else {}
    routes: list[Route] = []
    proxies: list[ProxyReplacement] = []
    read: dict[str, ServiceRoutes] = {}
    for name, svc in services.items():
        info = analysed[name]
        if not info.active or info.kind in ("dev-only", "job", "tool"):
            continue
        done = before.get(name)
        if done is None or done.info is not info:
            reader = _Reader(name, svc, info, locator, k)
            labelled = reader.traefik() or reader.nginx_proxy() or reader.caddy()
            done = ServiceRoutes(info, labelled, catalogue.is_proxy_image(svc.image),
                                 [] if labelled else reader.published())
        read[name] = done
    # Only a web server (``proxy_servers``) is asked what is behind it: at 2,000
    # services, going through the edges for all of them took 2 ms of a re-plan's 85.
    servers = {name for name in read if analysed[name].engine in k.proxy_servers}
    needs: dict[str, set[str]] = {}
    for edge in edges:
        if edge.source in servers:
            needs.setdefault(edge.source, set()).add(edge.target)
    for name, svc in services.items():
        if name not in read:
            continue
        info, done = analysed[name], read[name]
        behind = sorted(t for t in needs.get(name, ()) if t in read)
        software = _proxy_software(svc, info, catalogue, k, behind, done.proxy_image)
        if software is not None:
            carried = sum(len(r.labelled) for r in read.values()) if done.proxy_image \
                else len(behind)
            label_driven = done.proxy_image and carried > 0
            why = ("reads the Docker socket and the other services' labels for its routes"
                   if label_driven else
                   "keeps its routes in its own configuration (no service has routing "
                   "labels for it)" if done.proxy_image else
                   f"has only configuration mounted, and {', '.join(behind)} behind it")
            proxies.append(ProxyReplacement(
                service=name, software=software, routes=carried,
                reason=why, label_driven=label_driven))
            continue
        routes += done.labelled or done.published
    return Routing(routes, proxies, read, k)
