"""Ask what to export where (the Markdown plan, or the Kubernetes manifests), and write it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from migrate_tui.tui.keys import InOrderInput
from migrate_tui.workspace import Workspace

Export = Literal["plan", "manifests"]
DEFAULTS: dict[Export, str] = {"plan": "MIGRATION_PLAN.md", "manifests": "k8s"}
"""Where each export goes by default, relative to the project folder."""
_SAYS: dict[Export, str] = {
    "plan": "The same file `migrate-tui plan -o FILE` writes.",
    "manifests": "A Kustomize base, as `migrate-tui manifests -o DIR` writes it; files you "
                 "edited are never overwritten unless you say so.",
}


@dataclass(frozen=True)
class ExportRequest:
    """What the dialog returns: which export, and the path typed (relative or absolute)."""

    what: Export
    path: str


def target_path(ws: Workspace, path: str) -> Path:
    """``path``, relative to the project folder unless absolute."""
    target = Path(path).expanduser()
    return target if target.is_absolute() else Path(ws.project.working_dir) / target


def write_plan(ws: Workspace, path: str) -> Path:
    """Write ``ws``'s Markdown plan to ``path`` (relative to the project); the path written.

    The same text ``migrate-tui plan -o FILE`` writes.

    Args:
        ws: The workspace.
        path: Where to write.

    Raises:
        MigrateError: It could not be written.
    """
    from migrate_tui.export.assemble import render_export
    from migrate_tui.export.files import write_export

    target = target_path(ws, path)
    write_export(target, render_export(ws, "markdown"))
    return target


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Which export and its path; Enter writes, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, folder: str) -> None:
        super().__init__()
        self.folder = folder
        self.what: Export = "plan"

    def _default(self, what: Export) -> str:
        return str(Path(self.folder) / DEFAULTS[what])

    def compose(self) -> ComposeResult:
        """The choice of export, the path (its default filled in), and the two buttons."""
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label("[b]Export[/b]  [dim](shift+tab, then arrows and enter: what to "
                        "export)[/dim]")
            with RadioSet(id="export-what", compact=True):
                yield RadioButton("the plan, as Markdown", value=True, id="export-plan")
                yield RadioButton("the Kubernetes manifests, into a folder",
                                  id="export-manifests")
            yield Label(_SAYS["plan"], id="export-says")
            yield InOrderInput(value=self._default("plan"), id="export-path")
            with Horizontal(classes="buttons"):
                yield Button("Export", variant="primary", id="export-ok")
                yield Button("Cancel", id="export-cancel")

    def on_mount(self) -> None:
        """Focus the path so that Enter exports the plan straight away."""
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed, "#export-what")
    def _chosen(self, event: RadioSet.Changed) -> None:
        what: Export = "manifests" if event.pressed.id == "export-manifests" else "plan"
        path = self.query_one("#export-path", Input)
        if path.value.strip() in ("", self._default(self.what)):  # (a typed path stays)
            path.value = self._default(what)
        self.what = what
        self.query_one("#export-says", Label).update(_SAYS[what])

    @on(Button.Pressed, "#export-ok")
    @on(Input.Submitted, "#export-path")
    def _ok(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        self.dismiss(ExportRequest(self.what, path) if path else None)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        """Close without exporting (Esc or the Cancel button)."""
        self.dismiss(None)
