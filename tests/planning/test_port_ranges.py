"""A published port range is one route and one port of work (issue 15: jigasi's
``20000-20050/udp``, which Compose expands to 51 mappings, made 51 route items and 3.7
weeks of work for one decision)."""

from __future__ import annotations

from functools import cache

from migrate_tui.analysis import analyze
from migrate_tui.analysis.model import Analysis
from migrate_tui.analysis.routing import port_runs
from migrate_tui.compose.model import Port
from migrate_tui.planning.build import plan_input
from tests.analysis.helpers import load
from tests.planning.helpers import fixture_plan, service_items


@cache
def _analysis() -> Analysis:
    return analyze(load("port_range"))


def _items(service: str) -> dict[str, str]:
    return service_items(fixture_plan("port_range"), service)


def test_the_range_is_one_route_item_naming_the_range() -> None:
    routes = {k: v for k, v in _items("relay").items() if ".route-" in k}
    assert sorted(routes) == ["relay.route-1", "relay.route-2"], routes
    assert "20000-20050/udp" in routes["relay.route-1"]
    assert "host ports 20000-20050" in routes["relay.route-1"]


def test_the_range_costs_what_one_port_costs() -> None:
    project = load("port_range")
    facts = {s.name: s for s in plan_input(project, _analysis()).services}
    assert facts["relay"].ports == facts["single"].ports == 2


def test_the_analysis_reports_the_range_once() -> None:
    routes = [r for r in _analysis().routes if r.service == "relay"]
    assert [(r.port, r.port_end, r.published) for r in routes] == [
        (20000, 20050, 20000), (80, None, 8080)]


def test_runs_break_where_ports_do_not_follow() -> None:
    def port(target: int, published: str | None, protocol: str = "tcp") -> Port:
        return Port(target=target, published=published, protocol=protocol)

    ports = [port(1, "1"), port(2, "2"), port(3, "5"), port(4, "6", "udp"), port(5, None),
             port(6, None)]
    assert [(i, a.target, b.target) for i, a, b in port_runs(ports)] == [
        (0, 1, 2), (2, 3, 3), (3, 4, 4), (4, 5, 6)]
