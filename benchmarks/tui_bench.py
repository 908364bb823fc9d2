"""TUI timings on generated projects: the first screen, a toggle, an override, a keystroke.

    python benchmarks/tui_bench.py [--small 20] [--big 2000] [--runs 5]

Each run is a fresh Python process, as when a user types ``migrate-tui PATH``, so the
interpreter's start, the imports and every cache start cold. Issue 18's targets:

- **First screen** (small project, < 0.5 s; big project, < 1.5 s): from starting the
  process to the workspace being shown (the Overview painted with the loaded project, not
  the loading indicator). Measured by this script, from outside the process, when the
  process says the screen is up. Reported beside it: **frame**, when the Overview's frame
  (the header, the tabs, the empty boxes the project fills in) is first painted, and
  **data**, the first frame that shows the loaded project (the Overview's figures; the
  answer fields come in the frames after it, and "first screen" waits for those too).
- **Toggle on disk** (big, < 50 ms): from pressing space on a plan item to the progress
  file holding it.
- **Override** (big, < 200 ms): from pressing ``c`` on a service in the Services view to
  its row showing the other class (**shown**), and to the re-planned workspace being in
  place and painted (**re-planned**): the first frame composed with it in place, or, when
  none follows within 50 ms (the row showed the change already: nothing left to paint),
  the moment it was in place.
- **Filter keystroke** (big, < 50 ms): from typing one character in the Services filter to
  the table showing only the matching rows, painted (once the override's workers are done).

The app runs headless (Textual's ``run_test``, 120 x 40): the same work as in a terminal
minus writing to it. For the first screen and the toggle, "painted" is the end of
``pilot.pause()`` after the change, which waits for the app to go idle and refreshes the
screen. For the override and the keystroke, the key goes in as the terminal's driver sends
it, and "shown" is the first frame the app composes for the terminal that holds the change
(Pilot's press waits for every widget to go idle before and after a key: at 2,000 services
that wait alone was 40 ms of the keystroke). Medians of RUNS runs, with the spread.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""As users run it: with the modules' bytecode cached (a sandbox may forbid writing it)."""

CHILD = r'''
import asyncio, resource, sys, threading, time
from pathlib import Path

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.tui.app import make_app

async def until(pilot, check):
    while not check():
        await asyncio.sleep(0.001)
    await pilot.pause()

FRAMES: list[tuple[float, bool, float]] = []
"""Each frame the app composed: when, whether it shows what is awaited (``AWAITED``), and
the process's CPU time then."""
AWAITED = [lambda: True]

def count_frames(app) -> None:
    """Note each frame as the app hands it to the terminal (a no-op when headless)."""
    display = app._display

    def noted(screen, renderable):
        if renderable is not None:
            FRAMES.append((time.perf_counter(), AWAITED[0](), cpu()))
        display(screen, renderable)

    app._display = noted

def key(app, name: str) -> None:
    """Send a key as the terminal's driver does, not through Pilot: Pilot's press waits for
    every widget to go idle, before and after, and that wait is no cost a user sees."""
    from textual import events

    event = events.Key(name, name if len(name) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)

async def shown(check) -> float:
    """When the first frame came that shows ``check()`` true."""
    return (await shown_cpu(check))[0]

async def shown_cpu(check, poll: float = 0.0005) -> tuple[float, float]:
    """When the first frame came that shows ``check()`` true, and the CPU time then (the
    frame says when: ``poll`` only says how often to look, and what the looking costs)."""
    AWAITED[0] = check
    while True:
        for at, ok, used in FRAMES:
            if ok:
                FRAMES.clear()
                return at, used
        await asyncio.sleep(poll)

async def shown_or_settled(check, settle: float = 0.05) -> float:
    """When the first frame came that shows ``check()`` true; or, when ``check()`` became
    true and no frame followed within ``settle`` seconds, when it became true: the screen
    showed it already (the override's row is shown before the re-plan) and had nothing
    left to paint."""
    AWAITED[0] = check
    true_at = None
    while True:
        for at, ok, _used in FRAMES:
            if ok:
                FRAMES.clear()
                return at
        now = time.perf_counter()
        if true_at is None and check():
            true_at = now
        if true_at is not None and now - true_at > settle:
            FRAMES.clear()
            return true_at
        await asyncio.sleep(0.0005)

def cpu():
    """This process's CPU time (user + sys, every thread), from its start."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime

async def run(project: Path, interactions: bool) -> None:
    app = make_app(LoadOptions(path=str(project), environ={"PATH": "/usr/bin"},
                               cwd=str(project)), user="bench", watch_interval=0)
    count_frames(app)  # (the first frame counts: any frame is the frame)
    async with app.run_test(size=(120, 40)) as pilot:
        at, used = await shown_cpu(lambda: True)
        print(f"frame-at {at}", flush=True)  # (perf_counter: the system's monotonic clock)
        print(f"frame-cpu {used}", flush=True)
        # a light poll: a real terminal does not wake the loop
        at, used = await shown_cpu(lambda: app.workspace is not None, poll=0.02)
        print(f"data-at {at}", flush=True)
        print(f"data-cpu {used}", flush=True)
        await pilot.pause()
        print("shown", flush=True)
        print(f"first-cpu {cpu()}", flush=True)
        if not interactions:
            return
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
        # -- an override, shown: the row of the selected service says the other class
        await pilot.press("2")
        await pilot.pause()
        table = app.query_one("#svc-table")
        await until(pilot, lambda: table.row_count > 0)
        table.move_cursor(row=3)
        await pilot.pause()
        view = app.query_one("ServicesView")
        name = view.selected
        before = app.workspace
        was = before.analysis.services[name].service_class
        cell = lambda: str(table.get_cell(name, "Class")).rstrip("*")
        FRAMES.clear()
        pressed, used = time.perf_counter(), cpu()
        key(app, "c")
        at = await shown(lambda: cell() != was)
        print(f"override-shown {at - pressed}", flush=True)
        at = await shown_or_settled(
            lambda: app.workspace is not before and view.workspace is app.workspace
            and app.workspace.analysis.services[name].service_class != was)
        print(f"override {at - pressed}", flush=True)
        print(f"override-cpu {cpu() - used}", flush=True)
        # -- one keystroke in the filter, shown: only the matching rows are left. Timed on
        # its own: the override's workers (the re-plan, the analysis without the override
        # that the detail pane asks for) are done first, or they share the interpreter
        # with the keystroke and their CPU time lands in its figure.
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        rows = table.row_count
        FRAMES.clear()
        pressed, used = time.perf_counter(), cpu()
        key(app, "5")
        at = await shown(lambda: table.row_count < rows)
        print(f"keystroke {at - pressed}", flush=True)
        print(f"keystroke-cpu {cpu() - used}", flush=True)

asyncio.run(run(Path(sys.argv[1]), sys.argv[2] == "all"))
'''


