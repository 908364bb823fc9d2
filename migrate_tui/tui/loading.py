"""Loading a workspace for the TUI, in a worker thread, and noticing files that change.

No Textual here: the app's worker calls :func:`load_for_tui` and posts what it returns;
its timer asks :class:`FileStamps` which files changed since the last look.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.gc_pause import gc_pause
from migrate_tui.text import plural

if TYPE_CHECKING:
    from migrate_tui.workspace import Workspace


def load_for_tui(options: LoadOptions, *, state_file: str | None, playbooks_dir: str | None,
                 reloading: bool, switch_interval: float) -> tuple[Workspace, tuple[str, ...]]:
    """The workspace and its warnings, each once, in order: the loader's, then the
    analysis' (:attr:`~migrate_tui.analysis.model.Analysis.warnings`, which
    :func:`~migrate_tui.workspace.open_workspace` hands to ``warn``).

    Args:
        options: The Compose flags.
        state_file: The progress file, if not the default.
        playbooks_dir: A team's own playbooks.
        reloading: A workspace was loaded before (its frozen objects are released).
        switch_interval: The interpreter's switch interval to go back to.

    Raises:
        MigrateError: The project does not load.
    """
    from migrate_tui.workspace import open_workspace

    # While this thread loads, let it keep the GIL for longer stretches: the event loop
    # only draws "Loading…" meanwhile, and every forced hand-over costs the load time
    # (at 2,000 services: 1.7 s with the default 5 ms, 1.2 s with 100 ms). The interval
    # goes back to the one the app started with, even if two loads overlap.
    sys.setswitchinterval(max(switch_interval, 0.1))
    warnings: list[str] = []
    # The cyclic collector would walk the half-built workspace again and again while it
    # grows; it pauses for the load (reference counting still frees what is dropped).
    with gc_pause():
        try:
            workspace = open_workspace(options, state_file=state_file,
                                       playbooks_dir=playbooks_dir, warn=warnings.append)
        finally:
            sys.setswitchinterval(switch_interval)
            if reloading:
                # What the last load froze is collectable again, and the cycles dropped
                # since (widgets' old rows and nodes) go now, in this thread, not never.
                gc.unfreeze()
                gc.collect()
            # The workspace lives until the next reload: its objects leave the collector's
            # sight, or its first full collection would walk them all while the screen
            # waits (0.2 s at 2,000 services). Reference counting still frees them.
            gc.freeze()
    return workspace, tuple(dict.fromkeys(warnings))


def loaded_summary(ws: Workspace) -> str:
    """``18 services, 75 findings, 3/395 items done``: what a reload brought."""
    services = ws.project.services
    findings = sum(1 for f in ws.analysis.findings if f.service is None or f.service in services)
    items = ws.plan.items()
    done = sum(1 for i in items if i.status in ("done", "skipped"))
    return (f"{plural(len(services), 'service')}, {plural(findings, 'finding')}, "
            f"{done}/{len(items)} items done")


def warnings_summary(warnings: tuple[str, ...]) -> str:
    """The first warning, and how many more the Overview lists."""
    more = len(warnings) - 1
    return warnings[0] + (f"\n(and {more} more: see the Overview)" if more > 0 else "")


class FileStamps:
    """The modification times of a workspace's files, to notice a teammate's change."""

    def __init__(self) -> None:
        self._stamps: dict[str, float] = {}

    @staticmethod
    def files(ws: Workspace) -> list[Path]:
        """The progress file, then the compose files."""
        return [ws.store.path, *(Path(p.path) for p in ws.project.sources.files)]

    def remember(self, ws: Workspace) -> None:
        """Take the files' times as they are now."""
        self._stamps = {str(p): _mtime(p) for p in self.files(ws)}

    def changed(self, ws: Workspace) -> list[Path]:
        """The files whose time moved since :meth:`remember` (which it then calls)."""
        changed = [p for p in self.files(ws) if _mtime(p) != self._stamps.get(str(p))]
        if changed:
            self.remember(ws)
        return changed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0
