"""Hostile inputs, each run as a user would run it: outcome, time and peak memory.

Every case builds a small project in a temporary folder as a hostile commit would leave it
(links at the files the tool writes, pipes and devices where it reads, bytes that are not
text), runs ``python -m migrate_tui ...`` in a subprocess with a time limit and a memory
cap, and reports:

- the outcome: ``ok`` (exit 0), ``clean error`` (exit 2, no traceback), ``traceback``,
  ``hang`` (killed at the time limit), or ``exit N``;
- the wall time and the child's peak resident memory (``os.wait4``'s rusage);
- ``safe``: whether the case's own check held (nothing written or created outside the
  project, the link's target untouched, the later change kept...).

The cases mirror ``tests/hostile/test_files.py``; other hostile classes can append to
``CASES``. Run it from the repository::

    python benchmarks/hostile.py            # the table
    python benchmarks/hostile.py --timeout 20 --memory-mib 2048

Exit status 1 when any case hangs, ends in a traceback or fails its check.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

COMPOSE = """\
services:
  web:
    image: nginx:1.27
    env_file: web.env
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
volumes:
  data: {}
"""
TOML = ('schema = 1\n\n[items."web.probes"]\nstatus = "doing"\n'
        "changed_at = 2025-01-01T00:00:00Z\n")
SECRET = "export PATH=$HOME/bin:$PATH\n"
SET = ("set", "web.probes", "--status", "done", "--by", "eve")


@dataclass
class Site:
    """The project folder and the victim's home beside it."""

    project: Path
    outside: Path
    victims: dict[str, str] = field(default_factory=dict)
    """The victim's files (name: content) that a committed link points at."""

    def victim(self, name: str = ".bashrc", text: str = SECRET) -> Path:
        """A file of the victim's that a committed link points at."""
        path = self.outside / name
        path.write_text(text)
        self.victims[name] = text
        return path

    def replace(self, name: str, make: Callable[[Path], object]) -> None:
        """Put something else (a link, a pipe, a folder) where ``name`` was."""
        path = self.project / name
        if path.is_dir() and not path.is_symlink():
            path.rmdir()
        else:
            path.unlink(missing_ok=True)
        make(path)

    def untouched(self) -> bool:
        """Nothing outside the project but the victim's own files, unchanged."""
        found = {p.name: p.read_text() for p in self.outside.iterdir()}
        return found == self.victims


@dataclass
class Case:
    """One hostile input: how to plant it, what to run, what must hold afterwards."""

    name: str
    plant: Callable[[Site], object]
    args: tuple[str, ...]
    check: Callable[[Site], bool] = Site.untouched


def _link(target: str | Callable[[Site], object]) -> Callable[[Site, str], None]:
    def plant(site: Site, name: str) -> None:
        to = target(site) if callable(target) else target
        site.replace(name, lambda p: p.symlink_to(str(to)))

    return plant


def _at(name: str, make: Callable[[Site, str], object]) -> Callable[[Site], object]:
    return lambda site: make(site, name)


def _fifo(site: Site, name: str) -> None:
    site.replace(name, os.mkfifo)


def _bytes(name: str, data: bytes) -> Callable[[Site], object]:
    return lambda site: (site.project / name).write_bytes(data)


def _sparse(name: str, size: int) -> Callable[[Site], None]:
    def plant(site: Site) -> None:
        with open(site.project / name, "ab") as out:
            out.truncate(size)

    return plant


def _include_fifo(site: Site) -> None:
    (site.project / "compose.yaml").write_text("include: [more.yaml]\n" + COMPOSE)
    os.mkfifo(site.project / "more.yaml")


def _extends_zero(site: Site) -> None:
    (site.project / "compose.yaml").write_text(
        "services:\n  web:\n    extends: {file: base.yaml, service: web}\n")
    (site.project / "base.yaml").symlink_to("/dev/zero")


def _future(site: Site) -> None:
    (site.project / "migration.toml").write_text(TOML.replace("2025-", "2099-"))


def _saved(site: Site) -> bool:
    return 'status = "done"' in (site.project / "migration.toml").read_text()


