"""Kinds ``daemon`` (node agents) and ``tool`` (interactive toolboxes), table-driven.

Each row is a service of ``fixtures/analysis/kinds_agents.yaml`` with the kind a platform
engineer gives it and a word its first reason must hold; the look-alikes (a proxy on the
Docker socket, a project folder called logs, a worker with ``tty``) stay services.
"""

from __future__ import annotations

import pytest

from migrate_tui.analysis import Analysis
from migrate_tui.analysis.report import to_json
from tests.analysis.helpers import analyse

CASES = [
    ("node-exporter", "daemon", "node-exporter image"),
    ("promtail", "daemon", "/var/log"),
    ("vector", "daemon", "Docker socket"),
    ("per-node", "daemon", "deploy.mode: global"),
    ("traefik", "service", ""),
    ("app-logs", "service", ""),
    ("admin-tools", "tool", "tty and stdin_open"),
    ("shell", "tool", "sleep infinity"),
    ("worker-tty", "service", ""),
    ("web-it", "service", ""),
]


@pytest.fixture(scope="module")
def kinds() -> Analysis:
    return analyse("kinds_agents")


@pytest.mark.parametrize(("name", "kind", "why"), CASES, ids=[c[0] for c in CASES])
def test_kind(kinds: Analysis, name: str, kind: str, why: str) -> None:
    service = kinds.services[name]
    assert service.kind == kind, service.kind_reasons
    if why:
        assert why in service.kind_reasons[0]
    else:
        assert service.kind_reasons == ()


def test_agents_and_tools_keep_nothing(kinds: Analysis) -> None:
    for name in ("node-exporter", "promtail", "vector", "admin-tools", "shell"):
        assert kinds.services[name].service_class == "stateless", name


def test_json_reports_the_kind(kinds: Analysis) -> None:
    services = to_json(kinds)["services"]
    assert services["vector"]["kind"] == "daemon"
    assert services["admin-tools"]["kind"] == "tool"


def test_x_migrate_and_overrides_accept_the_new_kinds() -> None:
    from migrate_tui.analysis import analyze
    from tests.analysis.helpers import load

    a = analyze(load("kinds_agents"), {"worker-tty": {"kind": "tool"},
                                       "shell": {"kind": "daemon"}})
    assert a.services["worker-tty"].kind == "tool"
    assert a.services["shell"].kind == "daemon"
