"""Who is told to switch production traffic: only what something reaches (issue 15 review).

The temporal admin toolbox and netbox's housekeeping worker were told to "switch production
traffic to the cluster copy": the rule is now data (``when: has_traffic`` in
``playbooks/plan/services.yaml``), from whether the service has ports or clients.
"""

from __future__ import annotations

from functools import cache

import pytest

from migrate_tui.analysis import analyze
from migrate_tui.planning.build import make_plan
from migrate_tui.planning.plan import Plan
from tests.analysis.helpers import load


@cache
def _plan() -> Plan:
    project = load("review_traffic")
    return make_plan(project, analyze(project))


def _ids(service: str) -> set[str]:
    return {i.id.removeprefix(f"{service}.") for p in _plan().phases for t in p.tasks
            if t.service == service for i in t.checklist}


@pytest.mark.parametrize("service,cutover,handover", [
    ("web", True, False),           # a published port
    ("api", True, False),           # an exposed port and a client (web)
    ("housekeeping", False, True),  # a loop, no port, no client
    ("worker", False, True),        # a queue worker, no port, no client
    ("admin-tools", False, False),  # a toolbox: neither
])
def test_cut_over_only_where_traffic_arrives(service: str, cutover: bool,
                                             handover: bool) -> None:
    ids = _ids(service)
    assert ids, service
    assert ("cutover" in ids) == cutover
    assert ("handover" in ids) == handover


def test_no_traffic_item_anywhere_says_production_traffic_for_a_worker() -> None:
    for service in ("housekeeping", "worker", "admin-tools"):
        texts = [i.text for p in _plan().phases for t in p.tasks if t.service == service
                 for i in t.checklist]
        assert not [t for t in texts if "production traffic" in t], service
