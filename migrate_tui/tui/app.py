"""The Textual app: a thin layer over the core.

``make_app`` builds it for the CLI and the tests alike. The project loads in a worker
thread; the result comes back as a message, so the interface never waits on the disk.
"""

from __future__ import annotations

from dataclasses import replace

from rich.markup import escape
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Header, Static

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.model import Project
from migrate_tui.errors import MigrateError
from migrate_tui.tui.widgets.error_panel import ErrorPanel
from migrate_tui.tui.widgets.services_table import ServicesTable


class ProjectLoaded(Message):
    """The project finished loading."""

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project


class ProjectFailed(Message):
    """The project could not be loaded."""

    def __init__(self, error: MigrateError) -> None:
        super().__init__()
        self.error = error


class MigrateApp(App[int]):
    """The migration workspace."""

    CSS_PATH = "app.tcss"
    TITLE = "migrate-tui"
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, options: LoadOptions) -> None:
        super().__init__()
        self.options = options
        self.project: Project | None = None
        self.warnings: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="summary")
        yield ErrorPanel(id="error")
        yield ServicesTable(id="services")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#error", ErrorPanel).display = False
        self.load_project()

    @work(thread=True, exclusive=True)
    def load_project(self) -> None:
        """Load the project off the interface thread."""
        from migrate_tui.compose.loader import load_project

        try:
            project = load_project(self.options)
        except MigrateError as exc:
            self.post_message(ProjectFailed(exc))
            return
        self.post_message(ProjectLoaded(project))

    @on(ProjectLoaded)
    def show_project(self, message: ProjectLoaded) -> None:
        """Show the loaded project."""
        project = message.project
        self.project = project
        self.sub_title = project.working_dir
        self.query_one("#error", ErrorPanel).display = False
        table = self.query_one("#services", ServicesTable)
        table.display = True
        table.project = project
        inactive = len(project.inactive_services)
        extra = f" ({inactive} more behind profiles)" if inactive else ""
        self.query_one("#summary", Static).update(
            f"[b]{project.name}[/b]: {len(project.services)} service"
            f"{'' if len(project.services) == 1 else 's'}{extra}, "
            f"from {escape(', '.join(f.rsplit('/', 1)[-1] for f in project.files))}"
        )
        table.focus()

    @on(ProjectFailed)
    def show_error(self, message: ProjectFailed) -> None:
        """Show why the project did not load; `r` tries again."""
        self.project = None
        self.query_one("#services", ServicesTable).display = False
        panel = self.query_one("#error", ErrorPanel)
        panel.error = message.error
        panel.display = True
        self.query_one("#summary", Static).update(
            "[b red]The project did not load.[/] Fix the file, then press [b]r[/b] to reload."
        )

    def action_reload(self) -> None:
        """Load the project again from disk."""
        self.query_one("#summary", Static).update("Reloading…")
        self.load_project()


def make_app(options: LoadOptions | None = None) -> MigrateApp:
    """Build the app, for the CLI and the tests alike."""
    return MigrateApp(options or LoadOptions())


__all__ = ["MigrateApp", "make_app", "replace"]
