"""Phase 0, discover: which files, which project directory, name, environment and profiles.

This follows the Docker Compose CLI: ``-f`` files (repeatable) or ``COMPOSE_FILE`` (split on
``COMPOSE_PATH_SEPARATOR``) or the first of ``compose.yaml``, ``compose.yml``,
``docker-compose.yaml``, ``docker-compose.yml`` found from the working folder upwards, with
the matching override file; ``.env`` of the project directory (or ``--env-file``) under the
process environment; ``--profile`` or ``COMPOSE_PROFILES``; ``-p`` or
``COMPOSE_PROJECT_NAME`` or the ``name:`` in the files or the folder's name, normalized.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from migrate_tui.errors import DiscoveryError, Location

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_FILES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)


@dataclass(frozen=True)
class LoadOptions:
    """What the user asked for, as the Compose CLI flags say it."""

    path: str | None = None
    """A folder to look for compose files in, or one compose file (our positional PATH)."""
    files: tuple[str, ...] = ()
    """``-f/--file``, in order."""
    project_directory: str | None = None
    """``--project-directory``."""
    project_name: str | None = None
    """``-p/--project-name``."""
    env_files: tuple[str, ...] = ()
    """``--env-file``, in order."""
    profiles: tuple[str, ...] = ()
    """``--profile``, ``*`` for all."""
    environ: Mapping[str, str] | None = None
    """The process environment; ``None`` for ``os.environ``."""
    cwd: str | None = None
    """The folder the command runs in; ``None`` for the current one."""


@dataclass
class Discovery:
    """What discovery decided."""

    files: list[str]
    """Absolute paths of the compose files, in merge order."""
    project_dir: str
    """The project directory: relative paths in the files are resolved against it."""
    environment: dict[str, str]
    """Variables for interpolation: the process environment over the env files."""
    profiles: list[str]
    """Active profiles."""
    name: str | None
    """The project name when given by flag or variable, else None (files or folder decide)."""
    warnings: list[str] = field(default_factory=list)
    """Things worth telling the user."""


def normalize_project_name(text: str) -> str:
    """A project name as Compose normalizes it: lowercase ``[a-z0-9_-]``, no leading ``_-``."""
    return "".join(re.findall(r"[a-z0-9_-]", text.lower())).lstrip("_-")


def _present(path: Path) -> bool:
    """Whether a compose file is there: anything that exists counts, as in Compose, so a
    ``compose.yaml`` that is a folder or a pipe is reported by name when it is read, not
    skipped in favour of "no compose file found" (a dangling link is nothing, as there)."""
    return path.exists()


def _env_file_present(path: Path) -> bool:
    """Whether a default ``.env`` is there to read: a folder of that name (a virtualenv
    made with ``python -m venv .env``) is not one, as in Compose; a pipe or a device is,
    and reading it is a clear error."""
    return path.exists() and not path.is_dir()


def _find_upwards(start: Path, names: tuple[str, ...]) -> list[Path]:
    folder = start
    while True:
        found = [folder / n for n in names if _present(folder / n)]
        if found:
            return found
        if folder.parent == folder:
            return []
        folder = folder.parent


def discover(options: LoadOptions) -> Discovery:
    """Decide files, project directory, environment, profiles and name.

    Raises:
        DiscoveryError: No compose file found, a named file or env file missing.
    """
    # (imported here: it brings the YAML parser, and the TUI builds its LoadOptions, in this
    # module, before its first paint; the worker that loads the project imports it after)
    from migrate_tui.compose.dotenv import read_env_file

    environ = dict(os.environ if options.environ is None else options.environ)
    cwd = Path(options.cwd or os.getcwd()).absolute()
    warnings: list[str] = []
    files = list(options.files)
    start = cwd
    if options.path:
        target = (cwd / options.path)
        if target.is_dir():
            start = target
        elif _present(target):  # a file, or a pipe or device that reading reports
            files = [str(target), *files]
        else:
            raise DiscoveryError(
                f"{options.path}: no such file or folder",
                location=Location(str(target)),
                hint="give the folder of a Compose project or the path of its compose file",
            )
    if options.project_directory:
        start = cwd / options.project_directory

    # .env of the start folder first, for COMPOSE_FILE and friends (as the CLI does).
    early_env = dict(environ)
    if not options.env_files and not files:
        dotenv = start / ".env"
        if _env_file_present(dotenv):
            for key, value in read_env_file(dotenv, early_env.get).items():
                early_env.setdefault(key, value)

    if not files and early_env.get("COMPOSE_FILE"):
        sep = early_env.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
        files = [f for f in early_env["COMPOSE_FILE"].split(sep) if f]
        base = start
        files = [str(base / f) for f in files]

    if files:
        paths = [Path(os.path.normpath((cwd / f).absolute())) for f in files]
        for p in paths:
            if not _present(p):
                raise DiscoveryError(
                    f"compose file {p} not found",
                    location=Location(str(p)),
                    hint="check the -f path (relative paths start from the current folder)",
                )
    else:
        found = _find_upwards(start, DEFAULT_FILES)
        if not found:
            raise DiscoveryError(
                f"no compose file found in {start} or any parent folder",
                location=Location(str(start)),
                hint="run in the folder of your compose.yaml, give its folder, or use -f FILE",
            )
        if len(found) > 1:
            warnings.append(
                "Found multiple config files with supported names: "
                + ", ".join(str(f) for f in found)
                + f"\nUsing {found[0]}"
            )
        paths = [found[0]]
        overrides = [found[0].parent / n for n in OVERRIDE_FILES
                     if _present(found[0].parent / n)]
        if overrides:
            paths.append(overrides[0])

    project_dir = (
        (cwd / options.project_directory).absolute()
        if options.project_directory
        else paths[0].parent
    )
    project_dir = Path(os.path.normpath(project_dir))

    env_files = [cwd / f for f in options.env_files]
    if not env_files and _env_file_present(project_dir / ".env"):
        env_files = [project_dir / ".env"]
    # Values hold a literal $ as $$, as env files and `docker compose config` write it.
    environment = {key: value.replace("$", "$$") for key, value in environ.items()}
    file_env: dict[str, str] = {}
    for env_file in env_files:
        if not env_file.exists():
            raise DiscoveryError(
                f"env file {env_file} not found",
                location=Location(str(env_file)),
                hint="check the --env-file path",
            )

        def lookup(key: str) -> str | None:
            if key in environment:
                return environment[key]
            return file_env.get(key)

        file_env.update(read_env_file(env_file, lookup))
    for key, value in file_env.items():
        environment.setdefault(key, value)

    profiles = list(options.profiles)
    if not profiles and environment.get("COMPOSE_PROFILES"):
        profiles = [p.strip() for p in environment["COMPOSE_PROFILES"].split(",") if p.strip()]

    name = options.project_name or environment.get("COMPOSE_PROJECT_NAME") or None
    if name is not None and normalize_project_name(name) != name:
        raise DiscoveryError(
            f"invalid project name {name!r}: must consist only of lowercase alphanumeric "
            "characters, hyphens, and underscores as well as start with a letter or number",
            hint=f"use -p {normalize_project_name(name) or 'myproject'}",
        )
    return Discovery(
        files=[str(p) for p in paths],
        project_dir=str(project_dir),
        environment=environment,
        profiles=profiles,
        name=name,
        warnings=warnings,
    )
