"""The loader: runs the phases in order and returns a :class:`Project`.

======  ==============  ==============================================================
 #      phase           module
======  ==============  ==============================================================
 0      discover        :mod:`.discover`: files, project directory, .env, profiles, name
 1      parse           :mod:`.parse`: YAML 1.2, positions, duplicate keys, ``<<``, tags
 2      interpolate     :mod:`.interpolate`: ``${VAR}`` forms, then casts
 3      validate        :mod:`.schema`: the Compose Specification's JSON schema, per file
 4      canonical       :mod:`.canonical`: short syntax to long, relative paths resolved
 5      extends         :mod:`.extends`: services built on other services
 5b     include         :mod:`.include`: other projects pulled in
 6      merge           :mod:`.merge`: each file over the previous ones (``!reset``,
                        ``!override`` first)
 7-10   finalize        :mod:`.finalize`: durations, profiles, normalize, consistency,
                        environment
 11     render          :mod:`.render`: the JSON form of ``config`` (on demand)
======  ==============  ==============================================================

Each file goes through phases 1 to 6 in turn; phases 7 to 10 run once on the result.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

from migrate_tui.compose.budget import LoadBudget
from migrate_tui.compose.canonical import Canonicalizer, home_dir
from migrate_tui.compose.discover import LoadOptions, discover, normalize_project_name
from migrate_tui.compose.extends import ExtendsResolver
from migrate_tui.compose.finalize import (
    check_consistency,
    check_durations,
    normalize,
    resolve_environment,
    select_profiles,
)
from migrate_tui.compose.include import apply_include
from migrate_tui.compose.interpolate import interpolate
from migrate_tui.compose.merge import drop_path, merge_files
from migrate_tui.compose.model import Project, service_model
from migrate_tui.compose.parse import ParsedFile, parse_yaml
from migrate_tui.compose.schema import validate
from migrate_tui.compose.sources import SourceIndex
from migrate_tui.compose.substitute import substitute
from migrate_tui.errors import ComposeError, DiscoveryError, Location
from migrate_tui.fsio import COMPOSE_FILE_LIMIT, read_text_bounded
from migrate_tui.gc_pause import gc_paused

Warn = Callable[[str], None]


class _Files:
    """Reads, parses and caches files; runs phases 1 to 6 on them."""

    def __init__(self, home: str, sources: SourceIndex, warn: Warn) -> None:
        self.home = home
        self.sources = sources
        self.warn = warn
        self.parsed: dict[str, ParsedFile] = {}
        self.warned_version: set[str] = set()
        self.budget = LoadBudget()
        """What the files of this load have made, against the limits across files."""

    def parse(self, path: str) -> ParsedFile:
        if path not in self.parsed:
            # a pipe, a device or a huge file is an error, never a hang (FileNotFoundError
            # goes on: the caller says which reference was missing)
            text = read_text_bounded(path, COMPOSE_FILE_LIMIT, error=DiscoveryError)
            parsed = parse_yaml(text, path)
            self.parsed[path] = parsed
            self.sources.add(parsed)
        return self.parsed[path]

    def prepare(self, path: str, base_dir: str, env: dict[str, str]) -> dict[str, Any]:
        """Phases 1 to 4 for one file: parsed, interpolated, validated, long syntax."""
        parsed = self.parse(path)
        data = interpolate(parsed.data, env, parsed, self.warn)
        for reset in parsed.resets:
            drop_path(data, reset)
        validate(data, parsed)
        if "version" in data:
            if path not in self.warned_version:
                self.warned_version.add(path)
                self.warn(f"{path}: the attribute `version` is obsolete, it will be ignored, "
                          "please remove it to avoid potential confusion")
            del data["version"]
        return Canonicalizer(parsed, base_dir, self.home, self.budget).file(data)

    def load(
        self, files: list[str], base_dir: str, env: dict[str, str], chain: tuple[str, ...]
    ) -> dict[str, Any]:
        """Phases 1 to 6 for the files of one project, merged in order."""
        result: dict[str, Any] = {}
        extends_cache: dict[str, tuple[dict[str, Any], ParsedFile, str]] = {}

        def load_extended(path: str) -> tuple[dict[str, Any], ParsedFile, str]:
            if path not in extends_cache:
                if not Path(path).exists():  # a pipe or device: reading it says so
                    raise FileNotFoundError(path)
                folder = posixpath.dirname(path)
                extends_cache[path] = (self.prepare(path, folder, env), self.parse(path), folder)
            # Shared, not copied: ExtendsResolver copies the one service it takes (a copy of
            # the whole file for each of 2,000 services extending it took minutes).
            return extends_cache[path]

        def load_included(
            inc_files: list[str], project_dir: str, inc_env: dict[str, str],
            inc_chain: tuple[str, ...],
        ) -> dict[str, Any]:
            return self.load(inc_files, project_dir, inc_env, inc_chain)

        for path in files:
            parsed = self.parse(path)
            data = self.prepare(path, base_dir, env)
            data = ExtendsResolver(data, parsed, base_dir, load_extended,
                                   budget=self.budget).apply()
            data = apply_include(data, parsed, base_dir, env, (*chain, path), load_included,
                                 self.budget)
            for over in (*parsed.resets, *parsed.overrides):
                drop_path(result, over)
            # Over nothing, a merge is a deep copy; `data` is this load's own, so take it.
            result = merge_files(result, data) if result else data
        return result


def _project_name(files: _Files, paths: list[str], env: dict[str, str]) -> str | None:
    """The ``name:`` the files give, interpolated and normalized (the last one wins)."""
    name = None
    for path in paths:
        raw = files.parse(path).data.get("name")
        if isinstance(raw, str) and raw:
            name = normalize_project_name(substitute(raw, env)) or name
    return name


@gc_paused
def load_project(options: LoadOptions, warn: Warn | None = None) -> Project:
    """Load a Compose project as Docker Compose does.

    Args:
        options: What the user asked for (files, folder, name, env files, profiles).
        warn: Receives each warning as it happens (unset variables, obsolete keys).

    Returns:
        The project, normalized.

    Raises:
        ComposeError: Anything wrong with the project, with file, line, key and fix.
    """
    found = discover(options)
    warnings: list[str] = []

    def _warn(message: str) -> None:
        warnings.append(message)
        if warn:
            warn(message)

    for message in found.warnings:
        _warn(message)
    sources = SourceIndex()
    env = dict(found.environment)
    files = _Files(home_dir(env), sources, _warn)
    name = (
        found.name
        or _project_name(files, found.files, env)
        or normalize_project_name(posixpath.basename(found.project_dir))
    )
    if not name:
        raise DiscoveryError(
            "project name must not be empty",
            location=Location(found.project_dir),
            hint="give one with -p NAME or `name:` in the compose file",
        )
    env["COMPOSE_PROJECT_NAME"] = name
    merged = files.load(found.files, found.project_dir, env, ())
    merged.pop("name", None)
    if not merged:
        raise ComposeError(
            "empty compose file",
            location=Location(found.files[0]),
            hint="add a `services:` section",
        )
    all_services: dict[str, Any] = merged.get("services") or {}
    check_durations(all_services, sources)
    active, inactive = select_profiles(all_services, found.profiles)
    merged["services"] = active
    normalize(merged, name)
    check_consistency(merged, inactive, sources)
    resolve_environment(merged, env, sources, files.budget)

    compose: dict[str, Any] = {"name": name}
    for key in sorted(merged):
        value = merged[key]
        compose[key] = {k: value[k] for k in sorted(value)} if isinstance(value, dict) else value
    return Project(
        name=name,
        working_dir=found.project_dir,
        files=found.files,
        services={n: service_model(n, active[n]) for n in sorted(active)},  # x-* kept here
        inactive_services={n: service_model(n, inactive[n]) for n in sorted(inactive)},
        profiles=found.profiles,
        extensions={k: v for k, v in merged.items() if k.startswith("x-")},
        compose=compose,
        sources=sources,
        warnings=warnings,
    )
