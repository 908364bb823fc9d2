"""The analysis as steps, in order: what :func:`analyze` runs.

======  ==========  ===============================================================
 #      step        module
======  ==========  ===============================================================
 1      edges       :mod:`.graph`: declared and inferred dependencies, shared volumes;
                    :mod:`.proxy_config`: the upstreams of a proxy's mounted configuration
 2      order       :mod:`.graph`: cycles and start-up waves
 3      classify    :mod:`.classify`: kind, then class, with reasons and confidence
 4      findings    :mod:`.findings`: every rule, texts from ``playbooks/findings.yaml``
 5      data        :mod:`.data`: every volume and host folder written, and what is in it
 6      routing     :mod:`.routing`: how traffic gets in; proxies an Ingress replaces
 7      charts      :mod:`.charts`: upstream charts and operators that fit
======  ==========  ===============================================================

Steps 1 and 2, the ``x-migrate`` hints and the kinds the classifier finds read the project
alone: :func:`read_project` does them once, and a re-analysis after a class or kind
override (:func:`run_analysis` with ``previous``) reuses them. It classifies again only the
services whose override or shared mounts changed, runs a rule again only when what it read
of the classification changed (kinds, their reasons, ports, probes: noted as it reads
them), and reads again the routes of the services classified again.

Inactive services (their profiles not enabled) are analysed too, marked ``active: false``:
a migration plan covers the whole project, and profile-only services are often the
dev-only tools to retire.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from migrate_tui.analysis.catalogue import Catalogue, ImageEntry, load_catalogue
from migrate_tui.analysis.charts import matching_charts
from migrate_tui.analysis.classify import (
    Incoming,
    check_overrides,
    classify,
    hint_of,
    kind_of,
    mount_key,
)
from migrate_tui.analysis.data import data_inventory
from migrate_tui.analysis.dev import only_in_dev_files
from migrate_tui.analysis.evidence import Locator
from migrate_tui.analysis.findings import Findings, RuleContext, find, load_findings_playbook
from migrate_tui.analysis.graph import Edges, build_edges, healthcheck_ports, start_order
from migrate_tui.analysis.model import (
    Analysis,
    Finding,
    ServiceAnalysis,
    ServiceKind,
)
from migrate_tui.analysis.proxy_config import proxy_upstreams
from migrate_tui.analysis.routing import Routing, load_routing, read_routes
from migrate_tui.compose.model import Project, Service
from migrate_tui.errors import AnalysisError
from migrate_tui.gc_pause import gc_paused


def _ports(svc: Service, catalogue_ports: list[int]) -> tuple[int, ...]:
    declared = [p.target for p in svc.ports]
    for entry in svc.expose:
        head = str(entry).split("/")[0].split("-")[0]
        if head.isdigit():
            declared.append(int(head))
    return tuple(sorted(set(declared))) or tuple(catalogue_ports)


def _probe(entry: ImageEntry | None) -> str | None:
    return entry.probe if entry is not None else None


def _raise_all(problems: list[AnalysisError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    first = problems[0]
    raise AnalysisError(
        f"{len(problems)} problems with x-migrate hints:\n" +
        "\n".join(p.render() for p in problems),
        location=first.location, path=first.path, hint=first.hint,
    )


@dataclass(frozen=True)
class ProjectReading:
    """What the analysis reads of the project alone: the same whatever the overrides."""

    project: Project
    catalogue: Catalogue
    services: dict[str, Service]
    """Every service, active or not, by name (sorted)."""
    locator: Locator
    dependencies: Edges
    incoming: dict[str, list[Incoming]]
    """How the other services depend on each one."""
    hints: dict[str, dict[str, Any]]
    """Each service's checked ``x-migrate`` class and kind."""
    found_kinds: dict[str, tuple[ServiceKind, list[str]]]
    """The kind the classifier finds for each service, with its reasons."""
    waves: list[list[str]]
    cycles: list[tuple[str, ...]]
    wave_of: dict[str, int]


