"""The explicit second choice after a refusal: overwrite the files the team edited?"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from migrate_tui.tui.text import plain


class OverwriteDialog(ModalScreen[bool]):
    """The refusal (naming the files) and two buttons: Keep them (focused) or Overwrite.

    What ``--force`` does on the command line; Enter or Escape keeps the files.
    """

    BINDINGS = [Binding("escape", "keep", "Keep them")]

    def __init__(self, refusal: str) -> None:
        super().__init__()
        self.refusal = refusal

    def compose(self) -> ComposeResult:
        """The refusal as the CLI prints it, then the two choices."""
        with VerticalScroll(classes="dialog", id="overwrite-dialog"):
            yield Label("[b]Nothing was written[/b]")
            yield Static(plain(self.refusal), id="overwrite-refusal")
            with Horizontal(classes="buttons"):
                yield Button("Keep them", variant="primary", id="overwrite-keep")
                yield Button("Overwrite them", variant="error", id="overwrite-yes")

    def on_mount(self) -> None:
        """Keeping the team's files is what Enter does."""
        self.query_one("#overwrite-keep", Button).focus()

    @on(Button.Pressed, "#overwrite-yes")
    def _overwrite(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#overwrite-keep")
    def action_keep(self) -> None:
        """Close, writing nothing (Esc or the Keep button)."""
        self.dismiss(False)
