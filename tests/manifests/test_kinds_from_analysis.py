"""The workload follows the analysis' kind (one source): a node agent is a DaemonSet, an
interactive toolbox a Deployment at replicas 0 with the reason in its ledger."""

from __future__ import annotations

from migrate_tui.analysis import analyze
from migrate_tui.manifests import generate_manifests
from tests.analysis.helpers import load


def test_daemon_and_tool_workloads() -> None:
    project = load("kinds_agents")
    analysis = analyze(project)
    generated = generate_manifests(project, analysis)
    kinds = {(d.kind, d.name) for d in generated.documents()}
    for agent in ("node-exporter", "promtail", "vector", "per-node"):
        assert ("DaemonSet", agent) in kinds, agent
    assert ("Deployment", "traefik") in kinds  # a proxy on the socket is no node agent
    tool = next(d for d in generated.documents()
                if d.kind == "Deployment" and d.name == "admin-tools")
    assert tool.body["spec"]["replicas"] == 0
    # overridden to a service, the same container is a Deployment of one
    again = generate_manifests(project, analyze(project, {"admin-tools": {"kind": "service"}}))
    tool = next(d for d in again.documents()
                if d.kind == "Deployment" and d.name == "admin-tools")
    assert tool.body["spec"]["replicas"] == 1
