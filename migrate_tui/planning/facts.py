"""What the planner is given: plain facts of the services, findings and ledger entries.

The planning layer sits below the analysis's consumers and the manifest generator: it
imports neither. :mod:`migrate_tui.planning.build` and :mod:`migrate_tui.workspace` fill
these dataclasses in from the analysis and from ``generate_manifests(...).ledger``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrate_tui.analysis.model import ChartMatch, DataStore, ProxyReplacement, Route


@dataclass(frozen=True)
class ServiceFacts:
    """What the plan needs to know of one service, from the analysis."""

    name: str
    service_class: str
    """stateful or stateless."""
    kind: str
    """service, job or dev-only."""
    wave: int
    engine: str | None = None
    """The stateful engine's key in engines.yaml (postgresql, kafka...), if known."""
    software: str | None = None
    """What people call it (PostgreSQL, Kafka), for titles."""
    label: str = ""
    """The name the manifests give its objects (workload, pods, Service), handed over with
    the ledger; ``""`` when the plan is made without the manifests."""
    ports: int = 0
    volumes: int = 0
    builds: bool = False
    gpu: bool = False
    public_ports: bool = False
    template: str | None = None
    """What it runs: its image (or build) with its command and entrypoint. Services of one
    kind with the same template differ only in values (env, ports): copies, one piece of
    work plus a small increment each. None: never a copy."""
    image: str | None = None
    """Its image, or its build's context and Dockerfile. Services of one kind with the same
    image but another command are siblings: they share the image's work (pipeline, config,
    dashboards), not the process's (probes, scaling, cut-over)."""
    depends: bool = False
    """It needs another service (declared ``depends_on`` or inferred from its config)."""
    config: bool = True
    """It has environment, env files, configs or secrets to move."""
    traffic: bool = True
    """Something reaches it: a port of its own (or its engine's), a route, or a service that
    needs it. False for a worker nothing calls (a queue consumer, a housekeeping loop): it
    has no traffic to switch, only a hand-over (planning/evidence_items.py)."""
    healthcheck: bool = False
    """Compose checks its health (a test that runs): the manifests' probes are made from it."""
    checklist: str | None = None
    """The services.yaml section of its checklist when not its kind's or class's
    (``daemon``, ``tool``, ``proxy``: a reverse proxy an Ingress replaces)."""
    stores: tuple[DataStore, ...] = ()
    """The stores it writes that it answers for (planning/evidence_items.py)."""
    routes: tuple[Route, ...] = ()
    """How traffic reaches it."""
    proxy: ProxyReplacement | None = None
    """Set when it is a reverse proxy the cluster's Ingress controller replaces."""
    charts: tuple[ChartMatch, ...] = ()
    """Engine charts or operators that fit it."""


@dataclass(frozen=True)
class FindingFacts:
    """One finding, as the plan uses it."""

    rule: str
    severity: str
    service: str | None
    message: str
    fix: str
    variant: str | None = None
    """The case of the rule (``source`` for a bind mount of source code), if it has cases."""


@dataclass(frozen=True)
class LedgerFacts:
    """One translation-ledger entry the manifests could not simply map (issue 14).

    ``approximated``, ``dropped`` and ``decide`` entries become checklist items; ``mapped``
    ones are not passed in.
    """

    service: str
    key: str
    """A dotted path of the service's config (``healthcheck``, ``depends_on.api``)."""
    status: str
    """approximated, dropped or decide."""
    target: str
    """The manifest file and object it landed in, or what it became."""
    why: str
    """The ledger's sentence (never a value from the compose files)."""
    claim: str = ""
    """The PersistentVolumeClaim a mount's data lands on, named as in the cluster (a claim
    template's first pod's: ``mail-imap-0``); ``""`` for another key."""
    path: str = ""
    """That mount's path in the container."""


@dataclass(frozen=True)
class PlanInput:
    """Everything the plan is computed from."""

    project: str
    services: list[ServiceFacts]
    findings: list[FindingFacts]
    waves: list[list[str]]
    has_secrets: bool = False
    ledger: list[LedgerFacts] = field(default_factory=list)
    """The translation ledger's entries that ask something of the team."""
    stores: tuple[DataStore, ...] = ()
    """Every store services write (the analysis' data inventory)."""
    charts: tuple[ChartMatch, ...] = ()
    """Every chart or operator that fits (whole-application ones among them)."""
