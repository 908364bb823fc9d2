"""Pointing at the line that says a thing, and showing it without its secrets.

Secrets are masked by the one rule of :mod:`migrate_tui.masking`, re-exported here as
:func:`mask`, :func:`is_secret_name` and :func:`has_url_credentials` for the rules.

The loader's :class:`~migrate_tui.compose.sources.SourceIndex` knows where each key path was
written. A service's key may also come from the service it ``extends`` (another name,
maybe another file), a list item may sit at another index than in the merged list, and an
environment variable may come from an ``env_file``. :class:`Locator` follows those so that
evidence names the line a person would edit.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from migrate_tui.analysis.model import Evidence
from migrate_tui.compose.model import Project
from migrate_tui.compose.parse import KeyPath, ParsedFile, format_path
from migrate_tui.errors import MigrateError
from migrate_tui.fsio import ENV_FILE_LIMIT, read_bytes_bounded
from migrate_tui.masking import (
    has_url_credentials,
    is_secret_name,
    mask_assignment,
    mask_secrets,
)

__all__ = [
    "Locator", "MAX_TEXT", "Match", "env_text", "has_url_credentials", "is_secret_name",
    "mask", "shorten", "text_has", "text_is",
]

Match = Callable[[Any], bool]
"""Picks an entry of a list (given the item) or of a mapping (given the key)."""


def text_is(value: str) -> Match:
    """Picks the entry written as ``value``."""

    def match(entry: Any) -> bool:
        return str(entry) == value

    return match


def text_has(part: str) -> Match:
    """Picks the text entry that holds ``part``."""

    def match(entry: Any) -> bool:
        return isinstance(entry, str) and part in entry

    return match

MAX_TEXT = 96
"""Longest evidence text kept; longer values are cut with an ellipsis."""

mask = mask_secrets
"""A value with its secrets masked: the one rule of :mod:`migrate_tui.masking`."""


def shorten(text: str, limit: int = MAX_TEXT) -> str:
    """One line of at most ``limit`` characters."""
    if not (text.isascii() and text.isprintable() and "  " not in text
            and text[:1] != " " and text[-1:] != " "):
        text = " ".join(text.split())  # (else already one line, single-spaced)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=8192)
def env_text(key: str, value: str | None) -> str:
    """``KEY=value`` as evidence: secrets hidden (:func:`mask_assignment`), long values cut."""
    if value is None:
        return f"{key} (passed through from the host)"
    return shorten(mask_assignment(key, value))


Position = tuple[int, int]
"""(line, column) of a key path in a file, as :class:`ParsedFile` keeps it."""

Candidate = tuple[ParsedFile, str, dict[str, Any]]
"""A file that may define a service's keys, the service's name there, and its mapping there
(empty when the file names the service without a mapping)."""


class Locator:
    """Finds the file and line of a service's keys, list items and variables.

    The analysis asks for tens of thousands of lines at 2,000 services, so what does not
    change between two questions is worked out once: the files that define a service
    (:meth:`_candidates`), the relative name of each file, the evidence of a variable.

    Args:
        project: The loaded project.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self.files: list[ParsedFile] = list(project.sources.files)
        self.by_path = {os.path.normpath(pf.path): pf for pf in self.files}
        self.root = project.working_dir
        self.roots = self._root_files()
        self._relative: dict[tuple[str, bool], str] = {}
        self._shown_files: dict[str, str] = {}
        self._candidate_lists: dict[str, list[Candidate]] = {}
        self._definitions: dict[str, tuple[ParsedFile, Position] | None] = {}
        self._env_evidence: dict[tuple[str, str, str], Evidence] = {}
        self._written: dict[tuple[str, str], dict[str, tuple[ParsedFile, Position]]] = {}

    # ------------------------------------------------------------------ public

    def relative(self, file: str, *, climb: bool = False) -> str:
        """A path relative to the project folder when it is inside it.

        Args:
            file: An absolute path.
            climb: Also for a path outside the folder (``../shared/base.yaml``): evidence
                files then read the same on every machine that has the same layout.
        """
        if not file:
            return file
        key = (file, climb)
        if key not in self._relative:  # a project has a few files, asked for again and again
            try:
                rel = os.path.relpath(file, self.root)
            except ValueError:  # pragma: no cover - another drive on Windows
                rel = file
            self._relative[key] = file if rel.startswith("..") and not climb else rel
        return self._relative[key]

    def top(self, *kp: str | int, text: str = "") -> Evidence:
        """Evidence for a top-level key path (``volumes``, ``uploads``)."""
        loc = self.project.sources.locate(kp)
        file, line = (loc.file, loc.line) if loc else ("", None)
        return Evidence(file=self.relative(file, climb=True), line=line,
                            path=format_path(kp), text=text)

    def key(self, service: str, *keys: str, text: str = "") -> Evidence:
        """Evidence for ``services.<service>.<keys...>``: its own line, else its parent's.

        The evidence's path is the key path asked for, whichever line was found.
        """
        # (``format_path`` of those names: keys are text, so a join does)
        return self._key(service, keys, ".".join(("services", service, *keys)), text)

    def item(self, service: str, key: str, match: Match, *, index: int | None = None,
             text: str = "") -> Evidence:
        """Evidence for the entry of a list or mapping key that ``match`` picks.

        Args:
            service: The service.
            key: The list or mapping key (``volumes``, ``depends_on``, ``links``).
            match: Called with each list item, or each mapping key; True picks it.
            index: The entry's index in the merged list, for the key path shown.
            text: The evidence text.

        Returns:
            The entry's line; the key's line (or the service's) when no entry as written
            matches (an entry Compose added, like the ``depends_on`` that ``links`` implies).
        """
        found = self.find_item(service, key, match, index=index, text=text)
        if found is not None:
            return found
        return self._key(service, (key,), _item_path(service, key, index), text)

    def find_item(self, service: str, key: str, match: Match, *, index: int | None = None,
                  text: str = "") -> Evidence | None:
        """Like :meth:`item`, but None when no entry as written matches."""
        for pf, name, definition in self._candidates(service):
            node = definition.get(key)
            if isinstance(node, list):
                picks: Iterable[tuple[int | str, Any]] = enumerate(node)
            elif isinstance(node, dict):
                picks = zip(node, node, strict=True)  # (key path part, key)
            else:
                continue
            for part, entry in picks:
                try:  # inline, not a helper: this runs for every entry of every depends_on
                    picked = match(entry)
                except (TypeError, ValueError, AttributeError):
                    picked = False
                if picked:
                    at = pf.positions.get(("services", name, key, part))
                    if at is not None:
                        return self._evidence(pf, at, _item_path(service, key, index), text)
        return None

    def find_written(self, service: str, key: str, written: str, *, index: int | None = None,
                     text: str = "") -> Evidence | None:
        """:meth:`find_item` of the entry written as ``written`` (what ``text_is(written)``
        picks), read from the entries of the key listed once: every entry of every
        ``depends_on`` is asked for, and a scan per entry would read the others again."""
        found = self._written_entries(service, key).get(written)
        if found is None:
            return None
        return self._evidence(*found, _item_path(service, key, index), text)

    def written(self, service: str, key: str) -> Any:
        """The value of a service's key as the winning file writes it, before interpolation
        (through ``extends`` too); None when no file writes it."""
        for _pf, _name, definition in self._candidates(service):
            if key in definition:
                return definition[key]
        return None

    def entries(self, service: str, key: str) -> list[tuple[Any, Evidence]]:
        """Every entry of a list key as written, in every file that sets it, with its line."""
        out = []
        for pf, name, definition in self._candidates(service):
            node = definition.get(key)
            for i, entry in enumerate(node if isinstance(node, list) else []):
                at = pf.positions.get(("services", name, key, i))
                if at is not None:
                    out.append((entry, self._evidence(pf, at, _item_path(service, key, i), "")))
        return out

    def env(self, service: str, name: str, text: str = "") -> Evidence:
        """Evidence for an environment variable: its line in a compose file or env file.

        Kept once made: the edge a variable makes and the finding about it (a password in a
        URL) show the same line with the same text.
        """
        key = (service, name, text)
        found = self._env_evidence.get(key)
        if found is None:
            found = self._env_evidence[key] = self._locate_env(service, name, text)
        return found

    def env_files(self, service: str) -> list[str]:
        """The env files of a service, last (winning) first, as absolute paths."""
        found: list[str] = []
        for pf, _, definition in self._candidates(service):
            entries = definition.get("env_file")
            if entries is None:
                continue  # (most services)
            for entry in entries if isinstance(entries, list) else [entries]:
                path = entry.get("path") if isinstance(entry, dict) else entry
                if isinstance(path, str) and "$" not in path:
                    full = os.path.normpath(os.path.join(os.path.dirname(pf.path), path))
                    if full not in found:
                        found.append(full)
        raw = self._service_model_raw(service).get("env_file") or []
        for entry in reversed(raw):
            path = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(path, str) and path not in found:
                found.append(path)
        return found

    def env_file_entry(self, service: str) -> Evidence | None:
        """Evidence for the service's ``env_file`` key, if it has one anywhere."""
        for pf, svc, _ in self._candidates(service):
            at = pf.positions.get(("services", svc, "env_file"))
            if at is not None:
                return self._evidence(pf, at, f"services.{service}.env_file", "")
        return None

    # ------------------------------------------------------------------ internals

    def _written_entries(self, service: str, key: str) -> dict[str, tuple[ParsedFile, Position]]:
        """Where each entry of a list or mapping key is first written, by its text: the
        winning file first, as :meth:`find_item` looks."""
        entries = self._written.get((service, key))
        if entries is None:
            entries = self._written[service, key] = {}
            for pf, name, definition in self._candidates(service):
                node = definition.get(key)
                if isinstance(node, (list, dict)):
                    for part, entry in (enumerate(node) if isinstance(node, list) else
                                        zip(node, node, strict=True)):
                        at = pf.positions.get(("services", name, key, part))
                        if at is not None:
                            entries.setdefault(str(entry), (pf, at))
        return entries

    def _key(self, service: str, keys: tuple[str, ...], path: str, text: str) -> Evidence:
        """:meth:`key`, showing ``path``."""
        for depth in range(len(keys), 0, -1):
            found = self._exact(service, keys[:depth] if depth < len(keys) else keys)
            if found is not None:
                return self._evidence(*found, path, text)
        found = self._definition(service)
        if found is not None:
            return self._evidence(*found, path, text)
        file, line = self.project.sources.line_of(("services", service, *keys))
        return Evidence(file=self.relative(file, climb=True), line=line, path=path,
                            text=text)

    def _locate_env(self, service: str, name: str, text: str) -> Evidence:
        """:meth:`env`, worked out."""
        path = f"services.{service}.environment.{name}"
        for pf, svc, definition in self._candidates(service):
            node = definition.get("environment")
            if isinstance(node, dict):
                at = pf.positions.get(("services", svc, "environment", name))
                if at is not None:
                    return self._evidence(pf, at, path, text)
            if isinstance(node, list):
                for i, entry in enumerate(node):
                    if _assigns(entry, name):
                        at = pf.positions.get(("services", svc, "environment", i))
                        if at is not None:
                            return self._evidence(pf, at, path, text)
        for env_file in self.env_files(service):
            line = _env_file_line(env_file, name)
            if line is not None:
                return Evidence(file=self.relative(env_file, climb=True), line=line,
                                    path=path, text=text)
        return self._key(service, ("environment", name), path, text)

    def _service_model_raw(self, service: str) -> dict[str, Any]:
        svc = self.project.services.get(service) or self.project.inactive_services.get(service)
        return svc.raw if svc is not None else {}

    def _root_files(self) -> list[ParsedFile]:
        """The compose files and the files they include, latest first (extends-only files
        are reached through ``extends``, never by service name)."""
        wanted = {os.path.normpath(f) for f in self.project.files}
        queue = list(wanted)
        while queue:
            pf = self.by_path.get(queue.pop())
            if pf is None:
                continue
            for path in _include_paths(pf):
                if path not in wanted:
                    wanted.add(path)
                    queue.append(path)
        return [pf for pf in reversed(self.files) if os.path.normpath(pf.path) in wanted]

    def _candidates(self, service: str) -> list[Candidate]:
        """The files that may define the service's keys, winning first (:data:`Candidate`).

        Worked out once a service: the analysis asks for a service's lines many times.
        """
        if service not in self._candidate_lists:
            seen: set[tuple[str, str]] = set()
            self._candidate_lists[service] = [
                found for pf in self.roots for found in self._chain(pf, service, seen, 0)]
        return self._candidate_lists[service]

    def _chain(self, pf: ParsedFile, name: str, seen: set[tuple[str, str]],
               depth: int) -> Iterator[Candidate]:
        if depth > 16 or (pf.path, name) in seen:
            return
        definition = _service(pf, name)
        if not definition and ("services", name) not in pf.positions:
            return
        seen.add((pf.path, name))
        yield pf, name, definition
        ext = definition.get("extends")
        base_name = ext if isinstance(ext, str) else (
            ext.get("service") if isinstance(ext, dict) else None)
        if not isinstance(base_name, str):
            return
        target = pf
        if isinstance(ext, dict) and isinstance(ext.get("file"), str):
            path = os.path.normpath(os.path.join(os.path.dirname(pf.path), ext["file"]))
            target = self.by_path.get(path)  # type: ignore[assignment]
            if target is None:
                return
        yield from self._chain(target, base_name, seen, depth + 1)

    def _definition(self, service: str) -> tuple[ParsedFile, Position] | None:
        """Where the service is first defined: the earliest file, not an override.

        Kept by service: it is the line of every key a service does not set (``user``,
        ``healthcheck``), asked for by several rules.
        """
        if service not in self._definitions:
            kp: KeyPath = ("services", service)
            self._definitions[service] = next(
                ((pf, pf.positions[kp]) for pf in reversed(self.roots) if kp in pf.positions),
                None)
        return self._definitions[service]

    def _exact(self, service: str, keys: tuple[str, ...]) -> tuple[ParsedFile, Position] | None:
        for pf, name, _ in self._candidates(service):
            at = pf.positions.get(("services", name, *keys))
            if at is not None:
                return pf, at
        return None

    def _evidence(self, pf: ParsedFile, at: Position, path: str, text: str) -> Evidence:
        """Evidence for the line of a position in ``pf``, showing the key path ``path``.

        The callers pass the position they looked up (not its key path): a lookup in a
        project's table of positions, ten thousand times, is worth doing once.
        """
        file = self._shown_files.get(pf.path)
        if file is None:  # (the file as :meth:`relative` shows it, kept by path)
            file = self._shown_files[pf.path] = self.relative(pf.path, climb=True)
        return Evidence(file=file, line=at[0], path=path, text=text)


