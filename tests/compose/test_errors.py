"""Every error a user can make names the file, the line and the dotted key path.

One case per error, each with a small named fixture under ``tests/fixtures/compose/``: open
the file next to the expected line and the key path reads as the user would look for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from migrate_tui.errors import (
    ComposeError,
    ConsistencyError,
    EnvFileError,
    ExtendsError,
    IncludeError,
    InterpolationError,
    MigrateError,
    ProblemList,
    SchemaError,
    YamlSyntaxError,
)
from tests.compose.conftest import BASE_ENV, FIXTURES, LoadText, load, write_files

ERRORS = FIXTURES / "errors"


@dataclass(frozen=True)
class Expected:
    """What the error must say."""

    fixture: str
    kind: type[ComposeError]
    line: int
    path: str | None
    says: str
    file: str | None = None
    """The file the error points at, when it is not the fixture itself."""


CASES = [
    Expected("yaml_syntax.yaml", YamlSyntaxError, 6, "services.web",
             "could not find expected ':'"),
    Expected("unclosed_flow.yaml", YamlSyntaxError, 3, "services.web.image",
             "did not find expected ',' or ']'"),
    Expected("missing_comma.json", YamlSyntaxError, 6, None,
             "did not find expected ',' or '}'"),
    Expected("duplicate_key.yaml", YamlSyntaxError, 4, "services.web.image",
             'mapping key "image" already defined at line 3'),
    Expected("top_level_list.yaml", YamlSyntaxError, 1, None,
             "the top level of a compose file must be a mapping (found a list)"),
    Expected("unknown_top_level.yaml", SchemaError, 4, "service",
             "additional property 'service' not allowed"),
    Expected("service_not_mapping.yaml", SchemaError, 2, "services.web",
             "services.web must be a mapping, not a string"),
    Expected("wrong_type.yaml", SchemaError, 4, "services.web.ports",
             "services.web.ports must be a list, not an integer"),
    Expected("invalid_port.yaml", SchemaError, 6, "services.web.ports[1]",
             "invalid port '8080:80/tcpx': invalid proto: tcpx"),
    Expected("invalid_volume.yaml", SchemaError, 6, "services.web.volumes[1]",
             "invalid volume spec './a:/b:ro:extra': too many colons"),
    Expected("required_variable.yaml", InterpolationError, 5, "services.web.environment.TOKEN",
             "required variable TOKEN is missing a value: set TOKEN to your API token"),
    Expected("bad_interpolation.yaml", InterpolationError, 3, "services.web.image",
             "invalid interpolation format: '${TAG' has no closing brace"),
    Expected("missing_env_file.yaml", EnvFileError, 5, "services.web.env_file[0]",
             f"env file {ERRORS / 'missing.env'} not found"),
    Expected("missing_extends_file.yaml", ExtendsError, 4, "services.web.extends.file",
             f"file {ERRORS / 'missing-base.yaml'} not found"),
    Expected("missing_extends_service.yaml", ExtendsError, 6, "services.web.extends.service",
             "cannot extend service 'web': service 'bsae' not found"),
    Expected("extends_cycle.yaml", ExtendsError, 4, "services.a.extends",
             "circular reference with extends: extends_cycle.yaml:a -> extends_cycle.yaml:b"),
    Expected("missing_include.yaml", IncludeError, 2, "include[0]",
             f"included file {ERRORS / 'missing-include.yaml'} not found"),
    Expected("include_cycle_a.yaml", IncludeError, 2, "include[0]", "include cycle detected",
             file="include_cycle_b.yaml"),
    Expected("no_image.yaml", ConsistencyError, 4, "services.worker",
             "service 'worker' has neither an image nor a build context specified"),
    Expected("depends_on_missing.yaml", ConsistencyError, 5, "services.web.depends_on.dbb",
             "service 'web' depends on undefined service 'dbb'"),
    Expected("depends_on_inactive.yaml", ConsistencyError, 5, "services.web.depends_on.db",
             "service 'web' depends on service 'db', which is not active (profiles: storage)"),
    Expected("network_mode_missing.yaml", ConsistencyError, 6, "services.sidecar.network_mode",
             "service 'sidecar' depends on undefined service 'wbe' (named in network_mode)"),
    Expected("volumes_from_missing.yaml", ConsistencyError, 7,
             "services.backup.volumes_from[0]",
             "service 'backup' depends on undefined service 'wbe'"),
    Expected("undeclared_volume.yaml", ConsistencyError, 5, "services.db.volumes[0]",
             "service 'db' refers to undefined volume 'pgdata'"),
    Expected("undeclared_network.yaml", ConsistencyError, 6, "services.web.networks.back",
             "service 'web' refers to undefined network 'back'"),
    Expected("../cycle.yaml", ConsistencyError, 4, "services.api.depends_on",
             "dependency cycle detected: api -> db -> worker -> api"),
]


def _load_fixture(name: str) -> None:
    load(ERRORS, files=(name,))


@pytest.mark.parametrize("case", CASES, ids=[c.fixture.removesuffix(".yaml") for c in CASES])
def test_error_names_file_line_and_key_path(case: Expected) -> None:
    with pytest.raises(MigrateError) as caught:
        _load_fixture(case.fixture)
    error = caught.value
    assert type(error) is case.kind, error.render()
    expected_file = os.path.normpath(ERRORS / (case.file or case.fixture))
    assert (error.file, error.line, error.path) == (expected_file, case.line, case.path)
    assert case.says in error.message
    assert error.hint, "every error tells the user what to do"
    rendered = error.render()
    assert rendered.startswith(f"{expected_file}:{case.line}:")
    if case.path:
        assert f"  at key: {case.path}\n" in rendered


def test_schema_problems_of_a_file_are_reported_together(load_yaml: LoadText) -> None:
    with pytest.raises(ProblemList) as caught:
        load_yaml(
            """
            services:
              web:
                image: nginx
                ports: 80
                restart: 3
              db:
                imagee: postgres
            """
        )
    found = [(p.line, p.path) for p in caught.value.problems]
    assert found == [(4, "services.web.ports"), (5, "services.web.restart"),
                     (7, "services.db.imagee")]
    assert caught.value.render().startswith("3 problems:")


def test_consistency_problems_are_reported_together(load_yaml: LoadText) -> None:
    with pytest.raises(ProblemList) as caught:
        load_yaml(
            """
            services:
              web:
                image: nginx
                depends_on: [api]
                networks: [front]
              worker:
                command: run
            """
        )
    found = sorted((p.line, p.path) for p in caught.value.problems)
    assert found == [(4, "services.web.depends_on.api"), (5, "services.web.networks.front"),
                     (6, "services.worker")]


# -- the command line ----------------------------------------------------------------------


def run_cli(*args: str, cwd: Path = ERRORS) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migrate_tui", *args],
        cwd=cwd, env={**BASE_ENV, "PATH": os.environ.get("PATH", BASE_ENV["PATH"]),
             "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]},
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize(("fixture", "where", "key"), [
    ("duplicate_key.yaml", "duplicate_key.yaml:4:5", "services.web.image"),
    ("required_variable.yaml", "required_variable.yaml:5:7", "services.web.environment.TOKEN"),
    ("undeclared_volume.yaml", "undeclared_volume.yaml:5:9", "services.db.volumes[0]"),
])
def test_cli_prints_the_error_without_traceback_and_exits_2(
    fixture: str, where: str, key: str
) -> None:
    result = run_cli("config", fixture)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    first, at_key = result.stderr.splitlines()[:2]
    assert first.startswith(f"{ERRORS / where}: error: ")
    assert at_key == f"  at key: {key}"


def test_cli_compose_flags_go_after_the_subcommand_too() -> None:
    result = run_cli("config", "-f", "depends_on_inactive.yaml", "--profile", "storage",
                     "--format", "json")
    assert result.returncode == 0, result.stderr
    assert '"db"' in result.stdout


def test_a_reference_added_by_the_override_file_points_at_that_file(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "compose.yaml": """
            services:
              web:
                image: nginx
                depends_on: [db, cache]
              db:
                image: postgres
              cache:
                image: redis
            """,
        "compose.override.yaml": """
            services:
              web:
                depends_on:
                  - db
                  - queue
            """,
    })
    with pytest.raises(ConsistencyError) as caught:
        load(tmp_path)
    error = caught.value
    assert (error.file, error.line, error.path) == (
        str(tmp_path / "compose.override.yaml"), 5, "services.web.depends_on.queue")
