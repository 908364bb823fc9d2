"""The Plan view: phases -> tasks -> checklist items, in a tree.

``space`` toggles an item done; ``s``/``a``/``n`` open the item form on its status,
assignee or note. Items of a task are added when the task is expanded, so a plan of
thousands of services opens at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from migrate_tui.text import week_range
from migrate_tui.tui.messages import ItemChangeRequested
from migrate_tui.tui.text import STATUS_MARK, STATUS_STYLE, plain

if TYPE_CHECKING:
    from migrate_tui.planning.plan import PhasePlan, PlanItem, Task
    from migrate_tui.workspace import Workspace

NodeData = tuple[str, str]
"""("phase" | "task" | "item", id)."""


def _phase_label(phase: PhasePlan, capacity: float) -> Text:
    items = [i for t in phase.tasks for i in t.checklist]
    done = sum(1 for i in items if i.status in ("done", "skipped"))
    left = phase.days_left
    label = Text(phase.name, style="bold")
    label.append(f"  {week_range(phase.start_week, phase.end_week)}  {done}/{len(items)} done  "
                 f"{left:.1f} days left (~{left / capacity:.1f} weeks)", style="dim")
    return label


def _task_label(task: Task) -> Text:
    label = plain(task.title, "bold" if task.service is None else "")
    label.append(f"  {task.estimate_days:g} d  {task.done}/{len(task.checklist)}",
                 style="green" if task.checklist and task.done == len(task.checklist)
                 else "dim")
    return label


VERDICT_MARK = {"verified": ("  ✓ manifests", "green"),
                "contradicted": ("  ✗ manifests contradict", "yellow")}
"""The marker of an item's recorded verdict; a ticked item contradicted shows in red."""


def _item_label(item: PlanItem, note: str | None) -> Text:
    label = Text(STATUS_MARK[item.status] + " ", style=STATUS_STYLE[item.status])
    label.append_text(plain(item.text, "dim" if item.status in ("done", "skipped") else ""))
    if item.assignee:
        label.append_text(plain(f"  @{item.assignee}", "cyan"))
    if item.verdict in VERDICT_MARK:  # (recorded by `verify --update`)
        mark, style = VERDICT_MARK[item.verdict]
        label.append_text(plain(mark, "bold reverse red" if item.verdict == "contradicted"
                                and item.status == "done" else style))
    if note:
        label.append_text(plain(f"  ✎ {note}", "italic dim"))
    return label


