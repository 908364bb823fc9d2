"""From a Compose project to its plan: load, analyse, apply the saved progress, plan.

This is the one place the stages meet, for the CLI, the TUI and the tests alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from migrate_tui.analysis.gpu import needs_gpu
from migrate_tui.analysis.model import ORDERING_KINDS, Analysis, Finding, ServiceAnalysis
from migrate_tui.analysis.routing import is_loopback, port_runs
from migrate_tui.compose.model import Project, Service
from migrate_tui.gc_pause import gc_paused
from migrate_tui.planning.evidence_items import service_evidence
from migrate_tui.planning.plan import (
    FindingFacts,
    ItemProgress,
    LedgerFacts,
    Plan,
    PlanInput,
    PlanRun,
    ServiceFacts,
    Settings,
    run_plan,
)
from migrate_tui.planning.playbooks import PlanPlaybooks, load_plan_playbooks


def image_of(svc: Service) -> str:
    """Where a service's image comes from: its name, else its build context and Dockerfile."""
    return svc.image or (f"build:{svc.build.context}:{svc.build.dockerfile}"
                         if svc.build is not None else f"service:{svc.name}")


def template_of(svc: Service) -> str:
    """What a service runs: image (or build), command and entrypoint, as one key.

    Services of one kind with the same key differ only in values (environment, ports,
    labels): copies of one piece of work (an anchor, ``extends``, one image run twice).
    """
    return "\x1f".join([image_of(svc), *(svc.entrypoint or ["-"]), "\x1e",
                        *(svc.command or ["-"])])


def plan_input(
    project: Project, analysis: Analysis, ledger: Sequence[LedgerFacts] = (),
    labels: Mapping[str, str] | None = None,
) -> PlanInput:
    """The facts the planner needs, from the project, its analysis and its ledger (and the
    manifests' name of each service's objects)."""
    return _plan_input(project, analysis, ledger, None, labels)[0]


@dataclass(frozen=True)
class InputParts:
    """What :func:`plan_input` made the plan's input from, for a re-plan to reuse."""

    services: dict[str, tuple[ServiceAnalysis, dict[str, Any], ServiceFacts]]
    """Each active service's facts, with its analysis and evidence fields they came from
    (the rest is read of the project alone)."""
    findings: tuple[tuple[Finding, ...], list[FindingFacts]]
    """The analysis's findings, and the plan's facts of them."""


def _plan_input(project: Project, analysis: Analysis, ledger: Sequence[LedgerFacts],
                before: InputParts | None, labels: Mapping[str, str] | None = None,
                ) -> tuple[PlanInput, InputParts]:
    """:func:`plan_input`, reusing a service's facts when its analysis is the same object
    and its evidence fields are equal (a re-plan after an override leaves most alone), and
    the findings' facts when the findings are the same tuple."""
    # (a shared volume is needed by neither side; a proxy's or scraper's configuration names
    # whom it calls, not what it waits for: no start-order item for Prometheus's targets)
    needs = {e.source for e in analysis.edges if e.kind in ORDERING_KINDS}
    services = []
    made: dict[str, tuple[ServiceAnalysis, dict[str, Any], ServiceFacts]] = {}
    kept = before.services if before is not None else {}
    evidence = service_evidence(analysis)
    for name, info in analysis.services.items():
        if not info.active:
            continue
        extra = evidence.get(name, {})
        if labels and name in labels:
            extra = {**extra, "label": labels[name]}
        old = kept.get(name)
        if old is not None and old[0] is info and old[1] == extra:
            facts = old[2]
        else:
            facts = _service_facts(name, project.services[name], info, name in needs, extra)
        made[name] = (info, extra, facts)
        services.append(facts)
    if before is not None and before.findings[0] is analysis.findings:
        findings = before.findings[1]
    else:
        # A finding reused by the analysis (the same object) keeps its facts: after a kind
        # override, 5,800 of 5,811 at 2,000 services (4 ms made again, 1 ms looked up).
        # By id: the findings before are alive (``before`` holds them), so no new one
        # has the id of one of them.
        known = ({id(f): (f, facts) for f, facts in zip(*before.findings, strict=True)}
                if before is not None else {})
        findings = []
        for f in analysis.findings:
            was = known.get(id(f))
            findings.append(was[1] if was is not None and was[0] is f else FindingFacts(
                rule=f.rule, severity=f.severity, service=f.service, message=f.message,
                fix=f.fix, variant=f.variant))
    # A label-driven proxy is not deployed (the manifests' decision, from the analysis): its
    # own items (replace it, carry its rules over, retire it) are the work, not fixes to a
    # container that will not run (its findings, its keys' ledger entries "not deployed").
    replaced = analysis.not_deployed
    data = PlanInput(
        project=project.name, services=services,
        findings=[f for f in findings if f.service not in replaced] if replaced else findings,
        waves=[list(w) for w in analysis.waves],
        has_secrets=bool(project.compose.get("secrets")),
        ledger=[e for e in ledger if e.status != "mapped" and e.service not in replaced],
        stores=analysis.data, charts=analysis.charts,
    )
    return data, InputParts(made, (analysis.findings, findings))