def _item_path(service: str, key: str, index: int | None) -> str:
    """``services.<service>.<key>``, with ``[index]`` when there is one: ``format_path``
    of that key path, without building it."""
    path = f"services.{service}.{key}"
    return path if index is None else f"{path}[{index}]"


def _assigns(entry: Any, name: str) -> bool:
    """Whether an item of an ``environment`` list sets ``name`` (``NAME=value``)."""
    if not isinstance(entry, str):
        return False
    return re.split(r"[=:]", entry, maxsplit=1)[0].strip() == name


def _service(pf: ParsedFile, name: str) -> dict[str, Any]:
    services = pf.data.get("services") if isinstance(pf.data, dict) else None
    node = services.get(name) if isinstance(services, dict) else None
    return node if isinstance(node, dict) else {}


def _include_paths(pf: ParsedFile) -> list[str]:
    entries = pf.data.get("include") if isinstance(pf.data, dict) else None
    out: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        paths = entry.get("path") if isinstance(entry, dict) else entry
        for path in paths if isinstance(paths, list) else [paths]:
            if isinstance(path, str) and "$" not in path:
                out.append(os.path.normpath(os.path.join(os.path.dirname(pf.path), path)))
    return out


def _env_file_line(path: str, name: str) -> int | None:
    try:
        data = read_bytes_bounded(path, ENV_FILE_LIMIT)  # read by the loader: this is bounded
    except (OSError, MigrateError):
        return None
    lines = data.decode("utf-8", errors="replace").splitlines()
    pattern = re.compile(rf"^\s*(export\s+)?{re.escape(name)}\s*(=|$)")
    found = None
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            found = number  # the last assignment wins, as in the loader
    return found
