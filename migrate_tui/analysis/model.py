"""What the analysis gives: immutable records every later stage (planning, exports, TUI) reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Every result of the analysis is an immutable record, its fields given by name: plain
# dataclasses, not pydantic models: what the analysis makes is built by our own code
# from input already validated (the Compose schema, the playbooks), so checking it again on
# every construction only cost time (issue 18): 28,000 validations in a 2,000-service plan,
# and at start-up a pydantic class costs about four times a dataclass to build. mypy checks
# the types of what goes in.


Severity = Literal["high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")
"""Severities, most urgent first: the one order every list, count and export follows."""
_SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}


def severity_rank(severity: str) -> int:
    """The place of a severity in :data:`SEVERITIES` (0 most urgent); an unknown one last."""
    return _SEVERITY_RANK.get(severity, len(SEVERITIES))

ServiceClass = Literal["stateful", "stateless"]
ServiceKind = Literal["service", "job", "dev-only", "daemon", "tool"]
KINDS: tuple[ServiceKind, ...] = ("service", "job", "dev-only", "daemon", "tool")
"""What a container is for: a long-running ``service`` (Deployment or StatefulSet), a
one-shot ``job``, a ``dev-only`` aid to retire, a node agent (``daemon``: a DaemonSet) or an
interactive admin ``tool`` (run on demand, never cut over)."""

EdgeKind = Literal[
    "depends_on", "links", "network_mode", "volumes_from", "ipc", "pid", "shared_volume",
    "inferred", "proxy_config",
]
EDGE_KINDS: tuple[EdgeKind, ...] = (
    "depends_on", "links", "network_mode", "volumes_from", "ipc", "pid", "shared_volume",
    "inferred", "proxy_config",
)
ORDERING_KINDS: frozenset[str] = frozenset(EDGE_KINDS) - {"shared_volume", "proxy_config"}
"""Edge kinds that order start-up. A shared volume ties two services but neither needs the
other first, so it stays out of the waves and the cycles; nor does a proxy need the upstreams
its configuration names to start (their Services resolve from the first apply, and it answers
502 until they are ready): supabase's kong and the studio it routes to, which calls kong, are
no start-up cycle."""
INFERRED_KINDS: frozenset[str] = frozenset({"inferred", "proxy_config"})
"""Edge kinds read from what a service calls, not declared: a host in its variables or
command (``inferred``), an upstream in its mounted proxy configuration (``proxy_config``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Where a fact was read: a file, a line, a key path and the text that shows it."""

    file: str
    """The file, relative to the project folder when it is inside it."""
    line: int | None = None
    """1-based line, when known."""
    path: str = ""
    """The dotted key path (``services.web.environment.DATABASE_URL``)."""
    text: str = ""
    """What the file says there, secrets masked."""

    @property
    def where(self) -> str:
        """``file:line`` (or just the file)."""
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    """One reason a service needs another: ``source`` needs ``target``."""

    source: str
    target: str
    kind: EdgeKind
    evidence: Evidence
    condition: str | None = None
    """``depends_on`` only: what Compose waits for."""
    required: bool | None = None
    """``depends_on`` only: False when the source starts without the target."""
    port: int | None = None
    """The target's port named in the evidence (``db:5432``), when there is one."""
    name: str | None = None
    """The name the source calls the target by, when it is not the target's service name:
    its ``container_name``, a network alias, or a link alias (``links: [db:database]``).
    In a cluster only the Service's name resolves (:mod:`migrate_tui.manifests.network`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceAnalysis:
    """What the analysis decided about one service, and why."""

    name: str
    service_class: ServiceClass
    """``stateful`` or ``stateless``; the JSON calls it ``class``."""
    kind: ServiceKind
    reasons: tuple[str, ...]
    """What decided the class, strongest first."""
    kind_reasons: tuple[str, ...] = ()
    """What decided the kind (empty for a plain service)."""
    confidence: float
    """0.5 (a guess) to 1.0 (the user said so)."""
    overridden: bool = False
    """The class or kind comes from ``x-migrate`` or the progress file."""
    wave: int = 0
    """The start-up wave: 0 needs nothing; wave n needs only services of waves below n."""
    image: str | None = None
    software: str | None = None
    """The catalogue's name for what it runs (``PostgreSQL``), when it knows it; None for a
    job or a dev tool, whatever image it runs."""
    engine: str | None = None
    """The catalogue's id for what it runs (``postgresql``), None where ``software`` is: the
    key of its data sub-plan."""
    category: str | None = None
    """The catalogue's category (``database``, ``queue``...), when it knows it."""
    ports: tuple[int, ...] = ()
    """Ports clients use: the service's own, else the catalogue's."""
    healthcheck_ports: tuple[int, ...] = ()
    """Ports its own healthcheck calls on itself (``wget http://localhost:9999/health``):
    ports it listens on, whether or not a Compose key names them
    (:func:`.graph.healthcheck_ports`)."""
    active: bool = True
    """False for a service whose profiles are not enabled."""
    profiles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """Something to change, decide or know before the service runs on Kubernetes."""

    rule: str
    severity: Severity
    service: str | None
    """The service, or None for a project-wide finding (a shared volume)."""
    message: str
    fix: str
    """What to do, in Kubernetes terms."""
    evidence: Evidence
    variant: str | None = None
    """The case of the rule (``config`` for a bind mount of a config file), if it has cases."""


AccessMode = Literal["ReadWriteOnce", "ReadWriteMany"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DataStore:
    """A volume or host folder that services write: what is in it, who writes it, how it
    moves (:mod:`.data`)."""

    id: str
    """``volume pgdata``, ``bind mount ./uploads``, ``anonymous volume db:/data``."""
    type: Literal["volume", "bind", "anonymous"]
    writers: tuple[str, ...]
    """The services that mount it writable, sorted."""
    readers: tuple[str, ...] = ()
    """The services that mount it read-only, sorted."""
    paths: tuple[str, ...]
    """``service:/path`` of every mount of it, sorted."""
    data: str
    """What it holds: an engine's id from the catalogue (``postgresql``), ``files``, or
    ``cache`` (an engine with persistence off): the key of its copy runbook."""
    software: str | None = None
    """The catalogue's name for the engine (``PostgreSQL``), when it is one."""
    access_mode: AccessMode
    """ReadWriteMany when several services write it (or object storage): never a
    volumeClaimTemplate per pod."""
    backup: bool
    """False for a cache with persistence off: nothing to back up or restore."""
    reason: str
    """Why it holds that kind of data."""
    evidence: Evidence


PortFrom = Literal["only", "lowest", "catalogue"]
"""Where a route's port comes from when its proxy's labels name none (:class:`Route`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """How traffic reaches a service from outside (:mod:`.routing`)."""

    service: str
    source: Literal["traefik", "nginx-proxy", "caddy", "published"]
    """What the route was read from: a proxy's labels or variables, or a published port."""
    hosts: tuple[str, ...] = ()
    """Host names (``Host(`app.example.com`)``, ``VIRTUAL_HOST``); empty for a bare port."""
    path: str | None = None
    """A path (``PathPrefix(`/api`)``, ``Path(`/health`)``), when the rule has one."""
    path_type: Literal["Prefix", "Exact"] = "Prefix"
    """How :attr:`path` matches: ``Exact`` for Traefik's ``Path``, else a prefix."""
    path_regexp: str | None = None
    """A path the rule matches by a regular expression (Traefik's ``PathRegexp``, or a
    ``{name:regexp}`` placeholder in v2's ``Path``): an Ingress has no such match."""
    port: int | None = None
    """The container port the route sends to, when known."""
    port_from: PortFrom | None = None
    """Where :attr:`port` comes from when the labels or variables name none (Traefik's port
    detection): the ``only`` port the service declares, the ``lowest`` of several, or the
    ``catalogue``'s port of its image; None when they name it (or it is published)."""
    port_end: int | None = None
    """The last container port of a published range (``20000-20050/udp``), else None."""
    published: int | None = None
    """The host port, for a published port (the first of a range)."""
    protocol: str = "tcp"
    tls: bool = False
    """The proxy terminates TLS for it (a cert resolver, ``LETSENCRYPT_HOST``, Caddy)."""
    websocket: bool = False
    """It carries WebSockets (said by the labels, the name or the variables)."""
    target: Literal["Ingress", "LoadBalancer", "ClusterIP"]
    """What replaces it: an Ingress for HTTP, a LoadBalancer Service for other traffic,
    a ClusterIP (kept internal) for a data store published for a person at the host."""
    notes: tuple[str, ...] = ()
    evidence: Evidence


@dataclass(frozen=True, slots=True, kw_only=True)
class ProxyReplacement:
    """A reverse proxy with no upstreams of its own: replaced by an Ingress, not migrated."""

    service: str
    software: str
    """Traefik, nginx-proxy, caddy-docker-proxy."""
    routes: int
    """How many routes of the other services it carried."""
    reason: str
    """Why it has no upstreams of its own (``reads the Docker socket...``)."""
    label_driven: bool = False
    """It finds its routes in the other services' labels through the Docker socket, which
    a cluster does not have: it is not deployed, its routes become those services' own
    Ingresses. A proxy with its own configuration (nginx.conf) runs as it is, behind an
    Ingress, until its rules are carried over."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChartMatch:
    """An upstream Helm chart or operator that fits a service or the whole project."""

    id: str
    """The catalogue's id (``cloudnative-pg``)."""
    name: str
    kind: Literal["operator", "chart"]
    scope: Literal["service", "project"]
    services: tuple[str, ...]
    """The services it would run (all that matched)."""
    url: str
    saves: str
    """What adopting it saves, in words."""
    saves_days: float
    """Person-days it saves, per service (scope service) or for the project."""
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Analysis:
    """The analysis of a project: the entry point's result."""

    project: str
    """The project's name."""
    services: dict[str, ServiceAnalysis]
    """Every service, active or not, by name (sorted)."""
    edges: tuple[Edge, ...]
    """Sorted by source, target, kind."""
    waves: tuple[tuple[str, ...], ...]
    """Start-up order: dependencies first; within a wave, most depended-on first."""
    cycles: tuple[tuple[str, ...], ...]
    """Each a path starting at its smallest name (the edge back to it implied)."""
    findings: tuple[Finding, ...]
    """Most severe first."""
    data: tuple[DataStore, ...] = ()
    """Every volume and host folder services write, by id (:mod:`.data`)."""
    routes: tuple[Route, ...] = ()
    """How traffic gets in, by service (:mod:`.routing`)."""
    proxies: tuple[ProxyReplacement, ...] = ()
    """Reverse proxies an Ingress replaces."""
    charts: tuple[ChartMatch, ...] = ()
    """Upstream charts and operators that fit (:mod:`.charts`)."""
    warnings: tuple[str, ...] = ()
    """Files the analysis could not read (a proxy's configuration: :mod:`.proxy_config`),
    said as the loader says its warnings: the analysis went on without them."""

    @property
    def not_deployed(self) -> frozenset[str]:
        """The label-driven proxies: not deployed, their routes are the other services' own
        Ingresses; their findings and keys are about a container that will not run."""
        return frozenset(p.service for p in self.proxies if p.label_driven)

    def findings_for(self, service: str) -> list[Finding]:
        """The findings of one service, most severe first."""
        return [f for f in self.findings if f.service == service]
