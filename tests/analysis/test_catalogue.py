"""The catalogue and the rule texts: data files, validated, with errors that say where."""

from __future__ import annotations

import shutil
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

from migrate_tui.analysis.catalogue import (
    CATALOGUE_FILES,
    _PatternIndex,
    image_repository,
    image_tag,
    load_catalogue,
)
from migrate_tui.analysis.findings.base import load_findings_playbook
from migrate_tui.errors import MigrateError, PlaybookError
from migrate_tui.playbooks import playbooks_dir


@pytest.fixture()
def playbooks(tmp_path: Path) -> Path:
    """A copy of the playbooks to break."""
    folder = tmp_path / "playbooks"
    shutil.copytree(playbooks_dir(), folder)
    return folder


def test_playbooks_dir_holds_the_catalogue_and_the_rule_texts() -> None:
    folder = playbooks_dir()
    for relative in [*CATALOGUE_FILES.values(), "findings.yaml"]:
        assert (folder / relative).is_file(), relative


def test_catalogue_loads_and_knows_the_usual_suspects() -> None:
    catalogue = load_catalogue()
    expected = {
        "postgres:16": "PostgreSQL", "mysql:8": "MySQL", "mariadb:11": "MariaDB",
        "mongo:7": "MongoDB", "redis:7": "Redis", "valkey/valkey:8": "Valkey",
        "docker.elastic.co/elasticsearch/elasticsearch:8.15.3": "Elasticsearch",
        "opensearchproject/opensearch:2": "OpenSearch", "apache/kafka:3.8.0": "Kafka",
        "zookeeper:3.9": "ZooKeeper", "rabbitmq:3-management": "RabbitMQ", "nats:2": "NATS",
        "minio/minio:latest": "MinIO", "cassandra:5": "Cassandra",
        "clickhouse/clickhouse-server:24": "ClickHouse", "influxdb:2": "InfluxDB",
        "quay.io/coreos/etcd:v3.5": "etcd", "hashicorp/consul:1.19": "Consul",
        "hashicorp/vault:1.17": "Vault", "neo4j:5": "Neo4j", "couchdb:3": "CouchDB",
        "cockroachdb/cockroach:v24": "CockroachDB",
        "mcr.microsoft.com/mssql/server:2022-latest": "Microsoft SQL Server",
        "getmeili/meilisearch:v1.12": "Meilisearch", "qdrant/qdrant:v1.12": "Qdrant",
        "semitechnologies/weaviate:1.26": "Weaviate", "milvusdb/milvus:v2.4": "Milvus",
        "memcached:1.6": "Memcached",
    }
    for image, name in expected.items():
        entry = catalogue.match_image(image)
        assert entry is not None and entry.name == name, image
    for image in ("minio/mc:latest", "prometheuscommunity/postgres-exporter:v0.15",
                  "confluentinc/cp-kafka-connect:7.7", "provectuslabs/kafka-ui:latest"):
        assert catalogue.match_image(image) is None, image


def test_dev_only_images() -> None:
    catalogue = load_catalogue()
    for image in ("adminer", "dpage/pgadmin4:8", "mailhog/mailhog", "axllent/mailpit:v1",
                  "phpmyadmin:5", "rediscommander/redis-commander", "provectuslabs/kafka-ui",
                  "ghcr.io/kafbat/kafka-ui:latest"):
        assert catalogue.match_dev_only(image) is not None, image
    assert catalogue.match_dev_only("postgres:16") is None


def _first_list(pattern_lists: list[list[str]], repository: str) -> int | None:
    """The first list with a pattern that matches, one ``fnmatchcase`` at a time: a pattern
    with a ``/`` on the whole repository path, any other on its last part."""
    last = repository.rsplit("/", 1)[-1]
    for i, patterns in enumerate(pattern_lists):
        if any(fnmatchcase(repository if "/" in p else last, p.lower()) for p in patterns):
            return i
    return None


def test_the_pattern_index_finds_the_first_list_that_matches() -> None:
    # Its table of patterns without wildcards and its regexes of the others answer as a
    # scan of every pattern in order would, on every repository the catalogue names.
    catalogue = load_catalogue()
    for entries in (catalogue.images, catalogue.dev_only):
        lists = [list(e.images) for e in entries]
        index = _PatternIndex(lists)
        named = {p.lower().replace("*", "x").replace("?", "y") for ps in lists for p in ps}
        repositories = sorted(named | {f"acme/{n}" for n in named} | {n.upper() for n in named}
                              | {"nginx", "acme/nginx", "spilo-15", "mssql-server-2022",
                                 "postgres-exporter", "unknown", ""})
        for repository in repositories:
            assert index.first(repository) == _first_list(lists, repository), repository
    index = _PatternIndex([["*/web", "api"], ["web", "acme/api"], ["api"]])
    assert [index.first(r) for r in ("api", "web", "acme/web", "acme/api", "x/api")] == [
        0, 1, 0, 0, 0]


@pytest.mark.parametrize("ref,repository,tag", [
    ("postgres", "postgres", None),
    ("postgres:16.4-bookworm", "postgres", "16.4-bookworm"),
    ("docker.io/library/redis:7", "redis", "7"),
    ("ghcr.io/acme/web:1.2", "acme/web", "1.2"),
    ("localhost:5000/frappe/erpnext:v15", "frappe/erpnext", "v15"),
    ("registry:2", "registry", "2"),
    ("mcr.microsoft.com/mssql/server:2022-latest", "mssql/server", "2022-latest"),
    ("postgres@sha256:abc", "postgres", "@sha256:abc"),
])
def test_image_references(ref: str, repository: str, tag: str | None) -> None:
    assert image_repository(ref) == repository
    assert image_tag(ref) == tag


