"""Plans of the small fixture projects, made as ``plan`` makes them (ledger included)."""

from __future__ import annotations

from functools import cache

from migrate_tui.analysis import analyze
from migrate_tui.manifests import generate_manifests
from migrate_tui.planning.build import make_plan
from migrate_tui.planning.plan import Plan
from migrate_tui.workspace import ledger_facts
from tests.analysis.helpers import load


@cache
def fixture_plan(name: str) -> Plan:
    """The plan of ``tests/fixtures/analysis/NAME``, with its translation ledger's items."""
    project = load(name)
    analysis = analyze(project)
    return make_plan(project, analysis, ledger=ledger_facts(generate_manifests(project,
                                                                               analysis)))


def service_items(plan: Plan, service: str) -> dict[str, str]:
    """A service's checklist: item id -> text."""
    return {i.id: i.text for p in plan.phases for t in p.tasks if t.service == service
            for i in t.checklist}
