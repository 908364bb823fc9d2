"""TUI timings on a generated project: first full screen, and a toggle reaching the disk.

    python benchmarks/tui_bench.py 2000 [RUNS]

First screen: from creating the app to the workspace being shown (the Overview painted
with the loaded project). Toggle: from pressing space on a plan item to the progress file
holding it. Medians of RUNS runs (default 3), with the spread.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


async def one_run(project: Path) -> tuple[float, float]:
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.tui.app import make_app

    (project / "migration.toml").unlink(missing_ok=True)
    started = time.perf_counter()
    app = make_app(LoadOptions(path=str(project), environ={"PATH": "/usr/bin"},
                               cwd=str(project)), user="bench", watch_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.workspace is None:
            await asyncio.sleep(0.02)  # a light poll: a real terminal does not wake the loop
        await pilot.pause()
        first = time.perf_counter() - started
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
        toggle = landed[0] - pressed
    return first, toggle


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    folder = Path(tempfile.mkdtemp())
    try:
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(n), str(folder)],
                       check=True, capture_output=True)
        results = [asyncio.run(one_run(folder)) for _ in range(runs)]
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