@gc_paused
def read_project(project: Project, catalogue: Catalogue | None = None) -> ProjectReading:
    """Steps 1 and 2 and what the classifier reads of each service on its own.

    Raises:
        AnalysisError: An ``x-migrate`` hint is malformed (all of them are listed).
    """
    catalogue = catalogue or load_catalogue()
    services: dict[str, Service] = dict(sorted({**project.inactive_services,
                                                **project.services}.items()))
    locator = Locator(project)
    known = load_routing()
    upstreams = proxy_upstreams(services, project.working_dir, catalogue,
                                known.proxy_config, frozenset(known.proxy_servers))
    dependencies = build_edges(services, locator, catalogue, upstreams.edges,
                               upstreams.warnings)

    incoming: dict[str, list[Incoming]] = {name: [] for name in services}
    for name, svc in services.items():
        for target, dep in svc.depends_on.items():
            if target in incoming and target != name:
                incoming[target].append(Incoming(name, dep.condition, dep.required))

    problems: list[AnalysisError] = []
    hints = {}
    for name, svc in services.items():
        hints[name], found = hint_of(svc, locator)
        problems += found
    if problems:
        _raise_all(problems)

    only_dev = only_in_dev_files(project)
    found_kinds = {name: kind_of(svc, incoming[name], catalogue, only_dev.get(name))
                   for name, svc in services.items()}
    waves, cycles = start_order(services, dependencies.rows)
    return ProjectReading(
        project=project, catalogue=catalogue, services=services, locator=locator,
        dependencies=dependencies, incoming=incoming, hints=hints, found_kinds=found_kinds,
        waves=waves, cycles=cycles,
        wave_of={n: i for i, wave in enumerate(waves) for n in wave},
    )


ClassifyInputs = tuple[Mapping[str, Any] | None, dict[str, list[str]]]
"""What classifying a service reads beyond the :class:`ProjectReading`: its override and,
for each mount it shares, the other services writing it (which depends on their kinds)."""

RuleInputs = tuple[dict[str, ServiceKind], dict[str, tuple[str, ...]],
                   dict[str, tuple[int, ...]], dict[str, str | None]]
"""What the rules read of the classification: kinds, kind reasons, ports, probes."""


@dataclass(frozen=True)
class Classified:
    """One service's classification, and what it was made from."""

    inputs: ClassifyInputs
    analysis: ServiceAnalysis
    probe: str | None
    """The catalogue's readiness check for what it runs (rules read it)."""


@dataclass(frozen=True)
class AnalysisRun:
    """An analysis, and what a re-analysis after an override may reuse of it."""

    analysis: Analysis
    reading: ProjectReading
    classified: dict[str, Classified]
    rule_inputs: RuleInputs
    findings: tuple[Finding, ...]
    rules: Findings
    """Each rule's run: a rule whose reads of :data:`RuleInputs` are unchanged is reused."""
    routing: Routing
    """Each service's routes: read again only for a service classified again."""


def _shared_by(reading: ProjectReading,
               kinds: Mapping[str, str]) -> dict[str, dict[str, list[str]]]:
    """Which long-running services write to the same volume or host folder: that is shared
    files, not one service's state. A job or a dev tool mounting it does not count."""
    sharing: dict[str, set[str]] = {}
    for name, svc in reading.services.items():
        if kinds[name] != "service":
            continue
        for mount in svc.volumes:
            key = mount_key(mount)
            if key and not mount.read_only:
                sharing.setdefault(key, set()).add(name)
    shared_by: dict[str, dict[str, list[str]]] = {name: {} for name in reading.services}
    for key, users in sharing.items():
        if len(users) > 1:
            for name in users:
                shared_by[name][key] = sorted(users - {name})
    return shared_by


def _classified(reading: ProjectReading, name: str, inputs: ClassifyInputs) -> Classified:
    """Classify one service and make its analysis."""
    svc, project = reading.services[name], reading.project
    override, shared = inputs
    c = classify(svc, reading.incoming[name], reading.catalogue, reading.hints[name],
                 override, shared, project.working_dir, reading.found_kinds[name])
    # A job that runs a database's image (to load a schema, create topics) is no database.
    entry = c.entry if c.kind == "service" else None
    a = ServiceAnalysis(
        name=name, service_class=c.service_class, kind=c.kind, reasons=tuple(c.reasons),
        kind_reasons=tuple(c.kind_reasons), confidence=c.confidence, overridden=c.overridden,
        wave=reading.wave_of.get(name, 0), image=svc.image,
        software=entry.name if entry else None,
        engine=entry.id if entry else None,
        category=entry.category if entry else None,
        ports=_ports(svc, entry.ports if entry else []),
        healthcheck_ports=healthcheck_ports(svc),
        active=name in project.services, profiles=tuple(svc.profiles),
    )
    return Classified(inputs, a, _probe(c.entry))


