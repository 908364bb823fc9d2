"""Phase 5b, include: other Compose projects pulled into this one.

Each ``include`` entry (short: a path; long: ``path``, ``project_directory``, ``env_file``)
is loaded as a project of its own: its relative paths resolve against its own project
directory, its interpolation reads its own ``.env`` (the including project's variables win).
Its services, networks, volumes, secrets and configs are added to the including file; a
resource defined differently on both sides is an error, as in Compose.
"""

from __future__ import annotations

import copy
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

from migrate_tui.compose.budget import MAX_INCLUDED, LoadBudget
from migrate_tui.compose.dotenv import read_env_file
from migrate_tui.compose.parse import ParsedFile
from migrate_tui.errors import IncludeError

LoadProject = Callable[[list[str], str, dict[str, str], tuple[str, ...]], dict[str, Any]]
"""Loads the files of an included project: (files, project dir, environment, include chain)."""

MAX_CHAIN = 32
"""Deepest nesting of ``include`` followed (a project including one that includes...)."""

_RESOURCES = ("services", "networks", "volumes", "secrets", "configs", "models")


def apply_include(
    data: dict[str, Any],
    source: ParsedFile,
    base_dir: str,
    environment: dict[str, str],
    chain: tuple[str, ...],
    load_project: LoadProject,
    budget: LoadBudget | None = None,
) -> dict[str, Any]:
    """The file's data with its ``include`` entries loaded and added.

    A project included from several files (a diamond: A includes B and C, both include D)
    is loaded once with the same variables and folder: read again at each path, a graph
    that fans out (each file including two that include the next) would take 2**30 loads
    at 30 levels. At most ``MAX_INCLUDED`` distinct projects are loaded.

    Raises:
        IncludeError: A missing file, a cycle, or a resource defined on both sides.
    """
    entries = data.get("include")
    if not entries:
        return data
    if len(chain) > MAX_CHAIN:
        raise IncludeError(
            f"includes are nested more than {MAX_CHAIN} projects deep",
            location=source.locate(("include",)),
            path="include",
            hint="include the innermost projects directly from the top-level file",
        )
    out = {k: v for k, v in data.items() if k != "include"}
    budget = budget if budget is not None else LoadBudget()
    for i, entry in enumerate(entries):
        kp = ("include", i)
        where = source.locate(kp)
        spec = {"path": entry} if isinstance(entry, str) else dict(entry)
        raw_paths = spec.get("path")
        paths = raw_paths if isinstance(raw_paths, list) else [raw_paths]
        files = [posixpath.normpath(posixpath.join(base_dir, str(p))) for p in paths]
        if not files:
            continue  # `path: []` includes nothing, as Compose reads it
        for f in files:
            if f in chain:
                cycle = "\n include ".join([*chain, f])
                raise IncludeError(
                    f"include cycle detected:\n{cycle}",
                    location=where,
                    path=f"include[{i}]",
                    hint="remove the include that leads back to a file already included",
                )
            if not Path(f).exists():  # a folder or a pipe: reading it says what it is
                raise IncludeError(
                    f"included file {f} not found",
                    location=where,
                    path=f"include[{i}]",
                    hint="fix the path (relative to the including project's folder)",
                )
        project_dir = spec.get("project_directory")
        project_dir = (
            posixpath.normpath(posixpath.join(base_dir, str(project_dir)))
            if project_dir
            else posixpath.dirname(files[0])
        )
        env_files = spec.get("env_file")
        if env_files is None:
            default = Path(project_dir) / ".env"
            env_paths = [default] if default.exists() and not default.is_dir() else []
        else:
            listed = env_files if isinstance(env_files, list) else [env_files]
            env_paths = [Path(posixpath.normpath(posixpath.join(base_dir, str(e)))) for e in listed]
        env = dict(environment)
        for env_path in env_paths:
            for key, value in read_env_file(
                env_path, env.get, where=where, key_path=f"include[{i}].env_file",
                budget=budget,
            ).items():
                env.setdefault(key, value)
        loaded_as = (tuple(files), project_dir, tuple(sorted(env.items())))
        if loaded_as in budget.included:
            included = copy.deepcopy(budget.included[loaded_as])  # later phases change it
        else:
            if len(budget.included) >= MAX_INCLUDED:
                raise IncludeError(
                    f"the project includes more than {MAX_INCLUDED:,} projects",
                    location=where,
                    path=f"include[{i}]",
                    hint="include each project once, from the top-level file",
                )
            included = load_project(files, project_dir, env, chain)
            budget.included[loaded_as] = copy.deepcopy(included)
        for kind in _RESOURCES:
            theirs = included.get(kind)
            if not isinstance(theirs, dict):
                continue
            ours = out.get(kind)
            ours = dict(ours) if isinstance(ours, dict) else {}
            for name, value in theirs.items():
                if name in ours and ours[name] != value:
                    raise IncludeError(
                        f"imported compose file {files[0]} defines conflicting {kind[:-1]} "
                        f"{name!r}",
                        location=source.locate((kind, name)),
                        path=f"{kind}.{name}",
                        hint=f"rename one of the two, or remove {name!r} from this file",
                    )
                ours[name] = value
            out[kind] = ours
    return out
