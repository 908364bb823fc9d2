"""The dependency graph: every edge kind with its evidence line, cycles and waves."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_tui.analysis.graph import hosts_in
from migrate_tui.analysis.model import EDGE_KINDS, ORDERING_KINDS, Analysis
from migrate_tui.analysis.ordering import adjacency, cycles, waves
from migrate_tui.analysis.pipeline import analyze
from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from tests.analysis.helpers import FIXTURES, analyse, line_of


@pytest.fixture(scope="module")
def edges() -> Analysis:
    return analyse("edges")


def edge(analysis: Analysis, source: str, target: str, kind: str):  # type: ignore[no-untyped-def]
    found = [e for e in analysis.edges if (e.source, e.target, e.kind) == (source, target, kind)]
    assert len(found) == 1, f"{source} -> {target} ({kind}) in {analysis.edges}"
    return found[0]


@pytest.mark.parametrize("source,target,kind,text", [
    ("web", "api", "depends_on", "      api:"),
    ("web", "cache", "depends_on", "      cache:"),
    ("web", "db", "links", "- db:database"),
    ("sidecar", "api", "network_mode", "network_mode: service:api"),
    ("sidecar", "worker", "ipc", "ipc: service:worker"),
    ("sidecar", "web", "pid", "pid: service:web"),
    ("worker", "api", "volumes_from", "- api:ro"),
    ("api", "worker", "shared_volume", "- shared-files:/srv/files"),
    ("web", "api", "inferred", "API_URL: http://api:8080/v1"),
    ("web", "db", "inferred", "DATABASE_URL: postgres://"),
    ("web", "cache", "inferred", "REDIS_HOST: cache"),
    ("web", "search", "inferred", "SEARCH: search-alias:9200"),
    ("api", "queue", "inferred", 'command: ["serve", "--broker", "queue:5672"]'),
    ("worker", "queue", "inferred", "wait-for http://fixed-queue:5672"),
])
def test_edge_kind_with_its_line(edges: Analysis, source: str, target: str, kind: str,
                                 text: str) -> None:
    found = edge(edges, source, target, kind)
    assert (found.evidence.file, found.evidence.line) == ("compose.yaml", _first_line(text))
    assert found.evidence.text


def _first_line(text: str) -> int:
    """The first line of the edges fixture holding ``text`` (the writer's, not a reader's)."""
    lines = (FIXTURES / "edges" / "compose.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.endswith(text) or text in line)


def test_every_edge_kind_is_covered(edges: Analysis) -> None:
    assert {e.kind for e in edges.edges} == set(EDGE_KINDS)


def test_a_proxy_config_edge_names_its_file_and_line(edges: Analysis) -> None:
    found = edge(edges, "gateway", "api", "proxy_config")
    assert (found.evidence.where, found.port) == ("gateway/nginx.conf:4", 8080)


def test_depends_on_keeps_condition_and_required(edges: Analysis) -> None:
    healthy = edge(edges, "web", "api", "depends_on")
    optional = edge(edges, "web", "cache", "depends_on")
    assert (healthy.condition, healthy.required) == ("service_healthy", True)
    assert (optional.condition, optional.required) == ("service_started", False)


def test_inferred_edges_carry_the_port_and_mask_passwords(edges: Analysis) -> None:
    db = edge(edges, "web", "db", "inferred")
    assert db.port == 5432
    assert "s3cret" not in db.evidence.text and "app:***@db" in db.evidence.text


def test_no_edge_to_itself_or_to_a_longer_host_name(edges: Analysis) -> None:
    assert not [e for e in edges.edges if e.source == e.target]
    assert not [e for e in edges.edges if e.source == "web" and e.target == "db"
                and "example.com" in e.evidence.text]


def test_compose_implied_depends_on_is_not_a_second_edge(edges: Analysis) -> None:
    """Compose adds depends_on for links, volumes_from and service: namespaces."""
    assert not [e for e in edges.edges if e.source == "sidecar" and e.kind == "depends_on"]
    assert not [e for e in edges.edges if (e.source, e.target, e.kind) ==
                ("worker", "api", "depends_on")]


def test_shared_volume_edges_do_not_order_start_up(edges: Analysis) -> None:
    between = {e.kind for e in edges.edges if (e.source, e.target) == ("api", "worker")}
    assert between == {"shared_volume"}
    assert not between & ORDERING_KINDS
    assert edges.services["api"].wave < edges.services["worker"].wave


@pytest.mark.parametrize("value,hosts", [
    ("postgres://user:pw@db:5432/app", [("db", 5432)]),
    ("http://api:8080", [("api", 8080)]),
    ("db:5432", [("db", 5432)]),
    ("mongodb://a:27017,b:27018/x?replicaSet=rs", [("a", 27017), ("b", 27018)]),
    ("PLAINTEXT://kafka:9092,CONTROLLER://kafka:9093", [("kafka", 9092), ("kafka", 9093)]),
    ("amqp://guest:guest@rabbit/", [("rabbit", None)]),
    ("12:30", [("12", 30)]),
    ("$HOST:80", []),
    ("http://[::1]:4000/health", [("[::1]", 4000)]),
])
def test_hosts_in_values(value: str, hosts: list[tuple[str, int | None]]) -> None:
    assert sorted(set((h, p) for h, p, _ in hosts_in(value))) == sorted(set(hosts))


def test_cycles_are_sorted_paths_and_share_a_wave() -> None:
    analysis = analyse("cycle")
    assert analysis.cycles == (("a", "b", "c"), ("c", "d"))
    assert analysis.waves == (("a", "b", "c", "d"), ("e",))


def test_waves_put_dependencies_first_most_depended_on_first() -> None:
    analysis = analyse("waves")
    assert analysis.waves == (("db", "cache", "lonely"), ("api", "worker"), ("web",))
    assert [analysis.services[n].wave for n in ("db", "api", "web")] == [0, 1, 2]


def test_cycles_and_waves_are_deterministic() -> None:
    pairs = [("z", "y"), ("y", "x"), ("x", "z"), ("w", "z")]
    found = []
    for edges in (pairs, list(reversed(pairs))):
        nodes = list(dict.fromkeys(n for pair in edges for n in pair))
        succ = adjacency(nodes, edges)
        found.append((cycles(nodes, succ), waves(nodes, succ)))
    assert found[0] == found[1] == ([("x", "z", "y")], [["x", "y", "z"], ["w"]])


def test_evidence_follows_extends_into_other_files() -> None:
    analysis = analyse("extends")
    db = edge(analysis, "worker", "db", "inferred")
    assert (db.evidence.file, db.evidence.line) == ("base.yaml", line_of(
        "extends", "DATABASE_HOST: db", "base.yaml"))
    cache = edge(analysis, "api", "cache", "inferred")
    assert (cache.evidence.file, cache.evidence.line) == ("app.env", 4)


def test_explicit_key_next_to_a_merge_key_keeps_its_line() -> None:
    analysis = analyse("merge_key")
    (finding,) = [f for f in analysis.findings if f.rule == "runs-as-root"]
    assert finding.evidence.line == line_of("merge_key", "user: root")


def test_inferred_edge_against_the_declared_order_is_dropped() -> None:
    analysis = analyse("contradicted")
    pairs = {(e.source, e.target, e.kind) for e in analysis.edges}
    assert ("api", "init", "depends_on") in pairs
    assert ("init", "api", "inferred") not in pairs
    assert ("web", "api", "inferred") in pairs
    assert analysis.cycles == ()
    assert analysis.waves == (("init",), ("api",), ("web",))


def test_the_ports_a_healthcheck_calls_on_itself(tmp_path: Path) -> None:
    """supabase's auth checks ``http://localhost:9999/health``, storage
    ``http://storage:5000/status``, and neither has ports or expose: the port its own
    healthcheck calls (on localhost, a loopback address or one of its own names) is one it
    listens on. Another service's name, or a URL with no port, names none."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  auth:\n    image: supabase/gotrue:2\n    healthcheck:\n"
        "      test: [CMD, wget, --spider, 'http://localhost:9999/health']\n"
        "  storage:\n    image: supabase/storage-api:1\n    hostname: store\n"
        "    healthcheck:\n      test: [CMD, wget, -q, 'http://STORE:5000/status']\n"
        "  realtime:\n    image: supabase/realtime:2\n    healthcheck:\n"
        "      test: [CMD-SHELL, 'curl -sf http://127.0.0.1:4000/api && "
        "curl http://[::1]:4001/ && wget -qO- localhost:4002/ready']\n"
        "  web:\n    image: nginx:1\n    healthcheck:\n"
        "      test: [CMD, curl, -f, 'http://localhost/', 'http://auth:9999/']\n"
        "  off:\n    image: busybox\n    healthcheck:\n"
        "      test: [CMD, wget, 'http://localhost:7000/']\n      disable: true\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    found = {n: s.healthcheck_ports for n, s in analyze(project).services.items()}
    assert found == {"auth": (9999,), "storage": (5000,), "realtime": (4000, 4001, 4002),
                     "web": (), "off": ()}


