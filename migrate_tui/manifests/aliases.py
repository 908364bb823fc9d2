"""The names clients call a service by that are not its name: a Service each, or a decision.

In Compose a client reaches a service by its name, its ``container_name``, a network alias
or a link alias (``links: [db:database]``); in a cluster only a Service's name resolves.
The analysis keeps the name a client used (:attr:`~migrate_tui.analysis.model.Edge.name`,
read into :attr:`~.facts.ServiceFacts.called`). For each such name that can be a Service's
name and that no other Service needs, the pod gets one more Service of that name, with the
same selector and the ports those clients use, so the clients' configuration works
unchanged (its NetworkPolicy already admits them: it selects the same pods). Any other name
is a decision for the client's setting, and for the service's callers in the plan.
"""

from __future__ import annotations

from migrate_tui.manifests.common import Obj, Part, metadata, selector, target
from migrate_tui.manifests.facts import CalledName, Context, ServiceFacts
from migrate_tui.manifests.names import service_name_problem


def _declared(ctx: Context, f: ServiceFacts) -> list[tuple[str, str, str]]:
    """(service, key, name) of each container name and network alias of the pod's
    services that is not the service's own name, in key order."""
    out = []
    for name in (f.name, *f.sidecars):
        svc = ctx.facts[name].svc if name != f.name else f.svc
        if svc.container_name and svc.container_name != name:
            out.append((name, "container_name", svc.container_name))
        for network, config in sorted(svc.networks.items()):
            for alias in (config or {}).get("aliases") or []:
                if isinstance(alias, str) and alias != name:
                    out.append((name, f"networks.{network}.aliases", alias))
    return out


def _what(key: str) -> str:
    """What a key that declares a name calls it."""
    return "its container name" if key == "container_name" else "its network alias"


def _setting(c: CalledName) -> str:
    """The client's setting that names it, in words."""
    if c.setting.startswith("environment."):
        return c.setting.removeprefix("environment.")
    if c.setting.startswith("links"):
        return f"its link {c.setting}"
    return f"its {c.setting}"


def _why_not(f: ServiceFacts, c: CalledName) -> str | None:
    """Why no Service can take the name, in words, or None when one can."""
    if not f.ports:
        return "no Service can be named so: no Compose key gives it a port clients use"
    problem = service_name_problem(c.name)
    if problem is not None:
        return f"it cannot be a Service name ({problem})"
    if c.clash is not None:
        return f"no Service of its own can be named so: {c.clash}"
    return None


def _ports(f: ServiceFacts, uses: list[CalledName]) -> list[Obj]:
    """The Service ports of the pod those clients use (every port when one names none)."""
    used = {c.port for c in uses}
    ports = [p for p in f.ports if p.port in used] if None not in used else []
    return [{"name": p.name, "port": p.port, "targetPort": p.port, "protocol": p.protocol}
            for p in ports or f.ports]


def build_aliases(ctx: Context, f: ServiceFacts) -> Part:
    """A Service for each name clients call the pod's services by that can be one; the
    ledger's line on each container name, network alias and link alias, and a decision on
    each client setting whose name cannot resolve."""
    part = Part()
    if f.workload is None or f.workload in ("Job", "CronJob"):
        return part
    if not (f.called or f.sidecars or f.svc.container_name
            or any(config and config.get("aliases") for config in f.svc.networks.values())):
        return part  # (most services: no name but their own)
    main = target(f, "Service", f.label)
    by_name: dict[tuple[str, str], list[CalledName]] = {}
    for c in f.called:
        by_name.setdefault((c.service, c.name), []).append(c)
    made: dict[tuple[str, str], str] = {}
    callers: list[str] = []
    links = ctx.keys.keys.get("links")
    for (service, name), uses in sorted(by_name.items()):
        problem = _why_not(f, uses[0])
        if problem is None:
            if name not in {n for _, n in made}:  # (a sidecar may answer to it too)
                part.objects.append({"apiVersion": "v1", "kind": "Service",
                                     "metadata": metadata(ctx, f, name),
                                     "spec": {"type": "ClusterIP", "selector": selector(ctx, f),
                                              "ports": _ports(f, uses)}})
            made[service, name] = target(f, "Service", name)
        fqdn = f"{f.label}.<namespace>.svc.cluster.local"
        for c in uses:
            if problem is None and c.setting.startswith("links"):
                part.note(c.client, c.setting, "mapped", made[service, name],
                          f"the link alias {name}: a Service of that name selects "
                          f"{service}'s pods, so {c.client} calls it unchanged")
            elif problem is not None:
                part.note(c.client, c.setting, "decide", main,
                          f"{c.client} calls {service} by the name {name}, which will "
                          f"not resolve in the cluster: {problem}; point {_setting(c)} at "
                          f"{f.label} (or the FQDN {fqdn})")
            if c.setting.startswith("links") and links is not None:
                # (the key's own line, which this one covers)
                part.note(c.client, "links", links.status, links.target, links.why)
        if problem is not None:
            clients = ", ".join(sorted({c.client for c in uses}))
            settings = ", ".join(sorted({_setting(c) for c in uses}))
            callers.append(f"{clients} call {service} by the name {name}, which will "
                           f"not resolve in the cluster: {problem}; point {settings} at "
                           f"{f.label} (or the FQDN {fqdn})")
    for service, key, name in _declared(ctx, f):
        uses = by_name.get((service, name), [])
        clients = ", ".join(sorted({c.client for c in uses}))
        if (service, name) in made:
            part.note(service, key, "mapped", made[service, name],
                      f"{clients} call it {name} ({_what(key)}): a Service of that name "
                      f"selects its pods, on the ports they use")
        elif uses:
            part.note(service, key, "decide", main,
                      f"{clients} call it {name} ({_what(key)}), a name no Service of it can "
                      f"have: they must call it {f.label} (its callers' line says how)")
        elif name in ctx.project.services:
            part.note(service, key, "decide", main,
                      f"{name} is the name of the service {name}, which keeps it: Compose "
                      f"answered it with both services' containers, the cluster with "
                      f"{name}'s Service only; a client meaning {service} must call it "
                      f"{f.label}")
        elif key != "container_name":  # (keys.yaml's line says it for a container name)
            part.note(service, key, "dropped", "",
                      f"no service is known to call it {name} (no variable, command or link "
                      f"names it): only its Service's name, {f.label}, resolves in the "
                      "cluster")
        if key.startswith("networks.") and "networks" in ctx.keys.keys:
            rule = ctx.keys.keys["networks"]  # (the key's own line, which this one covers)
            part.note(service, "networks", rule.status, rule.target, rule.why)
    for line in callers:
        part.note(f.name, "callers", "decide", main, line)
    return part
