"""Inputs of kilobytes that grow: each must end quickly, in little memory, with a clean error.

Every case writes a small project to a temporary folder and runs the real CLI on it, in a
fresh process, with a time limit and an address-space limit (so a case that would eat the
machine's memory fails inside its own process instead):

    python benchmarks/hostile_growth.py                 # every case, config and analyze
    python benchmarks/hostile_growth.py ports include   # cases whose name contains a word
    python benchmarks/hostile_growth.py --timeout 60 --memory-mb 8192

For each case and command it prints the wall time, the peak resident memory (``wait4``'s
``ru_maxrss``) and the outcome:

- ``clean error``: exit code 2, a message and no traceback: what a hostile input must get;
- ``ok``: exit code 0 (right for the cases marked ``loads``: a big but honest input);
- ``traceback``, ``out of memory``, ``crash (signal N)``, ``hang (> N s)``: a bug.

The last lines count the outcomes and name the worst case by time and by memory; the exit
code is 1 if any outcome is not what its case expects. The bounds are the ones a user would
feel (seconds, hundreds of MB), checked here rather than in timed unit tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Files = dict[str, str]
"""A project: relative path -> text."""

SERVICE = "services:\n  web:\n    image: nginx\n"


@dataclass(frozen=True)
class Case:
    """One hostile project."""

    name: str
    what: str
    make: Callable[[], Files]
    loads: bool = False
    """True when the input is large but honest and must load (exit 0)."""


def yaml_alias_4mb() -> Files:
    big = "x" * (4 * 1024 * 1024)
    refs = ", ".join(["*big"] * 2000)
    return {"compose.yaml": f'x-big: &big "{big}"\nx-refs: [{refs}]\n{SERVICE}'}


def yaml_alias_labels() -> Files:
    big = "x" * (1024 * 1024)
    labels = "".join(f"      l{i}: *big\n" for i in range(2000))
    return {"compose.yaml": f'x-big: &big "{big}"\n{SERVICE}    labels:\n{labels}'}


def dotenv_doubling() -> Files:
    lines = ["A0=xx"] + [f"A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, 41)]
    return {".env": "\n".join(lines) + "\n",
            "compose.yaml": SERVICE + "    environment:\n      - V=${A40}\n"}


def env_file_doubling() -> Files:
    lines = ["A0=xx"] + [f"A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, 41)]
    return {"vars.env": "\n".join(lines) + "\n",
            "compose.yaml": SERVICE + "    env_file: vars.env\n"}


def env_file_shared() -> Files:
    lines = ["A0=xx"] + [f"A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, 25)]
    services = "".join(f"  s{i}:\n    image: nginx\n    env_file: vars.env\n"
                       for i in range(2000))
    return {"vars.env": "\n".join(lines) + "\n", "compose.yaml": "services:\n" + services}


def interpolation_product() -> Files:
    use = "$A" * 2000
    return {".env": "A=" + "x" * (1024 * 1024) + "\n",
            "compose.yaml": SERVICE + f'    labels:\n      big: "{use}"\n'}


def interpolation_aliased() -> Files:
    refs = ", ".join(["*v"] * 2000)
    return {".env": "A=" + "x" * (4 * 1024 * 1024) + "\n",
            "compose.yaml": f'x-v: &v "${{A}}"\nx-refs: [{refs}]\n{SERVICE}'}


def default_nesting() -> Files:
    depth = 50_000
    value = "${A:-" * depth + "x" + "}" * depth
    return {"compose.yaml": SERVICE + f'    environment:\n      V: "{value}"\n'}


def ports_range() -> Files:
    services = "".join(f'  s{i}:\n    image: nginx\n    ports: ["1-65535:1-65535"]\n'
                       for i in range(20))
    return {"compose.yaml": "services:\n" + services}


def include_fanout() -> Files:
    files: Files = {}
    levels = 30
    for i in range(levels):
        nxt = f"l{i + 1}a.yaml", f"l{i + 1}b.yaml"
        for side in "ab":
            files[f"l{i}{side}.yaml"] = (f"include: [{nxt[0]}, {nxt[1]}]\n"
                                          f"services:\n  s{i}{side}:\n    image: nginx\n")
    for side in "ab":
        files[f"l{levels}{side}.yaml"] = f"services:\n  last{side}:\n    image: nginx\n"
    files["compose.yaml"] = "include: [l0a.yaml, l0b.yaml]\n" + SERVICE
    return files


def extends_fanout() -> Files:
    files: Files = {}
    levels = 40
    for i in range(levels):
        files[f"f{i}.yaml"] = (
            "services:\n"
            f"  a:\n    extends: {{file: f{i + 1}.yaml, service: a}}\n"
            f"  b:\n    extends: {{file: f{i + 1}.yaml, service: a}}\n"
            f"    labels: [from-f{i}]\n")
    files[f"f{levels}.yaml"] = "services:\n  a:\n    image: nginx\n"
    files["compose.yaml"] = "services:\n  web:\n    extends: {file: f0.yaml, service: b}\n"
    return files


def extends_wide() -> Files:
    labels = "".join(f"      l{i}: v{i}\n" for i in range(100_000))
    users = "".join(f"  s{i}:\n    extends: base\n" for i in range(2000))
    return {"compose.yaml": f"services:\n  base:\n    image: nginx\n    labels:\n{labels}{users}"}


def include_wide() -> Files:
    files: Files = {}
    width, levels = 40, 30
    for i in range(levels):
        names = [f"l{i + 1}-{j}.yaml" for j in range(width)]
        for j in range(width):
            include = f"include: [{', '.join(names)}]\n" if j == 0 else ""
            files[f"l{i}-{j}.yaml"] = f"{include}services:\n  s{i}-{j}:\n    image: nginx\n"
    for j in range(width):
        files[f"l{levels}-{j}.yaml"] = f"services:\n  last{j}:\n    image: nginx\n"
    files["compose.yaml"] = "include: [l0-0.yaml]\n" + SERVICE
    return files


def extends_ports() -> Files:
    users = "".join(f"  s{i}:\n    extends: base\n" for i in range(2000))
    return {"compose.yaml": 'services:\n  base:\n    image: nginx\n    ports: ["1-65535"]\n'
            + users}


def extends_file_copies() -> Files:
    labels = ", ".join(f"l{j}: v" for j in range(40))
    others = "".join(f"  o{i}:\n    image: x\n    labels: {{{labels}}}\n"
                     for i in range(2000))
    users = "".join(f"  s{i}:\n    extends: {{file: big.yaml, service: base}}\n"
                    for i in range(2000))
    return {"big.yaml": f"services:\n  base:\n    image: nginx\n{others}",
            "compose.yaml": "services:\n" + users}


def depends_diamond() -> Files:
    levels = 30
    lines = ["services:"]
    for i in range(levels):
        for side in "ab":
            lines += [f"  s{i}{side}:", "    image: nginx",
                      f"    depends_on: [s{i + 1}a, s{i + 1}b]"]
    lines += [f"  s{levels}{side}:\n    image: nginx" for side in "ab"]
    return {"compose.yaml": "\n".join(lines) + "\n"}


def compose_file_repeated() -> Files:
    return {".env": "COMPOSE_FILE=" + ":".join(["compose.yaml"] * 20_000) + "\n",
            "compose.yaml": SERVICE + "    labels: {"
            + ", ".join(f"l{j}: v" for j in range(100)) + "}\n"}


def merge_anchor_wide() -> Files:
    keys = ", ".join(f"k{i}: v" for i in range(400))
    users = "".join(f"  s{i}:\n    <<: *common\n    image: nginx\n" for i in range(2000))
    return {"compose.yaml": f"x-common: &common {{labels: {{{keys}}}}}\nservices:\n{users}"}


def override_big_lists() -> Files:
    def dns(prefix: str) -> str:
        return "".join(f"      - 10.{prefix}.{i // 256}.{i % 256}\n" for i in range(60_000))
    return {"compose.yaml": SERVICE + "    dns:\n" + dns("1"),
            "compose.override.yaml": SERVICE + "    dns:\n" + dns("2")}


CASES = [
    Case("yaml-alias-4mb", "one 4 MB string aliased 2,000 times", yaml_alias_4mb),
    Case("yaml-alias-labels", "a 1 MB string as 2,000 labels of a service", yaml_alias_labels),
    Case("dotenv-doubling", ".env: A1=$A0$A0 ... 40 times", dotenv_doubling),
    Case("env-file-doubling", "env_file: A1=$A0$A0 ... 40 times", env_file_doubling),
    Case("env-file-shared", "env_file: A1=$A0$A0 ... to 32 MB, in 2,000 services",
         env_file_shared),
    Case("interpolation-product", "a 1 MB variable used 2,000 times in a value",
         interpolation_product),
    Case("interpolation-aliased", "a 4 MB variable in an anchor aliased 2,000 times",
         interpolation_aliased),
    Case("default-nesting", "${A:-${A:-...}} 50,000 deep (Compose accepts it)",
         default_nesting, loads=True),
    Case("ports-range", "ports 1-65535:1-65535 on 20 services", ports_range),
    Case("include-fanout", "each file includes two that include the next, 30 levels",
         include_fanout, loads=True),
    Case("include-wide", "a chain of files each including 40 others, 1,200 files",
         include_wide),
    Case("extends-fanout", "services extend two of the next file's, 40 files",
         extends_fanout, loads=True),
    Case("extends-wide", "2,000 services extend one with 100,000 labels", extends_wide),
    Case("extends-ports", "2,000 services extend one publishing 1-65535",
         extends_ports),
    Case("extends-file-copies", "2,000 services extend a small one of a 2,000-service file",
         extends_file_copies, loads=True),
    Case("depends-diamond", "depends_on: each service on two that depend on the next, 30 "
         "levels", depends_diamond, loads=True),
    Case("compose-file-repeated", "COMPOSE_FILE in .env names compose.yaml 20,000 times",
         compose_file_repeated, loads=True),
    Case("merge-anchor-wide", "<<: *common (400 labels) in 2,000 services", merge_anchor_wide,
         loads=True),
    Case("override-big-lists", "two files with 60,000 dns entries each, merged",
         override_big_lists, loads=True),
]

COMMANDS = (("config", "--format", "json"), ("analyze", "--format", "json"))


@dataclass(frozen=True)
class Outcome:
    """How one run ended."""

    label: str
    seconds: float
    rss_mb: float
    detail: str


def run(folder: Path, command: tuple[str, ...], timeout: float, memory_mb: int) -> Outcome:
    """Run ``migrate-tui COMMAND`` in ``folder`` and say how it ended."""
    def limit() -> None:
        limit_bytes = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/root", "PWD": str(folder)}
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "migrate_tui", *command, str(folder)], cwd=folder, env=env,
            stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL,
            preexec_fn=limit,  # noqa: PLW1509 - only sets a resource limit
        )
        status, usage = 0, None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                seconds = time.perf_counter() - start
                return Outcome(f"hang (> {timeout:.0f} s)", seconds, usage.ru_maxrss / 1024, "")
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        size = err.seek(0, os.SEEK_END)
        err.seek(0)
        head = err.read(100_000)
        err.seek(max(0, size - 4_000))
        text = (head + b"\n" + err.read()).decode("utf-8", "replace")
    rss = usage.ru_maxrss / 1024
    first = next((line for line in text.splitlines() if line.strip()), "")
    last = text.strip().splitlines()[-1] if text.strip() else ""
    code = proc.returncode
    if code < 0:
        return Outcome(f"crash (signal {-code})", seconds, rss, last)
    if "MemoryError" in text:
        return Outcome("out of memory", seconds, rss, last)
    if "Traceback" in text:
        return Outcome("traceback", seconds, rss, last)
    if code == 0:
        return Outcome("ok", seconds, rss, "")
    if code == 2:
        return Outcome("clean error", seconds, rss, first)
    return Outcome(f"exit {code}", seconds, rss, first)


def _short(text: str, width: int = 110) -> str:
    text = text.encode("ascii", "backslashreplace").decode()
    return text if len(text) <= width else text[: width - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    """Run the cases and print one line per case and command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="run the cases whose name contains a word")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per run")
    parser.add_argument("--memory-mb", type=int, default=4096, help="address-space limit")
    args = parser.parse_args(argv)
    cases = [c for c in CASES if not args.only or any(w in c.name for w in args.only)]
    results: list[tuple[Case, tuple[str, ...], Outcome]] = []
    print(f"{'case':<24}{'command':<9}{'time (s)':>9}{'peak RSS (MB)':>15}  outcome")
    for case in cases:
        folder = Path(tempfile.mkdtemp(prefix=f"hostile-{case.name}-"))
        try:
            for rel, text in case.make().items():
                (folder / rel).write_text(text, encoding="utf-8")
            for command in COMMANDS:
                outcome = run(folder, command, args.timeout, args.memory_mb)
                results.append((case, command, outcome))
                print(f"{case.name:<24}{command[0]:<9}{outcome.seconds:>9.2f}"
                      f"{outcome.rss_mb:>15.0f}  {outcome.label}", flush=True)
                if outcome.detail:
                    print(f"{'':<24}  {_short(outcome.detail)}", flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    expected = {True: "ok", False: "clean error"}
    wrong = [(c, cmd, o) for c, cmd, o in results if o.label != expected[c.loads]]
    counts: dict[str, int] = {}
    for _, _, outcome in results:
        key = outcome.label.split(" (")[0]
        counts[key] = counts.get(key, 0) + 1
    print()
    print(f"{len(cases)} cases, {len(results)} runs: "
          + ", ".join(f"{n} {label}" for label, n in sorted(counts.items())))
    if results:
        slow = max(results, key=lambda r: r[2].seconds)
        big = max(results, key=lambda r: r[2].rss_mb)
        print(f"slowest: {slow[0].name} {slow[1][0]} {slow[2].seconds:.2f} s; "
              f"most memory: {big[0].name} {big[1][0]} {big[2].rss_mb:.0f} MB")
    for case, command, outcome in wrong:
        print(f"UNEXPECTED: {case.name} {command[0]}: {outcome.label}, expected "
              f"{expected[case.loads]}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
