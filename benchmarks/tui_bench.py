"""TUI timings on a generated project: first full screen, and a toggle reaching the disk.

    python benchmarks/tui_bench.py 2000 [RUNS]

Each run is a fresh Python process, as when a user types ``migrate-tui PATH``, so the
interpreter's start, the imports and every cache start cold.

- **First screen**: from starting the process to the workspace being shown (the Overview
  painted with the loaded project, not the loading indicator). Measured by this script,
  from outside the process, when the process says the screen is up.
- **Toggle**: from pressing space on a plan item to the progress file holding it.

The app runs headless (Textual's ``run_test``, 120 x 40): the same work as in a terminal
minus writing to it. Medians of RUNS runs (default 5), with the spread.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r'''
import asyncio, sys, threading, time
from pathlib import Path

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.tui.app import make_app

async def run(project: Path) -> None:
    app = make_app(LoadOptions(path=str(project), environ={"PATH": "/usr/bin"},
                               cwd=str(project)), user="bench", watch_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.workspace is None:
            await asyncio.sleep(0.02)  # a light poll: a real terminal does not wake the loop
        await pilot.pause()
        print("shown", flush=True)
        await pilot.press("4")
        await pilot.pause()
        target = project / "migration.toml"
        landed: list[float] = []

        def watch() -> None:  # polls from its own thread: Pilot's press waits for idle
            while not target.exists():
                time.sleep(0.0005)
            landed.append(time.perf_counter())

        watcher = threading.Thread(target=watch)
        watcher.start()
        pressed = time.perf_counter()
        await pilot.press("space")
        watcher.join(timeout=30)
        print(f"toggle {landed[0] - pressed}", flush=True)

asyncio.run(run(Path(sys.argv[1])))
'''


def one_run(project: Path) -> tuple[float, float]:
    """(seconds to the first screen, seconds for a toggle to reach the disk)."""
    (project / "migration.toml").unlink(missing_ok=True)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(project)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    first = toggle = None
    for line in child.stdout:
        if line.strip() == "shown":
            first = time.perf_counter() - started
        elif line.startswith("toggle "):
            toggle = float(line.split()[1])
    if child.wait() != 0 or first is None or toggle is None:
        raise SystemExit(f"the TUI run failed (exit {child.returncode})")
    return first, toggle


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    folder = Path(tempfile.mkdtemp())
    try:
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(n), str(folder)],
                       check=True, capture_output=True)
        one_run(folder)  # warms the disk cache; not kept
        results = [one_run(folder) for _ in range(runs)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    firsts = [r[0] for r in results]
    toggles = [r[1] * 1000 for r in results]
    print("| services | first screen (s) | toggle on disk (ms) |")
    print("|---:|---:|---:|")
    print(f"| {n} | {statistics.median(firsts):.2f} ({min(firsts):.2f}-{max(firsts):.2f}) | "
          f"{statistics.median(toggles):.0f} ({min(toggles):.0f}-{max(toggles):.0f}) |")


if __name__ == "__main__":
    main()
