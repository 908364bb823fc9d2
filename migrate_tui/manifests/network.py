"""How a service is reached: Services, Ingresses, NetworkPolicies, and its disruption budget."""

from __future__ import annotations

import re

from migrate_tui.analysis.model import Route
from migrate_tui.analysis.routing import is_loopback, load_routing
from migrate_tui.manifests.common import Obj, Part, metadata, selector, target
from migrate_tui.manifests.facts import Context, ServiceFacts
from migrate_tui.manifests.model import Status
from migrate_tui.manifests.names import LABEL_NAME, LABEL_PART_OF, dns_label
from migrate_tui.manifests.workload import _replicas, headless_name

_HOSTNAME = re.compile(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$")


def _service_ports(f: ServiceFacts) -> list[Obj]:
    return [{"name": p.name, "port": p.port, "targetPort": p.port, "protocol": p.protocol}
            for p in f.ports]


def build_services(ctx: Context, f: ServiceFacts) -> Part:
    """A ClusterIP Service for the ports clients use; a headless one for a StatefulSet."""
    part = Part()
    if f.workload is None or f.workload in ("Job", "CronJob"):
        return part
    where = target(f, "Service", f.label)
    if f.ports:
        part.objects.append({"apiVersion": "v1", "kind": "Service",
                             "metadata": metadata(ctx, f, f.label),
                             "spec": {"type": "ClusterIP", "selector": selector(ctx, f),
                                      "ports": _service_ports(f)}})
    if f.ports and f.label != f.name:
        clients = sorted(f.dependants)
        part.note(f.name, "name", "decide", where,
                  f"{f.name} is no valid Kubernetes name, so its Service is {f.label}: "
                  + (f"{', '.join(clients)} must call it {f.label}" if clients else
                     f"clients must call it {f.label}")
                  + " (or rename the service in Compose)")
    if f.ports and f.workload == "DaemonSet" and f.dependants:
        part.note(f.name, "callers", "decide", where,
                  f"a Service in front of a DaemonSet answers from one node's {f.name} per "
                  f"connection, while each node has its own: {', '.join(sorted(f.dependants))}"
                  " must reach every pod "
                  "(a scraper by pod discovery, Prometheus's kubernetes_sd_configs role: pod "
                  "or a PodMonitor), or call the agent on its own node (status.hostIP)")
    if f.workload == "StatefulSet":
        spec: Obj = {"clusterIP": "None", "selector": selector(ctx, f),
                     "publishNotReadyAddresses": True}
        if f.ports:
            spec["ports"] = _service_ports(f)
        part.objects.append({"apiVersion": "v1", "kind": "Service",
                             "metadata": metadata(ctx, f, headless_name(f)), "spec": spec})
    probed = {p.port for p in f.ports if p.probed}
    for name in (f.name, *f.sidecars):
        svc = ctx.facts[name].svc
        for i, p in enumerate(svc.ports):
            why = f"Service port {p.target}"
            if p.published is not None and not is_loopback(p.host_ip):
                via = ("a LoadBalancer Service" if (p.protocol or "tcp") != "tcp"
                       else "the Ingress or a LoadBalancer")  # an Ingress carries HTTP only
                why += (f"; published on the host as {p.published}: reached from outside "
                        f"through {via} instead")
            if is_loopback(p.host_ip):
                why += (f"; published on {p.host_ip} for the host alone, so it stays inside "
                        "the cluster: reach it with kubectl port-forward")
            elif p.host_ip:
                why += "; the host address it bound to has no meaning in a cluster"
            part.note(name, f"ports[{i}]", "mapped", where, why)
        for i, _ in enumerate(svc.expose):
            part.note(name, f"expose[{i}]", "mapped", where, "a Service port (cluster-internal)")
        for port in ctx.facts[name].analysis.healthcheck_ports:
            if port in probed:
                status, at, why = _probed_port(ctx, f, port, where)
                # (a port no caller is known for is the pain phase's routing work, not a
                # probe to write: the plan files a "decide" under its callers)
                part.note(name, "healthcheck.test" if status == "mapped" else "callers",
                          status, at, why)
    return part


def _probed_port(ctx: Context, f: ServiceFacts, port: int, where: str) -> tuple[
        Status, str, str]:
    """(status, target, why) of a Service port only a healthcheck names: who its
    NetworkPolicy admits there, or a decision when nobody is known to call it."""
    why = (f"Service port {port}: the healthcheck calls port {port} on the container "
           "itself, so it listens there (no ports, expose or client names it)")
    clients = sorted(s for s, used in f.dependants.items() if not used or port in used)
    if clients:
        return "mapped", where, f"{why}; its NetworkPolicy admits {', '.join(clients)}"
    if port in ingress_ports(ctx, f):
        return "mapped", where, f"{why}; its NetworkPolicy admits the Ingress"
    return "decide", target(f, "NetworkPolicy", f.label), (
        f"{why}; no service is known to call it there (by a depends_on, or a variable "
        f"naming {f.name} with that port), though a proxy's mounted configuration may: its "
        "NetworkPolicy admits nobody on it; add a rule for the callers in an overlay")


_ROUTE_SOURCES = {"traefik": "the Traefik rule", "nginx-proxy": "VIRTUAL_HOST",
                  "caddy": "the caddy label"}
_SERVED = ("Deployment", "StatefulSet", "DaemonSet")
_PORT_FROM = {"only": "the only port the service declares",
              "lowest": "the lowest of the ports the service declares",
              "catalogue": "the port the catalogue knows its image listens on",
              "pod": "the pod's only port (its clients' or its healthcheck's)"}


def _proxy_routes(ctx: Context, f: ServiceFacts) -> tuple[Route, ...]:
    """The routes the analysis read from a proxy's labels or variables for this pod: the
    service's and its sidecars' (analysis/routing.py: the one reader of Traefik,
    nginx-proxy and Caddy)."""
    return tuple(r for name in (f.name, *f.sidecars) for r in ctx.proxy_routes.get(name, ()))


def _route_port(f: ServiceFacts, route: Route) -> int | None:
    """The pod port a route sends to: the one its labels name, else the pod's only port."""
    if route.port is not None:
        return route.port
    tcp = [p.port for p in f.ports if p.protocol == "TCP"]
    return tcp[0] if len(tcp) == 1 else None


Backend = tuple[str | None, str, str, int]
"""One Ingress path: (host, or None for any host; path; its pathType; the pod port it
sends to)."""


def _backends(ctx: Context, f: ServiceFacts) -> list[Backend]:
    """Each path of the service's Ingress: the HTTP routes of a proxy's labels or variables,
    each to its own port; else its published HTTP ports, on a placeholder host."""
    if f.workload not in _SERVED:
        return []
    found: list[Backend] = []
    for r in _proxy_routes(ctx, f):
        port = _route_port(f, r)
        if r.target != "Ingress" or port is None or r.path_regexp is not None:
            continue  # (said in the ledger by build_ingress)
        hosts: list[str | None] = [h.lower() for h in r.hosts if _HOSTNAME.fullmatch(h.lower())]
        if r.hosts and not hosts:
            hosts = [f"{f.label}.example.com"]  # none valid: a placeholder, not every host
        for host in hosts or [None]:
            backend = (host, r.path or "/", r.path_type if r.path else "Prefix", port)
            if backend not in found:
                found.append(backend)
    if found:
        return found
    http = set(load_routing().http_ports)  # the analysis' list: one source
    web = [p for p in f.ports if p.published and p.protocol == "TCP" and p.port in http]
    return [(f"{f.label}.example.com", "/", "Prefix", web[0].port)] if web else []


def _route_key(route: Route) -> str:
    """The Compose key a route was read from: nginx-proxy's variable, or the labels."""
    return "environment.VIRTUAL_HOST" if route.source == "nginx-proxy" else "labels"


def ingress_ports(ctx: Context, f: ServiceFacts) -> set[int]:
    """The pod ports this service's Ingress sends to (none: it has no Ingress)."""
    return {port for *_, port in _backends(ctx, f)}


def build_ingress(ctx: Context, f: ServiceFacts) -> Part:
    """An Ingress for a proxy's routing labels or variables, else for published HTTP ports;
    a ledger decision for what an Ingress cannot carry."""
    part = Part()
    if f.workload not in _SERVED:
        return part
    backends = _backends(ctx, f)
    routed = {port for *_, port in backends}
    http = set(load_routing().http_ports)
    service = target(f, "Service", f.label)
    for p in f.ports:
        if p.published and p.protocol != "TCP":
            part.note(f.name, "ports", "decide", service,
                      f"port {p.port}/{p.protocol.lower()} is published: expose it with a "
                      "LoadBalancer Service (an Ingress carries HTTP only)")
        elif p.published and p.port not in routed and p.port in http:
            part.note(f.name, "ports", "decide", service,
                      f"port {p.port} is published too, but the Ingress carries the proxy's "
                      "routes: add a rule for it in an overlay if clients outside use it")
        elif p.published and p.port not in routed:
            part.note(f.name, "ports", "decide", service,
                      f"port {p.port} is published but does not look like HTTP: expose it "
                      "with a LoadBalancer Service or the ingress controller's TCP routes")
    routes = _proxy_routes(ctx, f)
    for r in routes:
        said = ", ".join(r.hosts) or r.path or "/"
        source, key = _ROUTE_SOURCES[r.source], _route_key(r)
        if r.target != "Ingress":
            part.note(r.service, key, "decide", service,
                      f"{source} sends {r.protocol.upper()} traffic to port {r.port}: expose it "
                      "with a LoadBalancer Service or the ingress controller's TCP routes "
                      "(an Ingress carries HTTP only)")
        elif r.path_regexp is not None:
            part.note(r.service, key, "decide", service,
                      f"{source} matches the path by a regular expression "
                      f"({r.path_regexp}), which an Ingress path cannot: no Ingress is made "
                      "for it; write the paths in an overlay (Prefix or Exact, or the "
                      "ingress controller's regex annotation)")
        elif _route_port(f, r) is None:
            part.note(r.service, key, "decide", service,
                      f"{source} routes {said} here but names no port, and the pod has "
                      f"{len(f.ports) or 'no'} ports: no Ingress is made for it; write one "
                      "in an overlay with the port the service listens on")
    if not backends:
        return part
    where = target(f, "Ingress", f.label)
    from_routes = [r for r in routes if r.target == "Ingress" and _route_port(f, r)
                   and r.path_regexp is None]
    if from_routes:
        anyhost = any(h is None for h, *_ in backends)
        # (a port Traefik's detection chose, not the labels: said, and approximated)
        detected = sorted({(_route_port(f, r), r.port_from or "pod") for r in from_routes
                           if r.port_from is not None or r.port is None})
        part.note(from_routes[0].service, _route_key(from_routes[0]),
                  "approximated" if detected else "mapped", where,
                  f"the Ingress rules come from {_ROUTE_SOURCES[from_routes[0].source]}"
                  + ("; a rule without a host is for any host, as the proxy had it: add the "
                     "host (and TLS) in an overlay" if anyhost else "")
                  + "".join(f"; it names no port, so the Ingress sends to port {port}, "
                            f"{_PORT_FROM[source]}, as Traefik's port detection does: check "
                            "that it is the port that speaks HTTP"
                            for port, source in detected))
    if any(h is not None and h.endswith(".example.com") and h.startswith(f"{f.label}.")
           for h, *_ in backends):
        part.note(f.name, "ports", "decide", where,
                  "no host name in the Compose files: the Ingress uses a placeholder host; "
                  "set the real one (and TLS) in an overlay")
    rules: dict[str, list[Obj]] = {}
    for host, path, path_type, port in backends:
        paths = rules.setdefault(host or "", [])
        if path not in [x["path"] for x in paths]:
            paths.append({"path": path, "pathType": path_type, "backend": {
                "service": {"name": f.label, "port": {"number": port}}}})
    part.objects.append({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": metadata(ctx, f, f.label),
        "spec": {"rules": [{"host": h, "http": {"paths": paths}} if h else
                           {"http": {"paths": paths}}
                           for h, paths in sorted(rules.items())]}})
    return part


def build_network_policy(ctx: Context, f: ServiceFacts) -> Part:
    """Admit exactly the services that need this one, on the ports they use."""
    part = Part()
    if f.workload is None or f.workload in ("Job", "CronJob") or not f.ports:
        return part
    all_ports = [{"port": p.port, "protocol": p.protocol} for p in f.ports]
    groups: dict[tuple[int, ...], list[str]] = {}
    for source, used in f.dependants.items():
        ports = tuple(sorted(p for p in used if any(q.port == p for q in f.ports)))
        groups.setdefault(ports, []).append(source)
    rules: list[Obj] = []
    for ports, sources in sorted(groups.items()):
        peers = [{"podSelector": {"matchLabels": {
            LABEL_NAME: ctx.facts[s].label, LABEL_PART_OF: ctx.project_label}}}
            for s in sorted(sources)]
        rule: Obj = {"from": peers}
        rule["ports"] = ([{"port": p, "protocol": next(q.protocol for q in f.ports
                                                         if q.port == p)} for p in ports]
                         if ports else all_ports)
        rules.append(rule)
    # Any source: the ingress controller (its namespace and labels are the cluster's), a
    # LoadBalancer. The port an Ingress routes to by a proxy's labels was never published
    # in Compose, and without it here the default deny would drop every request.
    routed = ingress_ports(ctx, f)
    published = [{"port": p.port, "protocol": p.protocol} for p in f.ports
                 if p.published or (p.port in routed and p.protocol == "TCP")]
    if published:
        rules.append({"ports": published})
    spec: Obj = {"podSelector": {"matchLabels": selector(ctx, f)}, "policyTypes": ["Ingress"]}
    if rules:
        spec["ingress"] = rules
    part.objects.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                         "metadata": metadata(ctx, f, f.label), "spec": spec})
    return part


