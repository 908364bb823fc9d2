"""The ``migrate-tui`` program itself, run as a user runs it: a fresh process.

One-shot commands end the process as soon as their output is flushed (``cli.run``), so
these tests check that nothing of the output is lost on the way and the exit codes hold.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import generate
from migrate_tui.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "sample_projects"


def program(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": str(cwd), "PWD": str(cwd),
           "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    return subprocess.run([sys.executable, "-m", "migrate_tui", *args], cwd=cwd, env=env,
                          capture_output=True, check=False)


def test_a_large_plan_reaches_the_pipe_whole(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    (tmp_path / "compose.yaml").write_text(generate(300), encoding="utf-8")
    done = program(tmp_path, "plan", ".", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert main(["plan", str(tmp_path), "--format", "json"]) == 0
    assert done.stdout == capsysbinary.readouterr().out
    assert len(done.stdout) > 500_000  # far more than a pipe's buffer


def test_a_broken_compose_file_exits_2_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: [nginx\n")
    done = program(tmp_path, "plan", ".")
    assert done.returncode == 2
    assert done.stdout == b""
    assert b"compose.yaml:3" in done.stderr
    assert b"Traceback" not in done.stderr


def test_plan_written_to_a_file_says_so(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    done = program(SAMPLES / "webapp", "plan", "-o", str(target))
    assert done.returncode == 0
    assert target.read_text(encoding="utf-8").startswith("# Migration plan: webapp")
    assert done.stderr.decode().strip() == f"wrote {target}"


def test_a_short_output_reaches_the_pipe_whole(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    # Small enough to sit in the output buffer until the end: lost if it is not flushed.
    state = str(tmp_path / "m.toml")
    done = program(SAMPLES / "webapp", "status", str(SAMPLES / "webapp"), "--state", state)
    assert done.returncode == 0, done.stderr
    assert main(["status", str(SAMPLES / "webapp"), "--state", state]) == 0
    assert done.stdout == capsysbinary.readouterr().out
    assert 0 < len(done.stdout) < 8192


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["status", "plan"])
def test_a_full_disk_is_an_error_not_a_success(tmp_path: Path, command: str) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": str(tmp_path),
           "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "migrate_tui", command, str(SAMPLES / "webapp"),
             "--state", str(tmp_path / "m.toml")],
            stdout=full, stderr=subprocess.PIPE, env=env, check=False)
    assert done.returncode == 1
    assert b"No space left on device" in done.stderr
    assert b"Traceback" not in done.stderr


def test_a_one_shot_command_ends_before_it_frees_what_it_built(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Resumed first, the collector would walk everything the command built once more on
    the way out (20 to 55 ms of a 2,000-service plan); freeing the workspace object by
    object would take 40 ms more. Called from a test or the TUI, nothing is kept."""
    import gc

    from migrate_tui import cli

    class Ended(Exception):
        pass

    ends: list[tuple[int, bool]] = []

    def end(code: int) -> None:
        ends.append((code, gc.isenabled()))
        kept.extend(type(value).__name__ for value in cli._KEPT)
        raise Ended

    kept: list[str] = []

    monkeypatch.setattr(cli.os, "_exit", end)
    with pytest.raises(Ended):
        main(["plan", str(SAMPLES / "webapp")], exit_at_once=True)
    assert ends == [(0, False)]
    assert "Workspace" in kept
    assert gc.isenabled()  # this process goes on: the pause is over
    assert cli._KEPT == []
    assert "# Migration plan" in capsys.readouterr().out
    assert main(["plan", str(SAMPLES / "webapp")]) == 0
    assert cli._KEPT == []


def test_a_plan_written_to_a_file_with_stdout_closed_succeeds(tmp_path: Path) -> None:
    """``migrate-tui plan -o plan.md >&-``: Python starts without sys.stdout."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": str(tmp_path),
           "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    proc = subprocess.run(
        [sys.executable, "-m", "migrate_tui", "plan", str(SAMPLES / "webapp"),
         "-o", str(tmp_path / "plan.md")],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1), check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "plan.md").read_text().startswith("# Migration plan")
