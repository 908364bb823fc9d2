"""The Textual app: a thin layer over the workspace.

``make_app`` builds it for the CLI and the tests alike. Loading and saving run in worker
threads; their results come back as messages, so the interface never waits on the disk.
Views get the workspace from above (``show``) and send requests up as messages
(:mod:`migrate_tui.tui.messages`); the app turns requests into changes for the progress
store, saves them, and shows the re-planned workspace.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Static, TabbedContent, TabPane

from migrate_tui.compose.discover import LoadOptions
from migrate_tui.errors import MigrateError
from migrate_tui.gc_pause import gc_pause
from migrate_tui.tui.keys import TypeAhead, split_escape_bursts
from migrate_tui.tui.loading import FileStamps, loaded_summary, warnings_summary
from migrate_tui.tui.messages import (
    ItemChangeRequested,
    ManifestsFailed,
    ManifestsReady,
    ManifestsWritten,
    OpenManifests,
    OpenService,
    OverrideRequested,
    OverrideResetRequested,
    SaveFailed,
    SettingRequested,
    WorkspaceFailed,
    WorkspaceReady,
)
from migrate_tui.tui.text import clean, markup
from migrate_tui.tui.widgets.error_panel import ErrorPanel
from migrate_tui.tui.widgets.keys_footer import KeysFooter
from migrate_tui.tui.widgets.overview import Overview
from migrate_tui.tui.widgets.save_state import SaveState

if TYPE_CHECKING:
    from textual.widget import AwaitMount, Widget

    from migrate_tui.tui.widgets.manifests_view import ManifestsView
    from migrate_tui.workspace import Workspace

TABS = ("overview", "services", "graph", "plan", "findings", "manifests")
VIEWS: dict[str, tuple[str, str]] = {
    "services": ("migrate_tui.tui.widgets.services_view", "ServicesView"),
    "graph": ("migrate_tui.tui.widgets.graph_view", "GraphView"),
    "plan": ("migrate_tui.tui.widgets.plan_pane", "PlanPane"),
    "findings": ("migrate_tui.tui.widgets.findings_view", "FindingsView"),
    "manifests": ("migrate_tui.tui.widgets.manifests_view", "ManifestsView"),
}
"""The views behind the Overview: (module, class), imported and mounted into their tab the
first time it is opened. The first screen shows only the Overview: composing and styling
the five others (their tables, tree and option list, about 30 widgets) was a third of the
time to its first paint."""
VIEW_IDS = {"overview": "overview-view", "services": "services-view", "graph": "graph-view",
            "plan": "plan-pane", "findings": "findings-view", "manifests": "manifests-view"}


_Handler = Callable[[Any, Any], Any]


def _while_running(handler: _Handler) -> _Handler:
    """A worker's result, handled only while the app runs.

    A result that arrives as the app closes (``q`` pressed while a save re-plans) would
    find the screen's widgets gone and end the session in a traceback: it is dropped.
    """
    @functools.wraps(handler)
    def handle(app: Any, message: Any) -> Any:
        return handler(app, message) if app.is_running else None
    return handle


class MigrateApp(App[int]):
    """The migration workspace."""

    CSS_PATH = "app.tcss"
    TITLE = "migrate-tui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Below 100 columns the views stack what sits side by side (see ``app.tcss``)."""
    # The tabs show their keys (1-6), so the footer leaves them out: at 80 columns it then
    # still has room for the view's own keys and e, r, ?, q.
    BINDINGS = [
        *(Binding(str(key), f"show_tab('{tab}')", tab.title(), show=False)
          for key, tab in enumerate(TABS, start=1)),
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
        self._stamps = FileStamps()
        self._stale: set[str] = set(TABS)
        """Views not yet showing the current workspace: refreshed when they are opened."""
        self._warned_at = -1e9
        """When the user was told what a quit would lose: a second q soon after quits."""
        self._manifests: tuple[object, object, Any] | None = None
        """(project, analysis, manifests): generated once per analysis, when first wanted."""
        self._type_ahead = TypeAhead()
        """The summary line's counts of items done, kept across re-plans."""
        self._mounting: dict[str, AwaitMount] = {}
        """The views mounted, or being mounted, by tab (the Overview is composed)."""
        self._starting = ExitStack()
        """The collector's pause until the first workspace (or error) is on the screen."""

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The summary line, the error panel and the six tabs (only the Overview's view)."""
        # Until the first workspace is on the screen, the cyclic collector does not run:
        # the frame and the load build objects that all stay, and it walked them, and
        # everything the imports built, again and again (a tenth of the time to the first
        # screen, 2026-12-02). It is frozen and resumes then (or when the app ends).
        self._starting.enter_context(gc_pause())
        # The width's class before any widget mounts: Textual sets it on the first resize,
        # after the widgets mounted, and restyles them all once more for it (a tenth of the
        # first screen's time). The resize then finds it set and leaves the styles alone.
        width = self.size.width
        fits = [name for at, name in self.HORIZONTAL_BREAKPOINTS if width >= at]
        self.screen.set_class(True, fits[-1], update=False)
        yield Header()
        yield Static("Loading…", id="summary")
        yield ErrorPanel(id="error")
        with TabbedContent(id="tabs", initial="overview"):
            with TabPane("1 Overview", id="overview"):
                yield Overview(id="overview-view")
            for number, tab in enumerate(VIEWS, start=2):
                yield TabPane(f"{number} {tab.title()}", id=tab)  # (its view: _open_view)
        yield SaveState("", id="save-state")
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        """Start the first load, and the file watch when ``--watch`` asks for one."""
        self.query_one("#error", ErrorPanel).display = False
        # The Overview's frame is painted first; the load starts when it is on the screen
        # (both need the interpreter: the load would hold back the first paint).
        self.call_after_refresh(self.load_workspace)
        if self.watch_interval > 0:
            self.set_interval(self.watch_interval, self._watch_files)

    def on_unmount(self) -> None:
        """The collector runs again, if the app ends before the first load did."""
        self._starting.close()

    # -- loading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", description="load the project")
    def load_workspace(self) -> None:
        """Load the project, its analysis, plan and progress, off the interface thread."""
        import importlib

        from migrate_tui.tui.loading import load_for_tui

        reloading = self.workspace is not None or self.load_error is not None
        try:
            workspace, warnings = load_for_tui(
                self.options, state_file=self.state_file, playbooks_dir=self.playbooks_dir,
                reloading=reloading, switch_interval=self._switch_interval)
        except MigrateError as exc:
            self.post_message(WorkspaceFailed(exc, reloaded=reloading))
            return
        for module in Overview.CORE_MODULES:
            importlib.import_module(module)  # (here, not on the interface thread)
        self.post_message(WorkspaceReady(workspace, reloaded=reloading, warnings=warnings))

    @on(WorkspaceReady)
    @_while_running
    def _show_workspace(self, message: WorkspaceReady) -> None:
        first = self.workspace is None
        ws = message.workspace
        self.workspace = ws
        self.load_error = None
        self._stamps.remember(ws)
        if message.warnings is not None:
            self.query_one(Overview).warnings = message.warnings
        self.sub_title = clean(ws.project.working_dir)
        self.query_one("#error", ErrorPanel).display = False
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.display = True
        self._stale = set(TABS)
        self._refresh_view(tabs.active)
        plan = ws.plan
        tasks = [t for phase in plan.phases for t in phase.tasks]
        done, items = sum(t.done for t in tasks), sum(len(t.checklist) for t in tasks)
        self.query_one("#summary", Static).update(
            f"[b]{markup(ws.project.name)}[/b]: {plan.decision.title}; about "
            f"{plan.total_weeks:.1f} weeks; {done}/{items} items done")
        self._show_save_state(saved=message.saved)
        if first:
            self._focus_tab(tabs.active)
            self.call_after_refresh(self._starting.close)
        if message.reloaded:
            self.notify(markup(loaded_summary(ws)), title="Reloaded", timeout=3)
        if message.warnings:
            self.notify(markup(warnings_summary(message.warnings)), severity="warning",
                        title=f"Warnings ({len(message.warnings)})", timeout=8)

    @on(WorkspaceFailed)
    @_while_running
    def _show_error(self, message: WorkspaceFailed) -> None:
        self.workspace = None
        self.load_error = message.error
        self.query_one("#tabs", TabbedContent).display = False
        panel = self.query_one("#error", ErrorPanel)
        panel.error = message.error
        panel.display = True
        self._starting.close()
        self.query_one("#summary", Static).update(
            "[b red]The project did not load.[/] Fix the file, then press [b]r[/b] to reload.")
        if message.reloaded:
            self.notify("The project did not load: see the error.", title="Reload failed",
                        severity="error", timeout=4)

    def _show_save_state(self, *, saved: bool = False, error: MigrateError | None = None,
                         saving: bool = False) -> None:
        self.query_one(SaveState).show(self.workspace, saved=saved, error=error, saving=saving)

    def _view(self, tab: str) -> Any | None:
        """``tab``'s view, or None while it was never opened (see :data:`VIEWS`)."""
        found = self.query(f"#{VIEW_IDS[tab]}")
        return found.first() if found else None

    async def _open_view(self, tab: str) -> None:
        """Mount ``tab``'s view into its pane, the first time it is opened."""
        if tab not in self._mounting:
            import importlib

            module, name = VIEWS[tab]
            view: Widget = getattr(importlib.import_module(module), name)(id=VIEW_IDS[tab])
            self._mounting[tab] = self.query_one(f"#{tab}", TabPane).mount(view)
        await self._mounting[tab]  # (a second key press while it mounts waits for it too)

    def _refresh_view(self, tab: str) -> None:
        """Show the current workspace in one view; the others wait until they are opened."""
        view = self._view(tab)
        if self.workspace is None or tab not in self._stale or view is None:
            return
        self._stale.discard(tab)
        view.show(self.workspace)
        if tab == "manifests":
            self._manifests_wanted(self.workspace)

    # -- changes --------------------------------------------------------------------------

    def _show_unsaved(self) -> None:
        """A change a view showed at once (an override, a ticked item) was not saved: the
        views show the workspace as it is again."""
        if self.workspace is None:
            return
        self._stale = set(TABS)
        self._refresh_view(self.query_one("#tabs", TabbedContent).active)

    def _by(self) -> str:
        if self.user:
            return self.user
        from migrate_tui.progress.git import git_user_name

        directory = self.workspace.project.working_dir if self.workspace else None
        self.user = git_user_name(directory) or os.environ.get("USER") or "someone"
        return self.user

    def _save(self, changes: list[Any]) -> None:
        """Save ``changes`` and re-plan in a worker."""
        if self.workspace is None or not changes:
            return
        if self.workspace.read_only:
            self.bell()
            self._show_unsaved()
            self._show_save_state()
            self.notify("The progress file is broken: fix it, then press r. Nothing was saved.",
                        severity="error")
            return
        self._show_save_state(saving=True)
        self._save_worker(changes)

    @work(thread=True, group="save", description="save changes")
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
    @_while_running
    def _save_failed(self, message: SaveFailed) -> None:
        self._show_unsaved()
        self._show_save_state(error=message.error)
        self.notify(markup(message.error.message), severity="error", title="Not saved")

    @on(ItemChangeRequested)
    def _item_change(self, message: ItemChangeRequested) -> None:
        from migrate_tui.progress.changes import SetAssignee, SetNote, SetStatus

        by = self._by()
        changes: list[Any] = []
        if message.status is not None:
            changes.append(SetStatus(message.item_id, message.status, by=by,  # type: ignore[arg-type]
                                     on=message.on))
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

    @on(OverrideResetRequested)
    def _reset_override(self, message: OverrideResetRequested) -> None:
        from migrate_tui.progress.changes import SetOverride

        saved = self.workspace.state.settings.overrides.get(message.service) \
            if self.workspace else None
        if saved is None:
            return
        by = self._by()
        fields = [f for f, v in (("class", saved.service_class), ("kind", saved.kind)) if v]
        self.notify(markup(f"{message.service}: back to the detected {' and '.join(fields)}; "
                           "re-planning"), timeout=2)
        self._save([SetOverride(message.service, f, None, by=by)  # type: ignore[arg-type]
                    for f in fields])

    @on(SettingRequested)
    def _setting(self, message: SettingRequested) -> None:
        from migrate_tui.progress.changes import SetSetting

        self._save([SetSetting(message.key, message.value, by=self._by())])  # type: ignore[arg-type]

    # -- the manifests -------------------------------------------------------------------------

    def cached_manifests(self, ws: Workspace) -> Any | None:
        """The manifests of ``ws``: the workspace makes them with its analysis (its plan's
        specific items come from their ledger); else those generated here for it."""
        if ws.manifests is not None:
            return ws.manifests
        cached = self._manifests
        if cached is not None and cached[0] is ws.project and cached[1] is ws.analysis:
            return cached[2]
        return None

    def _manifests_wanted(self, ws: Workspace | None) -> None:
        if ws is None:
            return
        manifests = self.cached_manifests(ws)
        if manifests is not None:
            self._manifests_view().show_manifests(ws, manifests)
        else:
            self._generate_manifests(ws)

    @work(thread=True, exclusive=True, group="manifests", description="generate manifests")
    def _generate_manifests(self, ws: Workspace, write_to: str | None = None,
                            force: bool = False) -> None:
        """Generate ``ws``'s manifests off the interface thread; write them if asked."""
        from migrate_tui.manifests import generate_manifests, write_manifests

        try:
            manifests = self.cached_manifests(ws) or generate_manifests(ws.project,
                                                                        ws.analysis)
        except MigrateError as exc:
            self.post_message(ManifestsFailed(exc))
            return
        self.post_message(ManifestsReady(ws, manifests))
        if write_to is None:
            return
        try:
            report = write_manifests(manifests, Path(write_to), force=force)
        except MigrateError as exc:
            # Files the team edited: what --force would overwrite is offered, never done.
            offer = (write_to, ws) if not force and "--force" in (exc.hint or "") else None
            self.post_message(ManifestsFailed(exc, overwrite=offer))
            return
        self.post_message(ManifestsWritten(write_to, report))

    @on(ManifestsReady)
    @_while_running
    def _manifests_ready(self, message: ManifestsReady) -> None:
        ws = message.workspace
        self._manifests = (ws.project, ws.analysis, message.manifests)
        current = self.workspace
        if current is not None and ws is current and "manifests" not in self._stale:
            self._manifests_view().show_manifests(current, message.manifests)

    def _manifests_view(self) -> ManifestsView:
        from migrate_tui.tui.widgets.manifests_view import ManifestsView

        return self.query_one(ManifestsView)

    @on(ManifestsFailed)
    @_while_running
    def _manifests_failed(self, message: ManifestsFailed) -> None:
        self.notify(markup(message.error.render()), severity="error",
                    title="Manifests not written" if message.overwrite else "Manifests failed",
                    timeout=10)
        if message.overwrite is None:
            return
        from migrate_tui.tui.screens.overwrite_dialog import OverwriteDialog

        folder, ws = message.overwrite

        def overwrite(yes: bool | None) -> None:
            if yes:
                self._generate_manifests(ws, folder, force=True)

        self.push_screen(OverwriteDialog(message.error.render()), overwrite)

    @on(ManifestsWritten)
    @_while_running
    def _manifests_written(self, message: ManifestsWritten) -> None:
        report = message.report
        lines = [f"{len(report.written)} written, {len(report.unchanged)} unchanged"]
        if report.created:
            lines.append("created (fill in, never commit): " + ", ".join(report.created))
        if report.missing_secret_keys:
            lines.append("secrets.env lacks: " + ", ".join(report.missing_secret_keys))
        self.notify(markup("\n".join(lines)), title=f"Manifests in {clean(message.folder)}",
                    timeout=6)

    @on(OpenManifests)
    async def _open_manifests(self, message: OpenManifests) -> None:
        await self.action_show_tab("manifests")
        self._manifests_view().select_service(message.name)

    @on(OpenService)
    async def _open_service(self, message: OpenService) -> None:
        from migrate_tui.tui.widgets.services_view import ServicesView

        await self.action_show_tab("services")
        self.query_one(ServicesView).select(message.name)

    # -- watching the files ------------------------------------------------------------------

    def _watch_files(self) -> None:
        ws = self.workspace
        if ws is None or self._save_lock.locked():
            return
        changed = self._stamps.changed(ws)
        if changed == [ws.store.path]:
            self.notify("The progress file changed on disk; reloaded.", timeout=3)
            self._reload_progress()
        elif changed:
            self.notify("The compose files changed on disk; reloading.", timeout=3)
            self.load_workspace()

    @work(thread=True, group="save", description="reload the progress file")
    def _reload_progress(self) -> None:
        with self._save_lock:
            ws = self.workspace
            if ws is None:
                return
            updated = ws.reload_progress()
            self.workspace = updated
        self.post_message(WorkspaceReady(updated))

    # -- keys and actions ----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Keys typed at once follow a focus change the first of them made (see
        :mod:`migrate_tui.tui.keys`): no letter typed in the filter is taken as a command."""
        if isinstance(event, events.Key) and self._type_ahead.follow_focus(self, event):
            return
        await super().on_event(event)

    def _focus_tab(self, tab: str) -> None:
        targets = {"overview": "#overview-view", "services": "#svc-table",
                   "graph": "#graph-nodes", "plan": "#plan-view", "findings": "#findings-table",
                   "manifests": "#man-table"}
        # (at once, not after the keys already read: they go where the focus went)
        self.screen.set_focus(self.query_one(targets[tab]))

    async def action_show_tab(self, tab: str) -> None:
        """Switch to one of the six views (mounting it, the first time)."""
        if self.workspace is None:
            return
        if tab in VIEWS:
            await self._open_view(tab)
        self.query_one("#tabs", TabbedContent).active = tab
        self._refresh_view(tab)
        self._focus_tab(tab)

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab = event.pane.id
        if tab:
            if tab in VIEWS:
                await self._open_view(tab)
            self._refresh_view(tab)
            focused = self.focused
            # (a key switched the tab and focused its view already; a key typed since may
            # have moved the focus within it, as / to the filter: it stays)
            if focused is None or event.pane not in focused.ancestors_with_self:
                self._focus_tab(tab)

    async def plan_action(self, action: str) -> None:
        """Run a Plan view action (from the command palette)."""
        from migrate_tui.tui.widgets.plan_view import PlanTree

        await self.action_show_tab("plan")
        self.call_after_refresh(self.query_one(PlanTree).run_action, action)

    async def services_action(self, action: str) -> None:
        """Run a Services view action (from the command palette)."""
        from migrate_tui.tui.widgets.services_view import ServicesView

        await self.action_show_tab("services")
        self.call_after_refresh(self.query_one(ServicesView).run_action, action)

    def action_reload(self) -> None:
        """Load everything again from disk; a notification says when it is done."""
        self.query_one("#summary", Static).update("Reloading…")
        self.load_workspace()

    async def action_quit(self) -> None:
        """Save an answer still being typed, wait for the saves under way, then quit.

        What cannot be saved (an answer that is no number, an item form not submitted) is
        not dropped in silence: the first ``q`` says so and stays; a second one quits.
        """
        changes, problems = self.query_one(Overview).unsaved_answers()
        form = getattr(self.screen, "unsaved", lambda: None)()
        problems += [form] if form else []
        if problems and time.monotonic() - self._warned_at > 10:
            self._warned_at = time.monotonic()
            self.notify(f"{markup(problems[0])}. Press q again to quit without it.",
                        title="Not saved", severity="warning", timeout=6)
            return
        for key, value in changes.items():
            self._setting(SettingRequested(key, value))
        saving = [w for w in self.workers if w.group == "save"]
        if saving:
            await self.workers.wait_for_complete(saving)
        self.exit()

    def action_help(self) -> None:
        """Show the keys."""
        from migrate_tui.tui.screens.help_screen import HelpScreen

        self.push_screen(HelpScreen())

    def action_export(self) -> None:
        """Ask what to write where: the Markdown plan, or the Kubernetes manifests."""
        ws = self.workspace
        if ws is None:
            self.notify("Nothing to export: the project did not load.", severity="error")
            return
        from migrate_tui.tui.screens.export_dialog import ExportDialog, ExportRequest

        def write(request: ExportRequest | None) -> None:
            if request is not None:
                self._export(request)

        self.push_screen(ExportDialog(ws.project.working_dir), write)

    def _export(self, request: Any) -> None:
        from migrate_tui.tui.screens.export_dialog import target_path, write_plan

        ws = self.workspace
        if ws is None:
            return
        if request.what == "manifests":
            self._generate_manifests(ws, str(target_path(ws, request.path)))
            return
        try:
            target = write_plan(ws, request.path)
        except MigrateError as exc:
            self.notify(markup(exc.render()), severity="error", title="Export failed")
            return
        self.notify(markup(f"Wrote {target}"), title="Exported")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action in the command palette, and one entry per service."""
        from migrate_tui.tui.commands import system_commands

        yield from super().get_system_commands(screen)
        yield from system_commands(self)


def make_app(options: LoadOptions | None = None, **kwargs: Any) -> MigrateApp:
    """Build the app, for the CLI and the tests alike."""
    split_escape_bursts()
    return MigrateApp(options or LoadOptions(), **kwargs)
