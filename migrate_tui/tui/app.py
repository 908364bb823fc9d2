"""The Textual app: a thin layer over the workspace.

``make_app`` builds it for the CLI and the tests alike. Loading and saving run in worker
threads; their results come back as messages, so the interface never waits on the disk.
Views get the workspace from above (``show``) and send requests up as messages
(:mod:`migrate_tui.tui.messages`); the app turns requests into changes for the progress
store, saves them, and shows the re-planned workspace.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.compose.gc_pause import gc_pause
from migrate_tui.errors import MigrateError
from migrate_tui.tui.messages import (
    ItemChangeRequested,
    OpenService,
    OverrideRequested,
    SettingRequested,
)
from migrate_tui.tui.text import clean, markup
from migrate_tui.tui.widgets.error_panel import ErrorPanel
from migrate_tui.tui.widgets.findings_view import FindingsView
from migrate_tui.tui.widgets.graph_view import GraphView
from migrate_tui.tui.widgets.overview import Overview
from migrate_tui.tui.widgets.plan_view import PlanTree
from migrate_tui.tui.widgets.services_view import ServicesView
from migrate_tui.workspace import Workspace

TABS = ("overview", "services", "graph", "plan", "findings")


class WorkspaceReady(Message):
    """A workspace was loaded or re-planned."""

    def __init__(self, workspace: Workspace, saved: bool = False) -> None:
        super().__init__()
        self.workspace = workspace
        self.saved = saved


class WorkspaceFailed(Message):
    """The project could not be loaded."""

    def __init__(self, error: MigrateError) -> None:
        super().__init__()
        self.error = error


class SaveFailed(Message):
    """A save did not go through."""

    def __init__(self, error: MigrateError) -> None:
        super().__init__()
        self.error = error


class MigrateApp(App[int]):
    """The migration workspace."""

    CSS_PATH = "app.tcss"
    TITLE = "migrate-tui"
    BINDINGS = [
        Binding("1", "show_tab('overview')", "Overview"),
        Binding("2", "show_tab('services')", "Services"),
        Binding("3", "show_tab('graph')", "Graph"),
        Binding("4", "show_tab('plan')", "Plan"),
        Binding("5", "show_tab('findings')", "Findings"),
        Binding("e", "export", "Export"),
        Binding("r", "reload", "Reload"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, options: LoadOptions, *, state_file: str | None = None,
                 playbooks_dir: str | None = None, user: str | None = None,
                 watch_interval: float = 1.0) -> None:
        super().__init__()
        self.options = options
        self.state_file = state_file
        self.playbooks_dir = playbooks_dir
        self.user = user
        self.watch_interval = watch_interval
        self.workspace: Workspace | None = None
        self.load_error: MigrateError | None = None
        self._save_lock = threading.Lock()
        self._switch_interval = sys.getswitchinterval()
        self._stamps: dict[str, float] = {}
        self._stale: set[str] = set(TABS)
        """Views not yet showing the current workspace: refreshed when they are opened."""

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="summary")
        yield ErrorPanel(id="error")
        with TabbedContent(id="tabs", initial="overview"):
            with TabPane("1 Overview", id="overview"):
                yield Overview(id="overview-view")
            with TabPane("2 Services", id="services"):
                yield ServicesView(id="services-view")
            with TabPane("3 Graph", id="graph"):
                yield GraphView(id="graph-view")
            with TabPane("4 Plan", id="plan"):
                yield PlanTree(id="plan-view")
            with TabPane("5 Findings", id="findings"):
                yield FindingsView(id="findings-view")
        yield Static("", id="save-state")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#error", ErrorPanel).display = False
        self.query_one("#tabs", TabbedContent).display = False
        self.load_workspace()
        if self.watch_interval > 0:
            self.set_interval(self.watch_interval, self._watch_files)

    # -- loading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def load_workspace(self) -> None:
        """Load the project, its analysis, plan and progress, off the interface thread."""
        from migrate_tui.workspace import open_workspace

        # While this thread loads, let it keep the GIL for longer stretches: the event loop
        # only draws "Loading…" meanwhile, and every forced hand-over costs the load time
        # (at 2,000 services: 1.7 s with the default 5 ms, 1.2 s with 100 ms). The interval
        # goes back to the one the app started with, even if two loads overlap.
        sys.setswitchinterval(max(self._switch_interval, 0.1))
        reloading = self.workspace is not None or self.load_error is not None
        try:
            # The cyclic collector would walk the half-built workspace again and again
            # while it grows; it pauses for the load (reference counting still frees what
            # is dropped).
            with gc_pause():
                try:
                    workspace = open_workspace(self.options, state_file=self.state_file,
                                               playbooks_dir=self.playbooks_dir)
                finally:
                    sys.setswitchinterval(self._switch_interval)
                    if reloading:
                        # What the last load froze is collectable again, and the cycles
                        # dropped since (widgets' old rows and nodes) go now, in this
                        # thread, not never.
                        gc.unfreeze()
                        gc.collect()
                    # The workspace lives until the next reload: its objects leave the
                    # collector's sight, or its first full collection would walk them all
                    # while the screen waits (0.2 s at 2,000 services). Reference counting
                    # still frees them.
                    gc.freeze()
        except MigrateError as exc:
            self.post_message(WorkspaceFailed(exc))
            return
        self.post_message(WorkspaceReady(workspace))

    @on(WorkspaceReady)
    def _show_workspace(self, message: WorkspaceReady) -> None:
        first = self.workspace is None
        ws = message.workspace
        self.workspace = ws
        self.load_error = None
        self._remember_stamps(ws)
        self.sub_title = clean(ws.project.working_dir)
        self.query_one("#error", ErrorPanel).display = False
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.display = True
        self._stale = set(TABS)
        self._refresh_view(tabs.active)
        plan = ws.plan
        items = plan.items()
        done = sum(1 for i in items if i.status in ("done", "skipped"))
        self.query_one("#summary", Static).update(
            f"[b]{markup(ws.project.name)}[/b]: {plan.decision.title}; about "
            f"{plan.total_weeks:.1f} weeks; {done}/{len(items)} items done")
        self._show_save_state(saved=message.saved)
        if first:
            self._focus_tab(tabs.active)

    @on(WorkspaceFailed)
    def _show_error(self, message: WorkspaceFailed) -> None:
        self.workspace = None
        self.load_error = message.error
        self.query_one("#tabs", TabbedContent).display = False
        panel = self.query_one("#error", ErrorPanel)
        panel.error = message.error
        panel.display = True
        self.query_one("#summary", Static).update(
            "[b red]The project did not load.[/] Fix the file, then press [b]r[/b] to reload.")

    def _show_save_state(self, *, saved: bool = False, error: MigrateError | None = None,
                         saving: bool = False) -> None:
        bar = self.query_one("#save-state", Static)
        ws = self.workspace
        if ws is None:
            bar.update("")
            return
        name = markup(os.path.relpath(ws.store.path, ws.project.working_dir))
        if error is not None:
            bar.update(f"[b red]✖ not saved:[/] {markup(error.render())}")
        elif ws.progress_error is not None:
            bar.update(f"[b red]read-only:[/] {markup(ws.progress_error.render())}")
        elif saving:
            bar.update(f"[yellow]● saving to {name}…[/]")
        elif saved:
            bar.update(f"[green]● saved[/] to {name}")
        else:
            exists = "" if ws.store.path.exists() else " (created on the first change)"
            bar.update(f"[dim]progress file: {name}{exists}[/]")

    _VIEWS: dict[str, type[Any]] = {
        "overview": Overview, "services": ServicesView, "graph": GraphView,
        "plan": PlanTree, "findings": FindingsView,
    }

    def _refresh_view(self, tab: str) -> None:
        """Show the current workspace in one view; the others wait until they are opened."""
        if self.workspace is None or tab not in self._stale:
            return
        self._stale.discard(tab)
        self.query_one(self._VIEWS[tab]).show(self.workspace)

    # -- changes --------------------------------------------------------------------------

    def _by(self) -> str:
        if self.user:
            return self.user
        from migrate_tui.progress.git import git_user_name

        directory = self.workspace.project.working_dir if self.workspace else None
        self.user = git_user_name(directory) or os.environ.get("USER") or "someone"
        return self.user

    def _save(self, changes: list[Any]) -> None:
        if self.workspace is None or not changes:
            return
        if self.workspace.read_only:
            self.bell()
            self._show_save_state()
            self.notify("The progress file is broken: fix it, then press r. Nothing was saved.",
                        severity="error")
            return
        self._show_save_state(saving=True)
        self._save_worker(changes)

    @work(thread=True, group="save")
    def _save_worker(self, changes: list[Any]) -> None:
        with self._save_lock:
            workspace = self.workspace
            if workspace is None:
                return
            try:
                updated = workspace.apply(changes)
            except MigrateError as exc:
                self.post_message(SaveFailed(exc))
                return
            self.workspace = updated
        self.post_message(WorkspaceReady(updated, saved=True))

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self._show_save_state(error=message.error)
        self.notify(markup(message.error.message), severity="error", title="Not saved")

    @on(ItemChangeRequested)
    def _item_change(self, message: ItemChangeRequested) -> None:
        from migrate_tui.progress.changes import SetAssignee, SetNote, SetStatus

        by = self._by()
        changes: list[Any] = []
        if message.status is not None:
            changes.append(SetStatus(message.item_id, message.status, by=by))  # type: ignore[arg-type]
        if message.assignee is not None:
            changes.append(SetAssignee(message.item_id, message.assignee or None, by=by))
        if message.note is not None:
            changes.append(SetNote(message.item_id, message.note or None, by=by))
        self._save(changes)

    @on(OverrideRequested)
    def _override(self, message: OverrideRequested) -> None:
        from migrate_tui.progress.changes import SetOverride

        self.notify(markup(f"{message.service}: {message.field} set to {message.value}; "
                           "re-planning"), timeout=2)
        self._save([SetOverride(message.service, message.field, message.value,  # type: ignore[arg-type]
                                by=self._by())])

    @on(SettingRequested)
    def _setting(self, message: SettingRequested) -> None:
        from migrate_tui.progress.changes import SetSetting

        self._save([SetSetting(message.key, message.value, by=self._by())])  # type: ignore[arg-type]

    @on(OpenService)
    def _open_service(self, message: OpenService) -> None:
        self.action_show_tab("services")
        self.query_one(ServicesView).select(message.name)

    # -- watching the files ------------------------------------------------------------------

    def _files(self, ws: Workspace) -> list[Path]:
        return [ws.store.path, *(Path(p.path) for p in ws.project.sources.files)]

    def _remember_stamps(self, ws: Workspace) -> None:
        self._stamps = {str(p): _mtime(p) for p in self._files(ws)}

    def _watch_files(self) -> None:
        ws = self.workspace
        if ws is None or self._save_lock.locked():
            return
        changed = [p for p in self._files(ws) if _mtime(p) != self._stamps.get(str(p))]
        if not changed:
            return
        self._remember_stamps(ws)
        if changed == [ws.store.path]:
            self.notify("The progress file changed on disk; reloaded.", timeout=3)
            self._reload_progress()
        else:
            self.notify("The compose files changed on disk; reloading.", timeout=3)
            self.load_workspace()

    @work(thread=True, group="save")
    def _reload_progress(self) -> None:
        with self._save_lock:
            ws = self.workspace
            if ws is None:
                return
            updated = ws.reload_progress()
            self.workspace = updated
        self.post_message(WorkspaceReady(updated))

    # -- actions ----------------------------------------------------------------------------

    def _focus_tab(self, tab: str) -> None:
        targets = {"overview": "#overview-view", "services": "#svc-table",
                   "graph": "#graph-nodes", "plan": "#plan-view", "findings": "#findings-table"}
        self.query_one(targets[tab]).focus()

    def action_show_tab(self, tab: str) -> None:
        """Switch to one of the five views."""
        if self.workspace is None:
            return
        self.query_one("#tabs", TabbedContent).active = tab
        self._refresh_view(tab)
        self._focus_tab(tab)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._refresh_view(event.pane.id)
            self._focus_tab(event.pane.id)

    def _plan_action(self, action: str) -> None:
        self.action_show_tab("plan")
        self.call_after_refresh(self.query_one(PlanTree).run_action, action)

    def _services_action(self, action: str) -> None:
        self.action_show_tab("services")
        self.call_after_refresh(self.query_one(ServicesView).run_action, action)

    def action_reload(self) -> None:
        """Load everything again from disk."""
        self.query_one("#summary", Static).update("Reloading…")
        self.load_workspace()

    def action_help(self) -> None:
        """Show the keys."""
        from migrate_tui.tui.screens.help_screen import HelpScreen

        self.push_screen(HelpScreen())

    def action_export(self) -> None:
        """Ask for a path, then write the Markdown plan there."""
        ws = self.workspace
        if ws is None:
            self.notify("Nothing to export: the project did not load.", severity="error")
            return
        from migrate_tui.tui.screens.export_dialog import ExportDialog

        default = os.path.join(ws.project.working_dir, "MIGRATION_PLAN.md")

        def write(path: str | None) -> None:
            if path:
                self._export(path)

        self.push_screen(ExportDialog(default), write)

    def _export(self, path: str) -> None:
        from migrate_tui.analysis.report import to_json
        from migrate_tui.export.files import write_export
        from migrate_tui.export.markdown import render_markdown

        ws = self.workspace
        if ws is None:
            return
        target = Path(path)
        if not target.is_absolute():
            target = Path(ws.project.working_dir) / target
        text = render_markdown(ws.plan, to_json(ws.analysis), ws.project.files,
                               ws.project.working_dir)
        try:
            write_export(target, text)
        except MigrateError as exc:
            self.notify(markup(exc.render()), severity="error", title="Export failed")
            return
        self.notify(markup(f"Wrote {target}"), title="Exported")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action in the command palette, and one entry per service."""
        yield from super().get_system_commands(screen)
        for key, title in (("overview", "Overview"), ("services", "Services"),
                           ("graph", "Graph"), ("plan", "Plan"), ("findings", "Findings")):
            yield SystemCommand(f"Go to {title}", f"Show the {title} view",
                                lambda key=key: self.action_show_tab(key))
        yield SystemCommand("Export Markdown plan", "Write the plan as Markdown",
                            self.action_export)
        yield SystemCommand("Reload", "Read the compose and progress files again",
                            self.action_reload)
        yield SystemCommand("Help", "The keys", self.action_help)
        for action, title in (("toggle_done", "Tick the selected plan item (done / todo)"),
                              ("edit('status')", "Set the selected plan item's status"),
                              ("edit('assignee')", "Assign the selected plan item"),
                              ("edit('note')", "Note on the selected plan item")):
            yield SystemCommand(title, "In the Plan view",
                                lambda action=action: self._plan_action(action))
        for action, title in (("toggle_class", "Flip the selected service stateful/stateless"),
                              ("cycle_kind", "Change the selected service's kind")):
            yield SystemCommand(title, "In the Services view",
                                lambda action=action: self._services_action(action))
        if self.workspace is not None:
            for name in self.workspace.project.services:
                yield SystemCommand(f"Open service {name}", "Show it in the Services view",
                                    lambda name=name: self.post_message(OpenService(name)))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


def make_app(options: LoadOptions | None = None, **kwargs: Any) -> MigrateApp:
    """Build the app, for the CLI and the tests alike."""
    return MigrateApp(options or LoadOptions(), **kwargs)
