"""The data inventory: every volume and host folder that services write, and what is in it.

Stateless services count too: a "stateless" web app that writes uploads to a bind mount
has data to move. For each store: who writes it and who only reads it, whether several
services write it (then a ReadWriteMany volume or object storage, never one claim per pod
from a ``volumeClaimTemplate``), and what kind of data it holds, the key of its copy
runbook (``playbooks/data/runbooks.yaml``):

- an engine's data (``postgresql``, ``redis``...) when a writer runs a catalogue engine
  and the mount is on one of its data paths;
- ``cache`` when that engine runs with persistence off (Redis ``--save ""``): kept out of
  backups and restores;
- ``files`` otherwise: uploads, media, whatever the application writes, copied with rsync
  (the reason says when the environment switched file storage on).

Mounts that hold nothing to move are left out: configuration and read-only files,
tmpfs and scratch paths, source code, the Docker socket and the node's own paths, and the
mounts of dev-only services, which are retired rather than migrated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from migrate_tui.analysis.catalogue import Catalogue
from migrate_tui.analysis.classify import (
    mount_role,
    on_paths,
    persistence_off,
    shown_path,
    storage_switch,
)
from migrate_tui.analysis.evidence import Locator
from migrate_tui.analysis.graph import mount_matcher
from migrate_tui.analysis.model import DataStore, Evidence, ServiceAnalysis
from migrate_tui.compose.model import Mount, Service

_KEPT_ROLES = frozenset({"data", "files", "other"})
"""Mount roles (:func:`~.classify.mount_role`) that may hold something to move."""


@dataclass
class _Store:
    type: str
    name: str
    writers: set[str] = field(default_factory=set)
    readers: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)
    engine: tuple[str, str, str] | None = None
    """(engine id, name, the writer that runs it)"""
    cache: str | None = None
    switch: str | None = None
    evidence: Evidence | None = None


def _store_id(mount: Mount, service: str, root: str) -> tuple[str, str, str] | None:
    """(id, type, name) of what a mount is: a named volume, a host folder, or an anonymous
    volume (its own store, one per service and path)."""
    if mount.type == "volume":
        if mount.source:
            return f"volume {mount.source}", "volume", mount.source
        return f"anonymous volume {service}:{mount.target}", "anonymous", ""
    if mount.type == "bind" and mount.source:
        shown = shown_path(mount.source, root)
        return f"bind mount {shown}", "bind", shown
    return None


def data_inventory(services: Mapping[str, Service], analysed: Mapping[str, ServiceAnalysis],
                   catalogue: Catalogue, locator: Locator, root: str = "") -> list[DataStore]:
    """Every store that active, migrated services write, sorted by id.

    Args:
        services: Every service, by name.
        analysed: Their analyses (kind, engine, active).
        catalogue: The catalogue (mount roles, engines' data paths).
        locator: Finds the line of each mount.
        root: The project folder, to show host paths relative to it.
    """
    stores: dict[str, _Store] = {}
    for name, svc in services.items():
        info = analysed[name]
        if not info.active or info.kind == "dev-only" or not svc.volumes:
            continue
        entry = catalogue.by_id.get(info.engine) if info.engine else None
        switch = storage_switch(svc, catalogue) if info.kind == "service" else None
        for index, mount in enumerate(svc.volumes):
            found = _store_id(mount, name, root)
            if found is None:
                continue
            key, kind, shown = found
            if mount.read_only:  # a reader of what another service writes
                store = stores.setdefault(key, _Store(kind, shown))
                store.paths.add(f"{name}:{mount.target}")
                store.readers.add(name)
                continue
            if mount_role(mount, catalogue) not in _KEPT_ROLES:
                continue
            store = stores.setdefault(key, _Store(kind, shown))
            store.paths.add(f"{name}:{mount.target}")
            store.writers.add(name)
            if store.evidence is None:
                store.evidence = locator.item(name, "volumes", mount_matcher(mount),
                                              index=index, text=f"{shown or kind}:"
                                              f"{mount.target}")
            if entry is not None and on_paths(mount.target, entry.data_paths) and \
                    store.engine is None:
                store.engine = (entry.id, entry.name, name)
                store.cache = persistence_off(svc, entry)
            if switch and switch[1] == mount.target:
                store.switch = switch[0]
    return [_finish(key, s) for key, s in sorted(stores.items()) if s.writers]


def _finish(key: str, s: _Store) -> DataStore:
    writers = tuple(sorted(s.writers))
    several = len(writers) > 1
    if s.engine is not None and s.cache:
        data, software = "cache", s.engine[1]
        reason = (f"{s.engine[1]} in {s.engine[2]} runs with persistence off (`{s.cache}`): "
                  "a cache, nothing to back up or restore")
    elif s.engine is not None:
        data, software = s.engine[0], s.engine[1]
        reason = f"{s.engine[2]} keeps its {s.engine[1]} data here"
    else:
        data, software = "files", None
        reason = (f"{s.switch} switches file storage on: the users' files live here"
                  if s.switch else "files the application writes")
    if several:
        reason += (f"; written by {len(writers)} services ({', '.join(writers)}): a "
                   "ReadWriteMany volume or object storage, never one claim per pod")
    assert s.evidence is not None  # every store with a writer has the writer's line
    return DataStore(
        id=key, type=s.type,  # type: ignore[arg-type]
        writers=writers, readers=tuple(sorted(s.readers - s.writers)),
        paths=tuple(sorted(s.paths)), data=data, software=software,
        access_mode="ReadWriteMany" if several else "ReadWriteOnce",
        backup=data != "cache", reason=reason, evidence=s.evidence,
    )