def build_depends_on(ctx: Context, f: ServiceFacts) -> Part:
    """The ledger of ``depends_on``: Kubernetes has no start order."""
    part = Part()
    for name, dep in sorted(f.svc.depends_on.items()):
        other = ctx.facts.get(name)
        where = target(other, "NetworkPolicy", other.label) if other and other.ports else ""
        if dep.condition == "service_completed_successfully":
            why = (f"waits for the job {name} to finish: run it first (a Helm hook, an Argo "
                   "CD sync wave) or wait in an init container")
            part.note(f.name, f"depends_on.{name}", "decide", where, why)
        elif other and other.workload not in (None, "Job", "CronJob") and not other.ports:
            part.note(f.name, f"depends_on.{name}", "decide", where,
                      f"{name} has no Service: no Compose key gives it a port for clients "
                      "(ports, expose, a client's URL or host and port); if "
                      f"{f.name} calls it, add a Service and a NetworkPolicy rule for that "
                      "port in an overlay")
        else:
            part.note(f.name, f"depends_on.{name}", "approximated", where,
                      f"Kubernetes starts pods in any order: retry until {name} answers; "
                      f"{name}'s NetworkPolicy admits it")
    return part


def build_disruption_budget(ctx: Context, f: ServiceFacts) -> Part:
    """A PodDisruptionBudget when more than one replica runs."""
    part = Part()
    if f.workload not in ("Deployment", "StatefulSet") or _replicas(f) < 2:
        return part
    part.objects.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                         "metadata": metadata(ctx, f, f.label),
                         "spec": {"maxUnavailable": 1,
                                  "selector": {"matchLabels": selector(ctx, f)}}})
    return part


def default_deny(ctx: Context) -> Obj:
    """The namespace's default: no ingress unless a policy admits it."""
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": dns_label("default-deny-ingress"),
                         "labels": {LABEL_PART_OF: ctx.project_label,
                                    "app.kubernetes.io/managed-by": "migrate-tui"}},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}
