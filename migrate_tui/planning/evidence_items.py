"""Plan items from the evidence: the data a service writes, how traffic reaches it, the
upstream chart that fits it, and the project items these need.

:func:`service_items` gives a service's items in a phase from the facts the analysis found
(:class:`~migrate_tui.planning.plan.ServiceFacts` ``stores``, ``routes``, ``proxy``,
``charts``); :func:`project_items` the project's. Both return ``(id, text, days)`` like the
playbooks' items, so the plan builds, estimates and tracks them the same way. The copy
runbooks are data: ``playbooks/data/runbooks.yaml``.

Estimates: a store's copy costs its runbook's ``estimate_days`` (an engine's copy is
already an item of its data sub-plan, so its runbook item only makes that item concrete);
each Ingress or LoadBalancer route a quarter day; a shared store half a day for its
ReadWriteMany claim; adopting a chart costs nothing here and says what it saves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from migrate_tui.analysis.model import Analysis, DataStore, Route
from migrate_tui.playbooks import load_playbook

if TYPE_CHECKING:
    from migrate_tui.planning.facts import PlanInput, ServiceFacts

RUNBOOKS_FILE = "data/runbooks.yaml"
ROUTE_DAYS = 0.25
"""Writing and testing one Ingress rule or LoadBalancer Service, TLS included."""
SHARED_STORE_DAYS = 0.5
"""Choosing and mounting one ReadWriteMany claim (or moving the files to object storage)."""
RWX_CLASS_DAYS = 1.0
"""Providing a ReadWriteMany StorageClass (NFS, EFS, Filestore, Azure Files) once."""
CHART_REVIEW_DAYS = 0.5
"""Reading a whole-application chart's values and deciding whether to adopt it."""
DEV_REVIEW_DAYS = 0.25
"""Splitting a developer's settings from production's: the first one."""
DEV_SETTING_DAYS = 0.05
"""Each further setting: finding its production value (most are one line)."""
_DEV_RULES = ("dev-file", "dev-setting", "dev-only")
"""The findings the dev-settings item lists (with source-code bind mounts)."""

ItemSpec = tuple[str, str, float]
"""A checklist item before it becomes a ``PlanItem``: id, text, estimate in days."""


class Runbook(BaseModel):
    """How to copy one kind of data, cut over and roll back."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    title: str
    estimate_days: float = Field(ge=0, le=10)
    copy_steps: list[str] = Field(alias="copy", min_length=1)
    """A command, shown as code; or prose, shown as it is: a ``check: ...`` step, or a step
    with its commands in backticks."""
    cutover: list[str] = Field(min_length=1)
    rollback: list[str] = Field(min_length=1)

    @field_validator("copy_steps", "cutover", "rollback")
    @classmethod
    def _spans_are_closed(cls, steps: list[str]) -> list[str]:
        for step in steps:
            if step.count("`") % 2:
                raise ValueError(f"a backtick is left open: {step!r} (the plan shows the "
                                 "text between two backticks as code)")
        return steps


class Runbooks(BaseModel):
    """``playbooks/data/runbooks.yaml``, validated: ``files`` and ``default`` are required."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    runbooks: dict[str, Runbook]

    def for_data(self, data: str) -> Runbook:
        """The runbook of a store's data (an engine id, ``files``), else the default."""
        return self.runbooks.get(data) or self.runbooks["default"]


@lru_cache(maxsize=4)
def load_runbooks(folder: Path | None = None) -> Runbooks:
    """Read and validate the runbooks.

    Raises:
        PlaybookError: The file is missing or invalid.
    """
    runbooks = load_playbook(RUNBOOKS_FILE, Runbooks, folder)
    missing = {"files", "default"} - set(runbooks.runbooks)
    if missing:
        from migrate_tui.errors import Location, PlaybookError
        from migrate_tui.playbooks import playbooks_dir

        raise PlaybookError(f"runbooks.yaml has no {', '.join(sorted(missing))} runbook",
                            location=Location(str((folder or playbooks_dir()) / RUNBOOKS_FILE)),
                            path="runbooks", hint="add them: every store falls back on them")
    return runbooks