CASES: list[Case] = [
    Case("set, migration.toml.bak -> ~/.bashrc",
         _at("migration.toml.bak", _link(lambda s: s.victim())), SET),
    Case("set, migration.toml -> dangling outside",
         _at("migration.toml", _link(lambda s: s.outside / "migration.toml")), SET),
    Case("set, migration.toml -> file outside",
         _at("migration.toml", _link(lambda s: s.victim("migration.toml", TOML))), SET),
    Case("set, migration.toml.lock -> dangling",
         _at("migration.toml.lock", _link(lambda s: s.outside / "planted")), SET),
    Case("set, migration.toml.lock is a FIFO", _at("migration.toml.lock", _fifo), SET),
    Case("plan -o, MIGRATION_PLAN.md -> ~/.bashrc",
         _at("MIGRATION_PLAN.md", _link(lambda s: s.victim())),
         ("plan", "-o", "MIGRATION_PLAN.md")),
    Case("status, env_file is a FIFO", _at("web.env", _fifo), ("status",)),
    Case("status, env_file -> /dev/zero", _at("web.env", _link("/dev/zero")), ("status",)),
    Case("status, .env is a FIFO", _at(".env", _fifo), ("status",)),
    Case("status, .env -> /dev/zero", _at(".env", _link("/dev/zero")), ("status",)),
    Case("status, migration.toml is a FIFO", _at("migration.toml", _fifo), ("status",)),
    Case("status, migration.toml -> /dev/zero",
         _at("migration.toml", _link("/dev/zero")), ("status",)),
    Case("analyze, included file is a FIFO", _include_fifo, ("analyze",)),
    Case("analyze, extended file -> /dev/zero", _extends_zero, ("analyze",)),
    Case("analyze -f FIFO", _at("pipe.yaml", _fifo), ("analyze", "-f", "pipe.yaml")),
    Case("analyze, compose.yaml is a folder", _at("compose.yaml", lambda s, n: s.replace(
        n, Path.mkdir)), ("analyze",)),
    Case("analyze, compose.yaml 40 MiB (sparse)",
         _sparse("compose.yaml", 40 << 20), ("analyze",)),
    Case("analyze, compose.yaml 1 GiB (sparse)", _sparse("compose.yaml", 1 << 30),
         ("analyze",)),
    Case("status, compose.yaml latin-1 byte",
         _bytes("compose.yaml", COMPOSE.encode() + b"x-a: caf\xe9\n"), ("status",)),
    Case("status, compose.yaml NUL byte",
         _bytes("compose.yaml", COMPOSE.encode() + b"x-a: a\x00\n"), ("status",)),
    Case("status, env_file UTF-16", _bytes("web.env", "MODE=prod\n".encode("utf-16")),
         ("status",)),
    Case("status, migration.toml invalid UTF-8",
         _bytes("migration.toml", TOML.encode() + b'note = "\xc3"\n'), ("status",)),
    Case("set, changed_at = 2099 in migration.toml", _future, SET, _saved),
    Case("control: set on a clean project", lambda site: None, SET, _saved),
]


@dataclass
class Result:
    """What one run gave."""

    outcome: str
    code: int | None
    seconds: float
    peak_mib: float
    safe: bool
    first_line: str


def _run(case: Case, timeout: float, memory_mib: int, python: str) -> Result:
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        site = Site(Path(tmp) / "repo", Path(tmp) / "home")
        site.project.mkdir()
        site.outside.mkdir()
        (site.project / "compose.yaml").write_text(COMPOSE)
        (site.project / "web.env").write_text("MODE=prod\n")
        (site.project / "migration.toml").write_text(TOML)
        case.plant(site)
        env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": str(site.outside),
               "NO_COLOR": "1"}
        if "PYTHONPATH" in os.environ:
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        limit = memory_mib << 20

        def cap() -> None:  # the machine is shared: a runaway case stops at the cap
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        err_path = Path(tmp) / "stderr"
        with open(err_path, "w") as err:
            start = time.monotonic()
            child = subprocess.Popen(
                [python, "-m", "migrate_tui", *case.args], cwd=site.project, env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                preexec_fn=cap, start_new_session=True)
            code: int | None = None
            usage = None
            while True:
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    code = os.waitstatus_to_exitcode(status)
                    break
                if time.monotonic() - start > timeout:
                    os.killpg(child.pid, signal.SIGKILL)
                    _, _, usage = os.wait4(child.pid, 0)
                    break
                time.sleep(0.01)
            seconds = time.monotonic() - start
        child.returncode = code if code is not None else -9  # reaped above
        stderr = err_path.read_text(errors="replace")
        if code is None:
            outcome = "hang"
        elif "Traceback" in stderr:
            outcome = "traceback"
        elif code == 0:
            outcome = "ok"
        elif code == 2:
            outcome = "clean error"
        else:
            outcome = f"exit {code}"
        safe = case.check(site)
        line = next((ln for ln in stderr.splitlines() if ln.strip()), "")
        line = line.replace(tmp, "<tmp>")
        return Result(outcome, code, seconds, usage.ru_maxrss / 1024, safe, line)


def main(argv: list[str] | None = None) -> int:
    """Run every case and print the table; 1 if any hung, crashed or broke its check."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per case")
    parser.add_argument("--memory-mib", type=int, default=2048,
                        help="address-space cap per case (RLIMIT_AS)")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("-k", default="", help="only cases whose name contains this")
    parser.add_argument("-v", action="store_true", help="show each case's first stderr line")
    args = parser.parse_args(argv)
    cases = [c for c in CASES if args.k in c.name]
    width = max(len(c.name) for c in cases)
    print(f"{'case':<{width}}  {'outcome':<11}  {'time s':>6}  {'peak RSS MiB':>12}  safe")
    bad = 0
    worst = (0.0, "")
    counts: dict[str, int] = {}
    for case in cases:
        r = _run(case, args.timeout, args.memory_mib, args.python)
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
        worst = max(worst, (r.peak_mib, case.name))
        bad += r.outcome in ("hang", "traceback") or r.outcome.startswith("exit") or not r.safe
        print(f"{case.name:<{width}}  {r.outcome:<11}  {r.seconds:6.2f}  {r.peak_mib:12.1f}  "
              f"{'yes' if r.safe else 'NO'}")
        if args.v and r.first_line:
            print(f"{'':<{width}}  {r.first_line[:110]}")
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    print(f"\n{len(cases)} cases: {summary}; worst peak RSS {worst[0]:.1f} MiB ({worst[1]})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
