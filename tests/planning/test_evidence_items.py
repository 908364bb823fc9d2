"""Plan items from the evidence (planning/evidence_items.py), on the analysis fixtures."""

from __future__ import annotations

from functools import cache

from migrate_tui.analysis import analyze
from migrate_tui.planning.build import make_plan
from migrate_tui.planning.plan import Plan
from tests.analysis.helpers import load


@cache
def plan_of(fixture: str) -> Plan:
    project = load(fixture)
    return make_plan(project, analyze(project))


def items(plan: Plan, service: str | None) -> dict[str, str]:
    return {i.id: i.text for p in plan.phases for t in p.tasks if t.service == service
            for i in t.checklist}


def test_a_tool_gets_no_deployment_or_cut_over() -> None:
    tool = items(plan_of("kinds_agents"), "admin-tools")
    assert "admin-tools.toolbox" in tool
    assert not [i for i in tool if i.endswith((".cutover", ".workload", ".staging-load"))]


def test_a_daemon_gets_daemonset_items() -> None:
    agent = items(plan_of("kinds_agents"), "vector")
    assert "vector.daemonset" in agent and "vector.node-sources" in agent
    assert "vector.cutover" not in agent


def test_data_copy_items_per_store() -> None:
    plan = plan_of("data_inventory")
    web = items(plan, "web")
    copy = web["web.data-copy-bind-mount-uploads"]
    assert "rsync" in copy and "Cut-over:" in copy and "Rollback:" in copy
    assert "ReadWriteMany" in web["web.data-shared-bind-mount-uploads"]
    assert not [i for i in items(plan, "worker") if ".data-" in i]  # web answers for it
    db = items(plan, "db")
    assert "pg_dump" in db["db.data-copy-volume-pgdata"]
    # a cache with persistence off: nothing to copy, back up or restore
    assert not [i for i in items(plan, "cache") if "data-" in i]
    assert "rwx-storage" in " ".join(items(plan, None))


def test_route_items_and_the_replaced_proxy() -> None:
    plan = plan_of("routing")
    api = items(plan, "api")
    assert ("Route app.example.com/api to Service api:8000 with an Ingress rule"
            in api["api.route-1"])
    assert "cert-manager" in api["api.route-1"]
    proxy = items(plan, "traefik")
    assert "traefik.proxy-replace" in proxy and "traefik.proxy-rules" in proxy
    assert "traefik.cutover" not in proxy and "traefik.workload" not in proxy
    assert "LoadBalancer" in items(plan, "game")["game.route-1"]


def test_chart_items() -> None:
    plan = plan_of("charts")
    project = items(plan, None)
    assert "Temporal" in project["project.chart-temporal"]
    assert "CloudNativePG" in items(plan, "postgresql")["postgresql.chart-cloudnative-pg"]


def test_copy_steps_are_code_or_prose_with_closed_spans() -> None:
    """A command becomes a code span; a step with its own spans is prose shown as it is;
    an unclosed backtick would garble the plan on GitHub, so the runbook is refused."""
    import pytest
    from pydantic import ValidationError

    from migrate_tui.planning.evidence_items import Runbook

    fields = {"title": "t", "estimate_days": 0, "cutover": ["c"], "rollback": ["r"]}
    with pytest.raises(ValidationError, match="backtick is left open"):
        Runbook.model_validate({**fields, "copy": ["a (then `b until c)"]})
    text = plan_of("data_inventory").items()  # (a fixture with copy items)
    copies = [i.text for i in text if ".data-copy-" in i.id]
    assert copies and all(i.count("`") % 2 == 0 for i in copies)
    assert not any("``" in i for i in copies)  # no span inside another
