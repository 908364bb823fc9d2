"""What the builders read about each service, worked out once from the typed analysis.

:func:`project_facts` decides, for every service, its workload kind (with the reason),
its Kubernetes name, the ports its clients really use, which variables are secrets, what
each volume becomes, and who depends on it. Builders read these facts and nothing else
of the Compose files, so a rule (which port is published, which value is a secret) lives
in one place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from migrate_tui.analysis.catalogue import (
    Catalogue,
    ImageEntry,
    image_repository,
    load_catalogue,
)
from migrate_tui.analysis.evidence import Locator
from migrate_tui.analysis.graph import hostnames
from migrate_tui.analysis.model import Analysis, ProxyReplacement, Route, ServiceAnalysis
from migrate_tui.analysis.recorded import Recorded, holds_in
from migrate_tui.analysis.routing import is_loopback
from migrate_tui.compose.model import Project, Service
from migrate_tui.errors import Location, ManifestError
from migrate_tui.manifests.knowledge import KeyTable, ManifestDefaults
from migrate_tui.manifests.model import Status, WorkloadKind
from migrate_tui.manifests.names import dns_label, unique_labels
from migrate_tui.manifests.sensitive import (
    MIN_SCRUBBED,
    URL_PASSWORD,
    is_secret_variable,
    open_values,
    secret_regex,
    secret_values_of,
)
from migrate_tui.manifests.volumes import (
    VolumeInputs,
    VolumesFrom,
    VolumeUse,
    data_folders,
    inherited_uses,
    shared_named_volumes,
    volume_uses,
    volumes_from_refs,
)

SecretsMode = Literal["generator", "external-secrets"]
MAX_PORT_RANGE = 32
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$")


@dataclass(frozen=True)
class PortUse:
    """A port of a service that something uses."""

    port: int
    protocol: str
    """TCP, UDP or SCTP."""
    published: bool
    """Published on the host in Compose: reachable from outside."""
    name: str
    """The port's name, an IANA service name (``tcp-8080``)."""
    probed: bool = False
    """Only a healthcheck of its pod calling it on the container itself gives it (no
    ``ports``, ``expose``, client, proxy route or catalogue port): the ledger says so."""


@dataclass(frozen=True)
class CalledName:
    """A name a client calls a service of this pod by that is not the service's name
    (the analysis' :attr:`~migrate_tui.analysis.model.Edge.name`): only a Service's name
    resolves in a cluster."""

    name: str
    """The name used: a ``container_name``, a network alias or a link alias."""
    service: str
    """The service that answers to it (this pod's service or one of its sidecars)."""
    client: str
    """The client service."""
    setting: str
    """The client's key that names it (``environment.XMPP_SERVER``, ``links[0]``)."""
    port: int | None
    """The port it calls there, when named."""
    clash: str | None = None
    """Why no Service of this pod may take the name though it is a valid one, in words
    (``the Service of db has that name``, ``web answers to it too``); None when none."""


@dataclass(frozen=True)
class ServiceFacts:
    """Everything a builder needs about one service."""

    name: str
    label: str
    """The DNS-1035 name of its objects."""
    svc: Service
    analysis: ServiceAnalysis
    workload: WorkloadKind | None
    workload_why: str
    file: str
    """The manifest file of the service (``api.yaml``)."""
    source: str
    """``file:line`` of the service in the Compose files."""
    ports: tuple[PortUse, ...] = ()
    secret_env: frozenset[str] = frozenset()
    volumes: tuple[VolumeUse, ...] = ()
    sidecars: tuple[str, ...] = ()
    """Services whose ``network_mode: service:<this>`` puts them in this pod."""
    owner: str | None = None
    """The service whose pod this one runs in (``network_mode: service:X``)."""
    dependants: Mapping[str, frozenset[int]] = field(default_factory=dict)
    """Deployed services that need this one, each with the ports named (empty: any)."""
    hint: Mapping[str, Any] = field(default_factory=dict)
    """The service's ``x-migrate`` keys the generator reads (``storage``, ``schedule``)."""
    software_entry: Any = None
    """The catalogue entry of what it runs, when known."""
    repository: str = ""
    """The image's repository path (``bitnami/redis``), or ``""``."""
    called: tuple[CalledName, ...] = ()
    """The names other than a service's own that clients call this pod's services by,
    sorted by name and client."""
    rebound: Mapping[str, str] = field(default_factory=dict)
    """Listener variables whose host was the service's own name, with 0.0.0.0 in its place
    (:func:`rebound_listeners`): the name is the Service's address in the cluster."""
    env_review: Mapping[str, tuple[Status, str]] = field(default_factory=dict)
    """Variables the base keeps as they are but whose value is not the cluster's, each with
    its ledger status and why: a name of a service that is not deployed
    (``SMTP_HOST=mailpit``, a dev-only tool: ``decide``), a development setting (the
    analysis' ``dev-setting``: ``mapped``, as the plan's ``project.dev-settings`` item
    already asks for the production values)."""

    @property
    def deployed(self) -> bool:
        """True when the service runs in the cluster (its own workload or a pod's)."""
        return self.workload is not None or self.owner is not None


