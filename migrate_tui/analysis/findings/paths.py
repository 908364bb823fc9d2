"""Files from outside the project folder: ``extends``, ``include`` and ``env_file`` paths.

A cluster build, CI or a teammate's checkout has only the repository; a file the project
reads from elsewhere (``../shared/common.yaml``, ``/etc/app.env``) is missing there.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Mapping
from typing import Any

from migrate_tui.analysis.findings.base import Hit, RuleContext, rule
from migrate_tui.analysis.model import Evidence
from migrate_tui.compose.parse import KeyPath, ParsedFile, format_path


def _outside(path: str, root: str) -> bool:
    root = root.rstrip("/")
    return not (path == root or path.startswith(root + "/"))


def _refs(pf: ParsedFile) -> Iterator[tuple[str | None, str, KeyPath, str]]:
    """(service, what, key path, path as written) of every file reference in ``pf``."""
    data = pf.data
    for i, entry in enumerate(data.get("include") or []):
        paths = entry.get("path") if isinstance(entry, dict) else entry
        for j, path in enumerate(paths if isinstance(paths, list) else [paths]):
            if isinstance(path, str):
                kp: KeyPath = ("include", i) if not isinstance(paths, list) else \
                    ("include", i, "path", j)
                yield None, "included file", kp, path
    services = data.get("services")
    for name, svc in (services.items() if isinstance(services, dict) else []):
        if not isinstance(svc, dict):
            continue
        ext = svc.get("extends")
        if isinstance(ext, dict) and isinstance(ext.get("file"), str):
            yield name, "extended file", ("services", name, "extends", "file"), ext["file"]
        env_files = svc.get("env_file")
        for i, item in enumerate(env_files if isinstance(env_files, list) else [env_files]):
            path = item.get("path") if isinstance(item, dict) else item
            if isinstance(path, str):
                kp = ("services", name, "env_file", i) if isinstance(env_files, list) else \
                    ("services", name, "env_file")
                yield name, "env file", kp, path


@rule("path-outside-project")
def path_outside_project(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """References to files outside the project folder."""
    root = ctx.project.working_dir
    home = os.environ.get("HOME", "~")
    roots = {os.path.normpath(f) for f in ctx.project.files}
    seen: set[tuple[str | None, str]] = set()
    for pf in ctx.project.sources.files:
        base = root if os.path.normpath(pf.path) in roots else posixpath.dirname(pf.path)
        for service, what, kp, written in _refs(pf):
            if "$" in written or "://" in written:
                continue  # a template or a remote resource: not a local path as written
            path = written.replace("~", home, 1) if written.startswith("~") else written
            resolved = posixpath.normpath(posixpath.join(base, path))
            if not _outside(resolved, root) or (service, resolved) in seen:
                continue
            if service is not None and service not in ctx.services:
                continue
            seen.add((service, resolved))
            line, _ = pf.positions.get(kp, (None, None))
            evidence = Evidence(file=os.path.relpath(pf.path, root) if not _outside(pf.path, root)
                                else pf.path, line=line, path=format_path(kp),
                                text=f"{format_path(kp)}: {written}")
            yield Hit(service, evidence, {"what": what, "path": written})
