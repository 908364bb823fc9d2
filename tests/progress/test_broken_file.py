"""A broken progress file: the file, the line and the fix; the file left byte for byte."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from migrate_tui.errors import ProgressError
from migrate_tui.progress import ProgressStore, SetStatus, merge_driver
from migrate_tui.progress.commands import cmd_set
from tests.progress.helpers import at

GOOD_TOP = (
    "# hand-edited\n"
    "schema = 1\n"
    "\n"
    "[settings]\n"
    'team = ["ana", "bo"]\n'
    "\n"
)

# name -> (text, line of the problem, the key path, words the fix must contain)
BROKEN = {
    "toml syntax": (
        GOOD_TOP + '[items."api.probes"]\nstatus = done\n',
        8, None, "TOML syntax",
    ),
    "wrong type": (
        GOOD_TOP + "[settings.answers]\nservers = \"three\"\n",
        8, "settings.answers.servers", "servers = 3",
    ),
    "unknown status": (
        GOOD_TOP + '[items."api.probes"]\nassignee = "ana"\nstatus = "finished"\n',
        9, 'items."api.probes".status', 'status = "todo" | "doing" | "done"',
    ),
    "unknown key": (
        GOOD_TOP + '[items."db.data-backup"]\nstatsu = "done"\n',
        8, 'items."db.data-backup".statsu', "fix its spelling",
    ),
    "bad time": (
        GOOD_TOP + '[items.a]\nchanged_at = "yesterday"\n',
        8, "items.a.changed_at", "changed_at = 2025-03-01T09:30:00Z",
    ),
    "newer schema": (
        "schema = 2\n", 1, "schema", "upgrade",
    ),
}


@pytest.fixture(params=sorted(BROKEN))
def broken(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, int, str | None, str]:
    text, line, key, fix = BROKEN[request.param]
    path = tmp_path / "migration.toml"
    path.write_bytes(text.encode())
    return path, line, key, fix


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_load_names_file_line_key_and_fix(broken: tuple[Path, int, str | None, str]) -> None:
    path, line, key, fix = broken
    with pytest.raises(ProgressError) as caught:
        ProgressStore(path).load()
    err = caught.value
    assert err.file == str(path)
    assert err.line == line
    assert err.path == key
    assert err.hint is not None and fix in err.hint
    assert f"{path}:{line}" in err.render()


def test_a_save_leaves_the_broken_file_byte_for_byte(
    broken: tuple[Path, int, str | None, str],
) -> None:
    path = broken[0]
    before = _snapshot(path.parent)
    store = ProgressStore(path)
    with pytest.raises(ProgressError):
        store.apply([SetStatus("api.probes", "done", "ana", at(1))])
    with pytest.raises(ProgressError):
        cmd_set(store, "api.probes", "done", "ana", None, {"api.probes"})
    after = _snapshot(path.parent)
    after.pop("migration.toml.lock", None)
    assert after == before  # no rewrite, no .bak, no temporary file left


def test_the_merge_driver_refuses_a_broken_file_and_changes_nothing(
    broken: tuple[Path, int, str | None, str],
) -> None:
    path = broken[0]
    good = path.with_name("good.toml")
    good.write_text("schema = 1\n")
    before = _snapshot(path.parent)
    err = io.StringIO()
    assert merge_driver(good, path, good, stderr=err) == 1
    assert merge_driver(good, good, path, stderr=err) == 1
    assert str(path) in err.getvalue()
    assert _snapshot(path.parent) == before


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "migration.toml"
    path.write_text(
        "schema = 1\n"
        "[settings]\nteam_size = 0\nfocus = 1.5\n"
        '[items."a"]\nstatus = "finished"\n'
        '[items."b"]\nassignee = 7\n'
    )
    with pytest.raises(ProgressError) as caught:
        ProgressStore(path).load()
    problems = caught.value.problems
    assert [(p.line, p.path) for p in problems] == [
        (3, "settings.team_size"), (4, "settings.focus"),
        (6, "items.a.status"), (8, "items.b.assignee"),
    ]
    assert caught.value.render().startswith("4 problems:")


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "migration.toml"
    path.write_bytes(b'schema = 1\n[items.a]\nnote = "caf\xe9"\n')
    with pytest.raises(ProgressError) as caught:
        ProgressStore(path).load()
    assert caught.value.line == 3
    assert "UTF-8" in caught.value.render()


def test_lines_are_found_through_multiline_strings_and_arrays(tmp_path: Path) -> None:
    path = tmp_path / "migration.toml"
    path.write_text(
        "schema = 1\n"
        "[settings]\n"
        'team = [\n  "ana", # lead\n  "bo",\n]\n'
        '[items."x"]\nnote = """\n[items.y]\nstatus = "nope"\n"""\n'
        "[items.y]\n"
        "status = 'nope'\n"
    )
    with pytest.raises(ProgressError) as caught:
        ProgressStore(path).load()
    assert (caught.value.line, caught.value.path) == (13, "items.y.status")