def _service_facts(name: str, svc: Service, info: ServiceAnalysis, depends: bool,
                   evidence: Mapping[str, Any]) -> ServiceFacts:
    """One active service's facts for the planner."""
    return ServiceFacts(
        name=name, service_class=info.service_class, kind=info.kind, wave=info.wave,
        engine=info.engine, software=info.software,
        ports=len(port_runs(svc.ports)), volumes=len(svc.volumes),
        builds=svc.build is not None, gpu=needs_gpu(svc),
        healthcheck=svc.healthcheck is not None and svc.healthcheck.runs,
        public_ports=any(p.published and not is_loopback(p.host_ip) for p in svc.ports),
        template=template_of(svc), image=image_of(svc), depends=depends,
        config=bool(svc.environment or svc.raw.get("env_file") or svc.raw.get("configs")
                    or svc.raw.get("secrets")),
        **evidence,
    )


@gc_paused
def make_plan(
    project: Project,
    analysis: Analysis,
    settings: Settings | None = None,
    progress: Mapping[str, ItemProgress] | None = None,
    playbooks: PlanPlaybooks | None = None,
    ledger: Sequence[LedgerFacts] = (),
    labels: Mapping[str, str] | None = None,
) -> Plan:
    """The plan of an analysed project.

    Args:
        project: The loaded project.
        analysis: Its analysis.
        settings: Team, focus, start and answers.
        progress: Saved status and assignee by item id.
        playbooks: The planning playbooks (ours by default).
        ledger: The manifests' translation ledger (the workspace passes it in: planning
            does not import the manifest generator); without it, the generic items stay.
        labels: The manifests' name of each service's objects (``Manifests.names``): the
            plan's items call its pods and Service by it; without it, a slug of the name.
    """
    return make_plan_run(project, analysis, settings, progress, playbooks, ledger,
                         labels=labels).plan


@gc_paused
def make_plan_run(
    project: Project,
    analysis: Analysis,
    settings: Settings | None = None,
    progress: Mapping[str, ItemProgress] | None = None,
    playbooks: PlanPlaybooks | None = None,
    ledger: Sequence[LedgerFacts] = (),
    previous: PlanRun | None = None,
    labels: Mapping[str, str] | None = None,
) -> PlanRun:
    """:func:`make_plan`, keeping what a re-plan may reuse (``previous``: see
    :func:`~migrate_tui.planning.plan.run_plan`, and :func:`_plan_input` for its input)."""
    data, parts = _plan_input(project, analysis, ledger,
                              previous.input_parts if previous is not None else None, labels)
    run = run_plan(data, playbooks or load_plan_playbooks(), settings, progress, previous)
    return replace(run, input_parts=parts)


def plan_for_path(
    path: Path,
    environ: Mapping[str, str] | None = None,
    settings: Settings | None = None,
) -> Plan:
    """Load, analyse and plan the project at ``path`` (a folder or a compose file)."""
    from migrate_tui.analysis.pipeline import analyze
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.compose.loader import load_project

    path = path.resolve()
    folder = path if path.is_dir() else path.parent
    project = load_project(LoadOptions(path=str(path), environ=environ, cwd=str(folder)),
                           warn=lambda _m: None)
    return make_plan(project, analyze(project), settings)
