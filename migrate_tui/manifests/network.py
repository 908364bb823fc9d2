"""How a service is reached: Services, Ingresses, NetworkPolicies, and its disruption budget."""

from __future__ import annotations

import re

from migrate_tui.analysis.model import Route
from migrate_tui.analysis.routing import is_loopback, load_routing
from migrate_tui.manifests.common import Obj, Part, metadata, selector, target
from migrate_tui.manifests.facts import Context, PortUse, ServiceFacts
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
    if f.workload == "StatefulSet":
        spec: Obj = {"clusterIP": "None", "selector": selector(ctx, f),
                     "publishNotReadyAddresses": True}
        if f.ports:
            spec["ports"] = _service_ports(f)
        part.objects.append({"apiVersion": "v1", "kind": "Service",
                             "metadata": metadata(ctx, f, headless_name(f)), "spec": spec})
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
    return part


_ROUTE_SOURCES = {"traefik": "the Traefik Host rule", "nginx-proxy": "VIRTUAL_HOST",
                  "caddy": "the caddy label"}


def _proxy_routes(ctx: Context, f: ServiceFacts) -> tuple[Route, ...]:
    """The routes the analysis read from a proxy's labels or variables for this service
    (analysis/routing.py: the one reader of Traefik, nginx-proxy and Caddy)."""
    return ctx.proxy_routes.get(f.name, ())


def ingress_hosts(ctx: Context, f: ServiceFacts) -> tuple[list[tuple[str, str]], str]:
    """(host, path) pairs from Traefik rules, VIRTUAL_HOST or Caddy labels, and where."""
    routes = [r for r in _proxy_routes(ctx, f) if r.hosts]
    found = [(h, r.path or "/") for r in routes for h in r.hosts]
    return found, _ROUTE_SOURCES[routes[0].source] if routes else ""


def _routed_port(ctx: Context, f: ServiceFacts) -> int | None:
    return next((r.port for r in _proxy_routes(ctx, f) if r.port), None)


def _web_ports(ctx: Context, f: ServiceFacts) -> tuple[list[PortUse], list[PortUse]]:
    """(the ports an Ingress sends to, the published TCP ports): published HTTP ports and
    the port a proxy's labels route to by host name."""
    if f.workload not in ("Deployment", "StatefulSet", "DaemonSet"):
        return [], []
    http = set(load_routing().http_ports)  # the analysis' list: one source
    routed = _routed_port(ctx, f)
    published = [p for p in f.ports if p.published and p.protocol == "TCP"]
    web = [p for p in published if p.port in http or p.port == routed]
    # A proxy's labels route here (by host, by path, or both): the Ingress replaces them.
    if routed is not None and not any(p.port == routed for p in web):
        web += [p for p in f.ports if p.port == routed]
    if web:  # the Ingress's one backend port first
        first = next((p for p in web if p.port == routed), web[0])
        web = [first] + [p for p in web if p is not first]
    return web, published


def ingress_port(ctx: Context, f: ServiceFacts) -> PortUse | None:
    """The port this service's Ingress sends to, or None when it has no Ingress."""
    return next(iter(_web_ports(ctx, f)[0]), None)


def build_ingress(ctx: Context, f: ServiceFacts) -> Part:
    """An Ingress for published HTTP ports (or a proxy's routing labels)."""
    part = Part()
    web, published = _web_ports(ctx, f)
    for p in published:
        if p not in web:
            part.note(f.name, "ports", "decide", target(f, "Service", f.label),
                      f"port {p.port} is published but does not look like HTTP: expose it "
                      "with a LoadBalancer Service or the ingress controller's TCP routes")
    if f.workload in ("Deployment", "StatefulSet", "DaemonSet"):
        for p in f.ports:
            if p.published and p.protocol != "TCP":
                part.note(f.name, "ports", "decide", target(f, "Service", f.label),
                          f"port {p.port}/{p.protocol.lower()} is published: expose it with a "
                          "LoadBalancer Service (an Ingress carries HTTP only)")
    if not web:
        return part
    port = web[0].port
    hosts, source = ingress_hosts(ctx, f)
    valid: list[tuple[str | None, str]] = [
        (h.lower(), path) for h, path in hosts if _HOSTNAME.fullmatch(h.lower())]
    anyhost = [r for r in _proxy_routes(ctx, f) if not r.hosts and r.port == port]
    where = target(f, "Ingress", f.label)
    if valid:
        part.note(f.name, "labels" if source != "VIRTUAL_HOST" else "environment.VIRTUAL_HOST",
                  "mapped", where, f"the Ingress host comes from {source}")
    elif anyhost:  # Traefik's Path(`/api`) alone: a rule of any host, as Traefik had it
        valid = [(None, r.path or "/") for r in anyhost]
        part.note(f.name, "labels", "mapped", where,
                  f"the Ingress rule comes from {_ROUTE_SOURCES[anyhost[0].source]}: "
                  "any host, as the proxy had it; add the host (and TLS) in an overlay")
    else:
        valid = [(f"{f.label}.example.com", "/")]
        part.note(f.name, "ports", "decide", where,
                  "no host name in the Compose files: the Ingress uses a placeholder host; "
                  "set the real one (and TLS) in an overlay")
    rules: dict[str, list[Obj]] = {}
    for host, path in valid:
        paths = rules.setdefault(host or "", [])
        if path not in [x["path"] for x in paths]:
            paths.append({"path": path, "pathType": "Prefix", "backend": {
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
    routed = ingress_port(ctx, f)
    published = [{"port": p.port, "protocol": p.protocol} for p in f.ports
                 if p.published or p is routed]
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
