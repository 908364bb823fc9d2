"""Rules about where data lives: host folders, shared volumes, borrowed volumes."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from migrate_tui.analysis.classify import mount_role
from migrate_tui.analysis.findings.base import Hit, RuleContext, rule
from migrate_tui.analysis.graph import mount_matcher

_VARIANT = {"config": "config", "data": "data", "files": "data", "source": "source", "host": "host"}


def _shown_source(ctx: RuleContext, source: str) -> str:
    relative = ctx.locator.relative(source)
    return relative if relative.startswith("/") else f"./{relative}"


@rule("bind-mount")
def bind_mount(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """Host folders and files mounted into the container, by what they become."""
    secret = re.compile(params["secret_paths"])
    for name in ctx.setting("volumes"):
        for i, mount in enumerate(ctx.services[name].volumes):
            if mount.type != "bind" or not mount.source:
                continue
            role = mount_role(mount, ctx.catalogue)
            if role == "socket":
                continue  # its own rule
            source = _shown_source(ctx, mount.source)
            variant = _VARIANT.get(role)
            if role == "config" and (secret.search(mount.source) or secret.search(mount.target)):
                variant = "secret"
            text = f"volumes: {source}:{mount.target}{':ro' if mount.read_only else ''}"
            yield Hit(name, ctx.locator.item(name, "volumes", mount_matcher(mount), index=i,
                                             text=text),
                      {"source": source, "target": mount.target}, variant)


@rule("volumes-from")
def volumes_from(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """``volumes_from``."""
    for edge in ctx.edges_of("volumes_from"):
        yield Hit(edge.source, edge.evidence, {"target": edge.target})


@rule("shared-volume")
def shared_volume(ctx: RuleContext, params: Mapping[str, Any]) -> Iterator[Hit]:
    """A named volume mounted by several services (one finding per volume)."""
    users: dict[str, dict[str, bool]] = {}
    for name in ctx.setting("volumes"):
        for mount in ctx.services[name].volumes:
            if mount.type == "volume" and mount.source:
                writers = users.setdefault(mount.source, {})
                writers[name] = writers.get(name, False) or not mount.read_only
    for volume in sorted(users):
        sharing = users[volume]
        if len(sharing) < 2:
            continue
        writing = sorted(n for n, w in sharing.items() if w)
        readers = sorted(n for n, w in sharing.items() if not w)
        shown = ", ".join(writing + [f"{r} (read-only)" for r in readers])
        if "volumes" in ctx.project.compose and volume in (ctx.project.compose["volumes"] or {}):
            evidence = ctx.locator.top("volumes", volume, text=f"volume {volume}: {shown}")
        else:
            first = sorted(sharing)[0]
            evidence = ctx.locator.key(first, "volumes", text=f"volume {volume}: {shown}")
        yield Hit(None, evidence, {"volume": volume, "services": shown},
                  "writers" if len(writing) > 1 else None)