@pytest.mark.parametrize("source,target,kind,name", [
    ("web", "db", "links", "database"),  # links: [db:database]
    ("web", "search", "inferred", "search-alias"),  # its network alias
    ("worker", "queue", "inferred", "fixed-queue"),  # its container name
    ("web", "api", "inferred", None),  # its service name: nothing to keep
    ("web", "db", "inferred", None),
])
def test_an_edge_keeps_the_name_the_client_used(edges: Analysis, source: str, target: str,
                                                kind: str, name: str | None) -> None:
    assert edge(edges, source, target, kind).name == name


def test_a_client_reading_the_variable_of_an_alias_calls_it_by_the_default(
        tmp_path: Path) -> None:
    """jitsi: prosody's alias is ``${XMPP_SERVER:-xmpp.meet.jitsi}`` and jicofo reads
    XMPP_SERVER, unset: its image's default, the same name. A variable whose name does not
    say host, or that holds a value, is not read so."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  prosody:\n    image: jitsi/prosody:stable\n"
        "    networks: {meet: {aliases: ['${XMPP_SERVER:-xmpp.meet.jitsi}']}}\n"
        "  jicofo:\n    image: jitsi/jicofo:stable\n    environment: [XMPP_SERVER]\n"
        "    networks: [meet]\n"
        "  other:\n    image: example/other:1\n    networks: [meet]\n"
        "    environment: [XMPP_DOMAIN, 'XMPP_SERVER=prosody']\n"
        "networks: {meet: {}}\n")
    project = load_project(LoadOptions(path=str(tmp_path), environ={}))
    found = analyze(project)
    named = edge(found, "jicofo", "prosody", "inferred")
    assert named.name == "xmpp.meet.jitsi"
    assert named.evidence.line == 7 and "${XMPP_SERVER:-xmpp.meet.jitsi}" in named.evidence.text
    assert edge(found, "other", "prosody", "inferred").name is None


def _inferred_targets(tmp_path: Path, compose: str) -> dict[str, list[tuple[str, str | None]]]:
    """client -> [(target, name used)] of the inferred edges of a compose file."""
    (tmp_path / "compose.yaml").write_text(compose)
    found: dict[str, list[tuple[str, str | None]]] = {}
    for e in analyze(load_project(LoadOptions(path=str(tmp_path), environ={}))).edges:
        if e.kind == "inferred":
            found.setdefault(e.source, []).append((e.target, e.name))
    return found


@pytest.mark.parametrize("claim", [
    "    networks: {default: {aliases: [db]}}\n",  # another's network alias
    "    container_name: db\n",  # another's container name
])
def test_a_service_name_is_its_own_whatever_another_claims(tmp_path: Path,
                                                           claim: str) -> None:
    """``cache`` (sorted first) answering to ``db`` too took the name from the service db:
    the client's ``db:5432`` became an edge to cache. Compose registers each service's name
    as an alias of its containers; in a cluster ``db`` is db's Service."""
    found = _inferred_targets(tmp_path, (
        "services:\n"
        "  app:\n    image: example/app:1\n    environment: [DB=db:5432]\n"
        f"  cache:\n    image: redis:7\n{claim}"
        "  db:\n    image: postgres:16\n"))
    assert found == {"app": [("db", None)]}


