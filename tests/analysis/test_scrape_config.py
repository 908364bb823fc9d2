"""A scraper's mounted configuration names whom it calls: Prometheus's static targets."""

from __future__ import annotations

from pathlib import Path

import yaml

from migrate_tui.analysis import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.manifests import generate_manifests

PROMETHEUS_YML = """\
scrape_configs:
  - job_name: api
    static_configs:
      - targets: ["api:8080", 'web:3000']
  - job_name: agent
    static_configs:
      - targets:
          - agent:9400
          - node-exporter.example.com:9100
"""


def test_prometheus_may_scrape_its_targets_once_applied(tmp_path: Path) -> None:
    """ml-inference: Prometheus scrapes vllm, gateway, qdrant, embeddings and dcgm-exporter
    by prometheus.yml alone. The generated NetworkPolicies admitted only the services'
    known callers, so every dashboard went empty after the move. Its targets are now edges
    (file:line), which the targets' policies admit; a host that is no service is not."""
    (tmp_path / "prometheus.yml").write_text(PROMETHEUS_YML)
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"name": "obs", "services": {
        "prometheus": {"image": "prom/prometheus:v2.55.0",
                       "volumes": ["./prometheus.yml:/etc/prometheus/prometheus.yml:ro"]},
        "api": {"image": "example/api:1.0", "expose": ["8080"]},
        "web": {"image": "example/web:1.0", "expose": ["3000"]},
        "agent": {"image": "nvcr.io/nvidia/k8s/dcgm-exporter:3.3.8-3.6.0-ubuntu22.04",
                  "expose": ["9400"]}}}))
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    analysis = analyze(project)
    found = {(e.target, e.port, e.evidence.where) for e in analysis.edges
             if e.source == "prometheus" and e.kind == "proxy_config"}
    assert found == {("api", 8080, "prometheus.yml:4"), ("web", 3000, "prometheus.yml:4"),
                     ("agent", 9400, "prometheus.yml:8")}
    assert analysis.cycles == () and analysis.services["prometheus"].wave == 0
    manifests = generate_manifests(project, analysis)
    policy = next(d.body for d in manifests.documents()
                  if d.kind == "NetworkPolicy" and d.name == "api")
    admitted = [rule["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                for rule in policy["spec"]["ingress"] if "from" in rule]
    assert "prometheus" in admitted
    # the agent is a DaemonSet: through its Service Prometheus sees one node's GPUs only
    (callers,) = [e for e in manifests.ledger if e.service == "agent" and e.key == "callers"]
    assert callers.status == "decide" and "kubernetes_sd_configs role: pod" in callers.why


def test_a_scraper_is_not_asked_to_wait_for_its_targets(tmp_path: Path) -> None:
    """Prometheus calls its targets; it does not need them to start. With its targets as
    edges the plan gave it "Replace depends_on start-up ordering with readiness gates", for
    a service with no depends_on at all."""
    from migrate_tui.workspace import open_workspace

    (tmp_path / "prometheus.yml").write_text(PROMETHEUS_YML)
    (tmp_path / "compose.yaml").write_text(yaml.safe_dump({"services": {
        "prometheus": {"image": "prom/prometheus:v2.55.0",
                       "volumes": ["./prometheus.yml:/etc/prometheus/prometheus.yml:ro"]},
        "api": {"image": "example/api:1.0", "expose": ["8080"],
                "environment": {"WEB_URL": "http://web:3000"}},
        "web": {"image": "example/web:1.0", "expose": ["3000"]}}}))
    ws = open_workspace(LoadOptions(path=str(tmp_path), environ={}), state_file=None)
    ids = {i.id for i in ws.plan.items()}
    assert "api.start-order" in ids  # (api needs web: a call it may wait for)
    assert "prometheus.start-order" not in ids
