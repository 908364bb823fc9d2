"""Nothing in a compose file is ever executed: Python tags are data or an error, never code.

Every tag PyYAML's unsafe loaders would turn into a call (``!!python/object/apply``,
``/new``, ``/name``, ``/module``) is tried at the places a compose file has values; each
would create a marker file if it ran. The outcome must be a project whose values are plain
data, or a :class:`MigrateError`, and the marker must not exist.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.loader import load_project
from migrate_tui.errors import MigrateError

PAYLOADS = (
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
    '!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
    "!!python/object/apply:builtins.exec [\"open('{marker}', 'w').close()\"]",
    '!!python/name:os.system',
    '!!python/module:os',
    '!!python/object:os.system {{}}',
    '!!python/tuple [a, b]',
)

PLACES = (
    "services:\n  web:\n    image: nginx\n    command: {payload}\n",
    "services:\n  web:\n    image: nginx\n    environment:\n      A: {payload}\n",
    "services:\n  web:\n    image: nginx\n    labels: {payload}\n",
    "services:\n  web: {payload}\n",
    "x-anything: {payload}\nservices:\n  web:\n    image: nginx\n",
    "name: {payload}\nservices:\n  web:\n    image: nginx\n",
    "services:\n  web:\n    image: nginx\n    ? {payload}\n    : value\n",
)

PLAIN = (str, int, float, bool, type(None))


def plain_data(value: Any) -> bool:
    """Whether ``value`` is made only of mappings, lists and scalars."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_data(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain_data(v) for v in value)
    return isinstance(value, PLAIN)


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("place", PLACES)
def test_python_tags_are_never_run(tmp_path: Path, place: str, payload: str) -> None:
    marker = tmp_path / "pwned"
    project_dir = tmp_path / "project"
    project_dir.mkdir()
    text = place.format(payload=payload.format(marker=marker))
    (project_dir / "compose.yaml").write_text(text, encoding="utf-8")
    try:
        project = load_project(LoadOptions(path=str(project_dir),
                                           environ={"PATH": "/usr/bin", "HOME": "/root"},
                                           cwd=str(project_dir)))
    except MigrateError:
        pass
    else:
        assert plain_data(project.compose)
        json.dumps(project.compose)
        for service in project.services.values():
            assert plain_data(service.raw)
    assert not marker.exists()


def test_a_python_tag_is_read_as_the_plain_value_it_tags(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n"
        f'    command: !!python/object/apply:os.system ["touch {marker}"]\n',
        encoding="utf-8",
    )
    project = load_project(LoadOptions(path=str(tmp_path),
                                       environ={"PATH": "/usr/bin", "HOME": "/root"},
                                       cwd=str(tmp_path)))
    assert project.compose["services"]["web"]["command"] == [f"touch {marker}"]
    assert not marker.exists()


def test_shell_syntax_in_values_stays_text(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / ".env").write_text(f"A=$(touch {marker})\nB=`touch {marker}`\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    environment:\n"
        f"      C: ${{A}}\n      D: ${{B}}\n      E: ${{UNSET:-$(touch {marker})}}\n",
        encoding="utf-8",
    )
    project = load_project(LoadOptions(path=str(tmp_path),
                                       environ={"PATH": "/usr/bin", "HOME": "/root"},
                                       cwd=str(tmp_path)))
    environment = project.compose["services"]["web"]["environment"]
    # Compose prints a literal $ as $$ in its output; the text is kept, never run.
    for key in ("C", "D", "E"):
        assert f"touch {marker}" in environment[key]
    assert not marker.exists()
