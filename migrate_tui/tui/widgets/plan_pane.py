"""The Plan view: the plan tree, and below it the selected line in full.

A checklist item is often longer than the terminal is wide; the tree cuts it at the right
edge, so the pane below shows it whole (wrapped), with its id, owner and note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, Tree

from migrate_tui.text import plural, week_range
from migrate_tui.tui.text import STATUS_MARK, STATUS_STYLE, plain
from migrate_tui.tui.widgets.plan_view import NodeData, PlanTree

if TYPE_CHECKING:
    from migrate_tui.workspace import Workspace


class PlanPane(Vertical):
    """The plan tree and the selected node's whole text."""

    def compose(self) -> ComposeResult:
        """The plan tree on the left, the selected node's whole text beside it."""
        yield PlanTree(id="plan-view")
        yield Static(id="plan-detail")

    def show(self, workspace: Workspace) -> None:
        """Show ``workspace``'s plan (attributes down: the app calls this)."""
        tree = self.query_one(PlanTree)
        tree.show(workspace)
        self.call_after_refresh(self._show_detail, tree.cursor_node.data
                                if tree.cursor_node else None)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        self._show_detail(event.node.data)

    def _show_detail(self, data: NodeData | None) -> None:
        tree = self.query_one(PlanTree)
        ws = tree.workspace
        text = Text()
        if ws is None or data is None:
            pass
        elif data[0] == "item" and data[1] in tree.items:
            item = tree.items[data[1]]
            text.append(STATUS_MARK[item.status] + " ", style=STATUS_STYLE[item.status])
            text.append_text(plain(item.text))
            text.append("\n")
            text.append_text(plain(item.id, "dim"))
            text.append(f" · {item.status} · ", style="dim")
            text.append_text(plain(f"@{item.assignee}" if item.assignee else "nobody",
                                   "cyan" if item.assignee else "dim"))
            note = ws.state.item(item.id).note
            if note:
                text.append("\n✎ ", style="italic")
                text.append_text(plain(note, "italic"))
        elif data[0] == "task" and data[1] in tree.tasks:
            task = tree.tasks[data[1]]
            text.append_text(plain(task.title, "bold"))
            text.append(f"\n{plural(task.estimate_days, 'day')}, {task.done}/"
                        f"{len(task.checklist)} items done", style="dim")
        elif data[0] == "phase":
            phase = next((p for p in ws.plan.phases if p.id == data[1]), None)
            if phase is not None:
                text.append(f"{phase.name} ", style="bold")
                text.append(week_range(phase.start_week, phase.end_week), style="dim")
                text.append("\n")
                text.append_text(plain(phase.goal))
        self.query_one("#plan-detail", Static).update(text)