@gc_paused
def run_analysis(project: Project, overrides: Mapping[str, Mapping[str, Any]] | None = None,
                 *, catalogue: Catalogue | None = None,
                 previous: AnalysisRun | None = None) -> AnalysisRun:
    """:func:`analyze`, keeping what a re-analysis may reuse.

    Args:
        project: The loaded project.
        overrides: Per service, ``{"class": ..., "kind": ...}`` from the progress file.
        catalogue: The catalogue to classify with; the playbooks' when None.
        previous: An earlier run: what it read of the same project (the same object, with
            the same catalogue) is reused; a service is classified again only when its
            inputs (:data:`ClassifyInputs`) differ, the rules run again only when their
            inputs (:data:`RuleInputs`) do. The result equals a run without it.

    Raises:
        AnalysisError: An ``x-migrate`` hint or an override is malformed.
        PlaybookError: A playbook file is missing or invalid.
    """
    catalogue = catalogue or load_catalogue()
    checked = check_overrides(overrides)
    if previous is not None and (previous.reading.project is not project
                                 or previous.reading.catalogue is not catalogue):
        previous = None
    reading = previous.reading if previous is not None else read_project(project, catalogue)
    services = reading.services
    hints, found_kinds = reading.hints, reading.found_kinds
    decided_kinds = {name: checked.get(name, {}).get("kind") or hints[name].get("kind") or
                     found_kinds[name][0] for name in services}
    shared_by = _shared_by(reading, decided_kinds)

    # Each service is classified and its analysis made in one pass, and what the rules read
    # of it taken then: read again in another pass, a service comes from memory again.
    before = previous.classified if previous is not None else {}
    classified: dict[str, Classified] = {}
    analysed: dict[str, ServiceAnalysis] = {}
    kinds, kind_reasons, ports, probes = {}, {}, {}, {}
    for name in services:
        inputs: ClassifyInputs = (checked.get(name), shared_by[name])
        done = before.get(name)
        if done is None or done.inputs != inputs:
            done = _classified(reading, name, inputs)
        classified[name] = done
        analysed[name] = a = done.analysis
        kinds[name], kind_reasons[name], ports[name] = a.kind, a.kind_reasons, a.ports
        probes[name] = done.probe

    rule_inputs: RuleInputs = (kinds, kind_reasons, ports, probes)
    if previous is not None and previous.rule_inputs == rule_inputs:
        findings, rules = previous.findings, previous.rules
    else:
        dependencies = reading.dependencies
        ctx = RuleContext(
            project=project, services=services, kinds=kinds, kind_reasons=kind_reasons,
            ports=ports, probes=probes, edges=tuple(dependencies.edges),
            edge_rows=dependencies.rows, locator=reading.locator, catalogue=catalogue,
        )
        rules = find(ctx, load_findings_playbook(),
                     previous.rules if previous is not None else None)
        findings = tuple(rules.findings)
    edges = tuple(reading.dependencies.edges)
    data = data_inventory(services, analysed, catalogue, reading.locator, project.working_dir)
    routing = read_routes(services, analysed, edges, catalogue, reading.locator,
                          previous=previous.routing if previous is not None else None)
    charts = matching_charts(analysed, catalogue)
    analysis = Analysis(
        project=project.name, services=analysed, edges=edges,
        waves=tuple(tuple(w) for w in reading.waves), cycles=tuple(reading.cycles),
        findings=findings, data=tuple(data), routes=tuple(routing.routes),
        proxies=tuple(routing.proxies),
        charts=tuple(charts), warnings=reading.dependencies.warnings,
    )
    return AnalysisRun(analysis, reading, classified, rule_inputs, findings, rules, routing)


def without_overrides(reading: ProjectReading,
                      names: Iterable[str]) -> dict[str, ServiceAnalysis]:
    """The analysis of each of ``names`` as it would be without any override (an
    ``x-migrate`` hint still counts): what :func:`analyze` without overrides gives them,
    classifying only them."""
    kinds = {name: reading.hints[name].get("kind") or reading.found_kinds[name][0]
             for name in reading.services}
    shared_by = _shared_by(reading, kinds)
    return {name: _classified(reading, name, (None, shared_by[name])).analysis
            for name in names}


def analyze(project: Project, overrides: Mapping[str, Mapping[str, Any]] | None = None,
            *, catalogue: Catalogue | None = None) -> Analysis:
    """Analyse a loaded project: dependencies, classes and kinds, order, findings.

    Args:
        project: The project from :func:`migrate_tui.compose.loader.load_project`.
        overrides: Per service, ``{"class": ..., "kind": ...}`` from the progress file;
            they win over ``x-migrate`` hints and the classifier.
        catalogue: The catalogue to classify with; the playbooks' when None.

    Returns:
        The analysis, deterministic for a given project.

    Raises:
        AnalysisError: An ``x-migrate`` hint or an override is malformed (all of them
            are listed).
        PlaybookError: A playbook file is missing or invalid.
    """
    return run_analysis(project, overrides, catalogue=catalogue).analysis
