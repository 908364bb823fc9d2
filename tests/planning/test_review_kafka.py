"""The Kafka data plan says one thing (issue 15 review: it contradicted itself).

It said "switch producers before consumers" next to a runbook moving consumers first,
"freeze writes" and "make the Compose copy read-only" next to a live MirrorMaker 2 copy,
scheduled backups for a broker whose durability is replication, and a MirrorMaker copy
next to "Compose keeps its data in no volume". Now: with a volume, MirrorMaker 2 and
consumers before producers everywhere; without one, a drain, and no mirror.
"""

from __future__ import annotations

import re

import pytest

from migrate_tui.planning.plan import Plan
from tests.planning.helpers import fixture_plan, service_items


def _plan() -> Plan:
    return fixture_plan("review_kafka")


def _items(service: str) -> dict[str, str]:
    return service_items(_plan(), service)


def _texts(service: str) -> list[str]:
    return list(_items(service).values())


_PRODUCERS_FIRST = re.compile(r"(?i)producers (first|before (the )?consumers)|"
                              r"producers, then (the )?consumers")
_CONSUMERS_FIRST = re.compile(r"(?i)consumers (first|before (the )?producers)|"
                              r"consumers, then (the )?producers")


@pytest.mark.parametrize("service", ["kafka", "events"])
def test_consumers_move_before_producers_everywhere(service: str) -> None:
    # a rollback runs the other way: only the way forward is checked
    forward = [t.split("Rollback:")[0] for t in _texts(service)
               if not t.startswith("Roll back")]
    assert not [t for t in forward if _PRODUCERS_FIRST.search(t)]
    assert [t for t in forward if _CONSUMERS_FIRST.search(t)]


@pytest.mark.parametrize("service", ["kafka", "events"])
@pytest.mark.parametrize("contradiction", [
    "freeze writes",                 # a live mirror needs no freeze; a drain stops producers
    "never two writable copies",     # MirrorMaker writes the cluster copy while Compose runs
    "Schedule backups",              # replication and retention are a broker's durability
    "Restore a backup",
])
def test_no_generic_data_store_item_contradicts_it(service: str, contradiction: str) -> None:
    assert not [t for t in _texts(service) if contradiction in t]


def test_a_broker_with_a_volume_is_mirrored() -> None:
    items = _items("kafka")
    assert "MirrorMaker 2" in items["kafka.data-mirror"]
    assert "MirrorMaker 2" in items["kafka.cutover"]
    assert "kafka.data-drain" not in items


def test_a_broker_without_a_volume_is_drained_not_mirrored() -> None:
    items = _items("events")
    assert any("no volume" in t for t in items.values())
    plan = {i: t for i, t in items.items() if ".data-" in i or i.endswith(".cutover")}
    assert not [t for t in plan.values() if "MirrorMaker" in t], plan
    assert "events.data-mirror" not in items and "drain" in items["events.data-drain"].lower()


def test_both_plans_cost_the_same() -> None:
    # the data sub-plan splits the doubled half: its wording changes, its size does not
    days = {t.service: t.estimate_days for p in _plan().phases for t in p.tasks
            if t.service in ("kafka", "events")}
    assert days["kafka"] == pytest.approx(days["events"], rel=0.25)
