"""Regression cases from real projects of the corpus: kinds, data, routing and charts as
a platform engineer reads them (issue 15's review named temporal, supabase and netbox)."""

from __future__ import annotations

import pytest

from migrate_tui.analysis import Analysis
from tests.analysis.test_corpus import CASES, analysed

pytestmark = pytest.mark.skipif(not CASES, reason="the corpus is missing")


def project(case_id: str) -> Analysis:
    found = analysed(case_id)
    assert found is not None, case_id
    return found


def test_temporal_admin_tools_is_a_tool_and_the_chart_fits() -> None:
    a = project("temporalio+docker-compose/root")
    assert a.services["temporal-admin-tools"].kind == "tool"
    assert "temporal" in {c.id for c in a.charts if c.scope == "project"}


def test_supabase_storage_data_and_log_shipper() -> None:
    a = project("supabase+supabase/docker")
    assert a.services["storage"].service_class == "stateful"
    assert "STORAGE_BACKEND=file" in a.services["storage"].reasons[0]
    store = {d.id: d for d in a.data}["bind mount ./volumes/storage"]
    assert store.writers == ("imgproxy", "storage") and store.access_mode == "ReadWriteMany"
    assert a.services["vector"].kind == "daemon"  # reads every container's logs
    assert {"supabase", "cloudnative-pg"} <= {c.id for c in a.charts}


def test_netbox_test_cache_with_persistence_off_has_nothing_to_copy() -> None:
    a = project("netbox-community+netbox-docker/root__docker-compose.test")
    for name in ("redis", "redis-cache"):
        assert a.services[name].service_class == "stateless"
        assert not [d for d in a.data if name in d.writers]


def test_netbox_media_is_shared_by_three_writers() -> None:
    a = project("netbox-community+netbox-docker/root")
    media = {d.id: d for d in a.data}["volume netbox-media-files"]
    assert media.writers == ("netbox", "netbox-housekeeping", "netbox-worker")
    assert media.access_mode == "ReadWriteMany"


def test_frappe_nginx_proxy_route_and_replaced_proxy() -> None:
    a = project("frappe+frappe_docker/nginxproxy-ssl_mariadb+redis")
    [route] = [r for r in a.routes if r.service == "frontend"]
    assert (route.source, route.hosts, route.port, route.tls) == (
        "nginx-proxy", ("erp.example.com",), 8080, True)
    assert "nginx-proxy" in {p.service for p in a.proxies}


def test_n8n_traefik_route_and_replaced_proxy() -> None:
    a = project("n8n-io+n8n-hosting/docker-compose__subfolderWithSSL")
    [route] = [r for r in a.routes if r.service == "n8n"]
    assert (route.hosts, route.path, route.port, route.tls) == (
        ("example.com",), "/app1", 5678, True)
    assert {p.service for p in a.proxies} == {"traefik"}


def test_elk_filebeat_is_a_node_agent() -> None:
    a = project("deviantony+docker-elk/root+filebeat")
    assert a.services["filebeat"].kind == "daemon"
