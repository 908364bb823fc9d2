"""A writer killed anywhere leaves a file that parses and holds the old or the new state.

Writers are forked from the test process (so a run costs a fork, not an interpreter
start) and killed with SIGKILL: no handler, no cleanup, as a crash or a power cut leaves
it. Each save writes the same counter into three items, so a file that is half old and
half new would show different counters.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from migrate_tui.fsio import temp_files
from migrate_tui.progress import ProgressState, ProgressStore, SetNote, parse_state
from tests.progress.helpers import T0

ITEMS = ("loop.a", "loop.b", "loop.c")
RUNS = 200


def _save(store: ProgressStore, k: int) -> None:
    when = T0 + dt.timedelta(seconds=k)
    store.apply([SetNote(item, f"save {k}", "writer", when) for item in ITEMS])


def _counter(path: Path) -> int:
    """The counter the file holds; fails if the file does not parse or is inconsistent."""
    if not path.exists():
        return 0
    state = parse_state(path.read_text(encoding="utf-8"), str(path))
    notes = {state.item(item).note for item in ITEMS}
    assert len(notes) == 1, f"a mixed state: {notes}"
    note = notes.pop()
    return int(note.split()[1]) if note else 0


def _fork_writer(path: Path, start: int, before_child_runs: Callable[[], None] = lambda: None,
                 ) -> tuple[int, int]:
    """Fork a writer that saves start+1, start+2, ... forever; (pid, read end of its pipe).

    After each save the writer writes the counter it saved, one line, to the pipe.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            before_child_runs()
            store = ProgressStore(path)
            k = start
            while True:
                k += 1
                _save(store, k)
                os.write(write_end, f"{k}\n".encode())
        finally:
            os._exit(1)
    os.close(write_end)
    return pid, read_end


def _kill_and_collect(pid: int, read_end: int) -> list[int]:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return _collect(read_end)


def _collect(read_end: int) -> list[int]:
    """The counters a (dead) writer reported."""
    data = b""
    while chunk := os.read(read_end, 65536):
        data += chunk
    os.close(read_end)
    return [int(line) for line in data.decode().split()]


def _first_line(read_end: int) -> bytes:
    """Block until the writer reports its first save (no time limit: no timed assertion)."""
    got = b""
    while not got.endswith(b"\n"):
        chunk = os.read(read_end, 1)
        assert chunk, "the writer died before its first save"
        got += chunk
    return got


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_killed_at_random_points_the_file_is_old_or_new(tmp_path: Path) -> None:
    path = tmp_path / "migration.toml"
    rng = random.Random(5)
    saved = 0
    for _run in range(RUNS):
        pid, read_end = _fork_writer(path, saved)
        first = _first_line(read_end)  # at least one save per run, so every run writes
        time.sleep(rng.uniform(0, 0.015))  # then kill somewhere in a later save
        reported = [int(first), *_kill_and_collect(pid, read_end)]
        last_done = reported[-1]
        in_file = _counter(path)
        assert in_file in (last_done, last_done + 1), (in_file, last_done)
        if path.with_name(path.name + ".bak").exists():
            _counter(path.with_name(path.name + ".bak"))  # the backup parses too
        saved = in_file
    assert saved >= RUNS
    ProgressStore(path).apply([])  # the next save sweeps what the kills left
    assert temp_files(path) == [] and temp_files(path.with_name(path.name + ".bak")) == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("crash_at", range(1, 8))
def test_killed_at_each_step_of_a_save(tmp_path: Path, crash_at: int) -> None:
    """Kill the writer just before its n-th fsync or rename of a save (after the first)."""
    path = tmp_path / "migration.toml"
    _save(ProgressStore(path), 1)

    def crash_on_nth_call() -> None:  # pragma: no cover - runs in the child
        calls = 0
        real_fsync, real_replace = os.fsync, os.replace

        def count() -> None:
            nonlocal calls
            calls += 1
            if calls == crash_at:
                os.kill(os.getpid(), signal.SIGKILL)

        def fsync(fd: int) -> None:
            count()
            real_fsync(fd)

        def replace(src: str, dst: str, **dir_fds: int) -> None:
            count()
            real_replace(src, dst, **dir_fds)

        os.fsync, os.replace = fsync, replace  # type: ignore[assignment]

    pid, read_end = _fork_writer(path, 1, crash_on_nth_call)
    _, status = os.waitpid(pid, 0)
    reported = _collect(read_end)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    in_file = _counter(path)
    # a save does 6 of these calls (backup: fsync, rename, fsync folder; then the file)
    assert reported == [2] * (crash_at > 6)
    assert in_file == (1 if crash_at <= 5 else 2)
    assert _counter(path.with_name(path.name + ".bak")) in (1, 0)
    assert ProgressStore(path).load() != ProgressState()