def test_a_name_two_other_services_claim_is_an_edge_to_each(tmp_path: Path) -> None:
    """Docker's DNS answers an alias with every container holding it: the client may reach
    either, so neither edge is dropped (the manifests ask which one is meant)."""
    found = _inferred_targets(tmp_path, (
        "services:\n"
        "  app:\n    image: example/app:1\n"
        "    environment: [SEARCH_URL=http://search:9200, SEARCH_HOST=search]\n"
        "    command: [wait-for, 'search:9200']\n"
        "  es1:\n    image: elasticsearch:8.0.0\n"
        "    networks: {default: {aliases: [search]}}\n"
        "  es2:\n    image: elasticsearch:8.0.0\n    container_name: search\n"))
    assert found == {"app": [("es1", "search"), ("es2", "search")]}


def test_an_alias_answers_on_its_own_network_only(tmp_path: Path) -> None:
    """es1 holds search on the client's network, es2 on another: only es1 answers it."""
    found = _inferred_targets(tmp_path, (
        "services:\n"
        "  app:\n    image: example/app:1\n    networks: [front]\n"
        "    environment: [SEARCH_URL=http://search:9200]\n"
        "  es1:\n    image: elasticsearch:8.0.0\n"
        "    networks: {front: {aliases: [search]}}\n"
        "  es2:\n    image: elasticsearch:8.0.0\n"
        "    networks: {back: {aliases: [search]}}\n"
        "networks: {front: {}, back: {}}\n"))
    assert found == {"app": [("es1", "search")]}
