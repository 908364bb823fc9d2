"""Phase 5, extends: services built on other services, in the same file or another one."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_tui.errors import ExtendsError
from tests.compose.conftest import FIXTURES, LoadText, load, service, write_files


def test_extends_a_service_of_the_same_file(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          base:
            image: app:1
            environment: {LOG: info, MODE: base}
            ports: ["80"]
          web:
            extends: base
            environment: {MODE: web}
            ports: ["81"]
        """
    )
    web = service(project, "web")
    assert web["image"] == "app:1"
    assert web["environment"] == {"LOG": "info", "MODE": "web"}
    assert [p["target"] for p in web["ports"]] == [80, 81]
    assert "extends" not in web


def test_extends_another_file_resolving_its_paths_from_its_folder(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "common/base.yaml": """
            services:
              base:
                image: base:1
                build: ./app
                volumes: ["./data:/data"]
                env_file: ./base.env
            """,
        "common/base.env": "FROM_BASE_ENV=1\n",
        "compose.yaml": """
            services:
              web:
                extends:
                  file: common/base.yaml
                  service: base
                volumes: ["./local:/local"]
            """,
    })
    web = service(load(tmp_path), "web")
    assert web["build"]["context"] == str(tmp_path / "common/app")
    assert [v["source"] for v in web["volumes"]] == [
        str(tmp_path / "common/data"), str(tmp_path / "local")]
    assert web["environment"] == {"FROM_BASE_ENV": "1"}


def test_a_chain_of_extends_applies_every_link(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "common/base.yaml": """
            services:
              root:
                image: root:1
                environment: {ROOT: "1"}
              base:
                extends: root
                environment: {BASE: "1"}
            """,
        "compose.yaml": """
            services:
              web:
                extends: {file: common/base.yaml, service: base}
                environment: {WEB: "1"}
              worker:
                extends: web
                command: run
            """,
    })
    project = load(tmp_path)
    worker = service(project, "worker")
    assert worker["image"] == "root:1"
    assert worker["environment"] == {"ROOT": "1", "BASE": "1", "WEB": "1"}
    assert worker["command"] == ["run"]
    assert sorted(project.services) == ["web", "worker"]  # base services are not pulled in


def test_reset_in_the_extending_service_drops_the_base_value(load_yaml: LoadText) -> None:
    project = load_yaml(
        """
        services:
          base:
            image: app
            ports: ["80:80"]
          web:
            extends: base
            ports: !reset []
        """
    )
    assert "ports" not in service(project, "web")


def test_a_cycle_is_refused_with_the_chain() -> None:
    with pytest.raises(ExtendsError) as caught:
        load(FIXTURES / "errors", files=("extends_cycle.yaml",))
    assert "extends_cycle.yaml:a -> extends_cycle.yaml:b -> extends_cycle.yaml:c -> " \
        "extends_cycle.yaml:a" in caught.value.message
