"""``migrate-tui verify``: its time at 2,000 services, and its memory on hostile manifests.

- **time**: the synthetic 2,000-service project (``generate.py``), its base written by
  ``manifests``, then ``read_manifests`` + ``verify_plan`` in one process (median of
  ``--runs``). Target: at most 2 s.
- **memory**: peak traced memory (``tracemalloc``) while each hostile folder is refused or
  read: a billion-laughs bomb, a 7.9 MiB file of 40,000 ConfigMaps (under the 8 MiB limit),
  a 50 MB file (over it). Target: at most 256 MiB each.

    python benchmarks/verify.py                  # 2,000 services, 3 runs
    python benchmarks/verify.py --services 500 --runs 1
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

TARGET_SECONDS = 2.0
TARGET_MIB = 256


def _time(services: int, runs: int) -> list[float]:
    from migrate_tui.compose.discover import LoadOptions
    from migrate_tui.gc_pause import gc_pause
    from migrate_tui.manifests import generate_manifests, write_manifests
    from migrate_tui.verify import read_manifests, verify_plan
    from migrate_tui.workspace import open_workspace

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        (project / "compose.yaml").write_text(generate(services))
        ws = open_workspace(LoadOptions(path=str(project)))
        write_manifests(generate_manifests(ws.project, ws.analysis), project / "k8s")
        times = []
        for _ in range(runs):
            with gc_pause():  # (as the CLI runs a one-shot command)
                start = time.perf_counter()
                report = verify_plan(ws.plan, ws.analysis, ws.project,
                                     read_manifests(str(project / "k8s"), kustomize=False))
                times.append(time.perf_counter() - start)
        print(f"  {len(report.items):,} items: {report.counts()}")
        return times


def _hostile() -> dict[str, tuple[float, str]]:
    from migrate_tui.errors import MigrateError
    from migrate_tui.verify import read_manifests

    bomb = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    bomb += [f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 9) + "]" for i in range(1, 10)]
    maps = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m{i}\n"
                   f"data:\n  KEY: value-{i}\n" for i in range(40_000))
    maps = maps[: 8 * 1024 * 1024 - 100]
    maps = maps[: maps.rfind("---")]
    out: dict[str, tuple[float, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, write in (("bomb", lambda p: p.write_text("\n".join(bomb))),
                            ("7.9 MiB of ConfigMaps", lambda p: p.write_text(maps)),
                            ("50 MB file", lambda p: p.open("wb").truncate(50 * 10**6))):
            folder = Path(tmp) / name.replace(" ", "-")
            folder.mkdir()
            write(folder / "x.yaml")
            tracemalloc.start()
            try:
                found = read_manifests(str(folder))
                said = f"read {len(found.docs):,} objects"
            except MigrateError as exc:
                said = "refused: " + exc.message[:60]
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            out[name] = (peak / 2**20, said)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ok = True
    times = _time(args.services, args.runs)
    median = statistics.median(times)
    ok &= median <= TARGET_SECONDS
    print(f"verify at {args.services:,} services: {median:.2f} s (target {TARGET_SECONDS} s)")
    for name, (mib, said) in _hostile().items():
        ok &= mib <= TARGET_MIB
        print(f"{name}: peak {mib:.0f} MiB (target {TARGET_MIB}); {said}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