@dataclass(frozen=True)
class Context:
    """The project, its analysis and what the builders share."""

    project: Project
    analysis: Analysis
    defaults: ManifestDefaults
    keys: KeyTable
    facts: Mapping[str, ServiceFacts]
    """Every service, active or not, by Compose name (sorted)."""
    project_label: str
    secrets_mode: SecretsMode = "generator"
    locator: Locator | None = None
    secret_values: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Each secret value of the project -> (service, variable) that holds it: where it
    shows in a command or a probe, a reference to that variable replaces it."""
    secret_pattern: re.Pattern[str] | None = None
    """Finds any of ``secret_values`` in a text (None when the project has none)."""
    proxy_routes: Mapping[str, tuple[Route, ...]] = field(default_factory=dict)
    """Each service's routes read from a proxy's labels or variables (not its own
    published ports), indexed once: the builders ask for them per service."""

    @property
    def env_secret_name(self) -> str:
        """The Secret holding every secret variable (from ``secrets.env``)."""
        return f"{self.project_label}-env-secrets"

    def deployed(self) -> tuple[ServiceFacts, ...]:
        """Services that run in the cluster, by name."""
        return self._deployed

    @cached_property
    def _deployed(self) -> tuple[ServiceFacts, ...]:
        # Found once: four of the project-wide steps ask (2 ms at 2,000 services each time).
        return tuple(f for f in self.facts.values() if f.deployed)


def proxy_routes_of(analysis: Analysis) -> dict[str, tuple[Route, ...]]:
    """Each service's routes read from a proxy's labels or variables, by service."""
    found: dict[str, list[Route]] = {}
    for r in analysis.routes:
        if r.source != "published":
            found.setdefault(r.service, []).append(r)
    return {name: tuple(routes) for name, routes in found.items()}


def _ports(svc: Service, analysis: ServiceAnalysis, inferred: set[int],
           sidecar_services: list[Service], routed: frozenset[int] = frozenset(),
           probed: frozenset[int] = frozenset(),
           ) -> tuple[tuple[PortUse, ...], list[str]]:
    """The ports of its pod: published, exposed, those others reach it on (``inferred``),
    those a proxy's labels or variables route to (``routed``: Traefik's service port,
    nginx-proxy's VIRTUAL_PORT), those its pod's healthchecks call on it (``probed``: the
    analysis' ``healthcheck_ports``), those its image is known to listen on."""
    found: dict[tuple[int, str], bool] = {}
    too_wide: list[str] = []

    def add(port: int, protocol: str, published: bool) -> None:
        if 1 <= port <= 65535:
            key = (port, protocol.upper())
            found[key] = found.get(key, False) or published

    for owner in [svc, *sidecar_services]:
        for p in owner.ports:
            # on the host's loopback only: nobody outside reaches it, nor will in the cluster
            add(p.target, p.protocol or "tcp",
                p.published is not None and not is_loopback(p.host_ip))
        for i, entry in enumerate(owner.expose):
            text, _, proto = str(entry).partition("/")
            low, _, high = text.partition("-")
            if not low.isdigit() or (high and not high.isdigit()):
                continue
            first, last = int(low), int(high or low)
            if last - first >= MAX_PORT_RANGE:
                too_wide.append(f"expose[{i}]")
                last = first
            for port in range(first, last + 1):
                add(port, proto or "tcp", False)
    named = {port for port, _ in found} | inferred | set(analysis.ports) | routed
    for port in sorted(named | probed):
        if not any(k[0] == port for k in found):
            add(port, "tcp", False)
    out = tuple(PortUse(port, proto, pub, f"{proto.lower()}-{port}",
                        probed=port in probed and port not in named)
                for (port, proto), pub in sorted(found.items()))
    return out, too_wide


def _hint(svc: Service, locator: Locator | None) -> dict[str, Any]:
    raw = svc.extensions.get("x-migrate")
    if not isinstance(raw, dict):
        return {}
    out: dict[str, Any] = {}

    def bad(key: str, message: str, fix: str) -> ManifestError:
        ev = locator.key(svc.name, "x-migrate", key) if locator else None
        return ManifestError(message, location=Location(ev.file, ev.line) if ev else None,
                             path=f"services.{svc.name}.x-migrate.{key}", hint=fix)

    if "storage" in raw:
        size = str(raw["storage"])
        if not _QUANTITY.fullmatch(size):
            raise bad("storage", f"x-migrate.storage of {svc.name} is not a size: {size!r}",
                      "write a Kubernetes quantity, like storage: 20Gi")
        out["storage"] = size
    if "schedule" in raw:
        schedule = raw["schedule"]
        if not isinstance(schedule, str) or len(schedule.split()) not in (5, 6):
            raise bad("schedule", f"x-migrate.schedule of {svc.name} is not a cron schedule",
                      'write a cron line, like schedule: "0 3 * * *"')
        out["schedule"] = schedule
    return out


def _workload(name: str, svc: Service, sa: ServiceAnalysis, hint: Mapping[str, Any],
              owner: str | None, defaults: ManifestDefaults,
              replaced: ProxyReplacement | None) -> tuple[WorkloadKind | None, str]:
    if not sa.active:
        return None, "its profiles are not enabled: no workload"
    if sa.kind == "dev-only":
        why = sa.kind_reasons[0] if sa.kind_reasons else "a development tool"
        return None, f"dev-only ({why}): not deployed"
    if replaced is not None:
        return None, (f"{replaced.software} is replaced by the cluster's Ingress controller "
                      "(the routes in the other services' labels are their own Ingresses): "
                      "not deployed")
    if owner is not None:
        return None, f"network_mode: service:{owner} puts it in {owner}'s pod"
    if sa.kind == "job":
        if "schedule" in hint:
            return "CronJob", "a job with an x-migrate schedule"
        why = sa.kind_reasons[0] if sa.kind_reasons else "it runs once"
        return "Job", f"a one-shot job ({why})"
    # The analysis decides what a container is for (analysis/classify.py, one source).
    if sa.kind == "daemon":
        why = sa.kind_reasons[0] if sa.kind_reasons else "a node agent"
        return "DaemonSet", f"a node agent: {why}"
    if sa.kind == "tool":
        # A Deployment at replicas 0, not nothing: the toolbox's image, environment and
        # Secrets stay versioned with the app, and `kubectl scale --replicas=1` then
        # `kubectl exec -it` gives the same toolbox Compose gave; it is never cut over.
        why = sa.kind_reasons[0] if sa.kind_reasons else "an interactive toolbox"
        return "Deployment", (f"an interactive toolbox ({why}): replicas 0; scale it to 1 "
                              "and kubectl exec into it when needed")
    if sa.service_class == "stateful":
        why = sa.reasons[0] if sa.reasons else "it keeps data"
        return "StatefulSet", f"stateful: {why}"
    return "Deployment", "stateless"


@dataclass(frozen=True)
class ProjectReading:
    """What the generator reads of the project alone: the same whatever the analysis says,
    so a re-generation after a class or kind override reuses it."""

    project: Project
    catalogue: Catalogue
    locator: Locator
    services: dict[str, Service]
    """Every service, active or not, by Compose name (sorted)."""
    labels: dict[str, str]
    owners: dict[str, str]
    """The service whose pod each one joins (``network_mode: service:X``), chains followed;
    a dev-only owner is dropped later, when the workloads are known."""
    hints: dict[str, dict[str, Any]]
    secret_env: dict[str, frozenset[str]]
    secret_values: dict[str, tuple[str, str]]
    secret_pattern: re.Pattern[str] | None
    leaks: re.Pattern[str] | None
    """Finds a secret value, or a password in a URL, in a text."""
    project_label: str
    sources: dict[str, str]
    """``file:line`` of each service."""
    images: dict[str, ImageEntry | None]
    """The catalogue's entry of each service's image, when it has one."""
    repositories: dict[str, str]
    """Each service's image repository path, or ``""``."""
    named_volumes: dict[str, list[str]]
    """Each service's named volumes (:func:`~.volumes.shared_named_volumes`)."""
    volumes_from: dict[str, list[VolumesFrom]]
    """Each service's ``volumes_from`` entries (:func:`~.volumes.volumes_from_refs`)."""


def read_project(project: Project, catalogue: Catalogue | None = None) -> ProjectReading:
    """What :func:`project_facts` reads of the project alone.

    Raises:
        ManifestError: An ``x-migrate`` hint the generator reads is malformed.
    """
    catalogue = catalogue or load_catalogue()
    locator = Locator(project)
    services: dict[str, Service] = dict(sorted({**project.inactive_services,
                                                **project.services}.items()))
    owners: dict[str, str] = {}
    for name, svc in services.items():
        mode = svc.network_mode or ""
        if mode.startswith("service:"):
            target = mode.split(":", 1)[1]
            if target in project.services and target != name and name in project.services:
                owners[name] = target
    # A chain (a in b's pod, b in c's) ends in the last one.
    for name in list(owners):
        seen = {name}
        while owners[name] in owners and owners[name] not in seen:
            seen.add(owners[name])
            owners[name] = owners[owners[name]]
    hints = {name: _hint(svc, locator) for name, svc in services.items()}
    secret_env = {name: frozenset(k for k, v in svc.environment.items()
                                  if is_secret_variable(k, v))
                  for name, svc in services.items()}
    values = secret_values_of(services, secret_env)
    pattern = secret_regex(values)
    shown = open_values(services, secret_env)
    passwords = {m: None for name, svc in services.items() for k in secret_env[name]
                 for m in URL_PASSWORD.findall(svc.environment.get(k) or "")
                 if len(m) >= MIN_SCRUBBED and m not in shown}
    leaks = secret_regex({**values, **passwords})
    if leaks is not None:  # a plain variable that holds a secret value is a secret too
        for name, svc in services.items():
            held = {k for k, v in svc.environment.items()
                    if v and k not in secret_env[name] and leaks.search(v)}
            if held:
                secret_env[name] = secret_env[name] | held
    return ProjectReading(
        project=project, catalogue=catalogue, locator=locator, services=services,
        labels=unique_labels(services), owners=owners, hints=hints, secret_env=secret_env,
        secret_values=values, secret_pattern=pattern, leaks=leaks,
        project_label=dns_label(project.name or "project"),
        sources={name: locator.key(name).where for name in services},
        images={name: catalogue.match_image(svc.image) if svc.image else None
                for name, svc in services.items()},
        repositories={name: image_repository(svc.image) if svc.image else ""
                      for name, svc in services.items()},
        named_volumes={name: shared_named_volumes(svc) for name, svc in services.items()},
        volumes_from={name: volumes_from_refs(svc) for name, svc in services.items()},
    )


def project_facts(project: Project, analysis: Analysis, defaults: ManifestDefaults,
                  keys: KeyTable, *, secrets_mode: SecretsMode = "generator",
                  catalogue: Catalogue | None = None,
                  reading: ProjectReading | None = None) -> Context:
    """Work out every service's facts once.

    Args:
        project: The loaded project.
        analysis: Its analysis.
        defaults: The manifest defaults playbook.
        keys: The table of Compose keys.
        secrets_mode: How secret values reach the cluster.
        catalogue: The catalogue; the playbooks' when None.
        reading: What :func:`read_project` read of the same project (with the same
            catalogue), when a caller has it: it is not read again.

    Raises:
        ManifestError: An ``x-migrate`` hint the generator reads is malformed.
    """
    return make_facts(project, analysis, defaults, keys, secrets_mode=secrets_mode,
                      catalogue=catalogue, reading=reading)[0]


FactsKey = tuple[Any, ...]
"""All one service's facts are made from beyond the project's reading: its analysis, its
workload, its pod, the ports others reach it on, its dependants, (when deployed) the
workload its volumes are read for, the host folders it keeps its data in, and the names
clients call it by (:class:`CalledName`)."""


@dataclass(frozen=True)
class MadeFacts:
    """One service's facts, before the volumes it takes from others, and what they were
    made from."""

    key: FactsKey
    users_read: Mapping[str, list[str] | None]
    """The users of each named volume its volumes looked up (recorded as read)."""
    facts: ServiceFacts


def make_facts(project: Project, analysis: Analysis, defaults: ManifestDefaults,
               keys: KeyTable, *, secrets_mode: SecretsMode = "generator",
               catalogue: Catalogue | None = None, reading: ProjectReading | None = None,
               previous: Mapping[str, MadeFacts] | None = None,
               ) -> tuple[Context, dict[str, MadeFacts]]:
    """:func:`project_facts`, keeping what a re-generation may reuse.

    ``previous``: what an earlier call made of the same ``reading`` and ``defaults``; a
    service's facts are reused (the same object) when its :data:`FactsKey` is equal and
    the volumes' users it read are the same. The result equals a call without it.
    """
    catalogue = catalogue or load_catalogue()
    if reading is None or reading.project is not project or reading.catalogue is not catalogue:
        reading = read_project(project, catalogue)
    locator, services, hints = reading.locator, reading.services, reading.hints
    owners = dict(reading.owners)
    sidecars: dict[str, list[str]] = {}
    for name, owner in sorted(owners.items()):
        sidecars.setdefault(owner, []).append(name)

    # The analysis' decision (analysis/routing.py): a reverse proxy driven by the other
    # services' labels is replaced by the Ingress controller, so it gets no workload.
    replaced = {p.service: p for p in analysis.proxies if p.label_driven}
    workloads = {}
    for name, svc in services.items():
        workloads[name] = _workload(name, svc, analysis.services[name], hints[name],
                                    owners.get(name), defaults, replaced.get(name))
    # Owners whose own workload is missing (a dev-only owner) leave the sidecar alone.
    for name, owner in list(owners.items()):
        if workloads[owner][0] is None:
            del owners[name]
            sidecars[owner].remove(name)
            workloads[name] = _workload(name, services[name], analysis.services[name],
                                        hints[name], None, defaults, replaced.get(name))
    deployed = {n for n, (w, _) in workloads.items() if w is not None} | set(owners)

    def pod_of(name: str) -> str:
        return owners.get(name, name)

    users: dict[str, list[str]] = {}
    pods_of: dict[str, set[str]] = {}  # (volume -> the pods of its users: one user a pod)
    for name in sorted(deployed):
        mounted = list(reading.named_volumes[name])
        for ref in reading.volumes_from[name]:  # (from another pod: the same claim)
            if ref.source in deployed and pod_of(ref.source) != pod_of(name):
                mounted += reading.named_volumes[ref.source]
        for vol in mounted:
            pods = pods_of.setdefault(vol, set())
            if pod_of(name) not in pods:
                pods.add(pod_of(name))
                users.setdefault(vol, []).append(name)
    leaks = reading.leaks
    folders = data_folders(analysis.data)
    inputs = VolumeInputs(project, defaults, users, leaks, folders)

    inferred: dict[str, set[int]] = {n: set() for n in services}
    dependants: dict[str, dict[str, set[int]]] = {n: {} for n in services}
    review = _env_review(analysis, services, deployed, workloads)
    proxy_routes = proxy_routes_of(analysis)
    # (a sidecar's routes are its pod's: its owner's ports)
    routed_ports = {name: frozenset(r.port for r in routes if r.port)
                    for name, routes in proxy_routes.items()}
    # (a sidecar's healthcheck calls localhost: its pod, its owner's ports)
    probed_ports = {name: frozenset(sa.healthcheck_ports)
                    for name, sa in analysis.services.items() if sa.healthcheck_ports}
    for edge in analysis.edges:
        if edge.kind == "shared_volume" or edge.target not in services:
            continue
        target = pod_of(edge.target)
        if edge.port is not None:
            inferred[target].add(edge.port)
        if edge.source in deployed and edge.target in deployed:
            source = pod_of(edge.source)
            if source != target:
                named = dependants[target].setdefault(source, set())
                if edge.port is not None:
                    named.add(edge.port)

    called = _called_names(analysis, services, reading.labels, workloads, deployed, pod_of)
    facts: dict[str, ServiceFacts] = {}
    made: dict[str, MadeFacts] = {}
    before = previous or {}
    for name, svc in services.items():
        sa = analysis.services[name]
        workload, why = workloads[name]
        # (a deployed service has a workload, or its pod's owner has: None, not deployed)
        volumes_for = (workload or (workloads[owners[name]][0] if name in owners else None)
                       if name in deployed else None)
        key: FactsKey = (sa, workload, why, owners.get(name), tuple(sidecars.get(name, ())),
                         inferred[name], dependants[name], volumes_for, defaults, leaks,
                         review.get(name, {}),
                         frozenset().union(*(routed_ports.get(s, frozenset())
                                             for s in (name, *sidecars.get(name, ())))),
                         frozenset().union(*(probed_ports.get(s, frozenset())
                                             for s in (name, *sidecars.get(name, ())))),
                         folders.get(name, {}), called.get(name, ()))
        done = before.get(name)
        if done is None or done.key != key or not holds_in(done.users_read, users):
            done = _service_facts(reading, name, svc, sa, key, inputs, catalogue)
        made[name] = done
        facts[name] = done.facts
    own = {name: f.volumes for name, f in facts.items()}
    for name in sorted(deployed):
        refs = reading.volumes_from[name]
        if not refs:
            continue
        taken = {v.volume for v in own[name] if v.volume}
        extra = [u for ref in refs for u in inherited_uses(
            ref, own[ref.source] if ref.source in deployed else None,
            ref.source in deployed and pod_of(ref.source) == pod_of(name), taken)]
        facts[name] = replace(facts[name], volumes=own[name] + tuple(extra))
    return Context(project=project, analysis=analysis, defaults=defaults, keys=keys,
                   facts=facts, project_label=reading.project_label,
                   secrets_mode=secrets_mode, locator=locator,
                   secret_values=reading.secret_values, secret_pattern=reading.secret_pattern,
                   proxy_routes=proxy_routes), made


def _service_facts(reading: ProjectReading, name: str, svc: Service, sa: ServiceAnalysis,
                   key: FactsKey, inputs: VolumeInputs, catalogue: Catalogue) -> MadeFacts:
    """One service's facts, made from its :data:`FactsKey`."""
    (_, workload, why, owner, pod, inferred, dependants, volumes_for, _, _, review, routed,
     probed, _, called) = key
    entry = reading.images[name]
    if entry is None and sa.kind == "service":
        entry = catalogue.match_name(name)
    ports, _ = _ports(svc, sa, inferred, [reading.services[s] for s in pod], routed, probed)
    users = Recorded(inputs.users)
    volumes = () if volumes_for is None else volume_uses(
        name, reading.labels[name], svc, volumes_for, entry, reading.hints[name],
        replace(inputs, users=users), sa)
    label = reading.labels[name]
    facts = ServiceFacts(
        name=name, label=label, svc=svc, analysis=sa, workload=workload,
        workload_why=why, file=f"{label}.yaml", source=reading.sources[name],
        ports=ports if workload is not None else (), secret_env=reading.secret_env[name],
        volumes=volumes, sidecars=pod, owner=owner,
        dependants={k: frozenset(v) for k, v in sorted(dependants.items())},
        hint=reading.hints[name], software_entry=entry, repository=reading.repositories[name],
        env_review=review, called=called,
        rebound=rebound_listeners(svc, inputs.defaults),
    )
    return MadeFacts(key, users.read, facts)


def _called_names(analysis: Analysis, services: Mapping[str, Service],
                  labels: Mapping[str, str],
                  workloads: Mapping[str, tuple[WorkloadKind | None, str]],
                  deployed: set[str], pod_of: Callable[[str], str],
                  ) -> dict[str, tuple[CalledName, ...]]:
    """Each pod's :class:`CalledName` list, by the pod's service: the analysis' edges
    whose client used a name other than the service's, between two deployed pods.

    A name clashes when it is the Service name of another service (its own, or a
    StatefulSet's headless one), or when services of other pods answer to it too (a
    network alias each on its own network).
    """
    found: dict[str, list[CalledName]] = {}
    for edge in analysis.edges:
        if edge.name is None or edge.source not in deployed or edge.target not in deployed:
            continue
        target = pod_of(edge.target)
        if pod_of(edge.source) == target:
            continue
        setting = edge.evidence.path.removeprefix(f"services.{edge.source}.")
        found.setdefault(target, []).append(CalledName(
            name=edge.name, service=edge.target, client=edge.source, setting=setting,
            port=edge.port))
    if not found:
        return {}
    taken = {label: f"the Service of {name} has that name" for name, label in labels.items()}
    taken |= {dns_label(f"{labels[name]}-headless"):
              f"the headless Service of {name} has that name"
              for name, (workload, _) in workloads.items() if workload == "StatefulSet"}
    pods: dict[str, set[str]] = {}  # (every deployed service's, not only those called)
    for name in sorted(deployed):
        for own, _ in hostnames({name: services[name]}).items():
            pods.setdefault(own, set()).add(pod_of(name))
    out = {}
    for pod, names in found.items():
        kept = []
        for c in sorted(names, key=lambda c: (c.name, c.client, c.setting)):
            others = sorted(pods.get(c.name, set()) - {pod})
            clash = taken.get(c.name) or (
                f"{', '.join(others)} {'answers' if len(others) == 1 else 'answer'} to it too"
                if others else None)
            kept.append(replace(c, clash=clash) if clash else c)
        out[pod] = tuple(kept)
    return out


def _env_review(analysis: Analysis, services: Mapping[str, Service], deployed: set[str],
                workloads: Mapping[str, tuple[WorkloadKind | None, str]],
                ) -> dict[str, dict[str, tuple[Status, str]]]:
    """Each service's variables whose value is not the cluster's (``env_review``).

    From the analysis (one source): its inferred edges from a variable
    (``SMTP_HOST=mailpit``) to a service not deployed, and its ``dev-setting`` findings.
    """
    found: dict[str, dict[str, tuple[Status, str]]] = {}
    for edge in analysis.edges:
        if edge.kind != "inferred" or edge.target in deployed or edge.source not in deployed:
            continue
        key = edge.evidence.text.partition("=")[0]
        if key and key in services[edge.source].environment:
            found.setdefault(edge.source, {}).setdefault(key, ("decide", (
                f"{key} names {edge.target}, which is not deployed "
                f"({workloads[edge.target][1]}): "
                "set the cluster's value in an overlay")))
    for f in analysis.findings:
        if f.rule == "dev-setting" and f.service is not None and f.service in services:
            _, _, key = f.evidence.path.partition(f"services.{f.service}.environment.")
            if key:
                found.setdefault(f.service, {}).setdefault(key, ("mapped", (
                    f"a plain variable, through envFrom; {f.message}: set the production "
                    "value in an overlay")))
    return found


def rebound_listeners(svc: Service, defaults: ManifestDefaults) -> dict[str, str]:
    """The variables naming where the service listens (``bind_variables``) whose host is
    its own name or hostname, with ``0.0.0.0`` there: in the cluster that name is its
    Service's address, which the pod cannot bind (``KAFKA_LISTENERS=PLAINTEXT://kafka0:
    29092``, ``SCHEMA_REGISTRY_LISTENERS=http://schemaregistry0:8085``)."""
    pattern = defaults.bind_variables
    if pattern is None:
        return {}
    binds = {k: v for k, v in svc.environment.items() if v and pattern.search(k)}
    if not binds:  # (nearly every service: no pattern of its names made for nothing)
        return {}
    own = {svc.name, str(svc.get("hostname") or ""), str(svc.get("container_name") or "")}
    hosts = "|".join(re.escape(n) for n in sorted(own - {""}))
    at = re.compile(rf"(://)({hosts})(:[0-9]+)")
    return {key: at.sub(r"\g<1>0.0.0.0\g<3>", value)
            for key, value in binds.items() if at.search(value)}
