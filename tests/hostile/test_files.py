"""Files a cloned repository commits to attack whoever opens it: links, pipes, devices.

Each case builds a small project in a temporary folder the way a hostile commit would leave
it, runs the real command line in a subprocess (so a hang is a timeout, not a stuck suite)
and asserts three things: the command ends with a clear error (exit 2, no traceback) or
succeeds, nothing outside the project was written or created, and the message names the
file. ``benchmarks/hostile.py`` runs the same cases and reports time and memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

COMPOSE = """\
services:
  web:
    image: nginx:1.27
    env_file: web.env
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
volumes:
  data: {}
"""
ENV = "MODE=prod\n"
TOML = 'schema = 1\n\n[items."web.probes"]\nstatus = "doing"\nchanged_at = 2025-01-01T00:00:00Z\n'
SECRET = "export PATH=$HOME/bin:$PATH  # the victim's own file\n"
TIMEOUT = 30


@dataclass
class Layout:
    """A project folder and a folder outside it (the victim's home)."""

    project: Path
    outside: Path

    def victim(self, name: str = ".bashrc") -> Path:
        """A file of the victim's that a link in the project points at."""
        path = self.outside / name
        path.write_text(SECRET)
        return path


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    project = tmp_path / "repo"
    project.mkdir()
    (project / "compose.yaml").write_text(COMPOSE)
    (project / "web.env").write_text(ENV)
    (project / "migration.toml").write_text(TOML)
    outside = tmp_path / "home"
    outside.mkdir()
    return Layout(project, outside)


def run(layout: Layout, *args: str) -> subprocess.CompletedProcess[str]:
    """``migrate-tui ARGS`` in the project folder; a hang fails the test after TIMEOUT."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": str(layout.outside),
           "NO_COLOR": "1", "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    try:
        return subprocess.run(
            [sys.executable, "-m", "migrate_tui", *args], cwd=layout.project, env=env,
            capture_output=True, text=True, timeout=TIMEOUT, check=False,
            stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"migrate-tui {' '.join(args)} hung for {TIMEOUT} s")


def clean_error(done: subprocess.CompletedProcess[str], *names: str) -> str:
    """The message of a clean failure: exit 2, no traceback, naming each of ``names``."""
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    for name in names:
        assert name in done.stderr, done.stderr
    return done.stderr


SET = ("set", "web.probes", "--status", "done", "--by", "eve")


# ---------------------------------------------------------------------- writing


def test_a_committed_backup_link_never_makes_a_save_overwrite_its_target(
    layout: Layout,
) -> None:
    victim = layout.victim()
    (layout.project / "migration.toml.bak").symlink_to(victim)
    done = run(layout, *SET)
    clean_error(done, "migration.toml.bak", "symbolic link")
    assert victim.read_text() == SECRET
    assert (layout.project / "migration.toml").read_text() == TOML  # nothing saved
    assert (layout.project / "migration.toml.bak").is_symlink()


def test_a_backup_link_to_a_missing_file_creates_nothing(layout: Layout) -> None:
    (layout.project / "migration.toml.bak").symlink_to(layout.outside / "planted")
    clean_error(run(layout, *SET), "migration.toml.bak")
    assert list(layout.outside.iterdir()) == []


def test_a_dangling_progress_link_creates_no_file_outside_the_project(layout: Layout) -> None:
    (layout.project / "migration.toml").unlink()
    (layout.project / "migration.toml").symlink_to(layout.outside / "migration.toml")
    clean_error(run(layout, *SET), "migration.toml", "symbolic link")
    assert list(layout.outside.iterdir()) == []  # neither the file nor a .lock beside it


def test_a_progress_link_to_a_file_outside_is_neither_read_nor_written(
    layout: Layout,
) -> None:
    victim = layout.victim("migration.toml")
    victim.write_text(TOML)
    (layout.project / "migration.toml").unlink()
    (layout.project / "migration.toml").symlink_to(victim)
    clean_error(run(layout, *SET), "migration.toml", "symbolic link")
    assert victim.read_text() == TOML
    assert sorted(p.name for p in layout.outside.iterdir()) == ["migration.toml"]


def test_a_lock_link_creates_no_file_anywhere(layout: Layout) -> None:
    planted = layout.outside / "planted"
    (layout.project / "migration.toml.lock").symlink_to(planted)
    clean_error(run(layout, *SET), "migration.toml.lock", "symbolic link")
    assert not planted.exists()
    assert (layout.project / "migration.toml").read_text() == TOML


def test_a_lock_that_is_a_pipe_is_refused_without_hanging(layout: Layout) -> None:
    os.mkfifo(layout.project / "migration.toml.lock")
    clean_error(run(layout, *SET), "migration.toml.lock", "named pipe")


def test_plan_output_through_a_committed_link_is_refused(layout: Layout) -> None:
    victim = layout.victim()
    (layout.project / "MIGRATION_PLAN.md").symlink_to(victim)
    clean_error(run(layout, "plan", "-o", "MIGRATION_PLAN.md"), "MIGRATION_PLAN.md",
                "symbolic link")
    assert victim.read_text() == SECRET


def test_plan_output_named_outside_the_project_is_written(layout: Layout) -> None:
    target = layout.outside / "plan.md"
    done = run(layout, "plan", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text().startswith("# Migration plan")


def test_a_save_with_a_sane_project_still_works(layout: Layout) -> None:
    done = run(layout, *SET)
    assert done.returncode == 0, done.stderr
    assert 'status = "done"' in (layout.project / "migration.toml").read_text()
    assert (layout.project / "migration.toml.bak").read_text() == TOML


# ---------------------------------------------------------------------- reading


def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _link(target: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.unlink(missing_ok=True)
        path.symlink_to(target)

    return make


@pytest.mark.parametrize(("name", "make", "words"), [
    ("web.env", _fifo, "named pipe"),
    ("web.env", _link("/dev/zero"), "device"),
    ("migration.toml", _fifo, "named pipe"),
    ("migration.toml", _link("/dev/zero"), "symbolic link"),
    (".env", _fifo, "named pipe"),
    (".env", _link("/dev/zero"), "device"),
], ids=["env_file-fifo", "env_file-dev-zero", "progress-fifo", "progress-dev-zero",
        "dotenv-fifo", "dotenv-dev-zero"])
def test_a_pipe_or_device_read_is_a_clear_error_not_a_hang(
    layout: Layout, name: str, make: Callable[[Path], None], words: str,
) -> None:
    make(layout.project / name)
    clean_error(run(layout, "status"), name, words)


def test_an_included_pipe_is_a_clear_error(layout: Layout) -> None:
    (layout.project / "compose.yaml").write_text("include: [more.yaml]\n" + COMPOSE)
    os.mkfifo(layout.project / "more.yaml")
    clean_error(run(layout, "analyze"), "more.yaml", "named pipe")


def test_an_extended_file_that_is_a_device_is_a_clear_error(layout: Layout) -> None:
    (layout.project / "compose.yaml").write_text(
        "services:\n  web:\n    extends: {file: base.yaml, service: web}\n")
    (layout.project / "base.yaml").symlink_to("/dev/zero")
    clean_error(run(layout, "analyze"), "base.yaml", "device")


def test_a_compose_file_named_with_f_that_is_a_pipe_is_a_clear_error(layout: Layout) -> None:
    os.mkfifo(layout.project / "pipe.yaml")
    clean_error(run(layout, "analyze", "-f", "pipe.yaml"), "pipe.yaml", "named pipe")


def test_a_compose_yaml_that_is_a_folder_says_so(layout: Layout) -> None:
    (layout.project / "compose.yaml").unlink()
    (layout.project / "compose.yaml").mkdir()
    message = clean_error(run(layout, "analyze"), "compose.yaml", "folder")
    assert "no compose file found" not in message


def test_a_huge_compose_file_is_refused_before_it_is_read(layout: Layout) -> None:
    with open(layout.project / "compose.yaml", "ab") as out:
        out.truncate(40 * 1024 * 1024)  # sparse: costs no disk, would cost memory to read
    clean_error(run(layout, "analyze"), "compose.yaml", "larger than")


@pytest.mark.parametrize(("name", "text", "where"), [
    ("compose.yaml", COMPOSE.encode() + b"x-note: caf\xe9\n", "compose.yaml:10:12"),
    ("compose.yaml", COMPOSE.encode() + b"x-note: a\x00b\n", "compose.yaml:10:10"),
    ("web.env", b"MODE=prod\nNAME=\xff\xfe\n", "web.env:2:6"),
    ("web.env", b"MODE=prod\nA=\x00\n", "web.env:2:3"),
    ("migration.toml", TOML.encode() + b'note = "\xc3"\n', "migration.toml:6:9"),
    ("migration.toml", TOML.encode() + b'note = "\x00"\n', "migration.toml:6:9"),
], ids=["compose-latin1", "compose-nul", "env-utf16-bom", "env-nul", "toml-cut", "toml-nul"])
def test_bytes_that_are_not_text_are_placed_at_file_line_column(
    layout: Layout, name: str, text: bytes, where: str,
) -> None:
    (layout.project / name).write_bytes(text)
    message = clean_error(run(layout, "status"), where)
    assert "<unicode string>" not in message and "position" not in message


def test_a_committed_time_in_the_future_is_reported_and_does_not_swallow_set(
    layout: Layout,
) -> None:
    (layout.project / "migration.toml").write_text(TOML.replace("2025-", "2099-"))
    done = run(layout, *SET)
    assert done.returncode == 0, done.stderr
    assert 'items."web.probes".changed_at = 2099-01-01T00:00:00Z is in the future' in done.stderr
    assert 'status = "done"' in (layout.project / "migration.toml").read_text()


def test_a_character_yaml_forbids_is_placed_at_its_line_and_column(tmp_path: Path) -> None:
    """A C1 control is valid UTF-8 but no YAML: libyaml reports a byte position in
    ``<unicode string>``; the user gets file:line:col."""
    from migrate_tui.compose.parse import parse_yaml
    from migrate_tui.errors import YamlSyntaxError

    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml("services:\n  web:\n    image: ng\x9bnx\n", "compose.yaml")
    assert (caught.value.location.line, caught.value.location.column) == (3, 14)
    assert "U+009B" in caught.value.message and "unicode string" not in caught.value.render()
