"""Phase 6, merge: a later file laid over the earlier ones, rule by rule, as Compose does."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from migrate_tui.compose.merge import merge_files
from migrate_tui.compose.model import Project
from tests.compose.conftest import load, service, write_files


def load_pair(tmp_path: Path, base: str, override: str) -> Project:
    """``compose.yaml`` with ``compose.override.yaml`` over it."""
    write_files(tmp_path, {"compose.yaml": base, "compose.override.yaml": override})
    return load(tmp_path)


def test_mappings_merge_key_by_key_the_later_file_winning(tmp_path: Path) -> None:
    project = load_pair(
        tmp_path,
        """
        services:
          web:
            image: nginx:1
            restart: always
            labels: {team: web, tier: front}
        """,
        """
        services:
          web:
            image: nginx:2
            labels: {tier: edge, owner: ops}
          worker:
            image: worker
        """,
    )
    web = service(project, "web")
    assert web["image"] == "nginx:2"
    assert web["restart"] == "always"
    assert web["labels"] == {"team": "web", "tier": "edge", "owner": "ops"}
    assert sorted(project.services) == ["web", "worker"]


def test_command_entrypoint_and_healthcheck_test_are_replaced(tmp_path: Path) -> None:
    project = load_pair(
        tmp_path,
        """
        services:
          web:
            image: nginx
            command: ["serve", "--port", "80"]
            entrypoint: /docker-entrypoint.sh
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost"]
              interval: 10s
        """,
        """
        services:
          web:
            command: ["debug"]
            entrypoint: ["/bin/sh", "-c"]
            healthcheck:
              test: wget -q localhost
        """,
    )
    web = service(project, "web")
    assert web["command"] == ["debug"]
    assert web["entrypoint"] == ["/bin/sh", "-c"]
    assert web["healthcheck"]["test"] == ["CMD-SHELL", "wget -q localhost"]
    assert web["healthcheck"]["interval"] == "10s"


def test_ports_are_appended_and_deduplicated(tmp_path: Path) -> None:
    project = load_pair(
        tmp_path,
        """
        services:
          web:
            image: nginx
            ports: ["8080:80", "9090:90"]
        """,
        """
        services:
          web:
            ports: ["8080:80", "7070:70", "8080:80/udp"]
        """,
    )
    ports = [(p.get("published"), p["target"], p["protocol"])
             for p in service(project, "web")["ports"]]
    assert ports == [("8080", 80, "tcp"), ("9090", 90, "tcp"), ("7070", 70, "tcp"),
                     ("8080", 80, "udp")]


def test_volumes_are_merged_by_target_the_later_one_in_place(tmp_path: Path) -> None:
    project = load_pair(
        tmp_path,
        """
        services:
          web:
            image: nginx
            volumes: ["./data:/data", "logs:/logs"]
        volumes:
          logs: {}
        """,
        """
        services:
          web:
            volumes: ["./other:/data", "/tmp:/tmp"]
        """,
    )
    volumes = [(v["source"], v["target"]) for v in service(project, "web")["volumes"]]
    assert volumes == [(str(tmp_path / "other"), "/data"), ("logs", "/logs"), ("/tmp", "/tmp")]


def test_secrets_are_merged_by_target(tmp_path: Path) -> None:
    project = load_pair(
        tmp_path,
        """
        services:
          web:
            image: nginx
            secrets:
              - api_key
              - source: db_password
                target: /run/secrets/db
        secrets:
          api_key: {file: ./api_key.txt}
          db_password: {file: ./db.txt}
        """,
        """
        services:
          web:
            secrets:
              - api_key
              - source: db_password
                target: /run/secrets/db
                mode: 0400
        """,
    )
    secrets = service(project, "web")["secrets"]
    assert [s["source"] for s in secrets] == ["api_key", "db_password"]
    assert secrets[1]["mode"] == "0400"  # octal text, as Compose prints it


def test_environment_is_merged_key_by_key_across_syntaxes(tmp_path: Path) -> None:
    project = load_pair(
        tmp_path,
        """
        services:
          web:
            image: nginx
            environment:
              - A=1
              - B=2
        """,
        """
        services:
          web:
            environment:
              B: "3"
              C: "4"
        """,
    )
    assert service(project, "web")["environment"] == {"A": "1", "B": "3", "C": "4"}


def test_logging_with_another_driver_is_replaced_with_the_same_merged(tmp_path: Path) -> None:
    project = load_pair(
        tmp_path,
        """
        services:
          web:
            image: nginx
            logging:
              driver: json-file
              options: {max-size: 10m}
          db:
            image: postgres
            logging:
              driver: json-file
              options: {max-size: 1m}
        """,
        """
        services:
          web:
            logging:
              driver: syslog
              options: {syslog-address: "udp://10.0.0.1:514"}
          db:
            logging:
              options: {max-file: "3"}
        """,
    )
    assert service(project, "web")["logging"] == {
        "driver": "syslog", "options": {"syslog-address": "udp://10.0.0.1:514"}}
    assert service(project, "db")["logging"] == {
        "driver": "json-file", "options": {"max-size": "1m", "max-file": "3"}}


def test_reset_removes_and_override_replaces(tmp_path: Path) -> None:
    project = load_pair(
        tmp_path,
        """
        services:
          web:
            image: nginx
            ports: ["8080:80", "9090:90"]
            environment: {A: "1", B: "2"}
            volumes: ["./a:/a"]
            labels: {keep: "yes"}
        """,
        """
        services:
          web:
            ports: !reset []
            environment: !override
              C: "3"
            volumes: !override
              - ./b:/b
            labels: {added: "yes"}
        """,
    )
    web = service(project, "web")
    assert "ports" not in web
    assert web["environment"] == {"C": "3"}
    assert [v["target"] for v in web["volumes"]] == ["/b"]
    assert web["labels"] == {"keep": "yes", "added": "yes"}


def test_extensions_merge_like_any_mapping(tmp_path: Path) -> None:
    # Docker Compose v2 merges x- keys (x-a: {a: 1} then x-a: {b: 2} gives both) and
    # appends their lists; it does not replace them whole.
    project = load_pair(
        tmp_path,
        """
        services:
          web:
            image: nginx
            x-migrate: {owner: web-team, notes: {a: 1}}
        x-settings:
          region: eu
          zones: [a]
        """,
        """
        services:
          web:
            x-migrate: {notes: {b: 2}}
        x-settings:
          tier: gold
          zones: [b]
        """,
    )
    assert project.extensions["x-settings"] == {
        "region": "eu", "tier": "gold", "zones": ["a", "b"]}
    assert project.services["web"].extensions["x-migrate"] == {
        "owner": "web-team", "notes": {"a": 1, "b": 2}}


def test_files_given_with_f_merge_in_order(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "base.yaml": "services:\n  web:\n    image: a\n",
        "prod.yaml": "services:\n  web:\n    image: b\n",
        "local.yaml": "services:\n  web:\n    image: c\n",
    })
    forward = load(tmp_path, files=("base.yaml", "prod.yaml", "local.yaml"))
    backward = load(tmp_path, files=("local.yaml", "prod.yaml", "base.yaml"))
    assert forward.services["web"].image == "c"
    assert backward.services["web"].image == "a"


# -- properties ---------------------------------------------------------------------------

_WORD = st.text(alphabet="abcdefghij0123456789-_", min_size=1, max_size=8)
_PORT = st.fixed_dictionaries({
    "mode": st.just("ingress"),
    "target": st.integers(1, 65535),
    "published": st.integers(1, 65535).map(str),
    "protocol": st.sampled_from(["tcp", "udp"]),
})
_VOLUME = st.fixed_dictionaries({
    "type": st.just("volume"),
    "source": _WORD,
    "target": _WORD.map(lambda w: "/" + w),
})
_SCALARS = st.one_of(_WORD, st.integers(-5, 5), st.booleans())
_SERVICE = st.fixed_dictionaries(
    {"image": _WORD},
    optional={
        "command": st.lists(_WORD, max_size=3),
        "entrypoint": st.lists(_WORD, max_size=3),
        "environment": st.dictionaries(_WORD.map(str.upper), _WORD, max_size=3),
        "labels": st.dictionaries(_WORD, _WORD, max_size=3),
        "ports": st.lists(_PORT, max_size=3, unique_by=lambda p: (
            p["published"], p["target"], p["protocol"])),
        "volumes": st.lists(_VOLUME, max_size=3, unique_by=lambda v: v["target"]),
        "dns": st.lists(_WORD, max_size=3, unique=True),
        "healthcheck": st.fixed_dictionaries({"test": st.lists(_WORD, min_size=1, max_size=3),
                                              "interval": st.just("5s")}),
        "logging": st.fixed_dictionaries({"driver": st.sampled_from(["json-file", "syslog"]),
                                          "options": st.dictionaries(_WORD, _WORD, max_size=2)}),
        "x-meta": st.dictionaries(_WORD, _SCALARS, max_size=3),
    },
)
_FILE = st.fixed_dictionaries({"services": st.dictionaries(_WORD, _SERVICE, max_size=4)})


@given(_FILE)
def test_merging_a_file_over_an_empty_project_gives_the_file(data: dict[str, Any]) -> None:
    original = copy.deepcopy(data)
    assert merge_files({}, data) == original
    assert data == original  # the input is not modified


@given(_FILE)
def test_merging_the_same_file_twice_is_idempotent_for_services(data: dict[str, Any]) -> None:
    once = merge_files({}, data)
    twice = merge_files(once, data)
    assert twice["services"] == once["services"]


@given(_FILE, _FILE)
def test_a_later_file_decides_every_scalar_it_sets(
    base: dict[str, Any], over: dict[str, Any]
) -> None:
    merged = merge_files(base, over)
    assert set(merged["services"]) == set(base["services"]) | set(over["services"])
    for name, svc in over["services"].items():
        assert merged["services"][name]["image"] == svc["image"]
        for key in ("command", "entrypoint"):
            if key in svc:
                assert merged["services"][name][key] == svc[key]
