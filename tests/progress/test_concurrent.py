"""Two processes saving the same file at once lose nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from migrate_tui.progress import ProgressStore

ROOT = Path(__file__).resolve().parents[2]
SAVES = 100

# One writer: ``SAVES`` saves, one new item each. "long" keeps one store (a TUI session);
# "fresh" makes a store per save (a series of ``migrate-tui set``). Both also write a
# shared item, each save later than its previous one. They start together: each says
# "ready" and waits for a line on stdin. At the end each prints how many of the other's
# items it had seen when it was half-way (0 for both would mean they never overlapped).
WRITER = """
import datetime as dt, sys
from migrate_tui.progress import ProgressStore, SetAssignee, SetStatus
path, name, mode, saves = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
t0 = dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc)
store = ProgressStore(path)
print("ready", flush=True)
sys.stdin.readline()
seen = 0
for i in range(saves):
    if mode == "fresh":
        store = ProgressStore(path)
    when = t0 + dt.timedelta(seconds=i)
    state = store.apply([SetStatus(f"{name}.{i}", "done", name, when),
                         SetAssignee("shared", name, name, when)])
    if i == saves // 2:
        seen = sum(1 for k in state.items if k.split(".")[0] not in (name, "shared"))
print("ok", seen)
"""


def test_two_processes_saving_different_items_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "migration.toml"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, mode, str(SAVES)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
        for name, mode in (("ana", "long"), ("bo", "fresh"))
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    seen = []
    for writer in writers:
        out, err = writer.communicate()
        assert writer.returncode == 0, err
        word, count = out.split()
        assert word == "ok"
        seen.append(int(count))
    state = ProgressStore(path).load()
    for name in ("ana", "bo"):
        for i in range(SAVES):
            item = state.item(f"{name}.{i}")
            assert (item.status, item.changed_by) == ("done", name), f"{name}.{i} lost"
    assert state.item("shared").assignee in ("ana", "bo")
    assert len(state.items) == 2 * SAVES + 1
    print(f"half-way, each writer had seen this many of the other's items: {seen}")
