"""A published port range is one route and one port of work (issue 15: jigasi's
``20000-20050/udp``, which Compose expands to 51 mappings, made 51 route items and 3.7
weeks of work for one decision)."""

from __future__ import annotations

from functools import cache

from migrate_tui.analysis import analyze
from migrate_tui.analysis.model import Analysis
from migrate_tui.analysis.routing import port_runs
from migrate_tui.compose.model import Port
from migrate_tui.planning.build import make_plan, plan_input
from migrate_tui.planning.plan import Plan
from tests.analysis.helpers import load


@cache
def _analysed() -> tuple[Analysis, Plan]:
    project = load("port_range")
    analysis = analyze(project)
    return analysis, make_plan(project, analysis)


def _items(service: str) -> dict[str, str]:
    return {i.id: i.text for p in _analysed()[1].phases for t in p.tasks
            if t.service == service for i in t.checklist}


def test_the_range_is_one_route_item_naming_the_range() -> None:
    routes = {k: v for k, v in _items("relay").items() if ".route-" in k}
    assert sorted(routes) == ["relay.route-1", "relay.route-2"], routes
    assert "20000-20050/udp" in routes["relay.route-1"]
    assert "host ports 20000-20050" in routes["relay.route-1"]


def test_the_range_costs_what_one_port_costs() -> None:
    project = load("port_range")
    facts = {s.name: s for s in plan_input(project, _analysed()[0]).services}
    assert facts["relay"].ports == facts["single"].ports == 2


def test_the_analysis_reports_the_range_once() -> None:
    routes = [r for r in _analysed()[0].routes if r.service == "relay"]
    assert [(r.port, r.port_end, r.published) for r in routes] == [
        (20000, 20050, 20000), (80, None, 8080)]


def test_runs_break_where_ports_do_not_follow() -> None:
    def port(target: int, published: str | None, protocol: str = "tcp") -> Port:
        return Port(target=target, published=published, protocol=protocol)

    ports = [port(1, "1"), port(2, "2"), port(3, "5"), port(4, "6", "udp"), port(5, None),
             port(6, None)]
    assert [(i, a.target, b.target) for i, a, b in port_runs(ports)] == [
        (0, 1, 2), (2, 3, 3), (3, 4, 4), (4, 5, 6)]
