"""Judging a plan's checklist against the manifests: every item gets a verdict.

The plan, the analysis and the project are typed objects; this module turns each service
into a :class:`~migrate_tui.verify.subject.Subject` once, then asks each item's judge
(:mod:`migrate_tui.verify.judges`, by the item id's suffix).
"""

from __future__ import annotations

from migrate_tui.analysis.model import Analysis, Edge
from migrate_tui.compose.model import Project
from migrate_tui.manifests.names import service_name_problem
from migrate_tui.planning.plan import Plan
from migrate_tui.verify.judges import PROJECT_JUDGES, SERVICE_JUDGES, ServiceJudge
from migrate_tui.verify.model import ItemVerdict, Judgement, Manifests, VerifyReport
from migrate_tui.verify.subject import DocIndex, Subject, build_subject

NO_JUDGE = "nothing in a manifest shows this item"


def _migrates(analysis: Analysis, name: str) -> bool:
    """Whether a service moves to the cluster (active, not a dev tool to retire)."""
    info = analysis.services.get(name)
    return info is not None and info.active and info.kind != "dev-only"


def _subjects(plan: Plan, analysis: Analysis, project: Project,
              manifests: Manifests) -> dict[str, Subject]:
    index = DocIndex(manifests.docs)
    needs: dict[str, list[Edge]] = {}
    for e in analysis.edges:
        needs.setdefault(e.target, []).append(e)
    out: dict[str, Subject] = {}
    for task in (t for p in plan.phases for t in p.tasks if t.service):
        name = task.service
        assert name is not None
        if name in out:
            continue
        edges = [e for e in needs.get(name, ()) if e.kind != "shared_volume"
                 and e.source != name and _migrates(analysis, e.source)]
        dependants = frozenset(e.source for e in edges)
        svc = project.services.get(name)
        published = bool(svc and any(p.published is not None for p in svc.ports))
        info = analysis.services.get(name)
        ports = {e.port for e in edges if e.port is not None}
        if info is not None and (dependants or published):
            ports |= set(info.ports)
        # (a name no Service can have, or another service's, is the plan's callers item)
        names = sorted({(e.name, e.source) for e in edges if e.name is not None
                        and e.name not in analysis.services
                        and service_name_problem(e.name) is None})
        out[name] = build_subject(
            name, task.service_class, task.kind, index, client_ports=tuple(sorted(ports)),
            dependants=dependants, client_names=tuple(names), published=published)
    return out


def _judge_group(judge: ServiceJudge, subjects: list[Subject]) -> Judgement:
    """A grouped project item (one fix asked of several services): contradicted when one
    service contradicts it, verified when every one verifies it, else unknown."""
    judged = [(s.service, judge(s)) for s in subjects]
    for service, j in judged:
        if j.verdict == "contradicted":
            return Judgement("contradicted", f"{j.evidence} ({service})")
    if judged and all(j.verdict == "verified" for _, j in judged):
        return Judgement("verified", "; ".join(f"{j.evidence} ({service})"
                                               for service, j in judged))
    unknown = next((f"{j.evidence} ({service})" for service, j in judged
                    if j.verdict == "unknown"), NO_JUDGE)
    return Judgement("unknown", unknown)


def verify_plan(plan: Plan, analysis: Analysis, project: Project,
                manifests: Manifests) -> VerifyReport:
    """The verdict on every checklist item of ``plan``, in plan order.

    Args:
        plan: The plan, with the statuses of the progress file.
        analysis: Its analysis (dependants, the ports clients use).
        project: The Compose project (published ports).
        manifests: What :func:`~migrate_tui.verify.read.read_manifests` read.
    """
    subjects = _subjects(plan, analysis, project, manifests)
    found_on: dict[str, list[Subject]] = {}
    """A finding rule -> the services it was found on (a grouped fix's services)."""
    for f in analysis.findings:
        if f.service in subjects and subjects[f.service] not in found_on.get(f.rule, []):
            found_on.setdefault(f.rule, []).append(subjects[f.service])
    items: list[ItemVerdict] = []
    for phase in plan.phases:
        for task in phase.tasks:
            for item in task.checklist:
                suffix = item.id.split(".", 1)[-1]
                judged: Judgement
                if task.service is not None and suffix in SERVICE_JUDGES:
                    judged = SERVICE_JUDGES[suffix](subjects[task.service])
                elif task.service is None and suffix in PROJECT_JUDGES:
                    judged = PROJECT_JUDGES[suffix](list(subjects.values()))
                elif (task.service is None and suffix in SERVICE_JUDGES
                      and suffix.startswith("fix-")):
                    judged = _judge_group(SERVICE_JUDGES[suffix],
                                          found_on.get(suffix.removeprefix("fix-"), []))
                else:
                    judged = Judgement("unknown", NO_JUDGE)
                items.append(ItemVerdict(item.id, judged.verdict, judged.evidence,
                                         item.status, item.text))
    return VerifyReport(manifests=manifests, items=tuple(items))
