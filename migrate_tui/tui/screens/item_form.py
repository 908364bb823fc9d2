"""A small form for one checklist item: status and the day it started or finished,
assignee, note."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from migrate_tui.errors import ProgressError
from migrate_tui.planning.plan import PlanItem
from migrate_tui.progress.changes import item_days
from migrate_tui.progress.commands import DATED, parse_day
from migrate_tui.progress.model import ItemState
from migrate_tui.tui.keys import InOrderInput
from migrate_tui.tui.text import clean, markup, plain

_STATUSES = ["todo", "doing", "done", "skipped", "blocked"]


@dataclass(frozen=True)
class ItemEdit:
    """What the form returns."""

    status: str
    assignee: str
    note: str
    on: dt.date | None = None
    """The day it started (doing) or finished (done), when one was typed; None: today, or
    the day already recorded when the status stays."""


_DAY_LABEL = {"doing": "Started on", "done": "Finished on"}


class ItemForm(ModalScreen[ItemEdit | None]):
    """Edit one item; Enter saves, Escape cancels.

    Beside the status, the day the item started (``doing``) or finished (``done``): empty
    means today; a day typed back-fills it, checked as ``set --at`` checks it.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, item: PlanItem, note: str | None, team: list[str],
                 focus: str = "status", *,
                 days: tuple[dt.date | None, dt.date | None] = (None, None)) -> None:
        super().__init__()
        self.item = item
        self.note = note or ""
        self.team = team
        self.focus_field = focus
        self.days = days
        """The recorded ``(started, finished)`` days."""

    def compose(self) -> ComposeResult:
        """The item's id and text, then its status, assignee and note as fields."""
        with Vertical(id="item-form", classes="dialog"):
            yield Label(f"[b]{markup(self.item.id)}[/b]", id="item-form-id")
            yield Static(plain(self.item.text), id="item-form-text")  # wrapped, never cut
            with Horizontal(id="item-status-row"):
                with Vertical():
                    yield Label("Status")
                    yield Select([(s, s) for s in _STATUSES], value=self.item.status,
                                 allow_blank=False, id="item-status", compact=True)
                with Vertical():
                    yield Label(self._day_label(self.item.status), id="item-on-label")
                    yield InOrderInput(value=self._recorded(self.item.status), placeholder="today",
                                id="item-on", compact=True,
                                disabled=self.item.status not in DATED)
            yield Label("", id="item-form-error")
            team = f" (team: {markup(', '.join(self.team))})" if self.team else ""
            yield Label("Assignee" + team)
            yield InOrderInput(value=clean(self.item.assignee or ""), placeholder="nobody",
                        id="item-assignee", compact=True)
            yield Label("Note")
            yield InOrderInput(value=clean(self.note), placeholder="no note", id="item-note",
                        compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="item-save")
                yield Button("Cancel", id="item-cancel")

    def on_mount(self) -> None:
        """Focus the field the key that opened the form asked for (``e`` status, ``a`` ...)."""
        self.query_one("#item-form-error", Label).display = False
        self.query_one(f"#item-{self.focus_field}").focus()

    def _recorded(self, status: str) -> str:
        """The day recorded for ``status``: the start of a doing item, the finish of a done."""
        day = {"doing": self.days[0], "done": self.days[1]}.get(status)
        return day.isoformat() if day and status == self.item.status else ""

    def _day_label(self, status: str) -> str:
        label = _DAY_LABEL.get(status, "Day")
        started = self.days[0]
        if status == "done" and started is not None:
            label += f" (started {started.isoformat()})"
        return label

    @on(Select.Changed, "#item-status")
    def _status_chosen(self, event: Select.Changed) -> None:
        status = str(event.value)
        self.query_one("#item-on-label", Label).update(self._day_label(status))
        day = self.query_one("#item-on", Input)
        day.value = self._recorded(status)
        day.disabled = status not in DATED

    def unsaved(self) -> str | None:
        """What quitting now would lose, or None."""
        status = self.query_one("#item-status", Select).value
        typed = (str(status), self.query_one("#item-assignee", Input).value.strip(),
                 self.query_one("#item-note", Input).value.strip(),
                 self.query_one("#item-on", Input).value.strip())
        if typed == (self.item.status, self.item.assignee or "", self.note,
                     self._recorded(self.item.status)):
            return None
        return f"the changes to item {self.item.id} are not saved: Enter saves, Esc cancels"

    def _result(self) -> ItemEdit:
        """The edit, its day checked as ``set --at`` checks it.

        Raises:
            ProgressError: The day is not a date, in the future, or before the start.
        """
        status = self.query_one("#item-status", Select).value
        chosen = str(status) if status is not Select.NULL else self.item.status
        typed = self.query_one("#item-on", Input).value.strip()
        on = None
        if chosen in DATED and typed and typed != self._recorded(chosen):
            on = parse_day(typed, chosen)
            before = ItemState(status=self.item.status, started=self.days[0])
            item_days(before, chosen, on, given=True)
        return ItemEdit(
            status=chosen,
            assignee=self.query_one("#item-assignee", Input).value.strip(),
            note=self.query_one("#item-note", Input).value.strip(),
            on=on,
        )

    @on(Button.Pressed, "#item-save")
    @on(Input.Submitted)
    def _save(self) -> None:
        try:
            result = self._result()
        except ProgressError as err:
            error = self.query_one("#item-form-error", Label)
            error.update(markup(f"{err.message}: {err.hint}" if err.hint else err.message))
            error.display = True
            self.query_one("#item-on", Input).focus()
            return
        self.dismiss(result)

    @on(Button.Pressed, "#item-cancel")
    def action_cancel(self) -> None:
        """Close without saving (Esc or the Cancel button); nothing is written."""
        self.dismiss(None)
