"""Phase 5b, include: other Compose projects pulled into this one."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrate_tui.errors import IncludeError
from tests.compose.conftest import FIXTURES, load, service, write_files


def test_short_form_include_uses_its_own_folder_and_env(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "compose.yaml": """
            include:
              - sub/compose.yaml
            services:
              web:
                image: nginx
                depends_on: [api]
            """,
        "sub/compose.yaml": """
            services:
              api:
                image: "api:${API_TAG:-latest}"
                volumes: ["./src:/src"]
            """,
        "sub/.env": "API_TAG=from-sub-dotenv\n",
    })
    api = service(load(tmp_path), "api")
    assert api["image"] == "api:from-sub-dotenv"
    assert api["volumes"][0]["source"] == str(tmp_path / "sub/src")


def test_including_project_variables_win_over_the_included_env(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "compose.yaml": "include: [sub/compose.yaml]\n",
        "sub/compose.yaml": "services:\n  api:\n    image: api:${API_TAG}\n",
        "sub/.env": "API_TAG=from-sub\n",
    })
    assert service(load(tmp_path, env={"API_TAG": "from-shell"}), "api")["image"] == \
        "api:from-shell"


def test_long_form_with_project_directory_and_env_file(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "compose.yaml": """
            include:
              - path: other/db.yaml
                project_directory: other
                env_file: other/db.env
            services:
              web:
                image: nginx
            """,
        "other/db.yaml": """
            services:
              db:
                image: "postgres:${PG_TAG}"
                volumes: ["./pg:/var/lib/postgresql/data"]
            """,
        "other/db.env": "PG_TAG=16\n",
    })
    db = service(load(tmp_path), "db")
    assert db["image"] == "postgres:16"
    assert db["volumes"][0]["source"] == str(tmp_path / "other/pg")


def test_a_resource_defined_on_both_sides_differently_is_a_conflict(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "compose.yaml": """
            include:
              - sub/compose.yaml
            services:
              web:
                image: nginx
              api:
                image: my-api
            """,
        "sub/compose.yaml": "services:\n  api:\n    image: api\n",
    })
    with pytest.raises(IncludeError) as caught:
        load(tmp_path)
    assert "conflicting service 'api'" in caught.value.message
    assert caught.value.path == "services.api"
    assert (caught.value.file, caught.value.line) == (str(tmp_path / "compose.yaml"), 6)


def test_the_same_resource_on_both_sides_is_no_conflict(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "compose.yaml": "include: [sub/compose.yaml]\nservices:\n  api:\n    image: api\n",
        "sub/compose.yaml": "services:\n  api:\n    image: api\n",
    })
    assert list(load(tmp_path).services) == ["api"]


def test_a_cycle_is_refused_with_the_chain() -> None:
    with pytest.raises(IncludeError) as caught:
        load(FIXTURES / "errors", files=("include_cycle_a.yaml",))
    folder = FIXTURES / "errors"
    assert caught.value.message == (
        "include cycle detected:\n"
        f"{folder / 'include_cycle_a.yaml'}\n"
        f" include {folder / 'include_cycle_b.yaml'}\n"
        f" include {folder / 'include_cycle_a.yaml'}"
    )