_PLACEHOLDER = re.compile(r"\{(service|label|path|claim)\}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50] or "x"


def _fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def store_item(service: str, store: DataStore, runbooks: Runbooks,
               claims: Mapping[str, str] | None = None, label: str = "") -> ItemSpec:
    """The copy item of one store: its runbook's commands, cut-over and rollback.

    Args:
        service: The writer that answers for it.
        store: The store.
        runbooks: The copy runbooks.
        claims: The service's mount path -> the claim its data lands on, as the manifests'
            ledger names it (a claim template's first pod's PVC, ``mail-imap-0``): the one
            source of the name; a store with none gets a placeholder to fill in.
        label: The manifests' name of the service's objects (its pods are ``LABEL-0``);
            without it, a slug of the service's name.
    """
    book = runbooks.for_data(store.data)
    path = next((p.split(":", 1)[1] for p in store.paths if p.startswith(f"{service}:")),
                "/data")
    claim = (claims or {}).get(path) or f"<the claim of {service}'s {path}>"
    values = {"service": service, "label": label or _slug(service), "path": path,
              "claim": claim}
    what = store.software or store.data
    text = (f"Copy {store.id} ({what}) with {book.title}: "
            + "; ".join(_fill(c, values) if "`" in c or c.startswith("check:")
                        else f"`{_fill(c, values)}`" for c in book.copy_steps)
            + ". Cut-over: " + "; ".join(_fill(c, values) for c in book.cutover)
            + ". Rollback: " + "; ".join(_fill(c, values) for c in book.rollback))
    return (f"{service}.data-copy-{_slug(store.id)}", text, book.estimate_days)


def route_item(service: str, n: int, route: Route, label: str = "") -> ItemSpec:
    """The item of one route: an Ingress rule, a LoadBalancer Service, or kept internal
    (``label``: the manifests' name of its Service; without it, a slug of the name)."""
    ports = f"{route.port}-{route.port_end}" if route.port_end else f"{route.port}"
    name = label or _slug(service)
    to = f"{name}:{ports}" if route.port else name
    if route.target == "Ingress":
        hosts = ", ".join(f"{h}{route.path or ''}" for h in route.hosts)
        where = hosts or (f"the path {route.path}" if route.path else "its traffic")
        read = (f"published on host port {route.published}" if route.source == "published"
                else f"read from its {route.source} labels")
        text = f"Route {where} to Service {to} with an Ingress rule ({read})"
        days = ROUTE_DAYS
    elif route.target == "LoadBalancer":
        host = (f"host ports {route.published}-{route.published + route.port_end - route.port}"
                if route.port_end and route.published and route.port
                else f"host port {route.published}")
        text = (f"Expose {ports}/{route.protocol} with a LoadBalancer Service ({host} on "
                "Compose)")
        days = ROUTE_DAYS
    else:
        text = f"Keep port {ports} internal (ClusterIP); it was published on the host"
        days = 0.0
    notes = "; ".join(route.notes)
    notes = notes[:1].upper() + notes[1:]
    return (f"{service}.route-{n}", f"{text}. {notes}" if notes else text, days)


def service_items(s: ServiceFacts, phase: str,
                  claims: Mapping[str, str] | None = None) -> list[ItemSpec]:
    """A service's items from its evidence in one phase (all in ``pain``: that is where it
    moves).

    Args:
        s: The service's facts, with its ``stores``, ``routes``, ``proxy`` and ``charts``.
        phase: The phase's id.
        claims: Its mount path -> the claim its data lands on, from the manifests' ledger.
    """
    if phase != "pain" or s.kind == "dev-only":
        return []
    items: list[ItemSpec] = []
    if s.proxy is not None:
        items.append((f"{s.name}.proxy-replace",
                      f"Replace {s.proxy.software} by the cluster's Ingress controller: it "
                      f"{s.proxy.reason}; carry its rewrites, headers and limits over as "
                      "Ingress annotations", 0.0))
    runbooks = load_runbooks() if s.stores else None
    for store in s.stores:
        if runbooks is not None and store.backup:
            items.append(store_item(s.name, store, runbooks, claims, s.label))
        if len(store.writers) > 1:
            path = next((p.split(":", 1)[1] for p in store.paths
                         if p.startswith(f"{s.name}:")), "")
            claim = (claims or {}).get(path)
            named = f" (the manifests' PVC {claim})" if claim else ""
            items.append((f"{s.name}.data-shared-{_slug(store.id)}",
                          f"{store.id} is written by {', '.join(store.writers)}: give it one "
                          f"ReadWriteMany claim{named} mounted by each (NFS, EFS, Filestore, "
                          "Azure Files) or move the files to object storage; never a "
                          "volumeClaimTemplate per pod", SHARED_STORE_DAYS))
    items += [route_item(s.name, n, r, s.label) for n, r in enumerate(s.routes, 1)]
    items += [(f"{s.name}.chart-{c.id}",
               f"Adopt {c.name} ({c.url}) instead of writing its manifests: it maintains "
               f"{c.saves} (about {c.saves_days:g} person-days saved)", 0.0)
              for c in s.charts]
    return items


def project_items(data: PlanInput, phase: str) -> list[ItemSpec]:
    """The project's items from the evidence: whole-application charts to weigh and the
    development settings to keep out (denial), a ReadWriteMany StorageClass when several
    services write one store (pain)."""
    items: list[ItemSpec] = []
    if phase == "denial":
        items += [(f"project.chart-{c.id}",
                   f"Decide whether to adopt {c.name} ({c.url}) for {', '.join(c.services)}: "
                   f"it maintains {c.saves} (about {c.saves_days:g} person-days saved)",
                   CHART_REVIEW_DAYS)
                  for c in data.charts if c.scope == "project"]
    if phase == "denial":
        items += dev_settings_item(data)
    if phase == "pain":
        shared = [d.id for d in data.stores if len(d.writers) > 1]
        if shared:
            items.append(("project.rwx-storage",
                          "Provide a ReadWriteMany StorageClass (NFS, EFS, Filestore, Azure "
                          f"Files) or object storage for the stores several services write: "
                          f"{', '.join(shared)}", RWX_CLASS_DAYS))
    return items


def dev_settings_item(data: PlanInput) -> list[ItemSpec]:
    """One denial item listing what is a developer's and must stay out of the cluster: the
    development compose files read, debug modes, reloading servers, debugger ports, source
    code mounted over the app and the dev-only services (not deployed); none if nothing is.
    """
    active = {s.name for s in data.services}  # (not a service behind a profile left off)
    found = [f for f in data.findings if (f.service is None or f.service in active)
             and (f.rule in _DEV_RULES or (f.rule == "bind-mount" and f.variant == "source"))]
    if not found:
        return []
    order = {rule: n for n, rule in enumerate((*_DEV_RULES, "bind-mount"))}
    found.sort(key=lambda f: (order[f.rule], f.service or "", f.message))
    # The same setting on several services (an anchor's DEBUG=True) is listed once.
    by_message: dict[str, list[str]] = {}
    for f in found:
        text = f"not deployed, {f.message}" if f.rule == "dev-only" else f.message
        names = by_message.setdefault(text, [])
        if f.service is not None and f.service not in names:
            names.append(f.service)
    listed = "; ".join(f"{', '.join(names)}: {text}" if names else text
                       for text, names in by_message.items())
    return [("project.dev-settings",
             f"Keep these development settings out of the cluster (production values in "
             f"the ConfigMaps or a Kustomize overlay per environment; the manifests leave "
             f"dev-only services out): {listed}",
             DEV_REVIEW_DAYS + DEV_SETTING_DAYS * (len(found) - 1))]


def service_evidence(analysis: Analysis) -> dict[str, dict[str, Any]]:
    """Each service's evidence fields of ``ServiceFacts`` (``checklist``, ``traffic``,
    ``stores``, ``routes``, ``proxy``, ``charts``), from the analysis.

    A service has no ``traffic`` when nothing reaches it: no port of its own or its
    engine's, no route, and no active service that needs it (a shared volume is no
    client).

    A store is answered for by the writer that runs its engine, else its first writer; a
    reverse proxy an Ingress replaces takes the ``proxy`` checklist, a node agent and a
    toolbox their kind's.
    """
    out: dict[str, dict[str, Any]] = {}

    def of(name: str) -> dict[str, Any]:
        return out.setdefault(name, {})

    reached = {e.target for e in analysis.edges if e.kind != "shared_volume"
               and analysis.services[e.source].active}
    routed = {r.service for r in analysis.routes}
    for name, info in analysis.services.items():
        if info.kind in ("daemon", "tool"):
            of(name)["checklist"] = info.kind
        if not (info.ports or name in reached or name in routed):
            of(name)["traffic"] = False
    for store in analysis.data:
        owner = next((w for w in store.writers
                      if analysis.services[w].engine == store.data), store.writers[0])
        of(owner).setdefault("stores", ())
        of(owner)["stores"] += (store,)
    for route in analysis.routes:
        of(route.service).setdefault("routes", ())
        of(route.service)["routes"] += (route,)
    for proxy in analysis.proxies:
        of(proxy.service).update(checklist="proxy", proxy=proxy)
    for chart in analysis.charts:
        if chart.scope == "service":
            for name in chart.services:
                of(name).setdefault("charts", ())
                of(name)["charts"] += (chart,)
    return out
