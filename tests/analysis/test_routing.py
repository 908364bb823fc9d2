"""Routing (analysis/routing.py): one fixture service per rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_tui.analysis import Analysis, analyze
from migrate_tui.analysis.model import Route
from migrate_tui.analysis.report import to_json
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from tests.analysis.helpers import analyse


@pytest.fixture(scope="module")
def routed() -> Analysis:
    return analyse("routing")


def routes(a: Analysis, service: str) -> list[Route]:
    return [r for r in a.routes if r.service == service]


# service, source, hosts, path, port, target, tls
CASES = [
    ("api", "traefik", ("app.example.com",), "/api", 8000, "Ingress", True),
    ("shop", "nginx-proxy", ("shop.example.com", "www.shop.example.com"), None, 3000,
     "Ingress", True),
    ("blog", "caddy", ("blog.example.com",), None, 2368, "Ingress", True),
    ("realtime", "published", (), None, 4000, "Ingress", False),
    ("game", "published", (), None, 7777, "LoadBalancer", False),
    ("db", "published", (), None, 5432, "ClusterIP", False),
    ("static", "published", (), None, 80, "Ingress", False),
]


@pytest.mark.parametrize(("service", "source", "hosts", "path", "port", "target", "tls"),
                         CASES, ids=[c[0] for c in CASES])
def test_route(routed: Analysis, service: str, source: str, hosts: tuple[str, ...],
               path: str | None, port: int, target: str, tls: bool) -> None:
    [route] = routes(routed, service)
    assert (route.source, route.hosts, route.path, route.port, route.target, route.tls) == (
        source, hosts, path, port, target, tls)


def test_traefik_enable_false_hides_the_router(routed: Analysis) -> None:
    assert routes(routed, "hidden") == []


def test_proxies_without_upstreams_of_their_own_are_replaced(routed: Analysis) -> None:
    replaced = {p.service: p for p in routed.proxies}
    assert set(replaced) == {"traefik", "gateway"}  # static serves its own files
    assert "Docker socket" in replaced["traefik"].reason
    assert "api, shop" in replaced["gateway"].reason
    assert routes(routed, "traefik") == [] and routes(routed, "gateway") == []


def test_notes_say_tls_and_websockets(routed: Analysis) -> None:
    [api] = routes(routed, "api")
    assert any("cert-manager" in n for n in api.notes)
    [realtime] = routes(routed, "realtime")
    assert realtime.websocket and any("proxy-read-timeout" in n for n in realtime.notes)
    [db] = routes(routed, "db")
    assert "port-forward" in db.notes[0]


def test_json_has_routes_and_proxies(routed: Analysis) -> None:
    data = to_json(routed)
    assert {r["service"] for r in data["routes"]} >= {"api", "shop", "blog"}
    assert {p["service"] for p in data["proxies"]} == {"traefik", "gateway"}


def test_a_proxy_image_without_labelled_services_keeps_its_own_routes(tmp_path: Path) -> None:
    """Traefik on its file provider: no service has labels for it, so it is not said to read
    them, and it is not label-driven (the manifests keep deploying it)."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n  traefik:\n    image: traefik:v2.4\n"
        "    command: [--providers.file.directory=/etc/traefik]\n    ports: ['80:80']\n"
        "    volumes: ['./traefik:/etc/traefik']\n"
        "  app:\n    image: example/app:1.0\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    (proxy,) = analyze(project).proxies
    assert not proxy.label_driven
    assert proxy.reason.startswith("keeps its routes in its own configuration")
