"""Phase 5, extends: a service built on another, in the same file or another one.

The base service is taken in long syntax (its own ``extends`` resolved first, its relative
paths resolved against its own file's folder when it comes from another file), and the
extending service is merged over it with the same rules as files. Cycles are refused with
the chain, sorted as it was followed.
"""

from __future__ import annotations

import copy
import posixpath
from collections.abc import Callable
from typing import Any

from migrate_tui.compose.budget import MAX_EXTENDED, LoadBudget, count_values
from migrate_tui.compose.merge import drop_path, merge_service
from migrate_tui.compose.parse import ParsedFile
from migrate_tui.errors import ExtendsError, Location

MAX_CHAIN = 64
"""Longest ``extends`` chain followed (a service on a service on a service...): each link
is a few nested calls, and real chains are two or three links long."""

LoadFile = Callable[[str], "tuple[dict[str, Any], ParsedFile, str]"]
"""Loads another compose file for ``extends.file``: its data (long syntax, extends not yet
applied; shared between the services that extend it, so never changed here), its parsed
source and the folder its relative paths are resolved against."""


class ExtendsResolver:
    """Resolves ``extends`` for the services of one file.

    Args:
        data: The file's data, in long syntax.
        source: The parsed file.
        base_dir: The folder ``extends.file`` paths are relative to.
        load_file: Loads another file (cached by the caller).
        chain: The (file, service) pairs being resolved, to find cycles across files.
        budget: What the load has made so far: the values ``extends`` copies are counted.
    """

    def __init__(
        self,
        data: dict[str, Any],
        source: ParsedFile,
        base_dir: str,
        load_file: LoadFile,
        chain: tuple[tuple[str, str], ...] = (),
        budget: LoadBudget | None = None,
    ) -> None:
        self.data = data
        self.source = source
        self.base_dir = base_dir
        self.load_file = load_file
        self.chain = chain
        self.budget = budget if budget is not None else LoadBudget()
        self.done: dict[str, dict[str, Any]] = {}
        self.sizes: dict[str, int] = {}
        """Values in each service of this file, its extends applied, once counted."""

    def apply(self) -> dict[str, Any]:
        """The file's data with every ``extends`` applied."""
        services = self.data.get("services")
        if not isinstance(services, dict):
            return self.data
        out = dict(self.data)
        out["services"] = {name: self.service(name, self.chain) for name in services}
        return out

    def service(self, name: str, chain: tuple[tuple[str, str], ...]) -> dict[str, Any]:
        """One service with its ``extends`` chain applied."""
        if name in self.done:
            return self.done[name]
        svc: Any = self.data["services"][name]
        if not isinstance(svc, dict) or not isinstance(svc.get("extends"), dict):
            return svc  # type: ignore[no-any-return]
        link = (self.source.path, name)
        if link in chain:
            names = " -> ".join(f"{posixpath.basename(f)}:{s}" for f, s in (*chain, link))
            raise ExtendsError(
                f"circular reference with extends: {names}",
                location=self.source.locate(("services", name, "extends")),
                path=f"services.{name}.extends",
                hint="break the cycle: a service cannot extend itself, directly or not",
            )
        if len(chain) >= MAX_CHAIN:
            raise ExtendsError(
                f"the extends chain from service {chain[0][1]!r} is longer than {MAX_CHAIN} "
                f"links (it reaches {name!r} here)",
                location=self.source.locate(("services", name, "extends")),
                path=f"services.{name}.extends",
                hint="extend the service at the root of the chain directly",
            )
        chain = (*chain, link)
        ext = svc["extends"]
        kp = ("services", name, "extends")
        base_name = ext.get("service")
        if ext.get("file"):
            path = posixpath.normpath(posixpath.join(self.base_dir, str(ext["file"])))
            try:
                other_data, other_source, other_dir = self.load_file(path)
            except FileNotFoundError:
                raise ExtendsError(
                    f"cannot extend service {name!r}: file {path} not found",
                    location=self.source.locate((*kp, "file")),
                    path=f"services.{name}.extends.file",
                    hint="fix the path (it is relative to the extending file's project folder)",
                ) from None
            other = ExtendsResolver(other_data, other_source, other_dir, self.load_file, chain,
                                    self.budget)
            # The other file's data is shared: the service taken from it is copied.
            base = copy.deepcopy(other.lookup(base_name, self.source.locate((*kp, "service")),
                                              name))
            base_size = other.size(base_name)
        else:
            base = self.lookup(base_name, self.source.locate((*kp, "service")), name, chain)
            base_size = self.size(base_name)
        own = {k: v for k, v in svc.items() if k != "extends"}
        size = base_size + count_values(own)
        if not self.budget.add_extended(base_size):
            raise ExtendsError(
                f"services that extend others copy more than {MAX_EXTENDED:,} values in this "
                f"project (service {name!r} copies {base_size:,} from {base_name!r})",
                location=self.source.locate(kp),
                path=f"services.{name}.extends",
                hint="extend a smaller service, or move what many services share into an "
                "`x-` anchor they merge with `<<:`",
            )
        self.sizes[name] = size
        merged = merge_service(base, own)
        merged.pop("extends", None)
        prefix = ("services", name)
        for reset in self.source.resets:
            if reset[:2] == prefix and len(reset) > 2:
                drop_path(merged, reset[2:])
        for over in self.source.overrides:
            key = over[2] if len(over) == 3 else None
            if over[:2] == prefix and isinstance(key, str) and key in svc:
                merged[key] = svc[key]
        self.done[name] = merged
        return merged

    def size(self, name: str) -> int:
        """The values in service ``name``, its extends applied (after :meth:`service`)."""
        if name not in self.sizes:
            self.sizes[name] = count_values(self.data["services"][name])
        return self.sizes[name]

    def lookup(
        self,
        base_name: str,
        where: Location,
        extending: str,
        chain: tuple[tuple[str, str], ...] | None = None,
    ) -> dict[str, Any]:
        """The service ``base_name`` of this file, its own extends applied."""
        services = self.data.get("services") or {}
        if base_name not in services or not isinstance(services[base_name], dict):
            raise ExtendsError(
                f"cannot extend service {extending!r}: service {base_name!r} not found in "
                f"{self.source.path}",
                location=where,
                path=f"services.{extending}.extends.service",
                hint=f"name a service defined in {posixpath.basename(self.source.path)}",
            )
        return self.service(base_name, self.chain if chain is None else chain)