def test_a_broken_catalogue_names_file_line_item_and_field(playbooks: Path) -> None:
    path = playbooks / CATALOGUE_FILES["images"]
    text = path.read_text()
    text = text.replace("    ports: [5432]\n", "    ports: [five]\n", 1)
    text = text.replace("    state: stateful\n    images: [mysql", "    state: sometimes\n"
                        "    images: [mysql", 1)
    path.write_text(text)
    with pytest.raises(PlaybookError) as caught:
        load_catalogue(playbooks)
    error = caught.value
    assert isinstance(error, MigrateError)
    rendered = error.render()
    assert str(path) in rendered
    assert "2 problems" in rendered
    assert "images[0] (PostgreSQL), field ports[0]" in rendered
    assert "images[1] (MySQL), field state" in rendered
    five = next(i for i, line in enumerate(text.splitlines(), 1) if "[five]" in line)
    assert f"line {five}:" in rendered and error.line is not None


def test_a_bad_pattern_is_reported(playbooks: Path) -> None:
    path = playbooks / CATALOGUE_FILES["heuristics"]
    path.write_text(path.read_text().replace("  - '^/var/lib/'", "  - '^/var/lib/('", 1))
    with pytest.raises(PlaybookError, match=r"data_paths\[\d\]"):
        load_catalogue(playbooks)


def test_a_missing_file_is_a_playbook_error(playbooks: Path) -> None:
    (playbooks / CATALOGUE_FILES["dev_only"]).unlink()
    with pytest.raises(PlaybookError, match="cannot read the playbook"):
        load_catalogue(playbooks)


def test_invalid_yaml_is_a_playbook_error(playbooks: Path) -> None:
    (playbooks / CATALOGUE_FILES["dev_only"]).write_text("images: [\n")
    with pytest.raises(PlaybookError, match="invalid YAML"):
        load_catalogue(playbooks)


def test_rule_texts_use_only_the_values_they_declare(playbooks: Path) -> None:
    path = playbooks / "findings.yaml"
    path.write_text(path.read_text().replace(
        'message: "container_name: {container_name}"', 'message: "container_name: {nme}"'))
    with pytest.raises(PlaybookError) as caught:
        load_findings_playbook(playbooks)
    assert "rules.container-name" in caught.value.render() or \
        "container-name" in caught.value.render()
    assert "{nme}" in caught.value.render()


def test_when_persisted_needs_a_way_to_tell(playbooks: Path) -> None:
    path = playbooks / CATALOGUE_FILES["images"]
    text = path.read_text().replace(
        "    data_paths: [/mosquitto/data]\n", "", 1)
    path.write_text(text)
    with pytest.raises(PlaybookError, match="Mosquitto.*needs data_paths or persistence_flags"):
        load_catalogue(playbooks)


def test_every_playbook_file_ships_in_the_package() -> None:
    """pyproject's package-data for migrate_tui.playbooks_data covers every playbook file,
    and setup.py maps the playbooks folder to that package."""
    import fnmatch
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    repo = Path(__file__).resolve().parents[2]
    config = tomllib.loads((repo / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["migrate_tui.playbooks_data"]
    folder = repo / "playbooks"
    for path in folder.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            relative = path.relative_to(folder).as_posix()
            assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative
    setup = (repo / "setup.py").read_text()
    assert '"migrate_tui.playbooks_data"' in setup and '"playbooks"' in setup


def test_every_weight_says_why(playbooks: Path) -> None:
    weights = load_catalogue().weights
    for group in (weights.mounts, weights.catalogue, weights.kinds, weights.unknown,
                  weights.confidence):
        for name, weight in group:
            assert len(weight.why.split()) >= 8, f"{name}: {weight.why!r}"


def test_a_weight_of_the_wrong_sign_or_without_a_reason_is_refused(playbooks: Path) -> None:
    path = playbooks / CATALOGUE_FILES["weights"]
    text = path.read_text()
    text = text.replace("  data_named_volume:\n    value: 0.7\n",
                        "  data_named_volume:\n    value: -0.7\n", 1)
    text = text.replace("  tmpfs:\n    value: -0.1\n    why: >-\n", "  tmpfs:\n    value: -0.1\n"
                        "    because: >-\n", 1)
    path.write_text(text)
    with pytest.raises(PlaybookError) as caught:
        load_catalogue(playbooks)
    rendered = caught.value.render()
    assert str(path) in rendered
    assert "mounts.data_named_volume.value" in rendered
    assert "mounts.tmpfs.why" in rendered and "mounts.tmpfs.because" in rendered
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s == "    value: -0.7")
    assert f"line {line}:" in rendered


def test_catalogue_ids_are_unique(playbooks: Path) -> None:
    path = playbooks / CATALOGUE_FILES["images"]
    path.write_text(path.read_text().replace("- id: mysql\n", "- id: postgresql\n", 1))
    with pytest.raises(PlaybookError, match="two entries have the id 'postgresql'"):
        load_catalogue(playbooks)
