"""Upstream charts and operators (analysis/charts.py, playbooks/catalogue/charts.yaml)."""

from __future__ import annotations

from migrate_tui.analysis.catalogue import load_catalogue
from migrate_tui.analysis.charts import load_charts
from tests.analysis.helpers import analyse


def test_matches() -> None:
    found = {c.id: c for c in analyse("charts").charts}
    # postgres keeps data: an operator; the cache keeps none; the topic job is no broker
    assert set(found) == {"temporal", "cloudnative-pg"}
    assert found["cloudnative-pg"].services == ("postgresql",)
    assert found["cloudnative-pg"].scope == "service"
    assert found["temporal"].services == ("temporal", "temporal-ui")
    assert found["temporal"].scope == "project"
    assert [c.scope for c in analyse("charts").charts] == ["project", "service"]


def test_every_engine_of_the_charts_is_in_the_image_catalogue() -> None:
    ids = set(load_catalogue().by_id)
    unknown = {e for chart in load_charts().engines for e in chart.engines} - ids
    assert not unknown


def test_the_issue_names_are_there() -> None:
    charts = load_charts()
    ids = {c.id for c in [*charts.engines, *charts.apps]}
    assert {"cloudnative-pg", "strimzi", "eck", "apache-airflow", "temporal", "netbox",
            "supabase", "opentelemetry-demo", "redis-operator", "rabbitmq-cluster-operator",
            "minio-operator"} <= ids
