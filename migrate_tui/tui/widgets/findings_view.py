"""The Findings view: every finding by severity and rule; Enter opens its service.

The table cuts long findings at the right edge; the pane below it shows the selected one
whole: what, where and the fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from migrate_tui.text import plural
from migrate_tui.tui.messages import OpenService
from migrate_tui.tui.text import SEVERITY_STYLE, plain

if TYPE_CHECKING:
    from migrate_tui.workspace import Workspace


class FindingsView(Vertical):
    """The findings table and the selected finding in full."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.workspace: Workspace | None = None
        self.order: list[str | None] = []
        self.fixes: list[Text] = []

    def compose(self) -> ComposeResult:
        """The counts by severity, the findings table and the fix of the selected one."""
        yield Static(id="findings-summary")
        yield DataTable(id="findings-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="findings-fix")

    def on_mount(self) -> None:
        """Give the findings table its columns once; rows come with each workspace."""
        table = self.query_one("#findings-table", DataTable)
        table.add_columns("Severity", "Rule", "Service", "Finding", "Where")

    def show(self, workspace: Workspace) -> None:
        """List ``workspace``'s findings."""
        from migrate_tui.analysis.model import SEVERITIES, severity_rank

        self.workspace = workspace
        active = workspace.project.services
        found = sorted((f for f in workspace.analysis.findings
                        if f.service is None or f.service in active),
                       key=lambda f: (severity_rank(f.severity), f.rule, f.service or "",
                                      f.evidence.line or 0))
        counts = {s: sum(1 for f in found if f.severity == s) for s in SEVERITIES}
        summary = Text(f"{plural(len(found), 'finding')}: ", style="bold")
        for severity, n in counts.items():
            summary.append(f"{n} {severity}  ", style=SEVERITY_STYLE[severity])
        summary.append("Enter opens the service.", style="dim")
        self.query_one("#findings-summary", Static).update(summary)
        table = self.query_one("#findings-table", DataTable)
        table.clear()
        self.order = []
        self.fixes = []
        for f in found:
            table.add_row(Text(f.severity, style=SEVERITY_STYLE[f.severity]), plain(f.rule),
                          plain(f.service or "(project)"), plain(f.message),
                          plain(f.evidence.where))
            self.order.append(f.service)
            whole = Text(f.severity, style=SEVERITY_STYLE[f.severity])
            whole.append_text(plain(f"  {f.rule} · {f.service or '(project)'} · "
                                    f"{f.evidence.where}", "dim"))
            whole.append("\n")
            whole.append_text(plain(f.message))
            whole.append("\nFix: ", style="bold")
            whole.append_text(plain(f.fix))
            self.fixes.append(whole)
        if self.fixes:
            self.query_one("#findings-fix", Static).update(self.fixes[0])

    @on(DataTable.RowHighlighted, "#findings-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.fixes):
            self.query_one("#findings-fix", Static).update(self.fixes[event.cursor_row])

    @on(DataTable.RowSelected, "#findings-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        service = self.order[event.cursor_row] if event.cursor_row < len(self.order) else None
        if service:
            self.post_message(OpenService(service))
