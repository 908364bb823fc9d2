"""One published port, one item: the route item wins over the ledger's ``ports`` item
(issue 15 review: ``web.route-1`` and ``web.ledger.ports`` both said "route traffic to it",
and for a published Kafka they disagreed: keep it internal / expose it)."""

from __future__ import annotations

import pytest

from migrate_tui.planning.plan import Plan
from tests.planning.helpers import fixture_plan, service_items


def _plan() -> Plan:
    return fixture_plan("review_routes")


def _items(service: str) -> dict[str, str]:
    return service_items(_plan(), service)


@pytest.mark.parametrize("service", ["web", "game", "db"])
def test_a_published_port_is_one_route_item(service: str) -> None:
    items = _items(service)
    assert f"{service}.route-1" in items
    assert f"{service}.ledger.ports" not in items
    routing = [t for t in items.values() if "oute traffic to it" in t]
    assert not routing, routing


def test_what_folded_into_the_ledger_item_lands_in_the_route() -> None:
    # the privileged host port 80 was detail of web.ledger.ports; it is the route's now
    web = _items("web")
    assert "web.fix-privileged-port" not in web
    assert "below 1024" in web["web.route-1"] and "Ingress" in web["web.route-1"]
