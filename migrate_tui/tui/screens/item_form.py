"""A small form for one checklist item: status, assignee, note."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from migrate_tui.planning.plan import PlanItem
from migrate_tui.tui.text import clean, markup, plain

_STATUSES = ["todo", "doing", "done", "skipped", "blocked"]


@dataclass(frozen=True)
class ItemEdit:
    """What the form returns."""

    status: str
    assignee: str
    note: str


class ItemForm(ModalScreen[ItemEdit | None]):
    """Edit one item; Enter saves, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, item: PlanItem, note: str | None, team: list[str],
                 focus: str = "status") -> None:
        super().__init__()
        self.item = item
        self.note = note or ""
        self.team = team
        self.focus_field = focus

    def compose(self) -> ComposeResult:
        """The item's id and text, then its status, assignee and note as fields."""
        with Vertical(id="item-form", classes="dialog"):
            yield Label(f"[b]{markup(self.item.id)}[/b]", id="item-form-id")
            yield Static(plain(self.item.text), id="item-form-text")  # wrapped, never cut
            yield Label("Status")
            yield Select([(s, s) for s in _STATUSES], value=self.item.status,
                         allow_blank=False, id="item-status", compact=True)
            team = f" (team: {markup(', '.join(self.team))})" if self.team else ""
            yield Label("Assignee" + team)
            yield Input(value=clean(self.item.assignee or ""), placeholder="nobody",
                        id="item-assignee", compact=True)
            yield Label("Note")
            yield Input(value=clean(self.note), placeholder="no note", id="item-note",
                        compact=True)
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="item-save")
                yield Button("Cancel", id="item-cancel")

    def on_mount(self) -> None:
        """Focus the field the key that opened the form asked for (``e`` status, ``a`` ...)."""
        self.query_one(f"#item-{self.focus_field}").focus()

    def unsaved(self) -> str | None:
        """What quitting now would lose, or None."""
        result = self._result()
        if (result.status, result.assignee, result.note) == (
                self.item.status, self.item.assignee or "", self.note):
            return None
        return f"the changes to item {self.item.id} are not saved: Enter saves, Esc cancels"

    def _result(self) -> ItemEdit:
        status = self.query_one("#item-status", Select).value
        return ItemEdit(
            status=str(status) if status is not Select.NULL else self.item.status,
            assignee=self.query_one("#item-assignee", Input).value.strip(),
            note=self.query_one("#item-note", Input).value.strip(),
        )

    @on(Button.Pressed, "#item-save")
    @on(Input.Submitted)
    def _save(self) -> None:
        self.dismiss(self._result())

    @on(Button.Pressed, "#item-cancel")
    def action_cancel(self) -> None:
        """Close without saving (Esc or the Cancel button); nothing is written."""
        self.dismiss(None)
