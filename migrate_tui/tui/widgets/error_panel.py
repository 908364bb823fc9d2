"""Shows a loading error inside the app: file, line, key, fix. Never a traceback."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from migrate_tui.errors import MigrateError
from migrate_tui.tui.text import clean


class ErrorPanel(Static):
    """The error that stopped the project from loading."""

    error: reactive[MigrateError | None] = reactive(None)

    def watch_error(self, error: MigrateError | None) -> None:
        """Show the new error (escaped, as the CLI prints it), or nothing once it is gone."""
        if error is None:
            self.update("")
            return
        text = Text()
        text.append("Could not load the project\n\n", style="bold red")
        text.append(clean(error.render()))
        self.update(text)
