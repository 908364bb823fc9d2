"""What ``migrate-tui manifests`` adds to ``plan``'s time, at 2,000 services.

The project comes from ``generate.py`` (the same synthetic monorepo as ``run.py``). Two
measurements, each the median of ``--runs``:

- **added**: in one process, with the project loaded, analysed and planned as ``plan``
  does, the time to generate the manifests and the ledger, render them and write the
  base to a fresh folder. Target: at most 0.5 s.
- **processes**: ``migrate-tui plan . -o FILE`` and ``migrate-tui manifests . -o DIR``,
  each in a fresh process in the project's folder with a clean environment; the
  difference is what a user waits for on top of a plan.

    python benchmarks/manifests.py               # 2,000 services, 5 runs
    python benchmarks/manifests.py --services 500 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

TARGET_SECONDS = 0.5


def _added(folder: Path, runs: int) -> dict[str, list[float]]:
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.manifests import generate_manifests, write_manifests
    from migrate_tui.manifests.ledger import ledger_json
    from migrate_tui.manifests.writer import file_text
    from migrate_tui.workspace import open_workspace

    ws = open_workspace(LoadOptions(path=str(folder), environ={"PATH": "/usr/bin"}))
    out: dict[str, list[float]] = {"generate": [], "render": [], "write": [], "ledger": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            manifests = generate_manifests(ws.project, ws.analysis)
            t1 = time.perf_counter()
            for f in manifests.files:
                file_text(f)
            t2 = time.perf_counter()
            write_manifests(manifests, Path(tmp) / "base")
            t3 = time.perf_counter()
            ledger_json(manifests)
            t4 = time.perf_counter()
        out["generate"].append(t1 - t0)
        out["render"].append(t2 - t1)
        out["write"].append(t3 - t2)  # (renders again: the writer renders what it writes)
        out["ledger"].append(t4 - t3)
    return out


def _process(args: list[str], folder: Path, runs: int) -> list[float]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get(
        "HOME", "/root"), "PWD": str(folder)}
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            argv = [a.replace("{tmp}", tmp) for a in args]
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "migrate_tui", *argv], cwd=folder, env=env,
                           check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return times


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
        added = _added(folder, args.runs)
        plan = _process(["plan", ".", "-o", "{tmp}/plan.md"], folder, args.runs)
        manifests = _process(["manifests", ".", "-o", "{tmp}/base"], folder, args.runs)
    med = {k: statistics.median(v) for k, v in added.items()}
    total = med["generate"] + med["write"]
    print(f"{args.services} services, median of {args.runs} runs")
    print(f"  generate manifests + ledger  {med['generate']:.3f} s")
    print(f"  render YAML                  {med['render']:.3f} s")
    print(f"  write the base (renders)     {med['write']:.3f} s")
    print(f"  ledger JSON                  {med['ledger']:.3f} s")
    print(f"  added to plan (generate + write)  {total:.3f} s  "
          f"(target <= {TARGET_SECONDS} s: {'PASS' if total <= TARGET_SECONDS else 'FAIL'})")
    print(f"  process: plan {statistics.median(plan):.2f} s, manifests "
          f"{statistics.median(manifests):.2f} s")
    return 0 if total <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
