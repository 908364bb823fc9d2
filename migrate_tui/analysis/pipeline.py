"""The analysis as steps, in order: what :func:`analyze` runs.

======  ==========  ===============================================================
 #      step        module
======  ==========  ===============================================================
 1      edges       :mod:`.graph`: declared and inferred dependencies, shared volumes
 2      order       :mod:`.graph`: cycles and start-up waves
 3      classify    :mod:`.classify`: kind, then class, with reasons and confidence
 4      findings    :mod:`.findings`: every rule, texts from ``playbooks/findings.yaml``
 5      data        :mod:`.data`: every volume and host folder written, and what is in it
 6      routing     :mod:`.routing`: how traffic gets in; proxies an Ingress replaces
 7      charts      :mod:`.charts`: upstream charts and operators that fit
======  ==========  ===============================================================

Inactive services (their profiles not enabled) are analysed too, marked ``active: false``:
a migration plan covers the whole project, and profile-only services are often the
dev-only tools to retire.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from migrate_tui.analysis.findings import RuleContext, load_findings_playbook, run_rules
from migrate_tui.analysis.graph import build_edges, start_order
from migrate_tui.analysis.model import Analysis, ServiceAnalysis
from migrate_tui.analysis.routing import routes_of
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


@gc_paused
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
    catalogue = catalogue or load_catalogue()
    checked = check_overrides(overrides)
    services: dict[str, Service] = dict(sorted({**project.inactive_services,
                                                **project.services}.items()))
    locator = Locator(project)
    dependencies = build_edges(services, locator, catalogue)
    edges = tuple(dependencies.edges)

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

    # Which long-running services write to the same volume or host folder: that is shared
    # files, not one service's state. A job or a dev tool mounting it does not count.
    only_dev = only_in_dev_files(project)
    found_kinds = {name: kind_of(svc, incoming[name], catalogue, only_dev.get(name))
                   for name, svc in services.items()}
    decided_kinds = {name: checked.get(name, {}).get("kind") or hints[name].get("kind") or
                     found_kinds[name][0] for name in services}
    sharing: dict[str, set[str]] = {}
    for name, svc in services.items():
        for mount in svc.volumes:
            key = mount_key(mount)
            if key and not mount.read_only and decided_kinds[name] == "service":
                sharing.setdefault(key, set()).add(name)

    shared_by: dict[str, dict[str, list[str]]] = {name: {} for name in services}
    for key, users in sharing.items():
        if len(users) > 1:
            for name in users:
                shared_by[name][key] = sorted(users - {name})
    waves, cycles = start_order(services, dependencies.rows)
    wave_of = {n: i for i, wave in enumerate(waves) for n in wave}

    # Each service is classified and its analysis made in one pass, and what the rules read
    # of it taken then: read again in another pass, a service comes from memory again.
    analysed = {}
    kinds, kind_reasons, ports, probes = {}, {}, {}, {}
    for name, svc in services.items():
        c = classify(svc, incoming[name], catalogue, hints[name], checked.get(name),
                     shared_by[name], project.working_dir, found_kinds[name])
        # A job that runs a database's image (to load a schema, create topics) is no database.
        entry = c.entry if c.kind == "service" else None
        analysed[name] = a = ServiceAnalysis(
            name=name, service_class=c.service_class, kind=c.kind, reasons=tuple(c.reasons),
            kind_reasons=tuple(c.kind_reasons), confidence=c.confidence, overridden=c.overridden,
            wave=wave_of.get(name, 0), image=svc.image,
            software=entry.name if entry else None,
            engine=entry.id if entry else None,
            category=entry.category if entry else None,
            ports=_ports(svc, entry.ports if entry else []),
            active=name in project.services, profiles=tuple(svc.profiles),
        )
        kinds[name], kind_reasons[name], ports[name] = a.kind, a.kind_reasons, a.ports
        probes[name] = _probe(c.entry)

    ctx = RuleContext(
        project=project, services=services, kinds=kinds, kind_reasons=kind_reasons,
        ports=ports, probes=probes, edges=edges, edge_rows=dependencies.rows, locator=locator,
        catalogue=catalogue,
    )
    findings = run_rules(ctx, load_findings_playbook())
    data = data_inventory(services, analysed, catalogue, locator, project.working_dir)
    routes, proxies = routes_of(services, analysed, edges, catalogue, locator)
    charts = matching_charts(analysed, catalogue)
    return Analysis(
        project=project.name, services=analysed, edges=edges,
        waves=tuple(tuple(w) for w in waves), cycles=tuple(cycles), findings=tuple(findings),
        data=tuple(data), routes=tuple(routes), proxies=tuple(proxies), charts=tuple(charts),
    )