def one_run(project: Path, interactions: bool) -> dict[str, float]:
    """The timings of one cold process, by name (seconds)."""
    (project / "migration.toml").unlink(missing_ok=True)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(project),
                              "all" if interactions else "first"],
                             stdout=subprocess.PIPE, text=True, env=ENV)
    assert child.stdout is not None
    out: dict[str, float] = {}
    for line in child.stdout:
        if line.startswith(("frame-at ", "data-at ")):
            out[line.split("-")[0]] = float(line.split()[1]) - started
        elif line.strip() == "shown":
            out["first"] = time.perf_counter() - started
        elif " " in line:
            name, value = line.split()
            out[name] = float(value)
    start = {"frame", "frame-cpu", "data", "data-cpu", "first", "first-cpu"}
    wanted = start | ({"toggle", "override-shown", "override", "override-cpu", "keystroke",
                       "keystroke-cpu"} if interactions else set())
    if child.wait() != 0 or set(out) != wanted:
        raise SystemExit(f"the TUI run failed (exit {child.returncode}; got {sorted(out)})")
    return out


def _cell(values: list[float], scale: float, fmt: str) -> str:
    values = [v * scale for v in values]
    return (f"{statistics.median(values):{fmt}} "
            f"({min(values):{fmt}}-{max(values):{fmt}})")


def measure(n: int, runs: int, interactions: bool) -> dict[str, list[float]]:
    """Each timing of ``runs`` runs on a generated project of ``n`` services."""
    folder = Path(tempfile.mkdtemp())
    try:
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(n), str(folder)],
                       check=True, capture_output=True)
        one_run(folder, False)  # warms the disk cache; not kept
        results = [one_run(folder, interactions) for _ in range(runs)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {name: [r[name] for r in results] for name in results[0]}


def main() -> None:
    """Measure, then print a Markdown table and the targets met or missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--big", type=int, default=2000,
                        help="services of the big project (0: the small one's first screen only)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    small = measure(args.small, args.runs, False)
    big = measure(args.big, args.runs, True) if args.big else {}
    print("Wall time, then the process's CPU time (user + sys, all threads) in brackets: on")
    print("a machine shared with other work, the CPU time is what the TUI itself spends.")
    print(f"Load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}.")
    print()
    print("| services | frame (s) [cpu] | data (s) [cpu] | first screen (s) [cpu] | "
          "toggle on disk (ms) | "
          "override shown (ms) | override re-planned (ms) [cpu] | "
          "filter keystroke shown (ms) [cpu] |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, r in ((args.small, small), (args.big, big)):
        if not r:
            continue
        row = (f"| {n} | {_cell(r['frame'], 1, '.2f')} [{_cell(r['frame-cpu'], 1, '.2f')}] | "
               f"{_cell(r['data'], 1, '.2f')} [{_cell(r['data-cpu'], 1, '.2f')}] | "
               f"{_cell(r['first'], 1, '.2f')} [{_cell(r['first-cpu'], 1, '.2f')}] |")
        if "toggle" in r:
            row += (f" {_cell(r['toggle'], 1000, '.0f')} |"
                    f" {_cell(r['override-shown'], 1000, '.0f')} |"
                    f" {_cell(r['override'], 1000, '.0f')}"
                    f" [{_cell(r['override-cpu'], 1000, '.0f')}] |"
                    f" {_cell(r['keystroke'], 1000, '.0f')}"
                    f" [{_cell(r['keystroke-cpu'], 1000, '.0f')}] |")
        else:
            row += " | | | |"
        print(row)
    targets = [
        (f"frame at {args.small} < 0.5 s", statistics.median(small["frame"]), 0.5),
        (f"data at {args.small} < 0.5 s", statistics.median(small["data"]), 0.5),
        (f"first screen at {args.small} < 0.5 s", statistics.median(small["first"]), 0.5),
    ]
    if big:
        targets += [
            (f"first screen at {args.big} < 1.5 s", statistics.median(big["first"]), 1.5),
            ("toggle on disk < 50 ms", statistics.median(big["toggle"]), 0.05),
            ("override shown < 200 ms", statistics.median(big["override-shown"]), 0.2),
            ("override re-planned < 200 ms", statistics.median(big["override"]), 0.2),
            ("filter keystroke shown < 50 ms", statistics.median(big["keystroke"]), 0.05),
        ]
    print()
    for what, value, limit in targets:
        print(f"- {'PASS' if value < limit else 'MISS'}: {what}: {value:.3f} s (wall)")


if __name__ == "__main__":
    main()
