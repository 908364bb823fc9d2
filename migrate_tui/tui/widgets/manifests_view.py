"""The Manifests view: the Kubernetes manifests generated for each service, and its ledger.

The table lists the services (what each key of theirs needs from you: decide, approximated,
dropped) and the shared files; the pane beside it shows the selected one's ledger entries
that need a person, then its YAML, highlighted. The app generates the manifests in a worker
the first time the view is opened for a workspace, and hands them down (:meth:`show_manifests`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, ScrollableContainer, Vertical
from textual.widgets import DataTable, Static

from migrate_tui.text import plural
from migrate_tui.tui.manifest_files import NEEDS_YOU, ManifestRow, manifest_rows, shown_text
from migrate_tui.tui.text import clean, plain

if TYPE_CHECKING:
    from migrate_tui.manifests.model import Manifests
    from migrate_tui.workspace import Workspace

NAME_WIDTH = 24
"""The name column's width: the whole name is in the pane beside it."""
STATUS_STYLE = {"decide": "bold yellow", "approximated": "cyan", "dropped": "red",
                "mapped": "green"}


class ManifestsView(Horizontal):
    """The services and shared files on the left; the selected one's ledger and YAML."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.workspace: Workspace | None = None
        self.manifests: Manifests | None = None
        self.rows: dict[str, ManifestRow] = {}
        self.selected: str | None = None

    def compose(self) -> ComposeResult:
        """The table on the left, the ledger and the YAML in one scrolling pane."""
        with Vertical(id="man-left"):
            yield Static("Generating the manifests…", id="man-summary")
            yield DataTable(id="man-table", cursor_type="row", zebra_stripes=True)
        with ScrollableContainer(id="man-detail", can_focus=True):
            yield Static(id="man-ledger")
            yield Static(id="man-yaml")

    def on_mount(self) -> None:
        """Give the table its columns once; rows come with each set of manifests."""
        table = self.query_one("#man-table", DataTable)
        table.add_column("Service / file", width=NAME_WIDTH)
        table.add_columns("Decide", "Approx.", "Dropped")

    def show(self, workspace: Workspace) -> None:
        """A new workspace: its manifests are on their way (the app generates them)."""
        if workspace is self.workspace:
            return
        self.workspace = workspace
        self.manifests = None
        self.query_one("#man-summary", Static).update("Generating the manifests…")

    def show_manifests(self, workspace: Workspace, manifests: Manifests) -> None:
        """Show the manifests generated for ``workspace``, keeping the selection."""
        self.workspace = workspace
        self.manifests = manifests
        active = workspace.project.services
        self.rows = {row.key: row for row in manifest_rows(manifests, active)}
        counts = {s: sum(1 for e in manifests.ledger if e.status == s and e.service in active)
                  for s in NEEDS_YOU}
        files = sum(1 for f in manifests.files if f.text is None)
        summary = Text(f"{plural(files, 'manifest file')}; ledger: ", style="bold")
        for status in NEEDS_YOU:
            summary.append(f"{counts[status]} {status}  ", style=STATUS_STYLE[status])
        summary.append("(e writes them)", style="dim")
        self.query_one("#man-summary", Static).update(summary)
        table = self.query_one("#man-table", DataTable)
        table.clear()
        for row in self.rows.values():
            label = (plain(row.service, "bold") if row.service is not None
                     else plain(row.file.path if row.file else "", "dim"))
            table.add_row(label, *(_count(row.count(s)) for s in NEEDS_YOU), key=row.key)
        if not self.rows:
            self._detail(None)
            return
        keys = list(self.rows)
        index = keys.index(self.selected) if self.selected in keys else 0
        table.move_cursor(row=index)
        self._detail(keys[index])

    def select_service(self, name: str) -> None:
        """Select a service's row (from the Services view)."""
        self.selected = f"service:{name}"
        if self.selected in self.rows:
            table = self.query_one("#man-table", DataTable)
            table.move_cursor(row=list(self.rows).index(self.selected))
            self._detail(self.selected)

    @on(DataTable.RowHighlighted, "#man-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value:
            self.selected = str(event.row_key.value)
            self._detail(self.selected)

    def _detail(self, key: str | None) -> None:
        row = self.rows.get(key) if key else None
        ledger = self.query_one("#man-ledger", Static)
        yaml = self.query_one("#man-yaml", Static)
        if row is None:
            ledger.update("Nothing generated: no service is deployed.")
            yaml.update("")
            return
        ledger.update(_ledger_text(row))
        text = shown_text(row.file) if row.file else None
        if row.file is None:
            yaml.update("")
        elif text is None:
            yaml.update(plain(f"{row.file.path}: written as a file next to the manifests; "
                              "its content is not shown here.", "dim"))
        else:
            from rich.syntax import Syntax  # (pygments: only when a file is shown)

            yaml.update(Syntax(clean(text), "yaml", theme="ansi_dark",
                               background_color="default", word_wrap=False))
        self.query_one("#man-detail", ScrollableContainer).scroll_home(animate=False)


def _count(n: int) -> Text:
    return Text(str(n) if n else "-", style="" if n else "dim", justify="right")


def _ledger_text(row: ManifestRow) -> Text:
    """The entries a person must read (decide first), then the mapped ones counted."""
    out = Text()
    if row.service is None:
        out.append_text(plain(row.file.path if row.file else "", "bold"))
        out.append("  shared by the services\n", style="dim")
        return out
    out.append_text(plain(row.service, "bold"))
    if row.file is not None:
        out.append_text(plain(f"  {row.file.path}", "dim"))
    out.append("\n")
    for status in NEEDS_YOU:
        for e in (e for e in row.entries if e.status == status):
            out.append(f"{status:<12} ", style=STATUS_STYLE[status])
            out.append_text(plain(e.key or "(service)", "bold"))
            out.append(": ")
            out.append_text(plain(e.why))
            if e.target:
                out.append_text(plain(f"  [{e.target}]", "dim"))
            out.append("\n")
    mapped = row.count("mapped")
    out.append(f"{plural(mapped, 'key')} mapped as Compose says", style="green")
    out.append("\n")
    return out
