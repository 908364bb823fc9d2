"""The Services view: a sortable, filterable table and the selected service's detail.

At 2,000 services a keystroke in the filter must show within 50 ms: each row's cells and
search text are made once per workspace (:meth:`ServicesView.show`), what the detail pane
reads is indexed by service then, and the table (:class:`RowTable`) renders only the rows on
the screen, so a filter hands it a list of names; a re-plan that keeps the rows in place
reuses the cells of the rows that did not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from migrate_tui.errors import MigrateError
from migrate_tui.text import plural
from migrate_tui.tui.keys import InOrderInput
from migrate_tui.tui.messages import OpenManifests, OverrideRequested, OverrideResetRequested
from migrate_tui.tui.text import CLASS_STYLE, SEVERITY_STYLE, STATUS_MARK, STATUS_STYLE, plain
from migrate_tui.tui.widgets.row_table import RowTable

if TYPE_CHECKING:
    from migrate_tui.analysis.model import Edge, Finding
    from migrate_tui.planning.plan import PhasePlan, Task
    from migrate_tui.workspace import Workspace

_COLUMNS = ("Service", "Class", "Kind", "Wave", "Days", "Findings", "Progress")


class DetectedFound(Message):
    """What the analysis detects without the overrides, from the worker."""

    def __init__(self, project: object, state: Any, found: dict[str, dict[str, str]]) -> None:
        super().__init__()
        self.project = project
        self.state = state
        self.found = found


class ServicesView(Horizontal):
    """Table on the left, detail on the right."""

    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("c", "toggle_class", "Class"),
        Binding("k", "cycle_kind", "Kind"),
        Binding("o", "sort", "Sort"),
        # (in the help and the palette: at 80 columns the footer has no room left)
        Binding("m", "manifests", "Manifests", show=False),
        Binding("d", "reset_override", "Reset to detected", show=False),
        Binding("escape", "leave_filter", "Clear filter"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.workspace: Workspace | None = None
        self.selected: str | None = None
        self.sort_column = 0
        self.rows: dict[str, tuple[object, ...]] = {}
        self._cells: dict[str, tuple[Text, ...]] = {}
        """Each row's cells, made once per workspace."""
        self._haystack: dict[str, str] = {}
        """What the filter searches in each row: name, class and kind, lower case."""
        self._shown: list[str] = []
        """The rows the table holds, in order."""
        self._detailed: tuple[Workspace | None, str | None] = (None, None)
        self._detail_pending = False
        """The detail waits for the frame that shows the rows (see :meth:`_fill`)."""
        self._index: _DetailIndex | None = None
        self._overridden: set[str] = set()
        """The services overridden in the workspace shown: their cells are marked so."""
        self._order: dict[int, list[str]] = {}
        """The rows sorted by a column (by its index), made when first asked for."""
        self._detected: tuple[object, object, dict[str, dict[str, str]] | None] | None = None
        """(project, saved overrides, what the analysis detects without them): an analysis
        of its own, made in a worker when an overridden service is first shown."""

    def compose(self) -> ComposeResult:
        """The filter field and the services table on the left, the detail on the right."""
        with Vertical(id="svc-left"):
            yield InOrderInput(placeholder="/ to filter by name, class or kind", id="svc-filter",
                        compact=True)
            yield RowTable(_COLUMNS, id="svc-table")
        with VerticalScroll(id="svc-detail"):
            yield Static(id="svc-detail-text")

    def show(self, workspace: Workspace) -> None:
        """Show ``workspace``, keeping the selection and the filter."""
        self.workspace = workspace
        plan = workspace.plan
        days: dict[str, float] = {}
        progress: dict[str, list[int]] = {}
        for phase in plan.phases:
            for task in phase.tasks:
                if task.service is None:
                    continue
                days[task.service] = days.get(task.service, 0) + task.estimate_days
                done, items = task.done, len(task.checklist)
                counts = progress.setdefault(task.service, [0, 0])
                counts[0] += done
                counts[1] += items
        findings: dict[str, int] = {}
        for f in workspace.analysis.findings:
            if f.service:
                findings[f.service] = findings.get(f.service, 0) + 1
        old_rows, old_cells, old_haystack = self.rows, self._cells, self._haystack
        self.rows = {}
        self._cells = {}
        self._haystack = {}
        for name, info in workspace.analysis.services.items():
            if not info.active:
                continue
            done, total = progress.get(name, [0, 0])
            row = (name, info.service_class, info.kind, info.wave,
                   round(days.get(name, 0), 2), findings.get(name, 0),
                   (done / total) if total else 0.0, f"{done}/{total}")
            self.rows[name] = row
            cells = old_cells.get(name)
            if old_rows.get(name) == row and cells is not None \
                    and not info.overridden and name not in self._overridden:
                # (unchanged: its cells are reused, and the table keeps its drawn line)
                self._cells[name] = cells
                self._haystack[name] = old_haystack[name]
            else:
                self._cells[name] = _cells(row, info.overridden)
                self._haystack[name] = _haystack(row)
        self._overridden = {n for n, i in workspace.analysis.services.items() if i.overridden}
        self._index = _DetailIndex(workspace)
        self._order = {}
        self._fill(refit=True)

    def _fill(self, *, refit: bool = False) -> None:
        """Show the rows the filter keeps, in the sort order.

        Args:
            refit: Rows' cells changed (a new workspace, an override shown): the columns
                are fitted to every row again. False for a new filter or order, where the
                columns stay put.
        """
        table = self.query_one("#svc-table", RowTable)
        needle = self.query_one("#svc-filter", Input).value.strip().lower()
        keep = self.selected
        key = self.sort_column
        order = self._order.get(key)
        if order is None:
            rows = sorted(self.rows.values(), key=lambda r: (r[key], r[0]),
                          reverse=key in (4, 5))
            order = self._order[key] = [str(r[0]) for r in rows]
        names = [n for n in order if needle in self._haystack[n]] if needle else order
        if refit or names != self._shown:
            table.show_rows(names, self._cells, widths_from=order if refit else None)
            self._shown = names
        if names:
            index = names.index(keep) if keep in names else 0
            if table.cursor_row != index:
                table.move_cursor(row=index)
            if not refit and not self._is_detailed(names[index]):
                # (a filter or an order moved the selection: the rows are painted first,
                # the detail in the frame after, with a keystroke's frame half as long)
                if not self._detail_pending:
                    self._detail_pending = True
                    self.call_after_refresh(self._pending_detail)
            else:
                self._detail(names[index])
        else:
            self._detailed = (None, None)
            self.query_one("#svc-detail-text", Static).update("No service matches the filter.")

    def select(self, name: str) -> None:
        """Select ``name`` (from the graph or the findings)."""
        self.selected = name
        filt = self.query_one("#svc-filter", Input)
        if filt.value:
            filt.value = ""
        self._fill()
        self.query_one("#svc-table", RowTable).focus()

    def on_mount(self) -> None:
        """Filter as the filter's value changes, in the same frame as the field.

        ``Input.Changed`` comes as a message, after the field's frame: every keystroke drew
        two frames, the first with the rows of the keystroke before.
        """
        self.watch(self.query_one("#svc-filter", Input), "value", self._filter, init=False)

    def _filter(self) -> None:
        self._fill()

    @on(Input.Submitted, "#svc-filter")
    def _filter_done(self) -> None:
        self.query_one("#svc-table", RowTable).focus()

    def _pending_detail(self) -> None:
        self._detail_pending = False
        key = self.query_one("#svc-table", RowTable).cursor_key
        if key is not None:
            self._detail(key)

    @on(RowTable.RowHighlighted, "#svc-table")
    def _highlighted(self, event: RowTable.RowHighlighted) -> None:
        self.selected = event.key
        if not self._detail_pending:  # (else shown after the rows' frame)
            self._detail(self.selected)

    @on(RowTable.HeaderSelected, "#svc-table")
    def _header(self, event: RowTable.HeaderSelected) -> None:
        self.sort_column = event.column_index
        self._fill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape clears the filter; elsewhere it is no key of this view (and not shown)."""
        if action == "leave_filter":  # (the focus as set: ``has_focus`` follows it later)
            return self.screen.focused is self.query_one("#svc-filter", Input)
        return True

    def action_leave_filter(self) -> None:
        """Clear the filter and go back to the table (``enter`` goes back keeping it)."""
        filt = self.query_one("#svc-filter", Input)
        # In the field's turn: letters typed just before Escape, in the same read, may
        # still wait there (sent on by TypeAhead), and would fill it again after a clear.
        filt.call_later(filt.clear)
        self.query_one("#svc-table", RowTable).focus()

    def action_filter(self) -> None:
        """Focus the filter field (``/``), at once: the keys typed after ``/`` and read with
        it go to the filter (:class:`~migrate_tui.tui.keys.TypeAhead`), not the table."""
        self.screen.set_focus(self.query_one("#svc-filter", Input))

    def action_sort(self) -> None:
        """Sort by the next column, round the seven."""
        self.sort_column = (self.sort_column + 1) % 7
        self.notify(f"sorted by {_COLUMNS[self.sort_column].lower()}", timeout=1.5)
        self._fill()

    def action_manifests(self) -> None:
        """Ask the app to show the selected service's manifests and ledger."""
        if self.selected:
            self.post_message(OpenManifests(self.selected))

    def action_toggle_class(self) -> None:
        """Ask the app to record the selected service as the other class (an override).

        The classifier's answer stays in the analysis; the override is saved in
        ``migration.toml`` and wins from the next load on. The row shows it at once.
        """
        if not self.workspace or not self.selected:
            return
        name = self.selected
        target = "stateless" if self.rows[name][1] == "stateful" else "stateful"
        self._show_override(name, 1, target)
        self._request_after_paint(OverrideRequested(name, "class", target))

    def action_cycle_kind(self) -> None:
        """Ask the app to record the next workload kind for the selected service."""
        if not self.workspace or not self.selected:
            return
        name = self.selected
        from migrate_tui.analysis.model import KINDS

        target = KINDS[(KINDS.index(str(self.rows[name][2])) + 1) % len(KINDS)]
        self._show_override(name, 2, target)
        self._request_after_paint(OverrideRequested(name, "kind", target))

    def _request_after_paint(self, message: OverrideRequested) -> None:
        """Send ``message`` up once the frame showing the override in its row is painted.

        The re-plan it asks for runs in a worker that would hold that frame back. (The app
        waiting for a frame instead waited for the one after, its "saving…": 10-30 ms more
        before the re-plan began at 2,000 services.)
        """
        self.call_after_refresh(self.post_message, message)

    def _show_override(self, name: str, column: int, value: str) -> None:
        """Show an override in its row before the re-plan (a worker, seconds at 2,000
        services) brings its days and progress; a new workspace replaces it, and the app
        shows the workspace again if the save fails. A read-only workspace saves nothing."""
        if self.workspace is None or self.workspace.read_only:
            return
        row = list(self.rows[name])
        row[column] = value
        self.rows[name] = tuple(row)
        self._cells[name] = _cells(self.rows[name], overridden=True)
        self._haystack[name] = _haystack(self.rows[name])
        self._order.pop(column, None)  # (the other orders do not read this column)
        self._fill(refit=True)

    def action_reset_override(self) -> None:
        """Ask the app to remove the selected service's saved overrides (``d``)."""
        ws, name = self.workspace, self.selected
        if ws is None or name is None:
            return
        if name in ws.state.settings.overrides:
            self.post_message(OverrideResetRequested(name))
        elif ws.analysis.services[name].overridden:
            self.notify(f"{name}: x-migrate in the compose file sets it; nothing saved to "
                        "reset (edit the compose file)", timeout=4)
        else:
            self.notify(f"{name}: not overridden; the analysis decides already", timeout=2)

    def _override_note(self, ws: Workspace, name: str) -> str:
        """`` · overridden (detected: stateful) · d resets``, or where a hint set it."""
        saved = ws.state.settings.overrides.get(name)
        if saved is None:
            return " · set by x-migrate in the compose file"
        overrides = ws.state.settings.overrides
        cached = self._detected
        if cached is None or cached[0] is not ws.project or cached[1] != overrides:
            self._detected = (ws.project, overrides, None)
            # (after the frame that shows the workspace: the worker would hold it back)
            self.call_after_refresh(self._find_detected, ws)
            found = None
        else:
            found = cached[2]
        fields = [f for f, v in (("class", saved.service_class), ("kind", saved.kind)) if v]
        said = "…" if found is None else ", ".join(found.get(name, {}).get(f, "?")
                                                   for f in fields)
        return f" · overridden (detected: {said}) · d resets, c / k change"

    @work(thread=True, exclusive=True, group="detected",
          description="classify overridden services without their overrides")
    def _find_detected(self, ws: Workspace) -> None:
        """What the analysis detects without the saved overrides (the overridden services
        classified again, from what the workspace's analysis read of the project)."""
        try:
            found = ws.detected()
        except MigrateError:
            found = {}
        self.post_message(DetectedFound(ws.project, ws.state, found))

    @on(DetectedFound)
    def _detected_found(self, message: DetectedFound) -> None:
        ws, cached = self.workspace, self._detected
        if ws is None or cached is None or cached[0] is not message.project \
                or cached[1] != message.state.settings.overrides:
            return  # (the overrides changed since: another worker is on it)
        self._detected = (cached[0], cached[1], message.found)
        if self.selected is not None:
            self._detail(self.selected, force=True)

    def _is_detailed(self, name: str) -> bool:
        """The detail shows ``name`` in the current workspace.

        (Compared by identity: two workspaces compare equal field by field, the whole
        analysis and plan at 2,000 services.)
        """
        return self._detailed[0] is self.workspace and self._detailed[1] == name

    def _detail(self, name: str, *, force: bool = False) -> None:
        ws = self.workspace
        index = self._index
        if ws is None or index is None or name not in ws.analysis.services:
            return
        if self._is_detailed(name) and not force:
            return  # (shown already: a highlight after the fill that showed it)
        self._detailed = (ws, name)
        info = ws.analysis.services[name]
        detail = index.of(name)
        out = Text()
        out.append_text(plain(name, "bold"))
        out.append(f"  {info.service_class}", style=CLASS_STYLE[info.service_class])
        out.append(f" · {info.kind} · wave {info.wave} · confidence {info.confidence:.2f}")
        if info.overridden:
            out.append(self._override_note(ws, name), style="yellow")
        out.append("\n\nWhy\n", style="bold underline")
        for reason in (*info.reasons, *info.kind_reasons):
            out.append("  • ")
            out.append_text(plain(reason))
            out.append("\n")
        needs: dict[str, list[str]] = {}
        where: dict[str, str] = {}
        needed: dict[str, list[str]] = {}
        for e in detail.edges:
            if e.source == name:
                needs.setdefault(e.target, []).append(e.kind)
                where.setdefault(e.target, e.evidence.where)
            elif e.target == name:
                needed.setdefault(e.source, []).append(e.kind)
        out.append("\nNeeds\n", style="bold underline")
        for target, kinds in sorted(needs.items()):
            out.append_text(plain(f"  → {target}  ({', '.join(dict.fromkeys(kinds))}; "
                                  f"{where[target]})"))
            out.append("\n")
        if not needs:
            out.append("  nothing\n", style="dim")
        out.append("\nNeeded by\n", style="bold underline")
        for source, kinds in sorted(needed.items()):
            out.append_text(plain(f"  ← {source}  ({', '.join(dict.fromkeys(kinds))})"))
            out.append("\n")
        if not needed:
            out.append("  nothing\n", style="dim")
        out.append("\nFindings\n", style="bold underline")
        found = detail.findings
        for f in found:
            out.append(f"  {f.severity:<6} ", style=SEVERITY_STYLE[f.severity])
            out.append_text(plain(f"{f.rule}: {f.message}"))
            out.append("\n         fix: ", style="dim")
            out.append_text(plain(f.fix, "dim"))
            out.append("\n")
        if not found:
            out.append("  none\n", style="dim")
        out.append("\nChecklist\n", style="bold underline")
        for phase, task in detail.tasks:
            out.append(f"  {phase.name}: {plural(task.estimate_days, 'day')}\n", style="bold")
            for item in task.checklist:
                out.append(f"  {STATUS_MARK[item.status]} ", style=STATUS_STYLE[item.status])
                out.append_text(plain(item.text))
                if item.assignee:
                    out.append_text(plain(f"  @{item.assignee}", "cyan"))
                out.append("\n")
        self.query_one("#svc-detail-text", Static).update(out)


