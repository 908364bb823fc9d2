"""What ``migrate-tui manifests -o DIR`` adds to ``migrate-tui plan``'s time, at 2,000 services.

The project comes from ``generate.py`` (the same synthetic monorepo as ``run.py``). Two
measurements, each the median of ``--runs``, in CPU time (user + sys) and wall time:

- **processes** (the target): ``migrate-tui plan . -o FILE`` and ``migrate-tui manifests .
  -o DIR`` (into a fresh folder), run in turn (plan, manifests, plan, manifests, ...) so
  that both see the same machine load, each a fresh process in the project's folder with a
  clean environment. The difference of the medians is what a user waits for on top of a
  plan. Target: at most 0.5 s CPU. ``manifests`` runs twice: writing into a folder on the
  disk, and into one in memory (``/dev/shm``, where it exists). The target is judged on
  the second, our own work: creating 1,900 files costs what the file system charges, and
  on this sandbox's disk that is 0.8 to 1.9 s of system time, varying run to run
  (``strace -c``: ``openat`` about 630 us a file, against microseconds on a usual disk).
  Both are printed.
- **stages**, in one process with the project loaded, analysed and planned as ``plan``
  does: generate (the objects and the ledger: what the plan pays for the ledger alone),
  render the YAML, write a fresh base, write it again unchanged, and the Markdown export
  ``plan`` renders instead (for comparison).

    python benchmarks/manifests.py               # 2,000 services, 5 runs
    python benchmarks/manifests.py --services 500 --runs 3
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

TARGET_SECONDS = 0.5

Times = dict[str, list[tuple[float, float]]]
"""Stage -> [(CPU seconds, wall seconds)] per run."""


def _timed(times: Times, name: str, work: Callable[[], Any]) -> Any:
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    times.setdefault(name, []).append((time.process_time() - cpu, time.perf_counter() - wall))
    return result


def _stages(folder: Path, runs: int) -> Times:
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.export.assemble import render_export
    from migrate_tui.manifests import generate_manifests, write_manifests
    from migrate_tui.manifests.writer import file_text
    from migrate_tui.workspace import open_workspace

    ws = open_workspace(LoadOptions(path=str(folder), environ={"PATH": "/usr/bin"}))
    times: Times = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            m = _timed(times, "generate (objects + ledger)",
                       partial(generate_manifests, ws.project, ws.analysis))
            _timed(times, "render YAML", partial(list, map(file_text, m.files)))
            out = Path(tmp) / "base"
            _timed(times, "write a fresh base (renders)", partial(write_manifests, m, out))
            _timed(times, "write it again, unchanged", partial(write_manifests, m, out))
            _timed(times, "plan's Markdown export", partial(render_export, ws, "markdown"))
    return times


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _processes(folder: Path, runs: int) -> Times:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get(
        "HOME", "/root"), "PWD": str(folder)}
    commands = {"plan": ["plan", ".", "-o", "{tmp}/plan.md"],
                "manifests": ["manifests", ".", "-o", "{tmp}/base"]}
    memory = "/dev/shm" if os.path.isdir("/dev/shm") else None
    if memory:
        commands["manifests in memory"] = commands["manifests"]
    times: Times = {}
    for _ in range(runs):
        for name, args in commands.items():  # (in turn: all see the same load)
            where = memory if name.endswith("in memory") else None
            with tempfile.TemporaryDirectory(dir=where) as tmp:
                argv = [a.replace("{tmp}", tmp) for a in args]
                cpu, wall = _child_cpu(), time.perf_counter()
                subprocess.run([sys.executable, "-m", "migrate_tui", *argv], cwd=folder,
                               env=env, check=True, capture_output=True)
                times.setdefault(name, []).append(
                    (_child_cpu() - cpu, time.perf_counter() - wall))
    return times


def _median(values: list[tuple[float, float]]) -> tuple[float, float]:
    return (statistics.median(v[0] for v in values), statistics.median(v[1] for v in values))


def main(argv: list[str] | None = None) -> int:
    """Measure and print; exit 1 when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "project"
        folder.mkdir()
        (folder / "compose.yaml").write_text(generate(args.services))
        stages = _stages(folder, args.runs)
        processes = _processes(folder, args.runs)
    print(f"{args.services} services, median of {args.runs} runs (CPU = user + sys; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print("stages in one process (plan already built):      CPU      wall")
    for name, values in stages.items():
        cpu, wall = _median(values)
        print(f"  {name:<44} {cpu:6.3f} s {wall:7.3f} s")
    plan = _median(processes["plan"])
    print("processes, in turn:                               CPU      wall")
    print(f"  migrate-tui plan . -o FILE                   {plan[0]:6.3f} s {plan[1]:7.3f} s")
    added = {}
    for name in processes:
        if name == "plan":
            continue
        cpu, wall = _median(processes[name])
        added[name] = cpu - plan[0]
        print(f"  {name + ' (fresh folder)':<44} {cpu:6.3f} s {wall:7.3f} s")
        print(f"    minus plan                                 {added[name]:6.3f} s "
              f"{wall - plan[1]:7.3f} s")
    judged = added.get("manifests in memory", added["manifests"])
    verdict = "PASS" if judged <= TARGET_SECONDS else "FAIL"
    print(f"target: manifests adds at most {TARGET_SECONDS} s CPU to plan "
          f"({'written in memory' if 'manifests in memory' in added else 'on disk'}): "
          f"{verdict}")
    return 0 if judged <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
