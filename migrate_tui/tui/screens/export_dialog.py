"""Ask where to write the Markdown plan, and write it."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from migrate_tui.workspace import Workspace


def write_plan(ws: Workspace, path: str) -> Path:
    """Write ``ws``'s Markdown plan to ``path`` (relative to the project); the path written.

    The same text ``migrate-tui plan -o FILE`` writes.

    Raises:
        MigrateError: It could not be written.
    """
    from migrate_tui.export.assemble import render_export
    from migrate_tui.export.files import write_export

    target = Path(path)
    if not target.is_absolute():
        target = Path(ws.project.working_dir) / target
    write_export(target, render_export(ws, "markdown"))
    return target


class ExportDialog(ModalScreen[str | None]):
    """A path for the export; Enter writes, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        """The path field, filled with the default file, and the two buttons."""
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label("[b]Export the plan as Markdown[/b]")
            yield Label("The same file `migrate-tui plan -o FILE` writes.")
            yield Input(value=self.default, id="export-path")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        """Focus the path so that Enter exports straight away."""
        self.query_one("#export-path", Input).focus()

    @on(Button.Pressed, "#export-ok")
    @on(Input.Submitted, "#export-path")
    def _ok(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        self.dismiss(path or None)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        """Close without exporting (Esc or the Cancel button)."""
        self.dismiss(None)