def _haystack(row: tuple[object, ...]) -> str:
    """What the filter searches in a row: its name, class and kind, lower case."""
    return f"{row[0]}\0{row[1]}\0{row[2]}".lower()


def _cells(row: tuple[object, ...], overridden: bool) -> tuple[Text, ...]:
    """A row's cells, as the table draws them (Text: never parsed as markup)."""
    name, cls, kind = str(row[0]), str(row[1]), str(row[2])
    return (plain(name, "bold" if overridden else ""),
            Text(cls + ("*" if overridden else ""), style=CLASS_STYLE[cls]),
            Text(kind, style="dim" if kind != "service" else ""),
            Text(str(row[3])), Text(f"{row[4]:g}"), Text(str(row[5]) if row[5] else "-"),
            Text(str(row[7])))


class _DetailIndex:
    """What the detail pane reads of a service, found the first time it is shown in a
    workspace: a re-plan makes a new workspace, and indexing every service at once (7,577
    edges, 5,811 findings and 3,770 tasks at 2,000 services) was 6-10 ms of each re-plan
    shown, where one service's scan is about 1.5 ms."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws
        self._found: dict[str, _Detail] = {}

    def of(self, name: str) -> _Detail:
        """``name``'s edges (either end), findings, and tasks with their phases."""
        found = self._found.get(name)
        if found is None:
            ws = self._ws
            found = self._found[name] = _Detail(
                edges=[e for e in ws.analysis.edges if name in (e.source, e.target)],
                findings=[f for f in ws.analysis.findings if f.service == name],
                tasks=[(phase, task) for phase in ws.plan.phases for task in phase.tasks
                       if task.service == name])
        return found


@dataclass(frozen=True)
class _Detail:
    """One service's part of the workspace, as the detail pane reads it."""

    edges: list[Edge]
    findings: list[Finding]
    tasks: list[tuple[PhasePlan, Task]]
