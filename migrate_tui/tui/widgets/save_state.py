"""The line above the footer: where changes go, and whether the last one was saved."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from textual.widgets import Static

from migrate_tui.errors import MigrateError
from migrate_tui.tui.text import markup

if TYPE_CHECKING:
    from migrate_tui.workspace import Workspace


class SaveState(Static):
    """Progress file, saving…, saved, not saved (why), or read-only (why)."""

    def show(self, ws: Workspace | None, *, saved: bool = False,
             error: MigrateError | None = None, saving: bool = False) -> None:
        """Say where ``ws`` saves, and how the last save went."""
        if ws is None:
            self.update("")
            return
        name = markup(os.path.relpath(ws.store.path, ws.project.working_dir))
        if error is not None:
            self.update(f"[b red]✖ not saved:[/] {markup(error.render())}")
        elif ws.progress_error is not None:
            self.update(f"[b red]read-only:[/] {markup(ws.progress_error.render())}")
        elif saving:
            self.update(f"[yellow]● saving to {name}…[/]")
        elif saved:
            self.update(f"[green]● saved[/] to {name}")
        else:
            exists = "" if ws.store.path.exists() else " (created on the first change)"
            self.update(f"[dim]progress file: {name}{exists}[/]")