class PlanTree(Tree[NodeData]):
    """The plan as a tree the team ticks off."""

    BINDINGS = [
        Binding("space", "toggle_done", "Done"),
        Binding("s", "edit('status')", "Status"),
        Binding("a", "edit('assignee')", "Assign"),
        Binding("n", "edit('note')", "Note"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("Plan", **kwargs)
        self.show_root = False
        self.guide_depth = 3
        self.workspace: Workspace | None = None
        self.tasks: dict[str, Task] = {}
        self.items: dict[str, PlanItem] = {}
        self.nodes_by_id: dict[str, TreeNode[NodeData]] = {}
        self.structure: tuple[str, ...] = ()
        self.expanded_tasks: set[str] = set()

    def show(self, workspace: Workspace) -> None:
        """Show ``workspace``'s plan, keeping what is expanded and selected."""
        self.workspace = workspace
        plan = workspace.plan
        self.tasks = {t.id: t for p in plan.phases for t in p.tasks}
        self.items = {i.id: i for t in self.tasks.values() for i in t.checklist}
        structure = tuple(self.tasks) + tuple(self.items)
        if structure != self.structure:
            self._rebuild(workspace)
            self.structure = structure
            return
        capacity = plan.capacity_days_per_week
        for phase in plan.phases:
            self.nodes_by_id[phase.id].set_label(_phase_label(phase, capacity))
            for task in phase.tasks:
                node = self.nodes_by_id.get(task.id)
                if node is None:
                    continue
                node.set_label(_task_label(task))
                for item in task.checklist:
                    if item.id in self.nodes_by_id:
                        self.nodes_by_id[item.id].set_label(self._label(item))

    def _label(self, item: PlanItem) -> Text:
        saved = self.workspace.state.item(item.id) if self.workspace else None
        note = saved.note if saved else None
        return _item_label(item, note)

    def _rebuild(self, workspace: Workspace) -> None:
        selected = self.cursor_node.data if self.cursor_node else None
        expanded = {k for k, n in self.nodes_by_id.items() if n.is_expanded}
        first = not self.nodes_by_id
        self.clear()
        self.nodes_by_id = {}
        plan = workspace.plan
        self.expanded_tasks = expanded
        for p_index, phase in enumerate(plan.phases):
            open_phase = phase.id in expanded or (first and p_index == 0)
            pnode = self.root.add(_phase_label(phase, plan.capacity_days_per_week),
                                  data=("phase", phase.id), expand=open_phase,
                                  allow_expand=True)
            self.nodes_by_id[phase.id] = pnode
            if open_phase or (selected and selected[1] in self._ids_in(phase)):
                self._add_tasks(pnode, phase, first and p_index == 0)
        target = self.nodes_by_id.get(selected[1]) if selected else None
        if target is None and first:
            first_task = plan.phases[0].tasks[0] if plan.phases[0].tasks else None
            if first_task and first_task.checklist:
                target = self.nodes_by_id.get(first_task.checklist[0].id)
        if target is not None:
            self.call_after_refresh(self.move_cursor, target)

    def _ids_in(self, phase: PhasePlan) -> set[str]:
        return {t.id for t in phase.tasks} | {i.id for t in phase.tasks for i in t.checklist}

    def _add_tasks(self, pnode: TreeNode[NodeData], phase: PhasePlan, open_first: bool) -> None:
        """The tasks of a phase, added when it is first opened (plans can be huge)."""
        if pnode.children:
            return
        for t_index, task in enumerate(phase.tasks):
            open_it = task.id in self.expanded_tasks or (open_first and t_index == 0)
            tnode = pnode.add(_task_label(task), data=("task", task.id), expand=open_it,
                              allow_expand=True)
            self.nodes_by_id[task.id] = tnode
            if open_it:
                self._add_items(tnode, task)

    def _add_items(self, tnode: TreeNode[NodeData], task: Task) -> None:
        if tnode.children:
            return
        for item in task.checklist:
            inode = tnode.add_leaf(self._label(item), data=("item", item.id))
            self.nodes_by_id[item.id] = inode

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        data = event.node.data
        if data and data[0] == "task":
            self._add_items(event.node, self.tasks[data[1]])
        elif data and data[0] == "phase" and self.workspace is not None:
            phase = next(p for p in self.workspace.plan.phases if p.id == data[1])
            self._add_tasks(event.node, phase, False)

    def select_item(self, item_id: str) -> None:
        """Move the cursor to an item, expanding its task."""
        for phase in (self.workspace.plan.phases if self.workspace else []):
            if item_id in self._ids_in(phase):
                self._add_tasks(self.nodes_by_id[phase.id], phase, False)
                self.nodes_by_id[phase.id].expand()
        for task in self.tasks.values():
            if any(i.id == item_id for i in task.checklist):
                tnode = self.nodes_by_id[task.id]
                self._add_items(tnode, task)
                tnode.expand()
                self.call_after_refresh(self.move_cursor, self.nodes_by_id[item_id])
                return

    def _current_item(self) -> PlanItem | None:
        node = self.cursor_node
        if node is None or node.data is None or node.data[0] != "item":
            return None
        return self.items.get(node.data[1])

    def action_toggle_done(self) -> None:
        """Mark the selected item done, or back to todo; on a phase, fold or unfold it.

        The label changes at once; the app saves and posts the confirmed workspace back.
        """
        item = self._current_item()
        if item is None:
            node = self.cursor_node
            if node is not None and node.allow_expand:
                node.toggle()
            return
        status = "todo" if item.status == "done" else "done"
        self._optimistic(item, status)
        self.post_message(ItemChangeRequested(item.id, status=status))

    def _optimistic(self, item: PlanItem, status: str) -> None:
        """Show the new status at once; the save confirms it a moment later."""
        changed = item.model_copy(update={"status": status})
        self.items[item.id] = changed
        if item.id in self.nodes_by_id:
            self.nodes_by_id[item.id].set_label(self._label(changed))

    def action_edit(self, field: str) -> None:
        """Open the item form on the selected item, focused on ``field``; post what changed."""
        item = self._current_item()
        if item is None:
            self.notify("Select a checklist item first", severity="warning", timeout=2)
            return
        from migrate_tui.tui.screens.item_form import ItemEdit, ItemForm

        saved = self.workspace.state.item(item.id) if self.workspace else None
        note = saved.note if saved else None
        team = list(self.workspace.state.settings.team) if self.workspace else []

        def done(result: ItemEdit | None) -> None:
            if result is None:
                return
            if result.status != item.status:
                self._optimistic(item, result.status)
            self.post_message(ItemChangeRequested(
                item.id, status=result.status if result.status != item.status
                or result.on is not None else None,
                assignee=result.assignee if result.assignee != (item.assignee or "") else None,
                note=result.note if result.note != (note or "") else None, on=result.on))

        days = (saved.started, saved.finished) if saved else (None, None)
        self.app.push_screen(ItemForm(item, note, team, focus=field, days=days), done)
